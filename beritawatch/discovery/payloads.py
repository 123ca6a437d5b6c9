"""Nuxt `_payload.json` (Tempo's rubric listings): article records found anywhere in the JSON.

Nuxt serialises its state as one flat array in which objects refer to other entries by index
(devalue). Rather than depend on where Tempo keeps its list this month, every object that looks
like an article record (a URL-ish field plus a title-ish field) is read, and every string that
is an article path is kept too. Plain (non-flattened) JSON is read the same way.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from beritawatch.discovery._parsed import Found, Parsed, absolute, clean_text
from beritawatch.discovery.model import DiscoveryError, Limits
from beritawatch.discovery.portals import (
    listing_reason,
    looks_like_article_url,
    media_kind,
)
from parsers import dates

URL_KEYS = ("canonical_url", "url", "permalink", "link", "share_url")  # trusted to name a page
PATH_KEYS = ("path", "slug")  # kept only when the value is article-shaped
TITLE_KEYS = ("title_digital", "title", "headline", "title_seo", "title_print", "name")
DATE_KEYS = ("published_at", "publish_date", "date_published", "datePublished", "published", "created_at")


class _Reader:
    """Dereferences values in flattened (devalue) payloads; literal values otherwise."""

    def __init__(self, root: Any) -> None:
        self.flat: list[Any] | None = None
        if isinstance(root, list) and root and isinstance(root[0], dict) and root[0] and all(
                type(v) is int for v in root[0].values()):
            self.flat = root

    def value(self, raw: Any) -> Any:
        if self.flat is not None and type(raw) is int:
            return self.flat[raw] if 0 <= raw < len(self.flat) else None
        return raw

    def first_text(self, record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
        for key in keys:
            value = self.value(record.get(key))
            if isinstance(value, str) and value.strip():
                return value
        return None


def _walk(root: Any, limit: int) -> tuple[list[dict[str, Any]], list[str], bool]:
    """Every object and every string in the JSON, iteratively; True when the walk hit `limit`."""
    records: list[dict[str, Any]] = []
    strings: list[str] = []
    stack: list[Any] = [root]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return records, strings, True
        if isinstance(node, dict):
            records.append(node)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, str):
            strings.append(node)
    return records, strings, False


def _site_root(source_url: str) -> str:
    parts = urlsplit(source_url)
    return f"{parts.scheme}://{parts.netloc}/"


def _page_url(raw: str, root: str, limits: Limits) -> str | None:
    """An article page URL from a payload string: absolute, or a path from the site root."""
    text = raw.strip()
    if not text or len(text) > limits.max_field_chars:
        return None
    if not text.lower().startswith(("http://", "https://", "/")):
        if " " in text or "/" not in text:
            return None
        text = "/" + text  # Tempo writes "ekonomi/slug-9100001", relative to the site root
    return absolute(text, root, limits.max_field_chars)


def _record_url(reader: _Reader, record: dict[str, Any], site: str, limits: Limits) -> str | None:
    raw = reader.first_text(record, URL_KEYS)
    url = _page_url(raw, site, limits) if raw else None
    if url is not None and (listing_reason(url) is None or media_kind(url) is not None):
        return url  # a media record is kept so that it is dropped, and recorded, as media
    raw = reader.first_text(record, PATH_KEYS)
    url = _page_url(raw, site, limits) if raw else None
    return url if url is not None and looks_like_article_url(url) else None


def parse_payload(content: bytes, source_url: str, limits: Limits) -> Parsed:
    """Article records and article paths in a Nuxt payload (or any JSON listing)."""
    if len(content) > limits.payload_bytes:
        raise DiscoveryError(source_url, f"JSON is {len(content):,} bytes, over the "
                                         f"{limits.payload_bytes:,} limit (JSON cannot be read in part)")
    try:
        root = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise DiscoveryError(source_url, f"malformed JSON: {str(exc)[:200]}") from None
    reader = _Reader(root)
    records, strings, cut = _walk(root, limits.max_json_nodes)
    parsed = Parsed(kind="payload")
    if cut:
        parsed.problems.append(f"JSON has more than {limits.max_json_nodes:,} values; read the first ones")
    site = _site_root(source_url)
    for record in records:
        title = reader.first_text(record, TITLE_KEYS)
        if title is None:
            continue
        url = _record_url(reader, record, site, limits)
        if url is None:
            continue
        published: dt.datetime | None = None
        raw_date = reader.first_text(record, DATE_KEYS)
        if raw_date:
            published = dates.parse_iso(raw_date) or dates.parse_any(raw_date)
        parsed.found.append(Found(url=url, title=clean_text(title, limits.max_field_chars),
                                  published=published))
    for text in strings:
        url = _page_url(text, site, limits)
        if url is not None and looks_like_article_url(url):
            parsed.found.append(Found(url=url))
    if len(parsed.found) > limits.max_candidates:
        del parsed.found[limits.max_candidates:]
        parsed.problems.append(f"kept the first {limits.max_candidates:,} articles")
    return parsed
