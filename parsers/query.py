"""CSS queries through one selectolax selector engine per thread, shared by every parsed document.

selectolax gives each document its own engine, created on the document's first query: that first
query costs ~25 µs more than later ones (Lexbor's CSS parser and selector memory set up, and freed
with the document), about what Lexbor needs to build the fast path's cut page. An engine holds no
document state between queries, so one per thread serves every document that thread parses.

A query for one tag name over a whole document ("amp-story", "time", "article") is answered by Lexbor's
tag lookup instead: the same elements in the same order, without the CSS engine's ~3-6 µs a query for
parsing the selector and setting up the match (most parses ask a few).
"""
from __future__ import annotations

import functools
import re
import threading
from typing import Protocol, cast

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
