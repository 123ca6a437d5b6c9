"""Tempo's 2015-16 /read/news/ templates (Indonesian kanal hosts and en.tempo.co): selectors as data.

Seen on captured pages: the Indonesian one keeps headline, date line ("Rabu, 21 Oktober 2015 | 14:05 WIB"),
photo with caption and the paragraphs together in `div.artikel`; the English one has the date line in a
`div.tanggal` right before `div.judul-konten` (the headline) and the paragraphs in `div.tubuh-berita`. The
reporter's name in capitals ends the story as its own paragraph and stays in the body.
"""
from __future__ import annotations

import dataclasses
import re

from selectolax.lexbor import LexborNode

from parsers import generic
from parsers.article import Article
from parsers.common import Page, clean, non_article_reason
from parsers.dates import parse_text
from parsers.query import select_first
from parsers.region import Region, markers


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    """Where one older template keeps its article (CSS selectors; `body` tells the template)."""

    body: str
    title: tuple[str, ...]
    date: str  # the date line: the first such element in the body, else the nearest one before the headline
    skip: tuple[str, ...] = ()  # inside the body: not the story
    # the story is the body's child elements of this tag, each read as a container of its own (one <p> may
    # hold several paragraphs and subheadings split by <br>), else the whole body
    parts: str | None = None


ARTIKEL_2015 = Template("div.artikel", ("div.artikel h1",), ".block-tanggal",
                        (".block-kanal-map", ".block-tanggal", ".deskripsi", ".caption"), parts="p")
ENGLISH_2015 = Template("div.tubuh-berita", ("div.judul-konten",), "tanggal")
TEMPLATES = (ARTIKEL_2015, ENGLISH_2015)
ANY_BODY = ", ".join(t.body for t in TEMPLATES)
# The fast path's regions: the Indonesian page's story element whole; the English page from the link trail just
# before its date line and headline to the story's end. Neither template carries a byline the parser would miss
# (the reporter ends the story as a paragraph).
REGIONS = (
    Region(start=('class="artikel"',), body='class="artikel"', end=("<!-- end artikel -->", 'class="share-konten'),
           only_inside=markers(ARTIKEL_2015.body), bylines=False),
    # (the story's end tag and the comment after it: nothing past them is read, no slack needed)
    Region(start=('id="blok-sitemap"',), body='class="tubuh-berita"', end=("</div> <!-- END TUBUH BERITA -->",),
           only_inside=markers(ENGLISH_2015.body, *ENGLISH_2015.title), bylines=False),  # (the first headline)
)
_YEAR_COMMA = re.compile(r"(?<=[A-Za-z]),(?=\s*\d{4}\b)")  # "04 November, 2015": the date parser wants no comma
TITLE_SUFFIX = re.compile(r"\s*[|-]\s*tempo(\.co)?(\s+\w+)?\s*$", re.I)  # "| Tempo Gaya", "- Tempo.co"


def _template(page: Page) -> tuple[Template, LexborNode] | None:
    node = select_first(page.doc, ANY_BODY)
    if node is None:
        return None
    for template in TEMPLATES:
        if generic.has_shape(node, template.body):
            return template, node
    return None


def _date_line(page: Page, template: Template, container: LexborNode) -> str:
    """The date line: inside the body container, or the sibling element just before the headline (the
    English page lists other stories' `div.tanggal` lines before it)."""
    if template.date.startswith("."):
        node = select_first(container, template.date)
        return clean(node.text(deep=True)) if node is not None else ""
    headline = page.first(template.title)
    sibling = headline.prev if headline is not None else None
    while sibling is not None and sibling.tag == "-text":
        sibling = sibling.prev
    if sibling is not None and template.date in (sibling.attributes.get("class") or "").split():
        return clean(sibling.text(deep=True))
    return ""


def parse(page: Page) -> Article | None:
    """The article of a page of one of the older templates, or None when the page has none of them."""
    found = _template(page)
    if found is None:
        return None
    template, container = found
    headline = page.first(template.title)  # (the date line is found next to it: one query for both)
    title = (clean(headline.text(deep=True)) if headline is not None else "") or page.title((), TITLE_SUFFIX)
    parts = [n for n in container.iter() if n.tag == template.parts] if template.parts else []
    body, desk = generic.container_body(parts, title, template.skip) if parts else ([], None)
    if not body:
        body, desk = generic.container_body((container,), title, template.skip)
    line = _YEAR_COMMA.sub("", _date_line(page, template, container))
    published = page.meta_date(*generic.DATE_META) or parse_text(line)
    return Article(
        url=page.canonical(),
        portal="tempo",
        title=title,
        editors=tuple(page.ld_people("editor")),
        published=published,
        updated=page.meta_date("article:modified_time") or published,
        body=tuple(body),
        desk=desk,
        not_article=non_article_reason(page, title, body),
    )
