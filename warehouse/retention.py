"""Retention: the two tables that grow with every pass forever, `fetches` and `source_polls`,
keep their rows for `KEEP_DAYS`; older rows are folded into one row per day (`fetch_days`,
`source_poll_days`) and deleted.

Nothing else is deleted: versions, their raw pages, edits, events, alerts and deliveries are the
record analysts come for (a year is ~50k versions, tens of MB). A fetch row says how one HTTP
attempt went; after three months only the daily totals matter (how often a portal failed, how
much was fetched), and those stay. Whole days are folded at once (the cutoff is a midnight UTC), so
each day is summarized once; a pass folds at most `DAYS_PER_PASS` days, the oldest first, which
keeps its cost flat (a warehouse that already holds a year catches up over its next ~100 passes
instead of paying for 275 days in one).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.db import transaction

KEEP_DAYS = 90
DAYS_PER_PASS = 3


def cutoff(now: dt.datetime, keep_days: int = KEEP_DAYS) -> dt.datetime:
    """Midnight UTC `keep_days` before `now`: rows before it are folded."""
    day = (now.astimezone(dt.UTC) - dt.timedelta(days=keep_days)).date()
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _fold_until(con: duckdb.DuckDBPyConnection, table: str, column: str, window_start: dt.datetime,
                days: int) -> dt.datetime:
    """The end of what one pass folds of `table`: its `days` oldest days, never into the window."""
    [(oldest,)] = con.execute(f"SELECT min({column}) FROM {table}").fetchall()
    if oldest is None or days <= 0:
        return window_start
    return min(window_start, cutoff(oldest, -days))


def compact(con: duckdb.DuckDBPyConnection, now: dt.datetime, keep_days: int = KEEP_DAYS,
            days_per_pass: int = DAYS_PER_PASS) -> dict[str, int]:
    """Fold and delete the oldest `days_per_pass` days of fetches and source polls older than the
    window; rows removed per table (days_per_pass=0: everything older than the window)."""
    window = cutoff(now, keep_days)
    with transaction(con):
        before = _fold_until(con, "fetches", "requested_at", window, days_per_pass)
        con.execute("""
            INSERT INTO fetch_days
            SELECT CAST(requested_at AT TIME ZONE 'UTC' AS DATE), outcome, coalesce(status_code, 0), count(*),
                   coalesce(sum(bytes), 0), avg(elapsed_ms), count(DISTINCT article_url)
            FROM fetches WHERE requested_at < ? GROUP BY ALL
            ON CONFLICT DO UPDATE SET fetches = fetches + excluded.fetches, bytes = bytes + excluded.bytes,
                elapsed_ms = (elapsed_ms * fetches + excluded.elapsed_ms * excluded.fetches)
                             / (fetches + excluded.fetches),
                articles = articles + excluded.articles""", [before])
        [(fetches,)] = con.execute("DELETE FROM fetches WHERE requested_at < ?", [before]).fetchall()
        before = _fold_until(con, "source_polls", "polled_at", window, days_per_pass)
        con.execute("""
            INSERT INTO source_poll_days
            SELECT CAST(polled_at AT TIME ZONE 'UTC' AS DATE), source_url, outcome, count(*), sum(candidates),
                   sum(new_articles), sum(rejected)
            FROM source_polls WHERE polled_at < ? GROUP BY ALL
            ON CONFLICT DO UPDATE SET polls = polls + excluded.polls, candidates = candidates + excluded.candidates,
                new_articles = new_articles + excluded.new_articles, rejected = rejected + excluded.rejected""",
                    [before])
        [(polls,)] = con.execute("DELETE FROM source_polls WHERE polled_at < ?", [before]).fetchall()
    return {"fetches": int(fetches), "source_polls": int(polls)}
