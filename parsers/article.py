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
    portal: str  # "detik", "tribun", "republika", "tempo", "kompas", "cnnindonesia", "antaranews" or "generic"
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


def _join(done: list[str], more: Sequence[str]) -> list[str]:
    """Append `more` to `done` without repeating what `done` already holds.

    Handles a whole-article variant (detik `?single=1`, Tribun `?page=all`) that starts with the
    pages already merged, a page fetched twice, and pages that overlap at their seam.
    """
    more = list(more)
    if not more:
        return done
    if more[: len(done)] == done:
        return more
    n = len(more)
    if _substantial(more) and any(done[i : i + n] == more for i in range(len(done) - n + 1)):
        return done
    for k in range(min(len(done), n), 0, -1):
        if done[-k:] == more[:k] and _substantial(more[:k]):
            return done + more[k:]
    return done + more


def _substantial(paragraphs: Sequence[str]) -> bool:
    # a short repeated line ("Jawaban") may legitimately occur twice; whole paragraphs do not
    return sum(len(p) for p in paragraphs) >= 40


def merge_pages(pages: Sequence[Article]) -> Article:
    """Join the pages of one multi-page article, in order, into one article.

    Pages may be `/2`, `?page=2` ... or the whole-article variant: paragraphs are never
    duplicated. Pages that are not articles (an error page in the middle) are skipped.
    """
    if not pages:
        raise ValueError("merge_pages needs at least one page")
    first = pages[0]
    body: list[str] = list(first.body)
    usable = [first, *(p for p in pages[1:] if p.is_article)]
    for page in usable[1:]:
        body = _join(body, page.body)
    desk = next((p.desk for p in reversed(usable) if p.desk), None)
    updated = max((p.updated for p in usable if p.updated is not None), default=first.updated)
    return dataclasses.replace(
        first,
        body=tuple(body),
        desk=desk,
        updated=updated,
        next_pages=(),
        paywalled=any(p.paywalled for p in usable),
    )
