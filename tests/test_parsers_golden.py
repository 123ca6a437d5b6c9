"""Golden pairs: each fixture page parses to its expected JSON; every registered portal has every kind."""
from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from parsers import merge_pages, parse
from parsers.registry import SITES

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "parsers"
KINDS = ("plain", "multipage", "noise", "nonarticle")
PAGES = sorted(FIXTURES.glob("*/*.html"))
MERGES = sorted(FIXTURES.glob("*/*.merged.json"))
# portals with no known paginated template: their parsers report no next pages, so no multi-page fixture
SINGLE_PAGE = {"antaranews"}


def _load(path: pathlib.Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _id(path: pathlib.Path) -> str:
    return f"{path.parent.name}/{path.name.split('.')[0]}"


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


@pytest.mark.parametrize("portal", sorted({site.portal for site in SITES.values()}))
def test_every_registered_portal_has_fixtures_of_each_kind(portal: str) -> None:
    names = [p.stem for p in (FIXTURES / portal).glob("*.html")]
    kinds_needed = [k for k in KINDS if not (k == "multipage" and portal in SINGLE_PAGE)]
    missing = [kind for kind in kinds_needed if not any(n.startswith(kind) for n in names)]
    assert missing == [], f"{portal} lacks fixtures: {missing}"
    if portal not in SINGLE_PAGE:
        assert any(m.parent.name == portal for m in MERGES), f"{portal} has no merged multi-page case"
    else:
        assert all(not _load(FIXTURES / portal / f"{n}.json")["expected"]["next_pages"] for n in names)
    kinds = {kind: [_load(FIXTURES / portal / f"{n}.json")["expected"] for n in names if n.startswith(kind)]
             for kind in KINDS}
    assert all(e["not_article"] for e in kinds["nonarticle"])
    assert all(e["not_article"] is None and e["body"] for kind in ("plain", "noise") for e in kinds[kind])
