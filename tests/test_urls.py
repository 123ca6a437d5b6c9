"""One identity per article: canonical URLs, article keys, portals and hosts, as tables."""
from __future__ import annotations

import pytest

from beritawatch.urls import article_key, canonical_url, is_article_url, is_plain_web_url, is_portal_host, portal_of

DETIK = "https://news.detik.com/internasional/d-6769960/as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia"
TRIBUN = (
    "https://www.tribunnews.com/internasional/2023/07/29/"
    "amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara"
)
KALTIM = (
    "https://kaltim.tribunnews.com/2023/09/05/"
    "ukraina-dan-nato-dalam-masalah-serius-korea-utara-buka-opsi-kirim-senjata-mematikan-ke-rusia"
)
TRIBUN_2026 = "https://www.tribunnews.com/internasional/9000301/contoh-judul-artikel-utama"
REPUBLIKA = "https://internasional.republika.co.id/berita/s0kbre472/as-ingatkan-korut-jangan-sekali-sekali-suplai-senjata-ke-rusia"
TEMPO = "https://dunia.tempo.co/read/1768245/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata"
TEMPO_2024 = "https://www.tempo.co/ekonomi/contoh-bank-sentral-umumkan-kenaikan-suku-bunga-acuan-9100001"

CANONICAL = [
    # --- detik: ?single=1, /N page suffix, mobile host with the channel in the path, tracking
    (DETIK, DETIK),
    (DETIK + "/2", DETIK),
    (DETIK + "/2/", DETIK),
    (DETIK + "?single=1", DETIK),
    (DETIK + "?utm_source=twitter&utm_medium=social#comment", DETIK),
    (DETIK.replace("https://", "http://"), DETIK),
    (DETIK.replace("news.detik.com", "NEWS.Detik.COM"), DETIK),
    (DETIK.replace("news.detik.com", "m.detik.com/news"), DETIK),
    (DETIK + "/amp", DETIK),
    (DETIK + "?tag_from=wp_cb_mostPopular_list&_ga=2.1.2.3", DETIK),
    ("https://www.detik.com/berita/d-1234567/contoh-judul-berita-detik/", "https://www.detik.com/berita/d-1234567/contoh-judul-berita-detik"),
    ("https://www.detik.com/jatim/berita/d-7000001/judul?page=2", "https://www.detik.com/jatim/berita/d-7000001/judul"),
    # detik listings keep their meaningful parameters, lose tracking
    ("https://news.detik.com/indeks?page=2&date=07/24/2026&utm_medium=rss", "https://news.detik.com/indeks?page=2&date=07/24/2026"),
    ("https://news.detik.com/rss/", "https://news.detik.com/rss"),
    # --- Tribun: ?page=N, ?page=all, m. -> www., regional hosts stay, AMP, tracking
    (TRIBUN, TRIBUN),
    (TRIBUN + "?page=2", TRIBUN),
    (TRIBUN + "?page=all", TRIBUN),
    (TRIBUN.replace("www.", "m."), TRIBUN),
    (TRIBUN.replace("www.", ""), TRIBUN),
    (TRIBUN.replace("www.tribunnews.com", "m.tribunnews.com/amp"), TRIBUN),
    (TRIBUN + "?utm_source=dlvr.it&utm_medium=twitter", TRIBUN),
    (TRIBUN + "/", TRIBUN),
    (KALTIM, KALTIM),
    (KALTIM + "?page=3", KALTIM),
    (KALTIM.replace("tribunnews.com/", "tribunnews.com/amp/"), KALTIM),
    (TRIBUN_2026, TRIBUN_2026),
    (TRIBUN_2026 + "?page=2", TRIBUN_2026),
    (TRIBUN_2026.replace("www.", "m.") + "?page=all&fbclid=IwAR0", TRIBUN_2026),
    ("https://www.tribunnews.com/amp/premium/9000302/contoh-judul-premium", "https://www.tribunnews.com/premium/9000302/contoh-judul-premium"),
    ("https://www.tribunnews.com/index-news?page=2", "https://www.tribunnews.com/index-news?page=2"),
    # AMP caches and Google's AMP viewer unwrap to the publisher's URL
    (
        "https://sumsel-tribunnews-com.cdn.ampproject.org/v/s/sumsel.tribunnews.com/amp/2020/05/14/judul-berita?amp_js_v=a6&usqp=mq33",
        "https://sumsel.tribunnews.com/2020/05/14/judul-berita",
    ),
    ("https://www.google.com/amp/s/m.tribunnews.com/amp/seleb/2023/10/12/judul", "https://www.tribunnews.com/seleb/2023/10/12/judul"),
    # --- Republika: /amp/{id}/... -> /berita/{id}/..., m. -> www., bare -> www.
    (REPUBLIKA, REPUBLIKA),
    (REPUBLIKA.replace("/berita/", "/amp/"), REPUBLIKA),
    (REPUBLIKA + "?utm_source=whatsapp#x", REPUBLIKA),
    ("https://m.republika.co.id/berita/s0kbre472/judul", "https://www.republika.co.id/berita/s0kbre472/judul"),
    ("http://republika.co.id/berita/s0kbre472/judul/", "https://www.republika.co.id/berita/s0kbre472/judul"),
    ("https://www.republika.co.id/amp/q1bvi7320", "https://www.republika.co.id/berita/q1bvi7320"),
    ("https://republika.co.id/share/fixtur001", "https://www.republika.co.id/berita/fixtur001"),
    ("https://www.republika.co.id/berita/terpopuler", "https://www.republika.co.id/berita/terpopuler"),
    # --- Tempo: /amp/{id}/ -> /read/{id}/, m. -> www., 2024+ {rubrik}/{slug}-{id}
    (TEMPO, TEMPO),
    (TEMPO + "/", TEMPO),
    (TEMPO.replace("/read/", "/amp/"), TEMPO),
    ("https://m.tempo.co/read/1768245/klaim-putin", "https://www.tempo.co/read/1768245/klaim-putin"),
    ("https://travel-tempo-co.cdn.ampproject.org/v/s/travel.tempo.co/amp/1604815/judul?amp_gsa=1", "https://travel.tempo.co/read/1604815/judul"),
    (TEMPO_2024, TEMPO_2024),
    (TEMPO_2024 + "?utm_source=rss&utm_campaign=x", TEMPO_2024),
    (TEMPO_2024.replace("www.", ""), TEMPO_2024),
    ("https://www.tempo.co/ekonomi/_payload.json", "https://www.tempo.co/ekonomi/_payload.json"),
    # --- other hosts: lower-case host, tracking out, scheme and port kept
    ("HTTP://127.0.0.1:8123/rss?utm_source=x&x=1#f", "http://127.0.0.1:8123/rss?x=1"),
    ("https://Example.org//a//b/?gclid=1", "https://example.org/a/b"),
    ("//news.detik.com/rss", "https://news.detik.com/rss"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "_"), CANONICAL)
def test_canonical_url_is_idempotent(url: str, _: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


PAGE_CANONICAL = [
    # the page's own canonical wins on the same portal
    (DETIK + "/2", DETIK, DETIK),
    ("https://m.republika.co.id/berita/s0kbre472/judul", REPUBLIKA, REPUBLIKA),
    (TEMPO, TEMPO_2024, TEMPO_2024),  # an old Tempo address redirected to the 2024 shape
    (KALTIM, TRIBUN, TRIBUN),  # the Tribun network points a regional copy at www
    (TRIBUN + "?page=2", TRIBUN + "?utm_source=x", TRIBUN),
    ("https://www.tempo.co/read/1768245/klaim", "/read/1768245/klaim-putin", "https://www.tempo.co/read/1768245/klaim-putin"),
    # ... not when it names another site
    (DETIK, "https://www.cnnindonesia.com/internasional/2023/judul", DETIK),
    # ... not when it points an article at the home page or a listing
    (TRIBUN_2026, "https://www.tribunnews.com/", TRIBUN_2026),
    (TRIBUN_2026, "https://www.tribunnews.com/internasional", TRIBUN_2026),
    # ... not when it is a slug-less short form of the same article
    (REPUBLIKA, "https://republika.co.id/share/s0kbre472", REPUBLIKA),
    # a listing page may be canonicalised to another listing
    ("https://www.tribunnews.com/index-news?page=1", "https://www.tribunnews.com/index-news", "https://www.tribunnews.com/index-news"),
    # empty canonical is ignored
    (DETIK + "?single=1", "", DETIK),
    (DETIK + "?single=1", None, DETIK),
]


@pytest.mark.parametrize(("url", "page_canonical", "expected"), PAGE_CANONICAL)
def test_page_canonical(url: str, page_canonical: str | None, expected: str) -> None:
    assert canonical_url(url, page_canonical) == expected


KEYS = [
    (DETIK, "detik:d-6769960"),
    (DETIK + "/2?single=1", "detik:d-6769960"),
    (DETIK.replace("news.detik.com", "m.detik.com/news"), "detik:d-6769960"),
    ("https://www.detik.com/berita/d-6769960/judul-lain", "detik:d-6769960"),
    (TRIBUN, "tribun:www/2023/07/29/amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara"),
    (TRIBUN.replace("www.", "m.") + "?page=2",
     "tribun:www/2023/07/29/amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara"),
    (KALTIM + "?page=2",
     "tribun:kaltim/2023/09/05/ukraina-dan-nato-dalam-masalah-serius-korea-utara-buka-opsi-kirim-senjata-mematikan-ke-rusia"),
    (TRIBUN_2026, "tribun:www/9000301"),
    (TRIBUN_2026.replace("contoh-judul-artikel-utama", "judul-diubah") + "?page=2", "tribun:www/9000301"),
    ("https://kaltim.tribunnews.com/regional/9000777/judul", "tribun:kaltim/9000777"),
    (REPUBLIKA, "republika:s0kbre472"),
    (REPUBLIKA.replace("/berita/", "/amp/"), "republika:s0kbre472"),
    ("https://m.republika.co.id/berita/s0kbre472/judul", "republika:s0kbre472"),
    ("https://republika.co.id/share/s0kbre472", "republika:s0kbre472"),
    (TEMPO, "tempo:1768245"),
    (TEMPO.replace("/read/", "/amp/"), "tempo:1768245"),
    ("https://m.tempo.co/read/1768245/klaim-putin", "tempo:1768245"),
    (TEMPO_2024, "tempo:9100001"),
    # not articles: the key is the canonical URL
    ("https://www.tribunnews.com/index-news?page=2&utm_source=x", "https://www.tribunnews.com/index-news?page=2"),
    ("https://www.tribunnews.com/tag/contoh-tag", "https://www.tribunnews.com/tag/contoh-tag"),
    ("https://news.detik.com/", "https://news.detik.com/"),
    ("https://www.republika.co.id/berita/terpopuler", "https://www.republika.co.id/berita/terpopuler"),
    ("https://www.tempo.co/ekonomi", "https://www.tempo.co/ekonomi"),
]


@pytest.mark.parametrize(("url", "expected"), KEYS)
def test_article_key(url: str, expected: str) -> None:
    assert article_key(url) == expected
    assert is_article_url(url) == (not expected.startswith("https://"))


PORTALS = [
    (DETIK, "detik"),
    ("https://m.detik.com/news/berita/d-1/x", "detik"),
    ("https://www.detik.com/jatim", "detik"),
    (TRIBUN, "tribun"),
    (KALTIM, "tribun"),
    ("https://sumsel-tribunnews-com.cdn.ampproject.org/v/s/sumsel.tribunnews.com/amp/2020/05/14/x", "tribun"),
    (REPUBLIKA, "republika"),
    (TEMPO, "tempo"),
    ("https://en.tempo.co/read/1/x", "tempo"),
    ("https://www.cnnindonesia.com/internasional", "cnnindonesia"),  # a portal pack since issue 14
    ("https://www.liputan6.com/global", None),
    ("https://detik.com.evil.example/d-1/x", None),
    ("https://notdetik.com/d-1/x", None),
    ("http://127.0.0.1:8000/rss", None),
]


@pytest.mark.parametrize(("url", "expected"), PORTALS)
def test_portal_of(url: str, expected: str | None) -> None:
    assert portal_of(url) == expected


HOSTS = [
    ("news.detik.com", True),
    ("www.detik.com", True),
    ("m.detik.com", True),
    ("NEWS.DETIK.COM.", True),
    ("news.detik.com:443", True),
    ("www.tribunnews.com", True),
    ("m.tribunnews.com", True),
    ("kaltim.tribunnews.com", True),
    ("tribunnews.com", True),
    ("internasional.republika.co.id", True),
    ("dunia.tempo.co", True),
    ("www.tempo.co", True),
    ("rss.tempo.co", True),
    ("statik.tempo.co", False),
    ("cdn.detik.net.id", False),
    ("connect.detik.com", False),
    ("www.kompas.com", True),  # a portal pack since issue 14
    ("asset.kompas.com", False),
    ("www.liputan6.com", False),
    ("detik.com.example.org", False),
    ("faketribunnews.com", False),
    ("", False),
]


@pytest.mark.parametrize(("host", "expected"), HOSTS)
def test_is_portal_host(host: str, expected: bool) -> None:
    assert is_portal_host(host) is expected


def test_is_portal_host_limited_to_configured_portals() -> None:
    assert is_portal_host("news.detik.com", portals={"detik", "tempo"})
    assert not is_portal_host("www.tribunnews.com", portals={"detik", "tempo"})
    assert not is_portal_host("www.tribunnews.com", portals=())


def test_one_identity_across_all_variants_of_a_seed() -> None:
    variants = [
        REPUBLIKA,
        REPUBLIKA.replace("/berita/", "/amp/"),
        REPUBLIKA.replace("https://internasional.", "http://m.") + "?utm_source=wa",
        "https://republika.co.id/share/s0kbre472",
    ]
    assert {article_key(v) for v in variants} == {"republika:s0kbre472"}


@pytest.mark.parametrize("bad", ["", "   ", "https://", "mailto:x@example.org", "javascript:void(0)", "ftp://example.org/x"])
def test_not_a_web_address(bad: str) -> None:
    with pytest.raises(ValueError, match="not a web address"):
        canonical_url(bad)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.detik.com/internasional/d-6769960/x", True),
    ("http://kaltim.tribunnews.com/2023/09/05/x?page=2", True),
    ("javascript:alert(1)", False),
    ("https:///no-host", False),
    ("https://news.detik.com/a b", False),
    ('https://news.detik.com/"onmouseover="x', False),
    ("https://news.detik.com/<script>", False),
    ("https://news.detik.com/\u2028x", False),
    ("https://news.detik.com/" + "a" * 5000, False),
    (None, False),
])
def test_is_plain_web_url(url: object, expected: bool) -> None:
    assert is_plain_web_url(url) is expected
