"""Single-stage measurements: fetch, parse, check (fetch+parse), store, storage, compression.

Every function here runs in the benchmark's own process against the replica process and returns
plain numbers (seconds, counts, bytes) for `bench.pipeline` to print and save.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime as dt
import gc
import pathlib
import statistics
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import duckdb
import zstandard

import parsers
from bench.corpus import sample_bodies
from beritawatch.check import PARSED, UNCHANGED_304, CheckResult, DueArticle, check_many, page_bytes
from beritawatch.config import HttpSettings
from beritawatch.fetch import NOT_MODIFIED, Fetcher, FetchResult
from beritawatch.relevance import default_topics
from beritawatch.revisit import RevisitLadder
from beritawatch.schedule import next_check
from warehouse import compress, store
from warehouse.db import connect, insert_rows, transaction

T = TypeVar("T")
WORKERS = 4  # the flow's ThreadPoolTaskRunner(max_workers=4): one thread and event loop per portal


def http_settings(routes: dict[str, str]) -> HttpSettings:
    """What the benchmark's pass config says: polite per host (2 at a time) but no delay."""
    return HttpSettings(min_delay_s=0.0, timeout_s=20.0, retries=1, max_retry_wait_s=1.0, route=routes)


def per_portal(run: Callable[[list[T]], list[Any]], groups: dict[str, list[T]]) -> tuple[list[Any], float]:
    """Run `run` on each portal's items in its own thread, as the flow's check-portal tasks do."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(run, items) for items in groups.values()]
        out = [item for future in futures for item in future.result()]
    return out, time.perf_counter() - start


# -- fetch ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Want:
    """One URL to fetch, with the validators to send."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


def fetch_all(http: HttpSettings, wants: list[Want], concurrency: int = 16) -> list[FetchResult]:
    """Fetch with one Fetcher and event loop (`check_many`'s concurrency), no parsing."""

    async def run() -> list[FetchResult]:
        slots = asyncio.Semaphore(concurrency)
        async with Fetcher(http) as fetcher:
            async def one(want: Want) -> FetchResult:
                async with slots:
                    return await fetcher.get(want.url, etag=want.etag, last_modified=want.last_modified)
            return list(await asyncio.gather(*(one(w) for w in wants)))

    return asyncio.run(run())


def check_all(http: HttpSettings, due: list[DueArticle]) -> list[CheckResult]:
    """`check_many` on one portal's articles (fetch + parse, page 2.. followed), no Prefect."""

    async def run() -> list[CheckResult]:
        async with Fetcher(http) as fetcher:
            return await check_many(fetcher, due)

    return asyncio.run(run())


# -- parse ----------------------------------------------------------------------------------------

def parse_pages(pages: Sequence[tuple[str, bytes]], repeat: int = 1) -> float:
    """Seconds per page for `parsers.parse` over the pages (best of `repeat` rounds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for url, html in pages:
            parsers.parse(html, url)
        best = min(best, (time.perf_counter() - start) / len(pages))
    return best


def trafilatura_pages(pages: Sequence[tuple[str, bytes]]) -> tuple[float, float]:
    """(seconds per page, import seconds) for trafilatura.extract on the same pages."""
    start = time.perf_counter()
    import trafilatura  # noqa: PLC0415 - its import time is reported separately

    imported = time.perf_counter() - start
    trafilatura.extract(pages[0][1], url=pages[0][0])  # warm its lazy setup
    start = time.perf_counter()
    for url, html in pages:
        trafilatura.extract(html, url=url, include_comments=False)
    return (time.perf_counter() - start) / len(pages), imported


# -- store ----------------------------------------------------------------------------------------

def policy(now: dt.datetime) -> store.PassPolicy:
    """The flow's store policy (flows.monitor.store_results) with the default ladder and topic."""
    ladder = RevisitLadder()
    return store.PassPolicy(
        topics=default_topics(),
        next_check=lambda state, changed, errors, suspected: next_check(
            ladder, state, now, changed=changed, errors=errors, removal_suspected=suspected))


def used_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes in use in the warehouse file after a checkpoint (used blocks x block size)."""
    con.execute("CHECKPOINT")
    [(block_size, used)] = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchall()
    return int(block_size) * int(used)


def record(con: duckdb.DuckDBPyConnection, results: Sequence[CheckResult], now: dt.datetime) -> float:
    """Seconds for one `store.record_checks` of these results."""
    gc.collect()
    start = time.perf_counter()
    store.record_checks(con, uuid.uuid4().hex, results, now, policy(now))
    return time.perf_counter() - start


def warm_wants(results: Sequence[CheckResult]) -> list[Want]:
    """What a warm pass fetches: one-page articles with their validators; articles of several pages
    whole, without (the store keeps no validators for them: page 1's 304 says nothing of page 2)."""
    out = []
    for result in results:
        if len(result.pages) == 1:
            out.append(Want(result.due.url, result.first_fetch.etag, result.first_fetch.last_modified))
        else:
            out.extend(Want(url) for url, _ in result.pages)
    return out


def warm_results(results: Sequence[CheckResult], fetches: dict[str, FetchResult]) -> list[CheckResult]:
    """The warm pass's check results: 304s for one-page articles, the unchanged parse otherwise."""
    out = []
    for result in results:
        if len(result.pages) != 1:
            out.append(result)
            continue
        fetch = fetches[result.due.url]
        if fetch.outcome != NOT_MODIFIED:
            raise RuntimeError(f"expected a 304 for {result.due.url}, got {fetch.outcome}")
        out.append(CheckResult(result.due, UNCHANGED_304, (fetch,)))
    return out


@dataclasses.dataclass
class StoreRun:
    """Timings and warehouse growth of the store-only stage."""

    cold_s: float = 0.0
    cold_bytes: int = 0
    unchanged_200_s: list[float] = dataclasses.field(default_factory=list)
    unchanged_304_s: list[float] = dataclasses.field(default_factory=list)
    bytes_per_200: float = 0.0
    bytes_per_304: float = 0.0
    file_bytes: int = 0
    pages: dict[str, Any] = dataclasses.field(default_factory=dict)


def store_stage(path: pathlib.Path, results: Sequence[CheckResult], results_304: Sequence[CheckResult],
                repeats: int) -> StoreRun:
    """Cold store into a fresh warehouse, then `repeats` unchanged passes of 200s and of 304s,
    each pass on its own connection as in the flow (closing it checkpoints)."""
    out = StoreRun()
    now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)

    def one(batch: Sequence[CheckResult], when: dt.datetime) -> float:
        con = connect(path)
        try:
            return record(con, batch, when)
        finally:
            con.close()

    con = connect(path)
    try:
        with transaction(con):
            store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
    finally:
        con.close()
    base = used_bytes_of(path)
    out.cold_s = one(results, now)
    after_cold = used_bytes_of(path)
    out.cold_bytes = after_cold - base
    con = connect(path)
    try:
        out.pages = archive_figures(con)
    finally:
        con.close()
    for i in range(repeats):
        out.unchanged_200_s.append(one(results, now + dt.timedelta(hours=1 + i)))
    after_200 = used_bytes_of(path)
    for i in range(repeats):
        out.unchanged_304_s.append(one(results_304, now + dt.timedelta(hours=100 + i)))
    after_304 = used_bytes_of(path)
    checks = repeats * len(results)
    out.bytes_per_200 = (after_200 - after_cold) / checks
    out.bytes_per_304 = (after_304 - after_200) / checks
    out.file_bytes = path.stat().st_size
    return out


def used_bytes_of(path: pathlib.Path) -> int:
    """Bytes the data of a closed warehouse takes once compacted: the used blocks of a fresh copy
    (`COPY FROM DATABASE`, same 256 KB blocks, indexes included). The file itself keeps blocks that
    checkpoints freed and reuses them unevenly, which moves it by a few blocks from pass to pass."""
    copy = path.with_name(path.stem + ".compact.duckdb")
    copy.unlink(missing_ok=True)
    try:
        with duckdb.connect() as con:
            con.execute(f"ATTACH '{path}' AS src (READ_ONLY)")
            con.execute(f"ATTACH '{copy}' AS dst")
            con.execute("COPY FROM DATABASE src TO dst")
            con.execute("CHECKPOINT dst")
            [(used,)] = con.execute("""SELECT used_blocks * block_size FROM pragma_database_size()
                                       WHERE database_name = 'dst'""").fetchall()
        return int(used)
    finally:
        copy.unlink(missing_ok=True)
        copy.with_name(copy.name + ".wal").unlink(missing_ok=True)


def archive_figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the stored raw pages take: per codec kind, and with the dictionaries spread over them."""
    rows = con.execute("""SELECT CASE WHEN codec LIKE 'zstd-dict:%' THEN 'dict' ELSE codec END AS kind,
                                 count(*), sum(octet_length(html)) FROM version_pages GROUP BY 1""").fetchall()
    kinds = {kind: {"pages": int(n), "avg_bytes": int(total) / int(n)} for kind, n, total in rows}
    pages = sum(int(n) for _, n, _ in rows)
    blobs = sum(int(total) for _, _, total in rows)
    dictionaries = 0
    [(has_table,)] = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'page_dictionaries'").fetchall()
    if has_table:
        [(dictionaries,)] = con.execute("SELECT coalesce(sum(octet_length(dict)), 0) FROM page_dictionaries").fetchall()
    return {"kinds": kinds, "pages": pages, "blob_bytes": blobs, "dictionary_bytes": dictionaries,
            "per_page_bytes": (blobs + dictionaries) / max(pages, 1)}


# -- versions of 5 KB bodies -----------------------------------------------------------------------

def versions_stage(path: pathlib.Path, count: int, chars: int = 5_000, chain: int = 1) -> dict[str, float]:
    """Warehouse bytes for `count` versions with `chars`-character bodies (text and metadata).

    chain=1: every version a different article; chain=k: count/k articles with k versions each,
    each version one paragraph different from the one before (how edits look)."""
    now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    bodies = list(sample_bodies(count // chain, chars))
    rows = []
    for i in range(count):
        article, step = divmod(i, chain)
        paragraphs = bodies[article].split("\n\n")
        for k in range(step):  # one paragraph rewritten per edit
            fresh = next(sample_bodies(1, len(paragraphs[0]), seed=1000 + i * 7 + k))
            paragraphs[(k * 3 + 1) % len(paragraphs)] = fresh
        body = "\n\n".join(paragraphs)[:chars]
        url = f"https://news.detik.com/berita/d-{7_500_000 + article}/artikel-uji-{article}"
        rows.append((i + 1, url, "run-1", now, f"{i:064x}", f"{i:016x}", f"Judul artikel uji nomor {article}",
                     ["Rina Kusuma"], ["Bagus Pratama"], now, now, body, body.count("\n\n") + 1, len(body),
                     url, "detik", False))
    con = connect(path)
    try:
        before = used_bytes(con)
        with transaction(con):
            insert_rows(con, "versions", store.VERSION_COLUMNS, rows)
        after = used_bytes(con)
    finally:
        con.close()
    text = sum(len(r[11].encode()) for r in rows)
    return {"versions": count, "body_bytes": text, "stored_bytes": after - before,
            "ratio": text / max(after - before, 1)}


# -- compression ------------------------------------------------------------------------------------

def _timed_sizes(pack: Callable[[bytes], bytes], pages: Iterable[bytes]) -> tuple[float, float]:
    sizes, start, n = [], time.perf_counter(), 0
    for page in pages:
        sizes.append(len(pack(page)))
        n += 1
    return statistics.fmean(sizes), (time.perf_counter() - start) / max(n, 1)


def compression_stage(by_portal: dict[str, list[bytes]], sample: int) -> dict[str, Any]:
    """Bytes and milliseconds per page: the old codec (zstd 12), plain levels, per-portal dictionaries."""
    test = {p: pages[compress.SAMPLES: compress.SAMPLES + sample] or pages for p, pages in by_portal.items()}
    flat = [page for pages in test.values() for page in pages]
    out: dict[str, Any] = {"raw_bytes": statistics.fmean(len(p) for p in flat), "pages": len(flat)}
    for level in (3, 9, 12):
        packer = zstandard.ZstdCompressor(level=level)
        size, per_page = _timed_sizes(packer.compress, flat)
        out[f"plain_{level}"] = {"bytes": size, "ms": per_page * 1000}
    sizes: list[float] = []
    secs: list[float] = []
    dicts: dict[str, dict[str, float]] = {}
    for portal, pages in by_portal.items():
        start = time.perf_counter()
        chosen = compress.choose(pages[: compress.SAMPLES])
        dicts[portal] = {"choose_ms": (time.perf_counter() - start) * 1000, "dict_bytes": len(chosen.content)}
        size, sec = _timed_sizes(chosen.packer.compress, test[portal])
        sizes.append(size)
        secs.append(sec)
    out["dict_3"] = {"bytes": statistics.fmean(sizes), "ms": statistics.fmean(secs) * 1000, "portals": dicts}
    return out


def first_pages(results: Sequence[CheckResult]) -> dict[str, list[bytes]]:
    """Raw first pages of the parsed results, per portal, in result order."""
    out: dict[str, list[bytes]] = {}
    for result in results:
        if result.outcome == PARSED and result.pages:
            out.setdefault(result.due.portal or "unknown", []).append(result.pages[0][1])
    return out


def pages_of(fetches: Sequence[FetchResult]) -> list[tuple[str, bytes]]:
    """(url, bytes as the parsers get them) of the successful fetches."""
    return [(f.final_url or f.url, page_bytes(f)) for f in fetches if f.ok and f.content]
