"""Turn raw input (bytes in any charset, or str) into safe HTML text for the parser, or raise ParseError."""
from __future__ import annotations

import codecs
import itertools
import operator
import re

from parsers.article import ParseError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)
# WHATWG Encoding Standard: browsers read all of these labels as windows-1252.
_AS_1252 = frozenset({"ascii", "us-ascii", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1",
                      "l1", "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252"})
# PNG, GIF, PDF, ZIP, JPEG, gzip, RIFF (WebP...), ICO, bzip2, 7z
_MAGIC = (b"\x89PNG", b"GIF8", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"\x1f\x8b", b"RIFF", b"\x00\x00\x01\x00",
          b"BZh", b"7z\xbc\xaf")
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

MAX_TAGS_UNCHECKED = 5000  # below this many "<", even the worst nesting parses in milliseconds
MAX_DEPTH = 400  # deeper elements are flattened: Lexbor's cost grows with depth squared


def charset_codec(label: str | None) -> str | None:
    """A charset label (from a header or a <meta>) as a Python codec name, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset named in a <meta> near the top of the page, as a Python codec name."""
    # the pattern tried at every "<meta" reads up to 200 characters of each (~14 µs over a head of many metas): a
    # match's "<meta" starts at most 205 characters before its "charset", so the search starts there, if anywhere
    word = data[:4096].lower().find(b"charset")
    if word < 0:
        return None
    m = _META_CHARSET.search(data, max(0, word - 205), 4096)
    return charset_codec(m.group(1).decode("ascii")) if m else None


def decode_bytes(data: bytes) -> str:
    """Decode a page: BOM first, then UTF-8 when the bytes really are UTF-8, then the declared charset."""
    return _decode_bytes(data)[0]


def _decode_bytes(data: bytes) -> tuple[str, bool]:
    """`decode_bytes(data)`, and whether that is all of `data` read as UTF-8."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), False
    declared = declared_charset(data)
    if declared and declared not in ("utf-8", "cp1252") and not declared.startswith("utf-"):
        try:
            return data.decode(declared), False
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # cut off in the middle of the last character
            return data[: exc.start].decode("utf-8", "replace"), False
    # Mostly UTF-8 with a few stray bytes stays UTF-8; otherwise trust the legacy charset.
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    if good > 4 * bad:
        return text, False
    fallback = declared if declared and not declared.startswith("utf-") else "cp1252"
    return data.decode(fallback, "replace"), False


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_MAGIC):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # NUL bytes are normal in UTF-16/32; the decoded text is checked instead
    head = data[:8192]
    return b"\x00" in head and head.count(b"\x00") > len(head) // 100  # (`in` is a memchr; count is not)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
# end tags browsers imply: counting them would make the depth estimate drift upward
_IMPLIED = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot rp rt caption colgroup".split())
_NOT_NESTING = _VOID | _IMPLIED
_NOT_NESTING_ANY_CASE = _NOT_NESTING | {name.upper() for name in _NOT_NESTING}
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_LONG_TAG = re.compile(r"<([A-Za-z][\w:-]{0,30})([^<>]{8000,})>")
MAX_ATTRIBUTE_SIGNS = 8000  # fewer "=" in a page cannot make an element with thousands of attributes


def _peak_depth(text: str) -> int:
    """Upper estimate of element nesting depth, computed in C-speed passes."""
    steps = [0 if name in _NOT_NESTING_ANY_CASE else -1 if close else 1 for close, name in _TOKEN.findall(text)]
    depths = list(itertools.accumulate(steps))
    if not depths:
        return 0
    # depth with stray end tags clamped at zero = walk minus its running minimum (0 included)
    lows = itertools.accumulate(depths, min, initial=0)
    next(lows)
    peak: int = max(map(operator.sub, depths, lows))  # operator.sub is typed as returning Any
    return max(0, peak)


def flatten_deep(text: str, limit: int = MAX_DEPTH) -> str:
    """Drop the tags of elements nested deeper than `limit` (their text stays)."""
    if _peak_depth(text) <= limit:
        return text
    pieces: list[str] = []
    last = depth = 0
    for m in _TAG.finditer(text):
        close, name, self_closing = m.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            drop = depth > limit
        elif close:
            depth = max(0, depth - 1)
            drop = depth >= limit
        else:
            depth += 1
            drop = depth > limit
        if drop:
            pieces.append(text[last:m.start()])
            last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _shrink_tag(m: re.Match[str]) -> str:
    return f"<{m.group(1)}>" if m.group(2).count("=") > 1000 else m.group(0)


def defuse(text: str) -> str:
    """Neutralise shapes that make the HTML parser quadratic: deep nesting, thousands of attributes."""
    # real pages have about one "=" per tag; thousands of attributes on one element do not (a text shorter
    # than the limit cannot hold that many: not counted)
    signs = text.count("=") if len(text) > MAX_ATTRIBUTE_SIGNS else 0
    if signs > MAX_ATTRIBUTE_SIGNS and signs > 4 * text.count("<"):
        text = _LONG_TAG.sub(_shrink_tag, text)
    if len(text) > MAX_TAGS_UNCHECKED and text.count("<") > MAX_TAGS_UNCHECKED:
        text = flatten_deep(text)
    return text


def to_text(html: str | bytes | bytearray | memoryview) -> str:
    """Readable, parser-safe HTML text, or ParseError for input that is not a page at all."""
    return text_and_ascii(html)[0]


def text_and_ascii(html: str | bytes | bytearray | memoryview) -> tuple[str, bytes | None]:
    """`to_text(html)`, and the input bytes when they are that text in ASCII (one byte a character: most pages),
    else None (the fast path's marker search reads bytes; these spare it an encoding of the whole page)."""
    data = None
    as_utf8 = False
    if isinstance(html, str):
        text = html
    elif isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if not data or data.isspace():
            raise ParseError("empty document")
        if _looks_binary(data):
            raise ParseError("binary data, not HTML")
        text, as_utf8 = _decode_bytes(data)
    else:
        raise ParseError(f"expected str or bytes, got {type(html).__name__}")
    if not text or text.isspace():
        raise ParseError("empty document")
    head = text[:8192].encode("utf-8", "replace")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) // 100 + 1:
        raise ParseError("binary data, not HTML")
    # (a NUL is a NUL byte in UTF-8: the bytes are searched by memchr, a text of two bytes a character is not)
    if (b"\x00" in data) if as_utf8 and data is not None else ("\x00" in text):
        text = text.replace("\x00", "\ufffd")
    if isinstance(html, str) and not text.isascii():  # decoded bytes never hold lone surrogates
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from a bad str
            text = text.encode("utf-8", "replace").decode("utf-8")
    # (an ASCII text read as UTF-8 is its bytes; a replaced NUL made the text non-ASCII)
    return text, data if as_utf8 and text.isascii() else None

