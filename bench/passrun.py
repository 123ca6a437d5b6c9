"""One real monitoring pass (flows.monitor.monitor_pass) in its own process, timed from inside.

    python -m bench.passrun --config C --db D --out result.json

Each task's function is wrapped (on the Task object, not in flows/monitor.py) to record when its
own work starts and ends and the process RSS after it; whatever else the flow call takes is
Prefect's (flow-run and task-run bookkeeping, submission, state reporting). Writes JSON: import
time, flow wall time, the stage intervals, the pass summary and the process's peak RSS.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Resident set size now, MB."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * _PAGE / 1e6


def cpu_seconds() -> float:
    """CPU seconds (user + system, all threads) this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak RSS of this process image, MB. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    exec, so a child of a big parent would report the parent's size."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


class Recorder:
    """Collects (stage, start, end, rss after) from the wrapped task functions, thread-safe."""

    def __init__(self) -> None:
        self.stages: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.perf_counter()
                with self._lock:
                    self.stages.append({"stage": name, "start": start, "end": end, "rss_mb": rss_mb()})
        return timed


def busy_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of the intervals (parallel check-portal tasks count once)."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="all")
    parser.add_argument("--preload", action="append", default=[],
                        help="import this module before the pass (local experiments that patch a stage)")
    args = parser.parse_args(argv)

    before_import = time.perf_counter()
    import flows.monitor as monitor  # prefect, httpx, duckdb, selectolax, the project

    imported = time.perf_counter()
    recorder = Recorder()
    for name in ("prepare", "discover", "plan", "check_portal", "store_results", "deliver_alerts"):
        task = getattr(monitor, name)
        task.fn = recorder.wrap(task.name, task.fn)
    monitor.load_config = recorder.wrap("load-config", monitor.load_config)
    for name in args.preload:  # after the timing wrappers, so patched stages are still timed
        importlib.import_module(name)
    rss_before = rss_mb()
    cpu_before = cpu_seconds()
    flow_start = time.perf_counter()
    summary = monitor.monitor_pass(config_path=args.config, db_path=args.db, mode=args.mode)
    flow_end = time.perf_counter()
    flow_cpu = cpu_seconds() - cpu_before
    stages = [{**s, "start": s["start"] - flow_start, "end": s["end"] - flow_start} for s in recorder.stages]
    work = busy_seconds([(s["start"], s["end"]) for s in stages])
    result = {
        "interpreter_s": before_import - STARTED,
        "import_s": imported - before_import,
        "flow_s": flow_end - flow_start,
        "work_s": work,
        "prefect_s": (flow_end - flow_start) - work,
        "flow_cpu_s": flow_cpu,
        "stages": sorted(stages, key=lambda s: s["start"]),
        "rss_before_flow_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
        "summary": summary,
        "pid": os.getpid(),
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
