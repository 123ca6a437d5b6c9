"""Checking one tracked article: fetch (conditionally), parse, follow its other pages, merge."""
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

import parsers
from beritawatch.fetch import NOT_MODIFIED, Fetcher, FetchResult

# What a check ended as (one per article per pass).
UNCHANGED_304 = "not_modified"
PARSED = "parsed"
FETCH_FAILED = "fetch_failed"
NOT_ARTICLE = "not_article"
PARSE_FAILED = "parse_failed"
MAX_PAGES = 12  # a longer pagination chain is almost certainly a parser mistake


@dataclasses.dataclass(frozen=True, slots=True)
class DueArticle:
    """A tracked article a pass should check, with the validators of its last fetch."""

    url: str
    portal: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class CheckResult:
    """Everything one check learned: every fetch, the merged article, the raw pages."""

    due: DueArticle
    outcome: str
    fetches: tuple[FetchResult, ...]
    article: parsers.Article | None = None
    pages: tuple[tuple[str, bytes], ...] = ()  # (url, raw HTML) of every page parsed
    error: str | None = None

    @property
    def first_fetch(self) -> FetchResult:
        return self.fetches[0]


async def check_article(fetcher: Fetcher, due: DueArticle) -> CheckResult:
    """Fetch and parse one article (all its pages); every failure becomes an outcome."""
    first = await fetcher.get(due.url, etag=due.etag, last_modified=due.last_modified)
    if first.outcome == NOT_MODIFIED:
        return CheckResult(due, UNCHANGED_304, (first,))
    if not first.ok or first.content is None:
        return CheckResult(due, FETCH_FAILED, (first,), error=first.error or first.outcome)
    fetches = [first]
    page_url = first.final_url or due.url
    try:
        article = parsers.parse(first.content, page_url)
    except parsers.ParseError as exc:
        return CheckResult(due, PARSE_FAILED, tuple(fetches), error=f"unreadable page: {exc}")
    if article.not_article:
        return CheckResult(due, NOT_ARTICLE, tuple(fetches), article=article,
                           pages=((page_url, first.content),), error=f"not an article: {article.not_article}")
    pages = [(page_url, first.content)]
    parts = [article]
    queue = list(article.next_pages)
    seen = {page_url, due.url}
    while queue and len(parts) < MAX_PAGES:
        next_url = queue.pop(0)
        if next_url in seen:
            continue
        seen.add(next_url)
        result = await fetcher.get(next_url)
        fetches.append(result)
        if not result.ok or result.content is None:
            # A missing page would store a truncated article as a new version: fail the check.
            return CheckResult(due, FETCH_FAILED, tuple(fetches),
                               error=f"page {next_url}: {result.error or result.outcome}")
        try:
            part = parsers.parse(result.content, result.final_url or next_url)
        except parsers.ParseError as exc:
            return CheckResult(due, PARSE_FAILED, tuple(fetches), error=f"page {next_url}: {exc}")
        pages.append((next_url, result.content))
        parts.append(part)
        queue.extend(url for url in part.next_pages if url not in seen)
    merged = parsers.merge_pages(parts) if len(parts) > 1 else article
    return CheckResult(due, PARSED, tuple(fetches), article=merged, pages=tuple(pages))


async def check_many(fetcher: Fetcher, due: Sequence[DueArticle], concurrency: int = 16) -> list[CheckResult]:
    """Check articles concurrently (per-host politeness is the fetcher's job), in input order."""
    slots = asyncio.Semaphore(concurrency)

    async def one(item: DueArticle) -> CheckResult:
        async with slots:
            return await check_article(fetcher, item)

    return list(await asyncio.gather(*(one(item) for item in due)))
