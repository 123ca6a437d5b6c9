"""`python -m bench`: the pipeline benchmark (bench/pipeline.py); `python -m bench history`: a year of
history (bench/history.py); `python -m bench warm`: warm passes step by step, old code against new
(bench/warm_ab.py). See bench/README.md."""
from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["history"]:  # `python -m bench history`: bench/history.py
        from bench.history import main as history

        raise SystemExit(history(sys.argv[2:]))
    if sys.argv[1:2] == ["warm"]:  # `python -m bench warm`: bench/warm_ab.py
        from bench.warm_ab import main as warm

        raise SystemExit(warm(sys.argv[2:]))
    from bench.pipeline import main

    raise SystemExit(main())
