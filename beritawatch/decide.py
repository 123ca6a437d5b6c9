"""What a judged check leads to: a new version or not, the edit record, events, alerts with their
text, and the article's next state. Pure: no database, no clock, no I/O.

`verdict.judge` says what kind of check it was (edit, revert, failure ...); `decide` turns that
verdict, the check result and the article's prior state into a `Decision` that the warehouse
writes as rows (`warehouse.store`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from beritawatch.alerts.model import Alert, AlertKind, ChangedPair
from beritawatch.changes import EditRecord, VersionText, diff_versions, is_portal_breakage
from beritawatch.check import FETCH_FAILED, PARSED, CheckResult, is_media
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from beritawatch.relevance import Score, Topic, score_article, score_edit
from beritawatch.urls import article_key, url_key
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
)
from parsers import Article

RESTORED_TEXT = "Artikel dapat diakses kembali."
REMOVED_TEXT = "Artikel tidak dapat diakses lagi ({reason})."
LEDE_CHARS = 400
_TEXT_KINDS = (FIRST, EDIT, UNCHANGED, REVERT)  # checks whose parsed title is the article's title


@dataclasses.dataclass(frozen=True, slots=True)
class Rules:
    """What deciding needs besides the check: topics, alerting rules, and the pass (for keys)."""

    run_id: str
    topics: Sequence[Topic] = ()
    alert_minor_edits: bool = False
    language: Language = DEFAULT_LANGUAGE  # of the edit summaries alerts carry


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to an article (or a portal), as the events table records it."""

    kind: str  # restored, meta_change, revert, collapse, removal_suspected, removed, portal_health
    detail: Mapping[str, Any]
    url: str | None = None
    portal: str | None = None  # None: the article's portal

    @property
    def text(self) -> str:
        """The one line a pass summary shows."""
        return str(self.detail.get("reason") or self.detail.get("message") or "")


@dataclasses.dataclass(frozen=True, slots=True)
class EditNote:
    """An edit between the current version and the new one, with its topic score."""

    record: EditRecord
    summary: str
    topic_score: float
    terms: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Failure:
    """A check that went wrong, for the pass summary."""

    url: str
    outcome: str
    error: str


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleUpdate:
    """The article's state after the check (its next check date is the schedule's business)."""

    status: str  # ok, error, removal_suspected, removed
    active: bool
    current_hash: str | None
    current_meta_hash: str | None
    etag: str | None
    last_modified: str | None
    changed: bool  # the current version changed (first, edit, revert)
    consecutive_errors: int
    removal_strikes: int
    title: str | None
    published: dt.datetime | None
    relevance: Score | None  # scored on a first version only

    @property
    def removal_suspected(self) -> bool:
        return self.status == "removal_suspected"


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """Everything one check leads to."""

    url: str
    kind: str  # the verdict kind
    fetched: bool  # a page was parsed into this article
    new_version: bool  # store the parsed article as a new version (first or edit)
    edit: EditNote | None  # an edit record to store (None also when the edit normalizes away)
    failure: Failure | None
    removed: bool  # the takedown was confirmed by this check
    events: tuple[Event, ...]
    alerts: tuple[Alert, ...]
    update: ArticleUpdate


def decide(result: CheckResult, state: ArticleState, verdict: Verdict, rules: Rules) -> Decision:
    """What `result` (judged as `verdict`) means for an article whose prior state is `state`."""
    draft = _Draft.start(result, state, verdict, rules)
    if verdict.restored:
        draft.event("restored", {"reason": "the article answers again"})
        draft.article_alert("restored", RESTORED_TEXT)
    _BY_KIND[verdict.kind](draft)
    return draft.finish()


@dataclasses.dataclass(frozen=True, slots=True)
class PortalPass:
    """One portal's checks in this pass, as the breakage rule counts them."""

    checked: int = 0
    changed: int = 0  # edits
    failed: int = 0  # collapses and unreadable pages (not fetch errors: those are the network's)

    def add(self, result: CheckResult, verdict: Verdict) -> PortalPass:
        changed = verdict.kind == EDIT
        failed = verdict.kind == COLLAPSE or (verdict.kind == FAILED and result.outcome != FETCH_FAILED)
        return PortalPass(self.checked + 1, self.changed + changed, self.failed + failed)


@dataclasses.dataclass(frozen=True, slots=True)
class PortalHealth:
    """The portals that look broken this pass, with their events and (new outages only) alerts."""

    broken: tuple[str, ...]
    events: tuple[Event, ...]
    alerts: tuple[Alert, ...]


def portal_health(passes: Mapping[str, PortalPass], broken_last_pass: Collection[str], run_id: str) -> PortalHealth:
    """Which portals look like a template change rather than news (`changes.is_portal_breakage`):
    an event each, and one alert per outage (none when the portal was already broken last pass)."""
    broken = tuple(p for p, n in passes.items() if is_portal_breakage(n.changed, n.failed, n.checked))
    events: list[Event] = []
    alerts: list[Alert] = []
    for portal in broken:
        n = passes[portal]
        message = (f"{n.changed} of {n.checked} articles changed and {n.failed} failed to parse in one "
                   f"pass: the template probably changed. Changes are held back, not alerted.")
        events.append(Event("portal_health", {"checked": n.checked, "changed": n.changed, "failed": n.failed,
                                              "message": message}, portal=portal))
        if portal not in broken_last_pass:
            alerts.append(Alert(kind="health", dedupe_key=f"health:{portal}:{run_id}"[:256], portal=portal,
                                summary=message))
    return PortalHealth(broken, tuple(events), tuple(alerts))


def alert_key(url: str) -> str:
    """The article's part of an alert dedupe key: its identity, so a twin or a moved address of
    an article never gets a second alert."""
    return url_key(article_key(url))


def lede(body: Sequence[str], limit: int = LEDE_CHARS) -> str:
    """The first paragraph, cut to `limit` characters: the text of a "new article" alert."""
    text = body[0] if body else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def matched_terms(score: Score) -> tuple[str, ...]:
    """The topic terms a score's evidence matched, sorted."""
    return tuple(sorted({m.term for e in score.evidence for m in e.matches}))


@dataclasses.dataclass(slots=True)
class _Draft:
    """The decision while it is being made (mutable; `finish` freezes it)."""

    result: CheckResult
    state: ArticleState
    verdict: Verdict
    rules: Rules
    article: Article | None
    current_hash: str | None
    meta_hash: str | None
    etag: str | None
    last_modified: str | None
    status: str = "ok"
    errors: int = 0
    strikes: int = 0
    changed: bool = False
    fetched: bool = False
    new_version: bool = False
    removed: bool = False
    relevance: Score | None = None
    edit: EditNote | None = None
    failure: Failure | None = None
    events: list[Event] = dataclasses.field(default_factory=list)
    alerts: list[Alert] = dataclasses.field(default_factory=list)

    @classmethod
    def start(cls, result: CheckResult, state: ArticleState, verdict: Verdict, rules: Rules) -> _Draft:
        article = result.article if result.outcome == PARSED else None
        etag, last_modified = state.etag, state.last_modified
        if article is not None and result.page_count == 1:
            etag, last_modified = result.first_fetch.etag, result.first_fetch.last_modified
        elif article is not None:
            etag = last_modified = None  # page 1 answering 304 says nothing about pages 2..N
        return cls(result, state, verdict, rules, article, state.current_hash, state.current_meta_hash,
                   etag, last_modified)

    @property
    def url(self) -> str:
        return self.result.due.url

    def event(self, kind: str, detail: Mapping[str, Any]) -> None:
        self.events.append(Event(kind, detail, self.url))

    def take_version(self) -> None:
        """The checked content becomes the article's current version."""
        self.current_hash, self.meta_hash = self.verdict.content_hash, self.verdict.meta_hash
        self.changed = self.fetched = True

    def article_alert(self, kind: AlertKind, summary: str, relevance: Score | None = None) -> None:
        """A new/removed/restored alert; only "new" is sent for articles nobody asked to watch."""
        state, article = self.state, self.article
        if kind != "new" and not state.interesting:
            return
        # removed/restored can happen more than once in an article's life: key them by pass.
        suffix = "" if kind == "new" else f":{self.rules.run_id}"
        self.alerts.append(Alert(
            kind=kind, dedupe_key=f"{kind}:{alert_key(state.url)}{suffix}"[:256], portal=state.portal or "",
            url=state.url, title=(article.title if article is not None else state.current_title) or "",
            published=article.published if article is not None else state.published,
            summary=summary, relevance=relevance.score if relevance else None,
            matched_terms=matched_terms(relevance) if relevance else ()))

    def finish(self) -> Decision:
        article, state = self.article, self.state
        active = True
        if state.source == "discover" and self.relevance is not None and not self.relevance.relevant:
            active = False  # recorded with its score, dropped from revisits
        if state.source == "discover" and is_media(self.result):
            active = False  # a discovered video or web story is never news: not revisited
        update = ArticleUpdate(
            status=self.status, active=active, current_hash=self.current_hash, current_meta_hash=self.meta_hash,
            etag=self.etag, last_modified=self.last_modified, changed=self.changed,
            consecutive_errors=self.errors, removal_strikes=self.strikes,
            title=article.title if article is not None and self.verdict.kind in _TEXT_KINDS else None,
            published=article.published if article is not None else None, relevance=self.relevance)
        return Decision(url=self.url, kind=self.verdict.kind, fetched=self.fetched, new_version=self.new_version,
                        edit=self.edit, failure=self.failure, removed=self.removed, events=tuple(self.events),
                        alerts=tuple(self.alerts), update=update)


def _unchanged(draft: _Draft) -> None:
    draft.fetched = draft.article is not None
    draft.meta_hash = draft.verdict.meta_hash or draft.meta_hash
    if draft.verdict.meta_changed:
        draft.event("meta_change", {"note": "byline or dates changed, text did not"})


def _first(draft: _Draft) -> None:
    article = draft.article
    assert article is not None  # a FIRST verdict is only given to a parsed article
    draft.new_version = True
    draft.relevance = score_article(article.title, article.body, draft.rules.topics)
    if draft.relevance.relevant:
        draft.article_alert("new", lede(article.body), relevance=draft.relevance)
    draft.take_version()


def _edit(draft: _Draft) -> None:
    article, state, rules = draft.article, draft.state, draft.rules
    assert article is not None  # an EDIT verdict is only given to a parsed article
    draft.new_version = True
    draft.take_version()
    old = VersionText(state.current_title or "", state.current_body or ())
    record = diff_versions(old, VersionText.from_article(article))
    if record is None:
        return
    article_score = score_article(article.title, article.body, rules.topics)
    topic = score_edit(score_article(old.title, old.body, rules.topics), article_score, rules.topics)
    terms = matched_terms(topic)
    draft.edit = EditNote(record, record.summary(), topic.score, terms)
    if state.interesting and (record.kind != "minor" or rules.alert_minor_edits):
        draft.alerts.append(Alert(
            kind="edit", dedupe_key=f"edit:{alert_key(draft.url)}:{draft.verdict.content_hash}"[:256],
            portal=state.portal or article.portal, url=draft.url, title=article.title,
            published=article.published, summary=record.describe(rules.language), added=record.added,
            removed=record.removed, changed=tuple(ChangedPair(c.old, c.new) for c in record.changed),
            edit_kind=record.kind, relevance=topic.score, article_relevance=article_score.score,
            matched_terms=terms))


def _revert(draft: _Draft) -> None:
    draft.event("revert", {"to_hash": draft.verdict.content_hash, "from_hash": draft.state.current_hash})
    draft.take_version()


def _held(draft: _Draft) -> None:
    draft.etag = draft.last_modified = None  # fetch it whole again next time


def _collapse(draft: _Draft) -> None:
    _held(draft)
    draft.event("collapse", {"error": draft.verdict.error})
    draft.failure = Failure(draft.url, "extraction_collapse", draft.verdict.error or "")


def _failed(draft: _Draft) -> None:
    result, state, reason = draft.result, draft.state, draft.verdict.removal_reason
    draft.errors = state.consecutive_errors + 1
    name = result.fetches[-1].outcome if result.outcome == FETCH_FAILED else result.outcome
    draft.failure = Failure(draft.url, name, result.error or "")
    draft.status = "removed" if state.status == "removed" else "error"
    draft.strikes = state.removal_strikes
    if not reason:
        return
    draft.strikes = state.removal_strikes + 1
    if state.status == "removed":
        draft.strikes = max(draft.strikes, REMOVAL_CONFIRMATIONS)
    elif draft.strikes >= REMOVAL_CONFIRMATIONS:
        draft.status, draft.removed = "removed", True
        draft.event("removed", {"reason": reason, "checks": draft.strikes})
        draft.article_alert("removed", REMOVED_TEXT.format(reason=reason))
    else:
        draft.status = "removal_suspected"
        draft.event("removal_suspected", {"reason": reason})


_BY_KIND: dict[str, Callable[[_Draft], None]] = {
    UNCHANGED: _unchanged, FIRST: _first, EDIT: _edit, REVERT: _revert,
    HELD: _held, COLLAPSE: _collapse, FAILED: _failed,
}
