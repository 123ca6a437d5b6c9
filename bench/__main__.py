"""`python -m bench`: the pipeline benchmark (bench/pipeline.py; see bench/README.md)."""
from __future__ import annotations

from bench.pipeline import main

if __name__ == "__main__":
    raise SystemExit(main())
