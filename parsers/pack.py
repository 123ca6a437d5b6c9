"""What a portal pack declares: one frozen record per portal, data first (see parsers/portals/).

A pack is everything the product knows about one portal: its domain, the URL shapes of its
articles and how to name one (the identity key), the URL shapes of its media, which pages list
articles and how (discovery sources, index layouts), where the article sits in its markup
(selectors, noise, region), how it writes dates and how it splits long articles into pages.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re
from collections.abc import Callable
from typing import Literal

from parsers.article import Article
from parsers.common import Page
from parsers.region import Region

Parser = Callable[[Page], Article]
SourceKind = Literal["rss", "atom", "sitemap", "index", "payload"]
# host, path, key, complete: what an identity function makes of an article URL (None: not an article)
Identity = tuple[str, str, str, bool]
Identify = Callable[[str, str], Identity | None]


@dataclasses.dataclass(frozen=True, slots=True)
class MediaShape:
    """A URL shape of a page that is media, not news text: `host` and `path` must both match
    (None matches anything)."""

    kind: str  # "video", "web story", "gallery", "live stream", "podcast", "infographic"
    host: re.Pattern[str] | None = None
    path: re.Pattern[str] | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class IndexLayout:
    """Where one portal's index page lists its articles (CSS selectors, lexbor dialect)."""

    portal: str
    item: str  # one listed article
    link: str  # inside an item: the article link (first match wins)
    title: str | None = None  # inside an item: the element whose text is the title
    time_attr: tuple[str, str] | None = None  # (selector, attribute) holding unix seconds
    time_text: str | None = None  # selector whose text is a date ("Jumat, 24 Juli 2026 17:25 WIB")


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """A discovery source the portal offers, as a suggested `[[discover]]` entry."""

    url: str
    kind: SourceKind
    every_minutes: int
    max_new: int
    evidence: str  # why we believe it works (captures, other crawlers' code), with a year
    shipped: bool = True  # on in the shipped beritawatch.toml


@dataclasses.dataclass(frozen=True, slots=True)
class Selectors:
    """Where the article sits in a page (first match wins) and what inside it is not the story."""

    title: tuple[str, ...]
    body: tuple[str, ...]
    noise: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Pagination:
    """How the portal splits a long article: `scheme` "path" (`{url}/N`), "query" (`?page=N`) or
    "none"; `links` selects the page links; `whole` is the URL suffix of the one-page variant."""

    scheme: Literal["path", "query", "none"]
    links: str | None = None
    whole: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Pack:
    """One portal, everything known about it."""

    name: str  # "detik": the portal's name in the warehouse, alerts and config
    domain: str  # registrable domain; every subdomain belongs to the portal
    hosts: tuple[str, ...]  # the content hosts seen (documentation and tests, not a filter)
    parse: Parser
    selectors: Selectors
    identify: Identify  # article URL (host, path) -> its canonical host, path and identity key
    article_paths: tuple[re.Pattern[str], ...]  # discovery: the path shapes of one article
    folder: pathlib.Path  # the pack's folder (fixtures/ sits in it)
    # the parser's fast path: where the article sits in the raw HTML, one region per template
    regions: tuple[Region, ...] = ()
    media: tuple[MediaShape, ...] = ()  # checked before the article shapes
    listing_segments: frozenset[str] = frozenset()  # first path segments of this portal's listings
    index_layouts: tuple[IndexLayout, ...] = ()
    sources: tuple[Source, ...] = ()
    dates: tuple[str, ...] = ()  # how the portal writes dates; the one date parser reads each
    pagination: Pagination = Pagination("none")
    # (url, identity key) pairs the pack promises: tested, and the quickest way to read the shapes
    examples: tuple[tuple[str, str], ...] = ()

    @property
    def fixtures(self) -> pathlib.Path:
        """The golden pages and their expected JSON."""
        return self.folder / "fixtures"


def segment(*words: str) -> re.Pattern[str]:
    """A path holding one of `words` as a whole segment ("/video/..."; never inside a slug)."""
    return re.compile(rf"(?:^|/)(?:{'|'.join(words)})(?:/|$)", re.IGNORECASE)


def host_pattern(pattern: str) -> re.Pattern[str]:
    """A whole-host pattern, case-insensitive."""
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


# Shapes every portal uses for its media sections (a whole path segment, never a word in a slug).
COMMON_MEDIA: tuple[MediaShape, ...] = (
    MediaShape("video", path=segment("video", "videos", "vidio")),
    MediaShape("web story", path=segment("ampstory", "amp-story", "webstory", "web-story", "webstories")),
    MediaShape("live stream", path=segment("live", "livestream", "live-streaming", "streaming")),
    MediaShape("podcast", path=segment("podcast", "podcasts")),
    MediaShape("infographic", path=segment("infografis", "infografik", "infographic")),
)
SLUG = r"[^/?#]+"  # one path segment


def www_host(host: str, domain: str) -> str:
    """m.X / amp.X / the bare domain -> www.X; m.kaltim.X -> kaltim.X; other hosts unchanged."""
    if host in (domain, "m." + domain, "amp." + domain):
        return "www." + domain
    if host.startswith(("m.", "amp.")) and host.endswith("." + domain):
        return host.split(".", 1)[1]
    return host
