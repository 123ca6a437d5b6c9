"""CSS queries through one selectolax selector engine per thread, shared by every parsed document.

selectolax gives each document its own engine, created on the document's first query: that first
query costs ~25 µs more than later ones (Lexbor's CSS parser and selector memory set up, and freed
with the document), about what Lexbor needs to build the fast path's cut page. An engine holds no
document state between queries, so one per thread serves every document that thread parses.
"""
from __future__ import annotations

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


def select(scope: LexborNode | LexborHTMLParser, query: str) -> list[LexborNode]:
    """Every element in `scope` (itself included) matching `query`, in document order: `scope.css(query)`."""
    node = scope.root if isinstance(scope, LexborHTMLParser) else scope
    return _LOCAL.engine.find(query, node) if node is not None else []


def select_first(scope: LexborNode | LexborHTMLParser, query: str) -> LexborNode | None:
    """The first element in `scope` matching `query`, or None: `scope.css_first(query)`."""
    node = scope.root if isinstance(scope, LexborHTMLParser) else scope
    found = _LOCAL.engine.find_first(query, node) if node is not None else []
    return found[0] if found else None
