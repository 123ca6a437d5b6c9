"""The typed result of parsing one article page, and the errors a parser may raise."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any


class ParseError(ValueError):
    """The input cannot be read as a page at all (empty, binary, undecodable)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Article:
    """One article as a reader sees it, extracted from one page (or several pages merged)."""

    url: str  # canonical URL of the article (no page parameter)
    portal: str  # "detik", "tribun", "republika", "tempo" or "generic"
    title: str
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    published: dt.datetime | None = None  # timezone-aware
    updated: dt.datetime | None = None  # timezone-aware
    body: tuple[str, ...] = ()  # paragraphs in reading order, noise removed
    desk: str | None = None  # trailing desk initials such as "nvc/ita"
    next_pages: tuple[str, ...] = ()  # URLs still to fetch to complete the article
    paywalled: bool = False  # body truncated behind a paywall
    not_article: str | None = None  # why this page is not an article (index, login wall, ...)
    fallback: bool = False  # extracted by the generic fallback, not a portal parser

    @property
    def is_article(self) -> bool:
        return self.not_article is None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601)."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, dt.datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[field.name] = value
        return out


def merge_pages(pages: Sequence[Article]) -> Article:
    """Join the pages of one multi-page article, in order, into one article."""
    if not pages:
        raise ValueError("merge_pages needs at least one page")
    first = pages[0]
    body: list[str] = list(first.body)
    for page in pages[1:]:
        body.extend(page.body)
    last = pages[-1]
    return dataclasses.replace(
        first,
        body=tuple(body),
        desk=last.desk or first.desk,
        next_pages=(),
        paywalled=any(p.paywalled for p in pages),
    )
