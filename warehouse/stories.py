"""Stories in the warehouse: after a pass's versions are written (same transaction), fingerprint
each new or edited article, find candidates through the persisted index (never a scan of every
article), join the best matching story, recompute roles and drift, and turn later members'
[Baru] alerts into one "juga di" follow-up per story and pass (members adding facts keep an
alert that says what they add).
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from beritawatch.alerts.model import Alert
from beritawatch.stories import texts
from beritawatch.stories.drift import StoryText, drift
from beritawatch.stories.features import Fingerprint, fingerprint, index_keys
from beritawatch.stories.matching import Match, best_match, compare
from beritawatch.stories.roles import role_of
from beritawatch.stories.settings import StorySettings
from warehouse.db import insert_rows, transaction

INDEX_COLUMNS = (("key", "BIGINT"), ("kind", "VARCHAR"), ("article_url", "VARCHAR"), ("dated", "TIMESTAMPTZ"))


@dataclasses.dataclass
class StoryPass:
    """What one pass did to stories."""

    fingerprinted: int = 0
    joined: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # story_id, url
    refreshed: set[int] = dataclasses.field(default_factory=set)
    alerts_replaced: int = 0
    alerts_written: int = 0


def group_pass(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime,
               settings: StorySettings) -> StoryPass:
    """Group the versions this pass wrote into stories; adjust this pass's alerts (see module).
    Only tracked and relevant articles take part: the cost follows the coverage watched, not
    every discovered page."""
    result = StoryPass()
    rows = con.execute("""
        SELECT v.article_url, v.version_id, v.title, v.body, a.portal, coalesce(a.published, a.first_seen),
               (SELECT count(*) FROM versions p WHERE p.article_url = v.article_url AND p.version_id < v.version_id)
        FROM versions v JOIN articles a ON a.url = v.article_url
        WHERE v.run_id = ? AND v.content_hash = a.current_hash AND (a.relevant OR a.source = 'track')
        ORDER BY coalesce(a.published, a.first_seen), v.article_url""", [run_id]).fetchall()
    for url, version_id, title, body, portal, at, earlier in rows:
        fp = fingerprint(url, portal or "", at, title or "", tuple((body or "").split("\n\n")))
        save_fingerprint(con, fp, version_id, now, replace=bool(earlier))
        result.fingerprinted += 1
        story = _story_of(con, url)
        if story is None:
            story = _join_best(con, fp, settings, now, run_id)
            if story is not None and not earlier:
                result.joined.append((story, url))
        if story is not None and story not in result.refreshed:
            result.refreshed.add(story)
    for story in sorted(result.refreshed):
        refresh_story(con, story, now, run_id, settings)
    if settings.group_alerts and result.joined:
        _regroup_alerts(con, run_id, now, result)
    return result


def group_pass_safely(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime,
                      settings: StorySettings) -> StoryPass | None:
    """`group_pass` in its own transaction, right after the pass's own one (and before its alerts
    are delivered). Grouping is an extra: if it fails, the pass stays stored, its alerts go out
    ungrouped, and the failure is recorded as a `stories_error` event."""
    try:
        with transaction(con):
            return group_pass(con, run_id, now, settings)
    except Exception as exc:  # noqa: BLE001 - never lose a stored pass to the grouping step
        with transaction(con):
            con.execute("""INSERT INTO events (run_id, happened_at, kind, detail)
                           VALUES (?, ?, 'stories_error', ?)""",
                        [run_id, now, json.dumps({"error": f"{type(exc).__name__}: {exc}"[:500]})])
        return None


def save_fingerprint(con: duckdb.DuckDBPyConnection, fp: Fingerprint, version_id: int, now: dt.datetime,
                     *, replace: bool = True) -> None:
    """Store an article's fingerprint and its index keys; `replace` drops its earlier ones first
    (an edited article; a new one has none, and skipping the delete saves a scan of the index)."""
    if replace:
        con.execute("DELETE FROM story_index WHERE article_url = ?", [fp.url])
        con.execute("DELETE FROM story_fingerprints WHERE article_url = ?", [fp.url])
    con.execute("""INSERT INTO story_fingerprints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [fp.url, version_id, fp.portal, fp.at, fp.title, list(fp.shingles), list(fp.words),
                 json.dumps(fp.to_json(), ensure_ascii=False), now])
    insert_rows(con, "story_index", INDEX_COLUMNS, [(k, kind, fp.url, fp.at) for k, kind in index_keys(fp)])


def find_candidates(con: duckdb.DuckDBPyConnection, fp: Fingerprint, settings: StorySettings) -> list[str]:
    """Articles sharing index keys with `fp` inside the time window, most shared first."""
    keys = [k for k, _ in index_keys(fp)]
    if not keys:
        return []
    rows = con.execute("""
        SELECT article_url, count(*) FILTER (WHERE kind = 'band') + 2 * count(*) FILTER (WHERE kind <> 'band') AS shared
        FROM story_index
        WHERE key IN (SELECT unnest(?::BIGINT[])) AND dated BETWEEN ? AND ? AND article_url <> ?
        GROUP BY article_url ORDER BY shared DESC, article_url LIMIT ?""",
                       [keys, fp.at - settings.window, fp.at + settings.window, fp.url,
                        settings.max_candidates]).fetchall()
    return [row[0] for row in rows]


def load_fingerprints(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, Fingerprint]:
    rows = con.execute("""SELECT article_url, portal, dated, title, shingles, words, facts FROM story_fingerprints
                          WHERE article_url IN (SELECT unnest(?::VARCHAR[]))""", [list(urls)]).fetchall()
    out = {}
    for url, portal, at, title, shingles, words, facts in rows:
        data = json.loads(facts)
        out[url] = Fingerprint(url=url, portal=portal or "", at=at, title=title or "",
                               shingles=tuple(shingles), words=tuple(words),
                               numbers=frozenset(data["numbers"]), quotes=frozenset(data["quotes"]),
                               names=frozenset(data["names"]), title_words=frozenset(data["title_words"]))
    return out


def _story_of(con: duckdb.DuckDBPyConnection, url: str) -> int | None:
    row = con.execute("SELECT story_id FROM story_links WHERE article_url = ?", [url]).fetchone()
    return int(row[0]) if row else None


def _join_best(con: duckdb.DuckDBPyConnection, fp: Fingerprint, settings: StorySettings,
               now: dt.datetime, run_id: str) -> int | None:
    """Link `fp` to the story of its best candidate (creating that story); None when no match."""
    candidates = load_fingerprints(con, find_candidates(con, fp, settings))
    found = best_match(fp, list(candidates.values()), settings.window)
    if found is None:
        return None
    other, match = found
    story = _story_of(con, other.url)
    if story is None:
        created = con.execute("INSERT INTO story_groups (created_at, run_id) VALUES (?, ?) RETURNING story_id",
                              [now, run_id]).fetchone()
        assert created is not None
        story = int(created[0])
        _link(con, story, other.url, "first", 1.0, None, now, run_id)
    _link(con, story, fp.url, "copy", match.similarity, match, now, run_id)
    return story


def _link(con: duckdb.DuckDBPyConnection, story: int, url: str, role: str, similarity: float,
          match: Match | None, now: dt.datetime, run_id: str) -> None:
    con.execute("""INSERT INTO story_links VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (article_url) DO UPDATE SET story_id = excluded.story_id, role = excluded.role,
                       similarity = excluded.similarity, evidence = excluded.evidence""",
                [url, story, role, similarity, json.dumps(match.to_json()) if match else None, now, run_id])


def _member_texts(con: duckdb.DuckDBPyConnection, story: int) -> dict[str, StoryText]:
    rows = con.execute("""
        SELECT a.url, a.portal, v.title, v.body, v.seen_at FROM story_links l
        JOIN articles a ON a.url = l.article_url
        JOIN versions v ON v.article_url = a.url AND v.content_hash = a.current_hash
        WHERE l.story_id = ?
        QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY v.version_id DESC) = 1""", [story]).fetchall()
    return {url: StoryText(url, portal or "", title or "", tuple((body or "").split("\n\n")), seen)
            for url, portal, title, body, seen in rows}


def refresh_story(con: duckdb.DuckDBPyConnection, story: int, now: dt.datetime, run_id: str,
                  settings: StorySettings) -> None:
    """Recompute the first member, every member's role and similarity, and the story's drift."""
    members = _member_texts(con, story)
    prints = load_fingerprints(con, list(members))
    if not prints:
        return
    first = min(prints.values(), key=lambda fp: (fp.at, fp.url))
    con.execute("DELETE FROM story_drift WHERE story_id = ?", [story])
    _link(con, story, first.url, "first", 1.0, None, now, run_id)
    rows: list[tuple[Any, ...]] = []
    for url, fp in sorted(prints.items()):
        if url == first.url or url not in members or first.url not in members:
            continue
        match = compare(first, fp, dt.timedelta.max)
        found = drift(members[first.url], members[url])
        _link(con, story, url, role_of(match, found), match.similarity, match, now, run_id)
        for diff in found.differences:
            facts = list(found.new_facts) if diff.kind == "added" and diff.text in found.fact_sentences else []
            rows.append((story, url, first.url, diff.kind, diff.text, diff.other_text, list(diff.reasons),
                         facts, now, run_id))
    insert_rows(con, "story_drift", (
        ("story_id", "BIGINT"), ("article_url", "VARCHAR"), ("reference_url", "VARCHAR"), ("kind", "VARCHAR"),
        ("text", "VARCHAR"), ("other_text", "VARCHAR"), ("reasons", "VARCHAR[]"), ("new_facts", "VARCHAR[]"),
        ("found_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR")), rows)


def _regroup_alerts(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, result: StoryPass) -> None:
    """Later relevant members: their [Baru] becomes one "juga di" alert per story, or an alert
    saying what they add. The first relevant member of a story keeps its [Baru]."""
    joined: dict[int, list[str]] = collections.defaultdict(list)
    for story, url in result.joined:
        joined[story].append(url)
    for story, urls in sorted(joined.items()):
        members = con.execute("""
            SELECT m.url, m.portal, m.title, m.relevant FROM story_members m
            WHERE m.story_id = ? ORDER BY m.first_seen, m.published_or_seen, m.url""", [story]).fetchall()
        relevant = [m for m in members if m[3]]
        if not relevant:
            continue
        keeper = relevant[0]
        also: list[tuple[str, str]] = []
        for url, portal, title, _ in relevant[1:]:
            if url not in urls:
                continue
            result.alerts_replaced += len(con.execute(
                "DELETE FROM alerts WHERE run_id = ? AND kind = 'new' AND article_url = ? RETURNING alert_id",
                [run_id, url]).fetchall())
            facts = con.execute("""SELECT text, new_facts FROM story_drift WHERE story_id = ? AND article_url = ?
                                   AND kind = 'added' AND len(new_facts) > 0""", [story, url]).fetchall()
            if facts:
                found = list(dict.fromkeys(f for _, fs in facts for f in fs))
                _write_alert(con, run_id, now, url, Alert(
                    kind="story", dedupe_key=f"story-facts:{_key(url)}", portal=portal or "", url=url,
                    title=title or "", summary=texts.adds_facts(keeper[1] or "", keeper[2] or "", found),
                    added=tuple(text for text, _ in facts)))
                result.alerts_written += 1
            else:
                also.append((portal or "", url))
        if also:
            portals = list(dict.fromkeys(p for p, _ in also))
            _write_alert(con, run_id, now, keeper[0], Alert(
                kind="story", dedupe_key=f"story:{story}:{_key(run_id)}", portal=", ".join(portals),
                url=keeper[0], title=keeper[2] or "", summary=texts.also_in(also, keeper[1] or "")))
            result.alerts_written += 1


def _key(text: str) -> str:
    from warehouse.store import url_key  # the same short ids the other alerts use

    return url_key(text)


def _write_alert(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, url: str, alert: Alert) -> None:
    con.execute("""INSERT INTO alerts (dedupe_key, kind, created_at, run_id, article_url, payload)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING""",
                [alert.dedupe_key, alert.kind, now, run_id, url, alert.dumps()])
