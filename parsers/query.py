"""CSS queries through one selectolax selector engine per thread, shared by every parsed document.

selectolax gives each document its own engine, created on the document's first query: that first
query costs ~25 µs more than later ones (Lexbor's CSS parser and selector memory set up, and freed
with the document), about what Lexbor needs to build the fast path's cut page. An engine holds no
document state between queries, so one per thread serves every document that thread parses.

A query for one tag name over a whole document ("amp-story", "time", "article") is answered by Lexbor's
tag lookup instead: the same elements in the same order, without the CSS engine's ~3-6 µs a query for
parsing the selector and setting up the match (most parses ask a few).

A query asked only for which elements match (`matching_ids`: the noise elements a body walk skips, ~45
selectors) is parsed once per thread and kept: Lexbor's own CSS parser and selector engine, the ones selectolax
drives, called through ctypes (selectolax parses a query on every call: ~12 µs for the noise query, more than
matching it against a small body container). Where those functions cannot be loaded, selectolax answers.
"""
from __future__ import annotations

import ctypes
import functools
import re
import threading
from typing import Protocol, cast

import selectolax.lexbor
from selectolax.lexbor import LexborCSSSelector, LexborHTMLParser, LexborNode


class _Engine(Protocol):
    def find(self, query: str, node: LexborNode) -> list[LexborNode]: ...

    def find_first(self, query: str, node: LexborNode) -> list[LexborNode]: ...


class _PerThread(threading.local):
    def __init__(self) -> None:
        # the stubs give the engine's __init__ no return type and leave out find_first
        self.engine = cast(_Engine, LexborCSSSelector())  # type: ignore[no-untyped-call]


_LOCAL = _PerThread()


_TAG_NAME = re.compile(r"[a-z][a-z0-9-]{0,99}")  # a type selector alone (`tags` takes names up to 100 characters)


@functools.lru_cache(maxsize=512)
def _tag_only(query: str) -> bool:
    return _TAG_NAME.fullmatch(query) is not None


def select(scope: LexborNode | LexborHTMLParser, query: str) -> list[LexborNode]:
    """Every element in `scope` (itself included) matching `query`, in document order: `scope.css(query)`."""
    if isinstance(scope, LexborHTMLParser):
        if scope.root is None:
            return []
        if _tag_only(query):
            return scope.tags(query)  # every element of a document sits under its root element
        return _LOCAL.engine.find(query, scope.root)
    return _LOCAL.engine.find(query, scope)


def select_first(scope: LexborNode | LexborHTMLParser, query: str) -> LexborNode | None:
    """The first element in `scope` matching `query`, or None: `scope.css_first(query)`."""
    if isinstance(scope, LexborHTMLParser):
        if scope.root is None:
            return None
        if _tag_only(query):
            tagged = scope.tags(query)
            return tagged[0] if tagged else None
        found = _LOCAL.engine.find_first(query, scope.root)
    else:
        found = _LOCAL.engine.find_first(query, scope)
    return found[0] if found else None


# --- queries parsed once: Lexbor through ctypes ---------------------------------------------------------------
_VOID = ctypes.c_void_p
_STATUS = ctypes.c_uint  # lxb_status_t
_MATCH_ROOT = 1 << 1  # LXB_SELECTORS_OPT_MATCH_ROOT: the scope itself is a candidate (as selectolax sets it)
# lxb_selectors_cb_f: (node, specificity, context) -> status
_CALLBACK = ctypes.CFUNCTYPE(_STATUS, _VOID, ctypes.c_uint32, _VOID)
_SIGNATURES: dict[str, tuple[type | None, list[type]]] = {
    "lxb_css_parser_create": (_VOID, []),
    "lxb_css_parser_init": (_STATUS, [_VOID, _VOID]),
    "lxb_css_selectors_create": (_VOID, []),
    "lxb_css_selectors_init": (_STATUS, [_VOID]),
    "lxb_css_parser_selectors_set_noi": (None, [_VOID, _VOID]),
    "lxb_css_selectors_parse": (_VOID, [_VOID, ctypes.c_char_p, ctypes.c_size_t]),
    "lxb_selectors_create": (_VOID, []),
    "lxb_selectors_init": (_STATUS, [_VOID]),
    "lxb_selectors_opt_set_noi": (None, [_VOID, ctypes.c_int]),
    "lxb_selectors_find": (_STATUS, [_VOID, _VOID, _VOID, _CALLBACK, _VOID]),
}
MAX_KEPT_QUERIES = 64  # per thread; a query past these is asked through selectolax (parsed per call)


def _lexbor() -> ctypes.CDLL | None:
    """selectolax's extension, whose Lexbor functions are exported, with their C signatures; None where not."""
    try:
        lib = ctypes.CDLL(selectolax.lexbor.__file__)
        for name, (restype, argtypes) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
    except (OSError, AttributeError, TypeError):
        return None
    return lib


_LIB = _lexbor()


class _Kept(threading.local):
    """One thread's Lexbor CSS parser (whose memory holds the parsed queries: never freed, at most
    MAX_KEPT_QUERIES of them), selector engine, and parsed queries by text (None: Lexbor refused it)."""

    def __init__(self) -> None:
        self.parser: int | None = None
        self.engine: int | None = None
        self.lists: dict[str, int | None] = {}
        self.found: list[int] = []
        found = self.found

        def collect(node: int, specificity: int, context: int | None) -> int:
            found.append(node)
            return 0  # LXB_STATUS_OK: go on

        self.callback = _CALLBACK(collect)
        if _LIB is None:
            return
        parser, selectors, engine = _LIB.lxb_css_parser_create(), _LIB.lxb_css_selectors_create(), \
            _LIB.lxb_selectors_create()
        if not (parser and selectors and engine) or _LIB.lxb_css_parser_init(parser, None) \
                or _LIB.lxb_css_selectors_init(selectors) or _LIB.lxb_selectors_init(engine):
            return  # (a few hundred bytes left unfreed, once per thread, in a case never seen)
        _LIB.lxb_css_parser_selectors_set_noi(parser, selectors)
        _LIB.lxb_selectors_opt_set_noi(engine, _MATCH_ROOT)
        self.parser, self.engine = parser, engine

    def selector_list(self, query: str) -> int | None:
        """The parsed query, or None (no Lexbor, a query Lexbor refuses, or too many kept)."""
        if query in self.lists:
            return self.lists[query]
        if self.parser is None or _LIB is None or len(self.lists) >= MAX_KEPT_QUERIES:
            return None
        data = query.encode("utf-8")
        parsed: int | None = _LIB.lxb_css_selectors_parse(self.parser, data, len(data)) or None
        self.lists[query] = parsed
        return parsed


_KEPT = _Kept()


def matching_ids(scope: LexborNode | LexborHTMLParser, query: str) -> set[int]:
    """The mem_ids of the elements in `scope` (itself included) matching `query`: `{n.mem_id for n in select(scope,
    query)}`, the query parsed once per thread (`scope`: a document or one of its elements, not the content of a
    <template>, which selectolax searches without the scope itself)."""
    kept = _KEPT
    node = scope.root if isinstance(scope, LexborHTMLParser) else scope
    parsed = kept.selector_list(query) if node is not None else None
    if parsed is None or _LIB is None or node is None:
        return {n.mem_id for n in select(scope, query)}
    found = kept.found
    found.clear()
    status = _LIB.lxb_selectors_find(kept.engine, node.mem_id, parsed, kept.callback, None)
    if status:
        return {n.mem_id for n in select(scope, query)}
    ids = set(found)
    found.clear()
    return ids
