"""Round trip: what the replica renders, the parsers read back exactly (title, author, time, paragraphs)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from beritawatch.testing.replica.render import ArticleSpec, page_urls, render
from parsers import merge_pages, parse

WIB = dt.timezone(dt.timedelta(hours=7))
PARAGRAPHS = {
    "detik": "Jakarta - ",
    "tribun": "TRIBUNKALTIM.COM, SAMARINDA - ",
    "republika": "REPUBLIKA.CO.ID, JAKARTA -- ",
    "tempo": "TEMPO.CO, Jakarta - ",
    "tempo-read": "TEMPO.CO, Jakarta - ",
}
URLS = {
    "detik": "https://news.detik.com/internasional/d-7100001/pabrik-amunisi-di-perbatasan-disorot-pengamat",
    "tribun": "https://kaltim.tribunnews.com/2026/03/14/pabrik-amunisi-di-perbatasan-disorot-pengamat",
    "republika": "https://internasional.republika.co.id/berita/t9abc123/pabrik-amunisi-di-perbatasan-disorot",
    "tempo": "https://www.tempo.co/internasional/pabrik-amunisi-di-perbatasan-disorot-pengamat-2100001",
    "tempo-read": "https://dunia.tempo.co/read/1768999/pabrik-amunisi-di-perbatasan-disorot-pengamat",
}


def _spec(portal: str, pages: int, noise: bool) -> ArticleSpec:
    body = [
        PARAGRAPHS[portal] + "Citra satelit terbaru memperlihatkan deretan truk keluar dari kompleks pabrik amunisi.",
        "Seorang peneliti lembaga kajian pertahanan menyebut aktivitas itu meningkat sejak awal bulan.",
        "\"Kami melihat pola yang sama seperti tahun lalu, hanya lebih padat,\" kata peneliti tersebut.",
        "Kementerian luar negeri belum memberikan tanggapan atas laporan itu hingga Sabtu sore.",
        "Pengamat menilai pengiriman lewat jalur kereta lebih sulit dipantau ketimbang jalur laut.",
        "Laporan lengkap lembaga itu dijadwalkan terbit pekan depan & akan dibahas di parlemen <tertutup>.",
    ]
    return ArticleSpec(
        url=URLS[portal], portal=portal.split("-")[0], title="Pabrik Amunisi di Perbatasan Disorot Pengamat: \"Lebih "
                                                             "Padat\"",
        author="Rina Kartikasari", published=dt.datetime(2026, 3, 14, 9, 5, tzinfo=WIB), paragraphs=body,
        pages=pages, noise=noise, editor="Dedi Prasetyo", desk="rka/dpr",
    )


CASES = [(portal, pages, noise) for portal in URLS for pages in (1, 3) for noise in (True, False)]


@pytest.mark.parametrize(
    ("portal", "pages", "noise"), CASES, ids=[f"{p}-{n}p-{'noise' if z else 'clean'}" for p, n, z in CASES]
)
def test_round_trip(portal: str, pages: int, noise: bool) -> None:
    spec = _spec(portal, pages, noise)
    urls = page_urls(spec)
    first = parse(render(spec, urls[0]) or "", urls[0])
    rest = [parse(render(spec, u) or "", u) for u in first.next_pages]
    article = merge_pages([first, *rest])
    assert article.url == spec.url
    assert article.title == spec.title
    assert article.authors == (spec.author,)
    assert article.published == spec.published
    assert list(article.body) == spec.paragraphs
    assert article.is_article and not article.fallback


@pytest.mark.parametrize("portal", ["detik", "tribun"])
def test_whole_article_variant_merges_without_duplicates(portal: str) -> None:
    spec = _spec(portal, 3, True)
    urls = page_urls(spec)
    assert len(urls) == 4  # pages 1, 2, 3 and the one-page variant
    first = parse(render(spec, urls[0]) or "", urls[0])
    whole = parse(render(spec, urls[-1]) or "", urls[-1])
    assert whole.next_pages == ()
    assert list(whole.body) == spec.paragraphs
    assert list(merge_pages([first, whole]).body) == spec.paragraphs
    pages = [parse(render(spec, u) or "", u) for u in urls[1:-1]]
    assert list(merge_pages([first, *pages, whole]).body) == spec.paragraphs


def test_page_urls_follow_each_portal() -> None:
    assert page_urls(_spec("detik", 2, True))[1:] == [URLS["detik"] + "/2", URLS["detik"] + "?single=1"]
    assert page_urls(_spec("tribun", 2, True))[1:] == [URLS["tribun"] + "?page=2", URLS["tribun"] + "?page=all"]
    assert page_urls(_spec("tempo", 3, True)) == [URLS["tempo"]]


def test_render_refuses_foreign_urls() -> None:
    spec = _spec("detik", 2, True)
    assert render(spec, "https://news.detik.com/other/d-1/x") is None
    assert render(dataclasses.replace(spec, portal="liputan6"), spec.url) is None  # no pack, no renderer
