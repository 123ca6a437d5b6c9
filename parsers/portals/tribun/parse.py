"""The Tribun network (www., m. and every regional *.tribunnews.com): selectors and paging."""
from __future__ import annotations

import re

from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_any, parse_text
from parsers.query import select
from parsers.region import Region, markers

TITLE = ("h1#arttitle", "#article h1", "h1.f50")
AUTHORS = ("#penulis a", "#penulis")
EDITORS = ("#editor a", "#editor")
DATE = ("#article time", "time")
# both classes: a `div.side-article.mb5` right after the body is a recommendations widget
BODY = ("div.side-article.txt-article", "div.txt-article")
NOISE = (
    "p.baca", ".baca", "blockquote.summary-article", ".summary-article", "[id^=div-]", ".ads-placeholder",
    ".paging", ".pagination-wrap", ".all-page", "#widget_pilihanuntukmu_article", ".pilihan-list",
    ".share-wrapper", "[itemprop=keywords]", ".tagcloud3", ".ads-on-body",
)
# title .. byline; the byline follows the body in 2020 pages and precedes it since 2025
PAGE_LINKS = ".paging a[href], .pagination-wrap a[href]"
# (what the parser reads from the page: nowhere outside the region, its first title not before it)
REGION = Region(start=('id="arttitle"',), body="txt-article",
                end=('id="editor"', 'id="penulis"', "side-article mb5", 'itemprop="keywords"'),
                only_inside=markers(AUTHORS[0], EDITORS[0], PAGE_LINKS), before=markers(TITLE[0], DATE[-1]))
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*(Tribun\w*(\.com)?|Tribun\s+\w+)\s*$", re.I)
_LABELS = ("Penulis", "Reporter", "Editor", "Laporan Wartawan[^,:]*")


def _people(page: Page, selectors: tuple[str, str]) -> list[str]:
    links = [clean(n.text(deep=True)) for n in select(page.doc, selectors[0])]
    names = [n for n in links if n]
    if names:
        return list(dict.fromkeys(names))
    node = page.first(selectors[1:])
    return split_people(node.text(deep=True), _LABELS) if node is not None else []


def parse(page: Page) -> Article:
    """Parse a Tribun network article page."""
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    authors = _people(page, AUTHORS) or page.ld_people("author")
    editors = _people(page, EDITORS) or page.ld_people("editor")
    time_node = page.first(DATE)
    visible = None
    if time_node is not None:
        visible = parse_any(time_node.attributes.get("datetime")) or parse_text(time_node.text(deep=True))
    published = page.ld_date("datePublished") or page.meta_date("article:published_time") or visible
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    next_pages = page.later_pages(PAGE_LINKS, "page")
    free = page.ld_article.get("isAccessibleForFree")
    return Article(
        url=page.canonical(),
        portal="tribun",
        title=title,
        authors=tuple(authors),
        editors=tuple(editors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(next_pages),
        paywalled=free is False or free == "false",
        not_article=non_article_reason(page, title, body),
    )
