"""detik's 2015-16 template (/read/YYYY/MM/DD/... on news., inet., finance., ...): selectors as data.

Seen on a captured page: the headline `h1` is followed by `div.author` ("<strong>Name</strong> - detikinet") and
`div.date` ("Kamis, 05/11/2015 10:08 WIB") as its next sibling elements (the page's other `div.date` lines date
the story lists before it), a photo with caption in `div.pic_artikel`, and the story in `div.text_detail`: a
"<strong>Jakarta</strong> -" dateline, paragraphs split by <br><br>, the desk initials "(fyk/ash)" closing it.
The photo pages (/readfoto/) have no `div.text_detail` and are read as before.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from parsers import generic
from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people
from parsers.dates import parse_text
from parsers.region import Region, markers

BODY = ("div.text_detail",)
TITLE = ("h1",)
AUTHOR = "div.author"
DATE = "div.date"
SKIP = (".pic_artikel", ".banner_inside_article", ".label_fokus", "#bacajugabox")
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*detik\w*\s*$", re.I)
# "Fino Yurio Kristo - detikinet": the channel label is not a name
_CHANNEL = re.compile(r"\s*-\s*detik\w*\s*$", re.I)
_SIBLINGS = 4  # how far after the headline the byline and date line may sit
# The fast path's region: from the headline (the page's first <h1>; its byline and date line follow it) to past
# the desk initials or the share box after the story. The parser reads nothing else outside the <head>.
REGIONS = (
    Region(start=("<h1",), body='class="text_detail"', end=("<!--E:AUTHOR INISIAL-->", 'class="articleshare2"'),
           only_inside=markers(*BODY), before=markers(*TITLE)),
)


def _after_headline(headline: LexborNode | None) -> dict[str, str]:
    """The byline and date line texts among the few elements right after the headline, by selector."""
    found: dict[str, str] = {}
    node = headline.next if headline is not None else None
    seen = 0
    while node is not None and seen < _SIBLINGS:
        if node.tag != "-text" and node.tag != "_comment":
            seen += 1
            for selector in (AUTHOR, DATE):
                if selector not in found and generic.has_shape(node, selector):
                    found[selector] = clean(node.text(deep=True))
        node = node.next
    return found


def parse(page: Page) -> Article | None:
    """The article of a 2015-16 template page, or None when the page has no `div.text_detail`."""
    container = page.first(BODY)
    if container is None:
        return None
    headline = page.first(TITLE)
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, SKIP)  # (as today's template: the desk initials split off)
    lines = _after_headline(headline)
    authors = split_people(_CHANNEL.sub("", lines.get(AUTHOR, "")))
    # meta[name=pubdate] is local time marked as UTC (as on today's template): never read it
    published = parse_text(lines.get(DATE, ""))
    return Article(
        url=page.canonical(),
        portal="detik",
        title=title,
        authors=tuple(authors),
        published=published,
        updated=published,
        body=tuple(body),
        desk=desk,
        not_article=non_article_reason(page, title, body),
    )
