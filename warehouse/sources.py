"""Discovery sources in the warehouse: which are due, and what each poll found."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import duckdb

from beritawatch.config import DiscoverySource
from beritawatch.sources import DueSource, PollResult
from beritawatch.urls import article_key
from warehouse.db import insert_rows
from warehouse.identity import owners
from warehouse.store import track

POLL_COLUMNS = (("run_id", "VARCHAR"), ("source_url", "VARCHAR"), ("polled_at", "TIMESTAMPTZ"),
                ("outcome", "VARCHAR"), ("status_code", "INTEGER"), ("candidates", "INTEGER"),
                ("new_articles", "INTEGER"), ("rejected", "INTEGER"), ("error", "VARCHAR"),
                ("media", "INTEGER"), ("deferred", "INTEGER"))
REJECTION_COLUMNS = (("source_url", "VARCHAR"), ("url", "VARCHAR"), ("reason", "VARCHAR"), ("detail", "VARCHAR"),
                     ("seen", "TIMESTAMPTZ"))
ERROR_BACKOFF_MAX = dt.timedelta(hours=6)


@dataclasses.dataclass
class DiscoveryCounts:
    polled: int = 0
    failed: int = 0
    found: int = 0
    new_articles: int = 0
    rejected: int = 0
    media: int = 0  # links refused as media pages (counted in `rejected` too)
    deferred: int = 0  # new links left for a later pass by the per-source cap


def register_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[DiscoverySource]) -> None:
    """Add configured sources and keep their kind and interval in step with the config."""
    for source in sources:  # update, then insert if missing: no ON CONFLICT (a lake has no keys)
        con.execute("""UPDATE sources SET kind = ?, every_minutes = ?, max_new = ?
                       WHERE url = ? AND (kind <> ? OR every_minutes <> ? OR max_new IS DISTINCT FROM ?)""",
                    [source.kind, source.every_minutes, source.max_new, source.url, source.kind,
                     source.every_minutes, source.max_new])
        con.execute("""INSERT INTO sources (url, kind, every_minutes, max_new) SELECT ?, ?, ?, ?
                       WHERE NOT EXISTS (SELECT 1 FROM sources WHERE url = ?)""",
                    [source.url, source.kind, source.every_minutes, source.max_new, source.url])


def due_sources(con: duckdb.DuckDBPyConnection, configured: Sequence[DiscoverySource], now: dt.datetime,
                *, every_pass: bool) -> list[DueSource]:
    """Configured sources whose poll has come (all of them with every_pass)."""
    caps = {s.url: s.max_new for s in configured}
    rows = con.execute("""SELECT url, kind, etag, last_modified FROM sources
                          WHERE url IN (SELECT unnest(?::VARCHAR[])) AND (? OR next_poll IS NULL OR next_poll <= ?)
                          ORDER BY url""", [list(caps), every_pass, now]).fetchall()
    return [DueSource(url, kind, etag, last_modified, caps[url]) for url, kind, etag, last_modified in rows]


def track_capped(con: duckdb.DuckDBPyConnection, articles: Sequence[tuple[str, str | None]], cap: int,
                 now: dt.datetime, also_seen: Sequence[str] = ()) -> tuple[list[str], int]:
    """Track at most `cap` new articles, in the source's order (newest first in feeds); return the
    new URLs and how many links of unknown identity were left for a later pass."""
    new: list[str] = []
    position = 0
    while position < len(articles) and len(new) < cap:
        chunk = articles[position: position + cap - len(new)]
        new += track(con, list(chunk), "discover", now, also_seen if position == 0 else ())
        position += len(chunk)
    keys = {article_key(url) for url, _ in articles[position:]}
    return new, len(keys - set(owners(con, keys)))


def record_rejections(con: duckdb.DuckDBPyConnection, polls: Sequence[PollResult], now: dt.datetime) -> None:
    """Remember every link a source listed that was not tracked, with its reason (one row per
    source and link; `times_seen` counts the polls that listed it)."""
    rows = {(poll.source.url, url): (poll.source.url, url, reason, detail, now)
            for poll in polls for url, reason, detail in poll.rejections()}
    if not rows:
        return
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _rejected (source_url VARCHAR, url VARCHAR, reason VARCHAR, "
                "detail VARCHAR, seen TIMESTAMPTZ)")
    con.execute("DELETE FROM _rejected")
    insert_rows(con, "_rejected", REJECTION_COLUMNS, list(rows.values()))
    # Update the known links, then insert the others: no ON CONFLICT (a lake has no keys).
    con.execute("""UPDATE discovery_rejections AS d SET reason = r.reason, detail = r.detail,
                          last_seen = r.seen, times_seen = d.times_seen + 1
                   FROM _rejected r WHERE d.source_url = r.source_url AND d.url = r.url""")
    con.execute("""INSERT INTO discovery_rejections (source_url, url, reason, detail, first_seen, last_seen)
                   SELECT source_url, url, reason, detail, seen, seen FROM _rejected r
                   WHERE NOT EXISTS (SELECT 1 FROM discovery_rejections d
                                     WHERE d.source_url = r.source_url AND d.url = r.url)""")


def record_polls(con: duckdb.DuckDBPyConnection, run_id: str, polls: Sequence[PollResult],
                 now: dt.datetime) -> DiscoveryCounts:
    """Record each poll, track the new article URLs (source 'discover'), schedule the next polls."""
    counts = DiscoveryCounts()
    rows = []
    for poll in polls:
        counts.polled += 1
        new, deferred = track_capped(con, poll.articles, poll.source.max_new, now, poll.listed)
        failed = poll.error is not None
        rejected = len(poll.rejected) + len(poll.media)
        counts.failed += failed
        counts.found += len(poll.articles)
        counts.new_articles += len(new)
        counts.rejected += rejected
        counts.media += len(poll.media)
        counts.deferred += deferred
        rows.append((run_id, poll.source.url, now, poll.outcome, poll.fetch.status_code, len(poll.articles),
                     len(new), rejected, poll.error, len(poll.media), deferred))
        row = con.execute("SELECT every_minutes, consecutive_errors FROM sources WHERE url = ?",
                          [poll.source.url]).fetchone()
        if row is None:  # polled but never registered: register_sources runs first in every pass
            raise ValueError(f"discovery source {poll.source.url!r} is not registered")
        every, errors = row
        errors = errors + 1 if failed else 0
        wait = dt.timedelta(minutes=every)
        if errors:  # a failing source is retried on later passes, backing off, never fatal
            wait = min(max(wait, dt.timedelta(minutes=5)) * 2 ** (errors - 1), ERROR_BACKOFF_MAX)
        keep_validators = poll.fetch.ok and not failed
        con.execute("""UPDATE sources SET last_polled = ?, next_poll = ?, last_outcome = ?, last_error = ?,
                           consecutive_errors = ?,
                           etag = CASE WHEN ? THEN ? WHEN ? THEN etag ELSE NULL END,
                           last_modified = CASE WHEN ? THEN ? WHEN ? THEN last_modified ELSE NULL END
                       WHERE url = ?""",
                    [now, now + wait, poll.outcome, poll.error, errors,
                     keep_validators, poll.fetch.etag, poll.outcome == "not_modified",
                     keep_validators, poll.fetch.last_modified, poll.outcome == "not_modified",
                     poll.source.url])
    insert_rows(con, "source_polls", POLL_COLUMNS, rows)
    record_rejections(con, polls, now)
    return counts
