"""A local replica of the portals: a real HTTP server on 127.0.0.1 for tests, demo and benchmarks."""
