"""Tempo: the www.tempo.co Nuxt template (2024+) and the older *.tempo.co/read/ template (div#isi)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from parsers import generic, noise
from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_text
from parsers.media import declares_article
from parsers.portals.tempo import older
from parsers.query import select, select_first
from parsers.region import Region, markers

TITLE = ("article h1", "h1.title", "h1")
TITLE_SUFFIX = re.compile(r"\s*[|-]\s*tempo(\.co)?\s*$", re.I)
NUXT_BODY = ("#content-wrapper",)
NUXT_AUTHORS = ('article a[href*="/penulis/"]', 'a[href*="/penulis/"]')
NUXT_DATE = ("article p.text-neutral-900", "article time")
OLD_BODY = ("div#isi", "#isi")
OLD_AUTHORS = (".reporter a", ".title-reporter a", "[itemprop=author] [itemprop=name]")
OLD_DATE = ("#date", ".date", "time")
OLDER_DATE = (".block-tanggal",)  # 2015-16: "Rabu, 21 Oktober 2015 | 14:05 WIB"
OLDER_CAPTIONS = ".deskripsi, .caption"
# pre-2024 long articles: `?page_num=N` (unverified on a real page); the Nuxt template is one page
OLD_PAGE_LINKS = ".paging a[href], .pagination a[href]"
NOISE = (
    ".bacajuga", ".baca-juga", ".remp-banner", ".parallax-box", ".banner", "[id^=ads-]", "[id^=div-gpt]",
    ".lg\\:hidden", ".tags", ".tag", ".box-tag", ".iklan",
)
_LABELS = ("Reporter", "Penulis", "Editor")


# Both regions hold the page's whole first <article>, which alone tells the template (see `_pre_2024`).
# Nuxt: first <article> .. its end; every body wrapper must lie inside (its /penulis/ links may lie anywhere:
# on a cut page the authors come from JSON-LD or not at all, see `_authors`); the first body wrapper is looked
# for in that article only (as `_pre_2024` decides), so a pre-2024 page fails here without a scan of the rest
# (no <article> in another case before the first one: the parser reads the first <article>)
NUXT_REGION = Region(start=("<article",), body='id="content-wrapper"', end=("</article>",), nested="<article",
                     body_in_start=True, only_inside=markers(*NUXT_BODY),  # (the wrapper's id however written)
                     before=("<article",))
# pre-2024: first <article> (title, date, reporter) .. end of the article or of the page links; no
# class="reporter" / "title-reporter" after it (the first two byline selectors are read wherever they are; the
# third, itemprop="author", only when they find nothing: on a cut page that refuses the cut, see `_authors`)
OLD_REGION = Region(start=("<article",), body='id="isi"',
                    end=("</article>", 'class="pag'), nested="<article",
                    only_inside=markers(*OLD_BODY, *OLD_AUTHORS[:2], OLD_PAGE_LINKS), before=("<article",))
# a Nuxt page fails the old region only after a long scan; the 2015-16 templates' regions come last
REGIONS = (NUXT_REGION, OLD_REGION, *older.REGIONS)


def _flag_false(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _authors(page: Page, selectors: tuple[str, ...]) -> list[str]:
    names = page.ld_people("author")
    if names:
        return names
    if not page.whole and selectors is NUXT_AUTHORS:
        return []  # the Nuxt region is cut without looking for /penulis/ links outside it: no authors, whole page
    for sel in selectors:
        if not page.whole and sel == OLD_AUTHORS[-1]:
            return []  # the old region is cut without looking for itemprop="author" outside it: whole page
        found = [clean(n.text(deep=True)) for n in select(page.doc, sel)]
        found = [n for n in dict.fromkeys(found) if n]
        if found:
            return found
    meta = page.meta.get("author")
    return split_people(meta, _LABELS) if meta and "tempo" not in meta.lower() else []


def _older(page: Page) -> Article:
    """A 2015-16 page: read by its template's selectors (see `older`); a page of neither the generic way,
    without photo captions, its date line read here."""
    known = older.parse(page)
    if known is not None:
        return known
    article = generic.parse(page)
    captions = {clean(n.text(deep=True)) for n in select(page.doc, OLDER_CAPTIONS)}
    published = article.published or parse_text(page.first_text(OLDER_DATE))
    return dataclasses.replace(article, portal="tempo", body=tuple(p for p in article.body if p not in captions),
                               published=published, updated=article.updated or published)


def _older_template(page: Page) -> bool:
    """An article page (it says so) with none of the known templates' containers nor a JSON-LD body."""
    return (page.first(NUXT_BODY) is None and not page.any_match(OLD_BODY) and declares_article(page)
            and not isinstance(page.ld_article.get("articleBody"), str))


def parse(page: Page) -> Article:
    """Parse a Tempo article page (either template); a page with neither (2015-16 /read/news/) is read
    the generic way."""
    return _older(page) if _older_template(page) else _current(page)


def _pre_2024(page: Page) -> bool:
    """The /read/ template: a #isi, unless the page's first <article> holds a Nuxt body wrapper (then it is
    the 2024+ template whatever else it holds: the fast path's cut keeps that article whole, so it decides
    the same way)."""
    first = select_first(page.doc, "article")
    if first is not None and select_first(first, NUXT_BODY[0]) is not None:
        return False
    return page.any_match(OLD_BODY)


def _date_line(page: Page, old: bool) -> dt.datetime | None:
    """The date line's date. On a cut page only a Nuxt region's own `NUXT_DATE[0]` line is read: it is the page's
    first (the region is the first <article>), where one after the region could come before the region's
    `article time`; the pre-2024 date selectors match anywhere. Else None: the caller reads the whole page."""
    if page.whole:
        return parse_text(page.first_text(OLD_DATE if old else NUXT_DATE))
    line = "" if old else page.first_text(NUXT_DATE[:1])
    return parse_text(line) if line else None


def _published(page: Page, old: bool) -> dt.datetime | None:
    # article:published_time is "24 Juli 2026 | 11.32 WIB" on the Nuxt template: parse_any reads both
    return (page.ld_date("datePublished") or page.meta_date("article:published_time", "publishdate")
            or _date_line(page, old))


def _current(page: Page) -> Article:
    """A page of the Nuxt (2024+) or the /read/ (to 2023) template."""
    old = _pre_2024(page)
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(OLD_BODY if old else NUXT_BODY, NOISE)
    if not body:
        text = page.ld_article.get("articleBody")
        if isinstance(text, str):
            body = [clean(p) for p in text.split("\n") if clean(p)]
            body = [p for p in body if not noise.is_noise_text(p, 0.0)]
    published = _published(page, old)
    # (a cut page without a date: the date line may sit outside the region, the whole page decides: no authors)
    authors = _authors(page, OLD_AUTHORS if old else NUXT_AUTHORS) if published or page.whole else []
    editors = page.ld_people("editor")
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    paywalled = _flag_false(page.ld_article.get("isAccessibleForFree"))
    return Article(
        url=page.canonical(),
        portal="tempo",
        title=title,
        authors=tuple(authors),
        editors=tuple(editors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(page.later_pages(OLD_PAGE_LINKS, "page_num")) if old else (),
        paywalled=paywalled,
        not_article=non_article_reason(page, title, body),
    )

