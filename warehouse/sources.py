"""Discovery sources in the warehouse: which are due, and what each poll found."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import duckdb

from beritawatch.config import DiscoverySource
from beritawatch.sources import DueSource, PollResult
from warehouse.db import insert_rows
from warehouse.store import track

POLL_COLUMNS = (("run_id", "VARCHAR"), ("source_url", "VARCHAR"), ("polled_at", "TIMESTAMPTZ"),
                ("outcome", "VARCHAR"), ("status_code", "INTEGER"), ("candidates", "INTEGER"),
                ("new_articles", "INTEGER"), ("rejected", "INTEGER"), ("error", "VARCHAR"))
ERROR_BACKOFF_MAX = dt.timedelta(hours=6)


@dataclasses.dataclass
class DiscoveryCounts:
    polled: int = 0
    failed: int = 0
    found: int = 0
    new_articles: int = 0
    rejected: int = 0


def register_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[DiscoverySource]) -> None:
    """Add configured sources and keep their kind and interval in step with the config."""
    for source in sources:
        con.execute("""INSERT INTO sources (url, kind, every_minutes) VALUES (?, ?, ?)
                       ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, every_minutes = excluded.every_minutes""",
                    [source.url, source.kind, source.every_minutes])


def due_sources(con: duckdb.DuckDBPyConnection, configured: Sequence[DiscoverySource], now: dt.datetime,
                *, every_pass: bool) -> list[DueSource]:
    """Configured sources whose poll has come (all of them with every_pass)."""
    urls = [s.url for s in configured]
    rows = con.execute("""SELECT url, kind, etag, last_modified FROM sources
                          WHERE url IN (SELECT unnest(?::VARCHAR[])) AND (? OR next_poll IS NULL OR next_poll <= ?)
                          ORDER BY url""", [urls, every_pass, now]).fetchall()
    return [DueSource(url, kind, etag, last_modified) for url, kind, etag, last_modified in rows]


def record_polls(con: duckdb.DuckDBPyConnection, run_id: str, polls: Sequence[PollResult],
                 now: dt.datetime) -> DiscoveryCounts:
    """Record each poll, track the new article URLs (source 'discover'), schedule the next polls."""
    counts = DiscoveryCounts()
    rows = []
    for poll in polls:
        counts.polled += 1
        new = track(con, list(poll.articles), "discover", now, poll.listed) if poll.articles else []
        failed = poll.error is not None
        counts.failed += failed
        counts.found += len(poll.articles)
        counts.new_articles += len(new)
        counts.rejected += len(poll.rejected)
        rows.append((run_id, poll.source.url, now, poll.outcome, poll.fetch.status_code, len(poll.articles),
                     len(new), len(poll.rejected), poll.error))
        every, errors = con.execute("SELECT every_minutes, consecutive_errors FROM sources WHERE url = ?",
                                    [poll.source.url]).fetchone()
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
    return counts
