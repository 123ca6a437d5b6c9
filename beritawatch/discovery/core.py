"""Decide what a fetched source is, read it with the right parser, and tidy what it listed."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import zlib

from beritawatch.discovery._parsed import Parsed, absolute, clean_text
from beritawatch.discovery.feeds import parse_feed
from beritawatch.discovery.model import (
    DEFAULT_LIMITS,
    REQUESTABLE_KINDS,
    Candidate,
    Discovery,
    DiscoveryError,
    Limits,
    SourceKind,
)
from beritawatch.discovery.pages import parse_index
from beritawatch.discovery.payloads import parse_payload
from beritawatch.discovery.portals import (
    REASON_HOME,
    REASON_MEDIA,
    REASON_SECTION,
    listing_reason,
    looks_like_article_url,
    media_kind,
)
from beritawatch.discovery.sitemaps import parse_sitemap

logger = logging.getLogger("beritawatch.discovery")

_FIRST_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w:.-]*)")
_ROOT_KINDS: dict[str, SourceKind] = {"rss": "rss", "rdf": "rss", "feed": "atom", "urlset": "sitemap",
                                      "sitemapindex": "sitemap"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _gunzip(data: bytes, limits: Limits, source_url: str) -> bytes:
    """A gzip body (sitemap.xml.gz) inflated, but never past `limits.max_bytes`."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limits.max_bytes + 1)
    except zlib.error as exc:
        raise DiscoveryError(source_url, f"broken gzip data: {exc}") from None
    if len(out) > limits.max_bytes:
        raise DiscoveryError(source_url, f"gzip data inflates past the {limits.max_bytes:,}-byte limit")
    return out


def sniff(content: bytes, content_type: str | None) -> SourceKind | None:
    """The kind of source these bytes are, from their first element (or their content type)."""
    head = content[:8192]
    if head.startswith(_BOMS[1:]):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    head = re.sub(rb"<!--.*?-->", b"", head.removeprefix(_BOMS[0]), flags=re.DOTALL).lstrip()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if head[:1] in (b"{", b"["):
        return "payload"
    if head[:1] == b"<":
        if re.match(rb"<!doctype\s+html", head, re.IGNORECASE):
            return "index"
        match = _FIRST_TAG.search(head)
        if match:
            local = match.group(1).decode("ascii", "replace").rpartition(":")[2].lower()
            if local in _ROOT_KINDS:
                return _ROOT_KINDS[local]
            # An XML document with another root is not ours; markup without a declaration is HTML.
            if local in ("html", "head", "body") or "html" in ctype or not head.startswith(b"<?xml"):
                return "index"
            return None
    if head[:8].lower().startswith((b"http://", b"https:/")):
        return "sitemap"
    return _kind_of_type(ctype)


def _kind_of_type(ctype: str) -> SourceKind | None:
    """The kind of source a (lowercased, bare) content type names, if any."""
    for needle, kind in _TYPE_KINDS:
        if needle in ctype:
            return kind
    return None


_TYPE_KINDS: tuple[tuple[str, SourceKind], ...] = (("json", "payload"), ("html", "index"), ("atom", "atom"),
                                                   ("rss", "rss"))


def _parse(data: bytes, content_type: str | None, source_url: str, kind: str, limits: Limits,
           now: dt.datetime | None) -> Parsed:
    if kind in ("rss", "atom", "feed"):
        return parse_feed(data, content_type, source_url, limits)
    if kind == "sitemap":
        return parse_sitemap(data, source_url, limits)
    if kind == "index":
        return parse_index(data, content_type, source_url, limits, now)
    return parse_payload(data, source_url, limits)


def _merge(old: Candidate, new: Candidate) -> Candidate:
    """One candidate per URL: the first one, with blanks filled from later duplicates."""
    return Candidate(url=old.url, title=old.title or new.title, published=old.published or new.published,
                     source_url=old.source_url, source_kind=old.source_kind,
                     updated=old.updated or new.updated)


@dataclasses.dataclass(slots=True)
class _Sorting:
    """The listed links of one source, sorted into candidates and dropped links."""

    candidates: dict[str, Candidate] = dataclasses.field(default_factory=dict)
    dropped: dict[str, str] = dataclasses.field(default_factory=dict)  # url -> reason
    problems: list[str] = dataclasses.field(default_factory=list)
    not_articles: int = 0  # links of a strict source without an article's shape


def _sort_links(parsed: Parsed, source_url: str, limits: Limits, base: str) -> _Sorting:
    out = _Sorting(problems=list(parsed.problems))
    for found in parsed.found:
        url = absolute(found.url, base, limits.max_field_chars)
        if url is None:
            if found.url.strip():
                out.dropped.setdefault(found.url.strip()[:200], "unparseable URL")
            continue
        # media first: a web story can have an article's shape, and it is worth recording
        if parsed.strict and media_kind(url) is None and not looks_like_article_url(url):
            out.not_articles += 1  # navigation, ads, footers: too many to list
            continue
        reason = listing_reason(url)
        if reason is not None:
            out.dropped.setdefault(url, reason)
            continue
        candidate = Candidate(url=url, title=clean_text(found.title, limits.max_field_chars),
                              published=found.published, source_url=source_url,
                              source_kind=parsed.kind, updated=found.updated)
        out.candidates[url] = _merge(out.candidates[url], candidate) if url in out.candidates else candidate
        if len(out.candidates) >= limits.max_candidates:
            out.problems.append(f"kept the first {limits.max_candidates:,} candidates")
            break
    return out


def _listed_sitemaps(parsed: Parsed, source_url: str, limits: Limits, base: str) -> dict[str, Candidate]:
    sitemaps: dict[str, Candidate] = {}
    for found in parsed.sitemaps[: limits.max_sitemaps]:
        url = absolute(found.url, base, limits.max_field_chars)
        if url is not None and url not in sitemaps:
            sitemaps[url] = Candidate(url=url, title=None, published=None, source_url=source_url,
                                      source_kind="sitemap", updated=found.updated)
    return sitemaps


def _notes(parsed: Parsed, sorting: _Sorting, sitemaps: int) -> list[str]:
    """What was dropped and why (a broken feed is a problem, added to `sorting.problems`)."""
    notes: list[str] = []
    dropped = sorting.dropped.values()
    home_or_section = sum(reason in (REASON_HOME, REASON_SECTION) for reason in dropped)
    media = sum(reason.startswith(REASON_MEDIA) for reason in dropped)
    listed = len(parsed.found)
    if listed and not sorting.candidates and home_or_section and parsed.kind in ("rss", "atom"):
        sorting.problems.append(f"every item of this feed ({listed}) links to the portal home page or a section "
                                "page: the feed is broken (Tribun's 2026 RSS does this); use the portal's "
                                "sitemap or index page instead")
    elif home_or_section:
        notes.append(f"dropped {home_or_section} links to a home or section page")
    if media:
        notes.append(f"dropped {media} links to media pages (video, web story, gallery ...)")
    if parsed.strict and sorting.not_articles:
        notes.append(f"skipped {sorting.not_articles} links that are not article-shaped")
    if sitemaps:
        notes.append(f"sitemap index listing {sitemaps} sitemaps")
    return notes


def _assemble(parsed: Parsed, source_url: str, limits: Limits) -> Discovery:
    base = parsed.base_url or source_url
    sorting = _sort_links(parsed, source_url, limits, base)
    sitemaps = _listed_sitemaps(parsed, source_url, limits, base)
    notes = _notes(parsed, sorting, len(sitemaps))
    return Discovery(source_url=source_url, kind=parsed.kind, candidates=tuple(sorting.candidates.values()),
                     sitemaps=tuple(sitemaps.values()), dropped=tuple(sorting.dropped.items()),
                     problems=tuple(sorting.problems), notes=tuple(notes))


def discover(content: bytes, content_type: str | None, source_url: str, kind: str = "auto", *,
             limits: Limits = DEFAULT_LIMITS, now: dt.datetime | None = None) -> Discovery:
    """Read one fetched source; `now` dates relative times ("5 menit yang lalu") when given."""
    if kind not in REQUESTABLE_KINDS:
        raise DiscoveryError(source_url, f"unknown source kind {kind!r} (one of {', '.join(REQUESTABLE_KINDS)})")
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise DiscoveryError(source_url, f"content must be bytes, not {type(content).__name__}")
    data = bytes(content)
    if len(data) > limits.max_bytes:
        raise DiscoveryError(source_url, f"{len(data):,} bytes, over the {limits.max_bytes:,}-byte limit")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limits, source_url)
    if not data.strip():
        raise DiscoveryError(source_url, "empty response")
    sniffed = sniff(data, content_type)
    chosen = sniffed if kind == "auto" else kind
    if chosen is None:
        raise DiscoveryError(source_url, f"unrecognised content (type {content_type!r}, starts "
                                         f"{data[:24]!r}); not a feed, sitemap, page or payload")
    try:
        parsed = _parse(data, content_type, source_url, chosen, limits, now)
    except DiscoveryError as exc:
        if kind != "auto" and sniffed not in (None, kind) and not (kind == "feed" and sniffed in ("rss", "atom")):
            raise DiscoveryError(source_url, f"{exc.message} (asked for {kind}; it looks like {sniffed})") from None
        raise
    except Exception as exc:  # noqa: BLE001 - garbage must end as a DiscoveryError, never a crash
        raise DiscoveryError(source_url, f"could not read as {chosen}: {type(exc).__name__}: {str(exc)[:200]}") from exc
    return _assemble(parsed, source_url, limits)


def extract_candidates(content: bytes, content_type: str | None, source_url: str,
                       kind: str = "auto") -> list[Candidate]:
    """Article candidates a source lists; problems (a broken feed, a cut) are logged as warnings."""
    result = discover(content, content_type, source_url, kind)
    for problem in result.problems:
        logger.warning("%s: %s", source_url, problem)
    for note in result.notes:
        logger.debug("%s: %s", source_url, note)
    return list(result.candidates)
