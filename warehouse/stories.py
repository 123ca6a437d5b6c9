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
import functools
import json
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import duckdb

from beritawatch.alerts.model import Alert
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from beritawatch.stories import texts
from beritawatch.stories.drift import StoryText, drift
from beritawatch.stories.features import Fingerprint, fingerprint, index_keys
from beritawatch.stories.matching import Match, best_match, compare
from beritawatch.stories.roles import role_of
from beritawatch.stories.settings import StorySettings
from warehouse.backend import Location
from warehouse.db import WarehouseError, connect, insert_one, insert_rows, insert_select, with_memory_cap, write

SMALL_ROWS = 20000  # rows per insert statement for the story tables (small rows, unlike raw pages)
# Articles per chunk of the stories step. The step's DuckDB memory (candidate join, texts, writes)
# grows with the chunk: a 2,000-article pass in one chunk took ~270 MB above the process's base.
STORY_CHUNK = 250
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
               settings: StorySettings, lang: Language = DEFAULT_LANGUAGE, *, chunk: int = STORY_CHUNK) -> StoryPass:
    """Group the versions this pass wrote into stories; adjust this pass's alerts (see module).
    Only tracked and relevant articles take part: the cost follows the coverage watched, not
    every discovered page. Batched, `chunk` articles at a time (a few statements per chunk): the
    result is the same for any chunk size, DuckDB's working set follows the chunk, not the pass."""
    result = StoryPass()
    versions = _pass_versions(con, run_id)
    if not versions:
        return result
    # Every fingerprint of the pass is indexed before any is matched, as a pass of one chunk does:
    # the candidate budget counts later articles of the pass too (they are skipped afterwards).
    for part in _chunks(versions, chunk):
        prints = _pass_prints(con, part)
        save_fingerprints(con, [(fp, version_id) for fp, version_id, _ in prints], now,
                          replace=[fp.url for fp, _, edited in prints if edited])
    result.fingerprinted = len(versions)
    changed = _link_pass(con, versions, settings, now, run_id, result, chunk)
    refresh_stories(con, changed, now, run_id, chunk=chunk)
    result.refreshed.update(changed)
    if settings.group_alerts and result.joined:
        _regroup_alerts(con, run_id, now, result, lang)
    return result


_Version = tuple[str, int, bool]  # a version of this pass: article url, version id, edited (not new)
_Printed = tuple[Fingerprint, int, bool]  # the same with its fingerprint


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), max(size, 1)):
        yield items[start:start + max(size, 1)]


def _pass_versions(con: duckdb.DuckDBPyConnection, run_id: str) -> list[_Version]:
    """The current versions this pass wrote (tracked or relevant articles), oldest first."""
    rows = con.execute("""
        SELECT v.article_url, v.version_id,
               (SELECT count(*) FROM versions p WHERE p.article_url = v.article_url AND p.version_id < v.version_id)
        FROM versions v JOIN articles a ON a.url = v.article_url
        WHERE v.run_id = ? AND v.content_hash = a.current_hash AND (a.relevant OR a.source = 'track')
        ORDER BY coalesce(a.published, a.first_seen), v.article_url""", [run_id]).fetchall()
    return [(url, int(version_id), bool(earlier)) for url, version_id, earlier in rows]


def _pass_prints(con: duckdb.DuckDBPyConnection, versions: Sequence[_Version]) -> list[_Printed]:
    """The fingerprints of these versions, in their order (only their texts are read)."""
    rows = con.execute("""
        SELECT v.version_id, v.title, v.body, a.portal, coalesce(a.published, a.first_seen)
        FROM versions v JOIN articles a ON a.url = v.article_url
        WHERE v.version_id IN (SELECT unnest(?::BIGINT[]))""", [[v for _, v, _ in versions]]).fetchall()
    texts_ = {int(version_id): rest for version_id, *rest in rows}
    out = []
    for url, version_id, edited in versions:
        title, body, portal, at = texts_[version_id]
        out.append((fingerprint(url, portal or "", at, title or "", tuple((body or "").split("\n\n"))),
                    version_id, edited))
    return out


def _link_pass(con: duckdb.DuckDBPyConnection, versions: Sequence[_Version], settings: StorySettings,
               now: dt.datetime, run_id: str, result: StoryPass, chunk: int) -> dict[int, set[str]]:
    """Link each article of the pass that has no story yet to its best candidate's story, chunk by
    chunk in the pass's order; the stories touched, each with its members to refresh. New members
    that joined go to `result.joined`."""
    position = {url: i for i, (url, _, _) in enumerate(versions)}
    changed: dict[int, set[str]] = collections.defaultdict(set)
    for part in _chunks(versions, chunk):
        _link_chunk(con, part, position, settings, now, run_id, result, changed)
    return changed


def _link_chunk(con: duckdb.DuckDBPyConnection, part: Sequence[_Version], position: Mapping[str, int],
                settings: StorySettings, now: dt.datetime, run_id: str, result: StoryPass,
                changed: dict[int, set[str]]) -> None:
    """`_link_pass` for one chunk; its links are written before the next chunk reads them."""
    own = load_fingerprints(con, [url for url, _, _ in part])  # saved by group_pass
    prints = [own[url] for url, _, _ in part]
    candidates = find_candidates_many(con, prints, settings)
    wanted = {url for urls in candidates.values() for url in urls}
    loaded = load_fingerprints(con, sorted(wanted))
    links = _stories_of(con, sorted(wanted | set(own)))
    writer = _LinkWriter()
    for fp, (_, _, edited) in zip(prints, part, strict=True):
        story = links.get(fp.url)
        if story is None:
            # As if the pass's articles arrived one by one: only those before this one count.
            i = position[fp.url]
            earlier = [loaded[u] for u in candidates.get(fp.url, []) if u in loaded and position.get(u, -1) < i]
            found = best_match(fp, earlier, settings.window)
            if found is not None:
                story = _join(con, fp, found, links, writer, now, run_id)
                changed[story].add(found[0].url)
                if not edited:
                    result.joined.append((story, fp.url))
        if story is not None:
            changed[story].add(fp.url)
    writer.flush(con)


def group_pass_safely(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime,
                      settings: StorySettings, lang: Language = DEFAULT_LANGUAGE, *,
                      memory_limit: str | None = None) -> StoryPass | None:
    """`group_pass` in its own transaction, right after the pass's own one (and before its alerts
    are delivered). Grouping is an extra: if it fails, the pass stays stored, its alerts go out
    ungrouped, and the failure is recorded as a `stories_error` event. `memory_limit` caps
    DuckDB's memory meanwhile (see `group_pass_apart`)."""
    try:
        step = functools.partial(group_pass, con, run_id, now, settings, lang)
        # A cap the step cannot work within is lifted and the (rolled back) step runs again.
        return with_memory_cap(con, memory_limit, lambda: write(con, step))
    except Exception as exc:  # noqa: BLE001 - never lose a stored pass to the grouping step
        detail = json.dumps({"error": f"{type(exc).__name__}: {exc}"[:500]})
        write(con, lambda: insert_select(con, "events", "run_id, happened_at, kind, detail",
                                         "SELECT ?, ?, 'stories_error', ?", [run_id, now, detail]))
        return None


# DuckDB's memory for the stories step on a warehouse file: the chunks' working sets fit easily,
# and the uncommitted rows of a big pass (drift sentences above all) go to DuckDB's temporary
# folder beside the file instead of staying in memory. 2,000 new articles in stories of hundreds
# of members: ~105 MB above the process's base at 64 MB, ~200 MB without a limit.
STEP_MEMORY_LIMIT = "64MB"


def group_pass_apart(database: Location, run_id: str, now: dt.datetime, settings: StorySettings,
                     lang: Language = DEFAULT_LANGUAGE, *, wait_s: float = 0.0) -> StoryPass | None:
    """`group_pass_safely` on a connection of its own, to open once the pass's is closed (closing
    gives back DuckDB's memory of the pass's transaction), with DuckDB's memory capped on a
    warehouse file (a lake's connection has no file beside which to spill: DuckDB's default). A
    warehouse that cannot be opened again (another process took it meanwhile) skips the step, as a
    failed one does: the pass is stored, its alerts go out ungrouped."""
    try:
        con = connect(database, wait_s=wait_s)
    except (WarehouseError, duckdb.Error) as exc:
        logging.getLogger(__name__).warning("stories step skipped, the warehouse cannot be opened: %s", exc)
        return None
    try:
        return group_pass_safely(con, run_id, now, settings, lang,
                                 memory_limit=None if database.is_lake else STEP_MEMORY_LIMIT)
    finally:
        con.close()


FINGERPRINT_COLUMNS = (
    ("article_url", "VARCHAR"), ("version_id", "BIGINT"), ("portal", "VARCHAR"), ("dated", "TIMESTAMPTZ"),
    ("title", "VARCHAR"), ("shingles", "BIGINT[]"), ("words", "BIGINT[]"), ("facts", "JSON"),
    ("fingerprinted_at", "TIMESTAMPTZ"))


def save_fingerprints(con: duckdb.DuckDBPyConnection, prints: Sequence[tuple[Fingerprint, int]], now: dt.datetime,
                      *, replace: Sequence[str] = ()) -> None:
    """Store fingerprints (with their version id) and their index keys; the articles in
    `replace` (edited ones) lose their earlier ones first. New articles have none, and skipping
    the delete saves a scan of the index."""
    if replace:
        con.execute("DELETE FROM story_index WHERE article_url IN (SELECT unnest(?::VARCHAR[]))", [list(replace)])
        con.execute("DELETE FROM story_fingerprints WHERE article_url IN (SELECT unnest(?::VARCHAR[]))",
                    [list(replace)])
    insert_rows(con, "story_fingerprints", FINGERPRINT_COLUMNS, [
        (fp.url, version_id, fp.portal, fp.at, fp.title, list(fp.shingles), list(fp.words),
         json.dumps(fp.to_json(), ensure_ascii=False), now) for fp, version_id in prints], chunk=1000)
    insert_rows(con, "story_index", INDEX_COLUMNS,
                [(k, kind, fp.url, fp.at) for fp, _ in prints for k, kind in index_keys(fp)], chunk=SMALL_ROWS)


PROBE_COLUMNS = (("url", "VARCHAR"), ("key", "BIGINT"), ("lo", "TIMESTAMPTZ"), ("hi", "TIMESTAMPTZ"))


def find_candidates_many(con: duckdb.DuckDBPyConnection, prints: Sequence[Fingerprint],
                         settings: StorySettings) -> dict[str, list[str]]:
    """For each fingerprint, the articles sharing index keys with it inside the time window, most
    shared first (at most `max_candidates`): one join of all probes against the index."""
    probes = [(fp.url, key, fp.at - settings.window, fp.at + settings.window)
              for fp in prints for key, _ in index_keys(fp)]
    if not probes:
        return {}
    columns = ", ".join(f"{name} {sqltype}" for name, sqltype in PROBE_COLUMNS)
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS _story_probe ({columns})")
    con.execute("DELETE FROM _story_probe")
    insert_rows(con, "_story_probe", PROBE_COLUMNS, probes, chunk=SMALL_ROWS)
    rows = con.execute("""
        SELECT url, article_url FROM (
            SELECT p.url, i.article_url,
                   count(*) FILTER (WHERE i.kind = 'band') + 2 * count(*) FILTER (WHERE i.kind <> 'band') AS shared
            FROM _story_probe p JOIN story_index i
              ON i.key = p.key AND i.dated BETWEEN p.lo AND p.hi AND i.article_url <> p.url
            GROUP BY p.url, i.article_url)
        QUALIFY row_number() OVER (PARTITION BY url ORDER BY shared DESC, article_url) <= ?
        ORDER BY url, shared DESC, article_url""", [settings.max_candidates]).fetchall()
    out: dict[str, list[str]] = collections.defaultdict(list)
    for url, candidate in rows:
        out[url].append(candidate)
    return dict(out)


def find_candidates(con: duckdb.DuckDBPyConnection, fp: Fingerprint, settings: StorySettings) -> list[str]:
    """The candidates of one fingerprint (see `find_candidates_many`)."""
    return find_candidates_many(con, [fp], settings).get(fp.url, [])


def load_fingerprints(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, Fingerprint]:
    rows = con.execute("""SELECT article_url, portal, dated, title, shingles, words, facts FROM story_fingerprints
                          WHERE article_url IN (SELECT unnest(?::VARCHAR[]))""", [list(urls)]).fetchall()
    out = {}
    for url, portal, at, title, shingles, words, facts in rows:
        data = json.loads(facts)
        out[url] = Fingerprint(url=url, portal=portal or "", at=at, title=title or "",
                               shingles=tuple(shingles), words=tuple(words),
                               numbers=frozenset(data["numbers"]), quotes=frozenset(data["quotes"]),
                               names=frozenset(data["names"]), title_words=frozenset(data["title_words"]),
                               size=int(data.get("size", 0)))
    return out


def _stories_of(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, int]:
    rows = con.execute("""SELECT article_url, story_id FROM story_links
                          WHERE article_url IN (SELECT unnest(?::VARCHAR[]))""", [list(urls)]).fetchall()
    return {url: int(story) for url, story in rows}


def _join(con: duckdb.DuckDBPyConnection, fp: Fingerprint, found: tuple[Fingerprint, Match],
          links: dict[str, int], writer: _LinkWriter, now: dt.datetime, run_id: str) -> int:
    """Link `fp` to the story of its best candidate, creating that story when the candidate has none."""
    other, match = found
    story = links.get(other.url)
    if story is None:
        story = links[other.url] = insert_one(con, "story_groups", "created_at, run_id", [now, run_id])
        writer.set(story, other.url, "first", 1.0, None, now, run_id)
    links[fp.url] = story
    writer.set(story, fp.url, "copy", match.similarity, match, now, run_id)
    return story


LINK_COLUMNS = (("article_url", "VARCHAR"), ("story_id", "BIGINT"), ("role", "VARCHAR"), ("similarity", "DOUBLE"),
                ("evidence", "JSON"), ("joined_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"))


class _LinkWriter:
    """Story links set during a pass, written in one statement per flush (an upsert per link
    cost ~8 ms each)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[Any, ...]] = {}

    def set(self, story: int, url: str, role: str, similarity: float, match: Match | None,
            now: dt.datetime, run_id: str) -> None:
        self.rows[url] = (url, story, role, similarity, json.dumps(match.to_json()) if match else None, now, run_id)

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write the links; an article already linked keeps its joined_at and run_id."""
        if not self.rows:
            return
        columns = ", ".join(f"{name} {sqltype}" for name, sqltype in LINK_COLUMNS)
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS _story_links_in ({columns})")
        con.execute("DELETE FROM _story_links_in")
        insert_rows(con, "_story_links_in", LINK_COLUMNS, list(self.rows.values()), chunk=SMALL_ROWS)
        con.execute("""UPDATE story_links AS l SET story_id = i.story_id, role = i.role, similarity = i.similarity,
                           evidence = i.evidence
                       FROM _story_links_in i WHERE l.article_url = i.article_url""")
        con.execute("""INSERT INTO story_links SELECT * FROM _story_links_in i
                       WHERE i.article_url NOT IN (SELECT article_url FROM story_links)""")
        self.rows.clear()


def _member_texts(con: duckdb.DuckDBPyConnection, wanted: Mapping[int, Collection[str]]) -> dict[str, StoryText]:
    """The current text of the wanted members of each story, in one query for every story."""
    pairs = [(story, url) for story, urls in wanted.items() for url in urls]
    rows = con.execute("""
        SELECT a.url, a.portal, v.title, v.body, v.seen_at FROM story_links l
        JOIN (SELECT unnest(?::BIGINT[]) AS story_id, unnest(?::VARCHAR[]) AS url) w
          ON w.story_id = l.story_id AND w.url = l.article_url
        JOIN articles a ON a.url = l.article_url
        JOIN versions v ON v.article_url = a.url AND v.content_hash = a.current_hash
        QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY v.version_id DESC) = 1""",
                       [[story for story, _ in pairs], [url for _, url in pairs]]).fetchall()
    return {url: StoryText(url, portal or "", title or "", tuple((body or "").split("\n\n")), seen)
            for url, portal, title, body, seen in rows}


DRIFT_COLUMNS = (
    ("story_id", "BIGINT"), ("article_url", "VARCHAR"), ("reference_url", "VARCHAR"), ("kind", "VARCHAR"),
    ("text", "VARCHAR"), ("other_text", "VARCHAR"), ("reasons", "VARCHAR[]"), ("new_facts", "VARCHAR[]"),
    ("found_at", "TIMESTAMPTZ"), ("run_id", "VARCHAR"))
DRIFT_ROWS_HELD = 2000  # drift rows (whole sentences) held in memory and sent per statement


def refresh_story(con: duckdb.DuckDBPyConnection, story: int, now: dt.datetime, run_id: str,
                  changed: Collection[str] | None = None) -> None:
    """Recompute the first member, and the role, similarity and drift of the members in `changed`
    (every member when the first member is new or changed, or `changed` is None)."""
    refresh_stories(con, {story: changed}, now, run_id)


def refresh_stories(con: duckdb.DuckDBPyConnection, changed: Mapping[int, Collection[str] | None],
                    now: dt.datetime, run_id: str, *, chunk: int = STORY_CHUNK) -> None:
    """`refresh_story` for many stories at once: the same result, in a fixed number of
    statements per `chunk` members rather than a handful per story (a story of more members is
    done in several parts: each member is compared with the first only)."""
    firsts, redo = _what_to_redo(_member_dates(con, sorted(changed)), _first_members(con, sorted(changed)),
                                 changed)
    _delete_drift(con, redo)
    writer = _LinkWriter()
    for story, first in firsts.items():
        writer.set(story, first, "first", 1.0, None, now, run_id)
    writer.flush(con)
    for batch in _refresh_batches(firsts, redo, chunk):
        _refresh_batch(con, batch, firsts, now, run_id)


def _refresh_batches(firsts: Mapping[int, str], redo: Mapping[int, Collection[str]],
                     chunk: int) -> Iterator[dict[int, list[str]]]:
    """The members to recompute (the first left out), story by story in order, at most `chunk`
    members per batch: small stories share a batch, a big one spans several."""
    batch: dict[int, list[str]] = {}
    held = 0
    for story in sorted(firsts):
        for url in sorted(set(redo[story]) - {firsts[story]}):
            if held >= max(chunk, 1):
                yield batch
                batch, held = {}, 0
            batch.setdefault(story, []).append(url)
            held += 1
    if batch:
        yield batch


def _refresh_batch(con: duckdb.DuckDBPyConnection, batch: Mapping[int, Sequence[str]], firsts: Mapping[int, str],
                   now: dt.datetime, run_id: str) -> None:
    """Role, similarity and drift of one batch's members against their story's first member."""
    prints = load_fingerprints(con, sorted({u for urls in batch.values() for u in urls} | {firsts[s] for s in batch}))
    texts_ = _member_texts(con, {story: {*urls, firsts[story]} for story, urls in batch.items()})
    writer = _LinkWriter()
    _insert_drift(con, (row for story, urls in sorted(batch.items()) for row in _drift_rows(
        story, prints[firsts[story]], prints, texts_, urls, writer, now, run_id)))
    writer.flush(con)


def _what_to_redo(members: Mapping[int, Sequence[tuple[dt.datetime, str]]], previous: Mapping[int, Sequence[str]],
                  changed: Mapping[int, Collection[str] | None]) -> tuple[dict[int, str], dict[int, set[str]]]:
    """Each story's first member (the earliest fingerprinted one), and the members whose role and
    drift must be recomputed: every one when the first is new or changed (or `changed` says
    None), else the changed ones."""
    firsts: dict[int, str] = {}
    redo: dict[int, set[str]] = {}
    for story, dated in members.items():
        if not dated:
            continue
        first = firsts[story] = min(dated)[1]
        urls = {url for _, url in dated}
        wanted = changed[story]
        if wanted is None or first in wanted or list(previous.get(story, [])) != [first]:
            redo[story] = urls
        else:
            redo[story] = set(wanted) & urls
    return firsts, redo


def _insert_drift(con: duckdb.DuckDBPyConnection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert drift rows as they come, DRIFT_ROWS_HELD per statement (bounded memory)."""
    held: list[tuple[Any, ...]] = []
    for row in rows:
        held.append(row)
        if len(held) >= DRIFT_ROWS_HELD:
            insert_rows(con, "story_drift", DRIFT_COLUMNS, held, chunk=DRIFT_ROWS_HELD)
            held = []
    insert_rows(con, "story_drift", DRIFT_COLUMNS, held, chunk=DRIFT_ROWS_HELD)


def _drift_rows(story: int, first: Fingerprint, prints: Mapping[str, Fingerprint], texts_: Mapping[str, StoryText],
                urls: Sequence[str], writer: _LinkWriter, now: dt.datetime, run_id: str) -> Iterator[tuple[Any, ...]]:
    """Role and similarity of each of `urls` against the first member (set on `writer`); yields
    their drift rows one by one (a big story's rows are never all held at once)."""
    for url in urls:
        if url not in texts_ or first.url not in texts_:
            continue
        match = compare(first, prints[url], dt.timedelta.max)
        found = drift(texts_[first.url], texts_[url])
        writer.set(story, url, role_of(match, found), match.similarity, match, now, run_id)
        for diff in found.differences:
            facts = list(found.new_facts) if diff.kind == "added" and diff.text in found.fact_sentences else []
            yield (story, url, first.url, diff.kind, diff.text, diff.other_text, list(diff.reasons),
                   facts, now, run_id)


def _delete_drift(con: duckdb.DuckDBPyConnection, redo: Mapping[int, Collection[str]]) -> None:
    """Drop the drift rows of the members about to be recomputed (one statement)."""
    pairs = [(story, url) for story, urls in redo.items() for url in urls]
    if not pairs:
        return
    con.execute("""DELETE FROM story_drift WHERE article_url IN (SELECT unnest(?::VARCHAR[]))
                   AND (story_id, article_url) IN (SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]))""",
                [sorted({url for _, url in pairs}), [story for story, _ in pairs], [url for _, url in pairs]])


def _member_dates(con: duckdb.DuckDBPyConnection, stories_: Sequence[int]) -> dict[int, list[tuple[dt.datetime, str]]]:
    """Each story's fingerprinted members with their date (published, else first seen)."""
    out: dict[int, list[tuple[dt.datetime, str]]] = {story: [] for story in stories_}
    for story, url, dated in con.execute("""
            SELECT l.story_id, l.article_url, f.dated FROM story_links l
            JOIN story_fingerprints f ON f.article_url = l.article_url
            WHERE l.story_id IN (SELECT unnest(?::BIGINT[]))""", [list(stories_)]).fetchall():
        out[int(story)].append((dated, url))
    return out


def _first_members(con: duckdb.DuckDBPyConnection, stories_: Sequence[int]) -> dict[int, list[str]]:
    """The members each story records as its first (normally exactly one)."""
    out: dict[int, list[str]] = collections.defaultdict(list)
    for story, url in con.execute("""SELECT story_id, article_url FROM story_links
                                     WHERE role = 'first' AND story_id IN (SELECT unnest(?::BIGINT[]))""",
                                  [list(stories_)]).fetchall():
        out[int(story)].append(url)
    return out


def _regroup_alerts(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, result: StoryPass,
                    lang: Language) -> None:
    """Later relevant members: their [Baru] becomes one "juga di" alert per story, or an alert
    saying what they add. The first relevant member of a story keeps its [Baru]."""
    joined: dict[int, list[str]] = collections.defaultdict(list)
    for story, url in result.joined:
        joined[story].append(url)
    for story, urls in sorted(joined.items()):
        _regroup_story(con, story, urls, run_id, now, result, lang)


def _regroup_story(con: duckdb.DuckDBPyConnection, story: int, urls: Sequence[str], run_id: str,
                   now: dt.datetime, result: StoryPass, lang: Language) -> None:
    """One story's members that joined this pass (`urls`): their [Baru] alerts replaced."""
    members = con.execute("""
        SELECT m.url, m.portal, m.title, m.relevant FROM story_members m
        WHERE m.story_id = ? ORDER BY m.first_seen, m.published_or_seen, m.url""", [story]).fetchall()
    relevant = [m for m in members if m[3]]
    if not relevant:
        return
    keeper = relevant[0]
    also: list[tuple[str, str]] = []
    for url, portal, title, _ in relevant[1:]:
        if url not in urls:
            continue
        [(deleted,)] = con.execute("DELETE FROM alerts WHERE run_id = ? AND kind = 'new' AND article_url = ?",
                                   [run_id, url]).fetchall()  # the count of rows deleted (no RETURNING on a lake)
        result.alerts_replaced += int(deleted)
        if _alert_new_facts(con, story, keeper, (url, portal or "", title or ""), run_id, now, lang):
            result.alerts_written += 1
        else:
            also.append((portal or "", url))
    if also:
        portals = list(dict.fromkeys(p for p, _ in also))
        _write_alert(con, run_id, now, keeper[0], Alert(
            kind="story", dedupe_key=f"story:{story}:{_key(run_id)}", portal=", ".join(portals),
            url=keeper[0], title=keeper[2] or "", summary=texts.also_in(also, keeper[1] or "", lang)))
        result.alerts_written += 1


def _alert_new_facts(con: duckdb.DuckDBPyConnection, story: int, keeper: tuple[Any, ...],
                     member: tuple[str, str, str], run_id: str, now: dt.datetime, lang: Language) -> bool:
    """Write the alert of a member whose sentences add facts the first lacks; False when it adds none."""
    url, portal, title = member
    facts = con.execute("""SELECT text, new_facts FROM story_drift WHERE story_id = ? AND article_url = ?
                           AND kind = 'added' AND len(new_facts) > 0""", [story, url]).fetchall()
    if not facts:
        return False
    found = list(dict.fromkeys(f for _, fs in facts for f in fs))
    _write_alert(con, run_id, now, url, Alert(
        kind="story", dedupe_key=f"story-facts:{_key(url)}", portal=portal, url=url,
        title=title, summary=texts.adds_facts(keeper[1] or "", keeper[2] or "", found, lang),
        added=tuple(text for text, _ in facts)))
    return True


def _key(text: str) -> str:
    from warehouse.store import url_key  # the same short ids the other alerts use

    return url_key(text)


def _write_alert(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, url: str, alert: Alert) -> None:
    insert_select(con, "alerts", "dedupe_key, kind, created_at, run_id, article_url, payload",
                  "SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE dedupe_key = ?)",
                  [alert.dedupe_key, alert.kind, now, run_id, url, alert.dumps(), alert.dedupe_key])
