"""DuckLake on PostgreSQL against the DuckDB file, on the benchmark replica (prints figures).

    .venv-lake/bin/python -m bench.lake [--articles 600] [--rounds 2]   # the file on 1.5.5, and the lake
    .venv/bin/python -m bench.lake --file-only                            # the file on duckdb 2.0

- the cost of a pass: a cold pass (every article new) and a warm pass (every article unchanged)
  with `beritawatch run`, on the file and on a lake (a throwaway PostgreSQL catalog, Parquet in a
  temporary folder). Run in both installs, the file figures separate what duckdb 1.5.5 costs from
  what the lake costs;
- passes per hour with 1 and 2 workers: the three portal groups of prefect-lake.yaml
  (detik / tribun / the rest) as `beritawatch run --portal ...` passes; a worker runs
  passes one after another (as a process-pool worker with `--limit 1` does); with 2 workers two
  such loops share the queue. Each pass costs a process start and Prefect's flow-run overhead,
  like a worker's flow-run process; the deployment/scheduling latency of a real pool is not in it.

Needs PostgreSQL (the Debian package). The machine is shared: figures are single runs.
"""
from __future__ import annotations

import argparse
import collections
import os
import pathlib
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence

import duckdb

from bench.pipeline import PrefectServer
from bench.replica import ReplicaProcess
from tests.postgres import lake_skip_reason, running_postgres

BIN = pathlib.Path(sys.executable).parent
GROUPS = (["detik"], ["tribun"], ["republika", "tempo", "kompas", "cnnindonesia", "antaranews", "other"])


def write_config(path: pathlib.Path, database: str, data_path: str | None, urls: Sequence[str],
                 routes: dict[str, str], min_delay_s: float) -> pathlib.Path:
    lines = [f'database = "{database}"'] + ([f'data_path = "{data_path}"'] if data_path else []) + [""]
    for url in urls:
        lines += ["[[track]]", f'url = "{url}"', ""]
    lines += ["[http]", f"min_delay_s = {min_delay_s}", "timeout_s = 20.0", "retries = 1", "", "[http.route]"]
    lines += [f'"{host}" = "{origin}"' for host, origin in sorted(routes.items())]
    lines += ["", "[revisit]", "every_pass = true", f"max_per_pass = {len(urls)}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_pass(config: pathlib.Path, env: dict[str, str], portals: Sequence[str] = ()) -> float:
    """One `beritawatch run`; its wall time in seconds."""
    return measured_pass(config, env, portals)[0]


def measured_pass(config: pathlib.Path, env: dict[str, str], portals: Sequence[str] = ()) -> tuple[float, float]:
    """One `beritawatch run`: (wall seconds, peak RSS in MB of the pass's process)."""
    extra = [arg for portal in portals for arg in ("--portal", portal)]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(BIN / "beritawatch"), "run", "--quiet", "--config", str(config), *extra],
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
        # wait4, not wait: the child's own resource usage (ru_maxrss in KiB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"pass failed ({proc.returncode}): {err.read()[-2000:].decode(errors='replace')}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def passes_per_hour(config: pathlib.Path, env: dict[str, str], workers: int, rounds: int) -> tuple[float, float]:
    """(passes per hour, wall seconds) for `rounds` of the portal-group passes on `workers` loops."""
    jobs: queue.Queue[list[str]] = queue.Queue()
    for _ in range(rounds):
        for group in GROUPS:
            jobs.put(group)
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            try:
                group = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                run_pass(config, env, group)
            except BaseException as exc:  # reported below
                errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} passes failed: {errors[0]}")
    return rounds * len(GROUPS) * 3600 / wall, wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the three group passes per figure")
    parser.add_argument("--file-only", action="store_true", help="only the DuckDB file (any install)")
    parser.add_argument("--min-delay", type=float, default=0.2,
                        help="the polite delay per host between requests, s (the shipped default is 1.0)")
    parser.add_argument("--costs-only", action="store_true",
                        help="only the cold and warm pass (time and peak RSS), not the passes per hour")
    args = parser.parse_args(argv)
    reason = None if args.file_only else lake_skip_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    figures: dict[str, float] = collections.OrderedDict()
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as tmp, ReplicaProcess(args.articles) as replica, \
            PrefectServer(pathlib.Path(tmp) / "prefect") as prefect:
        root = pathlib.Path(tmp)
        env = {**prefect.env, "PREFECT_LOGGING_LEVEL": "WARNING"}
        urls = [spec.url for spec in replica.specs]
        file_config = write_config(root / "file.toml", str(root / "w.duckdb"), None, urls, replica.routes,
                                   args.min_delay)
        figures.update(_pass_costs("file", file_config, env, len(urls)))
        if not args.costs_only:
            figures.update(_rates("file", file_config, env, (1,), args.rounds))
        figures["file: warehouse size, MB"] = (root / "w.duckdb").stat().st_size / 1e6
        if not args.file_only:
            with running_postgres() as postgres:
                lake_config = write_config(root / "lake.toml", postgres.database("bench"),
                                           str(root / "lake-data") + "/", urls, replica.routes, args.min_delay)
                figures.update(_pass_costs("lake", lake_config, env, len(urls)))
                if not args.costs_only:
                    figures.update(_rates("lake", lake_config, env, (1, 2), args.rounds))
                figures["lake: Parquet data, MB"] = sum(
                    p.stat().st_size for p in (root / "lake-data").rglob("*") if p.is_file()) / 1e6
    print(f"bench.lake: {args.articles} articles, min_delay_s {args.min_delay:g}, duckdb {duckdb.__version__}, "
          f"{os.cpu_count()} cores (shared machine), single runs")
    for key, value in figures.items():
        print(f"  {key:<58} {value:10.1f}")
    return 0


def _pass_costs(name: str, config: pathlib.Path, env: dict[str, str], count: int) -> dict[str, float]:
    cold, cold_rss = measured_pass(config, env)
    warm, warm_rss = measured_pass(config, env)
    return {f"{name}: cold pass (all {count} new), s": cold,
            f"{name}: cold pass, peak RSS of the pass's process, MB": cold_rss,
            f"{name}: warm pass (all unchanged), s": warm,
            f"{name}: warm pass, peak RSS, MB": warm_rss}


def _rates(name: str, config: pathlib.Path, env: dict[str, str], workers: Sequence[int],
           rounds: int) -> dict[str, float]:
    figures = {}
    for n in workers:
        rate, wall = passes_per_hour(config, env, n, rounds)
        figures[f"{name}, {n} worker(s): portal-group passes per hour"] = rate
        figures[f"{name}, {n} worker(s): wall s for {rounds * len(GROUPS)} passes"] = wall
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
