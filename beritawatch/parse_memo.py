"""Parse results remembered between passes: a page whose fast-path cut is what it was last time is
not parsed again.

A portal page differs on every load outside the article (ads, counters, side lists), so its raw
bytes say little. The parsers' fast path reads only the cut (`parsers.cut`: the <head> without its
scripts and styles, and the article region); when it reads the article from the cut alone
(`parsers.parse_cut`), the article is a function of the page's address, the cut and the parser
code. A memo entry keeps that article under a digest of the three (`region_digest`), and is used
only when the digest matches: a changed region, another address, other parser code or another
selectolax parse as before. Per article the memo also keeps the content hash of the merged article
under the digests of all its pages, and per page a digest of the page's bytes as last remembered
(`page_digest`): a page whose bytes are identical to those takes its article from the memo without
even being cut (a byte-identical page is trivially unchanged; pages whose ads or counters differ on
every load never match it, and take the cut path). The warehouse keeps one memo per article (table
`parse_memos`, migration 011); a check carries the memo to store only when it adds to the one it was
given.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import pathlib
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

import zstandard

import parsers
from beritawatch.changes import content_hash

FORMAT = 1  # the memo's JSON layout; a memo of another layout is ignored (parsed as if absent)
_DATETIME_FIELDS = frozenset({"published", "updated"})
_TUPLE_FIELDS = frozenset({"authors", "editors", "body", "next_pages"})
_FIELDS = tuple(field.name for field in dataclasses.fields(parsers.Article))


@functools.cache
def parser_stamp() -> bytes:
    """A digest of what a parse depends on besides its input: the parsers package's source files,
    the Article fields, selectolax's and Python's versions. Empty when the sources cannot be read
    (then nothing is remembered)."""
    root = pathlib.Path(parsers.__file__).parent
    sources = sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)
    if not sources:
        return b""
    stamp = hashlib.blake2b(digest_size=16)
    for path in sources:
        stamp.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    stamp.update(repr((_FIELDS, metadata.version("selectolax"), platform.python_version())).encode())
    return stamp.digest()


def region_digest(page: parsers.Cut) -> str | None:
    """The digest a memo entry for `page` is kept under (None: no region, or no parser stamp)."""
    stamp = parser_stamp()
    if page.region is None or not stamp:
        return None
    digest = hashlib.blake2b(stamp, digest_size=16)
    digest.update(page.url.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(page.region.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def page_digest(html: bytes, url: str) -> str | None:
    """"<length>:<digest>" of the page's bytes, its address and the parser code (None: no parser
    stamp). The length comes first so that a page of another length is known to differ unhashed.
    SHA-256, whose C code hashes a page without holding the GIL (other portals' checks run meanwhile)
    and is ~5x quicker than BLAKE2 on this machine (SHA extensions); 128 bits kept."""
    stamp = parser_stamp()
    if not stamp:
        return None
    digest = hashlib.sha256(stamp)
    digest.update(url.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(html)
    return f"{len(html)}:{digest.hexdigest()[:32]}"


@dataclasses.dataclass(frozen=True, slots=True)
class Memo:
    """One article's remembered parses: page address -> (digest, article), and the merged
    article's content hash under the digest of its pages' digests."""

    pages: Mapping[str, tuple[str, parsers.Article]] = dataclasses.field(default_factory=dict)
    content: tuple[str, str] | None = None  # (pages key, content hash)
    raw: Mapping[str, str] = dataclasses.field(default_factory=dict)  # page address -> `page_digest` of its bytes

    def same_as(self, other: Memo) -> bool:
        """Whether this memo adds nothing to `other` (the stored one): the same cut digests (then the
        articles are equal too), and no page bytes digest `other` lacks. Bytes digests that merely
        differ do not count: a page whose ads rotate would otherwise rewrite its memo every pass."""
        return (self.content == other.content
                and {url: d for url, (d, _) in self.pages.items()} == {url: d for url, (d, _) in other.pages.items()}
                and self.raw.keys() <= other.raw.keys())


EMPTY = Memo()


def _datetime_json(value: dt.datetime | None) -> list[Any] | None:
    """[naive ISO time, UTC offset in seconds, zone name]: a fixed-offset zone comes back as it was
    (name included); None for a zone that is not a fixed offset (the entry is then not kept)."""
    if value is None:
        return None
    zone = value.tzinfo
    offset = value.utcoffset()
    if not isinstance(zone, dt.timezone) or offset is None:
        raise _Unmemorable(f"time zone {zone!r}")
    return [value.replace(tzinfo=None).isoformat(), offset.total_seconds(), value.tzname()]


def _datetime_of(value: list[Any] | None) -> dt.datetime | None:
    if value is None:
        return None
    naive, offset, name = value
    zone = dt.UTC if offset == 0 and name == "UTC" else dt.timezone(dt.timedelta(seconds=offset), name)
    return dt.datetime.fromisoformat(naive).replace(tzinfo=zone)


class _Unmemorable(ValueError):
    """An article the memo cannot keep exactly."""


def article_json(article: parsers.Article) -> dict[str, Any]:
    """The article as JSON, exactly (`article_of` gives an equal article back, zones named as they were)."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(article, name)
        out[name] = _datetime_json(value) if name in _DATETIME_FIELDS else list(value) if name in _TUPLE_FIELDS \
            else value
    return out


def article_of(data: Mapping[str, Any]) -> parsers.Article:
    """The article `article_json` wrote."""
    values: dict[str, Any] = {name: (_datetime_of(data[name]) if name in _DATETIME_FIELDS
                     else tuple(data[name]) if name in _TUPLE_FIELDS else data[name]) for name in _FIELDS}
    return parsers.Article(**values)


def encode(memo: Memo) -> bytes:
    """The memo as stored: zstd-packed JSON."""
    data = {"format": FORMAT, "content": list(memo.content) if memo.content else None,
            "pages": [[url, digest, article_json(article)] for url, (digest, article) in memo.pages.items()],
            "raw": dict(memo.raw)}  # optional in layout 1 (older memos lack it: they remember no bytes)
    return zstandard.ZstdCompressor(level=3).compress(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def decode(blob: bytes | None) -> Memo:
    """The stored memo; an absent, unreadable or older-layout memo is EMPTY (its pages are parsed)."""
    if not blob:
        return EMPTY
    try:
        data = json.loads(zstandard.ZstdDecompressor().decompress(blob))
        if data.get("format") != FORMAT:
            return EMPTY
        pages = {str(url): (str(digest), article_of(article)) for url, digest, article in data["pages"]}
        raw = {str(url): str(bytes_digest) for url, bytes_digest in (data.get("raw") or {}).items() if url in pages}
        key, digest = data["content"] or (None, None)
    except (zstandard.ZstdError, ValueError, KeyError, TypeError, AttributeError):
        return EMPTY
    return Memo(pages, (str(key), str(digest)) if key and digest else None, raw)


class PageReader:
    """Parses the pages of one check, taking a page's article from the memo when its digest
    matches, and gathers the memo the check leaves behind. One per check (not thread-safe)."""

    def __init__(self, stored: bytes | None) -> None:
        self.stored = decode(stored)
        self.reused = 0  # pages taken from the memo
        self.identical = 0  # ... of which byte-identical to the remembered page (not even cut)
        self._pages: list[tuple[str, str | None, parsers.Article]] = []  # (address, digest or None, article)
        self._raw: dict[str, str] = {}  # address -> `page_digest` of the page read now, once computed
        self._bytes: dict[str, bytes] = {}  # address -> the page read now (hashed only if it is remembered)

    def parse(self, html: bytes, url: str) -> parsers.Article:
        """`parsers.parse(html, url)`, from the memo when this page's bytes, or its cut, are unchanged."""
        self._bytes[url] = html
        known = self.stored.pages.get(url)
        remembered = self.stored.raw.get(url) if known is not None else None
        if remembered is not None and remembered.startswith(f"{len(html)}:"):  # else it differs: not hashed
            raw = self._raw[url] = page_digest(html, url) or ""
            if known is not None and raw == remembered:
                self.reused += 1
                self.identical += 1
                self._pages.append((url, known[0], known[1]))
                return known[1]
        page = parsers.cut(html, url)
        digest = region_digest(page)
        known = self.stored.pages.get(url) if digest is not None else None
        if known is not None and known[0] == digest:
            self.reused += 1
            article = known[1]
        else:
            article, from_region = parsers.parse_cut(page)
            if not from_region:
                digest = None
        self._pages.append((url, digest, article))
        return article

    def _pages_key(self) -> str | None:
        """The digest of every parsed page's digest, in order (None when a page has none)."""
        digests = [digest for _, digest, _ in self._pages]
        if not digests or any(d is None for d in digests):
            return None
        return hashlib.blake2b("\n".join(d for d in digests if d).encode(), digest_size=16).hexdigest()

    def content_hash(self, article: parsers.Article) -> str:
        """`changes.content_hash` of the check's (merged) article, from the memo when every page was."""
        key = self._pages_key()
        content = self.stored.content
        if key is not None and content is not None and content[0] == key:
            return content[1]
        return content_hash(article.title, article.body)

    def update(self, digest: str) -> Memo | None:
        """The memo this check leaves for the next one (content hash `digest` of its article); None
        when the stored memo is still right, or nothing could be remembered. Not encoded yet: its
        articles are the check's own, and a pass encodes its memos after its peak (`stored_form`)."""
        pages = {url: (d, article) for url, d, article in self._pages if d is not None}
        if not pages:
            return None
        key = self._pages_key()
        memo = Memo(pages, (key, digest) if key is not None else None, {url: "" for url in pages})
        if memo.same_as(self.stored):
            return None
        # Written anyway: with the digests of its pages' bytes (hashed now, those not hashed yet).
        raw = {url: self._raw.get(url) or page_digest(self._bytes[url], url) for url in pages}
        return dataclasses.replace(memo, raw={url: d for url, d in raw.items() if d})


def rows_to_store(checks: Iterable[tuple[str, Memo | None]]) -> list[tuple[str, bytes]]:
    """(article URL, stored memo) of the checks that left a memo (`PageReader.update`)."""
    return [(url, blob) for url, memo in checks if memo is not None and (blob := stored_form(memo)) is not None]


def stored_form(memo: Memo) -> bytes | None:
    """`encode(memo)`, or None for a memo that cannot be kept exactly (a time zone that is not a
    fixed offset)."""
    try:
        return encode(memo)
    except _Unmemorable:
        return None
