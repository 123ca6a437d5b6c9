"""What each source parser hands back before links are resolved, deduplicated and checked."""
from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urldefrag, urljoin

from beritawatch.discovery.model import SourceKind


@dataclasses.dataclass(slots=True)
class Found:
    """One link as a source gave it (possibly relative)."""

    url: str
    title: str | None = None
    published: dt.datetime | None = None
    updated: dt.datetime | None = None


@dataclasses.dataclass(slots=True)
class Parsed:
    """A parser's raw result; `strict` keeps only article-shaped URLs (a page-wide link scan)."""

    kind: SourceKind
    found: list[Found] = dataclasses.field(default_factory=list)
    sitemaps: list[Found] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)  # truncation, leniency, fallbacks
    base_url: str | None = None
    strict: bool = False


def clean_text(value: object, limit: int) -> str | None:
    """Whitespace-collapsed text cut to `limit` characters; None when empty or not text."""
    if not isinstance(value, str):
        return None
    text = " ".join(value[: limit * 2].split())[:limit]
    return text or None


def absolute(url: str, base: str, limit: int) -> str | None:
    """`url` resolved against `base`, without its #fragment; None when it cannot be parsed."""
    text = url.strip()[:limit]
    if not text:
        return None
    try:
        return urldefrag(urljoin(base, text)).url
    except ValueError:
        return None
