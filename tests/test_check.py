"""One article's check: the HTTP charset as the parsers should read it, and every page of an
article fetched (or the check failing whole) against the loopback replica."""
from __future__ import annotations

import asyncio
import codecs
import datetime as dt

import pytest

from beritawatch.check import (
    FETCH_FAILED,
    NOT_ARTICLE,
    PARSED,
    UNCHANGED_304,
    CheckResult,
    DueArticle,
    check_article,
    page_bytes,
)
from beritawatch.config import HttpSettings
from beritawatch.fetch import OK, Fetcher, FetchResult
from beritawatch.testing.replica.render import page_urls
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, KALTIM_URL, tracked_articles

BOM = codecs.BOM_UTF8
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def fetched(content: bytes, content_type: str | None) -> FetchResult:
    return FetchResult("https://news.detik.com/x", WHEN, OK, content=content, content_type=content_type)


@pytest.mark.parametrize(("content", "content_type", "expected"), [
    (b"<p>caf\xe9</p>", None, b"<p>caf\xe9</p>"),  # no charset in the header: the parsers sniff
    (BOM + "<p>café</p>".encode(), "text/html; charset=iso-8859-1", BOM + "<p>café</p>".encode()),  # a BOM wins
    (b"<p>plain</p>", "text/html; charset=windows-1252", b"<p>plain</p>"),  # ASCII reads the same in both
    (b"<p>caf\xe9</p>", "text/html; charset=windows-1252", BOM + "<p>café</p>".encode()),  # header wins
    (b"<p>caf\xe9</p>", "text/html; charset=utf-8", b"<p>caf\xe9</p>"),  # not UTF-8 after all: sniff
    ("<p>café</p>".encode(), "text/html; charset=iso-8859-1", "<p>café</p>".encode()),  # a server default
    ('<meta charset="iso-8859-2"><p>café</p>'.encode(), "text/html; charset=utf-8",
     BOM + '<meta charset="iso-8859-2"><p>café</p>'.encode()),  # header UTF-8 beats a wrong meta
    ('<meta charset="utf-8"><p>café</p>'.encode(), "text/html; charset=utf-8",
     '<meta charset="utf-8"><p>café</p>'.encode()),
    (b"<p>\x82\xa0\xff</p>", "text/html; charset=shift_jis", b"<p>\x82\xa0\xff</p>"),  # invalid there: sniff
])
def test_page_bytes_applies_the_http_charset_only_where_the_parsers_would_misread(
        content: bytes, content_type: str | None, expected: bytes) -> None:
    assert page_bytes(fetched(content, content_type)) == expected


def settings(replica: Replica) -> HttpSettings:
    return HttpSettings(route=replica.route_map(), min_delay_s=0.0, timeout_s=3.0, retries=0)


def check(replica: Replica, due: DueArticle) -> CheckResult:
    async def run() -> CheckResult:
        async with Fetcher(settings(replica)) as fetcher:
            return await check_article(fetcher, due)

    return asyncio.run(run())


def test_every_page_is_fetched_and_merged(replica: Replica) -> None:
    spec = next(s for s in tracked_articles() if s.url == KALTIM_URL)
    result = check(replica, DueArticle(KALTIM_URL, "tribun"))
    assert result.outcome == PARSED and result.article is not None
    pages = [url for url in page_urls(spec) if not url.endswith("?page=all")]  # the whole-article view
    assert [url for url, _ in result.pages] == pages and len(pages) == 3
    assert [f.url for f in result.fetches] == pages
    assert spec.paragraphs[-1][:40] in result.article.body[-1]


def test_not_modified_and_a_failed_first_page(replica: Replica) -> None:
    replica.behave(DETIK_URL, validators=True)
    first = check(replica, DueArticle(DETIK_URL, "detik"))
    again = check(replica, DueArticle(DETIK_URL, "detik", etag=first.fetches[0].etag))
    assert (again.outcome, len(again.fetches)) == (UNCHANGED_304, 1)
    replica.behave(DETIK_URL, status=404)
    gone = check(replica, DueArticle(DETIK_URL, "detik"))
    assert (gone.outcome, gone.error, len(gone.fetches)) == (FETCH_FAILED, "HTTP 404", 1)


def test_a_missing_later_page_fails_the_whole_check(replica: Replica) -> None:
    page_two = page_urls(next(s for s in tracked_articles() if s.url == DETIK_URL))[1]
    replica.behave(page_two, status=500)
    result = check(replica, DueArticle(DETIK_URL, "detik"))
    assert result.outcome == FETCH_FAILED and result.article is None and not result.pages
    assert result.error == f"page {page_two}: HTTP 500 after 1 attempts"


def test_a_page_that_is_no_article_is_named(replica: Replica) -> None:
    url = "https://news.detik.com/internasional/d-7000003/video-saja"
    replica.put(url, '<html><head><meta property="og:type" content="video.other"><title>Video</title></head>'
                     '<body><video src="/v.mp4"></video><p>Tonton videonya.</p></body></html>')
    result = check(replica, DueArticle(url, "detik"))
    assert result.outcome == NOT_ARTICLE and (result.error or "").startswith("not an article: media")
    assert [page_url for page_url, _ in result.pages] == [url]
