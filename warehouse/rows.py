"""The rows one pass writes, one named tuple per table, with each table's columns and SQL types.

A row type's fields are its table's columns in order (a test holds them together), so the writer
fills rows by name and `db.insert_rows` still receives plain tuples."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

FETCH_COLUMNS = (
    ("run_id", "VARCHAR"), ("article_url", "VARCHAR"), ("url", "VARCHAR"),
    ("requested_at", "TIMESTAMPTZ"), ("status_code", "INTEGER"), ("outcome", "VARCHAR"),
    ("elapsed_ms", "DOUBLE"), ("bytes", "BIGINT"), ("etag", "VARCHAR"), ("last_modified", "VARCHAR"),
    ("final_url", "VARCHAR"), ("redirects", "VARCHAR[]"), ("error", "VARCHAR"),
)
VERSION_COLUMNS = (
    ("version_id", "BIGINT"), ("article_url", "VARCHAR"), ("run_id", "VARCHAR"),
    ("seen_at", "TIMESTAMPTZ"), ("content_hash", "VARCHAR"), ("meta_hash", "VARCHAR"),
    ("title", "VARCHAR"), ("authors", "VARCHAR[]"), ("editors", "VARCHAR[]"),
    ("published", "TIMESTAMPTZ"), ("updated", "TIMESTAMPTZ"), ("body", "VARCHAR"),
    ("paragraphs", "INTEGER"), ("body_chars", "INTEGER"), ("page_url", "VARCHAR"),
    ("parser", "VARCHAR"), ("paywalled", "BOOLEAN"),
)
PAGE_COLUMNS = (("version_id", "BIGINT"), ("seq", "INTEGER"), ("url", "VARCHAR"),
                ("codec", "VARCHAR"), ("html", "BLOB"))
EDIT_COLUMNS = (
    ("article_url", "VARCHAR"), ("run_id", "VARCHAR"), ("detected_at", "TIMESTAMPTZ"),
    ("old_version_id", "BIGINT"), ("new_version_id", "BIGINT"), ("kind", "VARCHAR"),
    ("title_changed", "BOOLEAN"), ("lede_changed", "BOOLEAN"), ("numbers_changed", "BOOLEAN"),
    ("change_ratio", "DOUBLE"), ("added", "VARCHAR[]"), ("removed", "VARCHAR[]"), ("changed", "JSON"),
    ("summary", "VARCHAR"), ("topic_score", "DOUBLE"), ("topic_terms", "VARCHAR[]"), ("record", "JSON"),
)
EVENT_COLUMNS = (("run_id", "VARCHAR"), ("happened_at", "TIMESTAMPTZ"), ("kind", "VARCHAR"),
                 ("portal", "VARCHAR"), ("article_url", "VARCHAR"), ("detail", "JSON"))
ALERT_COLUMNS = (("dedupe_key", "VARCHAR"), ("kind", "VARCHAR"), ("created_at", "TIMESTAMPTZ"),
                 ("run_id", "VARCHAR"), ("article_url", "VARCHAR"), ("payload", "JSON"))
ARTICLE_UPDATE_COLUMNS = (
    ("url", "VARCHAR"), ("status", "VARCHAR"), ("active", "BOOLEAN"), ("current_hash", "VARCHAR"),
    ("current_meta_hash", "VARCHAR"), ("etag", "VARCHAR"), ("last_modified", "VARCHAR"),
    ("last_checked", "TIMESTAMPTZ"), ("last_changed", "TIMESTAMPTZ"), ("next_check", "TIMESTAMPTZ"),
    ("consecutive_errors", "INTEGER"), ("removal_strikes", "INTEGER"), ("title", "VARCHAR"),
    ("published", "TIMESTAMPTZ"), ("relevance", "DOUBLE"), ("relevant", "BOOLEAN"),
    ("relevance_evidence", "JSON"),
)


class FetchRow(NamedTuple):
    run_id: str
    article_url: str
    url: str
    requested_at: dt.datetime
    status_code: int | None
    outcome: str
    elapsed_ms: float
    bytes: int
    etag: str | None
    last_modified: str | None
    final_url: str | None
    redirects: list[str]
    error: str | None


class VersionRow(NamedTuple):
    version_id: int
    article_url: str
    run_id: str
    seen_at: dt.datetime
    content_hash: str | None
    meta_hash: str | None
    title: str
    authors: list[str]
    editors: list[str]
    published: dt.datetime | None
    updated: dt.datetime | None
    body: str
    paragraphs: int
    body_chars: int
    page_url: str
    parser: str
    paywalled: bool


class PageRow(NamedTuple):
    version_id: int
    seq: int
    url: str
    codec: str
    html: bytes


class EditRow(NamedTuple):
    article_url: str
    run_id: str
    detected_at: dt.datetime
    old_version_id: int
    new_version_id: int
    kind: str
    title_changed: bool
    lede_changed: bool
    numbers_changed: bool
    change_ratio: float
    added: list[str]
    removed: list[str]
    changed: str  # JSON
    summary: str
    topic_score: float
    topic_terms: list[str]
    record: str  # JSON


class EventRow(NamedTuple):
    run_id: str
    happened_at: dt.datetime
    kind: str
    portal: str | None
    article_url: str | None
    detail: str  # JSON


class AlertRow(NamedTuple):
    dedupe_key: str
    kind: str
    created_at: dt.datetime
    run_id: str
    article_url: str | None
    payload: str  # JSON


class ArticleUpdateRow(NamedTuple):
    url: str
    status: str
    active: bool
    current_hash: str | None
    current_meta_hash: str | None
    etag: str | None
    last_modified: str | None
    last_checked: dt.datetime
    last_changed: dt.datetime | None
    next_check: dt.datetime | None
    consecutive_errors: int
    removal_strikes: int
    title: str | None
    published: dt.datetime | None
    relevance: float | None
    relevant: bool | None
    relevance_evidence: str | None  # JSON


TABLES = (("fetches", FETCH_COLUMNS, FetchRow), ("versions", VERSION_COLUMNS, VersionRow),
          ("version_pages", PAGE_COLUMNS, PageRow), ("edit_records", EDIT_COLUMNS, EditRow),
          ("events", EVENT_COLUMNS, EventRow), ("alerts", ALERT_COLUMNS, AlertRow),
          ("article_updates", ARTICLE_UPDATE_COLUMNS, ArticleUpdateRow))
