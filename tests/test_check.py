"""One article's check: the HTTP charset as the parsers should read it, and every page of an
article fetched (or the check failing whole) against the loopback replica."""
from __future__ import annotations

import asyncio
import codecs
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch import check as check_module
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
    (b'<meta charset="iso-8859-2"><p>caf\xe9</p>', "text/html; charset=utf-8",
     b'<meta charset="iso-8859-2"><p>caf\xe9</p>'),  # neither is right (not UTF-8): sniff
    ("<p>café</p>".encode(), "text/html; charset=utf-8", "<p>café</p>".encode()),  # no meta: no test needed
    (b"<p>\x82\xa0\xff</p>", "text/html; charset=shift_jis", b"<p>\x82\xa0\xff</p>"),  # invalid there: sniff
])
def test_page_bytes_applies_the_http_charset_only_where_the_parsers_would_misread(
        content: bytes, content_type: str | None, expected: bytes) -> None:
    assert page_bytes(fetched(content, content_type)) == expected


def plain_page_bytes(fetch: FetchResult) -> bytes:
    """`page_bytes` as first written: the UTF-8 validity test before anything else."""
    content, codec = fetch.content or b"", fetch.charset
    if codec is None or content.startswith((BOM, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content
    ascii_safe = check_module._ascii_compatible(codec)  # noqa: SLF001 - the helpers both versions share
    if ascii_safe and content.isascii():
        return content
    utf8 = check_module._is_utf8(content)  # noqa: SLF001
    if codec != "utf-8" and not (utf8 and ascii_safe and check_module._single_byte(codec)):  # noqa: SLF001
        return check_module._transcoded(content, codec)  # noqa: SLF001
    if not utf8:
        return content
    meta = check_module._META_CHARSET.search(content, 0, 4096)  # noqa: SLF001
    declared = check_module.charset_codec(meta.group(1).decode("ascii")) if meta else None
    return content if declared is None or declared in ("utf-8", "cp1252") else BOM + content


PIECES = st.sampled_from([b"<p>", "café".encode(), b"caf\xe9", b"\x82\xa0", b'<meta charset="iso-8859-2">',
                          b'<meta charset="utf-8">', b"<meta charset=windows-1252>", "–".encode(), b"plain"])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, max_size=6),
       charset=st.sampled_from([None, "utf-8", "UTF8", "iso-8859-1", "windows-1252", "shift_jis", "utf-16"]))
def test_page_bytes_gives_what_its_plain_definition_gives(pieces: list[bytes], charset: str | None) -> None:
    fetch = fetched(b"".join(pieces), f"text/html; charset={charset}" if charset else "text/html")
    assert page_bytes(fetch) == plain_page_bytes(fetch)


def settings_of(replica: Replica) -> HttpSettings:
    return HttpSettings(route=replica.route_map(), min_delay_s=0.0, timeout_s=3.0, retries=0)


def check(replica: Replica, due: DueArticle) -> CheckResult:
    async def run() -> CheckResult:
        async with Fetcher(settings_of(replica)) as fetcher:
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
