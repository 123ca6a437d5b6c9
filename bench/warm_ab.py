"""Warm passes step by step, and one tree's code against another's: `python -m bench warm`.

    .venv/bin/python -m bench warm                                  # this tree, 3 rounds of 304s and of 200s
    .venv/bin/python -m bench warm --tree old=/tmp/old --tree new=. --prefect --rounds 4

Starts the replica (`bench.replica`) and runs a cold pass, then for each mode (validators on: all
304; off: all unchanged 200s) one settling pass per tree (its validators, parse memos and config
digest stored as that tree stores them) and `--rounds` rounds of: per tree, the fetch-only stage of
what the next pass fetches with that tree's fetcher (per-portal threads, as `bench.stages`), then one
warm pass of each tree, the order alternating. `--rotating`: every answer differs outside the article
(as real pages' ads and counters do), so no page is byte-identical to the one its memo remembers.
Without `--prefect` a pass is `bench history`'s `run_pass`
(the flow's task functions, no Prefect) with wall and CPU seconds per step; with it, `bench.passrun` runs the flow
against a local Prefect server (seconds per task, CPU of the whole flow). Trees whose parser code differs evict each
other's parse memos (one per page, keyed by the code's digest): the second pass of each round then re-parses every
page (on rotating pages ~1.8 s more): compare the first passes, or run each tree alone. The ratio columns are the
fetch-only stage over the pass, by wall time and by CPU seconds: on a shared machine the CPU ratio
is the one that holds. A tree is a checkout of the project (`git archive COMMIT | tar -x -C DIR`);
every pass and fetch stage runs in a fresh process with that tree's code.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

HERE = pathlib.Path(__file__).resolve()
ROOT = HERE.parents[1]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- the children (run as `python bench/warm_ab.py --pass|--fetch TREE CONFIG`) --------------------

def child_pass(config: pathlib.Path) -> dict[str, Any]:
    """One pass of `run_pass` with wall and CPU seconds per step (the tree is first on sys.path)."""
    from bench import history

    cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def timed(into: dict[str, float], name: str) -> Iterator[None]:
        start, used = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - start
            cpu[name] = cpu.get(name, 0.0) + _cpu() - used

    history.timed = timed  # type: ignore[assignment]  # run_pass's own step timer, now with CPU seconds
    out = history.run_pass(config)  # its steps, not its imports ("export" and "stories" are inside others)
    return {"wall": out["seconds"]["total"], "cpu": sum(v for k, v in cpu.items() if k not in ("export", "stories")),
            "steps": out["seconds"], "steps_cpu": cpu, "rss_mb": out["rss_mb"], "checked": out["checked"]}


def child_fetch(config: pathlib.Path, articles: int) -> dict[str, Any]:
    """The fetch-only stage of what the next warm pass fetches: validators where stored, every page else."""
    import datetime as dt

    import duckdb

    from bench import stages
    from bench.corpus import make_specs
    from bench.replica import fetched_urls
    from beritawatch.config import load_config
    from warehouse import store

    settings = load_config(config)
    specs = {spec.url: spec for spec in make_specs(articles, 9)}
    with duckdb.connect(str(settings.database), read_only=True) as con:
        due = store.due_articles(con, dt.datetime.now(dt.UTC), every_pass=True, limit=articles)
    wants: dict[str, list[stages.Want]] = {}
    for item in due:
        mine = wants.setdefault(item.portal or "unknown", [])
        if item.etag or item.last_modified:
            mine.append(stages.Want(item.url, item.etag, item.last_modified))
        else:
            mine.extend(stages.Want(url) for url in fetched_urls(specs[item.url]))
    used = _cpu()
    fetches, seconds = stages.per_portal(lambda w: stages.fetch_all(settings.http, w), wants)
    return {"wall": seconds, "cpu": _cpu() - used, "pages": len(fetches),
            "not_modified": sum(f.outcome == "not_modified" for f in fetches)}


# -- the driver -----------------------------------------------------------------------------------

class Runner:
    """Runs the children and the Prefect passes; prints one line per measurement."""

    def __init__(self, work: pathlib.Path, articles: int, server: Any) -> None:
        self.work, self.articles, self.server = work, articles, server
        self.config = work / "warm.toml"
        self.rows: list[dict[str, Any]] = []

    def child(self, tree: str, *args: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, str(HERE), *args[:1], tree, *args[1:]], capture_output=True,
                              text=True, cwd=tree, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def prefect_pass(self, tree: str) -> dict[str, Any]:
        out = self.work / "passrun.json"
        env = {**self.server.env, "PYTHONPATH": tree}
        done = subprocess.run([sys.executable, "-m", "bench.passrun", "--config", str(self.config), "--db",
                               str(self.work / "warm.duckdb"), "--out", str(out)], cwd=tree, env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        from bench.pipeline import busy

        report = json.loads(out.read_text())
        steps = {name: busy([(s["start"], s["end"]) for s in report["stages"] if s["stage"] == name])
                 for name in {s["stage"] for s in report["stages"]}}
        return {"wall": report["flow_s"], "cpu": report["flow_cpu_s"], "steps_cpu": {},
                "steps": {**steps, "prefect": report["prefect_s"]}, "rss_mb": report["peak_rss_mb"]}

    def fetch_stage(self, mode: str, number: int, name: str, tree: str) -> dict[str, Any]:
        fetch = self.child(tree, "--fetch", str(self.config), str(self.articles))
        print(f"{mode} #{number} fetch-only ({name}'s fetcher) {fetch['wall']:.2f} s, CPU {fetch['cpu']:.2f} s, "
              f"{fetch['pages']} pages ({fetch['not_modified']} 304) | load {_load()}", flush=True)
        self.rows.append({"mode": mode, "round": number, "kind": f"fetch-{name}", **fetch, "load": _load()})
        return fetch

    def round(self, mode: str, number: int, trees: list[tuple[str, str]]) -> None:
        # Each tree's pass is set against the fetch-only stage of its own fetcher (the code differs).
        fetches = {name: self.fetch_stage(mode, number, name, tree) for name, tree in trees}
        for name, tree in trees if number % 2 == 0 else trees[::-1]:
            fetch = fetches[name]
            run = self.prefect_pass(tree) if self.server else self.child(tree, "--pass", str(self.config))
            steps = " ".join(f"{k} {v:.2f}" + (f"/{run['steps_cpu'][k]:.2f}" if k in run["steps_cpu"] else "")
                             for k, v in run["steps"].items())
            print(f"{mode} #{number} {name:8s} {run['wall']:6.2f} s, CPU {run['cpu']:5.2f} s | fetch/pass: wall "
                  f"{fetch['wall'] / run['wall']:.0%}, CPU {fetch['cpu'] / run['cpu']:.0%} | {steps} "
                  f"| peak RSS {run['rss_mb']:.0f} MB | load {_load()}", flush=True)
            self.rows.append({"mode": mode, "round": number, "kind": name, **run, "load": _load()})


def drive(opts: argparse.Namespace) -> int:
    from bench.pipeline import PrefectServer, write_config
    from bench.replica import ReplicaProcess

    trees = [tuple(t.split("=", 1)) for t in opts.tree] or [("this", str(ROOT))]
    trees = [(name, str(pathlib.Path(path).resolve())) for name, path in trees]
    work = pathlib.Path(tempfile.mkdtemp(prefix="beritawatch-warm-"))
    print(f"work folder {work}; load average {_load()}", flush=True)
    try:
        with ReplicaProcess(opts.articles) as replica, (
                PrefectServer(work / "prefect") if opts.prefect else contextlib.nullcontext()) as server:
            runner = Runner(work, opts.articles, server)
            write_config(runner.config, work / "warm.duckdb", [s.url for s in replica.specs], replica.routes)
            runner.child(trees[0][1], "--pass", str(runner.config))  # cold
            replica.rotating(opts.rotating)
            for mode in opts.modes.split(","):
                replica.validators(mode == "304")
                for _, tree in trees:  # settles the stored validators, and each tree's own stored state (parse memos)
                    runner.child(tree, "--pass", str(runner.config))
                for number in range(opts.rounds):
                    runner.round(mode, number, trees)  # type: ignore[arg-type]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if opts.out:
        pathlib.Path(opts.out).write_text(json.dumps(runner.rows, default=str), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench warm", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=DIR",
                        help="a checkout whose code a pass runs (repeatable; default: this tree)")
    parser.add_argument("--prefect", action="store_true", help="run the flow through a local Prefect server")
    parser.add_argument("--out", help="write every row as JSON here")
    parser.add_argument("--modes", default="304,200", help="which warm passes, in order (304, 200)")
    parser.add_argument("--rotating", action="store_true",
                        help="every page differs on each load outside the article (a counter before </body>), "
                             "as real pages' ads do: no page is byte-identical to the last check's")
    return drive(parser.parse_args(argv))


if __name__ == "__main__":
    if sys.argv[1:2] in (["--pass"], ["--fetch"]):  # a child: the tree's code first on sys.path
        sys.path.insert(0, sys.argv[2])
        os.chdir(sys.argv[2])
        if sys.argv[1] == "--pass":
            print(json.dumps(child_pass(pathlib.Path(sys.argv[3]))))
        else:
            print(json.dumps(child_fetch(pathlib.Path(sys.argv[3]), int(sys.argv[4]))))
        raise SystemExit(0)
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
