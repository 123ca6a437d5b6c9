"""Per-portal article parsers: `parse(html, url) -> Article`, pure (no I/O)."""
from __future__ import annotations

import dataclasses

from parsers.article import Article, ParseError, merge_pages
from parsers.common import Page, ends_in_login_prompt, host_of
from parsers.decode import text_and_ascii
from parsers.heap import keep_heap_top
from parsers.region import trim_region
from parsers.registry import Site, lookup

__all__ = ["Article", "Cut", "ParseError", "cut", "merge_pages", "parse", "parse_cut"]

# a process that imports the parsers parses pages one after another: the heap's top is kept between them
keep_heap_top()


def _finish(article: Article) -> Article:
    # a non-article page has nothing to fetch further, and its dates belong to other stories
    if article.not_article is None:
        return article
    return dataclasses.replace(article, next_pages=(), published=None, updated=None)


def _complete(article: Article, bylines: bool = True) -> bool:
    # something missing may mean the region did not hold the whole article: parse the whole page
    # (no authors: unless the region's template has no byline); so does a body ending in a login prompt
    # (a password form outside the region decides its fate), and a page read the generic way (it weighs
    # the whole page to find the article)
    return bool(article.is_article and article.title and article.body and (article.authors or not bylines)
                and not article.fallback and not ends_in_login_prompt(article.body))


@dataclasses.dataclass(frozen=True, slots=True)
class Cut:
    """A decoded page and its fast-path cut (`region`: the <head> and the article region, None when
    the page has none). When `parse_cut` says it read the region alone, its article is a function
    of `url` and `region` (and the parser code) only."""

    text: str
    url: str
    domain: str | None
    site: Site
    region: str | None
    bylines: bool = True  # the region's template can carry a byline (see Region.bylines)


def cut(html: str | bytes, url: str) -> Cut:
    """Decode a page and cut it down for the fast path (ParseError as `parse`)."""
    text, ascii_bytes = text_and_ascii(html)
    url = url.strip() if isinstance(url, str) else ""
    if not host_of(url) and url.startswith(("http:", "https:")):
        url = ""  # malformed (an unterminated IPv6 host...): fall back to the page's own canonical URL
    domain, site = lookup(url)
    try:
        found = trim_region(text, site.regions, ascii_bytes)
        if found is None:
            return Cut(text, url, domain, site, None)
        return Cut(text, url, domain, site, found[0], found[1].bylines)
    except ParseError:
        raise
    except Exception as exc:  # the contract: nothing but ParseError ever escapes parse()
        raise ParseError(f"internal parser error on {url!r}: {type(exc).__name__}: {exc}") from exc


def parse_cut(page: Cut) -> tuple[Article, bool]:
    """(the article, whether it was read from `page.region` alone): `parse` after `cut`."""
    url, domain, site = page.url, page.domain, page.site
    try:
        # fast path: parse only <head> + the article region; anything missing -> whole page
        if page.region is not None:
            article = site.parse(Page(page.region, url, domain, whole=False))
            if _complete(article, page.bylines):
                return article, True
        return _finish(site.parse(Page(page.text, url, domain))), False
    except ParseError:
        raise
    except Exception as exc:  # the contract: nothing but ParseError ever escapes parse()
        raise ParseError(f"internal parser error on {url!r}: {type(exc).__name__}: {exc}") from exc


def parse(html: str | bytes, url: str) -> Article:
    """Parse one fetched page; non-article pages come back with `not_article` set.

    Raises ParseError only for input that is not a page at all (empty, binary).
    """
    return parse_cut(cut(html, url))[0]
