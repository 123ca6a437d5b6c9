"""HTML index pages (detik indeks, Tribun index-news, Republika indeks), read with selectolax.

Each portal's layout is data in `portals.INDEX_LAYOUTS`; when none matches (a template change, an
unknown page), every link on the page is scanned and only article-shaped URLs are kept.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from beritawatch.discovery._parsed import Found, Parsed, absolute, clean_text
from beritawatch.discovery.model import DiscoveryError, Limits
from beritawatch.discovery.portals import INDEX_LAYOUTS, IndexLayout, portal_of_host
from parsers import dates

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]*)")
_VOID = frozenset(b"area base br col embed hr img input keygen link meta param source track wbr".split())
# Elements the HTML parser closes by itself when the next one opens: they never nest deep.
_SELF_CLOSING = frozenset(b"p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp caption colgroup".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _charset(content_type: str | None, head: bytes) -> str:
    candidates: list[str] = []
    if content_type and "charset=" in content_type.lower():
        candidates.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    match = _META_CHARSET.search(head)
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return "utf-8"


def decode_html(content: bytes, content_type: str | None) -> str:
    """The page as text, by its declared charset (UTF-8 when none or unknown)."""
    return content.decode(_charset(content_type, content[:4096]), errors="replace")


def nesting_depth(data: bytes, stop_at: int | None = None) -> int:
    """The deepest element nesting the markup can build (an estimate from tags alone)."""
    depth = deepest = 0
    for match in _TAG.finditer(data):
        name = match.group(2).lower()
        if name in _VOID or name in _SELF_CLOSING:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    break
    return deepest


def _text(node: LexborNode | None, limit: int) -> str | None:
    if node is None:
        return None
    return clean_text(node.text(deep=True, separator=" "), limit)


def _item(node: LexborNode, layout: IndexLayout, limits: Limits, now: dt.datetime | None) -> Found | None:
    link = node.css_first(layout.link)
    if link is None:
        return None
    href = link.attributes.get("href")
    if not href:
        return None
    title = _text(node.css_first(layout.title), limits.max_field_chars) if layout.title else None
    title = title or clean_text(link.attributes.get("title"), limits.max_field_chars) \
        or _text(link, limits.max_field_chars)
    published = None
    if layout.time_attr:
        holder = node.css_first(layout.time_attr[0])
        if holder is not None:
            published = dates.parse_unix(holder.attributes.get(layout.time_attr[1]))
    if published is None and layout.time_text:
        raw = _text(node.css_first(layout.time_text), 200)
        published = dates.parse_indonesian(raw) or dates.parse_relative(raw, now)
    return Found(url=href, title=title, published=published)


def _layouts(source_url: str) -> list[IndexLayout]:
    """The source portal's own layout first, then the others."""
    try:
        portal = portal_of_host(urlsplit(source_url).hostname)
    except ValueError:
        portal = None
    return sorted(INDEX_LAYOUTS, key=lambda layout: layout.portal != portal)


def parse_index(content: bytes, content_type: str | None, source_url: str, limits: Limits,
                now: dt.datetime | None) -> Parsed:
    """Articles listed on an HTML index page."""
    problems: list[str] = []
    data = _readable_html(content, source_url, limits, problems)
    tree = LexborHTMLParser(decode_html(data, content_type))
    base = _base_url(tree, source_url, limits)
    found = _listed(tree, source_url, limits, now, problems)
    if found:
        return Parsed(kind="index", found=found, problems=problems, base_url=base)
    problems.append("no known index layout matched; kept the article-shaped links on the page")
    return Parsed(kind="index", found=_page_links(tree, limits, problems), problems=problems, base_url=base,
                  strict=True)


def _readable_html(content: bytes, source_url: str, limits: Limits, problems: list[str]) -> bytes:
    """The page cut to `limits.html_bytes` (noted in `problems`); raises for binary or too deeply nested content."""
    data = content
    if len(data) > limits.html_bytes:
        data = data[: limits.html_bytes]
        problems.append(f"page is {len(content):,} bytes; read only the first {limits.html_bytes:,}")
    head = data[:2048].lstrip()
    if b"\x00" in head and b"<" not in head:
        raise DiscoveryError(source_url, "binary content, not an HTML page")
    depth = nesting_depth(data, stop_at=limits.html_depth)
    if depth > limits.html_depth:
        raise DiscoveryError(source_url, f"HTML nests more than {limits.html_depth:,} elements deep "
                                         "(real index pages nest < 100)")
    return data


def _base_url(tree: LexborHTMLParser, source_url: str, limits: Limits) -> str:
    """What relative links resolve against: the page's `<base href>`, else its own URL."""
    base_node = tree.css_first("base[href]")
    if base_node is None:
        return source_url
    return absolute(base_node.attributes.get("href") or "", source_url, limits.max_field_chars) or source_url


def _listed(tree: LexborHTMLParser, source_url: str, limits: Limits, now: dt.datetime | None,
            problems: list[str]) -> list[Found]:
    """The items of the first index layout that finds any (the source portal's own first)."""
    for layout in _layouts(source_url):
        found: list[Found] = []
        for node in tree.css(layout.item):
            item = _item(node, layout, limits, now)
            if item is not None:
                found.append(item)
                if len(found) >= limits.max_candidates:
                    problems.append(f"kept the first {limits.max_candidates:,} listed articles")
                    break
        if found:
            return found
    return []


def _page_links(tree: LexborHTMLParser, limits: Limits, problems: list[str]) -> list[Found]:
    """Every link on the page, up to four times the candidate limit (the caller keeps article shapes)."""
    found = []
    for link in tree.css("a[href]"):
        found.append(Found(url=link.attributes.get("href") or "",
                           title=clean_text(link.attributes.get("title"), limits.max_field_chars)
                           or _text(link, limits.max_field_chars)))
        if len(found) >= limits.max_candidates * 4:  # most links on a page are navigation
            problems.append("stopped scanning links at the limit")
            break
    return found
