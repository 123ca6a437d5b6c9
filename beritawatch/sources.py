"""Polling discovery sources (feeds, sitemaps, index pages) for article URLs to track."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from beritawatch.config import DEFAULT_MAX_NEW
from beritawatch.discovery import (
    REASON_MEDIA,
    AllowedHosts,
    Candidate,
    Discovery,
    DiscoveryError,
    discover,
    filter_candidates,
    registrable_domain,
)
from beritawatch.fetch import FEED_TYPES, NOT_MODIFIED, Fetcher, FetchResult
from beritawatch.urls import canonical_url, portal_of

MAX_CHILD_SITEMAPS = 12  # a sitemap index is followed one level, this many children per poll
_MEDIA_SITEMAP = re.compile(r"image|video|foto|photo|ampstory", re.IGNORECASE)
_NEWS_SITEMAP = re.compile(r"news", re.IGNORECASE)
_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)
# How a rejection is recorded (warehouse `discovery_rejections.reason`).
MEDIA, LISTING, REFUSED = REASON_MEDIA, "not_article", "refused"


@dataclasses.dataclass(frozen=True, slots=True)
class DueSource:
    url: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    max_new: int = DEFAULT_MAX_NEW  # new articles taken from this source per pass


@dataclasses.dataclass(frozen=True, slots=True)
class PollResult:
    """One source's poll: its fetch, the canonical article URLs found, what was refused and why."""

    source: DueSource
    fetch: FetchResult
    articles: tuple[tuple[str, str | None], ...] = ()  # (canonical url, portal), in the source's order
    rejected: tuple[tuple[str, str], ...] = ()  # (url, reason) refused by the host allow-list
    dropped: tuple[tuple[str, str], ...] = ()  # (url, reason) not articles: media, home/section/tag pages
    error: str | None = None
    listed: tuple[str, ...] = ()  # article URLs as listed, where they differ from the canonical one (aliases)

    @property
    def media(self) -> tuple[tuple[str, str], ...]:
        """The links refused as media pages (video, web story, gallery ...)."""
        return tuple((url, reason) for url, reason in self.dropped if reason.startswith(REASON_MEDIA))

    def rejections(self) -> list[tuple[str, str, str]]:
        """Every refused link as (url, reason code, detail): media, not_article or refused."""
        out = [(url, MEDIA if why.startswith(REASON_MEDIA) else LISTING, why) for url, why in self.dropped]
        return out + [(url, REFUSED, why) for url, why in self.rejected]

    @property
    def outcome(self) -> str:
        return "unreadable" if self.error and self.fetch.ok else self.fetch.outcome


def allowed_hosts(urls: Iterable[str]) -> AllowedHosts:
    """The allow-list for discovered links: the registrable domains of the configured URLs."""
    domains = set()
    for url in urls:
        host = (urlsplit(url).hostname or "").lower()
        domain = registrable_domain(host) if host else None
        if domain:
            domains.add(domain)
    return AllowedHosts(domains)


def pick_child_sitemaps(children: Sequence[Candidate], limit: int = MAX_CHILD_SITEMAPS) -> list[Candidate]:
    """The children of a sitemap index worth reading: no image/video sitemaps, news sitemaps first,
    then the most recently changed, at most `limit`."""
    usable = [c for c in children if not _MEDIA_SITEMAP.search(urlsplit(c.url).path)]
    usable.sort(key=lambda c: (_NEWS_SITEMAP.search(urlsplit(c.url).path) is None,
                               -(c.updated or _OLDEST).timestamp()))
    return usable[:limit]


async def _read_child_sitemap(fetcher: Fetcher, child: Candidate) -> Discovery | None:
    """A sitemap an index listed, read; None when it cannot be fetched or read."""
    answer = await fetcher.get(child.url, accept=FEED_TYPES)
    if not answer.ok or answer.content is None:
        return None
    try:
        return discover(answer.content, answer.content_type, answer.final_url or child.url, "sitemap")
    except DiscoveryError:
        return None


async def poll_source(fetcher: Fetcher, source: DueSource, allowed: AllowedHosts) -> PollResult:
    """Fetch one source (conditionally) and turn it into trackable article URLs; a sitemap index is
    followed one level (see `pick_child_sitemaps`)."""
    fetch = await fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified,
                              accept=FEED_TYPES)
    if fetch.outcome == NOT_MODIFIED or not fetch.ok or fetch.content is None:
        return PollResult(source, fetch, error=None if fetch.outcome == NOT_MODIFIED else fetch.error)
    kind = "auto" if source.kind == "auto" else {"rss": "feed"}.get(source.kind, source.kind)
    try:
        found = discover(fetch.content, fetch.content_type, fetch.final_url or source.url, kind)
    except DiscoveryError as exc:
        return PollResult(source, fetch, error=str(exc))
    candidates = list(found.candidates)
    dropped = list(found.dropped)
    children, refused_children = filter_candidates(pick_child_sitemaps(found.sitemaps), allowed)
    for child in children:
        child_found = await _read_child_sitemap(fetcher, child)
        if child_found is not None:
            candidates.extend(child_found.candidates)  # a child that is itself an index is not followed
            dropped.extend(child_found.dropped)
    kept, rejected = filter_candidates(candidates, allowed)
    articles = {canonical_url(c.url): portal_of(c.url) for c in kept}
    listed = tuple(dict.fromkeys(c.url for c in kept if c.url not in articles))
    return PollResult(source, fetch, tuple(articles.items()), tuple([*rejected, *refused_children]),
                      dropped=tuple(dict(dropped).items()), listed=listed)


async def poll_all(fetcher: Fetcher, sources: Sequence[DueSource], allowed: AllowedHosts) -> list[PollResult]:
    return list(await asyncio.gather(*(poll_source(fetcher, s, allowed) for s in sources)))
