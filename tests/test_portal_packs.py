"""The portal packs keep their promises: one folder per portal, listed once; example URLs get their keys;
the one date parser reads every date form a pack declares; index layouts read the pack's index fixture;
the sources a pack marks shipped are exactly the shipped config's."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import sys
import tomllib

import pytest

from beritawatch.discovery import discover, listing_reason, looks_like_article_url, media_kind
from beritawatch.testing.replica import packpages
from beritawatch.urls import PORTALS, article_key, canonical_url, is_portal_host, portal_of
from parsers import dates, parse
from parsers.pack import Pack
from parsers.portals import BY_NAME, PACKS, pack_of_host
from parsers.registry import SITES

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 3, 12, 0, tzinfo=WIB)
BY_ID = {"ids": lambda pack: pack.name}


def test_every_pack_folder_is_listed_once_in_the_registry() -> None:
    folders = sorted(p.name for p in (ROOT / "parsers" / "portals").iterdir() if (p / "__init__.py").exists())
    assert sorted(pack.name for pack in PACKS) == folders
    assert len({pack.domain for pack in PACKS}) == len(PACKS)
    assert all(pack.folder.name == pack.name for pack in PACKS)
    assert {site.portal for site in SITES.values()} == set(BY_NAME) == set(PORTALS)


@pytest.mark.parametrize("pack", PACKS, **BY_ID)
def test_the_pack_declares_its_parsers_fast_path_region(pack: Pack) -> None:
    """A REGION (or REGIONS) written in parse.py works only once the pack declares it (the registry reads
    the pack): this fails when a merge brings a parser's fast path but not its pack line."""
    module = sys.modules[pack.parse.__module__]
    assert pack.parse.__module__ == f"parsers.portals.{pack.name}.parse"
    written = getattr(module, "REGIONS", None) or ((module.REGION,) if hasattr(module, "REGION") else ())
    assert tuple(written) == pack.regions


@pytest.mark.parametrize("pack", PACKS, **BY_ID)
def test_the_pack_hosts_belong_to_it(pack: Pack) -> None:
    assert pack.hosts and all(pack_of_host(host) is pack for host in pack.hosts)
    assert pack_of_host(f"{pack.domain}.evil.example") is None and pack_of_host(f"not{pack.domain}") is None


@pytest.mark.parametrize("pack", PACKS, **BY_ID)
def test_example_urls_get_the_promised_key_and_one_canonical_url(pack: Pack) -> None:
    assert pack.examples
    for url, key in pack.examples:
        assert article_key(url) == key, url
        assert portal_of(url) == pack.name
        canonical = canonical_url(url)
        assert canonical_url(canonical) == canonical and article_key(canonical) == key
        assert looks_like_article_url(canonical), canonical


@pytest.mark.parametrize("pack", PACKS, **BY_ID)
def test_the_one_date_parser_reads_every_date_form_of_the_pack(pack: Pack) -> None:
    assert pack.dates
    for text in pack.dates:
        when = dates.parse_text(text) or dates.parse_relative(text, NOW)
        assert when is not None and when.tzinfo is not None, text


@pytest.mark.parametrize("pack", [p for p in PACKS if p.index_layouts], **BY_ID)
def test_the_index_layout_reads_the_packs_index_fixture(pack: Pack) -> None:
    page = pack.fixtures / "nonarticle-index.html"
    url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["fetched_url"]
    result = discover(page.read_bytes(), "text/html; charset=utf-8", url, "index")
    assert len(result.candidates) >= 5 and result.problems == ()
    assert all(portal_of(c.url) == pack.name for c in result.candidates)


def test_the_shipped_config_is_exactly_the_sources_packs_mark_shipped() -> None:
    text = (ROOT / "beritawatch.toml").read_text(encoding="utf-8")
    shipped = {(entry["url"], entry["kind"]) for entry in tomllib.loads(text)["discover"]}
    assert shipped == {(s.url, s.kind) for pack in PACKS for s in pack.sources if s.shipped}
    for source in (s for pack in PACKS for s in pack.sources if not s.shipped):
        assert f'# url = "{source.url}"' in text, f"{source.url} is suggested but not offered (commented) in the config"
    assert all(source.evidence for pack in PACKS for source in pack.sources)


@pytest.mark.parametrize(("url", "kind"), [
    ("https://video.kompas.com/watch/1200345/video-kapal", "video"),
    ("https://www.cnnindonesia.com/tv/20261103113000-404-1300077/video-parade", "video"),
    ("https://www.cnnindonesia.com/tv/embed/1300077", "video"),
    ("https://www.antaranews.com/video/5120300/latihan-militer", "video"),
    ("https://www.antaranews.com/foto/5120300/latihan-militer", "gallery"),
    ("https://www.antaranews.com/infografik/5120300/pasokan-senjata", "infographic"),
    ("https://internasional.kompas.com/read/2026/11/03/12450011/video-kapal", None),  # "video" in a slug
    ("https://www.cnnindonesia.com/internasional/20261103124000-134-1300101/foto-parade-militer", None),
])
def test_media_of_the_new_portals_is_known_by_shape(url: str, kind: str | None) -> None:
    assert media_kind(url) == kind


@pytest.mark.parametrize(("url", "article"), [
    ("https://www.antaranews.com/terkini", False),
    ("https://www.antaranews.com/berita/5120345/judul", True),
    ("https://indeks.kompas.com/?site=all", False),
    ("https://www.kompas.com/global/read/2025/06/14/151500870/judul", True),
    ("https://www.kompas.com/global", False),
    ("https://www.cnnindonesia.com/internasional/indeks/6", False),
    ("https://www.cnnindonesia.com/internasional/20250616081522-113-1240101/judul", True),
])
def test_articles_and_listings_of_the_new_portals(url: str, article: bool) -> None:
    assert looks_like_article_url(url) is article
    if not article and url.endswith("/terkini"):
        assert listing_reason(url) == "links to a tag, topic or index page"


def test_content_hosts_of_the_new_portals() -> None:
    assert is_portal_host("nasional.kompas.com") and is_portal_host("www.cnnindonesia.com")
    assert is_portal_host("otomotif.antaranews.com")
    assert not is_portal_host("asset.kompas.com") and not is_portal_host("www.kompas.tv")


@pytest.mark.parametrize(("text", "expected"), [
    ("Rabu, 14 Pebruari 2024 10:00 WIB", dt.datetime(2024, 2, 14, 10, 0, tzinfo=WIB)),
    ("Jumat, 10 Nopember 2023 08.30 WIB", dt.datetime(2023, 11, 10, 8, 30, tzinfo=WIB)),
    ("Kompas.com - 12/06/2025, 09:30 WIB", dt.datetime(2025, 6, 12, 9, 30, tzinfo=WIB)),
    ("Jumat, 24 Juli 2026, 17:25 WIB", dt.datetime(2026, 7, 24, 17, 25, tzinfo=WIB)),
    ("24 Jul 2026 17:25 GMT+7", dt.datetime(2026, 7, 24, 17, 25, tzinfo=dt.timezone(dt.timedelta(hours=7)))),
    ("31 Pebruari 2024", None),
    ("12 Smarch 2024", None),
    ("1 Januari 1970", None),  # outside the years news is dated
])
def test_written_dates_in_the_one_parser(text: str, expected: dt.datetime | None) -> None:
    assert dates.parse_text(text) == expected


def test_feed_relative_and_unix_dates_in_the_one_parser() -> None:
    assert dates.parse_any("Fri, 24 Jul 2026 17:25:00 +0700") == dt.datetime(2026, 7, 24, 17, 25, tzinfo=WIB)
    assert dates.parse_any("Fri, 24 Jul 2026 10:25:00 GMT") == dt.datetime(2026, 7, 24, 17, 25, tzinfo=WIB)
    assert dates.parse_any("2026-07-24T17:25:00+07:00") == dt.datetime(2026, 7, 24, 17, 25, tzinfo=WIB)
    assert dates.parse_any("2023-11-02T20-59-53Z") is None  # detik's malformed pubdate
    assert dates.parse_relative("7 menit yang lalu", NOW) == NOW - dt.timedelta(minutes=7)
    assert dates.parse_relative("2 jam lalu", NOW) == NOW - dt.timedelta(hours=2)
    assert dates.parse_relative("2 jam lalu", None) is None
    assert dates.parse_unix("1785000000") == dt.datetime.fromtimestamp(1785000000, WIB)
    assert dates.parse_unix("1785000000000") == dates.parse_unix(1785000000)


@pytest.mark.parametrize("pack", PACKS, **BY_ID)
def test_a_page_built_from_the_packs_selectors_parses_back(pack: Pack) -> None:
    """The replica's pages for a pack come from its own selectors: the pack's parser must read them."""
    url = canonical_url(pack.examples[0][0])
    paragraphs = ["Korea Utara disebut mengirim senjata ke Rusia, menurut pejabat yang enggan disebut namanya.",
                  "Pemerintah kedua negara belum memberikan komentar resmi atas laporan itu hingga Selasa malam."]
    page = packpages.article_page(pack, url, "Judul Berita Uji", "Budi Santoso", NOW, NOW, paragraphs)
    article = parse(page, url)
    assert (article.portal, article.url, article.title) == (pack.name, url, "Judul Berita Uji")
    assert list(article.body) == paragraphs and article.published == NOW and article.not_article is None
    if pack.name not in ("republika",):  # Republika's parser reads only its visible byline, never JSON-LD
        assert article.authors == ("Budi Santoso",)


@pytest.mark.parametrize(("selector", "markup"), [
    ("div.read__content", '<div class="read__content">x</div>'),
    ("#penulis a", '<div id="penulis"><a>x</a></div>'),
    ("ul.lsi > li", '<ul class="lsi"><li>x</li></ul>'),
    ("h1.post-title + p, div.date", '<div class="date">x</div>'),  # sibling combinators cannot be built
    ("div.text-cnn_grey.text-sm", '<div class="text-cnn_grey text-sm">x</div>'),
    ("a[dtr-evt=halaman][href]", '<a dtr-evt="halaman" href="">x</a>'),
])
def test_markup_from_a_selector(selector: str, markup: str) -> None:
    assert packpages.element(selector, "x") == markup
    with pytest.raises(ValueError):
        packpages.element("h1 + p", "x")
