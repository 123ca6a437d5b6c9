"""`python -m bench`: the pipeline benchmark (bench/pipeline.py); `python -m bench history`: a year of
history (bench/history.py). See bench/README.md."""
from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["history"]:  # `python -m bench history`: bench/history.py
        from bench.history import main as history

        raise SystemExit(history(sys.argv[2:]))
    from bench.pipeline import main

    raise SystemExit(main())
