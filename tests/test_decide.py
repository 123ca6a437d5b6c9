"""The pure decide step: (prior state, check result, verdict) -> what happened, without a database.
One test per outcome: unchanged, meta change, first version, edit, revert, held, collapse,
failure, removal suspected/confirmed, restored; plus the row types' columns."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from beritawatch.changes import content_hash, meta_hash
from beritawatch.check import FETCH_FAILED, NOT_ARTICLE, PARSED, UNCHANGED_304, CheckResult, DueArticle
from beritawatch.decide import RESTORED_TEXT, Decision, PortalPass, Rules, alert_key, decide, lede, portal_health
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.verdict import COLLAPSE, EDIT, FAILED, FIRST, HELD, REVERT, UNCHANGED, ArticleState, judge
from parsers import Article
from warehouse import rows

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
URL = "https://www.republika.co.id/berita/s1a2b3c4/rusia-terima-rudal-dari-pyongyang"
TITLE = "Rusia Terima Rudal dari Pyongyang"
BODY = (
    "Jakarta - Intelijen Ukraina menyebut Rusia menerima rudal balistik dari Korea Utara pekan ini.",
    "Menurut pejabat itu, sedikitnya 40 rudal tiba lewat pelabuhan Vostochny.",
    "Kremlin menolak mengomentari laporan pengiriman senjata tersebut.",
    "Pengamat menilai kerja sama militer Moskow dan Pyongyang makin erat.",
)
META = meta_hash(("Dewi",), T0 - dt.timedelta(hours=2), None)
RULES = Rules(run_id="run-7", topics=default_topics())


def make_article(body: tuple[str, ...] = BODY, title: str = TITLE, **extra: object) -> Article:
    return Article(url=URL, portal="republika", title=title, authors=("Dewi",), body=body,
                   published=T0 - dt.timedelta(hours=2), **extra)  # type: ignore[arg-type]


def parsed(art: Article, pages: int = 1) -> CheckResult:
    fetch = FetchResult(URL, T0, "ok", 200, 4.0, b"<html/>", "text/html", '"v2"', "Mon, 02 Nov 2026", URL)
    raw = tuple((f"{URL}?page={n}", b"<html/>") for n in range(pages))
    return CheckResult(DueArticle(URL, "republika"), PARSED, (fetch,), art, raw)


def failed(status: int | None = 404) -> CheckResult:
    fetch = FetchResult(URL, T0, "http_error" if status else "timeout", status, 4.0, error="boom")
    return CheckResult(DueArticle(URL, "republika"), FETCH_FAILED, (fetch,), None, error="boom")


def known(body: tuple[str, ...] = BODY, **changes: object) -> ArticleState:
    """An article stored once with `body` as its current version."""
    digest = content_hash(TITLE, body)
    state = ArticleState(url=URL, portal="republika", status="ok", current_hash=digest, current_meta_hash=META,
                         history=(digest,), current_body=body, current_title=TITLE, etag='"v1"',
                         last_modified="Sun, 01 Nov 2026", published=T0 - dt.timedelta(hours=2))
    return dataclasses.replace(state, **changes)  # type: ignore[arg-type]


def run(result: CheckResult, state: ArticleState, rules: Rules = RULES) -> Decision:
    return decide(result, state, judge(result, state), rules)


def test_unchanged_page_changes_nothing_but_the_validators() -> None:
    decision = run(parsed(make_article()), known())
    assert decision.kind == UNCHANGED and decision.fetched and not decision.new_version
    assert decision.events == () and decision.alerts == () and decision.failure is None
    assert decision.update.etag == '"v2"' and decision.update.last_modified == "Mon, 02 Nov 2026"
    assert decision.update.current_hash == known().current_hash and not decision.update.changed
    assert decision.update.title == TITLE and decision.update.status == "ok"


def test_a_slimmed_check_is_judged_with_the_hash_the_check_computed() -> None:
    from beritawatch.check import slim

    for art, state in ((make_article(), known()), (make_article(body=BODY[:3] + ("Paragraf baru.",)), known()),
                       (make_article(), ArticleState(url=URL, portal="republika"))):
        full = parsed(art)
        slimmed = slim(full)
        assert slimmed.content_hash == content_hash(art.title, art.body)
        assert judge(slimmed, state) == judge(full, state)
    # The store trusts the carried hash: it does not parse or hash the article again.
    shorter = slim(parsed(make_article(body=BODY[:3])))
    assert judge(shorter, known()).kind == EDIT
    assert judge(dataclasses.replace(shorter, content_hash=known().current_hash), known()).kind == UNCHANGED


def test_a_304_keeps_the_stored_validators_and_counts_as_not_fetched() -> None:
    result = CheckResult(DueArticle(URL, "republika"), UNCHANGED_304, (FetchResult(URL, T0, "not_modified", 304),))
    decision = run(result, known())
    assert decision.kind == UNCHANGED and not decision.fetched
    assert (decision.update.etag, decision.update.title) == ('"v1"', None)


def test_byline_only_change_is_a_meta_change_event_not_an_edit() -> None:
    decision = run(parsed(make_article()), known(current_meta_hash="another"))
    assert [e.kind for e in decision.events] == ["meta_change"]
    assert decision.alerts == () and decision.edit is None and not decision.new_version


def test_first_relevant_version_is_stored_scored_and_alerted_with_its_lede() -> None:
    decision = run(parsed(make_article()), ArticleState(url=URL, portal="republika"))
    assert decision.kind == FIRST and decision.new_version and decision.update.changed
    assert decision.update.relevance is not None and decision.update.relevance.relevant
    [alert] = decision.alerts
    assert alert.kind == "new" and alert.summary == lede(BODY) and alert.dedupe_key == f"new:{alert_key(URL)}"
    assert alert.matched_terms and alert.title == TITLE


def test_first_irrelevant_discovered_version_is_kept_but_no_longer_revisited() -> None:
    off_topic = make_article(title="Harga Cabai Naik", body=("Harga cabai di pasar Jakarta naik lagi pekan ini.",))
    decision = run(parsed(off_topic), ArticleState(url=URL, portal="republika", source="discover"))
    assert decision.new_version and decision.alerts == ()
    assert decision.update.relevance is not None and not decision.update.relevance.relevant
    assert decision.update.active is False


def test_a_substantive_edit_gets_a_record_and_an_alert_with_its_text() -> None:
    edited = (BODY[0], BODY[1].replace("40", "75"), *BODY[2:])
    decision = run(parsed(make_article(body=edited)), known())
    assert decision.kind == EDIT and decision.new_version and decision.edit is not None
    assert decision.edit.record.kind == "substantive" and "75" in decision.edit.record.numbers_added
    [alert] = decision.alerts
    assert alert.kind == "edit" and alert.edit_kind == "substantive" and "75" in alert.summary
    assert alert.dedupe_key == f"edit:{alert_key(URL)}:{content_hash(TITLE, edited)}"


def test_a_minor_edit_is_recorded_but_alerted_only_when_asked() -> None:
    edited = (BODY[0], BODY[1], BODY[2].replace("tersebut", "itu"), BODY[3])
    quiet = run(parsed(make_article(body=edited)), known())
    assert quiet.edit is not None and quiet.edit.record.kind == "minor" and quiet.alerts == ()
    loud = run(parsed(make_article(body=edited)), known(), dataclasses.replace(RULES, alert_minor_edits=True))
    assert [a.edit_kind for a in loud.alerts] == ["minor"]


def test_an_edit_of_an_article_nobody_watches_is_recorded_without_an_alert() -> None:
    edited = (*BODY, "Rusia juga disebut menerima 20 peluncur roket dari Pyongyang.")
    decision = run(parsed(make_article(body=edited)), known(source="discover", relevant=False))
    assert decision.edit is not None and decision.alerts == ()


def test_a_revert_moves_the_current_version_back_without_a_new_one() -> None:
    older = (*BODY, "Paragraf lama yang kemudian dihapus.")
    state = known(history=(content_hash(TITLE, BODY), content_hash(TITLE, older)),
                  current_hash=content_hash(TITLE, older), current_body=older)
    decision = run(parsed(make_article()), state)
    assert decision.kind == REVERT and not decision.new_version and decision.update.changed
    assert [e.kind for e in decision.events] == ["revert"] and decision.alerts == ()
    assert decision.update.current_hash == content_hash(TITLE, BODY)


def test_a_collapse_is_a_failure_and_forgets_the_validators() -> None:
    decision = run(parsed(make_article(body=("Jakarta - Singkat.",))), known())
    assert decision.kind == COLLAPSE and not decision.new_version
    assert decision.failure is not None and decision.failure.outcome == "extraction_collapse"
    assert [e.kind for e in decision.events] == ["collapse"]
    assert (decision.update.etag, decision.update.last_modified) == (None, None)
    assert decision.update.current_hash == known().current_hash


def test_a_held_change_writes_nothing_and_forgets_the_validators() -> None:
    edited = (*BODY, "Kalimat baru.")
    result, state = parsed(make_article(body=edited)), known()
    verdict = dataclasses.replace(judge(result, state), kind=HELD)
    decision = decide(result, state, verdict, RULES)
    assert not decision.new_version and decision.edit is None and decision.alerts == () and decision.events == ()
    assert decision.update.etag is None and decision.update.current_hash == state.current_hash


def test_a_timeout_is_a_failure_without_a_strike() -> None:
    decision = run(failed(status=None), known(consecutive_errors=2))
    assert decision.kind == FAILED and decision.failure is not None and decision.failure.outcome == "timeout"
    assert (decision.update.status, decision.update.consecutive_errors, decision.update.removal_strikes) == \
        ("error", 3, 0)
    assert decision.events == () and decision.alerts == ()


def test_a_first_404_is_only_suspected() -> None:
    decision = run(failed(), known())
    assert decision.update.removal_suspected and decision.update.removal_strikes == 1 and not decision.removed
    assert [e.kind for e in decision.events] == ["removal_suspected"] and decision.alerts == ()


def test_a_second_404_confirms_the_removal_and_alerts_with_the_reason() -> None:
    decision = run(failed(), known(status="removal_suspected", removal_strikes=1))
    assert decision.removed and decision.update.status == "removed" and decision.update.removal_strikes == 2
    [alert] = decision.alerts
    assert alert.kind == "removed" and "HTTP 404" in alert.summary and alert.dedupe_key.endswith(":run-7")
    assert alert.title == TITLE  # from the stored version: the failed check has no article


def test_a_removed_article_failing_again_stays_removed_without_new_alerts() -> None:
    decision = run(failed(), known(status="removed", removal_strikes=2))
    assert decision.update.status == "removed" and not decision.removed and decision.alerts == ()


def test_a_removed_article_answering_again_is_restored() -> None:
    decision = run(parsed(make_article()), known(status="removed"))
    assert [e.kind for e in decision.events] == ["restored"]
    assert [(a.kind, a.summary) for a in decision.alerts] == [("restored", RESTORED_TEXT)]
    assert decision.update.status == "ok"


def test_a_discovered_media_page_is_dropped_from_revisits() -> None:
    video = make_article(not_article="media: video page")
    result = CheckResult(DueArticle(URL, "republika"), NOT_ARTICLE, parsed(video).fetches, video)
    decision = run(result, ArticleState(url=URL, portal="republika", source="discover"))
    assert decision.kind == FAILED and decision.update.active is False


def test_a_paginated_article_does_not_keep_page_ones_validators() -> None:
    decision = run(parsed(make_article(), pages=2), known())
    assert (decision.update.etag, decision.update.last_modified) == (None, None)


def test_decide_never_changes_its_inputs() -> None:
    state = known()
    result = parsed(make_article(body=(*BODY, "Kalimat tambahan tentang 12 kapal.")))
    verdict = judge(result, state)
    first = decide(result, state, verdict, RULES)
    assert decide(result, state, verdict, RULES) == first and state == known()
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.kind = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("table", "columns", "row_type"), rows.TABLES)
def test_each_row_type_names_its_tables_columns_in_order(table: str, columns: tuple[tuple[str, str], ...],
                                                          row_type: Any) -> None:
    assert tuple(name for name, _ in columns) == row_type._fields, table



def test_portal_health_flags_a_template_change_and_alerts_once_per_outage() -> None:
    edit = parsed(make_article(body=(*BODY, "Kalimat baru.")))
    many = PortalPass()
    for _ in range(10):
        many = many.add(edit, judge(edit, known()))
    same = parsed(make_article())
    few = PortalPass().add(edit, judge(edit, known())).add(same, judge(same, known()))
    assert (many.checked, many.changed, many.failed) == (10, 10, 0)
    health = portal_health({"republika": many, "detik": few}, broken_last_pass=(), run_id="run-7")
    assert health.broken == ("republika",)
    [event] = health.events
    assert event.kind == "portal_health" and event.portal == "republika" and "10 of 10" in event.text
    [alert] = health.alerts
    assert alert.kind == "health" and alert.dedupe_key == "health:republika:run-7"
    again = portal_health({"republika": many}, broken_last_pass={"republika"}, run_id="run-8")
    assert again.broken == ("republika",) and len(again.events) == 1 and again.alerts == ()


def test_fetch_errors_do_not_count_as_portal_breakage() -> None:
    down = PortalPass().add(failed(status=None), judge(failed(status=None), known()))
    assert (down.checked, down.changed, down.failed) == (1, 0, 0)
