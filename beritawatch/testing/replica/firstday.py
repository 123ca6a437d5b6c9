"""The first day on the portals, on the replica: every shipped discovery source in its real shape,
with videos and web stories mixed in, twins of one article (m./www., AMP, a migrated Tempo address
answering 301, a Republika double-slash URL), and relevant and irrelevant stories.

`first_day(replica)` serves it all and returns what a correct pass must find. Titles and text are
our own; the URL shapes are the portals' (see README "Discovery sources").
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from beritawatch.testing.replica import feeds
from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import TEMPO_URL, tracked_articles

WIB = dt.timezone(dt.timedelta(hours=7))
NOON = dt.datetime(2026, 11, 3, 12, 0, tzinfo=WIB)

# Relevant new stories (North Korea, Russia and arms in one sentence).
DETIK_NEW = "https://news.detik.com/internasional/d-7701204/pyongyang-diduga-pasok-roket-multilaras-ke-moskow"
TRIBUN_NEW = "https://www.tribunnews.com/internasional/7734512/korsel-korut-kirim-rudal-balistik-ke-rusia-lewat-rajin"
TRIBUN_NEW_MOBILE = TRIBUN_NEW.replace("://www.", "://m.")
KALTIM_NEW = "https://kaltim.tribunnews.com/2026/11/03/dosen-unmul-nilai-kerja-sama-senjata-rusia-korut-ancam-kawasan"
REPUBLIKA_NEW = "https://internasional.republika.co.id/berita/t3n8qa382/rusia-dan-korut-teken-protokol-pasokan-senjata"
REPUBLIKA_NEW_AMP = REPUBLIKA_NEW.replace("/berita/", "/amp/")
TEMPO_NEW = "https://www.tempo.co/internasional/amerika-tuding-korea-utara-kirim-rudal-ke-rusia-2001122"
# The tracked Tempo article's 2024+ address: its old one (site.TEMPO_URL) answers 301 to it.
TEMPO_MIGRATED = "https://www.tempo.co/internasional/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata-1768245"

# Irrelevant new stories.
DETIK_OTHER = "https://news.detik.com/berita/d-7701190/bmkg-prakirakan-hujan-lebat-di-jabodetabek-malam-ini"
TRIBUN_OTHER = "https://www.tribunnews.com/sport/7734466/jadwal-liga-1-pekan-ini-dan-siaran-langsungnya"
REPUBLIKA_OTHER = "https://ekonomi.republika.co.id/berita/t3n8pz410/pemerintah-siapkan-stimulus-untuk-petani-jagung"
REPUBLIKA_OTHER_BARE = "https://republika.co.id/berita//t3n8pz410/pemerintah-siapkan-stimulus-untuk-petani-jagung"
TEMPO_OTHER = "https://www.tempo.co/ekonomi/harga-beras-medium-turun-di-pasar-induk--7403"

# Media: listed by the sources, never to be fetched.
MEDIA = (
    "https://20.detik.com/detikupdate/20261103-261103044/video-kapal-kargo-rusia-berlabuh-di-rajin",
    "https://video.tribunnews.com/view/981234/detik-detik-peluncuran-rudal-dari-pantai-timur",
    "https://www.tribunnews.com/ampstory/images/7734498/7-fakta-hubungan-militer-rusia-korut",
    "https://kaltim.tribunnews.com/ampstory/images/660321/5-kuliner-khas-balikpapan",
    "https://www.republika.co.id/podcast/t3n8pm001/kajian-subuh-episode-12",
    "https://video.tempo.co/read/48812/wawancara-pakar-soal-poros-moskow-pyongyang",
    "https://www.tempo.co/video/peta-jalur-logistik-rusia-2001101",
)
IMAGE_SITEMAP = "https://www.tribunnews.com/internasional/sitemap-images.xml"


@dataclasses.dataclass(frozen=True)
class FirstDay:
    """What a correct first pass of the shipped config finds on this replica."""

    relevant: tuple[str, ...]  # every relevant article (tracked and new), by its canonical address
    irrelevant: tuple[str, ...]  # new articles that are tracked but not alerted
    twins: dict[str, tuple[str, ...]]  # article -> other addresses listed or redirected for it
    media: tuple[str, ...] = MEDIA


def _spec(url: str, portal: str, title: str, author: str, minutes: int, *paragraphs: str) -> ArticleSpec:
    return ArticleSpec(url=url, portal=portal, title=title, author=author,
                       published=NOON + dt.timedelta(minutes=minutes), paragraphs=list(paragraphs))


def new_articles() -> list[ArticleSpec]:
    """The stories published on the first day (our own text)."""
    return [
        _spec(DETIK_NEW, "detik", "Pyongyang Diduga Pasok Roket Multilaras ke Moskow", "Dimas Ardiansyah", 50,
              "Seoul - Korea Utara diduga memasok peluncur roket multilaras ke Rusia untuk dipakai di Ukraina, "
              "menurut badan intelijen Korea Selatan.",
              "Pengiriman itu disebut melewati jalur kereta di perbatasan kedua negara.",
              "Kremlin belum menanggapi laporan tersebut."),
        _spec(DETIK_OTHER, "detik", "BMKG Prakirakan Hujan Lebat di Jabodetabek Malam Ini", "Putu Ayu", 40,
              "Jakarta - Badan Meteorologi memperkirakan hujan lebat disertai angin kencang malam ini.",
              "Warga diminta waspada terhadap genangan di jalan utama."),
        _spec(TRIBUN_NEW, "tribun", "Korsel: Korut Kirim Rudal Balistik ke Rusia Lewat Pelabuhan Rajin",
              "Rina Kusumawati", 44,
              "TRIBUNNEWS.COM - Korea Selatan menuding Korea Utara mengirim rudal balistik jarak pendek ke Rusia "
              "melalui pelabuhan Rajin.",
              "Citra satelit memperlihatkan kapal kargo Rusia bersandar selama tiga hari.",
              "Moskow menyebut tuduhan itu tidak berdasar."),
        _spec(TRIBUN_OTHER, "tribun", "Jadwal Liga 1 Pekan Ini dan Siaran Langsungnya", "Bagus Pratama", 10,
              "TRIBUNNEWS.COM - Pekan ini Liga 1 memainkan sembilan pertandingan di tujuh kota.",
              "Laga pembuka mempertemukan dua tim papan atas."),
        _spec(KALTIM_NEW, "tribun", "Dosen Unmul Nilai Kerja Sama Senjata Rusia-Korut Ancam Kawasan",
              "Yohanes Tarigan", 65,
              "TRIBUNKALTIM.CO - Dosen hubungan internasional Universitas Mulawarman menilai pasokan senjata "
              "Korea Utara ke Rusia mengancam stabilitas kawasan.",
              "Menurutnya, Indonesia perlu mendorong dialog di forum ASEAN."),
        _spec(REPUBLIKA_NEW, "republika", "Rusia dan Korut Teken Protokol Pasokan Senjata", "Siti Marlina", 58,
              "REPUBLIKA.CO.ID, MOSKOW -- Rusia dan Korea Utara menandatangani protokol kerja sama teknik militer "
              "yang mencakup pasokan senjata dan amunisi.",
              "Protokol itu diteken dalam kunjungan delegasi Pyongyang ke Moskow."),
        _spec(REPUBLIKA_OTHER, "republika", "Pemerintah Siapkan Stimulus untuk Petani Jagung", "Hendra Gunawan", 44,
              "REPUBLIKA.CO.ID, JAKARTA -- Pemerintah menyiapkan stimulus bagi petani jagung menjelang panen raya.",
              "Stimulus berupa subsidi pupuk dan jaminan harga pembelian."),
        _spec(TEMPO_NEW, "tempo", "Amerika Tuding Korea Utara Kirim Rudal ke Rusia", "Lestari Wulandari", 50,
              "TEMPO.CO, Jakarta - Amerika Serikat menuding Korea Utara mengirim rudal balistik ke Rusia untuk "
              "serangan di Ukraina.",
              "Pyongyang membantah dan menyebut tuduhan itu propaganda."),
        _spec(TEMPO_OTHER, "tempo", "Harga Beras Medium Turun di Pasar Induk", "Lestari Wulandari", 31,
              "TEMPO.CO, Jakarta - Harga beras medium di Pasar Induk Cipinang turun dua pekan berturut-turut.",
              "Pedagang menyebut pasokan dari sentra produksi melimpah."),
    ]


def _media_page(url: str, title: str) -> str:
    """A video page as the portals serve them: declared a video, a player, a line of text."""
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f'<title>{title}</title><meta property="og:type" content="video.other">'
            f'<link rel="canonical" href="{url}"></head><body><h1>{title}</h1>'
            '<div class="video-player"><video controls src="/stream.m3u8"></video></div>'
            "<p>Tonton videonya.</p></body></html>")


def _items(*entries: tuple[str, str, int]) -> list[feeds.Item]:
    return [(url, title, NOON + dt.timedelta(minutes=minutes)) for url, title, minutes in entries]


def _serve_sources(replica: Replica) -> None:
    video, web_story = MEDIA[1], MEDIA[2]
    replica.put("https://news.detik.com/indeks", feeds.detik_index(_items(
        (DETIK_NEW, "Pyongyang Diduga Pasok Roket Multilaras ke Moskow", 50),
        (MEDIA[0], "Video: Kapal Kargo Rusia Berlabuh di Rajin", 45),
        (DETIK_OTHER, "BMKG Prakirakan Hujan Lebat di Jabodetabek Malam Ini", 40))), feeds.CONTENT_TYPES["detik_index"])
    replica.put("https://news.detik.com/rss", feeds.rss(_items(
        (MEDIA[0], "Video: Kapal Kargo Rusia Berlabuh di Rajin", 45),
        (DETIK_NEW, "Pyongyang Diduga Pasok Roket Multilaras ke Moskow", 50))), feeds.CONTENT_TYPES["rss"])
    replica.put("https://www.tribunnews.com/index-news", feeds.tribun_index(_items(
        (TRIBUN_NEW, "Korsel: Korut Kirim Rudal Balistik ke Rusia Lewat Pelabuhan Rajin", 44),
        (video, "Detik-detik Peluncuran Rudal dari Pantai Timur", 40),
        (web_story, "7 Fakta Hubungan Militer Rusia-Korut", 35),
        (TRIBUN_OTHER, "Jadwal Liga 1 Pekan Ini dan Siaran Langsungnya", 10))), feeds.CONTENT_TYPES["tribun_index"])
    replica.put("https://www.tribunnews.com/sitemap.xml", feeds.sitemap_index([
        ("https://www.tribunnews.com/internasional/sitemap-news.xml", NOON + dt.timedelta(minutes=45)),
        (IMAGE_SITEMAP, NOON + dt.timedelta(minutes=45)),
        ("https://www.tribunnews.com/sport/sitemap-news.xml", NOON + dt.timedelta(minutes=11))]),
        feeds.CONTENT_TYPES["sitemap_index"])
    replica.put("https://www.tribunnews.com/internasional/sitemap-news.xml", feeds.google_news_sitemap(_items(
        (TRIBUN_NEW_MOBILE, "Korsel: Korut Kirim Rudal Balistik ke Rusia Lewat Pelabuhan Rajin", 44),
        (web_story, "7 Fakta Hubungan Militer Rusia-Korut", 35),
        (video, "Detik-detik Peluncuran Rudal dari Pantai Timur", 40))), feeds.CONTENT_TYPES["google_news_sitemap"])
    replica.put("https://www.tribunnews.com/sport/sitemap-news.xml", feeds.google_news_sitemap(_items(
        (TRIBUN_OTHER, "Jadwal Liga 1 Pekan Ini dan Siaran Langsungnya", 10))), feeds.CONTENT_TYPES["sitemap"])
    replica.put(IMAGE_SITEMAP, feeds.sitemap(_items((MEDIA[2], "", 35))), feeds.CONTENT_TYPES["sitemap"])
    replica.put("https://kaltim.tribunnews.com/rss", feeds.rss(_items(
        (KALTIM_NEW, "Dosen Unmul Nilai Kerja Sama Senjata Rusia-Korut Ancam Kawasan", 65),
        (MEDIA[3], "5 Kuliner Khas Balikpapan", 30)), link="https://kaltim.tribunnews.com/"),
        feeds.CONTENT_TYPES["rss"])
    replica.put("https://www.republika.co.id/rss", feeds.rss(_items(
        (REPUBLIKA_NEW, "Rusia dan Korut Teken Protokol Pasokan Senjata", 58),
        (REPUBLIKA_OTHER, "Pemerintah Siapkan Stimulus untuk Petani Jagung", 44)),
        link="https://www.republika.co.id/"), feeds.CONTENT_TYPES["rss"])
    replica.put("https://www.republika.co.id/indeks", feeds.republika_index(_items(
        (REPUBLIKA_NEW_AMP, "Rusia dan Korut Teken Protokol Pasokan Senjata", 58),
        (MEDIA[4], "Kajian Subuh Episode 12", 50),
        (REPUBLIKA_OTHER_BARE, "Pemerintah Siapkan Stimulus untuk Petani Jagung", 44))),
        feeds.CONTENT_TYPES["republika_index"])
    replica.put("https://www.tempo.co/api/gateway/rss/free/internasional", feeds.rss(_items(
        (TEMPO_NEW, "Amerika Tuding Korea Utara Kirim Rudal ke Rusia", 50),
        (MEDIA[5], "Wawancara Pakar soal Poros Moskow-Pyongyang", 48),
        (TEMPO_MIGRATED, "Klaim Putin dan Kim Jong Un Akan Bertemu", -60 * 24 * 400)),
        link="https://www.tempo.co/internasional"), feeds.CONTENT_TYPES["rss"])
    replica.put("https://www.tempo.co/internasional/_payload.json", feeds.tempo_payload(_items(
        (TEMPO_NEW, "Amerika Tuding Korea Utara Kirim Rudal ke Rusia", 50),
        (MEDIA[6], "Peta Jalur Logistik Rusia", 45),
        (TEMPO_OTHER, "Harga Beras Medium Turun di Pasar Induk", 31))), feeds.CONTENT_TYPES["tempo_payload"])


def first_day(replica: Replica) -> FirstDay:
    """Serve the five tracked articles, the first day's stories, media pages and every shipped source."""
    tracked = tracked_articles()
    for spec in tracked:
        if spec.url == TEMPO_URL:  # Tempo moved in 2024: the tracked address now answers 301
            replica.add_article(dataclasses.replace(spec, url=TEMPO_MIGRATED))
            replica.behave(TEMPO_URL, redirect_to=TEMPO_MIGRATED)
        else:
            replica.add_article(spec)
    for spec in new_articles():
        replica.add_article(spec)
    # The bare-host Republika address answers 301 to the article's own kanal host.
    replica.behave(REPUBLIKA_OTHER_BARE.replace("://republika.co.id/berita//", "://www.republika.co.id/berita/"),
                   redirect_to=REPUBLIKA_OTHER)
    replica.behave(REPUBLIKA_OTHER_BARE, redirect_to=REPUBLIKA_OTHER)
    for url in MEDIA:
        replica.put(url, _media_page(url, "Video"))
    _serve_sources(replica)
    relevant_new = (DETIK_NEW, TRIBUN_NEW, KALTIM_NEW, REPUBLIKA_NEW, TEMPO_NEW)
    return FirstDay(
        relevant=(*(TEMPO_MIGRATED if s.url == TEMPO_URL else s.url for s in tracked), *relevant_new),
        irrelevant=(DETIK_OTHER, TRIBUN_OTHER, REPUBLIKA_OTHER, TEMPO_OTHER),
        twins={TRIBUN_NEW: (TRIBUN_NEW_MOBILE,), REPUBLIKA_NEW: (REPUBLIKA_NEW_AMP,),
               REPUBLIKA_OTHER: (REPUBLIKA_OTHER_BARE,), TEMPO_MIGRATED: (TEMPO_URL,)})
