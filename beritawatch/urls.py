"""One identity per article: canonical URLs, portal names and article keys on the portals.

`canonical_url` folds the variants a portal serves one article under (mobile and AMP hosts,
page and tracking parameters, page suffixes, trailing slashes, fragments, http) into one URL;
`article_key` goes further and names the article by the portal's own id where it has one, so
an article moved between hosts or shapes keeps its identity. Each portal's URL shapes and identity
key live in its pack (parsers/portals/<name>/); this module holds what is the same for all.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Collection
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsers.common import points_up
from parsers.pack import www_host
from parsers.portals import BY_NAME, PACKS, pack_of_host

__all__ = [
    "PORTALS",
    "alias_form",
    "article_key",
    "canonical_url",
    "is_article_url",
    "is_portal_host",
    "portal_of",
]

# Portal name -> registrable domain; every subdomain belongs to the portal.
PORTALS: dict[str, str] = {pack.name: pack.domain for pack in PACKS}
# Subdomains that serve images, scripts or log-ins, never articles: discovery skips them.
_NOT_CONTENT = frozenset({"statik", "static", "cdn", "img", "images", "asset", "assets", "connect", "login", "ads"})
_TRACKING = re.compile(
    r"utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|_ga|_gl|mc_cid|mc_eid|igshid|"
    r"ref|ref_src|tag_from|amp|amp_.*|usqp|outputType|_branch_.*",
    re.IGNORECASE,
)

_AMP_CACHE = re.compile(r"^/(?:c|v|wp|i)/(?:s/)?(?P<rest>[^/]+\.[^/]+/.*)$")
# A pass asks about the same few thousand URLs a dozen times (tracking, planning, identity of each
# check's addresses): each answer is a pure function of the URL string, so it is kept.
_PARSED_CACHE = 16_384


@dataclasses.dataclass(frozen=True, slots=True)
class _Parsed:
    url: str  # canonical URL
    portal: str | None
    key: str | None  # portal:id when the URL is an article
    complete: bool = True  # False for short forms that lose the slug (/share/{id}, /amp/{id})


def _clean_host(host: str) -> str:
    return host.lower().rstrip(".")


def portal_of(url: str) -> str | None:
    """The portal's name ("detik", "tribun", "kompas" ...) for a URL on one of the portals, else None."""
    return _parse(url).portal


def _portal_of_host(host: str) -> str | None:
    pack = pack_of_host(host)
    return pack.name if pack is not None else None


def is_portal_host(host: str, *, portals: Collection[str] | None = None) -> bool:
    """Whether discovery may follow a link to `host`: a content host of a configured portal.

    `portals` names the configured portals (default: all of them).
    """
    host = _clean_host(host.split(":", 1)[0] if host.count(":") == 1 else host)
    name = _portal_of_host(host)
    if name is None or (portals is not None and name not in portals):
        return False
    first = host.split(".", 1)[0]
    return first not in _NOT_CONTENT and not first.startswith(("cdn", "img", "static"))


def canonical_url(url: str, page_canonical: str | None = None) -> str:
    """The one URL of the article at `url`; the page's own canonical link wins when it is on the
    same portal (and is an article whenever `url` is one)."""
    mine = _parse(url)
    if page_canonical and page_canonical.strip():
        theirs = _parse(urljoin(mine.url, page_canonical.strip()))
        same_site = (
            theirs.portal == mine.portal
            if mine.portal
            else urlsplit(theirs.url).hostname == urlsplit(mine.url).hostname
        )
        # A canonical that points at the home page or a section above the page, or at a short
        # form of the same article, says less than the URL itself.
        if (
            same_site
            and (theirs.key is not None or (mine.key is None and not points_up(mine.url, theirs.url)))
            and not (theirs.key == mine.key and mine.complete and not theirs.complete)
        ):
            return theirs.url
    return mine.url



@functools.lru_cache(maxsize=_PARSED_CACHE)
def alias_form(url: str) -> str:
    """`url` as it was seen, for the record of an article's addresses: host lower-cased, tracking
    parameters and fragment dropped, everything else (m./amp hosts, double slashes) kept."""
    parts = urlsplit(_with_scheme(url))
    host = _clean_host(parts.hostname or "")
    if not host:
        raise ValueError(f"not a web address: {url!r}")
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    kept = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.fullmatch(p.split("=", 1)[0]))
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", kept, ""))


def article_key(url: str) -> str:
    """A stable, host-independent id of the article: "detik:d-6769960", "republika:s0kbre472",
    "tempo:1768245" (both the /read/{id} and the 2024+ {slug}-{id} address), "tribun:www/9000301",
    "tribun:kaltim/2023/09/05/slug"; for a URL that is no article, its canonical URL."""
    parsed = _parse(url)
    return parsed.key or parsed.url


def is_article_url(url: str) -> bool:
    """Whether `url` has the shape of an article on one of the portals."""
    return _parse(url).key is not None


# --------------------------------------------------------------------------- parsing


def _with_scheme(url: str) -> str:
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://", url)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            raise ValueError(f"not a web address: {url!r}")
        return url
    if re.match(r"^(?:mailto|javascript|tel|data|about|file):", url, re.IGNORECASE):
        raise ValueError(f"not a web address: {url!r}")
    return "https://" + url


def _unwrap_amp_cache(host: str, path: str) -> tuple[str, str] | None:
    """The publisher URL inside an AMP cache or Google AMP viewer URL."""
    if host.endswith(".cdn.ampproject.org"):
        m = _AMP_CACHE.match(path)
    elif host.startswith("www.google.") and path.startswith("/amp/"):
        m = re.match(r"^/amp/(?:s/)?(?P<rest>[^/]+\.[^/]+/.*)$", path)
    else:
        return None
    if not m:
        return None
    inner = urlsplit("https://" + m.group("rest"))
    return _clean_host(inner.hostname or ""), re.sub(r"/{2,}", "/", inner.path or "/")


@functools.lru_cache(maxsize=_PARSED_CACHE)
def _parse(url: str) -> _Parsed:
    parts = urlsplit(_with_scheme(url))
    host = _clean_host(parts.hostname or "")
    if not host:
        raise ValueError(f"not a web address: {url!r}")
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    query = parts.query
    unwrapped = _unwrap_amp_cache(host, path)
    if unwrapped:
        host, path = unwrapped
    if len(path) > 1:
        path = path.rstrip("/")
    portal = _portal_of_host(host)
    kept = "&".join(p for p in query.split("&") if p and not _TRACKING.fullmatch(p.split("=", 1)[0]))
    if portal is None:
        # Not a portal (a test server, say): keep its scheme and port, drop only tracking.
        netloc = host if unwrapped or parts.port in (None, 80, 443) else f"{host}:{parts.port}"
        scheme = "https" if unwrapped else parts.scheme.lower()
        return _Parsed(urlunsplit((scheme, netloc, path, kept, "")), None, None)
    result = BY_NAME[portal].identify(host, path)
    if result:
        host, path, key, complete = result
        return _Parsed(urlunsplit(("https", host, path, "", "")), portal, key, complete)
    return _Parsed(urlunsplit(("https", _mobile_to_www(host, portal), path, kept, "")), portal, None)


def _mobile_to_www(host: str, portal: str) -> str:
    """m.X -> www.X for the portal's main host; a bare registrable domain -> www."""
    return www_host(host, BY_NAME[portal].domain)


_UNSAFE_IN_LINK = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\"<>\\`]")


def is_plain_web_url(url: object) -> bool:
    """Whether `url` may become a link in an alert, artifact or report: an absolute http(s) URL
    with a host, no whitespace, control or markup-breaking characters, at most 4096 long."""
    if not isinstance(url, str) or not url or len(url) > 4096 or _UNSAFE_IN_LINK.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def url_key(url: str) -> str:
    """A short stable id of a URL, for alert dedupe keys and report file names."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()
