"""Fallback for hosts without a portal parser, tuned for Indonesian news sites.

Body: the element holding most paragraph text (in-article subheadings kept), else JSON-LD
articleBody, else trafilatura; then Indonesian boilerplate lines are dropped ("Baca juga",
"Sumber:"/"Editor:" and photo-credit lines, desk credits such as "(***/Name)", related-article
teasers, copyright lines). The visible byline wins over structured data, next-page links are
reported, and a canonical link to the home page is ignored.
"""
from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterable, Sequence

from selectolax.lexbor import LexborNode

from parsers import noise
from parsers.article import Article
from parsers.common import (
    Block,
    Page,
    absolute_url,
    clean,
    clean_blocks,
    extract_blocks,
    host_of,
    noise_query,
    non_article_reason,
    split_people,
)
from parsers.dates import parse_any
from parsers.query import matching_ids, select, select_first

TITLE = ("h1",)
DATE_META = ("article:published_time", "og:published_time", "pubdate", "date", "dc.date", "publishdate")
MAX_EXTRACTOR_INPUT = 1_500_000  # characters; keeps the generic extractor's time bounded on huge pages
MIN_BODY_CHARS = 250  # a container with less text than this is not the article

# Elements inside the article container that never hold article text on Indonesian news sites.
NOISE = (
    "h1", "aside", "nav", "header", "footer", "time", "[rel=author]", "[class*=baca]", "[class*=Baca]",
    "[class*=related]", "[class*=terkait]", "[class*=rekomendasi]", "[class*=populer]", "[class*=share]",
    "[class*=social]", "[class*=sosmed]", "[class*=comment]", "[class*=komentar]", "[class*=byline]",
    "[class*=author]", "[class*=penulis]", "[class*=reporter]", "[class*=caption]", "[class*=credit]",
    "[class*=tags]", "[class*=tag-]", "[class*=breadcrumb]", "[class*=newsletter]", "[class*=copyright]",
    "[class*=text-muted]", "[class*=pagination]", "[class*=paging]", "[class*=video]", "[id*=comment]",
)

# Whole lines that are boilerplate on Indonesian news pages (matched against the cleaned text).
LINE_PATTERNS: tuple[str, ...] = (
    r"^(baca|lihat|simak|cek|klik)\s+(juga|pula|selengkapnya|berita|artikel)\b",
    r"^(berita|artikel|video|foto) (terkait|lainnya|pilihan|rekomendasi|populer|terpopuler|menarik)\b",
    r"^(rekomendasi|terpopuler|terkini|populer|tag|topik|kata kunci)( untuk anda| berita| artikel)?\s*:?$",
    r"^(sumber|source|sumber foto|sumber gambar)\s*:",
    r"^(editor|penyunting|redaktur|penulis|reporter|pewarta|kontributor|penerjemah|fotografer|foto|video|"
    r"ilustrasi|grafis|infografis|produser|penanggung jawab|laporan wartawan[^:]*)\s*:",
    r"^(copyright|hak cipta)\b", r"^(©|\(c\)\s)", r"\ball rights reserved\b", r"\bhak cipta dilindungi\b",
    r"^dilarang (keras )?(mengutip|mengambil|memproduksi|menyalin|mereproduksi)",
    r"^(telah )?dilihat\s+[\d.,]+\s+kali$", r"^load more\b", r"^(dapatkan|ikuti) (berita|update|informasi)\b",
    r"^\((\*{2,3}|[\w .,&-]{1,40})(/[\w .,&*-]{1,40}){1,3}\)$",  # (***/Name), (Tribunnews.com/Dewi), (kpl/pur)
    r"^(artikel ini (telah )?(tayang|terbit|dipublikasikan)|berita ini (telah )?(tayang|terbit))\b",
    r"^(scroll|gulir) (ke bawah|untuk)\b", r"^(advertisement|iklan|adv)$",
    r"^(penulis|editor|penyunting|reporter|pewarta|sumber|foto)\s*:?$", r"^:\s",  # label and name split apart
    r"^.{0,100}\b\d{1,2}[:.]\d{2}\s*(wib|wita|wit)\b\W{0,3}$",  # "Name | Jum'at, 17 Februari 2017 - 13:30 WIB"
)
# One search of all the patterns tried every branch at every position (~20 µs a line). The same answer for
# less: the patterns anchored at the start are matched there only; the date-line pattern (a time and "WIB"
# at the very end) only when a "w" is among the last 8 characters; the unanchored ones only when the text
# holds their letters ("rved", "ndung": letters no other character matches under re.I).
_TIME_LINE = r"^.{0,100}\b\d{1,2}[:.]\d{2}\s*(wib|wita|wit)\b\W{0,3}$"
_LINE_START = re.compile("|".join(f"(?:{p})" for p in LINE_PATTERNS if p.startswith("^") and p != _TIME_LINE), re.I)
_LINE_TIME = re.compile(_TIME_LINE, re.I)
_LINE_ANYWHERE = re.compile("|".join(f"(?:{p})" for p in LINE_PATTERNS if not p.startswith("^")), re.I)


# How a line matching a start-anchored pattern begins: "(" or ":", or one of these pairs of ASCII letters ignoring
# case (the tests check them against the patterns); a line starting otherwise in ASCII is not tried against them
_LINE_FIRSTS = frozenset("(:")
_LINE_STARTS = frozenset({
    "ba", "li", "si", "ce", "kl", "be", "ar", "vi", "fo", "re", "te", "po", "ta", "to", "ka", "su", "so", "ed",
    "pe", "ko", "il", "gr", "in", "pr", "la", "co", "ha", "di", "lo", "da", "ik", "sc", "gu", "ad",
})


def _may_start_a_line_pattern(text: str) -> bool:
    start = text[:2]
    return not start.isascii() or start[:1] in _LINE_FIRSTS or start.lower() in _LINE_STARTS


def is_noise_line(text: str) -> bool:
    """Whether a cleaned line is one of LINE_PATTERNS' boilerplate (any length)."""
    if _may_start_a_line_pattern(text) and _LINE_START.match(text):
        return True
    tail = text[-8:]  # (7, and one more for a "$" matching before a final newline)
    if ("w" in tail or "W" in tail) and _LINE_TIME.match(text):
        return True
    low = text.lower()
    return ("rved" in low or "ndung" in low) and _LINE_ANYWHERE.search(text) is not None
LINE_MAX_CHARS = 300  # boilerplate lines are short; a long paragraph starting "Sumber: ..." is kept
TEASER_MAX_CHARS = 160  # a paragraph made only of one link, this short, is a related-article teaser
# "... kata dia. (Tribunnews.com/Dewi)" / "(***/Name)" / "(ant/rd)" at the end of the last paragraph
_TRAILING_CREDIT = re.compile(r"\s*\((\*{2,3}|[\w .,&-]{1,40})(/[\w .,&*-]{1,40}){1,3}\)\s*$")

BYLINE = ("[rel=author]", "[itemprop=author] [itemprop=name]", "[itemprop=author]", "[class*=byline]",
          "[class*=author]", "[class*=penulis]", "[class*=reporter]", "[class*=writer]")
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|bin|binti|van|de|al))*"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\bdan\b)\s*{_NAME})*"
# a label opens the text or follows a separator ("Penulis: A | Editor: B"); names stay capitalised
_AUTHOR_LABEL = re.compile(
    rf"(?:^|[|•·/,-]\s*)(?i:penulis|reporter|pewarta|oleh|by|laporan wartawan[^:]*?)\s*:?\s+({_NAMES})")
_EDITOR_LABEL = re.compile(rf"(?:^|[|•·/,-]\s*)(?i:editor|penyunting|redaktur)\s*:?\s+({_NAMES})")
_NOT_A_NAME = re.compile(r"\.(com|co\.id|id|net)\b|\b(redaksi|admin|tim|team|news|media)\b", re.I)

# (every link is read: "[class*=pag] a[href]" and the like would add nothing but an ancestor walk per link)
NEXT_LINKS = "link[rel=next], a[rel=next], a[href]"
_NEXT_TEXT = re.compile(r"^(\d{1,3}|selanjutnya|berikutnya|halaman (selanjutnya|berikutnya|\d+)|next( page)?|"
                        r"lanjut(kan)?( membaca)?|[›»>]+)$", re.I)
_PAGE_PARAMS = ("page", "p", "hal", "halaman", "pg")
_PATH_PAGE = re.compile(r"^(?P<base>.*?)/(?P<n>\d{1,3})/?$")


# --- body --------------------------------------------------------------------------------------------
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s",
                     "samp", "small", "span", "strong", "sub", "sup", "u", "var"})
MIN_TEXT_RUN = 25  # characters; shorter text runs (labels, counters) do not vote for a container
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})  # text inside never votes


def _block_of(node: LexborNode) -> LexborNode | None:
    """The nearest ancestor of a text node that is not an inline element; None inside a link."""
    parent = node.parent
    while parent is not None and parent.tag in _INLINE:
        if parent.tag == "a":
            return None
        parent = parent.parent
    return parent


# comment threads, sidebars and footers can hold more text than a short article: never the article
_FURNITURE = re.compile(r"comment|komentar|sidebar|footer|related|terkait|populer|terpopuler|rekomendasi|"
                        r"widget|newsletter|disqus|menu|navbar", re.I)
_FURNITURE_TAGS = frozenset({"aside", "nav", "footer", "header"})  # not <form>: ASP.NET wraps whole pages in one


def _in_page_furniture(node: LexborNode) -> bool:
    """True when the node or an ancestor is a comment thread, sidebar, footer, menu or related list."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        if current.tag in _FURNITURE_TAGS:
            return True
        attrs = current.attributes
        if _FURNITURE.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            return True
        current = current.parent
    return False


def _run_size(text_node: LexborNode) -> int:
    """The cleaned length of a text node's text; 0 for one that cannot vote (cleaning never lengthens a text,
    and a script's or style's text, often long JSON, would not vote: see `_main_container`)."""
    raw = text_node.text_content
    if raw is None or len(raw) < MIN_TEXT_RUN or raw.isspace():
        return 0
    parent = text_node.parent
    if parent is not None and parent.tag in _NOT_TEXT:
        return 0
    return len(clean(raw))


def _main_container(page: Page) -> LexborNode | None:
    """The element holding most article-like text.

    Every run of text votes for its block (full weight), the block's parent (half) and grandparent
    (a quarter), so the element wrapping many paragraphs wins whether they are <p>, <div> or text
    between <br>. When paragraphs are split over sibling blocks, their common parent is taken.
    """
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    body = page.doc.body
    for text_node in body.traverse(include_text=True) if body is not None else ():
        if text_node.tag != "-text":
            continue
        size = _run_size(text_node)
        if size < MIN_TEXT_RUN:
            continue
        block = _block_of(text_node)
        weight = 1.0
        while block is not None and block.tag not in ("body", "html") and weight >= 0.25:
            if block.tag in _NOT_TEXT:
                break
            scores[block.mem_id] = scores.get(block.mem_id, 0.0) + size * weight
            nodes[block.mem_id] = block
            block, weight = block.parent, weight / 2
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)
    best = next((k for k in ranked[:20] if not _in_page_furniture(nodes[k])), None)
    if best is None:
        return None
    node = nodes[best]
    parent = node.parent
    if parent is not None and parent.mem_id in scores and scores[parent.mem_id] >= 0.6 * scores[best]:
        node = parent
    return node


def _lead_before(node: LexborNode) -> str:
    """Text written straight into the container's parent just before it (a lead outside the body div)."""
    parts: list[str] = []
    sibling = node.prev
    while sibling is not None and (sibling.tag == "-text" or sibling.tag in _INLINE):
        if sibling.tag == "a":
            return ""  # links before the body are navigation, not a lead
        parts.append(sibling.text_content or "" if sibling.tag == "-text" else sibling.text(deep=True))
        sibling = sibling.prev
    text = clean("".join(reversed(parts)))
    return text if len(text) >= MIN_TEXT_RUN else ""


def _lines(blocks: Sequence[Block], passed: frozenset[str] = frozenset()) -> list[Block]:
    """Blocks that are not Indonesian boilerplate lines or related-article teasers (texts in `passed` are
    known not to be boilerplate lines)."""
    kept = []
    for block in blocks:
        text = block.text
        if len(text) <= LINE_MAX_CHARS and text not in passed and is_noise_line(text):
            continue
        if block.link_ratio > 0.8 and len(text) <= TEASER_MAX_CHARS:
            continue
        kept.append(block)
    return kept


def clean_lines(texts: Iterable[str], passed: frozenset[str] = frozenset()) -> tuple[list[str], str | None]:
    """Paragraph texts without boilerplate lines, and the trailing desk credit (if any); texts in `passed`
    are known not to be boilerplate lines."""
    paragraphs, desk = clean_blocks(_lines([Block(clean(t), 0.0) for t in texts if clean(t)], passed))
    return _trailing_credit(paragraphs, desk)


def _trailing_credit(paragraphs: list[str], desk: str | None) -> tuple[list[str], str | None]:
    """The paragraphs without a desk credit ending the last one ("... kata dia. (ant/rd)"), and the desk."""
    if paragraphs:
        m = _TRAILING_CREDIT.search(paragraphs[-1])
        if m:
            desk = desk or clean(m.group(0)).strip("()")
            rest = clean(paragraphs[-1][: m.start()])
            paragraphs = paragraphs[:-1] + ([rest] if rest else [])
    return paragraphs, desk


def _dom_body(page: Page) -> tuple[list[str], list[str], list[Block]]:
    """Paragraphs of the main container (noise removed), the texts of the blocks that passed the line
    patterns, and all the container's raw blocks (for bylines)."""
    container = _main_container(page)
    if container is None:
        return [], [], []
    raw = extract_blocks(container, (*noise.SELECTORS, *NOISE))
    lead = _lead_before(container)
    blocks = _lines([Block(lead, 0.0), *raw] if lead else raw)
    paragraphs, _ = clean_blocks(blocks)
    return paragraphs, [b.text for b in blocks], extract_blocks(container, noise.SELECTORS)


def container_body(containers: Sequence[LexborNode], title: str,
                   skip: Sequence[str] = ()) -> tuple[list[str], str | None]:
    """Body paragraphs and trailing desk credit of the containers a portal parser picked, cleaned in one pass
    of the generic way's steps (noise elements and `skip` left out, boilerplate lines and teasers, noise
    paragraphs and a repeated headline dropped, a detached dateline joined, desk initials or credit split off)."""
    selectors = (*noise.SELECTORS, *NOISE, *skip)
    found = None
    if len(containers) > 1:  # one query for all (they share a parent), not one each
        query = noise_query(selectors)[1]
        parent = containers[0].parent
        found = matching_ids(parent, query) if query and parent is not None else set()
    blocks = _lines([block for container in containers for block in extract_blocks(container, selectors, found)])
    if blocks and blocks[0].text == title:
        blocks = blocks[1:]
    return _trailing_credit(*clean_blocks(blocks))


@functools.lru_cache(maxsize=256)
def _shape(selector: str) -> tuple[str, frozenset[str]]:
    tag, *classes = selector.split(".")
    return tag, frozenset(classes)


def has_shape(node: LexborNode, selector: str) -> bool:
    """Whether `node` matches a selector of the form "tag.class.class" (Python's check of the tag and class
    tokens is quicker than selectolax's css_matches, which compiles the selector on every call)."""
    tag, classes = _shape(selector)
    if node.tag != tag:
        return False
    return not classes or classes <= set((node.attributes.get("class") or "").split())


def _extract(text: str, url: str) -> list[str]:
    """Paragraphs found by trafilatura, or [] when it finds none or fails."""
    try:
        import trafilatura

        out = trafilatura.extract(text[:MAX_EXTRACTOR_INPUT], url=url, include_comments=False,
                                  include_tables=False, favor_precision=True)
    except Exception:  # third-party extractor on arbitrary input: its failure just means no body
        return []
    return [clean(line) for line in (out or "").split("\n") if clean(line)]


def _tokens(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _body(page: Page, title: str) -> tuple[list[str], str | None, list[Block]]:
    """Body paragraphs, trailing desk credit, and the container's raw blocks."""
    dom, dom_lines, raw = _dom_body(page)
    ld_text = page.ld_article.get("articleBody")
    ld = [clean(p) for p in ld_text.split("\n") if clean(p)] if isinstance(ld_text, str) else []
    passed: frozenset[str] = frozenset()
    if sum(map(len, dom)) >= MIN_BODY_CHARS and _tokens(dom) >= 0.5 * _tokens(ld):
        chosen, passed = dom, frozenset(dom_lines)  # (their blocks passed the line patterns already)
    elif ld:
        chosen = ld
    else:
        chosen = _extract(page.text, page.url)
    if chosen and chosen[0] == title:  # extractors keep the headline as a first line
        chosen = chosen[1:]
    body, desk = clean_lines(chosen, passed)
    return body, desk, raw


def body_of(page: Page, title: str) -> tuple[list[str], str | None]:
    """Body paragraphs and trailing desk credit found the generic way (portal parsers fall back to it)."""
    body, desk, _ = _body(page, title)
    return body, desk


# --- people ------------------------------------------------------------------------------------------
def _names(text: str) -> list[str]:
    return [n for n in split_people(text) if not _NOT_A_NAME.search(n) and len(n.split()) <= 5]


def labelled_people(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """(authors, editors) named after labels such as "Penulis:", "Pewarta:", "Oleh", "Editor:"."""
    authors: list[str] = []
    editors: list[str] = []
    for text in texts:
        if len(text) > LINE_MAX_CHARS:
            continue
        for m in _AUTHOR_LABEL.finditer(text):
            authors += [n for n in _names(m.group(1)) if n not in authors]
        for m in _EDITOR_LABEL.finditer(text):
            editors += [n for n in _names(m.group(1)) if n not in editors]
    return authors, editors


def _visible_people(page: Page, raw: Sequence[Block]) -> tuple[list[str], list[str]]:
    """(authors, editors) as the reader sees them: byline elements, then labelled lines in the body."""
    texts = []
    for sel in BYLINE:
        texts += [clean(n.text(deep=True)) for n in select(page.doc, sel)[:5]]
    authors, editors = labelled_people([*texts, *(b.text for b in raw)])
    if not authors:
        for text in texts:
            if text and len(text) <= 60 and not any(c.isdigit() for c in text):
                authors = _names(text)
                if authors:
                    break
    return authors, editors


# --- URLs --------------------------------------------------------------------------------------------
def _page_number(url: str, base_path: str) -> int | None:
    """The page number of `url` as a page of the article at `base_path` (1 for the article itself)."""
    try:
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    m = _PATH_PAGE.match(path)
    if m and m.group("base") == base_path:
        return int(m.group("n"))
    if path != base_path:
        return None
    for param in _PAGE_PARAMS:
        values = query.get(param)
        if values:
            return int(values[0]) if values[0].isdigit() and len(values[0]) < 4 else None
    return 1


def next_pages(page: Page) -> list[str]:
    """Links to later pages of this article (`/2`, `?page=2`, `link[rel=next]`), on the same host."""
    try:
        own_path = urllib.parse.urlsplit(page.url).path.rstrip("/")
    except ValueError:
        return []
    m = _PATH_PAGE.match(own_path)
    base_path = m.group("base") if m and m.group("base").count("/") >= 2 else own_path
    current = _page_number(page.url, base_path) or 1
    later: list[str] = []
    for node in select(page.doc, NEXT_LINKS):
        if node.tag == "a" and node.attributes.get("rel") != "next" and not _NEXT_TEXT.match(_link_text(node)):
            continue
        link = absolute_url(page.url, node.attributes.get("href"))
        if not link or host_of(link) != host_of(page.url):
            continue
        number = _page_number(link, base_path)
        if number is not None and number > current and link not in later:
            later.append(link)
    return later


def _link_text(node: LexborNode) -> str:
    return clean(node.text(deep=True)) or clean(node.attributes.get("aria-label") or node.attributes.get("title"))


# --- the article -------------------------------------------------------------------------------------
def _title(page: Page) -> str:
    """The headline: the first <h1> that agrees with og:title / JSON-LD headline (a logo can be an <h1>)."""
    declared = page.ld_article.get("headline") or page.meta.get("og:title") or ""
    declared = clean(declared if isinstance(declared, str) else "").lower()
    if declared:
        for node in select(page.doc, "h1"):
            text = clean(node.text(deep=True))
            if text and (text.lower() in declared or declared in text.lower()):
                return text
    return page.title(TITLE if not declared else ())


def parse(page: Page) -> Article:
    """Parse an article from an unknown site, marked `fallback=True`."""
    title = _title(page)
    body, desk, raw = _body(page, title)
    authors, editors = _visible_people(page, raw)
    if not authors:
        meta = page.meta.get("author", "")
        authors = _names(meta) if meta else []
    authors = authors or page.ld_people("author")
    editors = editors or page.ld_people("editor")
    published = page.ld_date("datePublished") or page.meta_date(*DATE_META)
    time_node = select_first(page.doc, "time[datetime]")
    if published is None and time_node is not None:
        published = parse_any(time_node.attributes.get("datetime"))
    updated = page.ld_date("dateModified") or page.meta_date("article:modified_time") or published
    free = page.ld_article.get("isAccessibleForFree")
    return Article(
        url=page.canonical(),  # a canonical link to the home page is ignored there
        portal="generic",
        title=title,
        authors=tuple(authors),
        editors=tuple(e for e in editors if e not in authors),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(next_pages(page)),
        paywalled=free is False or (isinstance(free, str) and free.lower() == "false"),
        not_article=non_article_reason(page, title, body),
        fallback=True,
    )
