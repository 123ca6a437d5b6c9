"""Fallback for hosts without a portal parser: JSON-LD articleBody, else trafilatura (comments off)."""
from __future__ import annotations

from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_any

TITLE = ("h1",)
DATE_META = ("article:published_time", "og:published_time", "pubdate", "date", "dc.date")
MAX_EXTRACTOR_INPUT = 1_500_000  # characters; keeps the generic extractor's time bounded on huge pages


def _extract(text: str, url: str) -> list[str]:
    """Paragraphs found by trafilatura, or [] when it finds none or fails."""
    try:
        import trafilatura

        out = trafilatura.extract(text[:MAX_EXTRACTOR_INPUT], url=url, include_comments=False,
                                  include_tables=False, favor_precision=True)
    except Exception:  # third-party extractor on arbitrary input: its failure just means no body
        return []
    return [clean(line) for line in (out or "").split("\n") if clean(line)]


def parse(page: Page) -> Article:
    """Parse an article from an unknown site, marked `fallback=True`."""
    title = page.title(TITLE)
    ld_body = page.ld_article.get("articleBody")
    if isinstance(ld_body, str) and clean(ld_body):
        body = [clean(p) for p in ld_body.split("\n") if clean(p)]
    else:
        body = _extract(page.text, page.url)
        if body and body[0] == title:  # the extractor keeps the headline as a first line
            body = body[1:]
    authors = page.ld_people("author") or split_people(page.meta.get("author", ""))
    published = page.ld_date("datePublished") or page.meta_date(*DATE_META)
    time_node = page.doc.css_first("time[datetime]")
    if published is None and time_node is not None:
        published = parse_any(time_node.attributes.get("datetime"))
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    free = page.ld_article.get("isAccessibleForFree")
    return Article(
        url=page.canonical(),
        portal="generic",
        title=title,
        authors=tuple(authors),
        editors=tuple(page.ld_people("editor")),
        published=published,
        updated=updated,
        body=tuple(body),
        paywalled=free is False or (isinstance(free, str) and free.lower() == "false"),
        not_article=non_article_reason(page, title, body),
        fallback=True,
    )
