"""What every portal parser shares: the parsed page (meta, JSON-LD, canonical URL) and body extraction."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers import noise
from parsers.dates import parse_any
from parsers.decode import defuse
from parsers.media import media_reason
from parsers.query import matching_ids, select, select_first

_ASCII_SPACES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what str.split() splits on in ASCII, but " "
_INVISIBLE = str.maketrans({"\u200b": " ", "\u200c": " ", "\u200d": " ", "\ufeff": " "})
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote table thead tbody tfoot tr td th caption section "
    "article aside header footer nav main pre hr center address details summary fieldset".split()
)
_BLANK_LINE = re.compile(r"\n\s*\n")
_DATELINE = re.compile(r"^[A-Z][\w .,'()/&]{0,60}?\s*(?:-{1,2}|\u2013|\u2014)$")
_DATELINE_LAST = frozenset("-\u2013\u2014\n")
# json.loads(text, strict=False) builds a decoder per call (~4 µs); a page's JSON-LD is read with this one
# (the same reading: a text with a BOM or any other error is a ValueError either way)
_JSON_LD = json.JSONDecoder(strict=False)
_ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
     "BlogPosting", "Report", "LiveBlogPosting", "BackgroundNewsArticle"}
)


def clean(text: str | None) -> str:
    """Collapse whitespace (nbsp, zero-width spaces included) and strip."""
    if not text:
        return ""
    if text[0] != " " and text[-1] != " " and "  " not in text:
        # already clean (most paragraphs): ASCII text without the ASCII whitespace str.split() knows but " "
        # (deleting those bytes is ~2x quicker than isprintable()), other text without unprintable characters
        # (every other whitespace and zero-width character is one): exactly where split/join gives it back
        if text.isascii():
            if len(text.encode().translate(None, _ASCII_SPACES)) == len(text):
                return text
        elif text.isprintable():
            return text
    if not text.isascii():
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like run of text, with how much of it is link text."""

    text: str
    link_ratio: float


class Page:
    """A parsed HTML page plus the lookups every portal parser needs."""

    def __init__(self, text: str, url: str, domain: str | None = None, *, whole: bool = True) -> None:
        self.text = text
        self.url = url
        self.domain = domain  # the portal's registrable domain, for the canonical-URL check
        self.whole = whole  # False for the fast path's cut (<head> + article region)
        # scripting=True as in a browser: a <noscript> in <head> must not push <head> into <body>
        self.doc = LexborHTMLParser(defuse(text), scripting=True)
        self._meta: dict[str, str] | None = None
        self._ld: list[dict[str, Any]] | None = None
        self._firsts: dict[str, LexborNode | None] = {}
        self._any: dict[tuple[str, ...], bool] = {}

    # --- metadata ---------------------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, str]:
        """<meta> content by name/property/itemprop (lower-cased key; the first one wins)."""
        if self._meta is None:
            found: dict[str, str] = {}
            scope = self.doc.head or self.doc.root
            for node in select(scope, "meta") if scope is not None else ():
                attrs = node.attributes
                key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
                content = attrs.get("content")
                if key and content is not None:
                    found.setdefault(key.lower(), content)
            self._meta = found
        return self._meta

    @property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, @graph members included."""
        if self._ld is None:
            objects: list[dict[str, Any]] = []
            for node in select(self.doc, 'script[type="application/ld+json"]'):
                try:
                    data = _JSON_LD.decode(node.text(deep=True) or "null")
                except (ValueError, RecursionError):
                    continue
                objects.extend(_ld_objects(data))
            self._ld = objects
        return self._ld

    @property
    def ld_article(self) -> dict[str, Any]:
        """The page's JSON-LD NewsArticle (or Article...), or {}."""
        for obj in self.jsonld:
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds):
                return obj
        return {}

    def first(self, selectors: Iterable[str]) -> LexborNode | None:
        """The first element matching the first selector that matches anything."""
        for sel in selectors:
            if sel in self._firsts:  # parsers ask again (Tempo: which template, then its body); the tree is read-only
                node = self._firsts[sel]
            else:
                node = self._firsts[sel] = select_first(self.doc, sel)
            if node is not None:
                return node
        return None

    def any_match(self, selectors: Sequence[str]) -> bool:
        """Whether some element matches one of `selectors`: `first(selectors) is not None`, with the selectors not
        asked yet asked in one query (its answer kept; when nothing matches, `first` then knows each finds nothing)."""
        if any(self._firsts.get(sel) is not None for sel in selectors):
            return True
        pending = tuple(sel for sel in selectors if sel not in self._firsts)
        if not pending:
            return False
        found = self._any.get(pending)
        if found is None:
            found = self._any[pending] = select_first(self.doc, ", ".join(pending)) is not None
            if not found:
                self._firsts.update(dict.fromkeys(pending))
        return found

    def first_text(self, selectors: Iterable[str]) -> str:
        """Cleaned text of the first non-empty element matching, in selector order."""
        for sel in selectors:
            for node in select(self.doc, sel):
                text = clean(node.text(deep=True))
                if text:
                    return text
        return ""

    def title(self, selectors: Sequence[str], suffix: re.Pattern[str] | None = None) -> str:
        """The headline: page selectors, then JSON-LD headline, then og:title / <title> minus the site suffix."""
        text = self.first_text(selectors)
        if text:
            return text
        headline = self.ld_article.get("headline")
        if isinstance(headline, str) and clean(headline):
            return clean(headline)
        for raw in (self.meta.get("og:title"), self.first_text(("title",))):
            text = clean(raw)
            if suffix is not None:
                text = clean(suffix.sub("", text))
            if text:
                return text
        return ""

    def ld_people(self, key: str = "author") -> list[str]:
        """Names of JSON-LD people (author, editor) of the article."""
        return ld_names(self.ld_article.get(key))

    def ld_date(self, key: str) -> dt.datetime | None:
        value = self.ld_article.get(key)
        return parse_any(value) if isinstance(value, str) else None

    def meta_date(self, *keys: str) -> dt.datetime | None:
        """The first of the <meta> values under `keys` (any case: `meta` holds them lower-cased) read as a date."""
        for key in keys:
            when = parse_any(self.meta.get(key.lower()))
            if when is not None:
                return when
        return None

    # --- URLs -------------------------------------------------------------------------------------
    def canonical(self) -> str:
        """link[rel=canonical] or og:url when it stays on this portal, else the fetched URL; no page parameter."""
        candidates: list[str | None] = []
        head = self.doc.head  # (where it nearly always is: the body is not walked then; the head comes first)
        link = (select_first(head, _CANONICAL) if head is not None else None) or select_first(self.doc, _CANONICAL)
        if link is not None:
            candidates.append(link.attributes.get("href"))
        candidates.append(self.meta.get("og:url"))
        for raw in candidates:
            absolute = absolute_url(self.url, raw)
            if absolute and self.same_portal(absolute) and not _home_or_section_above(self.url, absolute):
                return strip_page_params(absolute)
        return strip_page_params(self.url)

    def same_portal(self, url: str) -> bool:
        """True when `url` is on this page's portal (or on its host, for unknown sites)."""
        host = host_of(url)
        if self.domain is None:
            return host == host_of(self.url)
        return host == self.domain or host.endswith("." + self.domain)

    def links(self, selector: str) -> list[str]:
        """Absolute hrefs of the matching links, in page order, without duplicates."""
        out: list[str] = []
        for node in select(self.doc, selector):
            absolute = absolute_url(self.url, node.attributes.get("href"))
            if absolute and absolute not in out:
                out.append(absolute)
        return out

    def later_pages(self, selector: str, param: str) -> list[str]:
        """Links to pages after this one, numbered by the `param` query parameter (page=2 ...).

        Also follows `link[rel=next]`. A page whose own `param` is not a number ("all") has none.
        """
        current = query_number(self.url, param)
        if current is None:
            return []
        later: list[str] = []
        for link in self.links(f"{selector}, link[rel=next]"):
            number = query_number(link, param)
            if number is not None and number > current and self.same_portal(link) and link not in later:
                later.append(link)
        return later

    # --- body -------------------------------------------------------------------------------------
    def body_container(self, selectors: Sequence[str]) -> list[LexborNode]:
        """All elements matching the first selector that matches (Tempo repeats its wrapper id)."""
        for sel in selectors:
            nodes = select(self.doc, sel)
            if nodes:
                return nodes
        return []

    def body(self, selectors: Sequence[str], noise_selectors: Sequence[str] = ()) -> tuple[list[str], str | None]:
        """Paragraphs (noise removed, dateline joined) and trailing desk initials."""
        blocks: list[Block] = []
        containers = self.body_container(selectors)
        skip_selectors = (*noise.SELECTORS, *noise_selectors)
        skip = None
        if len(containers) > 2:  # one query over the page beats one per container (Tempo repeats ~15)
            query = noise_query(tuple(skip_selectors))[1]
            skip = matching_ids(self.doc, query) if query else set()
        for container in containers:
            blocks.extend(extract_blocks(container, skip_selectors, skip))
        return clean_blocks(blocks)


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            for item in graph:
                yield from _ld_objects(item)


def ld_names(value: Any) -> list[str]:
    """Person names from a JSON-LD author/editor value (string, object or list)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            name = clean(name)
            if name and name not in names:
                names.append(name)
    return names


# "http(s)://" and a lower-case host of letters, digits, dots and hyphens up to "/", "?", "#" or the end: the
# netloc urlsplit finds there, and (no "@", ":", "[" or "%" in it) the hostname it gives (~2 µs a URL saved; a
# parse asks for a host 3-10 times)
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?=[/?#]|\Z)")


def host_of(url: str) -> str:
    """Lower-case host of a URL, '' when it has none or is malformed."""
    url = url.strip()
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return plain.group(1).rstrip(".")
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


_CANONICAL = 'link[rel="canonical"]'
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/home", "/beranda", "/en", "/id"})


def is_home_url(url: str) -> bool:
    """True for a site's home page (a canonical link pointing there is a template mistake, not the article)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return parts.path.lower() in _HOME_PATHS and not parts.query


_SECTION_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?", re.IGNORECASE)  # "internasional", "news-rejabar"


def points_up(page: str, link: str) -> bool:
    """Whether `link` is the home page or a section folder above `page` (a canonical link that
    says nothing about the article); a slug above the page (page 2 -> page 1) is not."""
    try:
        above = [s for s in urllib.parse.urlsplit(link).path.split("/") if s]
        below = [s for s in urllib.parse.urlsplit(page).path.split("/") if s]
    except ValueError:
        return False
    if host_of(link) != host_of(page) and above:
        return False
    if not above:
        return bool(below)
    return len(above) < len(below) and below[: len(above)] == above and all(
        _SECTION_WORD.fullmatch(segment) for segment in above)


def _home_or_section_above(page: str, link: str) -> bool:
    """Whether a canonical link names the site's home or a section folder above the page."""
    return is_home_url(link) or (link != page and points_up(page, link))  # (a page is never above itself)


_NOT_PLAIN = re.compile(r"[;?#\[\]\t\n\r]")
# a host, then a path or nothing, then a query or nothing (urlsplit and urlunsplit give a non-empty query back as it
# was: a page link "…?page=2" needs no urljoin, ~5 µs each)
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/;?#\[\]\t\n\r][^;?#\[\]\t\n\r]*(?:\?[^;?#\[\]\t\n\r]+)?")


def _plain_ascii(url: str) -> bool:
    return url.isascii() and _NOT_PLAIN.search(url) is None


def absolute_url(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`; None for empty, fragment, javascript: or malformed links."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:
        # an absolute http(s) URL with a host, in plain ASCII without ";?#[]" (nothing urlsplit normalises, splits
        # off or refuses), is what urljoin gives back: ~3 µs saved on a canonical link
        plain = _PLAIN_ABSOLUTE.fullmatch(href) is not None and href.isascii() and _plain_ascii(base)
        absolute = href if plain else urllib.parse.urljoin(base, href)
        _ = urllib.parse.urlsplit(absolute).port  # raises on a malformed port
    except ValueError:
        return None
    return absolute


_PAGE_PARAMS = frozenset({"page", "page_num", "single", "amp", "utm_source", "utm_medium", "utm_campaign"})


def query_number(url: str, param: str) -> int | None:
    """The page number in `url`'s `param` (1 when absent), None when it is not a number ("all")."""
    if "?" not in url:
        return 1  # no query
    try:
        values = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get(param)
    except ValueError:
        return 1
    if not values:
        return 1
    return int(values[0]) if values[0].isdigit() and len(values[0]) < 6 else None


def strip_page_params(url: str) -> str:
    """Drop pagination query parameters (page, single) and the fragment."""
    if "?" not in url and "#" not in url:
        return url
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _PAGE_PARAMS]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, urllib.parse.urlencode(query), ""))


_PEOPLE_SEPARATOR = re.compile(r"\s*(?:,|&|\||\s+dan\s+)\s*")


def split_people(text: str, labels: Sequence[str] = ()) -> list[str]:
    """Names from a byline text: labels ("Penulis:") removed, split on commas, '&' and ' dan '."""
    text = clean(text)
    for label in labels:
        text = re.sub(rf"^\s*{label}\s*:?\s*", "", text, flags=re.I)
    names = []
    for part in _PEOPLE_SEPARATOR.split(text):
        part = clean(part.strip(" -:"))
        if part and part not in names:
            names.append(part)
    return names


_BARE_TAG = re.compile(r"[a-z][a-z0-9-]*")
# a compound selector that only matches elements with a class (".ads", "blockquote.tweet", "[class*=ads-]") or
# with an id ("#next", "[id^=bn_]"); escapes such as ".lg\\:hidden" included
_NEEDS_CLASS = re.compile(r"[a-z0-9-]*(?:\.(?:[\w-]|\\.)+|\[class(?:[*^$~|]?=[^\]]*)?\])+")
_NEEDS_ID = re.compile(r"[a-z0-9-]*(?:#(?:[\w-]|\\.)+|\[id(?:[*^$~|]?=[^\]]*)?\])+")


@functools.lru_cache(maxsize=64)
def noise_query(selectors: tuple[str, ...]) -> tuple[frozenset[str], str]:
    """Noise selectors split into bare tag names (the walk checks the tag it already has) and one CSS
    query for the rest (Lexbor tests every element against every selector: fewer is quicker). Selectors
    that need a class go under one `[class]:is(...)`, those that need an id under one `[id]:is(...)`:
    an element without that attribute is ruled out by one test, not one per selector (~20 % quicker)."""
    tags = frozenset(s for s in selectors if _BARE_TAG.fullmatch(s))
    rest = [s for s in selectors if s not in tags]
    by_class = [s for s in rest if _NEEDS_CLASS.fullmatch(s)]
    by_id = [s for s in rest if s not in by_class and _NEEDS_ID.fullmatch(s)]
    others = [s for s in rest if s not in by_class and s not in by_id]
    groups = [f"[{name}]:is({', '.join(group)})" for name, group in (("class", by_class), ("id", by_id)) if group]
    return tags, ", ".join((*groups, *others))


def _add_blocks(blocks: list[Block], raw: str, link_chars: int, in_p: bool) -> None:
    """The blocks of one run of text between block boundaries: its lines (blank-line paragraphs in a <p>)."""
    if raw.isspace():
        return  # the markup's indentation between blocks (clean() would make it "")
    if "\n" not in raw:
        text = clean(raw)  # one piece: its cleaned text is also the total
        if text:
            blocks.append(Block(text, min(1.0, link_chars / len(text)) if link_chars else 0.0))
        return
    pieces = _BLANK_LINE.split(raw) if in_p else raw.split("\n")
    total = max(1, len(clean(raw)))
    for piece in pieces:
        text = clean(piece)
        if text:
            blocks.append(Block(text, min(1.0, link_chars / total)))


class _Blocks:
    """The text of a walk, cut into blocks at block boundaries, with how much of each is link text."""

    __slots__ = ("blocks", "parts", "link_chars", "in_link", "in_p")

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.in_link = 0
        self.in_p = 0

    def text(self, value: str) -> None:
        """Add a text node's text (indentation before a block's first words is nothing)."""
        if self.parts or not value.isspace():
            self.parts.append(value)
            if self.in_link:
                self.link_chars += len(value.strip())

    def cut(self) -> None:
        if self.parts:
            _add_blocks(self.blocks, "".join(self.parts), self.link_chars, self.in_p > 0)
            self.parts.clear()
            self.link_chars = 0

    def leaf(self, tag: str, value: str | None) -> None:
        """An element holding one text node `value` (None: no text): what entering it, reading the text
        and leaving it does, without a step of the walk (most paragraphs are one)."""
        if tag in _BLOCKS:  # a block of its own, between two cuts
            if self.parts:
                self.cut()
            if value and not value.isspace():
                link_chars = len(value.strip()) if self.in_link else 0
                if "\n" in value:
                    _add_blocks(self.blocks, value, link_chars, self.in_p > 0 or tag == "p")
                elif text := clean(value):  # (_add_blocks' one-line case, inline: most paragraphs)
                    self.blocks.append(Block(text, min(1.0, link_chars / len(text)) if link_chars else 0.0))
        elif value and (self.parts or not value.isspace()):
            self.parts.append(value)
            if self.in_link or tag == "a":
                self.link_chars += len(value.strip())

    def enter(self, tag: str) -> None:
        """Entering an element the walk steps into: a link, a block boundary, or nothing to note."""
        if tag == "a":
            self.in_link += 1
        elif tag in _BLOCKS:
            self.cut()
            self.in_p += tag == "p"

    def leave(self, tag: str) -> None:
        if tag == "a":
            self.in_link -= 1
        elif tag in _BLOCKS:
            self.cut()
            self.in_p -= tag == "p"


def _climb(stack: list[tuple[LexborNode, str]], out: _Blocks) -> LexborNode | None:
    """Leave the elements the walk is done with until one has a next sibling: that sibling (None: the end)."""
    while stack:
        parent, tag = stack.pop()
        out.leave(tag)
        if (sibling := parent.next) is not None:
            return sibling
    return None


def _noise_in(container: LexborNode, selectors: Sequence[str],
              skip: set[int] | None) -> tuple[frozenset[str], set[int]]:
    """(the bare tag names among `selectors`, the mem_ids of the other noise elements in `container`)."""
    noise_tags, query = noise_query(tuple(selectors))
    if skip is None:
        skip = matching_ids(container, query) if query else set()
    return noise_tags, skip


def extract_blocks(container: LexborNode, skip_selectors: Sequence[str], skip: set[int] | None = None) -> list[Block]:
    """Text of `container` split into blocks at block-level elements, skipping noise elements.

    `skip` (mem_ids of the elements `skip_selectors` other than bare tag names match, found once
    for several containers) saves the query.
    """
    noise_tags, skip = _noise_in(container, skip_selectors, skip)
    out = _Blocks()
    parts = out.parts
    # Iterative depth-first walk: pages can nest thousands of levels deep. One pass of this loop per node
    # (an element holding one text node is read with its text: one pass for both, most paragraphs).
    stack: list[tuple[LexborNode, str]] = []
    node = container.first_child
    while node is not None:
        tag = node.tag
        if tag == "-text":
            if value := node.text_content:
                out.text(value)
        elif tag == "br":
            parts.append("\n")
        elif tag and tag[0] != "-" and tag not in noise_tags and (not skip or node.mem_id not in skip):
            child = node.first_child
            if child is None or child.next is None and (value := child.text_content) is not None:
                out.leaf(tag, None if child is None else value)
            else:
                out.enter(tag)
                stack.append((node, tag))
                node = child
                continue
        sibling = node.next
        node = sibling if sibling is not None else _climb(stack, out)
    out.cut()
    return out.blocks


def clean_blocks(blocks: Sequence[Block]) -> tuple[list[str], str | None]:
    """Drop noise paragraphs, join a detached dateline to its paragraph, split off trailing desk initials."""
    paragraphs: list[str] = []
    pending_dateline = ""
    for block in blocks:
        text = block.text
        if noise.is_noise_text(text, block.link_ratio):
            continue
        # (a dateline ends in its dash: `$` matches only at the end or before a final newline)
        if not paragraphs and not pending_dateline and text[-1:] in _DATELINE_LAST and _DATELINE.match(text):
            pending_dateline = text
            continue
        if pending_dateline:
            text = f"{pending_dateline} {text}"
            pending_dateline = ""
        paragraphs.append(text)
    if pending_dateline:
        paragraphs.append(pending_dateline)
    desk = None
    if paragraphs:
        m = noise.DESK.search(paragraphs[-1])
        if m:
            desk = m.group(1)
            rest = clean(paragraphs[-1][: m.start()])
            if rest:
                paragraphs[-1] = rest
            else:
                paragraphs.pop()
    return paragraphs, desk


_ERROR = re.compile(r"\b(404|403|410|500|502|503|not found|tidak ditemukan|error|galat|access denied)\b", re.I)
_CONSENT = re.compile(r"\b(cookie|consent|persetujuan|privasi)\b", re.I)


# "Masuk untuk membaca artikel selengkapnya", "Login to continue reading", "Daftar untuk melanjutkan"
_LOGIN_PROMPT = re.compile(
    r"\b(masuk|login|log in|sign in|daftar|berlangganan|subscribe)\b.{0,40}?"
    r"\b(membaca|baca|melanjutkan|lanjut|continue|read)\b", re.I)
TEASER_MAX_CHARS = 1200  # a login-wall teaser shows a lede or two, not a whole story


# the prompt's first words: an ASCII paragraph holding none of them in any case is no prompt, found without the
# pattern (tried at every character, ignoring case: ~2-5 µs a paragraph, on every parse's last three)
_LOGIN_WORDS = ("masuk", "login", "log in", "sign in", "daftar", "berlangganan", "subscribe")


def _login_prompt(paragraph: str) -> bool:
    if paragraph.isascii():  # (ASCII text: its lower case is what the pattern's case rules compare)
        lower = paragraph.lower()
        if not any(word in lower for word in _LOGIN_WORDS):
            return False
    return _LOGIN_PROMPT.search(paragraph) is not None


def ends_in_login_prompt(body: Sequence[str]) -> bool:
    """One of the last three paragraphs is a short login prompt."""
    return any(len(p) < 200 and _login_prompt(p) for p in body[-3:])


def _login_teaser(page: Page, body: Sequence[str]) -> bool:
    """An article-shaped teaser that ends in a login prompt (real pages carry login modals with
    password fields too, so the prompt in the body is required, and a password form or a short
    body)."""
    if not ends_in_login_prompt(body):
        return False
    has_form = select_first(page.doc, 'input[type="password"]') is not None
    return has_form or sum(map(len, body)) < TEASER_MAX_CHARS


def non_article_reason(page: Page, title: str, body: Sequence[str]) -> str | None:
    """Why this page is not an article (media, index, login wall, error, consent page), or None."""
    media = media_reason(page, body)
    if media is not None:
        return media
    if title and body:
        return "login wall" if _login_teaser(page, body) else None
    head_title = page.first_text(("title",))
    if _ERROR.search(head_title) or _ERROR.search(title or ""):
        return "error page"
    if select_first(page.doc, 'input[type="password"]') is not None:
        return "login wall"
    if _CONSENT.search(head_title):
        return "consent page"
    if not body:
        headlines = select(page.doc, "h2 a[href], h3 a[href], h4 a[href], a[href] h2, a[href] h3, a[href] h4")
        return "index page" if len(headlines) >= 5 else "no article body"
    return "no article title"
