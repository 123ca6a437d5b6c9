"""The Tribun network (www., m. and every regional *.tribunnews.com): selectors and paging."""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

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


_OWNERS = "#penulis, #editor"  # the byline elements AUTHORS and EDITORS read, found in one walk of the page


def byline_owners(page: Page) -> dict[str, list[LexborNode]] | None:
    """The elements with id "penulis" and "editor" (by lower-cased id: a page without a doctype matches ids in
    any case), each list in page order; None when an id is neither (then each selector is asked on its own)."""
    owners: dict[str, list[LexborNode]] = {"penulis": [], "editor": []}
    for node in select(page.doc, _OWNERS):
        found = owners.get((node.id or "").lower())
        if found is None:
            return None
        found.append(node)
    return owners


def _links(page: Page, selector: str, owners: list[LexborNode] | None) -> list[LexborNode]:
    """`select(page.doc, selector)` for "#id a": the links inside the one element with that id (none without
    one); a page with several such elements is asked as written."""
    if owners is None or len(owners) > 1:
        return select(page.doc, selector)
    if not owners:
        return []
    owner = owners[0]
    return [n for n in select(owner, "a") if n.mem_id != owner.mem_id]  # (the scope itself is no descendant)


def _people(page: Page, selectors: tuple[str, str], owners: list[LexborNode] | None) -> list[str]:
    links = [clean(n.text(deep=True)) for n in _links(page, selectors[0], owners)]
    names = [n for n in links if n]
    if names:
        return list(dict.fromkeys(names))
    node = page.first(selectors[1:]) if owners is None else owners[0] if owners else None
    return split_people(node.text(deep=True), _LABELS) if node is not None else []


_ANCESTORS_CHECKED = 3  # <time> elements looked up from before asking CSS (related-story lists hold dozens)


def _inside_article(node: LexborNode) -> bool | None:
    """Whether an ancestor of `node` has the id "article" (None: one has it in another case, which only a page
    without a doctype matches)."""
    parent = node.parent
    while parent is not None:
        ident = parent.id
        if ident is not None and len(ident) == 7:
            if ident == "article":
                return True
            if ident.lower() == "article":
                return None
        parent = parent.parent
    return False


def time_element(page: Page) -> LexborNode | None:
    """`page.first(DATE)`: the first <time> inside #article, else the first <time>. The <time> elements come
    from the tag lookup (a page with none needs no CSS query) and the first few are looked up from."""
    times = select(page.doc, "time")
    if not times:
        return None
    for node in times[:_ANCESTORS_CHECKED]:
        inside = _inside_article(node)
        if inside is None:
            break
        if inside:
            return node
    else:
        if len(times) <= _ANCESTORS_CHECKED:
            return times[0]
    return page.first(DATE)


def parse(page: Page) -> Article:
    """Parse a Tribun network article page."""
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    owners = byline_owners(page)
    authors = _people(page, AUTHORS, None if owners is None else owners["penulis"]) or page.ld_people("author")
    editors = _people(page, EDITORS, None if owners is None else owners["editor"]) or page.ld_people("editor")
    time_node = time_element(page)
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
