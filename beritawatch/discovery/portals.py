"""Site knowledge as data: each portal's domain, article URL shapes, media URL shapes, listing pages,
index markup.

Selectors and URL shapes are hypotheses checked against fixtures (see ../shared/notes/portals.md);
when a portal changes its template, this is the one module to edit.
"""
from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

# portal -> the registrable domain every one of its hosts lives under
PORTAL_DOMAINS: dict[str, str] = {
    "detik": "detik.com",
    "tribun": "tribunnews.com",
    "republika": "republika.co.id",
    "tempo": "tempo.co",
}

_SLUG = r"[^/?#]+"
ARTICLE_PATHS: dict[str, tuple[re.Pattern[str], ...]] = {
    "detik": (
        # /internasional/d-6769960/slug, /berita/d-123/slug, /d-123/slug, page 2 at .../slug/2
        re.compile(rf"^(?:/[\w-]+)*/d-\d{{5,}}/{_SLUG}(?:/\d{{1,3}})?/?$"),
    ),
    "tribun": (
        # /{section}/{yyyy}/{mm}/{dd}/{slug} (to 2024; regional hosts omit the section)
        re.compile(rf"^(?:/[a-z0-9-]+){{0,2}}/(?:19|20)\d\d/[01]\d/[0-3]\d/{_SLUG}/?$"),
        # /{section}/{numericId}/{slug} (2026)
        re.compile(rf"^(?:/[a-z0-9-]+){{1,2}}/\d{{5,}}/{_SLUG}/?$"),
    ),
    "republika": (
        # /berita/{id}/{slug} on any kanal host; the AMP twin is /amp/{id}/{slug}
        # ids mix letters and digits ("s0kbre472"); /berita/terpopuler/... is a listing
        # 2026 listings also write the bare host with a double slash: republika.co.id/berita//{id}/{slug}
        # (seen with ids of up to 21 characters: "s9xi5i181996644825001")
        re.compile(rf"^(?:/[a-z0-9-]+)?/(?:berita|amp)/+(?=[a-z]*\d)[a-z0-9]{{6,24}}/{_SLUG}/?$"),
    ),
    "tempo": (
        re.compile(rf"^/read/\d{{4,}}/{_SLUG}/?$"),  # before 2024: {rubrik}.tempo.co/read/{id}/{slug}
        # 2024+: /{rubrik}/{slug}-{id}; short ids come after a double hyphen ("...-senjata--7403"),
        # which keeps year-ending section pages ("/politik/pemilu-2024") out
        re.compile(r"^(?:/[a-z0-9-]+){1,2}/[a-z0-9-]*[a-z0-9](?:-\d{5,}|--\d{1,})/?$"),
    ),
}


@dataclasses.dataclass(frozen=True, slots=True)
class MediaShape:
    """A URL shape of a page that is media, not news text: `host` and `path` must both match
    (None matches anything)."""

    kind: str  # "video", "web story", "gallery", "live stream", "podcast", "infographic"
    host: re.Pattern[str] | None = None
    path: re.Pattern[str] | None = None


def _segment(*words: str) -> re.Pattern[str]:
    """A path holding one of `words` as a whole segment ("/video/..."; never inside a slug)."""
    return re.compile(rf"(?:^|/)(?:{'|'.join(words)})(?:/|$)", re.IGNORECASE)


def _host(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


# Shapes every portal uses for its media sections (a whole path segment, never a word in a slug).
_COMMON_MEDIA: tuple[MediaShape, ...] = (
    MediaShape("video", path=_segment("video", "videos", "vidio")),
    MediaShape("web story", path=_segment("ampstory", "amp-story", "webstory", "web-story", "webstories")),
    MediaShape("live stream", path=_segment("live", "livestream", "live-streaming", "streaming")),
    MediaShape("podcast", path=_segment("podcast", "podcasts")),
    MediaShape("infographic", path=_segment("infografis", "infografik", "infographic")),
)
# Media is checked BEFORE the article shapes: a Tribun web story (/ampstory/images/{id}/{slug})
# has the 2026 numeric article shape. Photo stories with text (detik /foto-news/) are articles.
MEDIA_SHAPES: dict[str, tuple[MediaShape, ...]] = {
    "detik": (
        MediaShape("video", host=_host(r"20\.detik\.com")),  # 20detik: detikupdate, e-flash, ... all video
        MediaShape("video", path=_segment("detiktv", "20detik")),
        *_COMMON_MEDIA,
    ),
    "tribun": (
        MediaShape("video", host=_host(r"video\.tribunnews\.com")),  # video.tribunnews.com/view/{id}/{slug}
        MediaShape("gallery", path=re.compile(r"^/images/")),  # photo galleries: captions, no story
        *_COMMON_MEDIA,
    ),
    "republika": (
        MediaShape("video", host=_host(r"(?:video|tv|visual)\.republika\.co\.id")),
        MediaShape("gallery", path=_segment("galeri", "gallery")),
        *_COMMON_MEDIA,
    ),
    "tempo": (
        MediaShape("video", host=_host(r"(?:video|tv)\.tempo\.co")),
        MediaShape("gallery", path=_segment("galeri", "gallery")),
        *_COMMON_MEDIA,
    ),
}
REASON_MEDIA = "media"  # the recorded reason; Discovery.dropped says "media: {kind}"

# First path segments of pages that list articles rather than being one.
LISTING_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topik", "indeks", "index", "index-news", "search", "cari", "rss", "feed",
    "sitemap", "kanal", "kategori", "category", "penulis", "author", "profile", "terpopuler",
})
_SECTION_WORD = re.compile(r"[a-z]+(?:-[a-z]+){0,2}")  # "internasional", "news-rejabar"
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
    if not host:
        return None
    host = host.lower()
    for portal, domain in PORTAL_DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return portal
    return None


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
    """Whether `url` has the shape of one article (never a media page) on one of the four portals."""
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
    if first in LISTING_SEGMENTS:
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
    if parts.scheme.lower() not in ("http", "https") or portal_of_host(host) is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1].lower() in _HOME_FILES:
        segments.pop()
    if not segments:
        return REASON_HOME
    if segments[-1].lower().endswith(_FILE_SUFFIXES):
        return REASON_FILE
    if segments[0].lower() in LISTING_SEGMENTS:
        return REASON_LISTING
    if len(segments) <= 2 and all(_SECTION_WORD.fullmatch(s.lower()) for s in segments):
        return REASON_SECTION
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class IndexLayout:
    """Where one portal's index page lists its articles (CSS selectors, lexbor dialect)."""

    portal: str
    item: str  # one listed article
    link: str  # inside an item: the article link (first match wins)
    title: str | None = None  # inside an item: the element whose text is the title
    time_attr: tuple[str, str] | None = None  # (selector, attribute) holding unix seconds
    time_text: str | None = None  # selector whose text is a date ("Jumat, 24 Juli 2026 17:25 WIB")


INDEX_LAYOUTS: tuple[IndexLayout, ...] = (
    # news.detik.com/indeks?page=N&date=MM/DD/YYYY
    IndexLayout("detik", item="article.list-content__item",
                link="h3 a[href], a.media__link[href], a[href]", title="h3",
                time_attr=("[d-time]", "d-time")),
    # www.tribunnews.com/index-news?page=N (the h4 above a headline is a topic link, not the story)
    IndexLayout("tribun", item="ul.lsi > li", link="h3 a[href]", title="h3", time_text="time"),
    # republika.co.id/indeks: the whole card is one link; its date is relative ("7 menit yang lalu")
    IndexLayout("republika", item="ul.wrap-latest > li", link="a[href]", title="h3", time_text=".date"),
)
