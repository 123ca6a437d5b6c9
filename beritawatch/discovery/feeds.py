"""RSS and Atom feeds, read with feedparser (which tolerates the malformed feeds portals serve)."""
from __future__ import annotations

import html
import io
import re
from typing import Any

import feedparser

from beritawatch.discovery._parsed import Found, Parsed, absolute, clean_text
from beritawatch.discovery.model import DiscoveryError, Limits
from beritawatch.discovery.portals import listing_reason
from parsers import dates

_ITEM_END = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
# Feeds served as text/html or with a wrong charset label still parse fine: not worth a note.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_TAG = re.compile(r"<[^>]*>")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROOT = re.compile(rb"<((?:[\w-]+:)?(?:rss|RDF|feed))[\s>]")


def _cut(data: bytes, limit: int) -> bytes:
    """The feed's first `limit` bytes, ended after a whole item and closed again."""
    head = data[:limit]
    ends = list(_ITEM_END.finditer(head, max(0, limit - 1_000_000)))  # an item is never 1 MB
    if not ends:
        return head  # feedparser's lenient parser copes with a raw cut, slowly
    root = _ROOT.search(data[:8192])
    closing = b""
    if root:
        name = root.group(1)
        closing = (b"</channel>" if name.endswith(b"rss") else b"") + b"</" + name + b">"
    return head[: ends[-1].end()] + closing


def _tag_budget(data: bytes, limits: Limits) -> int:
    """How many leading bytes hold at most `limits.feed_bytes` bytes and `limits.feed_tags` tags."""
    end = min(len(data), limits.feed_bytes)
    if data.count(b"<", 0, end) <= limits.feed_tags:
        return end
    position = -1
    for _ in range(limits.feed_tags):
        position = data.find(b"<", position + 1, end)
    return position


def _links(entry: Any) -> list[str]:
    """The entry's links, best first: <link>, alternate links, then a URL-shaped guid/id."""
    out: list[str] = []
    for value in (entry.get("link"), *(link.get("href") for link in entry.get("links") or ()
                                       if link.get("rel", "alternate") == "alternate")):
        if isinstance(value, str) and value.strip() and value.strip() not in out:
            out.append(value.strip())
    guid = entry.get("id")
    if isinstance(guid, str) and guid.strip().lower().startswith(("http://", "https://")):
        out.append(guid.strip())
    return out


def _title(entry: Any, limits: Limits) -> str | None:
    """The entry's title as plain text (Atom type="html" titles arrive as markup)."""
    title = entry.get("title")
    if not isinstance(title, str):
        return None
    kind = (entry.get("title_detail") or {}).get("type") or ""
    if "html" in kind:
        title = html.unescape(_TAG.sub(" ", title[: limits.max_field_chars * 2]))
    return clean_text(title, limits.max_field_chars)


def parse_feed(content: bytes, content_type: str | None, source_url: str, limits: Limits) -> Parsed:
    """Items of an RSS (0.9x/1.0/2.0) or Atom feed."""
    _refuse_entities(content, source_url)
    problems: list[str] = []
    data = _within_budget(content, limits, problems)
    version, entries = _read(data, content_type, source_url, problems)
    parsed = Parsed(kind="atom" if version.startswith("atom") else "rss", problems=problems)
    recovered = 0
    for entry in entries[: limits.max_candidates]:
        item = _item(entry, source_url, limits, rss=parsed.kind == "rss")
        if item is not None:
            parsed.found.append(item[0])
            recovered += item[1]
    if len(entries) > limits.max_candidates:
        problems.append(f"feed lists {len(entries):,} items; kept the first {limits.max_candidates:,}")
    if recovered:
        problems.append(f"{recovered} items do not link to their article; used their guid instead")
    return parsed


def _refuse_entities(content: bytes, source_url: str) -> None:
    """Raise for a feed that declares XML entities."""
    # feedparser already ignores DTDs, and expat caps amplification; refusing is the third line.
    probe = content.decode("utf-16", "replace").encode() if content[:2] in (b"\xff\xfe", b"\xfe\xff") else content
    if _ENTITY_DECL.search(probe):
        raise DiscoveryError(source_url, "refused a feed that declares XML entities (feeds never need "
                                         "them; entity tricks are refused, not expanded)")


def _within_budget(content: bytes, limits: Limits, problems: list[str]) -> bytes:
    """The part of the feed within the byte and tag limits (a note in `problems` when cut)."""
    budget = _tag_budget(content, limits)
    if len(content) <= budget:
        return content
    data = _cut(content, budget)
    problems.append(f"feed is {len(content):,} bytes; read only its first {len(data):,} (limits: "
                    f"{limits.feed_bytes:,} bytes, {limits.feed_tags:,} tags; feeds list newest first)")
    return data


def _read(data: bytes, content_type: str | None, source_url: str, problems: list[str]) -> tuple[str, list[Any]]:
    """The feed's version and entries, read by feedparser; raises when it is no feed at all."""
    headers = {"content-location": source_url, "content-type": content_type or "application/xml"}
    # A stream, never bytes or str: feedparser would treat those as a path or URL to open.
    result = feedparser.parse(io.BytesIO(data), response_headers=headers,
                              resolve_relative_uris=False, sanitize_html=False)
    version = result.get("version") or ""
    entries = result.get("entries") or []
    error = result.get("bozo_exception")
    if not version and not entries:
        raise DiscoveryError(source_url, f"not an RSS or Atom feed ({error or 'no feed elements'})")
    if result.get("bozo") and error is not None and not isinstance(error, _HARMLESS):
        problems.append(f"feed is malformed ({error}); read {len(entries)} items leniently")
    return version, entries


def _item(entry: Any, source_url: str, limits: Limits, *, rss: bool) -> tuple[Found, bool] | None:
    """One entry as a candidate, and whether its guid stood in for a link to a listing page.

    An RSS item's only date may be Dublin Core's `dc:date` (RSS 1.0 feeds carry no pubDate):
    feedparser files it as the update time, but in a news feed it is the item's publication."""
    links = [url for link in _links(entry)
             if (url := absolute(link, source_url, limits.max_field_chars)) is not None]
    if not links:
        return None
    url = next((link for link in links if listing_reason(link) is None), links[0])
    published = dates.parse_any(entry.get("published"), entry.get("published_parsed"))
    updated = dates.parse_any(entry.get("updated"), entry.get("updated_parsed"))
    if rss and published is None:
        published, updated = updated, None
    return Found(url=url, title=_title(entry, limits), published=published,
                 updated=updated if updated != published else None), url != links[0]
