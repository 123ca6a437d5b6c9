"""beritawatch benchmarks: `python -m bench` runs the pipeline benchmark (see bench/README.md)."""
