"""Media is not news: a fetched video page, web story, podcast or gallery parses as a not-article with
reason media (every portal parser and the generic one), while stories with players or photos stay
articles."""
from __future__ import annotations

import json

import pytest

import parsers

STORY = ("Pyongyang - Pemerintah Korea Utara mengumumkan kerja sama pertahanan baru dengan Rusia setelah "
         "pertemuan para menteri di ibu kota. Menurut kantor berita resmi, kedua negara sepakat memperluas "
         "latihan bersama dan pertukaran teknologi. Para analis di Seoul menilai kesepakatan itu membuka jalan "
         "bagi pengiriman amunisi dalam jumlah besar, sementara Washington meminta penjelasan dari Moskow. "
         "Kementerian luar negeri Rusia menyebut kerja sama itu sah dan tidak ditujukan kepada negara ketiga.")


def _page(*, og_type: str, title: str, body: str, head: str = "", ld: dict[str, object] | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="{og_type}"><meta property="og:title" content="{title}">'
            f"{head}{script}</head><body><header><a href='/'>Beranda</a></header>{body}</body></html>")


DETIK_VIDEO = _page(
    og_type="video.other", title="Video: Parade Kendaraan Lapis Baja di Pyongyang - 20detik",
    ld={"@context": "https://schema.org", "@type": "VideoObject", "name": "Parade Kendaraan Lapis Baja",
        "uploadDate": "2024-10-15T10:00:00+07:00"},
    body='<article class="detail"><h1 class="detail__title">Video: Parade Kendaraan Lapis Baja di Pyongyang</h1>'
         '<div class="detail__video"><div id="player-20detik"><video src="https://vod.example/v.m3u8"></video></div></div>'
         '<div class="detail__body-text"><p>Kendaraan lapis baja melintas di alun-alun kota.</p></div></article>')
TRIBUN_VIDEO = _page(
    og_type="video.other", title="Detik-detik Peluncuran Rudal dari Pantai Timur - Tribunnews Video",
    body='<h1 id="arttitle">Detik-detik Peluncuran Rudal dari Pantai Timur</h1>'
         '<div class="video-player"><iframe src="https://www.youtube.com/embed/contoh"></iframe></div>'
         '<div class="side-article txt-article"><p>Rekaman warga memperlihatkan jejak asap di langit pagi.</p></div>')
TRIBUN_STORY = ('<!DOCTYPE html><html amp lang="id"><head><meta charset="utf-8"><title>7 Fakta Hubungan Militer</title>'
                '</head><body><amp-story standalone title="7 Fakta Hubungan Militer Rusia-Korut">'
                '<amp-story-page id="p1"><amp-story-grid-layer template="fill"><amp-img src="a.jpg"></amp-img>'
                "</amp-story-grid-layer><amp-story-grid-layer><h1>7 Fakta Hubungan Militer Rusia-Korut</h1>"
                "<p>Fakta pertama: latihan bersama.</p></amp-story-grid-layer></amp-story-page></amp-story>"
                "</body></html>")
REPUBLIKA_PODCAST = _page(
    og_type="website", title="Kajian Subuh Episode 12 | Republika Online",
    body='<div class="max-card__title"><h1>Kajian Subuh Episode 12</h1></div>'
         '<div class="article-content"><article><audio controls src="https://audio.example/ep12.mp3"></audio>'
         "<p>Dengarkan kajian pagi ini.</p></article></div>")
TEMPO_VIDEO = _page(
    og_type="video.episode", title="Wawancara Pakar soal Poros Moskow-Pyongyang | tempo.co",
    body='<h1>Wawancara Pakar soal Poros Moskow-Pyongyang</h1><div id="content-wrapper">'
         '<div class="jwplayer"></div><p>Pakar menjelaskan arah kerja sama dua negara.</p></div>')
TRIBUN_GALLERY = _page(
    og_type="article", title="Foto: Latihan Militer Gabungan - Tribunnews",
    body='<h1 id="arttitle">Foto: Latihan Militer Gabungan</h1><div class="gallery">'
         + "".join(f'<figure><img src="https://asset.example/{n}.jpg"><figcaption>Foto {n}</figcaption></figure>'
                   for n in range(6)) + "</div>")
GENERIC_VIDEO = _page(
    og_type="video.other", title="Siaran Langsung Sidang",
    body="<main><h1>Siaran Langsung Sidang</h1><video controls></video><p>Saksikan siarannya di sini.</p></main>")


@pytest.mark.parametrize(("url", "html", "reason"), [
    ("https://20.detik.com/detikupdate/20241015-241015031/video-parade-kendaraan", DETIK_VIDEO, "media: video"),
    ("https://video.tribunnews.com/view/981234/detik-detik-peluncuran-rudal", TRIBUN_VIDEO, "media: video"),
    ("https://www.tribunnews.com/ampstory/images/7734498/7-fakta-hubungan-militer", TRIBUN_STORY, "media: web story"),
    ("https://www.republika.co.id/podcast/t3n8pm001/kajian-subuh-episode-12", REPUBLIKA_PODCAST, "media: podcast"),
    ("https://video.tempo.co/read/48812/wawancara-pakar", TEMPO_VIDEO, "media: video"),
    ("https://www.tribunnews.com/images/internasional/view/7734470/foto-latihan", TRIBUN_GALLERY, "media: gallery"),
    ("https://tv.example.org/siaran/sidang", GENERIC_VIDEO, "media: video"),
])
def test_a_fetched_media_page_is_a_not_article_with_reason_media(url: str, html: str, reason: str) -> None:
    article = parsers.parse(html, url)
    assert article.not_article == reason and not article.is_article


def test_a_photo_story_with_text_stays_an_article() -> None:
    photos = "".join(f'<figure><img src="https://akcdn.example/{n}.jpg"><figcaption>Relawan {n}</figcaption></figure>'
                     for n in range(5))
    html = _page(
        og_type="article", title="Potret Relawan Bagikan Makanan di Stasiun Manggarai",
        ld={"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Potret Relawan",
            "datePublished": "2026-11-03T18:47:00+07:00", "author": {"@type": "Person", "name": "Rifkianto Nugroho"}},
        body='<article class="detail">'
             '<h1 class="detail__title">Potret Relawan Bagikan Makanan di Stasiun Manggarai</h1>'
             '<div class="detail__author">Rifkianto Nugroho - detikNews</div>'
             f'<div class="detail__media">{photos}</div>'
             f'<div class="detail__body-text"><p>{STORY}</p><p>{STORY}</p></div></article>')
    article = parsers.parse(html, "https://news.detik.com/foto-news/d-7701175/potret-relawan-bagikan-makanan")
    assert article.is_article and article.portal == "detik" and len(" ".join(article.body)) > 400


def test_a_story_with_an_embedded_video_stays_an_article() -> None:
    html = _page(
        og_type="article", title="Korut Perluas Kerja Sama Pertahanan dengan Rusia",
        body='<h1 id="arttitle">Korut Perluas Kerja Sama Pertahanan dengan Rusia</h1>'
             '<div id="penulis"><a href="/penulis/x">Rina Kusumawati</a></div>'
             '<div class="side-article txt-article multi-fontsize">'
             f'<div class="video-player"><iframe src="https://www.youtube.com/embed/contoh"></iframe></div><p>{STORY}</p></div>')
    article = parsers.parse(html, "https://www.tribunnews.com/internasional/7734512/korut-perluas-kerja-sama")
    assert article.is_article and article.body


def test_a_short_later_page_of_an_article_with_a_player_stays_an_article() -> None:
    html = _page(
        og_type="article", title="Korut Perluas Kerja Sama (2)",
        ld={"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Korut Perluas Kerja Sama"},
        body='<h1 id="arttitle">Korut Perluas Kerja Sama</h1><div class="side-article txt-article">'
             '<video src="https://vod.example/x.mp4"></video><p>Kremlin belum berkomentar.</p></div>')
    article = parsers.parse(html, "https://www.tribunnews.com/internasional/7734512/korut-perluas-kerja-sama?page=3")
    assert article.not_article is None
