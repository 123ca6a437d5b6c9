"""What the report reads from the warehouse: articles, versions, edits, events and fetch health."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.store import url_key

RECENT_CHANGES = 30
FAILING_ROWS = 50
HEALTH_RUNS = 10  # fetch outcomes are counted over this many latest runs
HEALTH_WARNINGS = 10


@dataclasses.dataclass(slots=True)
class Article:
    url: str
    portal: str
    source: str
    status: str
    title: str | None
    published: dt.datetime | None
    first_seen: dt.datetime
    relevant: bool | None
    relevance: float | None
    last_checked: dt.datetime | None
    versions: int
    edits: int
    last_edit_kind: str | None

    @property
    def interesting(self) -> bool:
        """Named in the config or relevant to a topic (as `ArticleState.interesting`)."""
        return self.source == "track" or bool(self.relevant)

    @property
    def key(self) -> str:
        return url_key(self.url)

    @property
    def display_title(self) -> str:
        return self.title or self.url


@dataclasses.dataclass(frozen=True, slots=True)
class Version:
    version_id: int
    seen_at: dt.datetime
    title: str
    body: tuple[str, ...]
    authors: tuple[str, ...]
    published: dt.datetime | None
    updated: dt.datetime | None


@dataclasses.dataclass(frozen=True, slots=True)
class Edit:
    url: str
    detected_at: dt.datetime
    old_version_id: int
    new_version_id: int
    kind: str
    summary: str | None  # machine-readable ("substantive: +1 sentences ...")
    record: dict[str, Any]  # the stored edit record (empty when absent)


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    kind: str
    portal: str | None
    url: str | None
    happened_at: dt.datetime
    detail: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class PortalOutcomes:
    portal: str
    total: int
    ok: int
    not_modified: int
    failed: tuple[tuple[str, int], ...]  # (outcome, count), most frequent first


@dataclasses.dataclass(frozen=True, slots=True)
class Failing:
    url: str
    portal: str
    title: str | None
    status: str
    outcome: str
    status_code: int | None
    error: str | None
    at: dt.datetime


def load_articles(con: duckdb.DuckDBPyConnection) -> list[Article]:
    rows = con.execute("""
        SELECT a.url, coalesce(a.portal, 'unknown'), a.source, a.status, a.title, a.published,
               a.first_seen, a.relevant, a.relevance, a.last_checked,
               coalesce(v.n, 0), coalesce(e.n, 0), e.last_kind
        FROM articles a
        LEFT JOIN (SELECT article_url, count(*) AS n FROM versions GROUP BY 1) v ON v.article_url = a.url
        LEFT JOIN (SELECT article_url, count(*) AS n, arg_max(kind, edit_id) AS last_kind
                   FROM edit_records GROUP BY 1) e ON e.article_url = a.url
        ORDER BY coalesce(a.published, a.first_seen) DESC, a.url""").fetchall()
    return [Article(*row) for row in rows]


def load_edits(con: duckdb.DuckDBPyConnection) -> list[Edit]:
    rows = con.execute("""SELECT article_url, detected_at, old_version_id, new_version_id, kind, summary, record
                          FROM edit_records ORDER BY detected_at, edit_id""").fetchall()
    return [Edit(url, at, old, new, kind, summary, _json_object(record))
            for url, at, old, new, kind, summary, record in rows]


def load_events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    rows = con.execute("""SELECT kind, portal, article_url, happened_at, detail FROM events
                          WHERE kind <> 'portal_health' ORDER BY happened_at, event_id""").fetchall()
    return [Event(kind, portal, url, at, _json_object(detail)) for kind, portal, url, at, detail in rows]


def load_versions(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[Version]]:
    found: dict[str, list[Version]] = collections.defaultdict(list)
    if not urls:
        return found
    rows = con.execute("""
        SELECT article_url, version_id, seen_at, title, body, authors, published, updated
        FROM versions WHERE article_url IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY article_url, seen_at, version_id""", [list(urls)]).fetchall()
    for url, version_id, seen_at, title, body, authors, published, updated in rows:
        found[url].append(Version(version_id, seen_at, title or "", tuple(_paragraphs(body)),
                                  tuple(authors or ()), published, updated))
    return found


def last_run_started(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    row = con.execute("SELECT max(started_at) FROM runs").fetchone()
    return row[0] if row else None


def load_outcomes(con: duckdb.DuckDBPyConnection) -> list[PortalOutcomes]:
    """Fetch outcomes per portal over the latest `HEALTH_RUNS` passes."""
    rows = con.execute("""
        WITH recent AS (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?)
        SELECT coalesce(a.portal, 'unknown'), f.outcome, count(*)
        FROM fetches f LEFT JOIN articles a ON a.url = f.article_url
        WHERE f.run_id IN (SELECT run_id FROM recent) GROUP BY ALL ORDER BY 1, 2""", [HEALTH_RUNS]).fetchall()
    per_portal: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for portal, outcome, count in rows:
        per_portal[portal][outcome] += count
    return [PortalOutcomes(portal, sum(counts.values()), counts["ok"], counts["not_modified"],
                           tuple((o, n) for o, n in counts.most_common() if o not in ("ok", "not_modified")))
            for portal, counts in sorted(per_portal.items())]


def load_health_warnings(con: duckdb.DuckDBPyConnection) -> list[tuple[dt.datetime, str, str]]:
    rows = con.execute("SELECT happened_at, portal, message FROM portal_health ORDER BY happened_at DESC LIMIT ?",
                       [HEALTH_WARNINGS]).fetchall()
    return [(at, portal, message) for at, portal, message in rows]


def load_failing(con: duckdb.DuckDBPyConnection) -> list[Failing]:
    """The latest failed fetch of each article in error, suspected removed or removed."""
    rows = con.execute("""
        SELECT a.url, coalesce(a.portal, 'unknown'), a.title, a.status,
               f.outcome, f.status_code, f.error, f.requested_at
        FROM articles a
        JOIN (SELECT * FROM fetches
              WHERE article_url IN (SELECT url FROM articles
                                    WHERE status IN ('error', 'removal_suspected', 'removed')
                                       OR consecutive_errors > 0)
              QUALIFY row_number() OVER (PARTITION BY article_url ORDER BY fetch_id DESC) = 1) f
          ON f.article_url = a.url
        WHERE f.outcome NOT IN ('ok', 'not_modified')
        ORDER BY f.requested_at DESC, a.url LIMIT ?""", [FAILING_ROWS]).fetchall()
    return [Failing(*row) for row in rows]


def _json_object(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _paragraphs(body: str | None) -> list[str]:
    return [p for p in (body or "").split("\n\n") if p.strip()]
