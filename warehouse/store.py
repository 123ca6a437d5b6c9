"""Reading and writing the warehouse: tracked articles, what is due, and one pass's results.

`record_checks` is the heart: one transaction per pass writes every fetch, the new versions with
their raw pages, edit records, events (reverts, collapses, takedowns, portal health), article
state, and the alerts those cause (the outbox). Either all of a pass is stored or none of it.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import duckdb

from beritawatch.alerts.model import Alert, AlertKind, ChangedPair
from beritawatch.changes import VersionText, diff_versions, is_portal_breakage
from beritawatch.check import FETCH_FAILED, PARSED, CheckResult, DueArticle, is_media
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from beritawatch.relevance import Score, Topic, score_article, score_edit
from beritawatch.stories.settings import StorySettings
from beritawatch.urls import article_key
from beritawatch.verdict import (
    COLLAPSE,
    EDIT,
    FAILED,
    FIRST,
    HELD,
    REMOVAL_CONFIRMATIONS,
    REVERT,
    UNCHANGED,
    ArticleState,
    Verdict,
    hold_broken_portals,
    judge,
)
from warehouse import compress, identity, stories
from warehouse.db import insert_rows, transaction

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


def url_key(url: str) -> str:
    """A short stable id of a URL, for alert dedupe keys."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


def track(con: duckdb.DuckDBPyConnection, articles: Iterable[tuple[str, str | None]], source: str,
          now: dt.datetime, also_seen: Iterable[str] = ()) -> list[str]:
    """Add (url, portal) pairs whose identity is not yet known; return the URLs that were new.
    Every URL (and each of `also_seen`) is recorded as an alias (see `warehouse.identity`)."""
    return identity.track(con, articles, source, now, also_seen)


def alert_key(url: str) -> str:
    """The article's part of an alert dedupe key: its identity, so a twin or a moved address of
    an article never gets a second alert."""
    return url_key(article_key(url))


def due_articles(con: duckdb.DuckDBPyConnection, now: dt.datetime, *, every_pass: bool,
                 limit: int, only_new: bool = False) -> list[DueArticle]:
    """Active articles whose next check has come (all active ones with every_pass), most overdue
    first, at most `limit`: the per-pass budget that keeps a pass's length bounded.
    `only_new`: just the articles never checked yet (a discovery-only pass)."""
    params: list[object] = []
    if only_new:
        where = "active AND last_checked IS NULL"
    elif every_pass:
        where = "active"
    else:
        where, params = "active AND (next_check IS NULL OR next_check <= ?)", [now]
    rows = con.execute(
        f"""SELECT url, portal, etag, last_modified, current_hash FROM articles WHERE {where}
            ORDER BY next_check NULLS FIRST, url LIMIT ?""", [*params, limit]).fetchall()
    return [DueArticle(*row) for row in rows]


STALE_RUN = dt.timedelta(hours=3)  # a pass still "running" after this long was killed


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, flow_run_id: str | None) -> None:
    """Open a run; passes left 'running' long ago (killed) are marked crashed."""
    con.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running' AND started_at < ?",
                [now - STALE_RUN])
    con.execute("INSERT INTO runs (run_id, started_at, flow_run_id, status) VALUES (?, ?, ?, 'running')",
                [run_id, now, flow_run_id])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime, summary: dict[str, Any]) -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = 'completed', summary = ? WHERE run_id = ?",
                [now, json.dumps(summary, default=str), run_id])


def load_states(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, ArticleState]:
    """Each article's state before the pass, with its version history and current text."""
    rows = con.execute("""
        SELECT a.url, a.portal, a.source, a.status, a.current_hash, a.current_meta_hash,
               a.removal_strikes, a.relevant, a.first_seen, a.published, a.last_changed,
               a.consecutive_errors, a.etag, a.last_modified, v.title, v.body
        FROM articles a
        LEFT JOIN versions v ON v.article_url = a.url AND v.content_hash = a.current_hash
        WHERE a.url IN (SELECT unnest(?::VARCHAR[]))
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
    """Write one pass's checks in ONE transaction (see the module docstring)."""
    with transaction(con):
        absorbed = identity.absorb_checks(con, results, now, run_id)
        writer = _PassWriter(con, run_id, now, policy)
        writer.judge_all(absorbed.results)
        for keep, gone in absorbed.merges:
            writer.outcome.events.append(("merged", keep, f"one article with {gone}"))
        for extra in absorbed.extra:  # a second check of one article: its fetches are kept
            writer.fetch_rows(extra)
        writer.write(absorbed.results)
    if policy.stories is not None and policy.stories.enabled:
        stories.group_pass_safely(con, run_id, now, policy.stories, policy.language)
    return writer.outcome


class _PassWriter:
    """Collects one pass's rows, then inserts them table by table (batched)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str, now: dt.datetime,
                 policy: PassPolicy) -> None:
        self.con, self.run_id, self.now, self.policy = con, run_id, now, policy
        self.outcome = PassResult()
        self.states: dict[str, ArticleState] = {}
        self.verdicts: dict[str, Verdict] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = collections.defaultdict(list)
        row = con.execute("SELECT coalesce(max(version_id), 0) + 1 FROM versions").fetchone()
        if row is None:  # an aggregate always answers one row
            raise RuntimeError("could not read the next version id from versions")
        self.next_version_id = int(row[0])

    def judge_all(self, results: Sequence[CheckResult]) -> None:
        self.states = load_states(self.con, [r.due.url for r in results])
        portals: dict[str, str] = {}
        per_portal: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])  # checked, changed, failed
        for result in results:
            url = result.due.url
            state = self.states.get(url) or ArticleState(url=url, portal=result.due.portal)
            verdict = judge(result, state)
            self.verdicts[url] = verdict
            portal = state.portal or result.due.portal or "unknown"
            portals[url] = portal
            counts = per_portal[portal]
            counts[0] += 1
            if verdict.kind == EDIT:
                counts[1] += 1
            elif verdict.kind == COLLAPSE or (verdict.kind == FAILED and result.outcome != FETCH_FAILED):
                counts[2] += 1
        broken = [p for p, (checked, changed, failed) in per_portal.items()
                  if is_portal_breakage(changed, failed, checked)]
        still_broken = self._broken_last_pass()
        for portal in broken:
            checked, changed, failed = per_portal[portal]
            message = (f"{changed} of {checked} articles changed and {failed} failed to parse in one "
                       f"pass: the template probably changed. Changes are held back, not alerted.")
            self._event("portal_health", None, {"checked": checked, "changed": changed,
                                                "failed": failed, "message": message}, portal=portal)
            if portal not in still_broken:  # one alert per outage, not one per pass
                self._alert(Alert(kind="health", dedupe_key=f"health:{portal}:{self.run_id}"[:256],
                                  portal=portal, summary=message))
        self.verdicts = hold_broken_portals(self.verdicts, portals, broken)

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
                               ("events", EVENT_COLUMNS)):
            insert_rows(self.con, table, columns, self.rows[table])
        if self.rows["alerts"]:
            self.con.execute("CREATE TEMP TABLE IF NOT EXISTS _alerts_in AS SELECT dedupe_key, kind, created_at, "
                             "run_id, article_url, payload FROM alerts LIMIT 0")
            self.con.execute("DELETE FROM _alerts_in")
            insert_rows(self.con, "_alerts_in", ALERT_COLUMNS, self.rows["alerts"])
            # ON CONFLICT DO NOTHING: an alert already written (by an earlier pass) is never duplicated.
            self.con.execute("""INSERT INTO alerts (dedupe_key, kind, created_at, run_id, article_url, payload)
                                SELECT * FROM _alerts_in ON CONFLICT (dedupe_key) DO NOTHING""")
        _update_articles(self.con, self.rows["article_updates"])

    def fetch_rows(self, result: CheckResult) -> None:
        for fetch in result.fetches:
            self.rows["fetches"].append((
                self.run_id, result.due.url, fetch.url, fetch.requested_at, fetch.status_code, fetch.outcome,
                fetch.elapsed_ms, fetch.size, fetch.etag, fetch.last_modified, fetch.final_url,
                list(fetch.redirects), fetch.error))

    # -- one result --------------------------------------------------------------------------
    def _record(self, result: CheckResult) -> None:
        url = result.due.url
        state = self.states.get(url) or ArticleState(url=url, portal=result.due.portal)
        verdict = self.verdicts[url]
        counts = self.outcome.portal(state.portal or result.due.portal)
        counts.checked += 1
        counts.outcomes[result.outcome] += 1
        self.fetch_rows(result)

        article = result.article if result.outcome == PARSED else None
        current_hash, meta_hash = state.current_hash, state.current_meta_hash
        etag, last_modified = state.etag, state.last_modified
        status = "ok"
        errors, strikes, changed = 0, 0, False
        relevance: Score | None = None
        if article is not None and result.page_count == 1:
            etag, last_modified = result.first_fetch.etag, result.first_fetch.last_modified
        elif article is not None:
            etag = last_modified = None  # page 1 answering 304 says nothing about pages 2..N

        if verdict.restored:
            self._event("restored", url, {"reason": "the article answers again"})
            self._article_alert("restored", state, article, "Artikel dapat diakses kembali.")
        kind = verdict.kind
        if kind == UNCHANGED:
            counts.unchanged += 1
            counts.fetched += article is not None
            meta_hash = verdict.meta_hash or meta_hash
            if verdict.meta_changed:
                self._event("meta_change", url, {"note": "byline or dates changed, text did not"})
        elif kind == FIRST:
            counts.fetched += 1
            counts.new_articles += 1
            assert article is not None
            self._version(url, result, verdict)
            relevance = score_article(article.title, article.body, self.policy.topics)
            self.outcome.new_articles.append((url, article.title, relevance.relevant))
            if relevance.relevant:
                self._article_alert("new", state, article, _lede(article.body), relevance=relevance)
            current_hash, meta_hash, changed = verdict.content_hash, verdict.meta_hash, True
        elif kind == EDIT:
            counts.fetched += 1
            counts.new_versions += 1
            self._edit(url, state, result, verdict)
            current_hash, meta_hash, changed = verdict.content_hash, verdict.meta_hash, True
        elif kind == REVERT:
            counts.fetched += 1
            counts.reverts += 1
            self._event("revert", url, {"to_hash": verdict.content_hash, "from_hash": state.current_hash})
            current_hash, meta_hash, changed = verdict.content_hash, verdict.meta_hash, True
        elif kind in (COLLAPSE, HELD):
            counts.held += kind == HELD
            counts.errors += kind == COLLAPSE
            etag = last_modified = None  # fetch it whole again next time
            if kind == COLLAPSE:
                self._event("collapse", url, {"error": verdict.error})
                self.outcome.failures.append((url, "extraction_collapse", verdict.error or ""))
        else:  # FAILED
            counts.errors += 1
            errors = state.consecutive_errors + 1
            failed = result.fetches[-1]
            name = failed.outcome if result.outcome == FETCH_FAILED else result.outcome
            self.outcome.failures.append((url, name, result.error or ""))
            status = "removed" if state.status == "removed" else "error"
            strikes = state.removal_strikes
            if verdict.removal_reason:
                strikes = state.removal_strikes + 1
                if state.status == "removed":
                    strikes = max(strikes, REMOVAL_CONFIRMATIONS)
                elif strikes >= REMOVAL_CONFIRMATIONS:
                    status = "removed"
                    counts.removed += 1
                    self._event("removed", url, {"reason": verdict.removal_reason, "checks": strikes})
                    self._article_alert("removed", state, None,
                                        f"Artikel tidak dapat diakses lagi ({verdict.removal_reason}).")
                else:
                    status = "removal_suspected"
                    self._event("removal_suspected", url, {"reason": verdict.removal_reason})
        suspected = status == "removal_suspected"
        due_at = self.policy.next_check(state, changed, errors, suspected)
        active = True
        if state.source == "discover" and relevance is not None and not relevance.relevant:
            active = False  # recorded with its score, dropped from revisits
        if state.source == "discover" and is_media(result):
            active = False  # a discovered video or web story is never news: not revisited
        self.rows["article_updates"].append((
            url, status, active, current_hash, meta_hash, etag, last_modified, self.now,
            self.now if changed else None, due_at, errors, strikes,
            article.title if article is not None and kind in (FIRST, EDIT, UNCHANGED, REVERT) else None,
            article.published if article is not None else None,
            relevance.score if relevance else None, relevance.relevant if relevance else None,
            json.dumps(_evidence_json(relevance), ensure_ascii=False) if relevance else None))

    def _version(self, url: str, result: CheckResult, verdict: Verdict) -> int:
        article = result.article
        assert article is not None
        version_id = self.next_version_id
        self.next_version_id += 1
        self.rows["versions"].append((
            version_id, url, self.run_id, self.now, verdict.content_hash, verdict.meta_hash,
            article.title, list(article.authors), list(article.editors), article.published,
            article.updated, "\n\n".join(article.body), len(article.body),
            sum(len(p) for p in article.body), article.url,
            "generic" if article.fallback else article.portal, article.paywalled))
        for seq, (page_url, html) in enumerate(result.raw_pages()):
            self.rows["version_pages"].append((version_id, seq, page_url, *compress.encode(self.con, page_url, html)))
        return version_id

    def _edit(self, url: str, state: ArticleState, result: CheckResult, verdict: Verdict) -> None:
        article = result.article
        assert article is not None
        old_version_id = self._current_version_id(url, state.current_hash)
        new_version_id = self._version(url, result, verdict)
        old = VersionText(state.current_title or "", state.current_body or ())
        record = diff_versions(old, VersionText.from_article(article))
        if record is None:
            return
        topics = self.policy.topics
        article_score = score_article(article.title, article.body, topics)
        topic = score_edit(score_article(old.title, old.body, topics), article_score, topics)
        terms = sorted({m.term for e in topic.evidence for m in e.matches})
        summary = record.summary()
        self.outcome.edits.append((url, record.kind, summary))
        self.rows["edit_records"].append((
            url, self.run_id, self.now, old_version_id, new_version_id, record.kind,
            record.title_changed is not None, record.lede_changed, record.numbers_changed,
            record.change_ratio, list(record.added), list(record.removed),
            json.dumps([c.to_json() for c in record.changed], ensure_ascii=False), summary,
            topic.score, terms, json.dumps(record.to_json(), ensure_ascii=False)))
        if state.interesting and (record.kind != "minor" or self.policy.alert_minor_edits):
            self._alert(Alert(
                kind="edit", dedupe_key=f"edit:{alert_key(url)}:{verdict.content_hash}"[:256],
                portal=state.portal or article.portal, url=url, title=article.title,
                published=article.published, summary=record.describe(self.policy.language), added=record.added,
                removed=record.removed, changed=tuple(ChangedPair(c.old, c.new) for c in record.changed),
                edit_kind=record.kind, relevance=topic.score, article_relevance=article_score.score,
                matched_terms=tuple(terms)), url)

    def _current_version_id(self, url: str, digest: str | None) -> int:
        row = self.con.execute("""SELECT max(version_id) FROM versions
                                  WHERE article_url = ? AND content_hash = ?""", [url, digest]).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _event(self, kind: str, url: str | None, detail: dict[str, Any], portal: str | None = None) -> None:
        if portal is None and url is not None:
            state = self.states.get(url)
            portal = state.portal if state else None
        self.rows["events"].append((self.run_id, self.now, kind, portal, url,
                                    json.dumps(detail, ensure_ascii=False, default=str)))
        self.outcome.events.append((kind, url or portal, str(detail.get("reason") or detail.get("message") or "")))

    def _article_alert(self, kind: AlertKind, state: ArticleState, article: Any, summary: str,
                       relevance: Score | None = None) -> None:
        if kind != "new" and not state.interesting:
            return
        url = state.url
        # removed/restored can happen more than once in an article's life: key them by pass.
        suffix = "" if kind == "new" else f":{self.run_id}"
        terms = tuple(sorted({m.term for e in relevance.evidence for m in e.matches})) if relevance else ()
        self._alert(Alert(
            kind=kind, dedupe_key=f"{kind}:{alert_key(url)}{suffix}"[:256], portal=state.portal or "",
            url=url, title=(article.title if article is not None else state.current_title) or "",
            published=article.published if article is not None else state.published,
            summary=summary, relevance=relevance.score if relevance else None, matched_terms=terms), url)

    def _alert(self, alert: Alert, url: str | None = None) -> None:
        self.rows["alerts"].append((alert.dedupe_key, alert.kind, self.now, self.run_id, url, alert.dumps()))
        self.outcome.alerts += 1


def _lede(body: Sequence[str], limit: int = 400) -> str:
    text = body[0] if body else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
