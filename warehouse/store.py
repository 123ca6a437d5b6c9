"""Reading and writing the warehouse: tracked articles, what is due, and one pass's results.

`record_checks` is the heart: one transaction per pass writes every fetch, the new versions with
their raw pages, edit records, events (reverts, collapses, takedowns, portal health), article
state, and the alerts those cause (the outbox). Either all of a pass is stored or none of it.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import duckdb

from beritawatch.alerts.model import Alert
from beritawatch.check import PARSED, CheckResult, DueArticle
from beritawatch.decide import Decision, EditNote, PortalPass, Rules, alert_key, decide, portal_health
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from beritawatch.relevance import Score, Topic
from beritawatch.report import fragments
from beritawatch.stories.settings import StorySettings
from beritawatch.urls import PORTALS, url_key
from beritawatch.verdict import (
    COLLAPSE,
    EDIT,
    FAILED,
    FIRST,
    HELD,
    REVERT,
    UNCHANGED,
    ArticleState,
    Verdict,
    hold_broken_portals,
    judge,
)
from warehouse import compress, identity, stories
from warehouse.db import insert_rows, insert_select, with_memory_cap, write
from warehouse.rows import (
    ALERT_COLUMNS,
    ARTICLE_UPDATE_COLUMNS,
    EDIT_COLUMNS,
    EVENT_COLUMNS,
    FETCH_COLUMNS,
    PAGE_COLUMNS,
    VERSION_COLUMNS,
    AlertRow,
    ArticleUpdateRow,
    EditRow,
    EventRow,
    FetchRow,
    PageRow,
    VersionRow,
)

__all__ = ["ALERT_COLUMNS", "ARTICLE_UPDATE_COLUMNS", "EDIT_COLUMNS", "EVENT_COLUMNS", "FETCH_COLUMNS",
           "PAGE_COLUMNS", "VERSION_COLUMNS", "PassPolicy", "PassResult", "PortalCounts", "alert_key",
           "due_articles", "finish_run", "last_config_digest", "load_states", "record_checks", "start_run", "track",
           "url_key", "write_parse_memos"]


PARSE_MEMO_COLUMNS = (("article_url", "VARCHAR"), ("written_at", "TIMESTAMPTZ"), ("memo", "BLOB"))
NextCheck = Callable[[ArticleState, bool, int, bool], "dt.datetime | None"]


@dataclasses.dataclass(frozen=True, slots=True)
class PassPolicy:
    """What a pass needs besides its results: topics, the schedule, and the alerting rules."""

    topics: Sequence[Topic]
    next_check: NextCheck  # (state, changed, consecutive_errors, removal_suspected) -> due
    alert_minor_edits: bool = False
    language: Language = DEFAULT_LANGUAGE  # of the edit summaries alerts carry
    stories: StorySettings | None = None  # group new versions into stories (warehouse.stories)


@dataclasses.dataclass
class PortalCounts:
    """One portal's line of the pass summary."""

    checked: int = 0
    fetched: int = 0  # answered 200 and parsed
    unchanged: int = 0  # 304, or same content as the current version
    new_articles: int = 0  # first version of an article
    new_versions: int = 0  # a later, different version (an edit)
    reverts: int = 0  # back to an earlier version
    held: int = 0  # changes held back because the portal looked broken
    removed: int = 0  # takedowns confirmed this pass
    errors: int = 0
    outcomes: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["outcomes"] = dict(self.outcomes)
        return data


@dataclasses.dataclass
class PassResult:
    """What `record_checks` wrote, for the summary, artifacts and alert delivery."""

    portals: dict[str, PortalCounts] = dataclasses.field(default_factory=dict)
    failures: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # url, outcome, error
    new_articles: list[tuple[str, str, bool]] = dataclasses.field(default_factory=list)  # url, title, relevant
    edits: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # url, kind, summary
    events: list[tuple[str, str | None, str]] = dataclasses.field(default_factory=list)  # kind, url, text
    alerts: int = 0

    def portal(self, name: str | None) -> PortalCounts:
        return self.portals.setdefault(name or "unknown", PortalCounts())

    def to_json(self) -> dict[str, Any]:
        return {"portals": {k: v.to_json() for k, v in sorted(self.portals.items())},
                "failures": [list(f) for f in self.failures],
                "new_articles": [list(a) for a in self.new_articles],
                "edits": [list(e) for e in self.edits],
                "events": [list(e) for e in self.events],
                "alerts": self.alerts}


def track(con: duckdb.DuckDBPyConnection, articles: Iterable[tuple[str, str | None]], source: str,
          now: dt.datetime, also_seen: Iterable[str] = ()) -> list[str]:
    """Add (url, portal) pairs whose identity is not yet known; return the URLs that were new.
    Every URL (and each of `also_seen`) is recorded as an alias (see `warehouse.identity`)."""
    return identity.track(con, articles, source, now, also_seen)


def due_articles(con: duckdb.DuckDBPyConnection, now: dt.datetime, *, every_pass: bool,
                 limit: int, only_new: bool = False, portals: Sequence[str] | None = None,
                 other_sites: bool = True) -> list[DueArticle]:
    """Active articles whose next check has come (all active ones with every_pass), most overdue
    first, at most `limit`: the per-pass budget that keeps a pass's length bounded.
    `only_new`: just the articles never checked yet (a discovery-only pass). `portals`: only these
    portals' articles (None: every portal's), plus those of no known portal when `other_sites`."""
    if only_new:
        where, params = "active AND last_checked IS NULL", list[Any]()
    elif every_pass:
        where, params = "active", []
    else:
        where, params = "active AND (next_check IS NULL OR next_check <= ?)", [now]
    if portals is not None:  # a pass of some portals (parallel passes on a lake)
        where += """ AND (portal IN (SELECT unnest(?::VARCHAR[]))
                          OR (? AND (portal IS NULL OR portal NOT IN (SELECT unnest(?::VARCHAR[])))))"""
        params = [*params, list(portals), other_sites, sorted(PORTALS)]
    rows = con.execute(
        f"""SELECT url, portal, etag, last_modified, current_hash FROM articles WHERE {where}
            ORDER BY next_check NULLS FIRST, url LIMIT ?""", [*params, limit]).fetchall()
    memos = parse_memos(con, [row[0] for row in rows])
    return [DueArticle(url, portal, etag, last_modified, current, memos.get(url))
            for url, portal, etag, last_modified, current in rows]


def parse_memos(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, bytes]:
    """The stored parse memos of these articles (`beritawatch.parse_memo`), by article URL."""
    if not urls:
        return {}
    rows = con.execute("""SELECT article_url, memo FROM parse_memos
                          WHERE article_url IN (SELECT unnest(?::VARCHAR[]))""", [list(urls)]).fetchall()
    return {url: bytes(memo) for url, memo in rows}


def write_parse_memos(con: duckdb.DuckDBPyConnection, memos: Sequence[tuple[str, bytes]], now: dt.datetime) -> None:
    """Replace the parse memos of these articles (one row per article: delete, then insert; the
    last of one article's wins)."""
    memos = list(dict(memos).items())
    if not memos:
        return
    con.execute("DELETE FROM parse_memos WHERE article_url IN (SELECT unnest(?::VARCHAR[]))",
                [[url for url, _ in memos]])
    insert_rows(con, "parse_memos", PARSE_MEMO_COLUMNS, [(url, now, memo) for url, memo in memos])


STALE_RUN = dt.timedelta(hours=3)  # a pass still "running" after this long was killed


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, flow_run_id: str | None,
              config_digest: str | None = None) -> None:
    """Open a run (with the digest of the config it registered, if any); passes left 'running'
    long ago (killed) are marked crashed."""
    con.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running' AND started_at < ?",
                [now - STALE_RUN])
    con.execute("""INSERT INTO runs (run_id, started_at, flow_run_id, status, config_digest)
                   VALUES (?, ?, ?, 'running', ?)""", [run_id, now, flow_run_id, config_digest])


def last_config_digest(con: duckdb.DuckDBPyConnection) -> str | None:
    """The config digest of the latest run that registered one (see `start_run`)."""
    row = con.execute("""SELECT config_digest FROM runs WHERE config_digest IS NOT NULL
                         ORDER BY started_at DESC LIMIT 1""").fetchone()
    return str(row[0]) if row else None


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, summary: dict[str, Any]) -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = 'completed', summary = ? WHERE run_id = ?",
                [now, json.dumps(summary, default=str), run_id])


def load_states(con: duckdb.DuckDBPyConnection, urls: Sequence[str], bodies: bool = True) -> dict[str, ArticleState]:
    """Each article's state before the pass, with its version history and current text (without
    the current body, None, when not `bodies`)."""
    # Both sides narrowed to the due URLs before the join: joined whole, the versions side (every
    # stored body) made the hash table hundreds of MB on a warehouse with a year of history.
    rows = con.execute(f"""
        WITH due AS (SELECT unnest(?::VARCHAR[]) AS url),
             a AS (SELECT url, portal, source, status, current_hash, current_meta_hash, removal_strikes, relevant,
                          first_seen, published, last_changed, consecutive_errors, etag, last_modified
                   FROM articles WHERE url IN (SELECT url FROM due)),
             v AS (SELECT article_url, content_hash, version_id, title, {"body" if bodies else "NULL AS body"}
                   FROM versions WHERE article_url IN (SELECT url FROM due))
        SELECT a.url, a.portal, a.source, a.status, a.current_hash, a.current_meta_hash,
               a.removal_strikes, a.relevant, a.first_seen, a.published, a.last_changed,
               a.consecutive_errors, a.etag, a.last_modified, v.title, v.body
        FROM a LEFT JOIN v ON v.article_url = a.url AND v.content_hash = a.current_hash
        QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY v.version_id DESC) = 1""",
                       [list(urls)]).fetchall()
    history: dict[str, list[str]] = collections.defaultdict(list)
    for url, digest in con.execute("""SELECT article_url, content_hash FROM versions
                                      WHERE article_url IN (SELECT unnest(?::VARCHAR[]))
                                      ORDER BY version_id""", [list(urls)]).fetchall():
        history[url].append(digest)
    states = {}
    for (url, portal, source, status, current, meta, strikes, relevant, first_seen, published,
         last_changed, errors, etag, last_modified, title, body) in rows:
        states[url] = ArticleState(
            url=url, portal=portal, source=source, status=status, current_hash=current,
            current_meta_hash=meta, history=tuple(history[url]),
            current_body=tuple(body.split("\n\n")) if body is not None else None,
            current_title=title, removal_strikes=strikes or 0, relevant=relevant,
            first_seen=first_seen, published=published, last_changed=last_changed,
            consecutive_errors=errors or 0, etag=etag, last_modified=last_modified)
    return states


def record_checks(con: duckdb.DuckDBPyConnection, run_id: str, results: Sequence[CheckResult],
                  now: dt.datetime, policy: PassPolicy) -> PassResult:
    """Write one pass's checks in ONE transaction (see the module docstring). Every decision is made
    on the state read inside it, so on a lake a transaction that lost to another writer is simply
    judged and written again on the newer snapshot (what the other pass stored counts)."""
    def attempt() -> PassResult:
        absorbed = identity.absorb_checks(con, results, now, run_id)
        writer = _PassWriter(con, run_id, now, policy)
        writer.judge_all(absorbed.results)
        for keep, gone in absorbed.merges:
            writer.outcome.events.append(("merged", keep, f"one article with {gone}"))
        for extra in absorbed.extra:  # a second check of one article: its fetches are kept
            writer.fetch_rows(extra)
        writer.write(absorbed.results)
        return writer.outcome

    outcome = write(con, attempt)
    _fill_fragments_once(con, policy.language)
    if policy.stories is not None and policy.stories.enabled:
        stories.group_pass_safely(con, run_id, now, policy.stories, policy.language)
    return outcome


FILL_MEMORY_LIMIT = "64MB"  # DuckDB's memory while the diffs of a year's edits are filled (once)


def _fill_fragments_once(con: duckdb.DuckDBPyConnection, lang: Language) -> None:
    """The report's diff fragments of the edits stored before this renderer (once: a warehouse that
    predates them, a new version of beritawatch, another language); a failure only costs the report time."""
    try:
        if not fragments.filled(con, lang):
            done = with_memory_cap(con, FILL_MEMORY_LIMIT, lambda: fragments.fill(con, lang))
            logging.getLogger(__name__).info("diff fragments filled for %d stored edits", done)
    except duckdb.Error as exc:
        logging.getLogger(__name__).warning("diff fragments not filled: %s", exc)


class _PassWriter:
    """Collects one pass's rows, then inserts them table by table (batched)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime,
                 policy: PassPolicy) -> None:
        self.con, self.run_id, self.now, self.policy = con, run_id, now, policy
        self.outcome = PassResult()
        self.rules = Rules(run_id, policy.topics, policy.alert_minor_edits, policy.language)
        self.states: dict[str, ArticleState] = {}
        self.verdicts: dict[str, Verdict] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = collections.defaultdict(list)
        row = con.execute("SELECT coalesce(max(version_id), 0) + 1 FROM versions").fetchone()
        self.next_version_id = int(row[0]) if row else 1
        self.last_version: tuple[int, str | None, str] = (0, None, "")  # id, title and body of the latest version

    def judge_all(self, results: Sequence[CheckResult]) -> None:
        # The current bodies only of the articles whose check found other content (an unchanged
        # article's judgement never reads it): on a warm pass, none.
        states = load_states(self.con, [r.due.url for r in results], bodies=False)
        differ = [r.due.url for r in results if _other_content(r, states.get(r.due.url))]
        self.states = {**states, **load_states(self.con, differ)} if differ else states
        portals: dict[str, str] = {}
        passes: dict[str, PortalPass] = {}
        for result in results:
            url = result.due.url
            state = self.states.get(url) or ArticleState(url=url, portal=result.due.portal)
            verdict = judge(result, state)
            self.verdicts[url] = verdict
            portal = state.portal or result.due.portal or "unknown"
            portals[url] = portal
            passes[portal] = passes.get(portal, PortalPass()).add(result, verdict)
        health = portal_health(passes, self._broken_last_pass(), self.run_id)
        for event in health.events:
            self._event(event.kind, None, dict(event.detail), portal=event.portal)
        for alert in health.alerts:
            self._alert(alert)
        self.verdicts = hold_broken_portals(self.verdicts, portals, health.broken)

    def _broken_last_pass(self) -> set[str]:
        """Portals that already had a health event in the latest completed pass."""
        return {row[0] for row in self.con.execute("""
            SELECT DISTINCT portal FROM events WHERE kind = 'portal_health' AND run_id = (
                SELECT run_id FROM runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1)
        """).fetchall()}

    def write(self, results: Sequence[CheckResult]) -> None:
        for result in results:
            self._record(result)
        for table, columns in (("fetches", FETCH_COLUMNS), ("versions", VERSION_COLUMNS),
                               ("version_pages", PAGE_COLUMNS), ("edit_records", EDIT_COLUMNS),
                               ("events", EVENT_COLUMNS), ("diff_fragments", fragments.FRAGMENT_COLUMNS)):
            insert_rows(self.con, table, columns, self.rows[table])
        if self.rows["alerts"]:
            self.con.execute("""CREATE TEMP TABLE IF NOT EXISTS _alerts_in AS SELECT
                dedupe_key, kind, created_at, run_id, article_url, payload FROM alerts LIMIT 0""")
            self.con.execute("DELETE FROM _alerts_in")
            insert_rows(self.con, "_alerts_in", ALERT_COLUMNS, self.rows["alerts"])
            # An alert already written (by an earlier pass, or another worker's) is never duplicated.
            insert_select(self.con, "alerts", "dedupe_key, kind, created_at, run_id, article_url, payload",
                          """SELECT * FROM _alerts_in i WHERE NOT EXISTS
                             (SELECT 1 FROM alerts a WHERE a.dedupe_key = i.dedupe_key)
                             QUALIFY row_number() OVER (PARTITION BY dedupe_key) = 1""")
        _update_articles(self.con, self.rows["article_updates"])

    def fetch_rows(self, result: CheckResult) -> None:
        for fetch in result.fetches:
            self.rows["fetches"].append(FetchRow(
                run_id=self.run_id, article_url=result.due.url, url=fetch.url, requested_at=fetch.requested_at,
                status_code=fetch.status_code, outcome=fetch.outcome, elapsed_ms=fetch.elapsed_ms, bytes=fetch.size,
                etag=fetch.etag, last_modified=fetch.last_modified, final_url=fetch.final_url,
                redirects=list(fetch.redirects), error=fetch.error))

    # -- one result --------------------------------------------------------------------------
    def _record(self, result: CheckResult) -> None:
        """Decide what the check means (`beritawatch.decide`), then turn the decision into rows."""
        url = result.due.url
        state = self.states.get(url) or ArticleState(url=url, portal=result.due.portal)
        decision = decide(result, state, self.verdicts[url], self.rules)
        _tally(self.outcome.portal(state.portal or result.due.portal), result, decision)
        self.fetch_rows(result)
        for event in decision.events:
            self._event(event.kind, event.url, dict(event.detail), portal=event.portal)
        if decision.new_version:
            version_id = self._version(url, result, self.verdicts[url])
            if decision.edit is not None:
                self._edit(url, state, version_id, decision.edit)
        if decision.kind == FIRST and result.article is not None and decision.update.relevance is not None:
            self.outcome.new_articles.append((url, result.article.title, decision.update.relevance.relevant))
        if decision.failure is not None:
            failure = decision.failure
            self.outcome.failures.append((failure.url, failure.outcome, failure.error))
        for alert in decision.alerts:
            self._alert(alert, url)
        self.rows["article_updates"].append(self._article_row(url, state, decision))

    def _article_row(self, url: str, state: ArticleState, decision: Decision) -> ArticleUpdateRow:
        update, relevance = decision.update, decision.update.relevance
        due_at = self.policy.next_check(state, update.changed, update.consecutive_errors, update.removal_suspected)
        return ArticleUpdateRow(
            url=url, status=update.status, active=update.active, current_hash=update.current_hash,
            current_meta_hash=update.current_meta_hash, etag=update.etag, last_modified=update.last_modified,
            last_checked=self.now, last_changed=self.now if update.changed else None, next_check=due_at,
            consecutive_errors=update.consecutive_errors, removal_strikes=update.removal_strikes,
            title=update.title, published=update.published,
            relevance=relevance.score if relevance else None, relevant=relevance.relevant if relevance else None,
            relevance_evidence=json.dumps(_evidence_json(relevance), ensure_ascii=False) if relevance else None)

    def _version(self, url: str, result: CheckResult, verdict: Verdict) -> int:
        article = result.article
        assert article is not None
        version_id = self.next_version_id
        self.next_version_id += 1
        body = "\n\n".join(article.body)
        self.last_version = (version_id, article.title, body)  # for the edit's diff fragment
        self.rows["versions"].append(VersionRow(
            version_id=version_id, article_url=url, run_id=self.run_id, seen_at=self.now,
            content_hash=verdict.content_hash, meta_hash=verdict.meta_hash, title=article.title,
            authors=list(article.authors), editors=list(article.editors), published=article.published,
            updated=article.updated, body=body, paragraphs=len(article.body),
            body_chars=sum(len(p) for p in article.body), page_url=article.url,
            parser="generic" if article.fallback else article.portal, paywalled=article.paywalled))
        for seq, (page_url, html) in enumerate(result.raw_pages()):
            codec, packed = compress.encode(self.con, page_url, html)
            self.rows["version_pages"].append(PageRow(version_id, seq, page_url, codec, packed))
        return version_id

    def _edit(self, url: str, state: ArticleState, new_version_id: int, note: EditNote) -> None:
        record = note.record
        self.outcome.edits.append((url, record.kind, note.summary))
        old_version_id = self._current_version_id(url, state.current_hash)
        self.rows["edit_records"].append(EditRow(
            article_url=url, run_id=self.run_id, detected_at=self.now,
            old_version_id=old_version_id, new_version_id=new_version_id,
            kind=record.kind, title_changed=record.title_changed is not None, lede_changed=record.lede_changed,
            numbers_changed=record.numbers_changed, change_ratio=record.change_ratio, added=list(record.added),
            removed=list(record.removed),
            changed=json.dumps([c.to_json() for c in record.changed], ensure_ascii=False), summary=note.summary,
            topic_score=note.topic_score, topic_terms=list(note.terms),
            record=json.dumps(record.to_json(), ensure_ascii=False)))
        self._fragment(old_version_id, new_version_id, state)

    def _fragment(self, old_version_id: int, new_version_id: int, state: ArticleState) -> None:
        """The edit's body diff as the report shows it, rendered once here (beritawatch.report.fragments)."""
        stored_id, new_title, new_body = self.last_version
        if not old_version_id or state.current_body is None or stored_id != new_version_id:
            return  # the report renders this one itself
        try:
            self.rows["diff_fragments"].append(fragments.row_for_edit(
                old_version_id, new_version_id, (state.current_title, "\n\n".join(state.current_body)),
                (new_title, new_body), self.policy.language))
        except Exception:  # noqa: BLE001 - never lose a pass over the report's cache
            logging.getLogger(__name__).exception("diff fragment of %s not rendered", state.url)

    def _current_version_id(self, url: str, digest: str | None) -> int:
        row = self.con.execute("""SELECT max(version_id) FROM versions
                                  WHERE article_url = ? AND content_hash = ?""", [url, digest]).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _event(self, kind: str, url: str | None, detail: dict[str, Any], portal: str | None = None) -> None:
        if portal is None and url is not None:
            state = self.states.get(url)
            portal = state.portal if state else None
        self.rows["events"].append(EventRow(self.run_id, self.now, kind, portal, url,
                                            json.dumps(detail, ensure_ascii=False, default=str)))
        self.outcome.events.append((kind, url or portal, str(detail.get("reason") or detail.get("message") or "")))

    def _alert(self, alert: Alert, url: str | None = None) -> None:
        self.rows["alerts"].append(AlertRow(alert.dedupe_key, alert.kind, self.now, self.run_id, url, alert.dumps()))
        self.outcome.alerts += 1


def _other_content(result: CheckResult, state: ArticleState | None) -> bool:
    """Whether a check parsed content other than the article's current version (or may have)."""
    if result.outcome != PARSED or state is None or state.current_hash is None:
        return False
    return result.content_hash is None or result.content_hash != state.current_hash


def _tally(counts: PortalCounts, result: CheckResult, decision: Decision) -> None:
    """Count one check in its portal's line of the pass summary."""
    kind = decision.kind
    counts.checked += 1
    counts.outcomes[result.outcome] += 1
    counts.fetched += decision.fetched
    counts.unchanged += kind == UNCHANGED
    counts.new_articles += kind == FIRST
    counts.new_versions += kind == EDIT
    counts.reverts += kind == REVERT
    counts.held += kind == HELD
    counts.errors += kind in (COLLAPSE, FAILED)
    counts.removed += decision.removed


def _evidence_json(score: Score) -> dict[str, Any]:
    return {"topic": score.topic, "score": score.score, "relevant": score.relevant,
            "evidence": [{"zone": e.zone, "sentence": e.text[:300],
                          "terms": sorted({m.text for m in e.matches})} for e in score.evidence[:10]]}


def _update_articles(con: duckdb.DuckDBPyConnection, updates: Sequence[tuple[Any, ...]]) -> None:
    if not updates:
        return
    columns = ", ".join(f"{name} {sqltype}" for name, sqltype in ARTICLE_UPDATE_COLUMNS)
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS _article_updates ({columns})")
    con.execute("DELETE FROM _article_updates")
    insert_rows(con, "_article_updates", ARTICLE_UPDATE_COLUMNS, updates)
    con.execute("""UPDATE articles AS a SET
            status = u.status, active = u.active, current_hash = u.current_hash,
            current_meta_hash = u.current_meta_hash, etag = u.etag, last_modified = u.last_modified,
            last_checked = u.last_checked, last_changed = coalesce(u.last_changed, a.last_changed),
            next_check = u.next_check, consecutive_errors = u.consecutive_errors,
            removal_strikes = u.removal_strikes,
            title = coalesce(u.title, a.title), published = coalesce(u.published, a.published),
            relevance = coalesce(u.relevance, a.relevance), relevant = coalesce(u.relevant, a.relevant),
            relevance_evidence = coalesce(u.relevance_evidence, a.relevance_evidence)
        FROM _article_updates u WHERE a.url = u.url""")
