"""`python -m bench history`: does a pass stay flat when the warehouse holds a year of history?

    .venv/bin/python -m bench history                  # 2,000 due articles, a year of history (~6 min)
    .venv/bin/python -m bench history --articles 400   # quicker
    .venv/bin/python -m bench history --keep           # keep the work folder (warehouses, export)

1. The loopback replica serves `--articles` articles (bench/corpus.py, ~158 KB pages); a cold pass
   stores them in a fresh warehouse. The file is copied: one copy stays small, the other gets a
   synthetic year written in SQL (`build_history`): 500k discovered and judged articles, 5k
   tracked, 50k versions with their pages, 45k edits, 5M fetches, 700k source polls, alerts and
   deliveries for the new and edited articles, a run every 15 minutes.
2. Warm passes of the same due articles on both (alternately, twice): the history one must stay
   within 1.2x. A pass here is the flow's own task functions (prepare, plan, store, deliver with
   its Parquet export) called without Prefect, whose overhead does not depend on history, and
   the check step as check-portal runs it (a thread and event loop per portal).
3. On the year: the analysts' queries of the README, the HTML report, the first (full) export,
   the size on disk, and what retention (warehouse/retention.py) removes.

One-off steps are marked "once": the first full export, retention's first run, and the report's
stored diffs of the edits written in SQL (a pass stores its own edits' diffs; for history from before
that, the first pass after the upgrade fills them once: `beritawatch.report.fragments.fill`).

Every figure is printed with its target. Not a test; nothing is asserted.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

DAY = 86_400


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


@contextlib.contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        into[name] = into.get(name, 0.0) + time.perf_counter() - start


# -- the synthetic year ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Scale:
    """How much history: the issue's year by default."""

    discovered: int = 500_000
    tracked: int = 5_000  # active articles, the pass's own included
    versions: int = 50_000
    fetches: int = 5_000_000
    sources: int = 20
    days: int = 365
    runs_per_day: int = 96  # a pass every 15 minutes


PORTAL_HOSTS = "['news.detik.com', 'www.tribunnews.com', 'internasional.republika.co.id', 'www.tempo.co']"
PORTALS = "['detik', 'tribun', 'republika', 'tempo']"


def build_history(con: Any, scale: Scale, now: Any, own_tracked: int) -> dict[str, float]:
    """Write a year of synthetic history before `now` (SQL only); seconds per table."""
    took: dict[str, float] = {}
    start = f"TIMESTAMPTZ '{(now - dt.timedelta(days=scale.days + 1)).isoformat()}'"
    runs = scale.days * scale.runs_per_day
    synthetic_tracked = max(0, scale.tracked - own_tracked)
    every = max(1, scale.discovered // max(1, synthetic_tracked))  # 1 in `every` discovered is tracked
    params = {"start": start, "runs": runs, "every": every, "hosts": PORTAL_HOSTS, "portals": PORTALS,
              "n": scale.discovered, "tracked": synthetic_tracked}
    steps = [
        ("runs", """INSERT INTO runs (run_id, started_at, finished_at, status, summary)
                    SELECT 'hist-' || i, {start} + to_minutes(15 * i), {start} + to_minutes(15 * i + 2),
                           'completed', '{{"checked": 12}}' FROM range({runs}) t(i)"""),
        ("articles", """INSERT INTO articles (url, portal, source, first_seen, active, status, title, published,
                            current_hash, last_checked, last_changed, next_check, relevance, relevant,
                            relevance_evidence)
                        SELECT 'https://' || {hosts}[i % 4 + 1] || '/berita/d-' || (1000000 + i)
                                   || '/judul-berita-' || i,
                               {portals}[i % 4 + 1], 'discover', first_seen,
                               i % {every} = 0 AND i // {every} < {tracked},
                               'ok', 'Judul berita sintetis nomor ' || i, first_seen - INTERVAL 1 HOUR,
                               md5('v' || i), first_seen + INTERVAL 10 MINUTE, first_seen + INTERVAL 10 MINUTE,
                               -- tracked ones are not due: the pass's own articles come first
                               CASE WHEN i % {every} = 0 THEN now() + INTERVAL 30 DAY END,
                               CASE WHEN i % {every} = 0 THEN 0.8 ELSE (i % 37) / 100.0 END, i % {every} = 0,
                               '{{"terms": ["senjata"], "score": 0.1}}'
                        FROM (SELECT i, {start} + to_seconds(i * ({days} * 86400 // {n})) AS first_seen
                              FROM range({n}) t(i))"""),
        ("versions", """INSERT INTO versions (version_id, article_url, run_id, seen_at, content_hash, meta_hash, title,
                            authors, published, body, paragraphs, body_chars, page_url, parser, paywalled)
                        SELECT 1000000 + row_number() OVER (), a.url, 'hist-' || (k % {runs}),
                               a.first_seen + to_hours(6 * k), md5(a.url || k), md5('m' || k),
                               a.title || ' (' || k || ')',
                               ['Penulis Sintetis'], a.published,
                               repeat('Paragraf ' || k || ' tentang kiriman amunisi dan kapal di pelabuhan Rajin. ', 40)
                                 || md5(a.url || k), 40, 3200, a.url, a.portal, false
                        FROM (SELECT * FROM articles WHERE source = 'discover' AND relevant) a,
                             range({per_article}) t(k)"""),
        ("version_pages", """INSERT INTO version_pages (version_id, seq, url, codec, html)
                             SELECT version_id, 0, article_url, 'zstd',
                                    ('\\x28\\xb5\\x2f\\xfd' || repeat(md5(article_url), 90))::BLOB
                             FROM versions WHERE version_id >= 1000000"""),
        ("edit_records", """INSERT INTO edit_records (article_url, run_id, detected_at, old_version_id,
                                new_version_id, kind,
                                title_changed, lede_changed, numbers_changed, change_ratio, added, removed, changed,
                                summary, topic_score, topic_terms, record)
                            SELECT article_url, run_id, seen_at, version_id - 1, version_id,
                                   ['minor', 'substantive', 'rewrite'][version_id % 3 + 1], version_id % 5 = 0,
                                   version_id % 7 = 0, version_id % 4 = 0, 0.1,
                                   ['Kalimat baru ' || version_id], [], '[]', 'Satu kalimat ditambahkan.', 0.2,
                                   ['senjata'], '{{}}'
                            FROM versions
                            WHERE version_id >= 1000000
                            QUALIFY row_number() OVER (PARTITION BY article_url ORDER BY version_id) > 1"""),
        ("fetches", """INSERT INTO fetches (run_id, article_url, url, requested_at, status_code, outcome, elapsed_ms,
                           bytes, etag)
                       SELECT 'hist-' || (i % {runs}), a.url, a.url,
                              {start} + to_seconds(i * ({days} * 86400 // {fetches})),
                              CASE WHEN i % 3 = 0 THEN 200 ELSE 304 END,
                              CASE WHEN i % 3 = 0 THEN 'ok' ELSE 'not_modified' END, 80 + i % 200,
                              CASE WHEN i % 3 = 0 THEN 158000 ELSE 0 END, '"e' || (i % 1000) || '"'
                       FROM range({fetches}) t(i)
                       JOIN (SELECT url, row_number() OVER () - 1 AS j FROM articles) a ON a.j = i % {articles}"""),
        ("sources", """INSERT INTO sources (url, kind, every_minutes, last_polled, next_poll, last_outcome)
                       SELECT 'https://' || {hosts}[i % 4 + 1] || '/rss/sintetis-' || i, 'rss', 15,
                              now() - INTERVAL 1 DAY, now() + INTERVAL 30 DAY, 'ok'
                       FROM range({sources}) t(i)"""),
        ("source_polls", """INSERT INTO source_polls (run_id, source_url, polled_at, outcome, status_code, candidates,
                                new_articles)
                            SELECT r.run_id, s.url, r.started_at, 'ok', 200, 20, 1
                            FROM (SELECT * FROM runs WHERE run_id LIKE 'hist-%') r, sources s"""),
        ("events", """INSERT INTO events (run_id, happened_at, kind, portal, article_url, detail)
                      SELECT run_id, seen_at, ['meta_change', 'removal_suspected', 'revert'][version_id % 3 + 1],
                             parser, article_url, '{{"reason": "sintetis"}}'
                      FROM versions WHERE version_id >= 1000000"""),
        ("alerts", """INSERT INTO alerts (dedupe_key, kind, created_at, run_id, article_url, payload)
                      SELECT 'hist:' || version_id, CASE WHEN k = 1 THEN 'new' ELSE 'edit' END, seen_at, run_id,
                             article_url, '{{"title": "sintetis", "lines": ["Satu kalimat ditambahkan."]}}'
                      FROM (SELECT *, row_number() OVER (PARTITION BY article_url ORDER BY version_id) AS k
                            FROM versions WHERE version_id >= 1000000)
                      WHERE k = 1 OR version_id % 3 <> 0"""),
        ("deliveries", """INSERT INTO deliveries (alert_id, target, status, attempts, parts_sent, planned_at, sent_at)
                          SELECT alert_id, t.target, 'sent', 1, 1, created_at, created_at + INTERVAL 1 MINUTE
                          FROM alerts, (VALUES ('json://127.0.0.1/x#a1'), ('mailto://127.0.0.1/x#b2')) t(target)
                          WHERE dedupe_key LIKE 'hist:%'"""),
    ]
    per_article = max(1, scale.versions // max(1, synthetic_tracked))
    [(articles_before,)] = con.execute("SELECT count(*) FROM articles").fetchall()
    for name, sql in steps:
        values = {**params, "per_article": per_article, "days": scale.days, "fetches": scale.fetches,
                  "sources": scale.sources, "articles": articles_before + scale.discovered}
        with timed(took, name):
            con.execute(sql.format(**values))
    with timed(took, "checkpoint"):
        con.execute("CHECKPOINT")
    return took


def counts(con: Any) -> dict[str, int]:
    names = ("articles", "versions", "version_pages", "edit_records", "fetches", "source_polls", "events",
             "alerts", "deliveries", "runs")
    out = {name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in names}
    out["tracked (active)"] = int(con.execute("SELECT count(*) FROM articles WHERE active").fetchone()[0])
    out["judged"] = int(con.execute("SELECT count(*) FROM articles WHERE relevance IS NOT NULL").fetchone()[0])
    return out


# -- a pass without Prefect -----------------------------------------------------------------------

def run_pass(config_path: pathlib.Path) -> dict[str, Any]:
    """The flow's tasks, in order, without Prefect; seconds per step, the summary, peak RSS."""
    from beritawatch.check import check_many
    from beritawatch.config import load_config
    from beritawatch.fetch import Fetcher
    from beritawatch.memory import give_large_buffers_back, trim
    from flows import monitor
    from warehouse.backend import locate

    give_large_buffers_back()
    _experimental_duckdb_settings()
    config = load_config(config_path)
    db = locate(str(config.database), config.data_path)
    run_id = str(uuid.uuid4())
    took: dict[str, float] = {}
    real_export = monitor.export_parquet

    def export(*args: Any, **kwargs: Any) -> Any:
        with timed(took, "export"):
            return real_export(*args, **kwargs)

    peaks: dict[str, float] = {}

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        """Time a step and note its own peak RSS (the kernel's high-water mark is reset before it)."""
        reset_peak_rss()
        with timed(took, name):
            yield
        peaks[name] = peak_rss_mb()

    real_group = monitor.stories.group_pass_apart

    def group(*args: Any, **kwargs: Any) -> Any:
        """The stories step inside the store task: the peak before it (the pass's own transaction), then its own."""
        peaks["store: pass"] = peak_rss_mb()
        reset_peak_rss()
        with timed(took, "stories"):
            done = real_group(*args, **kwargs)
        peaks["store: stories"] = peak_rss_mb()
        return done

    monitor.export_parquet = export
    monitor.stories.group_pass_apart = group
    # The task functions log through Prefect's run logger, which needs a run context: a plain one here.
    monitor.get_run_logger = _plain_logger  # type: ignore[attr-defined]
    try:
        with step("prepare"):
            monitor.prepare.fn(config, db, run_id)
        with step("plan"):
            due, discovery = monitor.plan.fn(config, db, run_id, [])
        groups: dict[str, list[Any]] = {}
        for item in due:
            groups.setdefault(item.portal or "unknown", []).append(item)

        def check(items: list[Any]) -> list[Any]:
            async def go() -> list[Any]:
                async with monitor._fetcher(config, monitor._allowed(config)) as fetcher:  # noqa: SLF001
                    assert isinstance(fetcher, Fetcher)
                    return await check_many(fetcher, items, slim_results=True)
            return asyncio.run(go())

        with step("check"), concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = [r for f in [pool.submit(check, items) for items in groups.values()] for r in f.result()]
        trim()
        with step("store"):
            summary = monitor.store_results.fn(config, db, run_id, results)
        del results
        with step("deliver+export"):
            summary = monitor.deliver_alerts.fn(config, db, {**summary, "discovery": discovery})
    finally:
        monitor.export_parquet = real_export
        monitor.stories.group_pass_apart = real_group
    took["total"] = sum(v for k, v in took.items() if k not in ("export", "stories"))
    return {"seconds": took, "due": len(due), "checked": sum(p["checked"] for p in summary["portals"].values()),
            "rss_mb": max(peak_rss_mb(), *peaks.values()), "rss_steps": peaks}


def reset_peak_rss() -> None:
    """Reset the process's VmHWM to its current RSS (Linux: /proc/self/clear_refs); quietly not elsewhere."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def _plain_logger() -> logging.Logger:
    return logging.getLogger("bench.history")


def _experimental_duckdb_settings() -> None:
    """BENCH_DUCKDB_SET="SET memory_limit = '200MB'; SET threads = 1": statements run on every
    connection the pass opens (an experiment knob: how DuckDB settings change time and memory)."""
    statements = [s.strip() for s in os.environ.get("BENCH_DUCKDB_SET", "").split(";") if s.strip()]
    if not statements:
        return
    import duckdb

    real_connect = duckdb.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        con = real_connect(*args, **kwargs)
        for statement in statements:
            con.execute(statement)
        return con

    duckdb.connect = connect


def peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return 0.0


def pass_in_child(config_path: pathlib.Path) -> dict[str, Any]:
    """`run_pass` in a fresh process (as a worker runs a flow run), so peak RSS is the pass's own."""
    import subprocess

    out = subprocess.run([sys.executable, "-m", "bench.history", "--pass", str(config_path)],
                         capture_output=True, text=True, check=False, cwd=pathlib.Path(__file__).parent.parent)
    if out.returncode != 0:
        raise RuntimeError(f"pass failed: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- the year's other figures ---------------------------------------------------------------------

QUERIES = {
    "coverage": "SELECT portal, title, first_seen, score FROM coverage ORDER BY first_seen DESC LIMIT 20",
    "edits": ("SELECT url, detected_at, kind, summary, added, removed FROM edits WHERE kind <> 'minor' "
              "ORDER BY detected_at DESC"),
    "article_versions": ("SELECT url, version, seen_at, title FROM article_versions WHERE url LIKE '%detik%' "
                         "ORDER BY url, version"),
}


def query_seconds(con: Any) -> dict[str, tuple[float, int]]:
    """Seconds (best of 2) and rows of each analyst query, all rows fetched."""
    out = {}
    for name, sql in QUERIES.items():
        best, rows = float("inf"), 0
        for _ in range(2):
            start = time.perf_counter()
            rows = len(con.execute(sql).fetchall())
            best = min(best, time.perf_counter() - start)
        out[name] = (best, rows)
    return out


REPORT_LIMIT_S = 600.0


@dataclasses.dataclass(frozen=True)
class ReportRun:
    seconds: float  # wall (inf when it passed REPORT_LIMIT_S)
    written: int  # article pages written (the others were kept from the last report)
    cpu: float = 0.0  # seconds of CPU: the report's process and its helpers
    rss_mb: float = 0.0  # peak RSS of the report's process
    helper_rss_mb: float = 0.0  # ... and of its largest helper process (an upper bound, see _REPORT_CODE)

    def shown(self) -> str:
        if self.seconds == float("inf"):
            return f"> {REPORT_LIMIT_S:.0f} s"
        return (f"{self.seconds:.1f} s, {self.written:,} pages (CPU {self.cpu:.1f} s, peak RSS {self.rss_mb:.0f} MB, "
                f"helpers {self.helper_rss_mb:.0f} MB)")


# The report's own peak from VmHWM: getrusage's ru_maxrss keeps, across exec, the RSS of the process it was
# forked from (this benchmark, ~1 GB after writing the year). A helper's is an upper bound for the same reason
# (it counts from the report's RSS when the helper was started).
_REPORT_CODE = """import json, pathlib, resource, sys, duckdb
from beritawatch.report import write_report
write_report(duckdb.connect(sys.argv[1], read_only=True), pathlib.Path(sys.argv[2]))
me, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"cpu": me.ru_utime + me.ru_stime + helpers.ru_utime + helpers.ru_stime,
                  "rss": hwm / 1024, "helper_rss": helpers.ru_maxrss / 1024}))"""


def report_seconds(db: pathlib.Path, out: pathlib.Path) -> ReportRun:
    """`write_report` on `db` in a child process (as a scheduled report runs): wall seconds, CPU of it and
    its helper processes, peak RSS, and how many article pages it wrote."""
    import subprocess

    started, wall = time.time_ns(), time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _REPORT_CODE, str(db), str(out)], check=True,
                              timeout=REPORT_LIMIT_S, cwd=pathlib.Path(__file__).parent.parent, capture_output=True,
                              text=True)
    except subprocess.TimeoutExpired:
        return ReportRun(float("inf"), 0)
    seconds = time.perf_counter() - wall
    written = sum(1 for p in (out / "articles").glob("*.html") if p.stat().st_mtime_ns >= started)
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    return ReportRun(seconds, written, usage["cpu"], usage["rss"], usage["helper_rss"])


def dir_bytes(path: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclasses.dataclass
class Row:
    name: str
    value: str
    target: str = ""
    verdict: str = ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench history", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="due articles per pass (default 2000)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the year's rows (default 1)")
    parser.add_argument("--pass", dest="one_pass", type=pathlib.Path, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.one_pass:  # the child of pass_in_child
        print(json.dumps(run_pass(opts.one_pass)))
        return 0
    year = Scale()
    scale = dataclasses.replace(year, discovered=int(year.discovered * opts.scale), tracked=year.tracked,
                                versions=int(year.versions * opts.scale), fetches=int(year.fetches * opts.scale),
                                days=max(7, int(year.days * opts.scale)))
    return run(opts.articles, opts.keep, scale)


def print_passes(articles: int, cold: dict[str, Any], warm: dict[str, list[dict[str, Any]]]) -> None:
    """Each kind of pass: median seconds per step, peak RSS overall and per step (max over runs)."""
    print(f"\nPasses of {articles:,} due articles (no Prefect; seconds per step; median of 2)")
    cold_steps = ", ".join(f"{k} {v:.0f}" for k, v in cold.get("rss_steps", {}).items())
    print(f"  cold, fresh warehouse: {cold['seconds']['total']:.1f} s, peak RSS {cold['rss_mb']:.0f} MB "
          f"(per step: {cold_steps})")
    for kind, runs in warm.items():
        steps = ", ".join(f"{k} {statistics.median(p['seconds'][k] for p in runs):.2f}" for k in runs[0]["seconds"])
        rss = max(p["rss_mb"] for p in runs)
        by_step = ", ".join(f"{k} {max(p['rss_steps'].get(k, 0) for p in runs):.0f}"
                            for k in runs[0].get("rss_steps", {}))
        print(f"  warm, {kind:13s} {steps} | peak RSS {rss:.0f} MB (per step: {by_step}) "
              f"| checked {runs[0]['checked']}")


def run(articles: int, keep: bool, scale: Scale) -> int:
    import duckdb

    from bench.pipeline import write_config
    from bench.replica import ReplicaProcess
    from beritawatch.i18n import DEFAULT_LANGUAGE
    from beritawatch.report import fragments
    from warehouse import retention
    from warehouse.db import connect
    from warehouse.export import export_dir, export_parquet

    work = pathlib.Path(tempfile.mkdtemp(prefix="beritawatch-history-"))
    rows: list[Row] = []
    say(f"work folder {work}; load average {load_average()}")
    try:
        with ReplicaProcess(articles) as replica:
            urls = [s.url for s in replica.specs]
            small, year = work / "small" / "beritawatch.duckdb", work / "year" / "beritawatch.duckdb"
            small_cfg = write_config(work / "small.toml", small, urls, replica.routes)
            year_cfg = write_config(work / "year.toml", year, urls, replica.routes)
            say("cold pass (fresh warehouse)")
            cold = pass_in_child(small_cfg)
            year.parent.mkdir(parents=True)
            shutil.copy(small, year)
            say("writing a year of history in SQL")
            con = connect(year)
            started = time.perf_counter()
            took = build_history(con, scale, dt.datetime.now(dt.UTC), articles)
            built = time.perf_counter() - started
            # Passes write each edit's rendered diff (beritawatch.report.fragments); a history written in SQL
            # has none: they are filled once, as for a warehouse that predates them (the first pass does it).
            started = time.perf_counter()
            fill = (fragments.fill(con, DEFAULT_LANGUAGE), time.perf_counter() - started)
            con.execute("CHECKPOINT")
            sizes = counts(con)
            con.close()
            year_bytes = year.stat().st_size
            say(f"history written in {built:.0f} s: {sizes}")
            with timed(took, "first export"):
                con = duckdb.connect(str(year), read_only=True)
                export_parquet(con, export_dir(year))
                con.close()
            say("warm passes, alternately on the small and the year warehouse")
            warm: dict[str, list[dict[str, Any]]] = {"small": [], "year": []}
            for _ in range(2):
                warm["small"].append(pass_in_child(small_cfg))
                warm["year"].append(pass_in_child(year_cfg))
            con = duckdb.connect(str(year), read_only=True)
            say("analyst queries and the report on the year")
            queries = query_seconds(con)
            con.close()
            say("the report on the year, into an empty folder")
            report_cold = report_seconds(year, work / "report")
            con = connect(year)
            say("retention on the year")
            started = time.perf_counter()
            removed = retention.compact(con, dt.datetime.now(dt.UTC))
            retention_s = time.perf_counter() - started
            con.execute("CHECKPOINT")
            con.close()
            after_retention = year.stat().st_size
            started = time.perf_counter()
            con = duckdb.connect(str(year), read_only=True)
            export_parquet(con, export_dir(year))
            con.close()
            export_after_retention = time.perf_counter() - started
            export_bytes = dir_bytes(export_dir(year))
            warm["year-retained"] = [pass_in_child(year_cfg)]
            say("the report again, after that pass")
            report_again = report_seconds(year, work / "report")
            pages = sum(1 for _ in (work / "report" / "articles").glob("*.html"))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)

    def median(kind: str, key: str) -> float:
        return statistics.median(p["seconds"][key] for p in warm[kind])

    ratio = median("year", "total") / median("small", "total")
    print(f"beritawatch history benchmark - {os.cpu_count()} cores, load average {load_average()} "
          f"(the machine is shared: timings are pessimistic), {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M}Z")
    print(f"\nA year of history written in SQL in {built:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()))
    print_passes(articles, cold, warm)
    rows.append(Row("warm pass, year vs empty warehouse", f"{ratio:.2f}x", "<= 1.2x", verdict(ratio <= 1.2)))
    for name, (seconds, count) in queries.items():
        rows.append(Row(f"query {name} ({count:,} rows)", f"{seconds:.2f} s", "< 1 s", verdict(seconds < 1)))
    for name, done in (("report (HTML), empty folder", report_cold),
                       ("report (HTML) after one more pass", report_again)):
        rows.append(Row(name, done.shown(), "< 10 s", verdict(done.seconds < 10)))
    rows.append(Row("article pages in the report", f"{pages:,}", "", ""))
    rows.append(Row("stored diffs of the SQL history, filled", f"{fill[1]:.1f} s: {fill[0]:,}", "once", ""))
    export_year = median("year", "export")
    rows.append(Row("export in a pass on the year", f"{export_year:.2f} s", "< 5 s", verdict(export_year < 5)))
    rows.append(Row("first export of the year (all files)", f"{took['first export']:.1f} s", "once", ""))
    rows.append(Row("warehouse file, a year", f"{year_bytes / 1e6:,.0f} MB", "stated", ""))
    rows.append(Row("Parquet export of the year", f"{export_bytes / 1e6:,.0f} MB", "stated", ""))
    rows.append(Row("retention on the year (once)", f"{retention_s:.1f} s: " + ", ".join(
        f"{k} {v:,}" for k, v in removed.items()), "", ""))
    rows.append(Row("warehouse file after retention", f"{after_retention / 1e6:,.0f} MB "
                    "(DuckDB reuses freed blocks; the file does not shrink)", "stated", ""))
    rows.append(Row("export after retention", f"{export_after_retention:.1f} s", "", ""))
    rows.append(Row("warm pass after retention", f"{warm['year-retained'][0]['seconds']['total']:.1f} s", "", ""))
    peak = max(p["rss_mb"] for kind in warm.values() for p in kind)
    rows.append(Row("peak RSS, warm passes (year included)", f"{peak:.0f} MB", "< 400 MB", verdict(peak < 400)))
    rows.append(Row("peak RSS, cold pass (no Prefect)", f"{cold['rss_mb']:.0f} MB", "< 400 MB",
                    verdict(cold["rss_mb"] < 400)))
    print("\nTargets")
    for row in rows:
        print(f"  {row.name:48s} {row.value:>14s}  {row.target:9s} {row.verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
