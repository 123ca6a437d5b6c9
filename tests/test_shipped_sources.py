"""Every discovery source shipped in beritawatch.toml, read from a fixture in its real shape: exactly
the expected articles, and every media link refused with the reason `media`."""
from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from beritawatch.config import load_config
from beritawatch.discovery import discover, filter_candidates, media_kind
from beritawatch.sources import pick_child_sitemaps

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "discovery" / "shipped"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))["sources"]
SHIPPED = load_config(ROOT / "beritawatch.toml", env={}).discover
KINDS = {source.url: source.kind for source in SHIPPED}


def _read(source_url: str, kind: str) -> Any:
    case = EXPECTED[source_url]
    return discover((FIXTURES / case["fixture"]).read_bytes(), case["content_type"], source_url, kind)


def test_every_shipped_source_has_a_fixture() -> None:
    shipped = [source.url for source in SHIPPED]
    assert len(shipped) == len(set(shipped)) >= 9
    assert sorted(shipped) == sorted(url for url, case in EXPECTED.items() if "child_of" not in case)


@pytest.mark.parametrize("source_url", sorted(EXPECTED))
@pytest.mark.parametrize("how", ["declared kind", "sniffed"])
def test_the_source_yields_exactly_its_articles_and_refuses_its_media(source_url: str, how: str) -> None:
    case = EXPECTED[source_url]
    declared = KINDS.get(source_url) or KINDS[case["child_of"]]
    result = _read(source_url, declared if how == "declared kind" else "auto")
    assert [c.url for c in result.candidates] == case["articles"]
    assert all(c.title for c in result.candidates)
    media = {url: reason for url, reason in result.dropped if reason.startswith("media")}
    assert media == {url: f"media: {kind}" for url, kind in case["media"].items()}
    others = [url for url, reason in result.dropped if not reason.startswith("media")]
    assert others == case.get("listing", [])
    kept, refused = filter_candidates(result.candidates, ["detik.com", "tribunnews.com", "republika.co.id", "tempo.co"])
    assert refused == [] and len(kept) == len(case["articles"])


def test_the_tribun_sitemap_index_leads_to_news_sitemaps_first_never_image_or_video_ones() -> None:
    result = _read("https://www.tribunnews.com/sitemap.xml", "sitemap")
    assert result.candidates == () and len(result.sitemaps) == 6
    picked = [child.url for child in pick_child_sitemaps(result.sitemaps)]
    assert picked == EXPECTED["https://www.tribunnews.com/sitemap.xml"]["children"]
    assert [c.url for c in pick_child_sitemaps(result.sitemaps, limit=2)] == picked[:2]
    assert "https://www.tribunnews.com/internasional/sitemap-news.xml" in EXPECTED  # its fixture is read above


def test_fixture_media_is_recognised_by_shape_alone() -> None:
    for case in EXPECTED.values():
        for url, kind in case["media"].items():
            assert media_kind(url) == kind, url
        for url in case["articles"]:
            assert media_kind(url) is None, url


def test_photo_stories_with_text_stay_articles() -> None:
    photo = "https://news.detik.com/foto-news/d-7701175/potret-relawan-bagikan-makanan-di-stasiun-manggarai"
    assert photo in EXPECTED["https://news.detik.com/rss"]["articles"]
    assert media_kind(photo) is None
