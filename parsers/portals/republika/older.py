"""Republika's 2016-17 templates (news, "In Picture", ihram.co.id jurnal haji): selectors as data.

Seen on captured pages: a `div.date-detail` / `div.date-pic` date line ("Rabu, 02 Maret 2016, 09:40 WIB"),
the headline in `.jdl-detail h2` / `div.h5.global-detail` (the photo pages only have og:title), the story
in `div.content-detail` / `div.teaser-pic` / `div.teaser.global-detail`, and a `div.red` line naming the
editor ("Red: Name", or a small table "Redaktur : Name  Sumber : ...").
"""
from __future__ import annotations

import dataclasses
import re

from selectolax.lexbor import LexborNode

from parsers import generic
from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_text
from parsers.query import select
from parsers.region import Region, markers


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    """Where one older template keeps its article (one "tag.class" selector each; `body` tells the template)."""

    body: str
    title: str | None
    date: str


NEWS_2016 = Template("div.content-detail", "div.jdl-detail", "div.date-detail")  # (the title: its only <h2>)
PICTURE_2016 = Template("div.teaser-pic", None, "div.date-pic")  # "In Picture: ..." in .jdl-pic: og:title is cleaner
IHRAM_2017 = Template("div.teaser.global-detail", "div.h5.global-detail", "div.date-detail")
TEMPLATES = (NEWS_2016, PICTURE_2016, IHRAM_2017)
EDITOR = "div.red"
# every selector in one query: one walk of the page instead of one per selector
_ALL = ", ".join(dict.fromkeys(s for t in TEMPLATES for s in (t.body, t.title, t.date) if s)) + ", " + EDITOR
# The fast path's regions: from the template's first line (the date line, or the photo page's headline) to past
# the story, and no editor line after that (the parser takes the page's first title, date line, story container
# and editor line). None of these templates carries a byline the parser would miss.
REGIONS = (
    Region(start=('class="date-detail"',), body='class="content-detail"', end=('class="wp-sosmed-d"',),
           only_inside=markers(EDITOR, NEWS_2016.body), before=markers(NEWS_2016.date, NEWS_2016.title or ""),
           bylines=False),
    Region(start=('class="jdl-pic"',), body='class="teaser-pic"', end=('class="red"',),
           only_inside=markers(EDITOR, PICTURE_2016.body), before=markers(PICTURE_2016.date), bylines=False),
    Region(start=('class="date-detail global-detail"',), body='class="teaser global-detail"', end=('class="social"',),
           # (its title, div.h5.global-detail, by its other class: "global-detail" is on every part)
           only_inside=(*markers(EDITOR), "teaser"), before=(*markers(IHRAM_2017.date), "h5"),
           bylines=False),  # ("global-detail": on every part)
)
NOISE = ("div.red", ".caption", ".cap-foto")  # the photo pages' editor table sits inside the story
TITLE_SUFFIX = re.compile(r"\s*[|-]\s*(Republika\s*(Online)?|ihram\.co\.id)\s*$", re.I)
# "Rep: A/ Red: B", "Red: B", "Redaktur : B  Sumber : kemenag.go.id" (either part may be missing)
_PEOPLE = re.compile(r"(?:Rep(?:orter)?\s*:\s*(?P<rep>.*?))?\s*/?\s*Red(?:aktur)?\s*:\s*(?P<red>.+?)"
                     r"(?:\s+Sumber\s*:.*)?$", re.I | re.S)


def _first_text(nodes: list[LexborNode], selector: str | None) -> str:
    """Cleaned text of the first of `nodes` matching `selector` that has any (as Page.first_text)."""
    if selector is None:
        return ""
    for node in nodes:
        if generic.has_shape(node, selector):
            text = clean(node.text(deep=True))
            if text:
                return text
    return ""


def _people(line: str) -> tuple[list[str], list[str]]:
    """(reporters, editors) from the `div.red` line."""
    m = _PEOPLE.search(line)
    if m is None:
        return [], []
    return split_people(m.group("rep") or ""), split_people(m.group("red"))


def parse(page: Page) -> Article | None:
    """The article of a page of one of the older templates, or None when the page has none of them."""
    nodes = select(page.doc, _ALL)
    found = next(((t, n) for n in nodes for t in TEMPLATES if generic.has_shape(n, t.body)), None)
    if found is None:
        return None
    template, container = found
    title = _first_text(nodes, template.title) or page.title((), TITLE_SUFFIX)
    body, desk = generic.container_body((container,), title, NOISE)
    authors, editors = _people(_first_text(nodes, EDITOR))
    published = page.meta_date(*generic.DATE_META) or parse_text(_first_text(nodes, template.date))
    return Article(
        url=page.canonical(),
        portal="republika",
        title=title,
        authors=tuple(authors),
        editors=tuple(editors),
        published=published,
        updated=page.meta_date("article:modified_time") or published,
        body=tuple(body),
        desk=desk,
        not_article=non_article_reason(page, title, body),
    )
