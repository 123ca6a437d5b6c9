"""Small pieces of the parsers: the host registry, dates, charset decoding and merge_pages."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import Article, ParseError, common, decode, merge_pages, parse
from parsers.common import Page
from parsers.dates import parse_any, parse_iso, parse_text
from parsers.decode import decode_bytes, text_and_ascii, to_text
from parsers.portals import PACKS
from parsers.registry import SITES, lookup

WIB = dt.timezone(dt.timedelta(hours=7))
PACKS_BY_NAME = {pack.name: pack for pack in PACKS}


@pytest.mark.parametrize(("url", "portal"), [
    ("https://news.detik.com/internasional/d-1/x", "detik"),
    ("https://health.detik.com/true-story/d-1/x", "detik"),
    ("https://finance.detik.com/berita-ekonomi-bisnis/d-1/x", "detik"),
    ("https://WWW.Tribunnews.com/nasional/1/x", "tribun"),
    ("https://m.tribunnews.com/nasional/1/x", "tribun"),
    ("https://kaltim.tribunnews.com/2023/09/05/x", "tribun"),
    ("https://solo.tribunnews.com:443/2023/09/05/x", "tribun"),
    ("https://internasional.republika.co.id/berita/s0kbre472/x", "republika"),
    ("https://internasional.republika.co.id/amp/s0kbre472/x", "republika"),
    ("https://republika.co.id/share/x", "republika"),
    ("https://www.tempo.co/internasional/x-1202233", "tempo"),
    ("https://dunia.tempo.co/read/1768245/x", "tempo"),
    ("https://internasional.kompas.com/read/2025/06/12/09301271/x", "kompas"),
    ("https://www.cnnindonesia.com/internasional/20250616081522-113-1240101/x", "cnnindonesia"),
    ("https://otomotif.antaranews.com/berita/546646/x", "antaranews"),
    ("https://kompas.id/baca/x", "generic"),
    ("https://notdetik.com/x", "generic"),
    ("https://detik.com.evil.example/x", "generic"),
    ("https://tempo.com/x", "generic"),
    ("not a url", "generic"),
    ("http://[::1", "generic"),
])
def test_registry_maps_hosts_to_portals(url: str, portal: str) -> None:
    assert lookup(url)[1].portal == portal


def test_registry_is_one_explicit_table() -> None:
    assert {site.portal for site in SITES.values()} == {
        "detik", "tribun", "republika", "tempo", "kompas", "cnnindonesia", "antaranews"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Kamis, 02 Nov 2023 20:59 WIB", dt.datetime(2023, 11, 2, 20, 59, tzinfo=WIB)),
    ("Senin, 4 Mei 2020 04:25 WIB", dt.datetime(2020, 5, 4, 4, 25, tzinfo=WIB)),
    ("24 Juli 2026 | 11.32 WIB", dt.datetime(2026, 7, 24, 11, 32, tzinfo=WIB)),
    ("Jumat   24 Jul 2026  16:32 WIB", dt.datetime(2026, 7, 24, 16, 32, tzinfo=WIB)),
    ("Rabu, 17 Agustus 2022 pukul 08.00 WITA",
     dt.datetime(2022, 8, 17, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    ("Sabtu, 7 Desember 2024 21:10 WIT", dt.datetime(2024, 12, 7, 21, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))),
    ("2023/11/02 20:59:53", dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)),
    ("Minggu, 3 Okt 2021", dt.datetime(2021, 10, 3, tzinfo=WIB)),
])
def test_indonesian_dates(text: str, expected: dt.datetime) -> None:
    assert parse_text(text) == expected


@pytest.mark.parametrize("text", ["", "kemarin", "31 Februari 2024 10:00 WIB", "12 Foo 2024", None])
def test_unreadable_dates_are_none(text: str | None) -> None:
    assert parse_text(text) is None


def test_iso_dates_are_aware_and_detik_pubdate_is_refused() -> None:
    assert parse_iso("2023-11-02T20:59:53+07:00") == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert parse_iso("2023-11-02T13:59:53Z") == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert parse_iso("2023-11-02 20:59:53") == dt.datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)  # naive = WIB
    assert parse_iso("2023-11-02T20-59-53Z") is None  # detik's malformed meta[name=pubdate]
    assert parse_any("24 Juli 2026 | 11.32 WIB") == dt.datetime(2026, 7, 24, 11, 32, tzinfo=WIB)


def test_decoding_prefers_what_the_bytes_are() -> None:
    text = '<meta charset="iso-8859-1"><p>Kerja sama “rahasia” café</p>'
    assert decode_bytes(text.encode("utf-8")) == text  # declared wrong, really UTF-8
    legacy = '<meta charset="utf-8"><p>café – “kutipan”</p>'
    assert decode_bytes(legacy.encode("cp1252")) == legacy  # declared UTF-8, really windows-1252
    cyrillic = '<meta charset="windows-1251"><p>Москва</p>'
    assert decode_bytes(cyrillic.encode("cp1251")) == cyrillic  # a legacy charset that is declared is used


def test_to_text_refuses_what_is_not_a_page() -> None:
    for bad in (b"", b" \n", "", b"\x00\x01\x02\x03" * 50, b"GIF89a" + b"\x00" * 20):
        with pytest.raises(ParseError):
            to_text(bad)
    assert to_text("<p>ok</p>") == "<p>ok</p>"


@pytest.mark.parametrize("html", [
    b"<p>ok</p>", "<p>ok</p>", bytearray(b"<p>ok</p>"), "<p>caf\u00e9</p>".encode(), b"\xef\xbb\xbf<p>ok</p>",
    b"<p>" + b"a" * 300 + b"\x00</p>", b'<meta charset="cp500"><p>' + b"ok " * 100 + b"</p>",
    b'<meta charset="utf-7"><p>+AGE-</p>', b"<p>caf\xe9</p>", b"<p>ok</p>\xe2\x80",
])
def test_the_ascii_bytes_given_with_a_text_are_that_text(html: str | bytes | bytearray) -> None:
    text, ascii_bytes = text_and_ascii(html)
    assert text == to_text(html)
    assert ascii_bytes is None or ascii_bytes == text.encode("ascii")
    assert (ascii_bytes is not None) == (html in (b"<p>ok</p>", b'<meta charset="utf-7"><p>+AGE-</p>'))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"<p>", b"ok ", b"\x00", b"\xe9", b"\xc3\xa9", b"\xef\xbb\xbf", b" ", b"~{",
                                 b'<meta charset="cp500">', b'<meta charset="cp1252">', b"\x1b$B"]),
                min_size=1, max_size=12))
def test_ascii_bytes_are_only_ever_the_text_itself(pieces: list[bytes]) -> None:
    html = b"".join(pieces) * 20
    try:
        text, ascii_bytes = text_and_ascii(html)
    except ParseError:
        return
    assert ascii_bytes is None or (ascii_bytes == text.encode("ascii") and ascii_bytes is html)


def _declared_by_definition(data: bytes) -> str | None:
    """`declared_charset` as it reads: the pattern tried from the page's start, over its first 4096 bytes."""
    m = decode._META_CHARSET.search(data, 0, 4096)
    return decode.charset_codec(m.group(1).decode("ascii")) if m else None


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from([b"<meta", b"<META ", b" charset", b"CharSet", b"=", b'"', b"'", b"utf-8", b"cp1251",
                                 b"windows-1252", b">", b" ", b"x" * 60, b"y" * 150, b"\xc3\xa9", b"<meta name=a>"]),
                max_size=40).map(b"".join))
def test_the_declared_charset_is_the_patterns_first_match(data: bytes) -> None:
    assert decode.declared_charset(data) == _declared_by_definition(data)
    padded = b"z" * 3990 + data  # a declaration running past the first 4096 bytes is not read
    assert decode.declared_charset(padded) == _declared_by_definition(padded)


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
@pytest.mark.parametrize("start", ["\u2014 a\x00b", "\u00e9\x00", "a\x00\u2014", "a\x00b", "\u2014 tanpa"])
def test_a_nul_becomes_a_replacement_character_in_any_text(start: str, codec: str) -> None:
    page = start + " <p>teks biasa</p>" * 40  # (a short text full of control bytes is binary)
    assert to_text(page.encode(codec)) == page.replace("\x00", "\ufffd")


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Masuk", "LOGIN", "log in", "Sign In", "daftar", "berlangganan", "subscribe",
                                          " untuk ", "membaca", "BACA", "lanjut", "continue", "read", " ", "x" * 30,
                                          "\u00e9", "\u212a", "\u017figN in", "lanjutkan"]), max_size=12).map("".join),
                max_size=4))
def test_the_login_prompt_shortcut_answers_as_the_pattern(body: list[str]) -> None:
    expected = any(len(p) < 200 and common._LOGIN_PROMPT.search(p) for p in body[-3:])
    assert common.ends_in_login_prompt(body) == expected


def _article(body: tuple[str, ...], **kw: object) -> Article:
    return dataclasses.replace(Article(url="https://news.detik.com/d-1/x", portal="detik", title="T"), body=body, **kw)


LONG = tuple(f"Paragraf nomor {i} yang cukup panjang untuk dianggap isi." for i in range(6))


def test_merge_appends_pages_in_order() -> None:
    merged = merge_pages([_article(LONG[:2], next_pages=("u2", "u3")), _article(LONG[2:4]),
                          _article(LONG[4:], desk="abc/def")])
    assert merged.body == LONG and merged.desk == "abc/def" and merged.next_pages == ()


def test_merge_with_the_whole_article_variant_never_duplicates() -> None:
    assert merge_pages([_article(LONG[:2]), _article(LONG)]).body == LONG
    assert merge_pages([_article(LONG[:2]), _article(LONG[2:4]), _article(LONG)]).body == LONG
    assert merge_pages([_article(LONG), _article(LONG[2:4])]).body == LONG  # a page already held
    assert merge_pages([_article(LONG[:3]), _article(LONG[2:])]).body == LONG  # overlapping seam


def test_merge_keeps_short_repeated_lines_and_skips_non_article_pages() -> None:
    merged = merge_pages([_article((*LONG[:2], "Jawaban")), _article(("Jawaban", *LONG[2:3]))])
    assert merged.body == (*LONG[:2], "Jawaban", "Jawaban", LONG[2])
    error_page = _article((), not_article="error page")
    assert merge_pages([_article(LONG[:2]), error_page, _article(LONG[2:])]).body == LONG
    with pytest.raises(ValueError):
        merge_pages([])


def test_merge_is_paywalled_when_any_page_is() -> None:
    assert merge_pages([_article(LONG[:2]), _article(LONG[2:], paywalled=True)]).paywalled


def test_parse_contract_on_a_minimal_unknown_page() -> None:
    article = parse("<html><body><p>halo</p></body></html>", "https://contoh.example/a")
    assert article.fallback and article.portal == "generic" and article.not_article is not None


def _full_page_parse(html: bytes, url: str) -> Article:
    domain, site = lookup(url)
    return site.parse(Page(to_text(html), url, domain))


@pytest.mark.parametrize("page", sorted(page for pack in PACKS for page in pack.fixtures.glob("*.html")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_region_fast_path_equals_whole_page_parse(page: pathlib.Path) -> None:
    url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["fetched_url"]
    padded = page.read_bytes().replace(b"<body", b"<body><nav>" + b"<a href='/m'>menu</a>" * 300 + b"</nav", 1)
    padded = padded.replace(b"</body>", b"<footer>" + b"<p>kaki halaman</p>" * 300 + b"</footer></body>")
    full = _full_page_parse(padded, url)
    if full.not_article:
        assert parse(padded, url).not_article == full.not_article
    else:
        assert parse(padded, url) == full


def test_a_long_tribun_body_is_never_cut_by_the_fast_path() -> None:
    paragraphs = [f"Paragraf ke-{i} dari laporan panjang soal jalur kereta Khasan dan pelabuhan Rajin."
                  for i in range(900)]
    html = ('<html><head><meta charset="utf-8"><title>Laporan Panjang</title></head><body>'
            + "<nav>" + "<a href='/m'>menu</a>" * 300 + "</nav>"
            + '<h1 id="arttitle">Laporan Panjang</h1><div id="penulis">Penulis: <a href="/p">Sari</a></div>'
            + '<div id="editor">Editor: <a href="/e">Budi</a></div><time datetime="2026-01-02T10:00+07:00">x</time>'
            + '<div class="side-article txt-article multi-fontsize">' + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div>" + "<footer>" + "<p>kaki</p>" * 600 + "</footer></body></html>")
    article = parse(html, "https://www.tribunnews.com/internasional/1/laporan-panjang")
    assert list(article.body) == paragraphs and article.authors == ("Sari",) and article.editors == ("Budi",)


LOGIN_TEASER = """<html><head><title>Pejabat Bertemu Delegasi</title></head><body>
<article class="detail"><h1 class="detail__title">Pejabat Bertemu Delegasi di Vladivostok</h1>
<div class="detail__author">Rina Kusuma - detikNews</div><div class="detail__date">Senin, 02 Nov 2026 10:00 WIB</div>
<div class="detail__body-text itp_bodycontent"><strong>Jakarta</strong> -
<p>Delegasi dua negara bertemu untuk membahas kerja sama.</p>
<p>Masuk untuk membaca artikel selengkapnya.</p>{form}</div></article></body></html>"""


@pytest.mark.parametrize("form", ["", '<form><input type="password" name="p"/></form>'])
def test_login_teaser_is_not_an_article(form: str) -> None:
    html = LOGIN_TEASER.format(form=form)
    article = parse(html, "https://news.detik.com/internasional/d-7100009/pejabat-bertemu")
    assert article.not_article == "login wall"


def test_a_long_article_mentioning_login_is_still_an_article() -> None:
    paragraphs = "".join(f"<p>Paragraf panjang nomor {i} tentang kerja sama kedua negara yang terus berjalan "
                         f"dan dibahas oleh para pejabat tinggi di berbagai forum resmi.</p>" for i in range(20))
    html = LOGIN_TEASER.format(form="").replace("<p>Masuk untuk", paragraphs + "<p>Masuk untuk")
    article = parse(html, "https://news.detik.com/internasional/d-7100009/pejabat-bertemu")
    assert article.not_article is None and len(article.body) >= 20


def test_the_heap_top_is_kept_where_the_c_library_is_glibc() -> None:
    import platform

    from parsers.heap import keep_heap_top

    assert keep_heap_top() == (platform.libc_ver()[0] == "glibc")


def test_a_kompas_date_only_in_its_own_meta_is_read() -> None:
    # Kompas writes `content_PublishedDate` in mixed case; `Page.meta` keeps keys lower-cased
    html = (PACKS_BY_NAME["kompas"].fixtures / "plain.html").read_text(encoding="utf-8")
    without_ld = re.sub(r'"date(Published|Modified)":"[^"]*",?', "", html)
    assert "datePublished" not in without_ld and 'name="content_PublishedDate"' in without_ld
    url = json.loads((PACKS_BY_NAME["kompas"].fixtures / "plain.json").read_text(encoding="utf-8"))["fetched_url"]
    published = parse(without_ld, url).published
    assert published is not None and published.isoformat() == "2025-06-12T09:30:12+07:00"


def test_a_c_function_the_library_lacks_is_none() -> None:
    import ctypes
    import sys

    from parsers.clib import c_function

    assert c_function("no_such_function_in_any_libc", ctypes.c_int) is None
    strlen = c_function("strlen", ctypes.c_size_t, ctypes.c_char_p)
    assert strlen is None or strlen(b"penulis") == 7
    assert (strlen is not None) == sys.platform.startswith("linux")
