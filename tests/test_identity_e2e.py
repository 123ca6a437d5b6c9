"""One article, one identity through the real Prefect flow on the loopback replica: a tracked old
Tempo address that answers 301, its new address in a feed, m. and AMP twins of a tracked Tribun
article: one article each, one [Baru] each, every address an alias, and a second pass that
changes nothing."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib

import duckdb
import pytest

from beritawatch.testing.replica import feeds
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import TEMPO_URL, TRIBUNNEWS_URL, tracked_articles
from flows.monitor import monitor_pass

pytestmark = pytest.mark.prefect
TEMPO_NEW = ("https://www.tempo.co/internasional/"
             "klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata-1768245")
TEMPO_FEED = "https://www.tempo.co/api/gateway/rss/free/internasional"
TRIBUN_FEED = "https://www.tribunnews.com/rss"
TRIBUN_M = TRIBUNNEWS_URL.replace("://www.", "://m.")
TRIBUN_AMP = TRIBUNNEWS_URL.replace("tribunnews.com/", "tribunnews.com/amp/")


def query(db: pathlib.Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_moved_address_and_twins_found_by_feeds_join_the_tracked_articles(
        prefect_server: str, replica: Replica, write_config) -> None:
    tempo = next(spec for spec in tracked_articles() if spec.url == TEMPO_URL)
    replica.add_article(dataclasses.replace(tempo, url=TEMPO_NEW))  # Tempo's 2024+ address
    replica.behave(TEMPO_URL, status=301, redirect_to=TEMPO_NEW)
    when = dt.datetime(2026, 11, 20, 9, 30, tzinfo=feeds.WIB)
    replica.put(TEMPO_FEED, feeds.rss([(TEMPO_NEW, tempo.title, when)], link="https://www.tempo.co/"),
                feeds.CONTENT_TYPES["rss"])
    replica.put(TRIBUN_FEED, feeds.rss([(TRIBUN_M, "Menhan Rusia", when), (TRIBUN_AMP, "Menhan Rusia", when)],
                                       link="https://www.tribunnews.com/"), feeds.CONTENT_TYPES["rss"])
    config = write_config([TEMPO_URL, TRIBUNNEWS_URL], hosts=[*replica.route_map(), "m.tribunnews.com"],
                          extra=f'[[discover]]\nurl = "{TEMPO_FEED}"\n\n[[discover]]\nurl = "{TRIBUN_FEED}"\n')
    db = config.parent / "warehouse.duckdb"

    first = monitor_pass(config_path=str(config))
    assert first["discovery"]["polled"] == 2 and first["discovery"]["new_articles"] == 0
    assert sorted(query(db, "SELECT url, key FROM articles")) == [
        (TEMPO_URL, "tempo:1768245"),
        (TRIBUNNEWS_URL, "tribun:www/2023/07/29/"
                         "amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara")]
    assert query(db, "SELECT article_url, count(*) FROM versions GROUP BY 1 ORDER BY 1") == [
        (TEMPO_URL, 1), (TRIBUNNEWS_URL, 1)]
    new_alerts = query(db, "SELECT article_url, count(*) FROM alerts WHERE kind = 'new' GROUP BY 1 ORDER BY 1")
    assert all(count == 1 for _, count in new_alerts) and (TEMPO_URL, 1) in new_alerts
    aliases = dict(((alias, (url, kind)) for url, alias, kind in
                    query(db, "SELECT url, alias, kind FROM article_aliases")))
    assert aliases[TEMPO_NEW] == (TEMPO_URL, "discover")
    assert aliases[TRIBUN_M] == (TRIBUNNEWS_URL, "discover")
    assert aliases[TRIBUN_AMP] == (TRIBUNNEWS_URL, "discover")
    assert aliases[TEMPO_URL] == (TEMPO_URL, "track")
    [(redirects,)] = query(db, f"SELECT redirects FROM fetches WHERE url = '{TEMPO_URL}'")
    assert redirects == [TEMPO_NEW]  # the hop is on record; the new address was fetched only through it
    assert len(replica.requests_for(TEMPO_NEW.replace("https://", "http://"))) <= 1

    alerts_before = query(db, "SELECT count(*) FROM alerts")
    second = monitor_pass(config_path=str(config))
    assert second["discovery"]["new_articles"] == 0
    assert sum(p["new_articles"] + p["new_versions"] for p in second["portals"].values()) == 0
    assert query(db, "SELECT count(*) FROM articles") == [(2,)]
    assert query(db, "SELECT count(*) FROM alerts") == alerts_before
