"""Golden pairs, generated from the portal packs: each pack's fixture pages parse to their expected JSON,
and every pack carries the fixture set (plain, noise, nonarticle, and multipage unless it never paginates)."""
from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from parsers import merge_pages, parse
from parsers.pack import Pack
from parsers.portals import PACKS

GENERIC = pathlib.Path(__file__).parent / "fixtures" / "parsers" / "generic"  # the fallback has no pack
KINDS = ("plain", "multipage", "noise", "nonarticle")
DIRS = [*(pack.fixtures for pack in PACKS), GENERIC]
PAGES = sorted(page for folder in DIRS for page in folder.glob("*.html"))
MERGES = sorted(merged for folder in DIRS for merged in folder.glob("*.merged.json"))


def _load(path: pathlib.Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _id(path: pathlib.Path) -> str:
    owner = path.parent.parent.name if path.parent.name == "fixtures" else path.parent.name
    return f"{owner}/{path.name.split('.')[0]}"


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_matches_its_golden_json(page: pathlib.Path) -> None:
    golden = _load(page.with_suffix(".json"))
    got = parse(page.read_bytes(), golden["fetched_url"]).to_json()
    want = golden["expected"]
    assert {k: got[k] for k in want} == want


@pytest.mark.parametrize("merged", MERGES, ids=_id)
def test_pages_merge_into_one_article(merged: pathlib.Path) -> None:
    golden = _load(merged)
    pages = []
    for name in golden["pages"]:
        page = merged.parent / name
        pages.append(parse(page.read_bytes(), _load(page.with_suffix(".json"))["fetched_url"]))
    assert pages[0].next_pages, "the first page must ask for the rest"
    got = merge_pages(pages).to_json()
    assert {k: got[k] for k in golden["expected"]} == golden["expected"]


def test_every_page_has_a_golden_json() -> None:
    assert PAGES
    assert [p for p in PAGES if not p.with_suffix(".json").exists()] == []


@pytest.mark.parametrize("pack", PACKS, ids=lambda pack: pack.name)
def test_every_pack_has_fixtures_of_each_kind(pack: Pack) -> None:
    names = [p.stem for p in pack.fixtures.glob("*.html")]
    single_page = pack.pagination.scheme == "none"
    kinds_needed = [k for k in KINDS if not (k == "multipage" and single_page)]
    missing = [kind for kind in kinds_needed if not any(n.startswith(kind) for n in names)]
    assert missing == [], f"{pack.name} lacks fixtures: {missing}"
    expected = {n: _load(pack.fixtures / f"{n}.json")["expected"] for n in names}
    if single_page:
        assert all(not e["next_pages"] for e in expected.values())
    else:
        assert list(pack.fixtures.glob("multipage*.merged.json")), f"{pack.name} has no merged multi-page case"
    assert all(e["not_article"] for n, e in expected.items() if n.startswith("nonarticle"))
    assert all(e["not_article"] is None and e["body"] and e["portal"] == pack.name
               for n, e in expected.items() if n.startswith(("plain", "noise")))


@pytest.mark.parametrize("pack", PACKS, ids=lambda pack: pack.name)
def test_every_article_fixture_url_is_an_article_of_its_pack(pack: Pack) -> None:
    """The fixtures' own URLs agree with the pack's URL shapes and identity key."""
    from beritawatch.discovery import looks_like_article_url
    from beritawatch.urls import article_key, portal_of

    for page in pack.fixtures.glob("*.html"):
        golden = _load(page.with_suffix(".json"))
        url = golden["fetched_url"]
        assert portal_of(url) == pack.name
        if golden["expected"].get("not_article") is None:
            assert looks_like_article_url(url), url
            assert article_key(url).startswith(f"{pack.name}:"), url
