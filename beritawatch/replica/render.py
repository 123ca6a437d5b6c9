"""Render replica article pages in each portal's markup shape (placeholder: being written)."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass
class ArticleSpec:
    """An article as the replica serves it; the replica renders it in its portal's markup."""

    url: str  # the real, canonical article URL (https://news.detik.com/...)
    portal: str  # "detik", "tribun", "republika", "tempo"
    title: str
    author: str
    published: dt.datetime  # timezone-aware
    paragraphs: list[str]
    pages: int = 1  # how many pages the portal splits it into
    noise: bool = True  # add the portal's ads, "Baca juga" boxes, tags ...


def page_urls(spec: ArticleSpec) -> list[str]:
    """Every URL under which the replica serves this article (page 1 first)."""
    raise NotImplementedError


def render(spec: ArticleSpec, url: str) -> str | None:
    """The HTML served at `url` (one of `page_urls(spec)`), or None when it is not this article's."""
    raise NotImplementedError
