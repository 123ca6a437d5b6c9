"""Retention: old fetches and source polls become daily rows; everything else stays."""
from __future__ import annotations

import datetime as dt
import pathlib

import duckdb
import pytest

from warehouse import retention
from warehouse.db import connect

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def con(tmp_path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "w.duckdb")
    # a fetch every 6 hours for 200 days, alternately ok and 304; a poll of two sources every 12 hours
    con.execute("""INSERT INTO fetches (run_id, article_url, url, requested_at, status_code, outcome, bytes,
                                        elapsed_ms)
                   SELECT 'r' || i, 'https://news.detik.com/d-' || (i % 3), 'u', ?::TIMESTAMPTZ - to_hours(6 * i),
                          CASE WHEN i % 2 = 0 THEN 200 ELSE 304 END,
                          CASE WHEN i % 2 = 0 THEN 'ok' ELSE 'not_modified' END, 1000 * (i % 2 = 0)::INT, 10 + i % 2
                   FROM range(800) t(i)""", [NOW])
    con.execute("""INSERT INTO source_polls (run_id, source_url, polled_at, outcome, candidates, new_articles)
                   SELECT 'r' || i, 'https://news.detik.com/rss/' || (i % 2), ?::TIMESTAMPTZ - to_hours(12 * i),
                          'ok', 5, 1 FROM range(400) t(i)""", [NOW])
    return con


def test_old_rows_become_daily_totals_and_recent_rows_stay(con: duckdb.DuckDBPyConnection) -> None:
    before = retention.cutoff(NOW)
    assert before == dt.datetime(2026, 9, 5, tzinfo=dt.UTC)
    [(old_fetches, old_bytes)] = con.execute("SELECT count(*), sum(bytes) FROM fetches WHERE requested_at < ?",
                                             [before]).fetchall()
    [(old_polls,)] = con.execute("SELECT count(*) FROM source_polls WHERE polled_at < ?", [before]).fetchall()
    [(kept,)] = con.execute("SELECT count(*) FROM fetches WHERE requested_at >= ?", [before]).fetchall()
    removed = retention.compact(con, NOW, days_per_pass=0)
    assert removed == {"fetches": old_fetches, "source_polls": old_polls} and old_fetches > 0 and old_polls > 0
    assert con.execute("SELECT count(*), min(requested_at) >= ? FROM fetches", [before]).fetchone() == (kept, True)
    assert con.execute("SELECT sum(fetches), sum(bytes) FROM fetch_days").fetchone() == (old_fetches, old_bytes)
    assert con.execute("SELECT DISTINCT outcome, status_code FROM fetch_days ORDER BY 1").fetchall() == [
        ("not_modified", 304), ("ok", 200)]
    polls = con.execute("SELECT sum(polls), sum(new_articles) FROM source_poll_days").fetchone()
    assert polls == (old_polls, old_polls)


def test_a_later_pass_folds_only_the_days_that_aged_and_never_twice(con: duckdb.DuckDBPyConnection) -> None:
    retention.compact(con, NOW, days_per_pass=0)
    [(days, total)] = con.execute("SELECT count(DISTINCT day), sum(fetches) FROM fetch_days").fetchall()
    assert retention.compact(con, NOW + dt.timedelta(hours=1)) == {"fetches": 0, "source_polls": 0}
    removed = retention.compact(con, NOW + dt.timedelta(days=2))
    assert removed["fetches"] == 8  # two more days of four fetches
    assert con.execute("SELECT count(DISTINCT day), sum(fetches) FROM fetch_days").fetchone() == (days + 2, total + 8)
    [(per_day,)] = con.execute("SELECT max(fetches) FROM fetch_days").fetchall()
    assert per_day == 2  # one row per day, outcome and status: four fetches a day, two of each


def test_nothing_but_fetches_and_polls_is_touched(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('old', ?, 'completed')",
                [NOW - dt.timedelta(days=400)])
    retention.compact(con, NOW)
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_a_pass_folds_at_most_a_few_days_the_oldest_first(con: duckdb.DuckDBPyConnection) -> None:
    [(oldest,)] = con.execute("SELECT min(requested_at) FROM fetches").fetchall()
    removed = retention.compact(con, NOW)  # 110 days are older than the window: only 3 go now
    assert removed["fetches"] == con.execute("SELECT sum(fetches) FROM fetch_days").fetchone()[0] <= 3 * 4
    assert con.execute("SELECT count(DISTINCT day), min(day) FROM fetch_days").fetchone() == (3, oldest.date())
    while sum(retention.compact(con, NOW).values()):
        pass  # later passes catch up, three days at a time
    left = con.execute("SELECT count(*) FROM fetches WHERE requested_at < ?", [retention.cutoff(NOW)]).fetchone()
    assert left == (0,)
