"""The discovery layer's data: what a source yielded, the limits it works within, its one error."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

SourceKind = Literal["rss", "atom", "sitemap", "index", "payload"]
SOURCE_KINDS: tuple[str, ...] = ("rss", "atom", "sitemap", "index", "payload")
# What callers may ask for: a concrete kind, "feed" (RSS or Atom, whichever it is) or "auto".
REQUESTABLE_KINDS: tuple[str, ...] = ("auto", "feed", *SOURCE_KINDS)


class DiscoveryError(Exception):
    """A source could not be read as any list of articles (malformed, wrong kind, too large)."""

    def __init__(self, source_url: str, message: str) -> None:
        super().__init__(f"{source_url}: {message}")
        self.source_url = source_url
        self.message = message


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """One article URL a source listed; the URL is absolute but not canonicalized."""

    url: str
    title: str | None
    published: dt.datetime | None  # always timezone-aware when present
    source_url: str
    source_kind: SourceKind
    updated: dt.datetime | None = None  # a later change time (<lastmod>, <updated>), when given


@dataclasses.dataclass(frozen=True, slots=True)
class Discovery:
    """Everything one source yielded: candidates, child sitemaps, what was dropped and why."""

    source_url: str
    kind: SourceKind
    candidates: tuple[Candidate, ...]
    sitemaps: tuple[Candidate, ...] = ()  # children of a sitemap index (fetch, then discover)
    dropped: tuple[tuple[str, str], ...] = ()  # (url, reason) for links that are not articles
    problems: tuple[str, ...] = ()  # worth an operator's look: a broken feed, a cut, a layout change
    notes: tuple[str, ...] = ()  # routine facts: links dropped as home/section pages, ...


@dataclasses.dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work one source may cost; over a bound, work stops and a note says so."""

    max_bytes: int = 64_000_000  # refused outright above this (after gunzip)
    feed_bytes: int = 2_000_000  # feedparser costs ~1 s/MB: longer feeds are cut at an item
    feed_tags: int = 20_000  # ...and up to ~50 µs a tag: tag-dense feeds are cut sooner
    html_depth: int = 1_000  # lexbor's tree building is quadratic in nesting depth
    html_bytes: int = 8_000_000  # index pages are cut here (HTML parsers cope with a cut)
    sitemap_bytes: int = 50_000_000  # the sitemap protocol's own ceiling
    payload_bytes: int = 16_000_000  # JSON cannot be cut: refused above this
    max_candidates: int = 50_000  # the sitemap protocol's per-file ceiling
    max_sitemaps: int = 1_000  # children of one sitemap index
    max_json_nodes: int = 2_000_000
    max_field_chars: int = 8_192  # longer text in one field is cut (titles, URLs)


DEFAULT_LIMITS = Limits()
