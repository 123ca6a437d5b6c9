"""The shared real pages (../shared/corpus/real) extract with token-F1 >= 0.99 and every field right.

A user's clone has no ../shared: then these tests skip.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import pathlib
import re
from typing import Any

import pytest

from parsers import parse

REAL = pathlib.Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def _gold() -> list[dict[str, Any]]:
    path = REAL / "gold.json"
    if not path.exists():
        return []
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


GOLD = _gold()


def _f1(pred: str, gold: str) -> float:
    p = collections.Counter(re.findall(r"\w+", pred.lower()))
    g = collections.Counter(re.findall(r"\w+", gold.lower()))
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.skipif(not GOLD, reason="../shared/corpus/real is not present (only on the build machine)")
@pytest.mark.parametrize("gold", GOLD, ids=[g["file"] for g in GOLD])
def test_real_page(gold: dict[str, Any]) -> None:
    article = parse((REAL / gold["file"]).read_bytes(), gold["url"])
    assert _f1("\n".join(article.body), "\n".join(gold["body"])) >= 0.99
    assert list(article.body) == gold["body"]
    assert article.title == gold["title"]
    assert gold["author"] in article.authors
    assert article.published == dt.datetime.fromisoformat(gold["published"])
    assert article.published is not None and article.published.utcoffset() == dt.timedelta(hours=7)
    assert article.url == gold["url"] and article.is_article and not article.fallback


def test_shared_corpus_presence_is_reported() -> None:
    if not GOLD:
        pytest.skip("../shared/corpus/real is not present")
    assert all((REAL / g["file"]).exists() for g in GOLD)
