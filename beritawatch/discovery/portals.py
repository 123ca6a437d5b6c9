"""Article, media and listing URLs on the portals, read from the portal packs (parsers/portals/).

Each portal's domain, article URL shapes, media URL shapes and index layouts live in its pack; this
module holds only what is the same for every portal (listing words, file suffixes) and the checks.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsers.pack import IndexLayout, MediaShape
from parsers.portals import BY_NAME, PACKS, pack_of_host

__all__ = ["INDEX_LAYOUTS", "MEDIA_SHAPES", "PORTAL_DOMAINS", "IndexLayout", "MediaShape", "listing_reason",
           "looks_like_article_url", "media_kind", "portal_of_host"]

# portal -> the registrable domain every one of its hosts lives under
PORTAL_DOMAINS: dict[str, str] = {pack.name: pack.domain for pack in PACKS}
ARTICLE_PATHS: dict[str, tuple[re.Pattern[str], ...]] = {pack.name: pack.article_paths for pack in PACKS}
# Media is checked BEFORE the article shapes: a Tribun web story (/ampstory/images/{id}/{slug})
# has the 2026 numeric article shape. Photo stories with text (detik /foto-news/) are articles.
MEDIA_SHAPES: dict[str, tuple[MediaShape, ...]] = {pack.name: pack.media for pack in PACKS}
INDEX_LAYOUTS: tuple[IndexLayout, ...] = tuple(layout for pack in PACKS for layout in pack.index_layouts)
REASON_MEDIA = "media"  # the recorded reason; Discovery.dropped says "media: {kind}"

# First path segments of pages that list articles rather than being one.
LISTING_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topik", "indeks", "index", "index-news", "search", "cari", "rss", "feed",
    "sitemap", "kanal", "kategori", "category", "penulis", "author", "profile", "terpopuler",
})
# A section folder's name: one to three words ("internasional", "news-rejabar"). No pack knowledge:
# only a link that matched none of its pack's article shapes gets here. Not `parsers.common.points_up`
# either: that rule asks whether a canonical link names a folder ABOVE a given page; this one whether
# a listed link, alone, is a short section path.
_SECTION_WORD = re.compile(r"[a-z]+(?:-[a-z]+){0,2}")
_HOME_FILES = ("index.html", "index.htm", "index.php")

REASON_HOME = "links to the portal home page"
REASON_SECTION = "links to a section page"
REASON_LISTING = "links to a tag, topic or index page"
REASON_FILE = "links to a file (image, media, document), not a page"
REASON_NOT_ARTICLE = "does not look like an article URL"
_FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".mp4", ".mp3", ".m3u8", ".pdf",
                  ".zip", ".js", ".css", ".json", ".xml", ".txt", ".woff", ".woff2")


def portal_of_host(host: str | None) -> str | None:
    """The portal a host belongs to ("kaltim.tribunnews.com" -> "tribun"), or None."""
    pack = pack_of_host(host)
    return pack.name if pack is not None else None


def media_kind(url: str) -> str | None:
    """What kind of media page `url` is on its portal ("video", "web story" ...), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    portal = portal_of_host(host)
    if portal is None or parts.scheme.lower() not in ("http", "https"):
        return None
    for shape in MEDIA_SHAPES[portal]:
        if (shape.host is None or shape.host.match(host)) and (shape.path is None or shape.path.search(parts.path)):
            return shape.kind
    return None


def looks_like_article_url(url: str) -> bool:
    """Whether `url` has the shape of one article (never a media page) on one of the portals."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https"):
        return False
    portal = portal_of_host(host)
    if portal is None or media_kind(url) is not None:
        return False
    path = parts.path
    first = next((s for s in path.split("/") if s), "").lower()
    if first in LISTING_SEGMENTS or first in BY_NAME[portal].listing_segments:
        return False
    return any(pattern.match(path) for pattern in ARTICLE_PATHS[portal])


def listing_reason(url: str) -> str | None:
    """Why a portal URL is a home, section or tag page rather than an article; None if it may be one.

    Media pages get "media: {kind}". Other hosts and schemes get None: what they are is the host
    filter's business, not ours.
    """
    kind = media_kind(url)
    if kind is not None:
        return f"{REASON_MEDIA}: {kind}"
    if looks_like_article_url(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    pack = pack_of_host(host)
    if parts.scheme.lower() not in ("http", "https") or pack is None:
        return None
    return _path_reason(parts.path, pack.listing_segments)


def _path_reason(path: str, listing_segments: frozenset[str]) -> str | None:
    """Why a portal path (not article-shaped) is a home, file, listing or section page."""
    segments = [s for s in path.split("/") if s]
    if segments and segments[-1].lower() in _HOME_FILES:
        segments.pop()
    if not segments:
        return REASON_HOME
    if segments[-1].lower().endswith(_FILE_SUFFIXES):
        return REASON_FILE
    if segments[0].lower() in LISTING_SEGMENTS | listing_segments:
        return REASON_LISTING
    if len(segments) <= 2 and all(_SECTION_WORD.fullmatch(s.lower()) for s in segments):
        return REASON_SECTION
    return None
