"""The monitoring pass as a Prefect flow. Few, coarse tasks; the warehouse is opened only in short
windows (prepare, plan, store, deliver), never while the network is being read.

    prepare → discover (network) → plan → check each portal (network) → store → deliver

On a DuckDB file one pass at a time holds the warehouse (`pass_lock`). On a DuckLake many passes
run at once, each on its own `portals` (prefect-lake.yaml: one deployment per portal group); a
lock per portal keeps one pass per portal at a time (`portal_locks`), and the passes' write
windows are serialised and retried by `warehouse.db.write`.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import pathlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from beritawatch import urls
from beritawatch.artifact import publish_pass_artifact
from beritawatch.check import CheckResult, DueArticle, check_many
from beritawatch.config import Config, load_config
from beritawatch.discovery import AllowedHosts, rejection_reason
from beritawatch.fetch import Fetcher
from beritawatch.memory import give_large_buffers_back, trim
from beritawatch.parse_memo import rows_to_store
from beritawatch.relevance import Topic, default_topics
from beritawatch.schedule import next_check
from beritawatch.sources import DueSource, PollResult, allowed_hosts, poll_all
from beritawatch.urls import PORTALS, article_key, portal_of
from warehouse import identity, outbox, retention, sources, store, stories
from warehouse.backend import Location, locate
from warehouse.db import connect, pass_lock, portal_locks, with_memory_cap, write
from warehouse.export import export_dir, export_parquet

MODES = ("all", "discover", "revisit")
OTHER = "other"  # the portal name of sites no pack knows (for `portals`)
T = TypeVar("T")
LOCK_WAIT_S = 60.0  # how long a pass waits for an analyst's session to release the warehouse
PROGRESS_EVERY_S = 5.0  # a long pass logs each portal's progress this often
# flow() takes a TaskRunner[PrefectFuture[Any]], which Prefect's own ThreadPoolTaskRunner (a
# TaskRunner[PrefectConcurrentFuture[R]], invariant in its future type) can never be.
_RUNNER: TaskRunner[PrefectFuture[Any]] = ThreadPoolTaskRunner(max_workers=4)  # type: ignore[assignment]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _whole(value: T) -> T:
    """`value` passed to a task as one opaque argument: Prefect would otherwise walk every element
    of it (the config with every tracked URL, due lists, raw pages) looking for futures: seconds per
    pass. Prefect unwraps the marker before the task runs, so the task receives `value` itself."""
    return cast(T, quote(value))


def topics_of(config: Config) -> tuple[Topic, ...]:
    """The configured topics, or the shipped North Korea–Russia arms topic."""
    return config.topics or default_topics()


def known_portals() -> list[str]:
    """Every name `portals` takes: the packs' portals and "other"."""
    return [*sorted(PORTALS), OTHER]


def _portal_name(url: str) -> str:
    return portal_of(url) or OTHER


@task(name="prepare", cache_policy=NO_CACHE, persist_result=False)
def prepare(config: Config, db_path: Location, run_id: str, portals: list[str] | None = None) -> list[DueSource]:
    """Register the configured articles and sources, open the run, pick the sources due (of
    `portals` only, when given)."""
    now = _now()
    con = connect(db_path, wait_s=LOCK_WAIT_S)
    try:
        def register() -> None:
            digest = registration_digest(config)
            if digest != store.last_config_digest(con):
                tracked = [(item.url, portal_of(item.url)) for item in config.track]  # canonicalized by identity
                store.track(con, tracked, "track", now)
                sources.register_sources(con, config.discover)
            store.start_run(con, run_id, now, str(flow_run.get_id() or "") or None, config_digest=digest)

        write(con, register)
        due = sources.due_sources(con, config.discover, now, every_pass=config.revisit.every_pass)
        return [s for s in due if portals is None or _portal_name(s.url) in portals]
    finally:
        con.close()


REGISTRATION_CODE = (identity, sources, store, urls)  # the modules that decide what registering writes (store.track)


def registration_digest(config: Config) -> str:
    """A digest of what `prepare` registers (the configured articles and sources) and of the code
    that registers them. Registering is idempotent, so a pass whose digest equals the latest
    registration's skips it (2,000 configured articles: ~0.15 s of canonical forms and look-ups)."""
    digest = hashlib.blake2b(digest_size=16)
    for module in REGISTRATION_CODE:
        digest.update(pathlib.Path(module.__file__ or "").read_bytes())
    for item in config.track:
        digest.update(b"t\0" + item.url.encode("utf-8", "surrogatepass") + b"\n")
    for source in config.discover:
        digest.update(b"s\0" + repr((source.url, source.kind, source.every_minutes, source.max_new)).encode() + b"\n")
    return digest.hexdigest()


def _without_untracked(con: duckdb.DuckDBPyConnection, config: Config, due: list[DueArticle]) -> list[DueArticle]:
    """Tracked articles paused in the config, or removed from it, are not checked (matched by
    identity key, so a twin or moved address of a configured URL still counts as configured)."""
    wanted = {_key_of(t.url) for t in config.track if not t.paused}
    rows = con.execute("SELECT url, key FROM articles WHERE source = 'track'").fetchall()
    skip = {url for url, key in rows if (key or _key_of(url)) not in wanted}
    return [item for item in due if item.url not in skip] if skip else due


def _key_of(url: str) -> str:
    try:
        return article_key(url)
    except ValueError:
        return url


def _allowed(config: Config) -> AllowedHosts:
    """Discovered links and every redirect stay on the registrable domains of the configured URLs."""
    return allowed_hosts([*(t.url for t in config.track), *(s.url for s in config.discover)])


def _fetcher(config: Config, allowed: AllowedHosts) -> Fetcher:
    return Fetcher(config.http, redirect_guard=lambda url: rejection_reason(url, allowed))


@task(name="discover", cache_policy=NO_CACHE, persist_result=False)
def discover(config: Config, due: list[DueSource]) -> list[PollResult]:
    """Poll the due feeds, sitemaps and index pages; links only to the configured portals' domains."""
    allowed = _allowed(config)

    async def run() -> list[PollResult]:
        async with _fetcher(config, allowed) as fetcher:
            return await poll_all(fetcher, due, allowed)

    return asyncio.run(run()) if due else []


@task(name="plan", cache_policy=NO_CACHE, persist_result=False)
def plan(config: Config, db_path: Location, run_id: str, polls: list[PollResult],
         only_new: bool = False, portals: list[str] | None = None) -> tuple[list[DueArticle], dict[str, Any]]:
    """Record the polls, track what they found, and pick the articles due for a check (of
    `portals` only, when given)."""
    now = _now()
    con = connect(db_path, wait_s=LOCK_WAIT_S)
    try:
        found = write(con, lambda: sources.record_polls(con, run_id, polls, now))
        due = store.due_articles(con, now, every_pass=config.revisit.every_pass,
                                 limit=config.revisit.max_per_pass, only_new=only_new,
                                 portals=None if portals is None else [p for p in portals if p != OTHER],
                                 other_sites=portals is None or OTHER in portals)
        due = _without_untracked(con, config, due)
        discovery = {**dataclasses.asdict(found),
                     "failures": [[p.source.url, p.outcome, p.error] for p in polls if p.error]}
        return due, discovery
    finally:
        con.close()


ProgressListener = Callable[[str, int, int, int], None]  # (portal, done, total, failed)
PROGRESS_LISTENERS: list[ProgressListener] = []  # e.g. the CLI's live display (same process)


@task(name="check-portal", cache_policy=NO_CACHE, persist_result=False)
def check_portal(config: Config, due: list[DueArticle], allowed: AllowedHosts | None = None) -> list[CheckResult]:
    """Fetch and parse one portal's due articles (its own event loop and polite client); redirects
    stay on `allowed` (the pass computes it once for all portals; None: from `config`)."""

    logger = get_run_logger()
    portal = (due[0].portal or "?") if due else "?"
    last_report = time.monotonic()

    def progress(done: int, total: int, failed: int) -> None:
        nonlocal last_report
        for listener in PROGRESS_LISTENERS:
            listener(portal, done, total, failed)
        if done == total or time.monotonic() - last_report >= PROGRESS_EVERY_S:
            last_report = time.monotonic()
            logger.info("%s: %d/%d checked (%d%%), %d failed", portal, done, total, 100 * done // total, failed)

    async def run() -> list[CheckResult]:
        async with _fetcher(config, allowed if allowed is not None else _allowed(config)) as fetcher:
            # Raw pages are the bulk of a pass's memory: each is dropped or packed when checked.
            return await check_many(fetcher, due, progress=progress, slim_results=True)

    return asyncio.run(run())


@task(name="store", cache_policy=NO_CACHE, persist_result=False)
def store_results(config: Config, db_path: Location, run_id: str, results: list[CheckResult]) -> dict[str, Any]:
    """Write every check of the pass in one transaction (versions, edits, events, alerts), then
    group the new versions into stories."""
    now = _now()
    con = connect(db_path, wait_s=LOCK_WAIT_S)
    try:
        ladder = config.revisit.ladder
        policy = store.PassPolicy(
            topics=topics_of(config),
            next_check=lambda state, changed, errors, suspected: next_check(
                ladder, state, now, changed=changed, errors=errors, removal_suspected=suspected),
            alert_minor_edits=config.alerts.minor_edits, language=config.ui.language)
        written = store.record_checks(con, run_id, results, now, policy)  # no stories: see below
    finally:
        con.close()
    if config.stories.enabled:
        # On a connection of its own: closing the store's gives back the DuckDB memory of the
        # pass's transaction (~120 MB for 2,000 new articles) before the stories step needs its own.
        trim()
        stories.group_pass_apart(db_path, run_id, now, config.stories, config.ui.language, wait_s=LOCK_WAIT_S)
    remember_parses(db_path, results, now)
    return {"run_id": run_id, **written.to_json()}


def remember_parses(db_path: Location, results: list[CheckResult], now: dt.datetime) -> None:
    """Store the parse memos the checks left (`beritawatch.parse_memo`) in a write of their own,
    after the pass's transaction and its stories: encoded now, they never add to the pass's peak
    memory (a cold pass: 2,000 memos of ~2 KB each held ~20 MB of heap through the checks)."""
    rows = rows_to_store((r.due.url, r.memo) for r in results)
    if not rows:  # a warm pass whose pages were all remembered: nothing to write
        return
    try:
        con = connect(db_path, wait_s=LOCK_WAIT_S)
        try:
            write(con, lambda: store.write_parse_memos(con, rows, now))
        finally:
            con.close()
    except duckdb.Error as exc:  # a cache: without it, the next pass parses these pages again
        get_run_logger().warning("parse memos not stored: %s", exc)


EXPORT_MEMORY_LIMIT = "64MB"  # DuckDB's memory for the Parquet export in a pass (see deliver_alerts)


@task(name="deliver-alerts", cache_policy=NO_CACHE, persist_result=False)
def deliver_alerts(config: Config, db_path: Location, summary: dict[str, Any]) -> dict[str, Any]:
    """Plan this pass's alerts to their targets, send whatever is due (retries included), and
    close the run with the full summary."""
    run_id = summary["run_id"]
    con = connect(db_path, wait_s=LOCK_WAIT_S)
    try:
        report = outbox.deliver_outbox(
            con, config.alerts.targets, _now(), pass_id=run_id.replace("-", "")[:16],
            digest_threshold=config.alerts.digest_threshold, max_attempts=config.alerts.max_attempts,
            lang=config.ui.language)
        summary = {**summary, "delivery": report.to_json()}
        write(con, lambda: store.finish_run(con, run_id, _now(), summary))
        retention.compact(con, _now())  # old fetches and polls folded into daily rows (warehouse/retention.py)
        if db_path.is_lake:  # analysts query the lake itself while passes write: no copy, no per-pass report
            return summary
        try:  # the analysts' copy; a failed export never fails the pass
            # Capped: the export was the cold pass's peak (146 MB of DuckDB's memory for 2,000 new
            # articles; 83 MB capped, 0.8 -> 1.4 s). A file that misses the cap is written uncapped.
            with_memory_cap(con, EXPORT_MEMORY_LIMIT, lambda: export_parquet(con, export_dir(str(db_path))))
        except (duckdb.Error, OSError) as exc:
            get_run_logger().warning("Parquet export for analysts failed: %s", exc)
        _rewrite_report(config, con, get_run_logger())
        return summary
    finally:
        con.close()


def _rewrite_report(config: Config, con: duckdb.DuckDBPyConnection, logger: Any) -> None:
    """`[report] out`: the report rewritten after the pass; a failure is logged, never fatal."""
    if config.report.out is None:
        return
    from beritawatch.report import write_report

    try:
        write_report(con, config.report.out, lang=config.ui.language)
    except Exception as exc:  # noqa: BLE001 - the pass is stored and delivered; the report is extra
        logger.warning("report not rewritten in %s: %s", config.report.out, exc)


@flow(name="beritawatch-pass", task_runner=_RUNNER, persist_result=False)
def monitor_pass(config_path: str | None = None, db_path: str | None = None, mode: str = "all",
                 now: bool = False, lock_wait_s: float = 60.0, portals: list[str] | None = None) -> dict[str, Any]:
    """One monitoring pass over everything due; one broken URL or feed never fails it.

    mode "all": poll due sources and check due articles; "discover": poll due sources and check
    only articles never checked yet; "revisit": check due articles, poll nothing.
    now: everything is due (every active article, every source), whatever its schedule or backoff.
    portals: only these portals' sources and articles (None: all; "other": sites of no known
    portal), for parallel passes on a DuckLake (prefect-lake.yaml: one deployment per portal group).
    A DuckDB file takes one pass at a time, a DuckLake one pass per portal at a time: a second one
    waits `lock_wait_s`, then fails with WarehouseLocked (`beritawatch run` exits 3).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    unknown = sorted(set(portals or ()) - set(known_portals()))
    if unknown:
        raise ValueError(f"unknown portal {', '.join(unknown)}: the portals are {', '.join(known_portals())}")
    give_large_buffers_back()  # page buffers go back to the OS when freed (see beritawatch.memory)
    config = load_config(pathlib.Path(config_path) if config_path else None)
    if now:  # the stored schedules stay as they are: the next pass goes back to them
        config = dataclasses.replace(config, revisit=dataclasses.replace(config.revisit, every_pass=True))
    database = locate(str(db_path or config.database), config.data_path)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    chosen = sorted(set(portals)) if portals else None
    held = (portal_locks(database, chosen or known_portals(), wait_s=lock_wait_s) if database.is_lake
            else pass_lock(str(database), run_id, wait_s=lock_wait_s))
    with held, _old_objects_frozen():
        return _run_pass(config, database, run_id, mode, chosen)


@contextlib.contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """The objects alive when the pass starts (modules, Prefect's and the config's objects: ~130k)
    left out of the pass's garbage collections. Each full collection walked them all (~0.2 s, a few
    per pass, holding the GIL the checks need: ~0.6 s of a warm pass). Unfrozen after the pass, so
    a long-lived process collects them as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_pass(config: Config, database: Location, run_id: str, mode: str,
              portals: list[str] | None) -> dict[str, Any]:
    logger = get_run_logger()
    cfg = _whole(config)
    due_sources = prepare(cfg, database, run_id, portals)
    # no task run when nothing is due for a poll (a task run costs the pass ~0.05 s of Prefect's time)
    polls = discover(cfg, _whole(due_sources)) if due_sources and mode != "revisit" else []
    due, discovery = plan(cfg, database, run_id, _whole(polls), only_new=mode == "discover", portals=portals)
    by_portal: dict[str, list[DueArticle]] = collections.defaultdict(list)
    for item in due:
        by_portal[item.portal or "unknown"].append(item)
    logger.info("%d sources polled, %d new articles found; %d articles due across %d portals",
                discovery["polled"], discovery["new_articles"], len(due), len(by_portal))
    allowed = _whole(_allowed(config))
    futures = [check_portal.submit(cfg, _whole(items), allowed) for items in by_portal.values()]
    results = [result for future in futures for result in future.result()]
    trim()  # what the checks freed, before the store step needs its own
    summary = store_results(cfg, database, run_id, _whole(results))
    summary = deliver_alerts(cfg, database, _whole({**summary, "discovery": discovery}))
    publish_pass_artifact(summary, config.ui.language)
    logger.info("pass stored: %s", {k: v["checked"] for k, v in summary["portals"].items()})
    return summary
