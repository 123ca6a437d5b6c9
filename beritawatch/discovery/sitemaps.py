"""Sitemaps (plain, Google News, sitemap indexes, text), read with a streaming expat parser.

Sitemaps never need a DTD, so any DOCTYPE or entity declaration is refused before it is read:
no entity expansion (billion laughs) and no external entity can happen. Work is bounded by
bytes fed and entries kept; a sitemap cut by a limit keeps the entries read so far.
"""
from __future__ import annotations

import pyexpat

from beritawatch.discovery._parsed import Found, Parsed, clean_text
from beritawatch.discovery.model import DiscoveryError, Limits
from parsers import dates

_CHUNK = 1 << 20
_ENTRY = {"urlset": "url", "sitemapindex": "sitemap"}
# (parent, child) pairs whose text we keep; image:loc or image:title are someone else's.
_FIELDS = {("url", "loc"), ("url", "lastmod"), ("news", "publication_date"), ("news", "title"),
           ("sitemap", "loc"), ("sitemap", "lastmod")}


class _Refused(Exception):
    pass


class _Full(Exception):
    pass


class _Reader:
    """Expat handlers collecting <url>/<sitemap> entries."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.root: str | None = None
        self.stack: list[str] = []
        self.entry: dict[str, str] | None = None
        self.field: str | None = None
        self.text: list[str] = []
        self.text_len = 0
        self.entries: list[dict[str, str]] = []
        self.parser = pyexpat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data

    def _refuse_doctype(self, *_: object) -> None:
        raise _Refused("a DOCTYPE")

    def _refuse_entity(self, *_: object) -> None:
        raise _Refused("an entity declaration")

    def _start(self, name: str, _attrs: object) -> None:
        local = name.rpartition(" ")[2]
        if self.root is None:
            if local not in _ENTRY:
                raise DiscoveryError("", f"not a sitemap: the root element is <{local}>")
            self.root = local
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        if len(self.stack) == 2 and local == _ENTRY[self.root]:
            self.entry = {}
        elif self.entry is not None and (parent, local) in _FIELDS:
            self.field, self.text, self.text_len = local, [], 0

    def _data(self, text: str) -> None:
        if self.field is not None and self.text_len < self.limits.max_field_chars:
            self.text.append(text)
            self.text_len += len(text)

    def _end(self, _name: str) -> None:
        local = self.stack.pop() if self.stack else ""
        if self.field is not None and local == self.field:
            if self.entry is not None:
                self.entry.setdefault(local, "".join(self.text)[: self.limits.max_field_chars])
            self.field = None
        elif self.entry is not None and len(self.stack) == 1:
            cap = self.limits.max_sitemaps if self.root == "sitemapindex" else self.limits.max_candidates
            if self.entry.get("loc", "").strip():
                if len(self.entries) >= cap:
                    raise _Full
                self.entries.append(self.entry)
            self.entry = None


def _text_sitemap(content: bytes, limits: Limits) -> Parsed:
    """A text sitemap: one absolute URL per line."""
    parsed = Parsed(kind="sitemap")
    text = content[: limits.sitemap_bytes].decode("utf-8", errors="replace")
    for line in text.splitlines():
        line = line.strip()
        if line.lower().startswith(("http://", "https://")):
            parsed.found.append(Found(url=line[: limits.max_field_chars]))
            if len(parsed.found) >= limits.max_candidates:
                parsed.problems.append(f"kept the first {limits.max_candidates:,} URLs of the text sitemap")
                break
    if not parsed.found:
        raise DiscoveryError("", "not a sitemap: no URL lines")
    return parsed


def parse_sitemap(content: bytes, source_url: str, limits: Limits) -> Parsed:
    """Entries of an XML sitemap or sitemap index (or a text sitemap)."""
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        try:
            return _text_sitemap(content, limits)
        except DiscoveryError as exc:
            raise DiscoveryError(source_url, exc.message) from None
    reader = _Reader(limits)
    problems: list[str] = []
    end = min(len(content), limits.sitemap_bytes)
    try:
        for offset in range(0, end, _CHUNK):
            reader.parser.Parse(content[offset: min(offset + _CHUNK, end)], False)
        if end < len(content):
            problems.append(f"sitemap is {len(content):,} bytes; read only the first {end:,}")
        else:
            reader.parser.Parse(b"", True)
    except _Full:
        problems.append(f"kept the first {len(reader.entries):,} entries (limit)")
    except _Refused as exc:
        raise DiscoveryError(source_url, f"refused XML with {exc} (sitemaps never need one; "
                                         "entity tricks are refused, not expanded)") from None
    except DiscoveryError as exc:
        raise DiscoveryError(source_url, exc.message) from None
    except pyexpat.ExpatError as exc:
        if reader.root is None or not reader.entries:
            raise DiscoveryError(source_url, f"malformed XML: {exc}") from None
        problems.append(f"malformed XML ({exc}); kept the {len(reader.entries):,} entries before it")
    if reader.root is None:
        raise DiscoveryError(source_url, "not a sitemap: no root element")
    parsed = Parsed(kind="sitemap", problems=problems)
    target = parsed.sitemaps if reader.root == "sitemapindex" else parsed.found
    for entry in reader.entries:
        published = dates.parse_iso(entry.get("publication_date"))
        updated = dates.parse_iso(entry.get("lastmod"))
        target.append(Found(url=entry["loc"].strip(), title=clean_text(entry.get("title"), limits.max_field_chars),
                            published=published, updated=updated if updated != published else None))
    return parsed
