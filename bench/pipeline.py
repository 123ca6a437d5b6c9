"""The pipeline benchmark: each stage alone, then real Prefect passes over N tracked articles.

    .venv/bin/python -m bench [--articles N] [--quick] [--out bench/results/latest.json]

One run, everything on loopback and started/stopped here: the replica (its own process, ~150 KB
pages), a local `prefect server start` (its own process group), and one child process per pass.
Prints a table and writes JSON; targets are reported as PASS/MISS, never asserted.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import os
import pathlib
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

from bench import stages
from bench.replica import ReplicaProcess, fetched_urls
from beritawatch.check import PARSED, DueArticle
from beritawatch.testing.replica.render import ArticleSpec

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = pathlib.Path(sys.executable)


# -- processes ----------------------------------------------------------------------------------

def cpu_seconds(pgid: int) -> float:
    """User+system CPU seconds of every live process in a process group (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after "pid (comm)": state ppid pgrp ...
            total += int(fields[11]) + int(fields[12])
    return total / tick


def busy_cpu_seconds() -> float:
    """CPU seconds all processes on the machine spent busy so far (from /proc/stat)."""
    fields = pathlib.Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def pid_cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrefectServer:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME (killed at exit)."""

    def __init__(self, home: pathlib.Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.start_s = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        return {**env, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_API_URL": self.url}

    def __enter__(self) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        log = (self.home / "server.log").open("wb")
        env = {k: v for k, v in self.env.items() if k != "PREFECT_API_URL"}
        started = time.perf_counter()
        self._process = subprocess.Popen(
            [str(PYTHON.parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-ui", "--analytics-off"], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"prefect server exited: {(self.home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        self.start_s = time.perf_counter() - started
                        return self
            except OSError:
                time.sleep(0.25)
        self.__exit__()
        raise RuntimeError("prefect server did not answer /api/health within 240 s")

    def __exit__(self, *exc: object) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        pgid = self._process.pid  # start_new_session: the server's own process group
        os.killpg(pgid, signal.SIGTERM)
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self._process.wait(timeout=10)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self._process.pid) if self._process else 0.0


# -- configs and passes ---------------------------------------------------------------------------

def write_config(path: pathlib.Path, db: pathlib.Path, urls: Sequence[str], routes: dict[str, str]) -> pathlib.Path:
    """A pass config: these tracked URLs, routed to the replica, every article every pass."""
    lines = [f'database = "{db}"', ""]
    for url in urls:
        lines += ["[[track]]", f'url = "{url}"', ""]
    lines += ["[http]", "min_delay_s = 0.0", "timeout_s = 20.0", "retries = 1", "max_retry_wait_s = 1.0", "",
              "[http.route]"]
    lines += [f'"{host}" = "{origin}"' for host, origin in sorted(routes.items())]
    lines += ["", "[revisit]", "every_pass = true", f"max_per_pass = {max(len(urls), 1)}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def warehouse_used(db: pathlib.Path) -> int:
    """Bytes in use in a closed warehouse (used blocks x block size)."""
    import duckdb  # noqa: PLC0415

    with duckdb.connect(str(db), read_only=True) as con:
        [(block_size, used)] = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchall()
    return int(block_size) * int(used)


def archive_of(db: pathlib.Path) -> dict[str, Any]:
    import duckdb  # noqa: PLC0415

    with duckdb.connect(str(db), read_only=True) as con:
        return stages.archive_figures(con)


@dataclasses.dataclass
class PassRun:
    """One pass child: its own report plus what the parent saw around it."""

    name: str
    articles: int
    wall_s: float
    report: dict[str, Any]
    pass_cpu_s: float
    replica_cpu_s: float
    prefect_cpu_s: float
    db_used_bytes: int
    other_cores: float  # CPU that processes not of this benchmark used meanwhile, in cores

    @property
    def flow_s(self) -> float:
        return float(self.report["flow_s"])

    def stage_s(self, name: str) -> float:
        """Busy seconds of one stage (parallel check-portal tasks as one span)."""
        spans = [(s["start"], s["end"]) for s in self.report["stages"] if s["stage"] == name]
        return busy(spans)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for portal in self.report["summary"]["portals"].values():
            for key in ("checked", "fetched", "unchanged", "new_articles", "new_versions", "errors"):
                totals[key] = totals.get(key, 0) + int(portal[key])
        return totals

    def to_json(self) -> dict[str, Any]:
        report = {k: v for k, v in self.report.items() if k != "summary"}
        return {"name": self.name, "articles": self.articles, "wall_s": self.wall_s, "flow_s": self.flow_s,
                "pass_cpu_s": self.pass_cpu_s, "replica_cpu_s": self.replica_cpu_s,
                "prefect_server_cpu_s": self.prefect_cpu_s, "db_used_bytes": self.db_used_bytes,
                "other_cores": self.other_cores,
                "counts": self.counts(), **report}


def busy(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


class Passes:
    """Runs passes as child processes against the Prefect server and the replica."""

    def __init__(self, work: pathlib.Path, server: PrefectServer, replica: ReplicaProcess,
                 preload: Sequence[str] = ()) -> None:
        self.work, self.server, self.replica = work, server, replica
        self.preload = [arg for name in preload for arg in ("--preload", name)]
        self.runs: list[PassRun] = []

    def run(self, name: str, config: pathlib.Path, db: pathlib.Path, articles: int) -> PassRun:
        out = self.work / f"pass-{len(self.runs):02d}-{name}.json"
        log = self.work / f"pass-{len(self.runs):02d}-{name}.log"
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]  # experiments' modules too
        env = {**self.server.env, "PYTHONPATH": os.pathsep.join(path)}
        before = (os.times(), pid_cpu_seconds(self.replica.pid), self.server.cpu_seconds(), busy_cpu_seconds())
        started = time.perf_counter()
        with log.open("wb") as sink:
            done = subprocess.run([str(PYTHON), "-m", "bench.passrun", "--config", str(config), "--db", str(db),
                                   "--out", str(out), *self.preload], cwd=ROOT, env=env, stdout=sink,
                                  stderr=subprocess.STDOUT, timeout=1800)
        wall = time.perf_counter() - started
        after = (os.times(), pid_cpu_seconds(self.replica.pid), self.server.cpu_seconds(), busy_cpu_seconds())
        if done.returncode != 0:
            raise RuntimeError(f"pass {name} failed ({done.returncode}): {log.read_text()[-3000:]}")
        report = json.loads(out.read_text())
        child_cpu = (after[0].children_user + after[0].children_system
                     - before[0].children_user - before[0].children_system)
        ours = child_cpu + (after[1] - before[1]) + (after[2] - before[2])
        run = PassRun(name, articles, wall, report, child_cpu, after[1] - before[1], after[2] - before[2],
                      warehouse_used(db), max(0.0, (after[3] - before[3] - ours) / wall))
        self.runs.append(run)
        return run


# -- the benchmark --------------------------------------------------------------------------------

@dataclasses.dataclass
class Options:
    articles: int
    repeats: int  # unchanged store passes for the bytes-per-check figure
    sample: int  # pages per portal for trafilatura and the codec comparison
    versions: int
    out: pathlib.Path
    keep: bool
    preload: tuple[str, ...] = ()


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(pathlib.Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    versions = {}
    for name in ("prefect", "duckdb", "httpx", "selectolax", "zstandard", "trafilatura"):
        try:
            from importlib.metadata import version  # noqa: PLC0415

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            continue
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        rev, dirty = "", False
    return {"cores": len(os.sched_getaffinity(0)), "cpu": model, "git": rev + ("+changes" if dirty else ""),
            "load_avg": os.getloadavg(), "memory_gb": round(mem_kb / 1e6, 1),
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def by_portal(specs: Sequence[ArticleSpec]) -> dict[str, list[ArticleSpec]]:
    out: dict[str, list[ArticleSpec]] = {}
    for spec in specs:
        out.setdefault(spec.portal, []).append(spec)
    return out


def run_stages(opts: Options, replica: ReplicaProcess, work: pathlib.Path) -> dict[str, Any]:
    """Fetch-only, parse-only, trafilatura, check-only, store-only, storage and codec figures."""
    specs = replica.specs
    n = len(specs)
    http = stages.http_settings(replica.routes)
    groups = by_portal(specs)
    out: dict[str, Any] = {"articles": n, "pages": sum(len(fetched_urls(s)) for s in specs),
                           "page_bytes": replica.info["bytes"] / max(replica.info["pages"], 1)}
    own0 = (sum(os.times()[:2]), pid_cpu_seconds(replica.pid), busy_cpu_seconds(), time.perf_counter())
    say(f"stages: fetch-only over {out['pages']} pages")
    wants = {p: [stages.Want(u) for s in items for u in fetched_urls(s)] for p, items in groups.items()}
    cpu0 = pid_cpu_seconds(replica.pid)
    fetches, secs = stages.per_portal(lambda w: stages.fetch_all(http, w), wants)
    bad = [f for f in fetches if not f.ok]
    if bad:
        raise RuntimeError(f"{len(bad)} fetches failed, first: {bad[0].url} {bad[0].outcome} {bad[0].error}")
    out["fetch_200"] = {"s": secs, "pages": len(fetches), "mb": sum(f.size for f in fetches) / 1e6,
                        "replica_cpu_s": pid_cpu_seconds(replica.pid) - cpu0}
    one_loop = [w for ws in wants.values() for w in ws]
    start = time.perf_counter()
    stages.fetch_all(http, one_loop)
    out["fetch_200_one_loop_s"] = time.perf_counter() - start

    say("stages: parse-only, trafilatura")
    pages = stages.pages_of(fetches)
    del fetches
    out["parse"] = {"s_per_page": stages.parse_pages(pages), "pages": len(pages)}
    page_by_url = dict(pages)
    per_portal: dict[str, dict[str, float]] = {}
    traf_import = 0.0
    for portal, items in groups.items():
        sample = [(s.url, page_by_url[s.url]) for s in items[:opts.sample]]
        ours = stages.parse_pages(sample, repeat=3)
        theirs, imported = stages.trafilatura_pages(sample)
        traf_import = max(traf_import, imported)
        per_portal[portal] = {"parse_s_per_page": ours, "trafilatura_s_per_page": theirs, "speedup": theirs / ours}
    parse_sample = statistics.fmean(p["parse_s_per_page"] for p in per_portal.values())
    traf = statistics.fmean(p["trafilatura_s_per_page"] for p in per_portal.values())
    out["trafilatura"] = {"pages": opts.sample * len(groups), "parse_s_per_page": parse_sample,
                          "trafilatura_s_per_page": traf, "import_s": traf_import, "speedup": traf / parse_sample,
                          "portals": per_portal}
    del pages, page_by_url
    gc.collect()

    say("stages: check-only (fetch + parse, no Prefect)")
    due = {p: [DueArticle(s.url, s.portal) for s in items] for p, items in groups.items()}
    results, secs = stages.per_portal(lambda d: stages.check_all(http, d), due)
    not_parsed = [r for r in results if r.outcome != PARSED]
    if not_parsed:
        raise RuntimeError(f"{len(not_parsed)} checks not parsed, first: {not_parsed[0].due.url} {not_parsed[0].error}")
    out["check"] = {"s": secs}

    say("stages: fetch-only as a warm pass with validators (304s; multi-page articles in full)")
    wants_304 = {p: stages.warm_wants([r for r in results if r.due.portal == p]) for p in groups}
    fetches_304, secs = stages.per_portal(lambda w: stages.fetch_all(http, w), wants_304)
    full = sum(1 for f in fetches_304 if f.ok)
    out["fetch_304"] = {"s": secs, "pages": len(fetches_304), "not_modified": len(fetches_304) - full,
                        "full_pages": full}
    results_304 = stages.warm_results(results, {f.url: f for f in fetches_304})

    say(f"stages: store-only (cold, then {opts.repeats} unchanged passes of 200s and of 304s)")
    run = stages.store_stage(work / "store-only.duckdb", results, results_304, opts.repeats)
    out["store"] = dataclasses.asdict(run)

    say("stages: codecs on the stored pages")
    out["codecs"] = stages.compression_stage(stages.first_pages(results), opts.sample)
    del results, results_304
    gc.collect()

    say(f"stages: {opts.versions} versions of 5 KB bodies")
    out["versions_5kb"] = stages.versions_stage(work / "versions.duckdb", opts.versions)
    out["versions_5kb_chains"] = stages.versions_stage(work / "versions-chains.duckdb", opts.versions, chain=10)
    own = sum(os.times()[:2]) - own0[0] + pid_cpu_seconds(replica.pid) - own0[1]
    out["other_cores"] = max(0.0, (busy_cpu_seconds() - own0[2] - own) / (time.perf_counter() - own0[3]))
    return out


def run_passes(opts: Options, replica: ReplicaProcess, work: pathlib.Path) -> dict[str, Any]:
    """Prefect server start, small passes (Prefect overhead), the four 2,000-article passes."""
    specs = replica.specs
    small = [items[0].url for items in by_portal(specs).values()]
    say("prefect: starting a local server")
    with PrefectServer(work / "prefect") as server:
        say(f"prefect: server up in {server.start_s:.1f} s")
        passes = Passes(work, server, replica, opts.preload)
        small_cfg = write_config(work / "small.toml", work / "small.duckdb", small, replica.routes)
        big_db = work / "passes.duckdb"
        big_cfg = write_config(work / "big.toml", big_db, [s.url for s in specs], replica.routes)
        for name in ("small-first", "small", "small", "small"):
            say(f"pass: {name} ({len(small)} articles)")
            passes.run(name, small_cfg, work / "small.duckdb", len(small))
        say(f"pass: cold ({len(specs)} articles, all new)")
        passes.run("cold", big_cfg, big_db, len(specs))
        say("pass: warm with validators (all 304)")
        passes.run("warm-304", big_cfg, big_db, len(specs))
        replica.validators(False)
        say("pass: warm without validators (all unchanged 200s)")
        passes.run("warm-200", big_cfg, big_db, len(specs))
        chosen = sorted(random.Random(7).sample([s.url for s in specs], max(1, len(specs) // 10)))
        replica.edit(chosen, salt=1)
        say(f"pass: {len(chosen)} articles edited (no validators: all 200s)")
        passes.run("edited-10pct", big_cfg, big_db, len(specs))
        say(f"pass: small again ({len(small)} articles)")
        passes.run("small-after", small_cfg, work / "small.duckdb", len(small))
        archive = archive_of(big_db)
        return {"server_start_s": server.start_s, "runs": passes.runs, "edited": len(chosen),
                "archive": archive}


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


BIG = ("cold", "warm-304", "warm-200", "edited-10pct")


def evaluate(stage: dict[str, Any], passes: dict[str, Any]) -> dict[str, Any]:
    """Derived throughputs and the targets (PASS/MISS with the stage that holds back a miss)."""
    n = stage["articles"]
    store = stage["store"]
    rate = {
        "fetch_200": n / stage["fetch_200"]["s"],
        "fetch_304": n / stage["fetch_304"]["s"],
        "parse": n / (stage["parse"]["s_per_page"] * stage["pages"]),
        "check": n / stage["check"]["s"],
        "store_cold": n / store["cold_s"],
        "store_200": n / statistics.fmean(store["unchanged_200_s"]),
        "store_304": n / statistics.fmean(store["unchanged_304_s"]),
    }
    runs = {r.name: r for r in passes["runs"]}
    targets: list[dict[str, Any]] = []

    def target(name: str, value: float, limit: float, unit: str, ok: bool, held: str = "") -> None:
        targets.append({"target": name, "value": value, "limit": limit, "unit": unit,
                        "result": "PASS" if ok else "MISS", "held_back_by": "" if ok else held})

    per_page = stage["parse"]["s_per_page"]
    alone = {  # seconds each stage takes alone for the same work as the pass
        "warm-304": {"fetch": stage["fetch_304"]["s"], "parse": per_page * stage["fetch_304"]["full_pages"],
                     "store": statistics.fmean(store["unchanged_304_s"])},
        "warm-200": {"fetch": stage["fetch_200"]["s"], "parse": per_page * stage["pages"],
                     "store": statistics.fmean(store["unchanged_200_s"])},
    }
    for name, parts in alone.items():
        run = runs[name]
        slowest, secs = max(parts.items(), key=lambda kv: kv[1])
        share = secs / run.flow_s  # = pass throughput / slowest stage's throughput
        target(f"{name} pass vs its slowest stage ({slowest}: {n / secs:,.0f} art/s)", share * 100, 60, "%",
               share >= 0.6, held=hold_back(run, slowest, secs))
    small = statistics.median(r.report["prefect_s"] for r in passes["runs"] if r.name == "small")
    big = [runs[k].report["prefect_s"] for k in BIG]
    target(f"Prefect overhead per pass (worst {n:,}-article pass)", max(big), 10, "s", max(big) <= 10,
           held="Prefect's task-run bookkeeping")
    growth = statistics.median(big) - small
    target("Prefect overhead flat (median big minus median small pass)", growth, 1.0, "s", growth <= 1.0,
           held="Prefect walks every task parameter (visit_collection) - the config with every tracked "
                "article (passed to all 9 task calls), the due lists, the results passed to store - once to "
                "find upstream futures and once to resolve them")
    per_check = max(store["bytes_per_200"], store["bytes_per_304"])
    target("warehouse bytes per unchanged check", per_check, 300, "B", per_check < 300,
           held="the fetches row (three URL strings per check)")
    vers = stage["versions_5kb"]["stored_bytes"] / 1e6
    target("1,000 versions of 5 KB bodies", vers, 3.0, "MB", vers < 3.0, held="versions.body compression")
    archive = passes["archive"]["per_page_bytes"] / 1e3
    target("raw-HTML archive per stored page", archive, 15.0, "KB", archive <= 15.0, held="page codec")
    heavy = max((runs[k] for k in BIG), key=lambda r: r.report["peak_rss_mb"])
    peak = heavy.report["peak_rss_mb"]
    target(f"peak RSS of a {n:,}-article pass (worst: {heavy.name})", peak, 400, "MB", peak < 400,
           held=memory_holder(heavy))
    traf = stage["trafilatura"]
    worst = min(traf["portals"].items(), key=lambda kv: kv[1]["speedup"])
    target(f"parsing vs trafilatura (same pages, slowest portal: {worst[0]})", worst[1]["speedup"], 25, "x",
           worst[1]["speedup"] >= 25,
           held=f"parsers.parse on {worst[0]} pages ({worst[1]['speedup']:.1f}x, "
                f"{worst[1]['parse_s_per_page'] * 1000:.1f} ms/page): " + ", ".join(
                    f"{p} {v['speedup']:.0f}x" for p, v in traf["portals"].items()))
    return {"rates": rate, "targets": targets,
            "overheads": {r.name: r.report["prefect_s"] for r in passes["runs"]},
            "small_overhead_s": small}


def hold_back(run: PassRun, slowest: str, alone_s: float) -> str:
    """Where a pass's time goes, against the time its slowest stage takes alone."""
    return (f"check-portal {run.stage_s('check-portal'):.1f} s ({slowest} alone: {alone_s:.1f} s), "
            f"store {run.stage_s('store'):.1f} s, Prefect {run.report['prefect_s']:.1f} s, "
            f"deliver {run.stage_s('deliver-alerts'):.1f} s of {run.flow_s:.1f} s; "
            f"the flow used {run.report['flow_cpu_s'] / run.flow_s:.2f} of {len(os.sched_getaffinity(0))} cores")


def memory_holder(run: PassRun) -> str:
    rss = {s["stage"]: s["rss_mb"] for s in sorted(run.report["stages"], key=lambda s: s["end"])}
    return (f"{run.report['rss_before_flow_mb']:.0f} MB before the flow (imports), "
            f"{rss.get('check-portal', 0):.0f} MB when the checks end (every fetched page's raw HTML is held "
            f"until the store task), {rss.get('store', 0):.0f} MB after store; peak in store")


# -- printing -------------------------------------------------------------------------------------

def table(stage: dict[str, Any], passes: dict[str, Any], verdict: dict[str, Any], info: dict[str, Any]) -> str:
    n = stage["articles"]
    rate = verdict["rates"]
    runs = {r.name: r for r in passes["runs"]}
    others = max(r.other_cores for r in passes["runs"])
    lines = [f"beritawatch pipeline benchmark - {info['cores']} cores ({info['cpu']}), {info['memory_gb']} GB, "
             f"Python {info['python']}, git {info['git']}, {info['when']}",
             f"{n:,} articles / {stage['pages']:,} pages over 4 portals, {stage['page_bytes'] / 1e3:.0f} KB per page; "
             f"replica in its own process on loopback; Prefect: a local `prefect server start` "
             f"(up in {passes['server_start_s']:.1f} s), one process per pass",
             *([f"EXPERIMENT: every pass process preloaded {', '.join(info['preload'])} (single stages unchanged)"]
               if info.get("preload") else []),
             f"other processes on the machine used up to {others:.2f} cores during a pass"
             + (" - NOT QUIET: timings are pessimistic" if others > 0.2 else " (quiet)")
             + f"; during the single stages {stage['other_cores']:.2f} cores", ""]

    def section(title: str, rows: list[tuple[str, str, str]]) -> None:
        lines.append(title)
        width = max(len(r[0]) for r in rows)
        for name, value, note in rows:
            lines.append(f"  {name:<{width}}  {value:>15}  {note}")
        lines.append("")

    f200, f304 = stage["fetch_200"], stage["fetch_304"]
    store = stage["store"]
    section(f"Single stages, no Prefect (throughput in articles/s; {n:,} articles = {stage['pages']:,} pages)", [
        ("fetch-only, 200s", f"{rate['fetch_200']:,.0f} art/s",
         f"{f200['pages'] / f200['s']:,.0f} pages/s, {f200['mb'] / f200['s']:,.0f} MB/s; one thread + loop per portal "
         f"(all in one loop: {f200['pages'] / stage['fetch_200_one_loop_s']:,.0f} pages/s); replica used "
         f"{f200['replica_cpu_s']:.1f} CPU s"),
        ("fetch-only, warm", f"{rate['fetch_304']:,.0f} art/s",
         f"{f304['not_modified']:,} conditional GETs (304) + {f304['full_pages']:,} whole pages of multi-page "
         f"articles, as a warm pass with validators fetches them"),
        ("parse-only", f"{rate['parse']:,.0f} art/s",
         f"{1 / stage['parse']['s_per_page']:,.0f} pages/s, parsers.parse in one thread"),
        ("check (fetch+parse)", f"{rate['check']:,.0f} art/s", "check_many, one thread + loop per portal"),
        ("store, cold", f"{rate['store_cold']:,.0f} art/s",
         f"record_checks: {n:,} first versions with their raw pages, {store['cold_s']:.1f} s"),
        ("store, unchanged 200s", f"{rate['store_200']:,.0f} art/s",
         f"record_checks, mean of {len(store['unchanged_200_s'])} passes"),
        ("store, warm (304s)", f"{rate['store_304']:,.0f} art/s",
         f"the warm pass's results (304s + unchanged multi-page parses), mean of {len(store['unchanged_304_s'])}"),
    ])
    rows = []
    for run in passes["runs"]:
        c = run.counts()
        rows.append((f"{run.name} ({run.articles:,})", f"{run.flow_s:.1f} s",
                     f"{run.articles / run.flow_s:4.0f} art/s | check {run.stage_s('check-portal'):4.1f} s, "
                     f"store {run.stage_s('store'):4.1f} s, deliver {run.stage_s('deliver-alerts'):3.1f} s, "
                     f"prepare+plan {run.stage_s('prepare') + run.stage_s('plan'):3.1f} s, "
                     f"Prefect {run.report['prefect_s']:3.1f} s | process {run.wall_s:4.1f} s | CPU s: flow "
                     f"{run.report['flow_cpu_s']:4.1f}, replica {run.replica_cpu_s:3.1f}, "
                     f"server {run.prefect_cpu_s:3.1f} | "
                     f"peak RSS {run.report['peak_rss_mb']:3.0f} MB | new {c['new_articles']}, edits "
                     f"{c['new_versions']}, unchanged {c['unchanged']}, errors {c['errors']}"))
    section("Full passes: monitor_pass() wall time; stages timed inside the tasks", rows)
    first = passes["runs"][0].report
    small = [r for r in passes["runs"] if r.name == "small"]
    outside = [r.wall_s - r.report["import_s"] - r.flow_s for r in passes["runs"]]
    section("Prefect", [
        ("server start", f"{passes['server_start_s']:.1f} s", "once: `prefect server start --no-ui` on loopback"),
        ("import prefect + flow", f"{first['import_s']:.2f} s", "once per pass process"),
        ("process start + exit", f"{statistics.fmean(outside):.2f} s",
         "per pass process, besides the import and the flow call (mean)"),
        ("overhead, first flow run", f"{runs['small-first'].report['prefect_s']:.2f} s",
         "flow call minus the time inside tasks and load_config"),
        ("overhead, small pass", f"{verdict['small_overhead_s']:.2f} s",
         f"median of {len(small)}: " + ", ".join(f"{r.report['prefect_s']:.2f}" for r in small)
         + f"; small pass after the big ones: {runs['small-after'].report['prefect_s']:.2f} s"),
        *((f"overhead, {name} ({n:,})", f"{runs[name].report['prefect_s']:.2f} s", "") for name in BIG),
    ])
    vers, chains = stage["versions_5kb"], stage["versions_5kb_chains"]
    codecs = stage["codecs"]
    arch = passes["archive"]
    checks = len(store["unchanged_200_s"]) * n
    section("Storage", [
        ("unchanged check, 200", f"{store['bytes_per_200']:.0f} B",
         f"growth of the compacted warehouse over {checks:,} checks, a connection per pass as in the flow "
         f"(256 KB blocks: +-{262144 / checks:.0f} B/check)"),
        ("unchanged check, warm", f"{store['bytes_per_304']:.0f} B",
         f"the warm pass's results, over {checks:,} checks"),
        ("1,000 versions x 5 KB", f"{vers['stored_bytes'] / 1e6:.2f} MB",
         f"versions table, distinct articles ({vers['body_bytes'] / 1e6:.1f} MB of text, {vers['ratio']:.1f}x); "
         f"as 100 articles x 10 edits: {chains['stored_bytes'] / 1e6:.2f} MB"),
        ("raw page archived", f"{arch['per_page_bytes'] / 1e3:.1f} KB",
         f"mean blob per stored page + dictionaries, full passes ({arch['pages']:,} pages, "
         f"{arch['dictionary_bytes'] / 1e3:.0f} KB of dictionaries); store-only "
         f"{store['pages']['per_page_bytes'] / 1e3:.1f} KB"),
        ("  same pages, by codec", f"{codecs['raw_bytes'] / 1e3:.0f} KB raw",
         " | ".join(f"{k.replace('_', ' L')}: {v['bytes'] / 1e3:.1f} KB {v['ms']:.2f} ms" for k, v in codecs.items()
                    if isinstance(v, dict) and "bytes" in v) + " (plain L12 = the codec before; dict L3 = now)"),
        ("warehouse file after store-only", f"{store['file_bytes'] / 1e6:.1f} MB",
         f"{n:,} articles, {1 + 2 * len(store['unchanged_200_s'])} passes"),
    ])
    traf = stage["trafilatura"]
    section("Parsing vs trafilatura (same pages)", [
        ("parsers.parse", f"{1 / traf['parse_s_per_page']:,.0f} pages/s", f"{traf['pages']} pages, mean over portals"),
        ("trafilatura.extract", f"{1 / traf['trafilatura_s_per_page']:,.0f} pages/s",
         ", ".join(f"{p} {v['trafilatura_s_per_page'] * 1000:.0f} vs {v['parse_s_per_page'] * 1000:.1f} ms"
                   for p, v in traf["portals"].items())),
    ])
    section("Targets", [(t["target"], f"{t['value']:,.1f} {t['unit']}",
                         f"{t['result']} (limit {t['limit']:g})"
                         + (f" - {t['held_back_by']}" if t["held_back_by"] else ""))
                        for t in verdict["targets"]])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="tracked articles (default 2000)")
    parser.add_argument("--quick", action="store_true", help="400 articles (~2 min)")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (warehouses, pass logs)")
    parser.add_argument("--preload", action="append", default=[], metavar="MODULE",
                        help="experiment: import MODULE in every pass process first (see bench.passrun)")
    args = parser.parse_args(argv)
    articles = 400 if args.quick and args.articles == 2000 else args.articles
    if articles < 40:
        parser.error("--articles must be at least 40")
    repeats = max(4 if args.quick else 12, -(-20_000 // articles))  # >= 20,000 checks for bytes per check
    opts = Options(articles=articles, repeats=repeats, sample=10 if args.quick else 25,
                   versions=1000, out=args.out, keep=args.keep, preload=tuple(args.preload))
    info = {**machine(), "preload": list(opts.preload)}
    work = pathlib.Path(tempfile.mkdtemp(prefix="beritawatch-bench-"))
    started = time.perf_counter()
    try:
        say(f"replica: {articles} articles in a child process (work folder {work})")
        with ReplicaProcess(articles) as replica:
            say(f"replica: {replica.info['pages']} pages ready in {replica.info['setup_s']:.1f} s")
            stage = run_stages(opts, replica, work)
            passes = run_passes(opts, replica, work)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    verdict = evaluate(stage, passes)
    text = table(stage, passes, verdict, info)
    total = time.perf_counter() - started
    print(text)
    print(f"\nbenchmark took {total:.0f} s; JSON: {opts.out}")
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    data = {"machine": info, "options": {k: str(v) for k, v in dataclasses.asdict(opts).items()},
            "stages": stage, "passes": {**passes, "runs": [r.to_json() for r in passes["runs"]]},
            "rates": verdict["rates"], "targets": verdict["targets"], "overheads": verdict["overheads"],
            "total_s": total, "table": text}
    opts.out.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return 0
