"""antaranews.com (www. and its kanal subdomains): selectors and the "Pewarta:/Editor:" credit line."""
from __future__ import annotations

import re

from parsers.article import Article
from parsers.common import Page, extract_blocks, non_article_reason
from parsers.dates import parse_text
from parsers.generic import body_of, labelled_people
from parsers.query import select

TITLE = ("h1.post-title", ".wrap__article-detail-title h1", "h1.title", "h1")
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*ANTARA( News)?(\s+\w+)?\s*$", re.I)
# 2020s template first, then the 2015-16 one (div#content_news)
BODY = ("div.wrap__article-detail-content.post-content", "div.post-content", "#content_news")
NOISE = (
    "span.baca-juga", ".baca-juga", "p.text-muted", ".text-muted", "ul.blog-tags", ".blog-tags",
    ".wrap__article-detail-image", ".quote_old", ".adsbygoogle", ".ads_antaranews", "#caption_news",
    "#image_news",
)
CREDITS = ("p.text-muted", ".text-muted", "div.byline", ".byline")
DATE = (".wrap__article-detail-info span", "h1.post-title + p", "div.date")


def parse(page: Page) -> Article:
    """Parse an ANTARA article page (Antara articles are one page: no next pages are reported)."""
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    if not body and page.first(BODY) is None:
        body, desk = body_of(page, title)
    # one line per <br>: "Pewarta: A<br>Editor: B<br>COPYRIGHT © ANTARA"
    credits = [b.text for sel in CREDITS for n in select(page.doc, sel) for b in extract_blocks(n, ())]
    authors, editors = labelled_people(credits)
    authors = authors or page.ld_people("author")
    editors = editors or page.ld_people("editor")
    published = (page.ld_date("datePublished") or page.meta_date("article:published_time")
                 or parse_text(page.first_text(DATE)))
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    return Article(
        url=page.canonical(),
        portal="antaranews",
        title=title,
        authors=tuple(authors),
        editors=tuple(e for e in editors if e not in authors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        not_article=non_article_reason(page, title, body),
    )
