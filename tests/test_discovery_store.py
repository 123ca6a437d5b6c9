"""Discovery in the warehouse: the per-source cap on new articles, and rejections recorded with reasons."""
from __future__ import annotations

import datetime as dt
import pathlib

from beritawatch.config import DiscoverySource
from beritawatch.fetch import FetchResult
from beritawatch.sources import DueSource, PollResult
from warehouse import sources
from warehouse.db import connect, transaction

T0 = dt.datetime(2026, 11, 3, 12, 0, tzinfo=dt.UTC)
FEED = "https://news.detik.com/rss"
STORIES = [(f"https://news.detik.com/berita/d-77012{n:02d}/berita-nomor-{n}", "detik") for n in range(5)]
VIDEO = "https://20.detik.com/detikupdate/20261103-261103044/video-kapal-kargo"


def _poll(articles: list[tuple[str, str]], cap: int) -> PollResult:
    fetch = FetchResult(FEED, T0, "ok", 200, 5.0, b"<rss/>", "application/rss+xml", None, None, FEED)
    return PollResult(DueSource(FEED, "rss", max_new=cap), fetch, tuple(articles),
                      rejected=(("http://127.0.0.1/admin", "host 127.0.0.1 is an IP address literal"),),
                      dropped=((VIDEO, "media: video"),
                               ("https://news.detik.com/internasional", "links to a section page")))


def test_the_cap_takes_the_newest_new_articles_and_leaves_the_rest_for_later(tmp_path: pathlib.Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with transaction(con):
        sources.register_sources(con, [DiscoverySource(FEED, "rss", 10.0, max_new=2)])
        first = sources.record_polls(con, "run-1", [_poll(STORIES, 2)], T0)
    assert (first.new_articles, first.deferred, first.media, first.rejected) == (2, 3, 1, 2)
    tracked = [url for (url,) in con.execute("SELECT url FROM articles ORDER BY url").fetchall()]
    assert tracked == [STORIES[0][0], STORIES[1][0]]
    with transaction(con):  # the next pass: the known two are skipped, two more are taken
        second = sources.record_polls(con, "run-2", [_poll(STORIES, 2)], T0 + dt.timedelta(minutes=10))
    assert (second.new_articles, second.deferred) == (2, 1)
    assert con.execute("SELECT new_articles, media, deferred FROM source_polls ORDER BY polled_at").fetchall() == [
        (2, 1, 3), (2, 1, 1)]
    assert con.execute("SELECT max_new FROM sources").fetchall() == [(2,)]


def test_rejections_are_recorded_once_per_link_with_their_reason(tmp_path: pathlib.Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    with transaction(con):
        sources.register_sources(con, [DiscoverySource(FEED, "rss", 10.0)])
        sources.record_polls(con, "run-1", [_poll(STORIES[:1], 50)], T0)
        sources.record_polls(con, "run-2", [_poll(STORIES[:1], 50)], T0 + dt.timedelta(minutes=10))
    rows = con.execute("SELECT url, reason, detail, times_seen, first_seen < last_seen FROM discovery_rejections "
                       "ORDER BY reason").fetchall()
    assert rows == [
        (VIDEO, "media", "media: video", 2, True),
        ("https://news.detik.com/internasional", "not_article", "links to a section page", 2, True),
        ("http://127.0.0.1/admin", "refused", "host 127.0.0.1 is an IP address literal", 2, True),
    ]
