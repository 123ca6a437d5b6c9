"""The parser's fast path: a page cut down to its <head> and the article region, equal to the whole page for the parser.

A portal parser reads the <head> (meta, JSON-LD, canonical link, title) and the article; menus, side
lists and footers are most of a page's bytes. `trim` keeps what the parser reads and
refuses (None) whenever something outside the cut could change the parse. Long scripts and styles in
the <head> are dropped too (a news page's <head> is ~40 KB of them): `scan_head` walks the <head> the way
the HTML tokenizer does and gives up on anything it does not fully understand, so what it drops is
exactly a set of script/style elements no parser query can see.
"""
from __future__ import annotations

import ctypes
import dataclasses
import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence

from parsers.clib import c_function

try:  # (in the lock: without it the checks outside the region are searched one by one, as before)
    from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick
    _MULTI_SEARCH = True
except ImportError:  # pragma: no cover
    _MULTI_SEARCH = False

# A start or end tag, attributes and all, as the HTML tokenizer reads it (possessive: no backtracking,
# the tokenizer never gives characters back either). A tag with no closing ">" does not match, nor one with a
# quoted value never closed (the tokenizer reads it to the end of the text): after "=" comes a value (an unquoted
# one starts with neither quote; an empty one only before ">"), else no "=" follows the name.
_ATTRS = (r"(?:[\t\n\f\r /]*+[^\t\n\f\r />][^\t\n\f\r />=]*+"
          r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"'][^\t\n\f\r >]*+|(?=>))"
          r"|(?![\t\n\f\r ]*+=)))*+")
_TAG = re.compile(rf"<(?P<end>/?)(?P<name>[A-Za-z][^\t\n\f\r />]*+)(?P<attrs>{_ATTRS})[\t\n\f\r /]*+>")
_TAG_CLOSE = r"[\t\n\f\r /]*+>"
# whitespace, <meta>/<link>/<base> tags, the <html>, <head>, </head> tags, the doctype, comments, titles, short
# scripts and styles, most of a <head>: skipped in one C-level match (the loop below sees only long scripts and
# styles, noscripts, what the run leaves to its exact rules and what it refuses). A step of that loop costs
# ~1-1.5 µs, a tag in the run ~0.2 µs.
# The outer repeat is plain greedy: Python 3.11.2's `re` (Debian 12's python3.11) gets a possessive
# repeat of this alternation wrong (it ran one character into "<body>"); nothing follows the group, so
# greedy never backtracks here.
# Attributes of the common shape ` name="value"` are taken first in a cheaper form (sre reads a class of one
# excluded character ~8x quicker than a class of several): what it takes, the tokenizer reads the same way (a
# space, a name, "=", a double-quoted value), and `_ATTRS` goes on from there (~30 % of the run's time saved).
_QUOTED_ATTRS = r'(?: [A-Za-z0-9:_-]++="[^"]*+")*+'
# then the tag's end, else the other attributes and the end (what `_ATTRS` would read there before a ">" is nothing)
_ATTRS_TO_CLOSE = rf"{_QUOTED_ATTRS}(?:{_TAG_CLOSE}|{_ATTRS}{_TAG_CLOSE})"
# (the names in lower case first: a cheaper match for the usual spelling)
_VOID_NAMES = (r"(?:meta|link|[mM][eE][tT][aA]|[lL][iI][nN][kK]|[bB][aA][sS][eE]|[hH][tT][mM][lL]|[hH][eE][aA][dD]"
               r"|/[hH][eE][aA][dD])(?=[\t\n\f\r />])")
# a comment as the tokenizer ends it: at the first "-->" ("<!-->", "<!--->" and a "--!>" end are left to the loop,
# which refuses them). Its repeat is greedy, not possessive: Python 3.11.2's `re` fails a possessive repeat holding
# this lookahead ("<!-- a -- b -->" did not match); giving back a turn never finds a "-->" the lookahead ruled out.
_COMMENT = r"!--(?!-?>)[^-]*+(?:-(?!-!?>)[^-]*+)*-->"
_DOCTYPE = r"![dD][oO][cC][tT][yY][pP][eE][^>]*+>"  # (every doctype state ends at the first ">")
_SCRIPT = r"[sS][cC][rR][iI][pP][tT](?=[\t\n\f\r />])"
_STYLE = r"[sS][tT][yY][lL][eE](?=[\t\n\f\r />])"
_TITLE = r"[tT][iI][tT][lL][eE](?=[\t\n\f\r />])"
# a script or style is kept (Lexbor reads an empty script in ~0.4 µs, a style in ~0.1 µs, their text at ~0.6 ns a
# character) when its text is short and holds no "<" (then its first end tag ends it): its step in the loop, to
# drop it, would cost more. (What it keeps is in the cut the parse memo is keyed on: a head script whose text or
# nonce is new on every load would make that cut differ from load to load, as a per-load <meta> does. None of the
# real pages at hand has one; telling nonces apart in the run cost ~10 µs a page.)
_KEPT_RAW = 1500
_KEPT_SCRIPT = rf"{_SCRIPT}{_ATTRS_TO_CLOSE}[^<]{{0,{_KEPT_RAW}}}+</{_SCRIPT}{_ATTRS}{_TAG_CLOSE}"
_KEPT_STYLE = rf"{_STYLE}{_ATTRS}{_TAG_CLOSE}[^<]{{0,{_KEPT_RAW}}}+</{_STYLE}{_ATTRS}{_TAG_CLOSE}"
_PLAIN_TITLE = rf"{_TITLE}{_ATTRS}{_TAG_CLOSE}[^<]*+</{_TITLE}{_ATTRS}{_TAG_CLOSE}"
# (the whitespace after each tag is taken with it: one turn of the repeat a tag)
_HEAD_RUN = re.compile(
    rf"[\t\n\f\r ]*+(?:<(?:{_VOID_NAMES}{_ATTRS_TO_CLOSE}|{_COMMENT}|{_KEPT_SCRIPT}|{_KEPT_STYLE}"
    rf"|{_PLAIN_TITLE}|{_DOCTYPE})[\t\n\f\r ]*+)*")
# the run, then the tag after it when there is one (the next step of the head's walk in one C-level match: the
# optional group never fails, so the run is never given back)
_HEAD_STEP = re.compile(rf"{_HEAD_RUN.pattern}(?P<tag>{_TAG.pattern})?")
_ATTR = re.compile(
    r"[\t\n\f\r /]*+(?P<name>[^\t\n\f\r />][^\t\n\f\r />=]*+)"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?P<value>\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]*+))?")
_END_DELIMITERS = frozenset("\t\n\f\r />")  # after "</script": an end tag; anything else is text
_HEAD_VOID = frozenset({"meta", "link", "base", "basefont", "bgsound"})
_RAW = frozenset({"script", "style", "title", "noscript"})  # text up to their end tag (noscript: scripting on)
_HEAD_TAGS = _HEAD_VOID | _RAW | {"html", "head", "/head", "body"}
# after "</head>" the tree builder takes the other head elements back into <head>, but a <noscript> opens <body>: one
# is read only where no "</head" (any case, anywhere: even in a script, a comment or a value) precedes its tag's end
_HEAD_CLOSE = re.compile(r"</[hH][eE][aA][dD]")
# attributes no parser query looks at: a script or style carrying only these is invisible to the parsers
# (an id, class, itemprop, style... could be matched by an attribute selector such as [id^='player'])
_INERT_ATTRS = frozenset({"type", "src", "async", "defer", "crossorigin", "nonce", "charset", "integrity",
                          "referrerpolicy", "language", "media", "nomodule", "fetchpriority", "blocking"})


@dataclasses.dataclass(frozen=True, slots=True)
class Region:
    """Where a portal's article sits in the raw HTML, so the parser can skip menus and footers.

    The region runs from the tag holding the earliest `start` marker after <body>, through the `body`
    marker (the body container), to `slack` characters past the furthest `end` marker found after
    the body marker (to the marker's end when it is an end tag such as "</article>": nothing after it
    is part of the element): end markers must be things that only ever follow the body. With
    `body_in_start` the body marker is looked for only before the first end marker after the start (a
    template whose body container sits in the element the start marker opens: another template's page
    then fails after reading that element, not the rest of the page). The region is not
    used when `nested` occurs inside the body container before the end (an element that could close
    the region early), when the body marker or an `only_inside` marker occurs after the end (things
    the parser reads wherever they are: every body container, every byline link), when a JSON-LD
    script sits in <body> outside the region, or when `veto(text, lo, hi)` finds a sign of another
    template in the text left out (between <body> and the region, then after the furthest end marker).
    The body marker and `only_inside` markers must be absent from both sides left out, `before` markers
    (what the parser takes the first of, found in the region: its title) from the side before the region.
    The <head> (meta, JSON-LD) is always kept, without the long scripts and styles no parser can see; a page the
    HTML parser reads in quirks mode (class and id names matched in any case) is not cut.
    """

    start: tuple[str, ...]
    body: str
    end: tuple[str, ...]
    nested: str | None = None
    slack: int = 3000
    veto: Callable[[str, int, int], bool] | None = None
    only_inside: tuple[str, ...] = ()
    body_in_start: bool = False
    before: tuple[str, ...] = ()
    # False: the template carries no byline, so an article read from its region is kept without authors
    bylines: bool = True


# a CSS selector's class and id names, and its attribute values (what a start tag must hold for it to match)
_NAMES = re.compile(r"[.#]((?:[\w-]|\\.)+)|\[[\w-]+[~|^$*]?=[\"']?([^\"'\]]+)")
_TAG_NAME = re.compile(r"^\s*([a-z][\w-]*)")


def markers(*selectors: str) -> tuple[str, ...]:
    """Strings that the start tag of every element the selectors match holds: for each alternative its
    longest class or id name or attribute value, else "<" and its first tag name (markup in lower case).

    A page without them outside the region has no element there that the selectors would match (in
    no-quirks mode, where class and id names match only in their own case); a name counts only where it
    could be an attribute's value or one of its tokens (see `_absent`: not in ".txt-article {" of a stylesheet,
    nor in "redaksi" for "red"), a "<tag" in any ASCII case."""
    found: list[str] = []
    for selector in selectors:
        for alternative in selector.split(","):
            if re.search(r"[*$^|]=", alternative):
                raise ValueError(f"a substring match has no token marker: {alternative!r}")
            names = [a or b for a, b in _NAMES.findall(alternative)]
            if names:
                found.append(max(names, key=len).replace("\\", ""))
            elif (tag := _TAG_NAME.match(alternative)) is not None:
                found.append("<" + tag.group(1))
            else:
                raise ValueError(f"no marker for the selector {alternative!r}")
    # (each one looked for: a name is counted only as a whole token, so "byline" does not stand for "amp-byline")
    return tuple(sorted(set(found), key=lambda m: (len(m), m)))


def _inert(attrs: str) -> bool:
    """Whether a script/style start tag's attributes make it invisible to the parsers (JSON-LD is not)."""
    for m in _ATTR.finditer(attrs):
        name = m.group("name").lower()
        if name not in _INERT_ATTRS and not name.startswith("data-"):
            return False
        if name == "type" and "json" in (m.group("value") or "").lower():
            return False
    return True


# a portal's template repeats the same script tags on every page (~1 µs each to read, 10-20 per <head>):
# answers for short attribute strings are remembered (bounded: no page can make the memo hold over ~0.3 MB)
_MEMO_ATTRS = 300
_inert_memo = functools.lru_cache(maxsize=1024)(_inert)


# in a script, the first "<" that is a comment's start or an end tag "</script" (any ASCII case, then a space,
# "/" or ">"): one C-level search, where stepping from "<" to "<" costs a Python step per comparison
_SCRIPT_STOP = re.compile(r"<(?:!--|/script(?=[\t\n\f\r />]))", re.IGNORECASE | re.ASCII)


def _script_end(text: str, at: int) -> tuple[int, int] | None:
    """`_raw_end` for a script: None when its text holds "<!--" (the tokenizer's escaped states: not worth
    modelling) or the end tag is missing."""
    # its first "<" by a memchr (~0.05 ns a character, the regex's scan ~0.3): often its end tag
    lt = text.find("<", at)
    if lt < 0:
        return None
    if not text.startswith("</script>", lt):  # (the usual end tag: what _TAG reads there, without reading it)
        stop = _SCRIPT_STOP.search(text, lt)
        if stop is None or stop.group().startswith("<!"):
            return None
        lt = stop.start()
    if text.startswith("</script>", lt):
        return lt, lt + 9
    tag = _TAG.match(text, lt)
    return (lt, tag.end()) if tag is not None else None


def _raw_end(text: str, at: int, name: str) -> tuple[int, int] | None:
    """(where the text of a raw-text element opened just before `at` ends, where its end tag ends).

    None when a script's text holds "<!--" (see `_script_end`), a noscript follows "</head" (after it, the tree
    builder opens <body> for a noscript) or the end tag is missing. Styles, titles and noscripts step from "<" to
    "<" (a memchr each: they hold few).
    """
    if name == "script":
        return _script_end(text, at)
    if name == "noscript" and _HEAD_CLOSE.search(text, 0, at) is not None:
        return None
    closer = "/" + name
    lt = text.find("<", at)
    while lt >= 0:
        after = lt + 1 + len(closer)
        if text[lt + 1:after].lower() == closer and text[after:after + 1] in _END_DELIMITERS:
            tag = _TAG.match(text, lt)
            return (lt, tag.end()) if tag is not None else None
        lt = text.find("<", lt + 1)
    return None


def _comment_end(text: str, at: int) -> int | None:
    """End of the comment opened at `at` ("<!--"), or None for the odd shapes ("<!-->", "--!>")."""
    close = text.find("-->", at + 4)
    if close < 0 or text.startswith((">", "->"), at + 4) or "--!>" in text[at + 4:close + 3]:
        return None
    return close + 3


def _declaration_end(text: str, lt: int) -> int | None:
    """End of the comment or doctype opened at `lt` ("<!"), or None (odd comments, other declarations: the
    tokenizer's bogus comments are not worth modelling)."""
    if text.startswith("<!--", lt):
        return _comment_end(text, lt)
    if text[lt + 1:lt + 9].lower() == "!doctype":
        return text.find(">", lt) + 1 or None
    return None


def scan_head(text: str) -> tuple[str, int] | None:
    """(the text before <body> without its inert scripts and styles, the index just past the <body> tag).

    None unless everything before <body> is whitespace, comments, a doctype and head elements (html,
    head, meta, link, base, title, script, style, noscript): anything else (text, a <div>, a stray end
    tag, a script the tokenizer reads in its escaped states) would move where the head ends.
    """
    kept: list[str] = []
    last = at = 0
    while True:
        step = _HEAD_STEP.match(text, at)  # always matches (maybe nothing)
        if step is None or step.group("tag") is None:
            # no tag after the run (which took the whitespace): a comment or doctype, else text or a "<" that
            # opens no tag
            lt = step.end() if step is not None else at
            if not text.startswith("<!", lt):
                return None
            end = _declaration_end(text, lt)
        else:
            lt = step.start("tag")
            name = step.group("end") + step.group("name").lower()
            if name not in _HEAD_TAGS:
                return None
            end, attrs = step.end(), step.group("attrs")
            if name == "body":
                kept.append(text[last:end])
                return "".join(kept), end
            if name in _RAW:
                raw = _raw_end(text, end, name)
                if raw is None:
                    return None
                if name in ("script", "style") and (
                        _inert_memo(attrs) if len(attrs) <= _MEMO_ATTRS else _inert(attrs)):
                    kept.append(text[last:lt])
                    last = raw[1]
                end = raw[1]
        if end is None:
            return None
        at = end


# str.find searches a text of 30,000 characters or more with its two-way algorithm; below that, with a
# skip loop that is ~25 % quicker for the short markers looked for here (measured on news pages, Python
# 3.11): a search over the 50-60 KB before or after a region is done in windows below that size.
_WINDOW = 29_000
_SKIP_LOOP_NEEDLE = 12  # longer markers skip far enough under either algorithm: one call


def find(text: str, needle: str, lo: int, hi: int | None = None, window: int = _WINDOW) -> int:
    """`text.find(needle, lo, hi)` for a non-empty needle and lo, hi within the text, window by window."""
    hi = len(text) if hi is None else min(hi, len(text))
    if len(needle) > _SKIP_LOOP_NEEDLE or hi - lo <= window:
        return text.find(needle, lo, hi)
    reach = len(needle) - 1  # a match starting in a window may end past it
    while lo < hi:
        at = text.find(needle, lo, min(hi, lo + window + reach))
        if at >= 0:
            return at
        lo += window
    return -1


# JSON-LD's type in any ASCII case (the parsers' `script[type="application/ld+json"]` matches it so: `type` is
# one of the attributes whose value HTML matches case-insensitively)
_LD_JSON = re.compile(r"ld\+json", re.IGNORECASE | re.ASCII)
# after a few hits: the rest in one C-level search (its literal "+" found by a fast scan, the rest matched there;
# an IGNORECASE pattern would be matched at every character, ~6x slower)
_PLUS_JSON = re.compile(r"\+[jJ][sS][oO][nN]")
_LD_JSON_HITS = 8


def _has_json_ld(text: str, lo: int, hi: int) -> bool:
    """Whether "ld+json" in any ASCII case occurs in text[lo:hi]: a memchr pass for its rare "+", each hit
    checked; a range with many (scripts' "i++") searched from there for "+json" in any case, each hit checked."""
    if hi - lo < 7:
        return False  # (and hi - 4 below stays a position, never one counted from the end)
    plus = text.find("+", lo + 2, hi - 4)
    for _ in range(_LD_JSON_HITS):
        if plus < 0:
            return False
        if _LD_JSON.match(text, plus - 2, plus + 5):
            return True
        plus = text.find("+", plus + 1, hi - 4)
    while plus >= 0:
        found = _PLUS_JSON.search(text, plus, hi)
        if found is None:
            return False
        if _LD_JSON.match(text, found.start() - 2, found.start() + 5):
            return True
        plus = found.start() + 1
    return False


# glibc's memmem reads a short marker through a news page ~4x quicker than str.find (0.1 against 0.4 ns a
# character: the checks below prove a handful of markers absent from the ~100 KB outside the region)
_MEMMEM: Callable[[int, int, bytes, int], int | None] | None = c_function(
    "memmem", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t)


# glibc's strstr (SIMD on x86-64) is quicker still for markers of 5-8 characters: 2-4 µs against 13-66 µs for
# memmem over the ~110 KB left out of a benchmark page (measured on this VM, loaded). It reads up to the first
# NUL: a bytes object always ends in one, and a page holding a NUL of its own is searched with memmem.
_STRSTR: Callable[[int, bytes], int | None] | None = c_function("strstr", ctypes.c_void_p, ctypes.c_void_p,
                                                                ctypes.c_char_p)


class Haystack:
    """A page's text with `find` = `text.find` for the region's markers, through strstr or memmem over one byte a
    character, so a byte offset is a character offset: the text in Latin-1 (nearly every page), or, for a text
    with other characters, in Latin-1 with each of those as "?" (in a text not ASCII, a needle holding "?" is
    found by str.find)."""

    __slots__ = ("text", "_raw", "_base", "_nul_free", "_lossy")

    def __init__(self, text: str, ascii_bytes: bytes | None = None) -> None:
        """`ascii_bytes`: the text's ASCII encoding, when the caller has it (a 150 KB encoding costs ~3 µs, and
        the page faults of one more large buffer more)."""
        self.text = text
        self._raw: bytes | None = None
        self._base = 0
        self._nul_free = False
        self._lossy = False
        if _MEMMEM is None or not text:
            return
        if ascii_bytes is not None and len(ascii_bytes) == len(text):
            self._raw = ascii_bytes
        else:
            # one C pass (a copy for a Latin-1 text): str.find over a text of two or four bytes a character is slow
            self._raw = text.encode("latin-1", "replace")
            self._lossy = not text.isascii()  # (whether a character became "?": unknown without another pass)
        self._base = ctypes.cast(ctypes.c_char_p(self._raw), ctypes.c_void_p).value or 0
        self._nul_free = _STRSTR is not None and self._raw.find(b"\0") < 0  # (a memchr: ~2 µs)

    def find(self, needle: str, lo: int, hi: int | None = None) -> int:
        """`self.text.find(needle, lo, hi)` for a non-empty needle and lo >= 0."""
        text = self.text
        hi = len(text) if hi is None else min(hi, len(text))
        if (self._raw is None or _MEMMEM is None or lo < 0 or hi < 0 or not needle or not needle.isascii()
                or self._lossy and "?" in needle):
            return find(text, needle, lo, hi)
        if hi - lo < len(needle):
            return -1  # (and no negative length reaches memmem, no start past the text strstr)
        if self._nul_free and _STRSTR is not None:
            # the first match at or after lo: in text[lo:hi] if it ends by hi, else there is none there
            at = _STRSTR(self._base + lo, needle.encode("ascii"))
            return -1 if at is None or at - self._base + len(needle) > hi else at - self._base
        at = _MEMMEM(self._base + lo, hi - lo, needle.encode("ascii"), len(needle))
        return -1 if at is None else at - self._base

    def has_json_ld_outside(self, lo: int, start: int, end: int, stop: int | None = None) -> bool:
        """Whether "ld+json" in any ASCII case occurs in text[lo:start] or text[end:stop] (or across `start` or
        `end`; `stop`: the text's end by default).

        With strstr, one pass from `lo` for "+j" and one for "+J" (~3 µs each: "+" alone is common in scripts),
        stepping over text[start:end]; many hits (minified scripts' "a+j"): `_has_json_ld`'s scan."""
        text = self.text
        stop = len(text) if stop is None else stop
        if stop - lo < 7:
            return False  # (and stop - 3 below stays a position, never one counted from the end)
        if not self._nul_free:
            return _has_json_ld(text, lo, start) or _has_json_ld(text, end, stop)
        # its "+" first (a memchr pass: few on most pages), then, past a few, "+j" and "+J" from there
        at = text.find("+", lo + 2, stop - 4)
        for _ in range(_LD_JSON_HITS):
            if start + 2 <= at and at + 5 <= end:  # in the region: on from its end
                at = text.find("+", max(at + 1, end - 4), stop - 4)
            if at < 0:
                return False
            if _LD_JSON.match(text, at - 2, at + 5):
                return True
            at = text.find("+", at + 1, stop - 4)
        return at >= 0 and self._json_ld_from(at, start, end, stop)

    def _json_ld_from(self, lo: int, start: int, end: int, stop: int) -> bool:
        """`has_json_ld_outside` from a "+" at `lo` on: strstr for "+j" and "+J", stepping over the region."""
        text = self.text
        for needle in ("+j", "+J"):
            at = self.find(needle, lo, stop - 3)
            for _ in range(_LD_JSON_HITS):
                if start + 2 <= at and at + 5 <= end:
                    at = self.find(needle, max(at + 1, end - 4), stop - 3)
                if at < 0:
                    break
                if _LD_JSON.match(text, at - 2, at + 5):
                    return True
                at = self.find(needle, at + 1, stop - 3)
            else:  # many (minified scripts' "a+j"): the regex scan
                return _has_json_ld(text, max(lo - 2, 0), start) or _has_json_ld(text, max(end, lo - 2), stop)
        return False


def _body_limit(page: Haystack, region: Region, start: int) -> int:
    """Where the body marker must have begun by: the first end marker after `start` for a `body_in_start`
    region (-1, nowhere, when there is none), else the end of the text."""
    if not region.body_in_start:
        return len(page.text)
    return min((at for marker in region.end if (at := page.find(marker, start)) >= 0), default=-1)


def _region_bounds(page: Haystack, region: Region, body_tag: int,
                   seen: dict[str, int]) -> tuple[int, int, int, bool] | None:
    """(region start, body container, end of the furthest end marker, whether that marker is an end tag)
    in `text`, or None when a marker is missing.

    `seen` remembers where each start marker was first found (templates share them: Tempo's <article).
    """
    text = page.text
    first = len(text)
    for marker in region.start:  # the earliest: each later marker is looked for only before it
        at = seen.get(marker)
        if at is None:
            at = page.find(marker, body_tag, first + len(marker))
            if first == len(text):  # an unbounded search: its answer holds for every template
                seen[marker] = at = at if at >= 0 else len(text)
        first = at if 0 <= at < first else first
    if first == len(text):
        return None
    start = text.rfind("<", body_tag, first + 1)
    limit = _body_limit(page, region, start) if start >= 0 else -1
    container = page.find(region.body, start, limit) if limit >= 0 else -1
    if container < 0:
        return None
    ends = [(i + len(m), m) for m in region.end if (i := page.find(m, container)) >= 0]
    if not ends:
        return None
    end, marker = max(ends)
    return start, container, end, marker.startswith("</")


def _head(text: str) -> tuple[str, int] | None:
    """The text kept before the region and where <body> content starts (see `scan_head`; a head it
    cannot read is kept whole, up to the first "<body")."""
    head = scan_head(text)
    if head is not None:
        return head
    body_tag = text.find("<body")
    if body_tag < 0:
        return None
    head_end = text.find(">", body_tag) + 1
    return text[:head_end], head_end


# A doctype the HTML parser reads in no-quirks or limited-quirks mode (class and id names matched in their own
# case): `<!DOCTYPE html>`, the legacy-compat one, XHTML 1.0/1.1 public ids; anything else (none, HTML 4.01
# Transitional without its system id, odd shapes the tokenizer flags) is not cut: quirks mode matches class and
# id names in any case, which no marker search follows.
_WS = r"[\t\n\f\r ]"
_NO_QUIRKS = re.compile(
    rf"(?:{_WS}|<!--(?!-?>)(?:(?!--!?>).)*?-->)*+<!doctype{_WS}+html{_WS}*+"
    rf"(?:system{_WS}+(?P<q1>[\"'])about:legacy-compat(?P=q1){_WS}*+"
    rf"|public{_WS}+(?P<q2>[\"'])-//W3C//DTD XHTML 1\.[01][ /][^\"'>]*+(?P=q2)"
    rf"(?:{_WS}+(?P<q3>[\"'])[^\"'>]*+(?P=q3))?{_WS}*+)?>",
    re.IGNORECASE | re.DOTALL)


def no_quirks(text: str) -> bool:
    """Whether the page opens with a doctype that keeps the HTML parser out of quirks mode."""
    return _NO_QUIRKS.match(text) is not None


def trim(text: str, regions: Sequence[Region], ascii_bytes: bytes | None = None) -> str | None:
    """The page cut to <head> plus the first of `regions` (one per template) that is safe, or None
    (`ascii_bytes`: the text in ASCII, when the caller has it)."""
    found = trim_region(text, regions, ascii_bytes)
    return found[0] if found is not None else None


def trim_region(text: str, regions: Sequence[Region],
                ascii_bytes: bytes | None = None) -> tuple[str, Region] | None:
    """`trim`, and the region it cut."""
    head = _head(text) if regions and no_quirks(text) else None
    if head is None:
        return None
    seen: dict[str, int] = {}
    page = Haystack(text, ascii_bytes)
    for region in regions:
        small = _cut(page, region, *head, seen)
        if small is not None:
            return small, region
    return None


# what may precede a class or id name, an attribute value or one of its tokens in a start tag
_TOKEN_STARTS = ("\"", "'", "=", " ", "\t", "\n", "\f", "\r")
_TOKEN_START = frozenset(_TOKEN_STARTS)
_MARKER_HITS = 16  # hits where no marker starts (stylesheets, scripts...) checked before giving up
# names sharing their first 5 characters ("detail__...", "pagination" and "paging") are looked for in one search
_SHARED_PREFIX = 5
_NAME = re.compile(r"[\w-]+")
# (the empty string too: a name at the end of the text counts)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


# glibc's strstr looks for a needle's first two characters: where they are common in HTML, each of their many
# places is compared further (a 150 KB page: ~7-10 µs for "article-content", "date-item__headline", ~3 µs for
# "-content", "-item__headline"): a name is searched for from its first "-" or "_" (if 4 characters are left)
_NEEDLE_MIN = 4


def _needle_offset(prefix: str) -> int:
    """Where in `prefix` to start the search for it."""
    for at, char in enumerate(prefix):
        if char in "-_" and len(prefix) - at >= _NEEDLE_MIN and not prefix.startswith("<"):
            return at
    return 0


_Search = tuple[str, int, tuple[str, ...]]


@functools.lru_cache(maxsize=256)
def _searches(markers: tuple[str, ...]) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """(what to search for, how far into the markers it starts, the markers a hit may begin) for `markers`: one
    search for each group of names sharing their first `_SHARED_PREFIX` characters (for their longest common
    prefix), one for each other marker, and for a "<tag" marker one for each of its `_case_variants`; a short name
    is looked for after each character a token can follow (at -1 into the marker)."""
    groups: dict[str, list[str]] = {}
    for marker in dict.fromkeys(markers):
        name = len(marker) >= _SHARED_PREFIX and _NAME.fullmatch(marker) is not None
        groups.setdefault(marker[:_SHARED_PREFIX] if name else marker, []).append(marker)
    searches: list[_Search] = []
    for group in groups.values():
        if len(group[0]) < _SHARED_PREFIX and _NAME.fullmatch(group[0]):
            # a short name ("isi", "red") is common inside words ("polisi", "redaksi"): looked for with each
            # character a token can follow, one before the marker
            searches += [(before + group[0], -1, (group[0],)) for before in _TOKEN_STARTS]
            continue
        prefix = os.path.commonprefix(group)
        offset = _needle_offset(prefix)
        searches.append((prefix[offset:], offset, tuple(group)))
    # a "<tag" marker in other ASCII cases (HTML tag names match in any case)
    searches += [(variant, 0, (marker,)) for marker in dict.fromkeys(markers) if marker.startswith("<")
                 for variant in _case_variants(marker)]
    return tuple(searches)


def _begins_marker(text: str, group: tuple[str, ...], where: int) -> bool:
    """Whether one of `group` starts at `where` where it counts (see `_absent`): a "<tag" marker in any ASCII case
    (HTML reads tag names so), a name where a token can start and end (anything but an ASCII letter, digit, "_" or
    "-" after it: a quote, a space, "&", ">"...), another marker where a token can start."""
    for marker in group:
        if marker.startswith("<"):
            if text[where:where + len(marker)].lower() == marker:  # (a non-ASCII letter lowered to ASCII counts too)
                return True
        elif text.startswith(marker, where) and text[where - 1] in _TOKEN_START and (
                text[where + len(marker):where + len(marker) + 1] not in _NAME_CHARS or not _NAME.fullmatch(marker)):
            return True  # (a name followed by a character of a longer name is not that name)
    return False


def _case_variants(marker: str) -> tuple[str, ...]:
    """Needles that find a "<tag" marker (in lower case) spelled in any other ASCII case: its spellings up to their
    first capital letter, each at least 3 characters long where the marker is (two spellings of the letter after a
    capital right after "<": the one-pass scan keeps its 3-byte fingerprints)."""
    found: list[str] = []
    for at in range(1, len(marker)):
        if not marker[at].isalpha():
            continue
        prefix = marker[:at] + marker[at].upper()
        if len(prefix) < 3 <= len(marker):
            found += [prefix + letter for letter in dict.fromkeys((marker[2], marker[2].upper()))]
        else:
            found.append(prefix)
    return tuple(found)


def _absent(page: Haystack, search: tuple[str, int, tuple[str, ...]], lo: int, start: int, end: int) -> bool:
    """Whether text[lo:start] and text[end:] hold none of the markers of `search` (see `_searches` and
    `markers`), in one pass from `lo` that steps over the region text[start:end]: hits where no marker starts,
    or a name's hits where no token can start or end, are skipped ("<tag" markers count wherever they are, in any
    ASCII case); many such hits count as present."""
    needle, offset, group = search
    text = page.text
    at = page.find(needle, lo + offset)
    for _ in range(_MARKER_HITS):
        if start <= at - offset and at + len(needle) <= end:  # in the region: on from its end (across it counts)
            at = page.find(needle, max(at + 1, end - len(needle) + 1))
        if at < 0:
            return True
        if _begins_marker(text, group, at - offset):
            return False
        at = page.find(needle, at + 1)
    if at >= 0 and (offset or len(group) > 1):  # many hits of a part the markers share: each marker itself
        return all(_absent(page, (marker, 0, (marker,)), max(lo, at - offset), start, end) for marker in group)
    return at < 0


def _outside_searches(region: Region) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """The searches proving the body marker and `only_inside` absent on both sides (the body marker only when
    no name holds it: detik's `class="detail__body-text` is found as "detail__body-text")."""
    body = () if any(m in region.body for m in region.only_inside) else (region.body,)
    return _searches((*body, *region.only_inside))


# "ld+json" in any ASCII case holds one of these at its second character (each hit then matched by `_LD_JSON`)
_LD_JSON_NEEDLES = ("d+j", "d+J", "D+j", "D+J")
_JSON_LD = -1  # a needle's check of JSON-LD, beside the indexes of the searches it serves
# Character references: the HTML parser decodes attribute values, so `class="pag&#105;ng"` is a "paging" element
# the searches for names never see. A reference left out of the cut that decodes to a character a marker or a
# token separator is made of (an ASCII letter, digit, "_", "-", "+", whitespace) refuses the cut, wherever it is
# (in text too: such references are rare there; "&amp;" in links, "&#8220;" quotes and the like are not such).
_CHAR_REF = -2  # a needle's check of character references
_NUMERIC_REF_NEEDLES = (*(f"&#{digit}" for digit in range(10)), "&#x", "&#X")
# the named references that decode to such characters (the names are case-sensitive; none of them is read
# without its ";")
_NAMED_REFS = ("&Tab;", "&NewLine;", "&lowbar;", "&UnderBar;", "&plus;", "&fjlig;")
# (more digits: a number past the last code point, read as U+FFFD)
_NUMERIC_REF = re.compile(r"&#(?:[xX]0*+([0-9a-fA-F]{1,7})(?![0-9a-fA-F])|0*+([0-9]{1,8})(?![0-9]))")
_SPELLING = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+\t\n\f\r ")


def _spells_a_name(text: str, at: int) -> bool:
    """Whether the character reference at `at` (a "&#" or a named one) decodes to a character of `_SPELLING`."""
    if text.startswith(_NAMED_REFS, at):
        return True
    number = _NUMERIC_REF.match(text, at)
    if number is None:
        return False  # no digits, or a number too large for a character (the parser reads U+FFFD)
    hexadecimal, decimal = number.groups()
    code = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
    return code < 128 and chr(code) in _SPELLING


_ANY_REF = re.compile(r"&(?:#|Tab;|NewLine;|lowbar;|UnderBar;|plus;|fjlig;)")


def _has_name_reference(text: str, lo: int, hi: int) -> bool:
    """Whether a character reference of `_spells_a_name` starts in text[lo:hi] (the definition, one regex pass)."""
    return any(_spells_a_name(text, m.start()) for m in _ANY_REF.finditer(text, lo, hi))


# Needles of control characters, their hits ignored: with them the automaton's needles have more than 3 distinct
# first bytes and more than 3 distinct rarest bytes, so it skips ahead with its vector scan for the needles' first
# bytes (Teddy) and not with a memchr for up to 3 bytes, which stops at every "d" or "_" of a page when the needles
# start with those (detik's "detail__", "__title" and the "d+j" above: 120 µs a page, 15 µs with these).
_SCAN_DECOYS = tuple(chr(code) * 3 for code in (1, 2, 3, 4))


@dataclasses.dataclass(frozen=True, slots=True)
class _MultiSearch:
    """Every occurrence of several ASCII needles in one pass (see `_occurrences`)."""

    automaton: BytesAhoCorasick
    needles: tuple[str, ...]
    # per needle: (another needle, how far into a match of this one it starts) wherever the two can overlap
    hidden: tuple[tuple[tuple[int, int], ...], ...]


def _multi_search(needles: tuple[str, ...]) -> _MultiSearch:
    """The search for `needles` (distinct, non-empty, ASCII).

    Leftmost-first: the automaton skips ahead with a vector scan for the needles' first bytes (10-16 µs for
    Republika's 16 needles over the ~115 KB a region leaves out of a benchmark page, against ~5 µs a needle for
    strstr; the standard match kind has no such scan here: ~200 µs). It reports no match that starts inside
    another, nor a second needle at the same place: for each needle, the others that can start inside a match of
    it (at 0, one holding the other at its start) are listed with where, and checked at each match."""
    by_first: dict[str, list[int]] = {}
    for j, other in enumerate(needles):
        by_first.setdefault(other[0], []).append(j)
    hidden = tuple(tuple((j, d) for d in range(len(needle)) for j in by_first.get(needle[d], ())
                         if (d or j != i) and needle[d:d + len(needles[j])] == needles[j][:len(needle) - d])
                   for i, needle in enumerate(needles))
    automaton = BytesAhoCorasick([n.encode("ascii") for n in needles], matchkind=MATCHKIND_LEFTMOST_FIRST)
    return _MultiSearch(automaton, needles, hidden)


def _occurrences(search: _MultiSearch, text: str, view: memoryview, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """(needle, where) for every occurrence of the needles in text[lo:hi] (overlapping ones too) in the order
    of where, from `view`: the text as bytes, one a character, matching every needle where the text does."""
    for needle, at, _ in search.automaton.find_matches_as_indexes(view[lo:hi]):
        at += lo
        yield needle, at
        for other, distance in search.hidden[needle]:
            if text.startswith(search.needles[other], at + distance, hi):
                yield other, at + distance


@dataclasses.dataclass(frozen=True, slots=True)
class _SidePass:
    """The needles looked for on one side of a region, and the checks each one's hits count for."""

    search: _MultiSearch
    served: tuple[tuple[int, ...], ...]  # per needle: the indexes of the searches (`_JSON_LD`: JSON-LD)


@dataclasses.dataclass(frozen=True, slots=True)
class _OnePassPlan:
    """A region's checks outside it as one multi-needle pass a side (see `_clear_in_one_pass`)."""

    before: _SidePass  # every check
    after: _SidePass  # all but the `before` markers' searches
    searches: tuple[tuple[_Search, bool], ...]  # (search, whether it is a `before` one: only the side before counts)
    slow: tuple[int, ...]  # the searches left to `_absent` (a needle the Latin-1 bytes cannot stand for)
    margin: int  # how far a counted occurrence can reach into the region


def _side_pass(searches: Sequence[tuple[int, str]]) -> _SidePass:
    """The pass for JSON-LD and these (search index, needle) pairs."""
    served: dict[str, list[int]] = {needle: [_JSON_LD] for needle in _LD_JSON_NEEDLES}
    served.update({needle: [_CHAR_REF] for needle in (*_NUMERIC_REF_NEEDLES, *_NAMED_REFS)})
    served.update({decoy: [] for decoy in _SCAN_DECOYS})
    for index, needle in searches:
        served.setdefault(needle, []).append(index)
    return _SidePass(_multi_search(tuple(served)), tuple(tuple(indexes) for indexes in served.values()))


@functools.lru_cache(maxsize=64)
def _one_pass_plan(region: Region) -> _OnePassPlan | None:
    """The pass for `region`'s checks outside it (None without the multi-needle search)."""
    if not _MULTI_SEARCH:
        return None
    searches = tuple((search, False) for search in _outside_searches(region)) + tuple(
        (search, True) for search in _searches(region.before))
    # the bytes are the text in Latin-1, "?" for any other character: an ASCII needle without "?" matches them
    # exactly where it matches the text
    fast = [(index, needle) for index, ((needle, _, _), _) in enumerate(searches)
            if needle.isascii() and "?" not in needle]
    slow = tuple(sorted(set(range(len(searches))) - {index for index, _ in fast}))
    margin = max([len("ld+json") + 1, *map(len, _NAMED_REFS),
                  *(offset + len(needle) for (needle, offset, _), _ in searches)])
    before = _side_pass(fast)
    after = _side_pass([(i, n) for i, n in fast if not searches[i][1]]) if region.before else before
    return _OnePassPlan(before, after, searches, slow, margin)




def _page_check_hit(text: str, check: int, at: int, bounds: tuple[int, int, int]) -> bool:
    """Whether the occurrence at `at` of a needle of `_JSON_LD` or `_CHAR_REF` is JSON-LD, or a character reference
    that could spell a name, outside the region (`bounds`: lo, start, end)."""
    lo, start, end = bounds
    if check == _CHAR_REF:
        return at >= lo and not start <= at < end and _spells_a_name(text, at)
    ld = at - 1  # (where its "ld+json" would start)
    return ld >= lo and not (start <= ld and ld + 7 <= end) and _LD_JSON.match(text, ld, ld + 7) is not None


def _hit_is_clear(page: Haystack, plan: _OnePassPlan, served: tuple[int, ...], at: int,
                  bounds: tuple[int, int, int], hits: list[int]) -> bool:
    """False where a needle's occurrence at `at` begins a marker or JSON-LD outside the region text[start:end]
    (`bounds`: lo, start, end; see `_absent`); else it counts as one more hit of the searches it `served`."""
    text = page.text
    lo, start, end = bounds
    for index in served:
        if index < 0:
            if _page_check_hit(text, index, at, bounds):
                return False
            continue
        (found, offset, group), before = plan.searches[index]
        where = at - offset
        if where < lo or hits[index] >= _MARKER_HITS or (
                start <= where and at + len(found) <= (len(text) if before else end)):
            continue  # before `lo`, past the hits `_absent` reads (it answers for them), or in the region
        if _begins_marker(text, group, where):
            return False
        hits[index] += 1
    return True


def _clear_in_one_pass(page: Haystack, raw: bytes, plan: _OnePassPlan, lo: int, start: int, end: int) -> bool:
    """`_markers_and_json_ld_absent` from one multi-needle pass over the two sides left out, text[lo:start] and
    text[end:] (each widened by the reach of an occurrence counted across the region's edge; an "ld+json" counts
    unless wholly inside the region, as in `Haystack.has_json_ld_outside`). A search with `_MARKER_HITS` hits where
    no marker starts is answered by `_absent` (it answers "present" past so many), as are `slow` ones.
    `raw`: the text as bytes, one a character (Latin-1, any other character as "?": `Haystack._raw`)."""
    text = page.text
    first = max(0, lo - 1)  # (a short name's needle starts a character before it)
    before, after = min(len(text), start + plan.margin), max(first, end - plan.margin)
    sides = (((first, len(text)), plan.before),) if before >= after else (
        ((first, before), plan.before), ((after, len(text)), plan.after))
    hits = [0] * len(plan.searches)
    bounds = (lo, start, end)
    view = memoryview(raw)
    for (side_lo, side_hi), side in sides:
        for needle, at in _occurrences(side.search, text, view, side_lo, side_hi):
            if not _hit_is_clear(page, plan, side.served[needle], at, bounds, hits):
                return False
    if not plan.slow and max(hits, default=0) < _MARKER_HITS:
        return True  # (the usual answer, without the loop)
    for index, ((search, before_only), count) in enumerate(zip(plan.searches, hits, strict=True)):
        if (count >= _MARKER_HITS or index in plan.slow) and not _absent(
                page, search, lo, start, len(text) if before_only else end):
            return False
    return True


def _markers_and_json_ld_absent(page: Haystack, region: Region, head_end: int, start: int, end: int) -> bool:
    """Whether the body marker and `only_inside` markers are absent from both sides left out, the `before` markers
    from the side before the region, and JSON-LD and character references that could spell a name from both (the
    definition, one search at a time)."""
    text = page.text
    if not all(_absent(page, search, head_end, start, end) for search in _outside_searches(region)):
        return False  # another body container (or byline...) before or after the region
    if not all(_absent(page, search, head_end, start, len(text)) for search in _searches(region.before)):
        return False  # (its title: the parser takes the first)
    if _has_name_reference(text, head_end, start) or _has_name_reference(text, end, len(text)):
        return False  # (a name spelled with character references)
    return not page.has_json_ld_outside(head_end, start, end)  # JSON-LD in <body>: the parsers read it


def _left_out_is_clear(page: Haystack, region: Region, head_end: int, start: int, end: int) -> bool:
    """Whether nothing the parser reads sits between <body> and the region or after it (see `Region`)."""
    text = page.text
    raw = page._raw
    plan = _one_pass_plan(region) if raw is not None else None
    if raw is not None and plan is not None:
        if not _clear_in_one_pass(page, raw, plan, head_end, start, end):
            return False
    elif not _markers_and_json_ld_absent(page, region, head_end, start, end):
        return False
    return region.veto is None or not (region.veto(text, head_end, start) or region.veto(text, end, len(text)))


@functools.lru_cache(maxsize=16)
def _any_case(marker: str) -> re.Pattern[str]:
    return re.compile(re.escape(marker), re.IGNORECASE | re.ASCII)


def _holds(page: Haystack, marker: str, lo: int, hi: int) -> bool:
    """Whether text[lo:hi] holds the marker, a "<tag" one in any ASCII case (~1.5 µs over a 12 KB region)."""
    if marker.startswith("<"):
        return _any_case(marker).search(page.text, lo, hi) is not None
    return page.find(marker, lo, hi) >= 0


def _cut(page: Haystack, region: Region, kept: str, head_end: int, seen: dict[str, int]) -> str | None:
    text = page.text
    bounds = _region_bounds(page, region, head_end, seen)
    if bounds is None:
        return None
    start, container, end, closed = bounds
    if region.nested is not None and _holds(page, region.nested, container + len(region.body), end):
        return None
    cut = end if closed else end + region.slack
    if start - head_end < 2000 and len(text) - cut < 2000:
        return None  # nothing worth cutting
    if not _left_out_is_clear(page, region, head_end, start, end):
        return None
    return kept + text[start:cut]
