"""What the report reads from the warehouse: articles, versions, edits, events and fetch health."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from beritawatch.i18n import WIB
from beritawatch.urls import url_key

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
    body: tuple[str, ...]  # the paragraphs; () when not read (see `size`)
    authors: tuple[str, ...]
    published: dt.datetime | None
    updated: dt.datetime | None
    size: tuple[int, int] | None = None  # (paragraphs, characters) counted in SQL when the body was not read

    def __reduce__(self) -> tuple[type[Version], tuple[Any, ...]]:
        # As a plain tuple: a big report sends ~50k of these to its helper processes.
        return Version, (self.version_id, self.seen_at, self.title, self.body, self.authors, self.published,
                         self.updated, self.size)

    @property
    def paragraph_count(self) -> int:
        return self.size[0] if self.size is not None else len(self.body)

    @property
    def characters(self) -> int:
        return self.size[1] if self.size is not None else sum(len(p) for p in self.body)


@dataclasses.dataclass(frozen=True, slots=True)
class Edit:
    url: str
    detected_at: dt.datetime
    old_version_id: int
    new_version_id: int
    kind: str
    summary: str | None  # machine-readable ("substantive: +1 sentences ...")
    record: dict[str, Any]  # the stored edit record (empty when absent)

    def __reduce__(self) -> tuple[type[Edit], tuple[Any, ...]]:
        # As a plain tuple: a big report sends ~50k of these to its helper processes.
        return Edit, (self.url, self.detected_at, self.old_version_id, self.new_version_id, self.kind, self.summary,
                       self.record)


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    kind: str
    portal: str | None
    url: str | None
    happened_at: dt.datetime
    detail: dict[str, Any]

    def __reduce__(self) -> tuple[type[Event], tuple[Any, ...]]:
        # As a plain tuple: a big report sends ~50k of these to its helper processes.
        return Event, (self.kind, self.portal, self.url, self.happened_at, self.detail)


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


# Named in the config or relevant to a topic (as `Article.interesting`), for `articles a`.
INTERESTING = "(a.source = 'track' OR coalesce(a.relevant, false))"
# A moment's day in Jakarta (WIB has no daylight saving), as days since 1970-01-01, in SQL.
_WIB_SECONDS = int((WIB.utcoffset(None) or dt.timedelta()).total_seconds())
_EPOCH = dt.date(1970, 1, 1)


def _utc(column: str) -> str:
    """A TIMESTAMPTZ column read as UTC wall time (see `_aware`): DuckDB's own conversion to an aware
    datetime looks the zone up per value (~2 µs; a year's first report reads ~300k of them)."""
    return f"timezone('UTC', {column})"


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def _day_sql(column: str) -> str:
    return f"CAST(floor((epoch({column}) + {_WIB_SECONDS}) / 86400) AS BIGINT)"


def _articles_where(con: duckdb.DuckDBPyConnection, where: str, params: Sequence[Any] = ()) -> list[Article]:
    """The articles matching `where` (over `articles a`) with their version and edit counts, newest first;
    the counts are aggregated only over the chosen articles."""
    rows = con.execute(f"""
        WITH chosen AS (SELECT a.url, a.portal, a.source, a.status, a.title, a.published, a.first_seen,
                               a.relevant, a.relevance, a.last_checked FROM articles a WHERE {where}),
             v AS (SELECT article_url, count(*) AS n FROM versions
                   WHERE article_url IN (SELECT url FROM chosen) GROUP BY 1),
             e AS (SELECT article_url, count(*) AS n, arg_max(kind, edit_id) AS last_kind FROM edit_records
                   WHERE article_url IN (SELECT url FROM chosen) GROUP BY 1)
        SELECT a.url, coalesce(a.portal, 'unknown'), a.source, a.status, a.title, {_utc('a.published')},
               {_utc('a.first_seen')}, a.relevant, a.relevance, {_utc('a.last_checked')},
               coalesce(v.n, 0), coalesce(e.n, 0), e.last_kind
        FROM chosen a LEFT JOIN v ON v.article_url = a.url LEFT JOIN e ON e.article_url = a.url
        ORDER BY coalesce(a.published, a.first_seen) DESC, a.url""", list(params)).fetchall()
    return [Article(url, portal, source, status, title, _aware(published), first_seen.replace(tzinfo=dt.UTC),
                    relevant, relevance, _aware(checked), versions, edits, last_kind)
            for (url, portal, source, status, title, published, first_seen, relevant, relevance, checked, versions,
                 edits, last_kind) in rows]


def load_interesting(con: duckdb.DuckDBPyConnection) -> list[Article]:
    """Tracked and relevant articles, newest first (the report's list)."""
    return _articles_where(con, INTERESTING)


def load_articles(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> list[Article]:
    if not urls:
        return []
    return _articles_where(con, "a.url IN (SELECT unnest(?::VARCHAR[]))", [list(urls)])


@dataclasses.dataclass(frozen=True, slots=True)
class Totals:
    recorded: int
    interesting: int
    versions: int
    edits: int
    removals: int
    portals: tuple[str, ...]  # every portal with a recorded article, "unknown" last


def load_totals(con: duckdb.DuckDBPyConnection) -> Totals:
    row = con.execute(f"""SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles a WHERE {INTERESTING}),
                                 (SELECT count(*) FROM versions WHERE article_url IN (SELECT url FROM articles)),
                                 (SELECT count(*) FROM edit_records),
                                 (SELECT count(*) FROM events WHERE kind = 'removed')""").fetchone()
    recorded, interesting, versions, edits, removals = row or (0, 0, 0, 0, 0)
    portals = [p for (p,) in con.execute("SELECT DISTINCT coalesce(portal, 'unknown') FROM articles").fetchall()]
    return Totals(recorded, interesting, versions, edits, removals,
                  tuple(sorted(portals, key=lambda p: (p == "unknown", p))))


def load_day_counts(con: duckdb.DuckDBPyConnection) -> collections.Counter[tuple[str, str, dt.date]]:
    """What the timeline charts, counted in SQL: tracked or relevant articles first seen and
    published, their edits and removals, per (portal, series, Jakarta day)."""
    rows = con.execute(f"""
        WITH i AS (SELECT a.url, coalesce(a.portal, 'unknown') AS portal, a.first_seen, a.published
                   FROM articles a WHERE {INTERESTING})
        SELECT portal, 'seen', {_day_sql('first_seen')}, count(*) FROM i GROUP BY ALL
        UNION ALL
        SELECT portal, 'published', {_day_sql('published')}, count(*) FROM i WHERE published IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT i.portal, 'edits', {_day_sql('e.detected_at')}, count(*)
        FROM edit_records e JOIN i ON i.url = e.article_url GROUP BY ALL
        UNION ALL
        SELECT i.portal, 'removals', {_day_sql('ev.happened_at')}, count(*)
        FROM events ev JOIN i ON i.url = ev.article_url WHERE ev.kind = 'removed' GROUP BY ALL""").fetchall()
    return collections.Counter({(portal, series, _EPOCH + dt.timedelta(days=day)): n
                                for portal, series, day, n in rows})


@dataclasses.dataclass(frozen=True, slots=True)
class PageMark:
    url: str
    mark: str  # changes whenever something the article's page shows changes
    versions: int  # how much there is to render: a diff per version after the first


def load_page_marks(con: duckdb.DuckDBPyConnection) -> list[PageMark]:
    """Every article that gets a page (tracked, relevant, or with more than one version) with a mark
    of everything its page shows: its row, its versions, edits and events. A page whose mark did
    not change since the last report need not be written again."""
    rows = con.execute(f"""
        WITH v AS (SELECT article_url AS url, count(*) AS n,
                          bit_xor(hash(version_id, content_hash, meta_hash, title, seen_at)) AS h
                   FROM versions GROUP BY 1),
             e AS (SELECT article_url AS url, count(*) AS n,
                          bit_xor(hash(edit_id, kind, summary, record, old_version_id, new_version_id)) AS h
                   FROM edit_records GROUP BY 1),
             ev AS (SELECT article_url AS url, count(*) AS n, bit_xor(hash(event_id, kind, detail)) AS h
                    FROM events WHERE kind <> 'portal_health' AND article_url IS NOT NULL GROUP BY 1)
        SELECT a.url, hash(a.url, a.portal, a.source, a.status, a.title, a.published, a.first_seen,
                           a.relevance, a.last_checked, v.n, v.h, e.n, e.h, ev.n, ev.h), coalesce(v.n, 0)
        FROM articles a LEFT JOIN v ON v.url = a.url LEFT JOIN e ON e.url = a.url LEFT JOIN ev ON ev.url = a.url
        WHERE {INTERESTING} OR v.n > 1""").fetchall()
    return [PageMark(url, f"{mark:016x}", versions) for url, mark, versions in rows]


def load_stories_mark(con: duckdb.DuckDBPyConnection) -> str:
    """A mark of everything the story pages show: the stories and their links, the drift rows,
    and the member articles' rows, dates, versions and edits."""
    row = con.execute("""
        WITH m AS (SELECT DISTINCT article_url AS url FROM story_links)
        SELECT (SELECT hash(count(*), bit_xor(hash(story_id, created_at))) FROM story_groups),
               (SELECT hash(count(*), bit_xor(hash(story_id, article_url, role, similarity, joined_at)))
                FROM story_links),
               (SELECT hash(count(*), bit_xor(hash(story_id, article_url, reference_url, kind, text, other_text,
                                                   reasons, new_facts, found_at))) FROM story_drift),
               (SELECT hash(count(*), bit_xor(hash(url, portal, title, published, first_seen, relevant)))
                FROM articles WHERE url IN (SELECT url FROM m)),
               (SELECT hash(count(*), bit_xor(hash(article_url, dated))) FROM story_fingerprints
                WHERE article_url IN (SELECT url FROM m)),
               (SELECT hash(count(*), bit_xor(hash(version_id, seen_at))) FROM versions
                WHERE article_url IN (SELECT url FROM m)),
               (SELECT hash(count(*), bit_xor(hash(edit_id, summary, added, detected_at))) FROM edit_records
                WHERE article_url IN (SELECT url FROM m))""").fetchone()
    return "-".join(f"{part:016x}" for part in row or ())


def load_recent_edits(con: duckdb.DuckDBPyConnection, limit: int = RECENT_CHANGES) -> list[Edit]:
    return _edits(con, "TRUE ORDER BY detected_at DESC, edit_id DESC LIMIT ?", [limit])


def load_edits(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[Edit]]:
    """The edits of `urls`, oldest first."""
    found: dict[str, list[Edit]] = collections.defaultdict(list)
    for edit in _edits(con, "article_url IN (SELECT unnest(?::VARCHAR[])) ORDER BY detected_at, edit_id",
                       [list(urls)]):
        found[edit.url].append(edit)
    return found


def _edits(con: duckdb.DuckDBPyConnection, where: str, params: Sequence[Any]) -> list[Edit]:
    rows = con.execute(f"""SELECT article_url, {_utc('detected_at')}, old_version_id, new_version_id, kind, summary,
                                  record FROM edit_records WHERE {where}""", list(params)).fetchall()
    return [Edit(url, at.replace(tzinfo=dt.UTC), old, new, kind, summary, _json_object(record))
            for url, at, old, new, kind, summary, record in rows]


def load_recent_events(con: duckdb.DuckDBPyConnection, limit: int = RECENT_CHANGES) -> list[Event]:
    return _events(con, "kind IN ('removed', 'restored', 'revert') AND article_url IS NOT NULL "
                        "ORDER BY happened_at DESC, event_id DESC LIMIT ?", [limit])


def load_events(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[Event]]:
    """The events of `urls` (portal health warnings aside), oldest first."""
    found: dict[str, list[Event]] = collections.defaultdict(list)
    for event in _events(con, "kind <> 'portal_health' AND article_url IN (SELECT unnest(?::VARCHAR[])) "
                              "ORDER BY happened_at, event_id", [list(urls)]):
        if event.url:
            found[event.url].append(event)
    return found


def _events(con: duckdb.DuckDBPyConnection, where: str, params: Sequence[Any]) -> list[Event]:
    rows = con.execute(f"SELECT kind, portal, article_url, {_utc('happened_at')}, detail FROM events WHERE {where}",
                       list(params)).fetchall()
    return [Event(kind, portal, url, at.replace(tzinfo=dt.UTC), _json_object(detail))
            for kind, portal, url, at, detail in rows]


# `paragraphs` in SQL: a body cut at blank lines, the parts with something besides whitespace (as
# Python's str.isspace sees it) kept; DuckDB's length() counts code points, as Python's len().
_NOT_SPACE = "[^" + "".join(f"\\x{{{c:x}}}" for c in range(0x110000) if chr(c).isspace()) + "]"
_PARAGRAPHS_SQL = (f"list_filter(string_split(coalesce(body, ''), chr(10) || chr(10)), "
                   f"lambda p: regexp_matches(p, '{_NOT_SPACE}'))")


def load_version_rows(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[Version]]:
    """The versions of `urls`, oldest first, without their bodies (`Version.size` counted in SQL)."""
    found: dict[str, list[Version]] = collections.defaultdict(list)
    if not urls:
        return found
    # Their ids first, then the rows by id: a join on the URLs would read every stored body.
    ids = [version_id for (version_id,) in con.execute(
        "SELECT version_id FROM versions WHERE article_url IN (SELECT unnest(?::VARCHAR[]))", [list(urls)]).fetchall()]
    rows = con.execute(f"""
        SELECT article_url, version_id, {_utc('seen_at')}, title, authors, {_utc('published')}, {_utc('updated')},
               len(parts), coalesce(list_sum(list_transform(parts, lambda p: length(p))), 0)
        FROM (SELECT article_url, version_id, seen_at, title, authors, published, updated, {_PARAGRAPHS_SQL} AS parts
              FROM versions WHERE version_id = ANY(?::BIGINT[]))
        ORDER BY article_url, seen_at, version_id""", [ids]).fetchall()
    for url, version_id, seen_at, title, authors, published, updated, count, chars in rows:
        found[url].append(Version(version_id, seen_at.replace(tzinfo=dt.UTC), title or "", (), tuple(authors or ()),
                                  _aware(published), _aware(updated), (count, int(chars))))
    return found


def load_bodies(con: duckdb.DuckDBPyConnection, version_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The paragraphs of these versions."""
    if not version_ids:
        return {}
    rows = con.execute("SELECT version_id, body FROM versions WHERE version_id = ANY(?::BIGINT[])",
                       [list(version_ids)]).fetchall()
    return {version_id: tuple(paragraphs(body)) for version_id, body in rows}


def with_bodies(versions: Sequence[Version], bodies: dict[int, tuple[str, ...]]) -> list[Version]:
    """`versions` with the bodies read for them (the others as they are)."""
    return [dataclasses.replace(v, body=bodies[v.version_id], size=None) if v.version_id in bodies else v
            for v in versions]


def load_versions(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[Version]]:
    """The versions of `urls` with their bodies, oldest first."""
    found = load_version_rows(con, urls)
    bodies = load_bodies(con, [v.version_id for versions in found.values() for v in versions])
    return collections.defaultdict(list, {url: with_bodies(versions, bodies) for url, versions in found.items()})


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


def paragraphs(body: str | None) -> list[str]:
    """A stored body's paragraphs as the report shows them."""
    return [p for p in (body or "").split("\n\n") if p.strip()]
