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

from warehouse.db import write

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
    return write(con, lambda: {"fetches": _fold_fetches(con, window, days_per_pass),
                               "source_polls": _fold_polls(con, window, days_per_pass)})


# The daily rows are merged by UPDATE, then INSERT of the days not there yet: no ON CONFLICT, so the
# same statements run on a DuckLake (which has no keys).
def _fold_fetches(con: duckdb.DuckDBPyConnection, window: dt.datetime, days_per_pass: int) -> int:
    before = _fold_until(con, "fetches", "requested_at", window, days_per_pass)
    con.execute("""CREATE OR REPLACE TEMP TABLE _fetch_days_in AS
        SELECT CAST(requested_at AT TIME ZONE 'UTC' AS DATE) AS day, outcome, coalesce(status_code, 0) AS status_code,
               count(*) AS fetches, coalesce(sum(bytes), 0) AS bytes, avg(elapsed_ms) AS elapsed_ms,
               count(DISTINCT article_url) AS articles
        FROM fetches WHERE requested_at < ? GROUP BY ALL""", [before])
    _add_into(con, "fetch_days", "_fetch_days_in", ("day", "outcome", "status_code"),
              """fetches = d.fetches + i.fetches, bytes = d.bytes + i.bytes,
                 elapsed_ms = (d.elapsed_ms * d.fetches + i.elapsed_ms * i.fetches) / (d.fetches + i.fetches),
                 articles = d.articles + i.articles""")
    [(fetches,)] = con.execute("DELETE FROM fetches WHERE requested_at < ?", [before]).fetchall()
    return int(fetches)


def _fold_polls(con: duckdb.DuckDBPyConnection, window: dt.datetime, days_per_pass: int) -> int:
    before = _fold_until(con, "source_polls", "polled_at", window, days_per_pass)
    con.execute("""CREATE OR REPLACE TEMP TABLE _poll_days_in AS
        SELECT CAST(polled_at AT TIME ZONE 'UTC' AS DATE) AS day, source_url, outcome, count(*) AS polls,
               sum(candidates) AS candidates, sum(new_articles) AS new_articles, sum(rejected) AS rejected
        FROM source_polls WHERE polled_at < ? GROUP BY ALL""", [before])
    _add_into(con, "source_poll_days", "_poll_days_in", ("day", "source_url", "outcome"),
              """polls = d.polls + i.polls, candidates = d.candidates + i.candidates,
                 new_articles = d.new_articles + i.new_articles, rejected = d.rejected + i.rejected""")
    [(polls,)] = con.execute("DELETE FROM source_polls WHERE polled_at < ?", [before]).fetchall()
    return int(polls)


def _add_into(con: duckdb.DuckDBPyConnection, table: str, folded: str, keys: tuple[str, ...], add: str) -> None:
    """Add the day rows of `folded` to `table`: rows with the same `keys` are updated by `add`
    (a SET list over `d`, the stored row, and `i`, the folded one), the others inserted."""
    same = " AND ".join(f"d.{key} = i.{key}" for key in keys)
    con.execute(f"UPDATE {table} AS d SET {add} FROM {folded} i WHERE {same}")
    con.execute(f"INSERT INTO {table} SELECT * FROM {folded} i WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {same})")
