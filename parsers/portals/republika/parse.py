"""Republika (*.republika.co.id, AMP pages too): selectors and the "Rep: X / Red: Y" byline."""
from __future__ import annotations

import dataclasses
import re

from parsers import generic
from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_text
from parsers.media import declares_article
from parsers.portals.republika import older
from parsers.query import select
from parsers.region import Region, markers

TITLE = (".max-card__title h1", "h1.title", "article h1", "h1")
BYLINE = (".max-card__title div", ".max-card__title", ".byline", ".author", ".amp-byline")
DATE = ("div.date.date-item__headline", ".date-item__headline", ".date-detail", "time")
BODY = ("div.article-content article", ".article-content", "[itemprop=articleBody]", ".amp-article-body",
        "article .content", "article")
NOISE = (
    ".picked-article", ".baca-juga", "[id^=bn_]", ".footnote-wrap", ".max-card__teaser", ".artikel-content",
    "#next-article", "#scroll-trigger", "#loading", ".share", ".parallax", ".parallax__container",
    ".scrollToRead", ".set-ads-468", ".ads", "amp-ad", "amp-embed", "amp-img", ".wrap-tag", ".tag",
)
# date line .. end of the body's <article> (or of the page links after it); AMP pages have no region
# 2023 pages were paginated; how is unverified: `?page=N` links and link[rel=next] are followed
PAGE_LINKS = ".pagination a[href], .paging a[href], .pages a[href]"
# (bylines, date lines, body wrappers and page links: nowhere outside the region)
REGION = Region(start=('class="date date-item__headline"', 'class="max-card__title"'), body="<article",
                end=("</article>", 'class="pag'), nested="<article",  # pagination, paging, pages
                only_inside=markers(*BYLINE, DATE[1], BODY[1], PAGE_LINKS))
REGIONS = (REGION, *older.REGIONS)  # today's template first, then the 2016-17 ones
# what the 2020s desktop and AMP templates have; the 2016-17 ones (div.content-detail, p.Bodytext) have none
TEMPLATE = ("div.article-content", ".max-card__title", "[itemprop=articleBody]", ".amp-article-body")
OLDER_DATE = ("div.date-detail",)  # "Rabu, 02 Maret 2016, 09:40 WIB" (some are empty)
OLDER_EDITOR = ("div.red",)  # "Red: Name"
TITLE_SUFFIX = re.compile(r"\s*[|-]\s*Republika\s*(Online)?\s*$", re.I)
_BYLINE = re.compile(r"(?:Rep\s*:\s*(?P<rep>.*?))?\s*/?\s*Red\s*:\s*(?P<red>.+)$", re.I | re.S)


def _byline(page: Page) -> tuple[list[str], list[str]]:
    """(reporters, editors) from "Rep: X/ Red: Y" (either part may be missing)."""
    for sel in BYLINE:
        for node in select(page.doc, sel):
            text = clean(node.text(deep=True))
            if "Red" not in text and "Rep" not in text:
                continue
            m = _BYLINE.search(text)
            if m:
                return split_people(m.group("rep") or ""), split_people(m.group("red"))
            m = re.search(r"Rep\s*:\s*(.+)$", text, re.I)
            if m:
                return split_people(m.group(1)), []
    return [], page.ld_people("author")  # Republika's JSON-LD author is the editor


def _older(page: Page) -> Article:
    """A 2016-17 page: read by its template's selectors (see `older`); a page of none of them the generic
    way, its date line and "Red:" editor line read here."""
    known = older.parse(page)
    if known is not None:
        return known
    article = generic.parse(page)
    published = article.published or parse_text(page.first_text(OLDER_DATE))
    line = _BYLINE.search(page.first_text(OLDER_EDITOR))
    editors = split_people(line.group("red")) if line else []
    return dataclasses.replace(article, portal="republika", published=published,
                               updated=article.updated or published, editors=tuple(editors) or article.editors)


def _older_template(page: Page) -> bool:
    """An article page (it says so) with none of the known templates' containers nor a JSON-LD body."""
    # today's desktop page stops at the first selector (asked alone: a selector list costs more per element); an
    # AMP or older page asks the rest in one query
    return (page.first(TEMPLATE[:1]) is None and not page.any_match(TEMPLATE[1:]) and declares_article(page)
            and not isinstance(page.ld_article.get("articleBody"), str))


def parse(page: Page) -> Article:
    """Parse a Republika article page (desktop or AMP); an older template is read the generic way."""
    if _older_template(page):
        return _older(page)
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    if not body:
        text = page.ld_article.get("articleBody")
        if isinstance(text, str):
            body = [clean(p) for p in text.split("\n") if clean(p)]
    authors, editors = _byline(page)
    published = (page.ld_date("datePublished") or page.meta_date("article:published_time")
                 or parse_text(page.first_text(DATE)))
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    return Article(
        url=page.canonical(),
        portal="republika",
        title=title,
        authors=tuple(authors),
        editors=tuple(editors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(page.later_pages(PAGE_LINKS, "page")),
        not_article=non_article_reason(page, title, body),
    )
