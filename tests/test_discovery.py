"""Discovery: golden fixtures per source shape, hostile and huge inputs, the host filter, replica round trips."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gzip
import html
import json
import logging
import pathlib
import random
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beritawatch.discovery import (
    PORTAL_DOMAINS,
    AllowedHosts,
    Candidate,
    DiscoveryError,
    Limits,
    discover,
    extract_candidates,
    filter_candidates,
    listing_reason,
    looks_like_article_url,
    media_kind,
    sniff,
)
from beritawatch.testing.replica import feeds

REASON_FILE = "links to a file (image, media, document), not a page"
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "discovery"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]
SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "corpus" / "structure-2026"
WIB = dt.timezone(dt.timedelta(hours=7))
PORTALS = sorted(PORTAL_DOMAINS.values())


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _discover_case(case: dict[str, Any], mode: str) -> Any:
    content = (FIXTURES / case["fixture"]).read_bytes()
    content_type = None if mode == "auto, no content type" else case["content_type"]
    kind = case["kind"] if mode == "explicit kind" else "auto"
    return discover(content, content_type, case["source_url"], kind, now=_when(case.get("now")))


# -- golden fixtures -------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["explicit kind", "auto", "auto, no content type"])
@pytest.mark.parametrize("case", CASES, ids=[case["fixture"] for case in CASES])
def test_fixture_yields_its_expected_candidates(case: dict[str, Any], mode: str) -> None:
    result = _discover_case(case, mode)
    assert result.kind == case["kind"]
    got = [(c.url, c.title, c.published, c.updated) for c in result.candidates]
    want = [(c["url"], c["title"], _when(c["published"]), _when(c["updated"])) for c in case["candidates"]]
    assert got == want
    for candidate in result.candidates:
        assert candidate.source_url == case["source_url"] and candidate.source_kind == case["kind"]
        for stamp in (candidate.published, candidate.updated):
            assert stamp is None or stamp.tzinfo is not None
    assert [list(pair) for pair in result.dropped] == case["dropped"]
    for field in ("problems", "notes"):
        expected, reported = case.get(field, []), getattr(result, field)
        assert len(reported) == len(expected), reported
        assert all(want in got for want, got in zip(expected, reported, strict=True))


@pytest.mark.parametrize("case", CASES, ids=[case["fixture"] for case in CASES])
def test_extract_candidates_is_discover_without_the_extras(case: dict[str, Any]) -> None:
    content = (FIXTURES / case["fixture"]).read_bytes()
    plain = extract_candidates(content, case["content_type"], case["source_url"], case["kind"])
    full = discover(content, case["content_type"], case["source_url"], case["kind"])
    assert plain == list(full.candidates)
    assert all(isinstance(c, Candidate) for c in plain)


def test_a_feed_linking_every_item_to_the_home_page_is_called_broken(caplog: pytest.LogCaptureFixture) -> None:
    content = (FIXTURES / "tribun-rss-home-links.xml").read_bytes()
    with caplog.at_level(logging.WARNING, logger="beritawatch.discovery"):
        assert extract_candidates(content, "application/rss+xml", "https://www.tribunnews.com/rss") == []
    assert "the feed is broken" in caplog.text


def test_candidates_are_frozen() -> None:
    candidate = Candidate("https://news.detik.com/berita/d-1234567/a", None, None, "https://news.detik.com/rss", "rss")
    with pytest.raises(dataclasses.FrozenInstanceError):
        candidate.url = "https://evil.example/"  # type: ignore[misc]


def test_duplicates_keep_the_first_url_and_fill_blanks_from_later_ones() -> None:
    page = (b'<html><body><a href="/berita/d-7000001/judul"><img src="x.jpg"></a>'
            b'<h3><a href="/berita/d-7000001/judul#baca">Judul Lengkap</a></h3>'
            b'<a href="https://news.detik.com/berita/d-7000001/judul">Judul Kedua</a></body></html>')
    result = discover(page, "text/html", "https://news.detik.com/berita")
    assert [(c.url, c.title) for c in result.candidates] == [
        ("https://news.detik.com/berita/d-7000001/judul", "Judul Lengkap")]


def test_an_html_base_element_anchors_relative_links() -> None:
    page = (b'<html><head><base href="https://news.detik.com/internasional/"></head><body>'
            b'<a href="d-7000002/korut-uji-rudal">Korut Uji Rudal</a></body></html>')
    result = discover(page, "text/html", "https://news.detik.com/indeks")
    assert [c.url for c in result.candidates] == ["https://news.detik.com/internasional/d-7000002/korut-uji-rudal"]


def test_an_unknown_index_layout_falls_back_to_article_shaped_links() -> None:
    page = (b'<html><body><nav><a href="/">Beranda</a><a href="/internasional">Internasional</a></nav>'
            b'<div class="new-2027-list"><a href="/internasional/9999001/kapal-kargo-rusia-merapat">Kapal Kargo</a>'
            b'<a href="https://www.tribunnews.com/internasional/9999002/sanksi-baru">Sanksi Baru</a></div>'
            b'<a href="https://evil.example/internasional/9999003/x">Luar</a><a href="javascript:void(0)">JS</a>'
            b'</body></html>')
    result = discover(page, "text/html", "https://www.tribunnews.com/index-news")
    assert [c.url for c in result.candidates] == [
        "https://www.tribunnews.com/internasional/9999001/kapal-kargo-rusia-merapat",
        "https://www.tribunnews.com/internasional/9999002/sanksi-baru",
    ]
    assert any("no known index layout matched" in problem for problem in result.problems)


def test_a_sitemap_index_yields_child_sitemaps_not_candidates() -> None:
    body = feeds.sitemap_index([
        ("https://www.tribunnews.com/internasional/sitemap-news.xml", dt.datetime(2026, 7, 24, 17, 0, tzinfo=WIB)),
        ("/nasional/sitemap-news.xml", dt.datetime(2026, 7, 24, 16, 0, tzinfo=WIB)),
    ])
    result = discover(body.encode(), "application/xml", "https://www.tribunnews.com/sitemap.xml")
    assert result.kind == "sitemap" and result.candidates == ()
    assert [(s.url, s.updated) for s in result.sitemaps] == [
        ("https://www.tribunnews.com/internasional/sitemap-news.xml", dt.datetime(2026, 7, 24, 17, 0, tzinfo=WIB)),
        ("https://www.tribunnews.com/nasional/sitemap-news.xml", dt.datetime(2026, 7, 24, 16, 0, tzinfo=WIB)),
    ]


def test_text_and_gzipped_sitemaps() -> None:
    text = b"https://news.detik.com/berita/d-7000003/satu\nhttps://news.detik.com/berita/d-7000004/dua\n\n"
    assert [c.url for c in extract_candidates(text, "text/plain", "https://news.detik.com/sitemap.txt")] == [
        "https://news.detik.com/berita/d-7000003/satu", "https://news.detik.com/berita/d-7000004/dua"]
    xml = (FIXTURES / "tribun-sitemap-news.xml").read_bytes()
    packed = extract_candidates(gzip.compress(xml), "application/x-gzip", "https://www.tribunnews.com/s.xml.gz")
    assert packed == extract_candidates(xml, "text/xml", "https://www.tribunnews.com/s.xml.gz")


# -- the reference shapes of 2026 pages (read only; skipped where ../shared is absent) --------------

@pytest.mark.parametrize(("name", "source_url", "count", "dropped"), [
    ("tribun/index-news.html", "https://www.tribunnews.com/index-news", 8, 1),
    ("tribun/sitemap-news.xml", "https://www.tribunnews.com/nasional/sitemap-news.xml", 6, 1),
    ("republika/indeks.html", "https://www.republika.co.id/indeks", 3, 0),
    ("tempo/rubric-payload.json", "https://www.tempo.co/ekonomi/_payload.json", 3, 0),
])
def test_reference_shapes_of_2026_templates(name: str, source_url: str, count: int, dropped: int) -> None:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"reference data {path} not present")
    result = discover(path.read_bytes(), None, source_url)
    assert len(result.candidates) == count and len(result.dropped) == dropped
    assert all(c.title and looks_like_article_url(c.url) for c in result.candidates)


# -- URL shapes -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.detik.com/internasional/d-6769960/as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia", True),
    ("https://news.detik.com/internasional/d-6769960/as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia/2",
     True),
    ("https://health.detik.com/berita-detikhealth/d-7012345/judul-kesehatan", True),
    ("https://news.detik.com/d-7012345/tanpa-kanal", True),
    ("https://news.detik.com/internasional", False),
    ("https://news.detik.com/tag/korea-utara", False),
    ("https://www.tribunnews.com/internasional/2023/07/29/"
     "amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara", True),
    ("https://kaltim.tribunnews.com/2023/09/05/"
     "ukraina-dan-nato-dalam-masalah-serius-korea-utara-buka-opsi-kirim-senjata-mematikan-ke-rusia", True),
    ("https://www.tribunnews.com/nasional/9000101/contoh-judul", True),
    ("https://m.tribunnews.com/internasional/9120004/pyongyang-sebut-latihan?page=2", True),
    ("https://www.tribunnews.com/topic/korea-utara", False),
    ("https://www.tribunnews.com/index-news?page=2", False),
    ("https://www.tribunnews.com/internasional/2023", False),
    ("https://internasional.republika.co.id/berita/s0kbre472/as-ingatkan-korut-jangan-sekali-sekali-suplai-senjata-ke-rusia",
     True),
    ("https://internasional.republika.co.id/amp/s0kbre472/as-ingatkan-korut", True),
    ("https://www.republika.co.id/indeks", False),
    ("https://www.republika.co.id/berita/terpopuler/hari-ini", False),
    ("https://dunia.tempo.co/read/1768245/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata", True),
    ("https://www.tempo.co/internasional/klaim-putin-dan-kim-jong-un-akan-bertemu-1768245", True),
    ("https://www.tempo.co/tag/pemilu-2024", False),
    ("https://www.tempo.co/internasional/kim-jong-un-terima-delegasi-militer-rusia--7403", True),  # short id
    ("https://www.tempo.co/politik/pemilu-2024", False),  # a year is not an id
    ("https://republika.co.id/berita//t3n8pz410/pemerintah-siapkan-stimulus", True),  # double slash, bare host
    ("https://republika.co.id/berita//s9xi5i181996644825001/data-sains-untuk-prediksi", True),  # seen in 2025
    ("https://www.tribunnews.com/ampstory/images/7734498/7-fakta-hubungan-militer", False),  # web story
    ("https://video.tribunnews.com/view/981234/detik-detik-peluncuran-rudal", False),
    ("https://20.detik.com/detikupdate/20241015-241015031/video-parade", False),
    ("https://news.detik.com/foto-news/d-7701175/potret-relawan-bagikan-makanan", True),  # photo story with text
    ("https://www.tempo.co/internasional", False),
    ("https://statik.tempo.co/data/2026/07/24/id_9100001/9100001_720.jpg", False),
    ("https://news.detik.com.evil.example/internasional/d-6769960/x", False),
    ("https://example.com/internasional/d-6769960/x", False),
    ("ftp://news.detik.com/internasional/d-6769960/x", False),
    ("javascript:alert(1)", False),
    ("http://[::1", False),
])
def test_looks_like_article_url(url: str, expected: bool) -> None:
    assert looks_like_article_url(url) is expected


@pytest.mark.parametrize(("url", "kind"), [
    ("https://20.detik.com/detikupdate/20241015-241015031/video-parade-kendaraan", "video"),
    ("https://20.detik.com/e-flash/20241015-241015020/kilas-berita", "video"),
    ("https://news.detik.com/infografis/d-7588070/infografis-jalur-kereta", "infographic"),
    ("https://news.detik.com/foto-news/d-7701175/potret-relawan", None),
    ("https://news.detik.com/internasional/d-7588062/video-bukan-kata-di-slug", None),
    ("https://video.tribunnews.com/view/981234/detik-detik-peluncuran-rudal", "video"),
    ("https://www.tribunnews.com/ampstory/images/7734498/7-fakta-hubungan-militer", "web story"),
    ("https://kaltim.tribunnews.com/ampstory/images/660321/5-kuliner-khas-balikpapan", "web story"),
    ("https://www.tribunnews.com/images/internasional/view/7734470/foto-latihan", "gallery"),
    ("https://www.tribunnews.com/internasional/7734512/korsel-klaim-tentara-korut", None),
    ("https://www.republika.co.id/podcast/t3n8pm001/kajian-subuh", "podcast"),
    ("https://video.tempo.co/read/48812/wawancara-pakar", "video"),
    ("https://www.tempo.co/internasional/kim-jong-un-terima-delegasi--7403", None),
    ("https://example.com/video/1/x", None),
])
def test_media_kind_by_url_shape(url: str, kind: str | None) -> None:
    assert media_kind(url) == kind
    if kind is not None:
        assert listing_reason(url) == f"media: {kind}"


@pytest.mark.parametrize(("url", "reason"), [
    ("https://www.tribunnews.com/", "links to the portal home page"),
    ("https://www.tribunnews.com", "links to the portal home page"),
    ("https://www.tribunnews.com/index.php?utm_source=rss", "links to the portal home page"),
    ("https://news.detik.com/internasional", "links to a section page"),
    ("https://republika.co.id/news-rejabar/", "links to a section page"),
    ("https://news.detik.com/tag/korut", "links to a tag, topic or index page"),
    ("https://statik.tempo.co/data/2026/07/24/id_9100001/9100001_720.jpg", REASON_FILE),
    ("https://www.tribunnews.com/internasional/sitemap-news.xml", REASON_FILE),
    ("https://news.detik.com/berita/d-7000001/judul", None),
    ("https://example.com/2026/07/24/my-own-article-title-here", None),
    ("https://example.com/", None),
    ("http://169.254.169.254/latest/meta-data/", None),
    ("file:///etc/passwd", None),
])
def test_listing_reason(url: str, reason: str | None) -> None:
    assert listing_reason(url) == reason


# -- the host filter --------------------------------------------------------------------------------

def _candidate(url: str) -> Candidate:
    return Candidate(url=url, title=None, published=None, source_url="https://news.detik.com/rss", source_kind="rss")


@pytest.mark.parametrize(("url", "reason"), [
    ("https://news.detik.com/berita/d-7000001/judul", None),
    ("http://kaltim.tribunnews.com/2026/07/24/judul", None),
    ("https://internasional.republika.co.id/berita/abc123456/judul", None),
    ("https://www.tempo.co:443/internasional/judul-9120101", None),
    ("HTTPS://WWW.TEMPO.CO/internasional/judul-9120101", None),
    ("http://127.0.0.1/admin", "IP address literal"),
    ("http://169.254.169.254/latest/meta-data/", "IP address literal"),
    ("http://[::1]/", "IP address literal"),
    ("http://[fd00::1]:443/", "non-default port"),
    ("http://2130706433/", "IP address literal"),
    ("http://0x7f.1/", "IP address literal"),
    ("http://localhost/", "localhost"),
    ("http://api.localhost/", "localhost"),
    ("http://news.detik.com.evil.example/", "not an allowed portal host"),
    ("https://evil-detik.com/berita/d-7000001/judul", "not an allowed portal host"),
    ("https://detik.com.evil.example/", "not an allowed portal host"),
    ("javascript:alert(document.cookie)", "scheme javascript: not allowed"),
    ("file:///etc/passwd", "scheme file: not allowed"),
    ("ftp://news.detik.com/x", "scheme ftp: not allowed"),
    ("data:text/html,<script>1</script>", "scheme data: not allowed"),
    ("//news.detik.com/berita/d-7000001/judul", "scheme (none) not allowed"),
    ("https://user:pass@news.detik.com/berita/d-7000001/judul", "user info"),
    ("https://news.detik.com@evil.example/", "user info"),
    ("https://news.detik.com\\@evil.example/", "backslashes"),
    ("https://news.detik.com:8080/berita/d-7000001/judul", "non-default port 8080"),
    ("http://news.detik.com:443/x", "non-default port 443"),
    ("https://news.detik.com:99999/", "unparseable URL"),
    ("https://news.detik.com./berita/d-7000001/judul", "ends with a dot"),
    ("https://news%2edetik.com/", "not a plain DNS name"),
    ("https://news.detik.com /x", "whitespace"),
    ("https://news.detik.com/\x00", "control characters"),
    ("https://xn--dtik-bpa.com/", "not an allowed portal host"),
    ("https://détik.com/", "not a plain DNS name"),
    ("https:///berita", "no host"),
])
def test_the_host_filter(url: str, reason: str | None) -> None:
    kept, rejected = filter_candidates([_candidate(url)], PORTALS)
    if reason is None:
        assert [c.url for c in kept] == [url] and rejected == []
    else:
        assert kept == [] and len(rejected) == 1 and rejected[0][0] == url
        assert reason in rejected[0][1]


def test_an_exact_host_entry_does_not_allow_its_siblings() -> None:
    allowed = ["news.detik.com", "tribunnews.com"]
    urls = ["https://news.detik.com/a/d-7000001/b", "https://finance.detik.com/a/d-7000001/b",
            "https://sub.news.detik.com/a/d-7000001/b", "https://kaltim.tribunnews.com/2026/07/24/b"]
    kept, rejected = filter_candidates([_candidate(u) for u in urls], allowed)
    assert [c.url for c in kept] == [urls[0], urls[3]]
    assert [url for url, _ in rejected] == [urls[1], urls[2]]


@pytest.mark.parametrize("entry", ["com", "co.id", "127.0.0.1", "localhost", "*.detik.com", "", "detik.com/x"])
def test_allow_lists_refuse_entries_that_would_allow_too_much(entry: str) -> None:
    with pytest.raises(ValueError):
        AllowedHosts([entry])


def test_every_fixture_candidate_passes_the_portal_filter() -> None:
    for case in CASES:
        result = _discover_case(case, "auto")
        kept, rejected = filter_candidates(result.candidates, PORTALS)
        assert rejected == [] and len(kept) == len(case["candidates"])


def test_a_hostile_feed_cannot_point_beritawatch_elsewhere() -> None:
    links = ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/admin", "http://localhost/",
             "file:///etc/passwd", "javascript:alert(1)", "http://news.detik.com.evil.example/d-7000001/x",
             "https://news.detik.com/berita/d-7000005/sah"]
    items = "".join(f"<item><title>t{i}</title><link>{html.escape(link)}</link></item>" for i, link in enumerate(links))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
    result = discover(body, "application/rss+xml", "https://news.detik.com/rss")
    kept, rejected = filter_candidates(result.candidates, PORTALS)
    assert [c.url for c in kept] == ["https://news.detik.com/berita/d-7000005/sah"]
    assert [reason.split(" (")[0] for _, reason in rejected] == [
        "host 169.254.169.254 is an IP address literal", "non-default port 8080", "host localhost is localhost",
        "scheme file: not allowed", "scheme javascript: not allowed",
        "host news.detik.com.evil.example is not an allowed portal host"]


# -- garbage in: a DiscoveryError or an empty list, never a crash ----------------------------------

JUNK: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("whitespace", b" \n\t "),
    ("binary", bytes(random.Random(5).randrange(256) for _ in range(20_000))),
    ("nul bytes", b"\x00" * 1000),
    ("unclosed rss", b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x'),
    ("unclosed urlset", b"<urlset><url><loc>https://news.detik.com/berita/d-7000001/x"),
    ("wrong root", b'<?xml version="1.0"?><kml><Document/></kml>'),
    ("tag soup", b"<<<>>>&&&<!-- <![CDATA[ ]]> </p></div>"),
    ("half json", b'{"data": [1, 2'),
    ("deep json", b"[" * 200_000),
    ("deep xml", b"<urlset>" + b"<a>" * 100_000),
    ("deep html", b"<html><body>" + b"<div>" * 100_000 + b"<a href='/berita/d-7000001/x'>x</a>"),
    ("bad gzip", b"\x1f\x8b\x08\x00garbage"),
    ("html junk", b"<html><body><p>Halaman tidak ditemukan</p><a href='mailto:x@y'>m</a></body></html>"),
    ("latin-1 html", "<html><head><meta charset='iso-8859-1'></head><a href='/d-7000001/é'>café</a></html>"
     .encode("latin-1")),
    ("utf-16 rss", ('<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item>'
                    "<link>https://news.detik.com/berita/d-7000001/x</link></item></channel></rss>").encode("utf-16")),
    ("bad urls", b'<rss version="2.0"><channel><item><link>http://[::1</link></item>'
                 b"<item><link>https://news.detik.com:99999/x</link></item></channel></rss>"),
    ("bad dates", b'<rss version="2.0"><channel><item><link>https://news.detik.com/b/d-7000001/x</link>'
                  b"<pubDate>Fri, 99 Foo 99999 99:99:99 +9999</pubDate></item></channel></rss>"),
    ("huge unix time", b'<article class="list-content__item"><h3><a href="/b/d-7000001/x">x</a></h3>'
                       b'<span d-time="99999999999999999999"></span></article>'),
    ("json scalars", b'"just a string"'),
    ("json nonsense records", b'[{"a":99999},{"canonical_url":-5,"title":3},{"url":"javascript:x","title":"t"}]'),
]


@pytest.mark.parametrize("kind", ["auto", "rss", "atom", "feed", "sitemap", "index", "payload"])
@pytest.mark.parametrize(("name", "content"), JUNK, ids=[name for name, _ in JUNK])
def test_garbage_ends_as_a_discovery_error_or_an_empty_result(name: str, content: bytes, kind: str) -> None:
    started = time.perf_counter()
    try:
        result = discover(content, None, "https://news.detik.com/rss", kind)
    except DiscoveryError as exc:
        assert exc.message and str(exc).startswith("https://news.detik.com/rss: ")
        result = None
    assert time.perf_counter() - started < 30  # a hang guard (~1.5 s idle): loose enough for a loaded CI
    for candidate in result.candidates if result else ():
        assert candidate.url.startswith(("http://", "https://"))


def test_pathologically_nested_html_is_refused_before_parsing() -> None:
    page = b"<html><body>" + b"<div><span>" * 50_000 + b"<a href='/berita/d-7000001/x'>x</a>"
    started = time.perf_counter()
    with pytest.raises(DiscoveryError, match="nests more than 1,000 elements deep"):
        discover(page, "text/html", "https://news.detik.com/indeks")
    assert time.perf_counter() - started < 5  # a hang guard: refused before parsing, in milliseconds


def test_unknown_kinds_and_non_bytes_are_discovery_errors() -> None:
    with pytest.raises(DiscoveryError, match="unknown source kind"):
        discover(b"<rss/>", None, "https://news.detik.com/rss", "podcast")
    with pytest.raises(DiscoveryError, match="must be bytes"):
        discover("<rss/>", None, "https://news.detik.com/rss")  # type: ignore[arg-type]


def test_an_explicit_kind_that_does_not_fit_says_what_the_content_looks_like() -> None:
    body = (FIXTURES / "tribun-sitemap-news.xml").read_bytes()
    with pytest.raises(DiscoveryError, match="asked for rss; it looks like sitemap"):
        discover(body, "text/xml", "https://www.tribunnews.com/rss", "rss")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=4096), kind=st.sampled_from(["auto", "feed", "sitemap", "index", "payload"]))
def test_random_bytes_never_crash(content: bytes, kind: str) -> None:
    with contextlib.suppress(DiscoveryError):
        discover(content, None, "https://www.tribunnews.com/rss", kind)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1), cut=st.floats(0, 1))
def test_damaged_fixtures_never_crash(case: dict[str, Any], seed: int, cut: float) -> None:
    data = bytearray((FIXTURES / case["fixture"]).read_bytes())
    rng = random.Random(seed)
    for _ in range(rng.randrange(1, 20)):
        data[rng.randrange(len(data))] = rng.choice(b"<>&\"'/\x00]!?;#%")
    with contextlib.suppress(DiscoveryError):
        discover(bytes(data[: max(1, int(len(data) * cut))]), None, case["source_url"])


def test_feedparser_never_reads_a_file_named_by_the_content(tmp_path: pathlib.Path) -> None:
    secret = tmp_path / "feed.xml"
    secret.write_bytes((FIXTURES / "detik-rss.xml").read_bytes())
    try:
        found = extract_candidates(str(secret).encode(), "application/rss+xml", "https://news.detik.com/rss", "rss")
    except DiscoveryError:
        return
    assert found == []


# -- XML attacks ------------------------------------------------------------------------------------

@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on loopback that records every connection (none may arrive)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024) or b"(connected)")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(timeout=2)
    server.close()


def _laughs(root: str, inner: str) -> bytes:
    levels = ['<!ENTITY lol0 "ha">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(levels) + f"\n]>\n{inner}").encode()


LINK = "https://news.detik.com/berita/d-7000001/judul"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
RSS_WITH = '<rss version="2.0"><channel><item><title>{title}</title><link>{link}</link></item></channel></rss>'
SITEMAP_WITH = ('<urlset><url><loc>{link}</loc><news:news xmlns:news="{ns}"><news:title>{title}</news:title>'
                "</news:news></url></urlset>")
BIG_ENTITY = '<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY a "' + "x" * 50_000 + '">]>'
ATTACKS = {
    "billion laughs, rss": _laughs("rss", RSS_WITH.format(title="&lol9;", link=LINK)),
    "billion laughs, sitemap": _laughs("urlset", SITEMAP_WITH.format(title="&lol9;", link=LINK, ns=NEWS_NS)),
    "quadratic blowup, rss": (BIG_ENTITY.format(root="rss")
                              + RSS_WITH.format(title="&a;" * 10_000, link=LINK)).encode(),
    "quadratic blowup, sitemap": (BIG_ENTITY.format(root="urlset")
                                  + SITEMAP_WITH.format(title="&a;" * 10_000, link=LINK, ns=NEWS_NS)).encode(),
}


@pytest.mark.parametrize("kind", ["auto", "rss", "sitemap"])
@pytest.mark.parametrize("name", list(ATTACKS))
def test_entity_expansion_is_refused_not_performed(name: str, kind: str) -> None:
    started = time.perf_counter()
    try:
        result = discover(ATTACKS[name], "application/xml", "https://news.detik.com/rss", kind)
    except DiscoveryError:
        result = None
    assert time.perf_counter() - started < 10  # a hang guard: an expansion takes minutes and gigabytes
    for candidate in result.candidates if result else ():
        assert len(candidate.url) < 200 and len(candidate.title or "") < 200


@pytest.mark.parametrize("root", ["rss", "urlset"])
@pytest.mark.parametrize("kind", ["auto", "rss", "sitemap"])
def test_external_entities_are_neither_fetched_nor_read(listener: tuple[int, list[bytes]], tmp_path: pathlib.Path,
                                                        root: str, kind: str) -> None:
    port, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    body = (f'<urlset><url><loc>{LINK}</loc><lastmod>&file;&net;</lastmod></url></urlset>' if root == "urlset" else
            f'<rss version="2.0"><channel><item><title>&file;&net;</title><link>{LINK}</link></item></channel></rss>')
    documents = [
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY file SYSTEM "file://{secret}">'
        f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/entity">]>{body}',
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/dtd"> '
        f"%remote;]>{body}",
        f'<?xml version="1.0"?><!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/external.dtd">{body}',
    ]
    for document in documents:
        try:
            result = discover(document.encode(), "application/xml", "https://news.detik.com/rss", kind)
        except DiscoveryError:
            continue
        assert "TOP-SECRET-MARKER" not in repr(result)
    time.sleep(0.3)
    assert hits == []


# -- huge inputs: bounded work ----------------------------------------------------------------------

def _big_rss(megabytes: int) -> bytes:
    item = ("<item><title>Judul Berita Nomor {i}</title>"
            "<link>https://news.detik.com/berita/d-{n}/judul-berita-nomor-{i}</link>"
            "<pubDate>Fri, 24 Jul 2026 17:25:00 +0700</pubDate>"
            "<description>" + "Isi ringkasan berita. " * 8 + "</description></item>")
    items, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        items.append(item.format(i=i, n=7_000_000 + i))
        size += len(items[-1])
        i += 1
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Besar</title>'
            + "".join(items) + "</channel></rss>").encode()


def test_a_20mb_feed_is_read_up_to_its_limit_in_bounded_time() -> None:
    body = _big_rss(20)
    started = time.perf_counter()
    result = discover(body, "application/rss+xml", "https://news.detik.com/rss")
    elapsed = time.perf_counter() - started
    print(f"\n20 MB RSS: {len(result.candidates):,} candidates in {elapsed:.2f} s (cut at the feed limit)")
    assert elapsed < 60  # a hang guard; the figure printed above is the measurement
    assert any("read only its first" in problem for problem in result.problems)
    assert result.candidates[0].url == "https://news.detik.com/berita/d-7000000/judul-berita-nomor-0"
    assert 1_000 < len(result.candidates) < 20_000


def test_a_20mb_google_news_sitemap_is_read_whole_and_fast() -> None:
    when = dt.datetime(2026, 7, 24, 17, 0, tzinfo=WIB)
    items = [(f"https://www.tribunnews.com/internasional/{9_000_000 + i}/"
              f"judul-berita-panjang-untuk-uji-beban-nomor-{i}",
              f"Judul Berita Panjang untuk Uji Beban Sitemap Nomor {i}", when) for i in range(49_000)]
    body = feeds.google_news_sitemap(items).encode()
    assert len(body) > 20_000_000
    started = time.perf_counter()
    result = discover(body, "application/xml", "https://www.tribunnews.com/internasional/sitemap-news.xml")
    elapsed = time.perf_counter() - started
    print(f"\n{len(body) / 1e6:.1f} MB Google News sitemap: {len(result.candidates):,} candidates in {elapsed:.2f} s "
          f"({len(result.candidates) / elapsed:,.0f} candidates/s)")
    assert len(result.candidates) == 49_000 and result.problems == ()
    assert elapsed < 60  # a hang guard; the figure printed above is the measurement


def test_sitemaps_stop_at_the_candidate_limit() -> None:
    when = dt.datetime(2026, 7, 24, 17, 0, tzinfo=WIB)
    items = [(f"https://www.tribunnews.com/internasional/{9_000_000 + i}/judul-{i}", f"Judul {i}", when)
             for i in range(120)]
    result = discover(feeds.google_news_sitemap(items).encode(), "application/xml", "https://www.tribunnews.com/s.xml",
                      limits=Limits(max_candidates=50))
    assert len(result.candidates) == 50 and any("kept the first 50" in problem for problem in result.problems)


def test_a_20mb_index_page_is_cut_and_read_in_bounded_time() -> None:
    when = dt.datetime(2026, 7, 24, 17, 0, tzinfo=WIB)
    items = [(f"https://www.tribunnews.com/internasional/{9_000_000 + i}/judul-{i}", f"Judul {i}", when)
             for i in range(2_000)]
    page = feeds.tribun_index(items)
    body = page.replace("<ul class=\"lsi\">", "<ul class=\"lsi\">" + "<!-- padding -->" * 1_300_000).encode()
    assert len(body) > 20_000_000
    started = time.perf_counter()
    try:
        result = discover(body, "text/html", "https://www.tribunnews.com/index-news")
        assert any("read only the first" in problem for problem in result.problems)
    except DiscoveryError:
        pass
    assert time.perf_counter() - started < 60  # a hang guard, not a speed target


def test_oversized_json_and_oversized_inputs_are_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(DiscoveryError, match="over the"):
        discover(b"[" + b'"x",' * 5_000_000 + b'"x"]', "application/json", "https://www.tempo.co/x/_payload.json")
    with pytest.raises(DiscoveryError, match="limit"):
        discover(b" " * 70_000_000, None, "https://news.detik.com/rss")
    assert time.perf_counter() - started < 10  # refused at once, not parsed


def test_a_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
    assert len(bomb) < 200_000
    with pytest.raises(DiscoveryError, match="inflates past"):
        discover(bomb, "application/x-gzip", "https://www.tribunnews.com/sitemap.xml.gz")


# -- sniffing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "content_type", "expected"), [
    (b'\xef\xbb\xbf<?xml version="1.0"?><rss version="2.0"/>', None, "rss"),
    (b'<?xml version="1.0"?>\n<!-- c --><rdf:RDF xmlns:rdf="x"/>', None, "rss"),
    (b'<?xml version="1.0"?>\n<!-- <html> was here --><urlset/>', None, "sitemap"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "text/xml", "atom"),
    (b"<urlset/>", "text/html", "sitemap"),
    (b"<sitemapindex/>", None, "sitemap"),
    (b"<!DOCTYPE html><html/>", "application/xml", "index"),
    (b"<div>fragment</div>", None, "index"),
    (b'  [{"data":1}]', "text/plain", "payload"),
    (b"https://news.detik.com/berita/d-7000001/x\n", "text/plain", "sitemap"),
    (b'<?xml version="1.0"?><kml/>', None, None),
    (b"plain words", None, None),
    (b"plain words", "text/html; charset=utf-8", "index"),
])
def test_sniff(content: bytes, content_type: str | None, expected: str | None) -> None:
    assert sniff(content, content_type) == expected


# -- replica renderers round-trip through discovery -------------------------------------------------

ITEMS = [
    ("https://news.detik.com/internasional/d-7480001/korut-kirim-peluru-artileri-ke-rusia",
     "Korut Kirim Peluru & \"Rudal\" ke Rusia <Laporan>", dt.datetime(2026, 7, 24, 17, 25, tzinfo=WIB)),
    ("https://www.tribunnews.com/internasional/9130001/putin-terima-delegasi-pyongyang",
     "Putin Terima Delegasi Pyongyang ]]> di Kremlin", dt.datetime(2026, 7, 24, 9, 5, tzinfo=dt.UTC)),
    ("https://internasional.republika.co.id/berita/t9x1ab001/seoul-kecam-transfer-senjata",
     "Seoul Kecam Transfer Senjata", dt.datetime(2026, 7, 23, 21, 40, tzinfo=WIB)),
]
TEMPO_ITEMS = [
    ("https://www.tempo.co/internasional/korut-kirim-peluru-artileri-ke-rusia-9130101", "Korut Kirim Peluru",
     ITEMS[0][2]),
    ("https://www.tempo.co/dunia/putin-terima-delegasi-pyongyang-9130102", "Putin & Kim", ITEMS[1][2]),
]


@pytest.mark.parametrize(("renderer", "source_url", "kind"), [
    ("rss", "https://news.detik.com/rss", "rss"),
    ("atom", "https://www.tempo.co/atom.xml", "atom"),
    ("google_news_sitemap", "https://www.tribunnews.com/internasional/sitemap-news.xml", "sitemap"),
    ("detik_index", "https://news.detik.com/indeks", "index"),
    ("tribun_index", "https://www.tribunnews.com/index-news", "index"),
    ("republika_index", "https://www.republika.co.id/indeks", "index"),
])
def test_replica_renderers_parse_back_to_their_items(renderer: str, source_url: str, kind: str) -> None:
    body = getattr(feeds, renderer)(ITEMS)
    result = discover(body.encode(), feeds.CONTENT_TYPES[renderer], source_url)
    assert result.kind == kind and result.dropped == ()
    assert [(c.url, c.title, c.published) for c in result.candidates] == ITEMS
    kept, rejected = filter_candidates(result.candidates, PORTALS)
    assert rejected == []


def test_replica_sitemap_and_relative_republika_dates_round_trip() -> None:
    plain = discover(feeds.sitemap(ITEMS).encode(), "application/xml", "https://news.detik.com/sitemap.xml")
    assert [(c.url, c.title, c.updated) for c in plain.candidates] == [(u, None, p) for u, _, p in ITEMS]
    now = dt.datetime(2026, 7, 24, 18, 0, tzinfo=WIB)
    recent = [(u, t, now - dt.timedelta(minutes=m)) for (u, t, _), m in zip(ITEMS, (7, 125, 60 * 30), strict=True)]
    page = feeds.republika_index(recent, now=now)
    assert "7 menit yang lalu" in page and "2 jam yang lalu" in page and "1 hari yang lalu" in page
    result = discover(page.encode(), "text/html", "https://www.republika.co.id/indeks", now=now)
    assert [c.published for c in result.candidates][:2] == [now - dt.timedelta(minutes=m) for m in (7, 120)]


def test_replica_tempo_payload_parses_back_to_its_items() -> None:
    body = feeds.tempo_payload(TEMPO_ITEMS, rubric="internasional")
    assert json.loads(body)[1][0] == "ShallowReactive"
    result = discover(body.encode(), feeds.CONTENT_TYPES["tempo_payload"],
                      "https://www.tempo.co/internasional/_payload.json")
    assert [(c.url, c.title, c.published) for c in result.candidates] == TEMPO_ITEMS


def test_replica_broken_rss_is_recognised_as_broken() -> None:
    body = feeds.rss(ITEMS, links_to="https://www.tribunnews.com/")
    result = discover(body.encode(), feeds.CONTENT_TYPES["rss"], "https://www.tribunnews.com/rss")
    assert result.candidates == () and "the feed is broken" in result.problems[0]


RDF_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.detik.com/rss"><title>Replika RSS 1.0</title>
    <link>https://news.detik.com/</link><description>uji</description></channel>
  <item rdf:about="https://news.detik.com/internasional/d-7460301/kereta-barang-melintas-tumen">
    <title>Kereta barang melintas Tumen</title>
    <link>https://news.detik.com/internasional/d-7460301/kereta-barang-melintas-tumen</link>
    <dc:date>2026-07-24T09:15:00+07:00</dc:date>
  </item>
  <item rdf:about="https://news.detik.com/internasional/d-7460302/pelabuhan-rajin-ramai">
    <title>Pelabuhan Rajin ramai lagi</title>
    <link>https://news.detik.com/internasional/d-7460302/pelabuhan-rajin-ramai</link>
    <dc:date>2026-07-24T10:40:00+07:00</dc:date>
  </item>
</rdf:RDF>"""


def test_an_rss_1_0_feed_is_read_with_its_dublin_core_dates() -> None:
    from beritawatch.discovery.feeds import parse_feed

    parsed = parse_feed(RDF_FEED, "application/rdf+xml", "https://news.detik.com/rss", Limits())
    assert parsed.kind == "rss" and not parsed.problems
    # feedparser files dc:date as the item's update time; with no pubDate it is the publication
    assert all(f.updated is None for f in parsed.found)
    assert [(f.url.rsplit("/", 2)[1], f.title, f.published) for f in parsed.found] == [
        ("d-7460301", "Kereta barang melintas Tumen", dt.datetime(2026, 7, 24, 2, 15, tzinfo=dt.UTC)),
        ("d-7460302", "Pelabuhan Rajin ramai lagi", dt.datetime(2026, 7, 24, 3, 40, tzinfo=dt.UTC))]


def test_a_feed_over_the_candidate_limit_keeps_its_first_items_and_says_so() -> None:
    from beritawatch.discovery.feeds import parse_feed

    parsed = parse_feed(RDF_FEED, None, "https://news.detik.com/rss", Limits(max_candidates=1))
    assert [f.title for f in parsed.found] == ["Kereta barang melintas Tumen"]
    assert parsed.problems == ["feed lists 2 items; kept the first 1"]


def test_an_index_page_over_the_candidate_limit_keeps_its_first_items_and_says_so() -> None:
    from beritawatch.discovery.pages import parse_index

    content = (FIXTURES / "detik-indeks.html").read_bytes()
    whole = parse_index(content, "text/html", "https://news.detik.com/indeks", Limits(), None)
    cut = parse_index(content, "text/html", "https://news.detik.com/indeks", Limits(max_candidates=2), None)
    assert len(whole.found) > 2 and cut.found == whole.found[:2]
    assert cut.problems == ["kept the first 2 listed articles"] and not whole.problems


def test_an_unknown_layout_scans_links_up_to_four_times_the_limit() -> None:
    from beritawatch.discovery.pages import parse_index

    links = "".join(f'<a href="/internasional/d-74604{i:02d}/kabar-{i}">Kabar {i}</a>' for i in range(20))
    parsed = parse_index(f"<html><body><p>{links}</p></body></html>".encode(), "text/html",
                         "https://news.detik.com/lain", Limits(max_candidates=2), None)
    assert parsed.strict and [f.title for f in parsed.found] == [f"Kabar {i}" for i in range(8)]
    assert parsed.problems == ["no known index layout matched; kept the article-shaped links on the page",
                               "stopped scanning links at the limit"]
