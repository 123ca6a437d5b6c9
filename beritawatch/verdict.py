"""What one check means for an article: unchanged, first version, edit, revert, collapse, failure,
a takedown signal. Pure: the warehouse supplies the article's state, this module only judges."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from beritawatch.changes import classify_version, content_hash, is_extraction_collapse, meta_hash
from beritawatch.check import NOT_ARTICLE, PARSED, UNCHANGED_304, CheckResult

# Verdict kinds.
UNCHANGED = "unchanged"
FIRST = "first"  # the article's first version
EDIT = "edit"  # a new version of a known article
REVERT = "revert"  # back to content seen before (a flip-flop): recorded, never alerted
COLLAPSE = "collapse"  # body suddenly much shorter or empty: a parse problem, not an edit
FAILED = "failed"  # fetch error, unreadable page, not an article
HELD = "held"  # a new version held back because its portal looks broken this pass

REMOVAL_STATUSES = (404, 410)
REMOVAL_CONFIRMATIONS = 2  # consecutive takedown signals before an article counts as removed


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleState:
    """What the warehouse knows about an article before this pass."""

    url: str
    portal: str | None = None
    source: str = "track"
    status: str = "new"
    current_hash: str | None = None
    current_meta_hash: str | None = None
    history: tuple[str, ...] = ()  # content hashes of its versions, oldest first
    current_body: tuple[str, ...] | None = None  # body of the current version (when it may matter)
    current_title: str | None = None
    removal_strikes: int = 0
    relevant: bool | None = None
    first_seen: dt.datetime | None = None
    published: dt.datetime | None = None
    last_changed: dt.datetime | None = None
    consecutive_errors: int = 0
    etag: str | None = None
    last_modified: str | None = None

    @property
    def interesting(self) -> bool:
        """Worth alerting about: named in the config, or found relevant to a topic."""
        return self.source == "track" or bool(self.relevant)


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement of one check."""

    kind: str
    content_hash: str | None = None
    meta_hash: str | None = None
    meta_changed: bool = False  # byline/date-only change: recorded, never alerted as an edit
    removal_reason: str | None = None  # this check looks like a takedown
    restored: bool = False  # the article answers again after being removed
    error: str | None = None


def removal_reason(result: CheckResult) -> str | None:
    """Why this check looks like a takedown: 404/410, or a redirect to a home or index page."""
    first = result.first_fetch
    if first.status_code in REMOVAL_STATUSES:
        return f"HTTP {first.status_code}"
    landed = result.fetches[0]
    wall = result.article is not None and result.article.not_article in ("login wall", "consent page")
    if result.outcome == NOT_ARTICLE and landed.redirects and not wall:  # a wall is not a takedown
        target = landed.final_url or landed.redirects[-1]
        path = urlsplit(target).path.strip("/")
        where = "the portal's home page" if not path else f"a non-article page ({target})"
        return f"redirected to {where}"
    return None


def _content_hash(result: CheckResult) -> str:
    """The parsed article's content hash: as the check computed it (`check.slim`), else computed now."""
    if result.content_hash is not None:
        return result.content_hash
    assert result.article is not None
    return content_hash(result.article.title, result.article.body)


def judge(result: CheckResult, state: ArticleState) -> Verdict:
    """Decide what one check means, given the article's state before the pass."""
    if result.outcome == UNCHANGED_304:
        return Verdict(UNCHANGED, state.current_hash, state.current_meta_hash,
                       restored=state.status == "removed")
    if result.outcome != PARSED or result.article is None:
        return Verdict(FAILED, removal_reason=removal_reason(result), error=result.error or result.outcome)
    article = result.article
    digest = _content_hash(result)
    meta = meta_hash(article.authors, article.published, article.updated)
    restored = state.status == "removed"
    kind = classify_version(digest, state.history)
    if state.current_hash is None:
        return Verdict(FIRST, digest, meta, restored=restored)
    if kind == "unchanged" or digest == state.current_hash:
        meta_changed = state.current_meta_hash is not None and meta != state.current_meta_hash
        return Verdict(UNCHANGED, digest, meta, meta_changed=meta_changed, restored=restored)
    if kind == "revert":
        return Verdict(REVERT, digest, meta, restored=restored)
    if (state.current_body is not None and article.paywalled
            and sum(map(len, article.body)) < sum(map(len, state.current_body))):
        return Verdict(COLLAPSE, digest, meta, restored=restored,
                       error="the page went behind the paywall (body truncated): not an edit")
    if state.current_body is not None and is_extraction_collapse(state.current_body, article.body):
        return Verdict(COLLAPSE, digest, meta, restored=restored,
                       error=f"body shrank from {sum(map(len, state.current_body))} to "
                             f"{sum(map(len, article.body))} characters: extraction problem, not an edit")
    return Verdict(EDIT, digest, meta, restored=restored)


def hold_broken_portals(verdicts: Mapping[str, Verdict], portals: Mapping[str, str],
                        broken: Sequence[str]) -> dict[str, Verdict]:
    """Turn the edits and collapses of broken portals into HELD verdicts (no versions, no edits)."""
    held = dict(verdicts)
    for url, verdict in verdicts.items():
        if portals.get(url) in broken and verdict.kind in (EDIT, COLLAPSE):
            held[url] = dataclasses.replace(verdict, kind=HELD,
                                            error="held back: many articles of this portal changed at once")
    return held
