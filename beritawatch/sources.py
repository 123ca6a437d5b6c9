"""Polling discovery sources (feeds, sitemaps, index pages) for article URLs to track."""
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from beritawatch.discovery import AllowedHosts, DiscoveryError, discover, filter_candidates, registrable_domain
from beritawatch.fetch import FEED_TYPES, NOT_MODIFIED, Fetcher, FetchResult
from beritawatch.urls import canonical_url, portal_of

MAX_CHILD_SITEMAPS = 20  # a sitemap index is followed this far, per poll


@dataclasses.dataclass(frozen=True, slots=True)
class DueSource:
    url: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class PollResult:
    """One source's poll: its fetch, the canonical article URLs found, what was refused and why."""

    source: DueSource
    fetch: FetchResult
    articles: tuple[tuple[str, str | None], ...] = ()  # (canonical url, portal)
    rejected: tuple[tuple[str, str], ...] = ()  # (url, reason)
    error: str | None = None
    listed: tuple[str, ...] = ()  # article URLs as listed, where they differ from the canonical one (aliases)

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


async def poll_source(fetcher: Fetcher, source: DueSource, allowed: AllowedHosts) -> PollResult:
    """Fetch one source (conditionally) and turn it into trackable article URLs."""
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
    children, refused_children = filter_candidates(found.sitemaps[:MAX_CHILD_SITEMAPS], allowed)
    for child in children:
        answer = await fetcher.get(child.url, accept=FEED_TYPES)
        if answer.ok and answer.content is not None:
            try:
                candidates.extend(discover(answer.content, answer.content_type, child.url, "sitemap").candidates)
            except DiscoveryError:
                continue
    kept, rejected = filter_candidates(candidates, allowed)
    articles = {canonical_url(c.url): portal_of(c.url) for c in kept}
    listed = tuple(dict.fromkeys(c.url for c in kept if c.url not in articles))
    return PollResult(source, fetch, tuple(articles.items()), tuple([*rejected, *refused_children]), listed=listed)


async def poll_all(fetcher: Fetcher, sources: Sequence[DueSource], allowed: AllowedHosts) -> list[PollResult]:
    return list(await asyncio.gather(*(poll_source(fetcher, s, allowed) for s in sources)))
