"""kompas.com (www., nasional., internasional., regional., ... one template): selectors, credits and paging."""
from __future__ import annotations

import re

from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_text
from parsers.generic import body_of
from parsers.query import select, select_first

TITLE = ("h1.read__title", ".read__title")
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*Kompas\.com\s*$", re.I)
BODY = ("div.read__content",)
NOISE = (
    ".inner-link-baca-juga", ".kompasidRec", ".ads-on-body", ".ads-partner-wrap", ".gate-kgplus",
    ".read__paging", ".liftdown_v2_tanda", ".read__photo", ".photo", ".fb-quote", ".read__byline",
    ".read__credit", ".read__tagging", ".tag__article", ".video", ".kgnw-reco",
)
AUTHORS = ("#penulis a", ".read__credit__item#penulis", ".credit-title-name")
EDITORS = ("#editor a", ".read__credit__item#editor")
DATE = (".read__time",)
# long articles: `?page=2` ...; `?page=all` shows the whole article on one page
PAGE_LINKS = ".read__paging a[href], .paging a[href], a.paging__link[href]"
_LABELS = ("Penulis", "Editor", "Tim Redaksi")


def _people(page: Page, selectors: tuple[str, ...]) -> list[str]:
    for sel in selectors:
        names = [n for n in (clean(x.text(deep=True)) for x in select(page.doc, sel)) if n]
        if names:
            return [p for n in names for p in split_people(n, _LABELS)]
    return []


def parse(page: Page) -> Article:
    """Parse a Kompas.com article page."""
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    if not body and select_first(page.doc, BODY[0]) is None:  # older templates (kcm-*): read it the generic way
        body, desk = body_of(page, title)
    authors = _people(page, AUTHORS) or page.ld_people("author")
    editors = _people(page, EDITORS) or page.ld_people("editor")
    published = (page.ld_date("datePublished") or page.meta_date("article:published_time", "content_PublishedDate")
                 or parse_text(page.first_text(DATE)))  # "Kompas.com - 10/06/2025, 14:20 WIB"
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    return Article(
        url=page.canonical(),
        portal="kompas",
        title=title,
        authors=tuple(authors),
        editors=tuple(e for e in editors if e not in authors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(page.later_pages(PAGE_LINKS, "page")),
        not_article=non_article_reason(page, title, body),
    )
