"""Tools for tests, benchmarks and the offline demo, never used by a monitoring pass.

`beritawatch.testing.replica` serves the portals on 127.0.0.1 (hand-made pages, and pages built
from each portal pack's selectors) and plays the chat/e-mail receivers, so nothing ever touches
the internet."""
