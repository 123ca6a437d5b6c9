"""Per-portal article parsers: `parse(html, url) -> Article`, pure (no I/O)."""
from __future__ import annotations

import dataclasses

from parsers.article import Article, ParseError, merge_pages
from parsers.common import Page, ends_in_login_prompt, host_of
from parsers.decode import to_text
from parsers.region import trim
from parsers.registry import lookup

__all__ = ["Article", "ParseError", "merge_pages", "parse"]


def _finish(article: Article) -> Article:
    # a non-article page has nothing to fetch further, and its dates belong to other stories
    if article.not_article is None:
        return article
    return dataclasses.replace(article, next_pages=(), published=None, updated=None)


def _complete(article: Article) -> bool:
    # something missing may mean the region did not hold the whole article: parse the whole page;
    # so does a body ending in a login prompt (a password form outside the region decides its fate),
    # and a page read the generic way (it weighs the whole page to find the article)
    return bool(article.is_article and article.title and article.body and article.authors
                and not article.fallback and not ends_in_login_prompt(article.body))


def parse(html: str | bytes, url: str) -> Article:
    """Parse one fetched page; non-article pages come back with `not_article` set.

    Raises ParseError only for input that is not a page at all (empty, binary).
    """
    text = to_text(html)
    url = url.strip() if isinstance(url, str) else ""
    if not host_of(url) and url.startswith(("http:", "https:")):
        url = ""  # malformed (an unterminated IPv6 host...): fall back to the page's own canonical URL
    domain, site = lookup(url)
    try:
        # fast path: parse only <head> + the article region; anything missing -> whole page
        small = trim(text, site.regions)
        if small is not None:
            article = site.parse(Page(small, url, domain, whole=False))
            if _complete(article):
                return article
        return _finish(site.parse(Page(text, url, domain)))
    except ParseError:
        raise
    except Exception as exc:  # the contract: nothing but ParseError ever escapes parse()
        raise ParseError(f"internal parser error on {url!r}: {type(exc).__name__}: {exc}") from exc
