"""The generic fallback's Indonesian rules, one test each, on pages written for these tests."""
from __future__ import annotations

import pathlib

import pytest

from parsers import parse
from parsers.article import Article
from parsers.common import Page
from parsers.generic import clean_lines, next_pages

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "parsers" / "generic"
URL = "https://warta.contoh.id/internasional/2025/06/10/kapal-kargo-rusia-terlacak"


@pytest.fixture(scope="module")
def first() -> Article:
    return parse((FIXTURES / "multipage-rules-1.html").read_bytes(), URL)


@pytest.fixture(scope="module")
def second() -> Article:
    return parse((FIXTURES / "multipage-rules-2.html").read_bytes(), URL + "?page=2")


def _text(article: Article) -> str:
    return "\n".join(article.body)


def test_baca_juga_lines_and_boxes_are_dropped(first: Article) -> None:
    assert first.body, "the article body must be found"
    assert "baca juga" not in _text(first).lower()
    assert "Jalur Kereta Khasan" not in _text(first)  # the inline "Baca juga: <a>" line
    assert "Sanksi Baru Uni Eropa" not in _text(first)  # the "BACA JUGA" box


def test_related_teasers_and_sidebars_are_dropped(first: Article) -> None:
    assert "Latihan Gabungan" not in _text(first) and "Terpopuler" not in _text(first)


def test_credit_source_editor_and_copyright_lines_are_dropped(first: Article, second: Article) -> None:
    both = _text(first) + "\n" + _text(second)
    for boilerplate in ("Foto:", "Sumber:", "Editor:", "Copyright", "Hak cipta", "(***/Sekar)"):
        assert boilerplate not in both
    assert second.body[-1].endswith("resolusi Dewan Keamanan.")  # the credit is cut, the sentence kept
    assert second.desk == "***/Sekar"


def test_in_article_subheadings_are_kept_in_place(first: Article) -> None:
    at = first.body.index("Pola yang berulang")
    assert first.body[at + 1].startswith("Sejak akhir 2023")


def test_visible_byline_wins_over_structured_data(first: Article) -> None:
    # JSON-LD names the editor as author; the page shows "Penulis: Sekar Ayuningtyas | Editor: Hendra Kusuma"
    assert first.authors == ("Sekar Ayuningtyas",)
    assert first.editors == ("Hendra Kusuma",)


def test_next_page_is_reported_and_last_page_has_none(first: Article, second: Article) -> None:
    assert first.next_pages == (URL + "?page=2",)
    assert second.next_pages == ()


def test_canonical_pointing_to_the_home_page_is_ignored(first: Article, second: Article) -> None:
    assert first.url == URL and second.url == URL


def test_tribun_style_credit_and_label_lines() -> None:
    body, desk = clean_lines([
        "Pertemuan itu berlangsung tertutup selama dua jam di Vladivostok.",
        "Baca Juga: Kim Jong Un Tinjau Pabrik Amunisi",
        "Keduanya sepakat memperluas kerja sama teknik militer. (Tribunnews.com/Dewi)",
        "Sumber: Kantor Berita Contoh",
    ])
    assert body == ["Pertemuan itu berlangsung tertutup selama dua jam di Vladivostok.",
                    "Keduanya sepakat memperluas kerja sama teknik militer."]
    assert desk == "Tribunnews.com/Dewi"


def test_a_long_paragraph_starting_like_a_label_is_kept() -> None:
    text = "Sumber: " + "pejabat itu menjelaskan rincian pengiriman yang dilacak selama berbulan-bulan. " * 5
    assert clean_lines([text])[0] == [text.strip()]


def test_next_page_in_path_form_and_rel_next() -> None:
    html = """<html><head><link rel="next" href="https://kabar.contoh.id/dunia/senjata-baru/2"></head>
    <body><p>x</p><a href="https://kabar.contoh.id/dunia/senjata-baru/3">3</a>
    <a href="https://lain.contoh.id/dunia/senjata-baru/2">2</a>
    <a href="https://kabar.contoh.id/dunia/berita-lain/2">2</a></body></html>"""
    assert next_pages(Page(html, "https://kabar.contoh.id/dunia/senjata-baru")) == [
        "https://kabar.contoh.id/dunia/senjata-baru/2", "https://kabar.contoh.id/dunia/senjata-baru/3"]
    assert next_pages(Page(html, "https://kabar.contoh.id/dunia/senjata-baru/3")) == []


def test_comment_threads_and_logo_headings_are_not_the_article() -> None:
    page = (FIXTURES / "noise-comments.html").read_bytes()
    article = parse(page, "https://suarapesisir.contoh.id/berita/2025/06/21/nelayan-laporkan-kapal-asing")
    assert article.title == "Nelayan Laporkan Kapal Asing Tanpa Bendera di Selat Karimata"  # not the logo <h1>
    assert len(article.body) == 3 and not any("Komentar" in p or "Pembaca" in p for p in article.body)
    assert article.authors == ("Yohanes Manik",)  # "Oleh ..." on the page, not meta "Redaksi ..."


def test_a_lead_written_before_the_body_block_is_kept() -> None:
    rest = "".join(f"<p>Paragraf lanjutan nomor {i} berisi keterangan saksi dan pejabat setempat.</p>"
                   for i in range(30))
    html = (f"<html><body><div id='isi'>Ambon (KABAR) - Kapal patroli menghentikan sebuah kapal ikan asing."
            f"<div class='badan'>{rest}</div></div><div id='kanan'><a href='/x'>Berita lain</a></div></body></html>")
    article = parse(html, "https://kabar.contoh.id/berita/123/kapal-patroli")
    assert article.body[0] == "Ambon (KABAR) - Kapal patroli menghentikan sebuah kapal ikan asing."
    assert len(article.body) == 31
