"""The parsers' quicker paths against their plain definitions: the block walk, the grouped noise query, the
shared CSS engine, URL resolution, JSON-LD reading."""
from __future__ import annotations

import json
import pathlib
import re._constants as _C
import re._parser as _parser
import threading
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers import noise, parse
from parsers.common import (
    _BLOCKS,
    Block,
    Page,
    _add_blocks,
    _home_or_section_above,
    absolute_url,
    extract_blocks,
    host_of,
    is_home_url,
    noise_query,
    points_up,
    query_number,
)
from parsers.portals import PACKS
from parsers.query import MAX_KEPT_QUERIES, matching_ids, select, select_first

# every noise list a parser queries with
NOISE_LISTS = [noise.SELECTORS, *((*noise.SELECTORS, *pack.selectors.noise) for pack in PACKS)]
FIXTURES = sorted(path for pack in PACKS for path in pack.fixtures.glob("*.html"))


def _fetched_url(page: pathlib.Path) -> str:
    return str(json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["fetched_url"])


def _plain_walk(container: LexborNode, selectors: tuple[str, ...]) -> list[Block]:
    """The walk's definition: every node visited, recursively; blocks cut when a block element opens and
    closes, link text counted inside <a>, noise elements skipped whole."""
    noise_tags, query = noise_query(selectors)
    skip = {n.mem_id for n in container.css(", ".join(s for s in selectors if s not in noise_tags))} if query else set()
    blocks: list[Block] = []
    parts: list[str] = []
    state = {"link": 0, "link_chars": 0, "p": 0}

    def cut() -> None:
        if parts:
            _add_blocks(blocks, "".join(parts), state["link_chars"], state["p"] > 0)
            parts.clear()
            state["link_chars"] = 0

    def visit(node: LexborNode) -> None:
        tag = node.tag or ""
        if tag == "-text":
            value = node.text_content
            if value and (parts or not value.isspace()):
                parts.append(value)
                state["link_chars"] += len(value.strip()) if state["link"] else 0
            return
        if tag == "br":
            parts.append("\n")
            return
        if tag[:1] in ("", "-") or tag in noise_tags or node.mem_id in skip:
            return
        block = tag in _BLOCKS
        if tag == "a":
            state["link"] += 1
        elif block:
            cut()
            state["p"] += tag == "p"
        child = node.first_child
        while child is not None:
            visit(child)
            child = child.next
        if tag == "a":
            state["link"] -= 1
        elif block:
            cut()
            state["p"] -= tag == "p"

    child = container.first_child
    while child is not None:
        visit(child)
        child = child.next
    cut()
    return blocks


_TEXTS = st.sampled_from(["Kata", "dua kata", " ", "\n", "\n\n", "  spasi  ", "\u00a0", "akhir.\n\nawal", "\u2022 poin",
                          "&amp;", "x"])
_OPEN = st.sampled_from(["<p>", "<div>", "<span>", "<a href=/x>", "<b>", "<li>", "<ul>", "<figure>", "<h2>",
                         "<div class='ads-box'>", "<p class=paging>", "<blockquote>", "<section>", "<i>",
                         "<script>", "<table><tr><td>", "<br>", "<!-- c -->", "<pre>"])
_CLOSE = st.sampled_from(["</p>", "</div>", "</span>", "</a>", "</b>", "</li>", "</ul>", "</figure>", "</h2>",
                          "</blockquote>", "</section>", "</i>", "</script>", "</td></tr></table>", "</pre>"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_TEXTS, _OPEN, _CLOSE), max_size=40), st.sampled_from(NOISE_LISTS))
def test_the_block_walk_equals_its_plain_definition(pieces: list[str], selectors: tuple[str, ...]) -> None:
    doc = LexborHTMLParser(f"<div id=c>{''.join(pieces)}</div>", scripting=True)
    container = doc.css_first("#c")
    assert container is not None
    assert extract_blocks(container, selectors) == _plain_walk(container, selectors)


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_the_grouped_noise_query_selects_what_the_flat_list_selects(path: object) -> None:
    doc = LexborHTMLParser(pathlib.Path(str(path)).read_text(encoding="utf-8", errors="replace"), scripting=True)
    for selectors in NOISE_LISTS:
        tags, grouped = noise_query(tuple(selectors))
        flat = ", ".join(s for s in selectors if s not in tags)
        assert {n.mem_id for n in select(doc, grouped)} == {n.mem_id for n in select(doc, flat)}


def test_the_noise_groups_hold_only_selectors_that_need_their_attribute() -> None:
    tags, query = noise_query((".a", "div.b", "[class*=c-]", ".lg\\:hidden", "#d", "[id^=e_]", "a.x .y", "[data-z]",
                               "p", ".f#g", "blockquote.t"))
    assert tags == frozenset({"p"})
    assert query == ("[class]:is(.a, div.b, [class*=c-], .lg\\:hidden, blockquote.t), [id]:is(#d, [id^=e_]), "
                     "a.x .y, [data-z], .f#g")


@pytest.mark.parametrize("path", FIXTURES[:12], ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES[:12]])
def test_the_shared_css_engine_answers_as_the_documents_own(path: object) -> None:
    doc = LexborHTMLParser(pathlib.Path(str(path)).read_text(encoding="utf-8", errors="replace"), scripting=True)
    for query in ("p", "meta", "a[href]", 'script[type="application/ld+json"]', "article h1, h1", "amp-story",
                  "div > p:first-child", "[class]:is(.x, [class*=a])"):
        assert [n.mem_id for n in select(doc, query)] == [n.mem_id for n in doc.css(query)]
        first, own = select_first(doc, query), doc.css_first(query)
        assert (first.mem_id if first else None) == (own.mem_id if own else None)
        body = doc.body
        assert body is not None
        assert [n.mem_id for n in select(body, query)] == [n.mem_id for n in body.css(query)]


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_queries_parsed_once_match_what_selectolax_matches_on_the_golden_pages(path: pathlib.Path) -> None:
    doc = LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace"), scripting=True)
    scopes = [doc, *(node for node in (doc.head, doc.body, doc.css_first("article"), doc.css_first("p")) if node)]
    for selectors in NOISE_LISTS:
        for scope in scopes:
            grouped = noise_query(tuple(selectors))[1]
            assert matching_ids(scope, grouped) == {n.mem_id for n in scope.css(grouped)}


_QUERY_POOL = ("p", "div.a", ".a .b", "#i", "[class*=ad]", "[hidden]", "div > p:first-child", "p:not(.a)", "a[href^=h]",
               "span, i", "*", "html", ":is(.a, #i)", "p:nth-child(2n+1)", "[class]:is(.a, [class*=b])", "p:not(",
               "[data-x]", "b ~ i", "div + p")
_DOC_PIECES = st.sampled_from(["<p>", "</p>", "<div class=a>", "<div class='a b'>", "</div>", "<span id=i>", "</span>",
                               "<i>", "<b hidden>", "</b>", "<a href=http://x>", "<a href=/y>", "</a>", "teks",
                               "<p class=ad-x data-x=1>", "<template><p class=a>t</p></template>", "<svg><p>"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_DOC_PIECES, max_size=16), st.lists(st.sampled_from(_QUERY_POOL), min_size=1, max_size=4))
def test_queries_parsed_once_match_what_selectolax_matches(pieces: list[str], queries: list[str]) -> None:
    doc = LexborHTMLParser(f"<div id=c>{''.join(pieces)}</div>", scripting=True)
    for query_text in queries:
        for scope in (doc, doc.css_first("#c")):
            assert scope is not None
            try:
                expected: set[int] | str = {n.mem_id for n in scope.css(query_text)}
            except Exception as exc:  # (selectolax refuses a query it cannot parse: so must this)
                expected = type(exc).__name__
            try:
                got: set[int] | str = matching_ids(scope, query_text)
            except Exception as exc:
                got = type(exc).__name__
            assert got == expected


def test_queries_past_the_kept_ones_are_still_answered() -> None:
    doc = LexborHTMLParser("<div id=c>" + "".join(f"<p class=k{i}>x</p>" for i in range(90)) + "</div>")
    results: list[bool] = []

    def ask() -> None:  # a fresh thread: its own kept queries, filled past the limit
        for i in range(MAX_KEPT_QUERIES + 20):
            results.append(matching_ids(doc, f"p.k{i}, .none") == {n.mem_id for n in doc.css(f"p.k{i}")})

    thread = threading.Thread(target=ask)
    thread.start()
    thread.join()
    assert len(results) == MAX_KEPT_QUERIES + 20 and all(results)


_TAG_QUERIES = ("time", "title", "article", "amp-story", "h1", "video", "audio", "p", "html", "head", "body", "meta",
                "svg", "template", "x-y", "table", "tr", "noscript")
_TAG_PIECES = st.sampled_from(["<time>", "</time>", "<TIME>", "<svg>", "</svg>", "<math>", "<mi>", "<template>",
                               "</template>", "<table>", "<tr>", "<amp-story>", "<AMP-Story>", "<article>", "<h1>",
                               "<title>", "</title>", "<head>", "<body>", "<noscript>", "</noscript>", "<p>", "x",
                               "<!-- <time> -->", "<x-y>", "<video>", "<foreignObject>", "</foreignObject>", "<html>"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TAG_PIECES, max_size=14), st.booleans())
def test_a_tag_name_over_a_document_answers_as_the_css_engine(pieces: list[str], scripting: bool) -> None:
    doc = LexborHTMLParser("".join(pieces), scripting=scripting)
    for query in _TAG_QUERIES:
        assert [n.mem_id for n in select(doc, query)] == [n.mem_id for n in doc.css(query)]
        first, own = select_first(doc, query), doc.css_first(query)
        assert (first.mem_id if first else None) == (own.mem_id if own else None)


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_tag_name_queries_on_the_golden_pages_answer_as_the_css_engine(path: pathlib.Path) -> None:
    doc = LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace"), scripting=True)
    for query in _TAG_QUERIES:
        assert [n.mem_id for n in select(doc, query)] == [n.mem_id for n in doc.css(query)]


def test_parses_in_threads_equal_parses_in_one_thread() -> None:
    pages = [(path.read_bytes(), _fetched_url(path)) for path in FIXTURES]
    expected = [parse(html, url) for html, url in pages]
    results: dict[int, list[object]] = {}

    def work(worker: int) -> None:
        results[worker] = [parse(html, url) for _ in range(3) for html, url in pages]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(found == expected * 3 for found in results.values())


def _urljoin_definition(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:
        absolute = urllib.parse.urljoin(base, href)
        _ = urllib.parse.urlsplit(absolute).port
    except ValueError:
        return None
    return absolute


_URL_PIECES = st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "a.co.id", "/", "//", ":", "80", ":x",
                               "berita", "?", "#", ";", "[", "]", "\t", "\n", ".", "..", " ", "\u00e9", "@", "",
                               "page=2", "&", "=", "%20", "?page=3"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_URL_PIECES, max_size=7), st.lists(_URL_PIECES, max_size=7))
def test_absolute_url_gives_what_urljoin_gives(base: list[str], href: list[str]) -> None:
    assert absolute_url("".join(base), "".join(href)) == _urljoin_definition("".join(base), "".join(href))


@pytest.mark.parametrize("href", [
    "https://www.tribunnews.com/nasional/2020/05/04/judul?page=2", "https://a.co.id?page=2", "http://a.co.id/?",
    "https://a.co.id/x?a=b?c", "https://a.co.id/x?page=2#top", "https://a.co.id/x?a=1&b=%20 2",
    "https://a.co.id:80/x?page=2", "https://a.co.id:x/x?page=2", "HTTPS://a.co.id/x?page=2", "http://a.co.id/x?;",
])
@pytest.mark.parametrize("base", ["https://www.tribunnews.com/nasional/2020/05/04/judul", "http://a.co.id/b?page=1"])
def test_absolute_links_with_a_query_are_what_urljoin_gives(base: str, href: str) -> None:
    assert absolute_url(base, href) == _urljoin_definition(base, href)


def _host_definition(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


_HOST_PIECES = st.sampled_from(["https://", "http://", "HTTP://", "http:/", "ftp://", " ", "\t", "\x01", "a", "A",
                                "co.id", ".", "-", "0", "/", "?", "#", ":", ":80", "@", "[", "]", "%", "\u00e9",
                                "\u212a", "x", "\n"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_HOST_PIECES, max_size=8))
def test_the_plain_host_shortcut_gives_what_urlsplit_gives(pieces: list[str]) -> None:
    url = "".join(pieces)
    assert host_of(url) == _host_definition(url)


@pytest.mark.parametrize("url", ["https://www.tribunnews.com/x?page=2", "https://news.detik.com", "http://a.b.",
                                 "https://...", "https://a.com\t/x", "https://a.com:443/x", "https://A.com/x",
                                 " https://kaltim.tribunnews.com#top ", "https://u@a.com/", "https://a.com\n"])
def test_plain_hosts_are_what_urlsplit_gives(url: str) -> None:
    assert host_of(url) == _host_definition(url)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_URL_PIECES, max_size=7), st.sampled_from(["page", "page_num"]))
def test_the_query_number_shortcuts_change_nothing(pieces: list[str], param: str) -> None:
    url = "".join(pieces)
    if "?" not in url:
        assert query_number(url, param) == 1 == query_number(url + "?", param)
    assert _home_or_section_above(url, url) == (is_home_url(url) or points_up(url, url))


@pytest.mark.parametrize(("scripts", "headline"), [
    (['{"@type": "NewsArticle", "headline": "Satu"}'], "Satu"),
    (['\ufeff{"@type": "NewsArticle", "headline": "BOM"}', '{"@type": "NewsArticle", "headline": "Dua"}'], "Dua"),
    (['{"@type": "NewsArticle", "headline": "Tab\there"}'], "Tab\there"),  # strict=False: raw controls allowed
    (["{rusak", '[{"@type": "Article", "headline": "Tiga"}]'], "Tiga"),
])
def test_json_ld_is_read_as_json_loads_with_strict_false_reads_it(scripts: list[str], headline: str) -> None:
    html = "<html><head>" + "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts) + "</head>"
    page = Page(html + "<body><p>x</p></body></html>", "https://www.tempo.co/a/b-1234567")
    assert page.ld_article.get("headline") == headline


def _pattern_firsts(items: list[tuple[object, object]]) -> set[str] | None:
    """The characters a parsed pattern's match can start with, for patterns opening with a repeated group of
    digits or a literal (None: not worked out here)."""
    for op, av in items:
        if op is _C.AT:
            continue  # "^" reads no character
        if op is _C.LITERAL:
            return {chr(av)}
        if op is _C.IN:
            digits = all(kind is _C.CATEGORY and value is _C.CATEGORY_DIGIT for kind, value in av)
            return set("0123456789") if digits else None
        if op is _C.SUBPATTERN:
            return _pattern_firsts(av[-1])
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            return _pattern_firsts(av[2])
        return None
    return None


def _pattern_starts(items: list[tuple[object, object]], n: int) -> set[str] | None:
    """The strings of `n` characters a parsed pattern's match can start with (None: not worked out here)."""
    if n == 0:
        return {""}
    if not items:
        return None  # a match could end here, shorter than n
    (op, av), rest = items[0], items[1:]
    if op is _C.AT:
        return _pattern_starts(rest, n)
    if op is _C.LITERAL:
        tails = _pattern_starts(rest, n - 1)
        return None if tails is None else {chr(av) + tail for tail in tails}
    if op is _C.SUBPATTERN:
        return _pattern_starts([*av[-1], *rest], n)
    if op is _C.BRANCH:
        branches = [_pattern_starts([*branch, *rest], n) for branch in av[1]]
        return None if any(b is None for b in branches) else set().union(*branches)
    return None


def test_noise_text_patterns_start_only_the_ways_listed_for_them() -> None:
    # ignoring case, as the patterns do ("Ba" is looked for as "ba"); non-ASCII starts are always tried
    for pattern in noise.TEXT_PATTERNS:
        parsed = list(_parser.parse(pattern))
        starts = _pattern_starts(parsed, 2)
        if starts is None:  # the page-number pattern: its matches start with a digit
            assert _pattern_firsts(parsed) == set("0123456789"), pattern
        else:
            assert {start.lower() for start in starts} <= noise.PATTERN_STARTS, pattern


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="bBlLsStTaAiIhH[1 9xX:ſKıİ•·-jugaberitklnmpdocCvV", min_size=1, max_size=30),
       st.floats(0.0, 1.0))
def test_noise_text_is_what_the_patterns_and_the_bullet_rule_say(text: str, link_ratio: float) -> None:
    plain = bool(noise._TEXT_NOISE.match(text)) or (text[0] in noise.BULLETS and link_ratio > 0.6)
    assert noise.is_noise_text(text, link_ratio) == plain


# --- answers found in one query for several selectors ------------------------------------------------------------

_BYLINE_PIECES = st.sampled_from([
    '<div id="penulis">', '<div id="PENULIS">', '<span id="Editor">', '<div id="editor">', "</div>", "</span>",
    '<a id="penulis">', '<a href="/p">', "</a>", "Rina", " ", "<p>", '<div id="penulis ">', '<div id="penulİs">',
    '<div id="penulis" id="editor">', '<b id="x">', "<!DOCTYPE html>", "<table>", "<td>", '<p id="editor">',
])


def _mem_ids(nodes: list[LexborNode]) -> list[int]:
    return [n.mem_id for n in nodes]


def _byline_answers(page: Page, owners: dict[str, list[LexborNode]] | None) -> list[object]:
    from parsers.portals.tribun.parse import AUTHORS, EDITORS, _links, _people

    answers: list[object] = []
    for key, selectors in (("penulis", AUTHORS), ("editor", EDITORS)):
        found = None if owners is None else owners[key]
        answers += [_mem_ids(_links(page, selectors[0], found)), _people(page, selectors, found)]
    return answers


def _assert_bylines_as_written(page: Page) -> None:
    from parsers.portals.tribun.parse import AUTHORS, EDITORS, _links, byline_owners

    owners = byline_owners(page)
    for key, selectors in (("penulis", AUTHORS), ("editor", EDITORS)):
        if owners is not None:
            first = select_first(page.doc, selectors[1])
            assert (owners[key][0].mem_id if owners[key] else None) == (first.mem_id if first else None)
        assert _mem_ids(_links(page, selectors[0], None if owners is None else owners[key])) == \
            _mem_ids(select(page.doc, selectors[0]))
    assert _byline_answers(page, owners) == _byline_answers(page, None)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_BYLINE_PIECES, max_size=16))
def test_tribun_bylines_from_one_owner_query_are_what_each_selector_finds(pieces: list[str]) -> None:
    _assert_bylines_as_written(Page("".join(pieces), "https://www.tribunnews.com/x/2024/01/02/y"))


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_tribun_bylines_from_one_owner_query_on_the_golden_pages(path: pathlib.Path) -> None:
    _assert_bylines_as_written(Page(path.read_text(encoding="utf-8", errors="replace"), _fetched_url(path)))


_ANY_SELECTORS = [("#content-wrapper", "div#isi", "#isi"), ("div.artikel", "h1", "time"), ("#nothing", ".nope"),
                  ("article h1", "[itemprop=articleBody]", "p.baca")]


def _assert_any_match_is_first(page: Page, asked_before: tuple[str, ...]) -> None:
    for sel in asked_before:  # answers `first` already holds
        page.first((sel,))
    for selectors in _ANY_SELECTORS:
        expected = any(select_first(page.doc, sel) is not None for sel in selectors)
        assert page.any_match(selectors) == expected
        assert page.any_match(selectors) == expected  # (the kept answer)
        assert page.any_match(selectors[1:]) == any(select_first(page.doc, sel) is not None for sel in selectors[1:])
        for sel in selectors:  # what `first` answers afterwards is still the selector's first element
            mine, own = page.first((sel,)), select_first(page.doc, sel)
            assert (mine.mem_id if mine else None) == (own.mem_id if own else None)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(['<div id="content-wrapper">', '<div id="isi">', '<span id="ISI">', "</div>",
                                 '<div class="artikel">', "<h1>", "<time>", "<article>", "x", "<!DOCTYPE html>"]),
                max_size=12),
       st.lists(st.sampled_from(["#isi", "h1", "#nothing", "time"]), max_size=3))
def test_any_match_is_whether_first_finds_something(pieces: list[str], asked: list[str]) -> None:
    _assert_any_match_is_first(Page("".join(pieces), "https://www.tempo.co/x"), tuple(asked))


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_any_match_on_the_golden_pages(path: pathlib.Path) -> None:
    _assert_any_match_is_first(Page(path.read_text(encoding="utf-8", errors="replace"), _fetched_url(path)), ())


_TIME_PIECES = st.sampled_from(['<div id="article">', '<div id="ARTICLE">', '<div id="article ">', "</div>", "<time>",
                                "</time>", '<time id="article">', "<TIME>", "x", "<!DOCTYPE html>", "<svg>", "</svg>",
                                "<template>", "</template>", '<section id="articles">', "</section>", "<p>"])


def _assert_time_element_is_first(page: Page) -> None:
    from parsers.portals.tribun.parse import DATE, time_element

    mine, own = time_element(page), select_first(page.doc, DATE[0]) or select_first(page.doc, DATE[1])
    assert (mine.mem_id if mine else None) == (own.mem_id if own else None)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TIME_PIECES, max_size=16))
def test_the_tribun_time_element_is_what_its_selectors_find(pieces: list[str]) -> None:
    _assert_time_element_is_first(Page("".join(pieces), "https://www.tribunnews.com/x/2024/01/02/y"))


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_the_tribun_time_element_on_the_golden_pages(path: pathlib.Path) -> None:
    _assert_time_element_is_first(Page(path.read_text(encoding="utf-8", errors="replace"), _fetched_url(path)))


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in FIXTURES])
def test_the_republika_template_check_answers_as_one_selector_list(path: pathlib.Path) -> None:
    from parsers.portals.republika.parse import TEMPLATE

    page = Page(path.read_text(encoding="utf-8", errors="replace"), _fetched_url(path))
    listed = select_first(page.doc, ", ".join(TEMPLATE)) is None
    assert (page.first(TEMPLATE[:1]) is None and not page.any_match(TEMPLATE[1:])) == listed
