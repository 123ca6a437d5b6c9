"""The speed-ups of the stories step change no result: the cheap similarity bounds answer as the
full match does, and a pass of many articles groups them as passes of one article each would."""
from __future__ import annotations

import datetime as dt
import pathlib
import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch.changes import _ratio, _similar
from beritawatch.check import PARSED, CheckResult, DueArticle
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.stories.settings import StorySettings
from parsers import Article
from tests.test_stories import ADDED, OTHER, WIRE  # one shared story text for both files
from warehouse import store
from warehouse.db import connect

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


@given(st.text(alphabet="abcde \"'", max_size=30), st.text(alphabet="abcde \"'", max_size=30),
       st.sampled_from([0.5, 0.75, 0.9, 1.0]))
@settings(max_examples=300, deadline=None)
def test_similar_answers_as_the_full_ratio(a: str, b: str, at_least: float) -> None:
    assert _similar(a, b, at_least) == (_ratio(a, b) >= at_least)


def test_similar_agrees_on_near_twins_and_strangers() -> None:
    rng = random.Random(5)
    words = ["Korea", "Utara", "mengirim", "kontainer", "amunisi", "ke", "Rusia", "kata", "juru", "bicara"]
    answers = set()
    for _ in range(400):
        a = " ".join(rng.choices(words, k=rng.randint(3, 12)))
        b = "".join(ch if rng.random() > 0.05 else rng.choice("aiu ") for ch in a) if rng.random() < 0.5 \
            else " ".join(rng.choices(words, k=rng.randint(3, 12)))
        for at_least in (0.75, 0.9):
            answers.add(_similar(a, b, at_least))
            assert _similar(a, b, at_least) == (_ratio(a, b) >= at_least), (a, b, at_least)
            assert _similar(a.split(), b.split(), at_least) == (_ratio(a.split(), b.split()) >= at_least)
    assert answers == {True, False}  # both kinds of pair were met


# --- one pass of many articles == many passes of one --------------------------------------------

# (portal, url, title, body, hours after T0): two stories, copies, a member adding facts, one
# saying "ribuan" where the first says 300, and one unrelated article.
ARTICLES = [
    ("detik", "https://news.detik.com/internasional/d-7800001/korut-kirim-kontainer",
     "Korut Kirim Kontainer Amunisi ke Rusia", WIRE, 0.0),
    ("tempo", "https://dunia.tempo.co/read/1900456/putin-terima-menlu-korut", "Putin Terima Menlu Korut", OTHER, 0.5),
    ("tribun", "https://www.tribunnews.com/internasional/2026/11/30/korut-kirim-kontainer",
     "Korut Kirim Kontainer Amunisi ke Rusia", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:]), 1.0),
    ("detik", "https://news.detik.com/internasional/d-7800002/putin-terima-choe",
     "Putin Terima Menlu Korut Choe", (*OTHER[:3], "Pertemuan berlangsung tertutup selama dua jam."), 1.5),
    ("republika", "https://internasional.republika.co.id/berita/t3abcd123/korut-kirim-kontainer",
     "Korut Kirim Kontainer Amunisi", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0], *WIRE[1:], ADDED), 2.0),
    ("tribun", "https://www.tribunnews.com/internasional/2026/11/30/ribuan-kontainer",
     "Ribuan Kontainer Amunisi Korut ke Rusia", (WIRE[0].replace("sekitar 300", "ribuan"), *WIRE[1:3]), 3.0),
    ("tempo", "https://dunia.tempo.co/read/1900999/banjir-jakarta", "Banjir Rendam Jakarta Utara",
     ("Hujan deras sejak malam membuat banjir setinggi satu meter di Jakarta Utara.",
      "Warga mengungsi ke masjid dan sekolah terdekat sambil menunggu air surut."), 3.5),
]


def _check(portal: str, url: str, title: str, body: tuple[str, ...], hours: float) -> CheckResult:
    art = Article(url=url, portal=portal, title=title, authors=("A",), body=body,
                  published=T0 + dt.timedelta(hours=hours))
    fetch = FetchResult(url, T0, "ok", 200, 5.0, b"<html/>", "text/html", None, None, url)
    return CheckResult(DueArticle(url, portal), PARSED, (fetch,), art, ((url, b"<html>x</html>"),))


def _store(con: duckdb.DuckDBPyConnection, batches: list[list[CheckResult]]) -> None:
    for n, results in enumerate(batches):
        now = T0 + dt.timedelta(hours=4 + n)
        store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
        policy = store.PassPolicy(topics=default_topics(), next_check=lambda *_, at=now: at + dt.timedelta(hours=1),
                                  stories=StorySettings(), language="id")
        store.record_checks(con, f"run-{n}", results, now, policy)


def _stories(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The stories as analysts see them, independent of story ids and run ids."""
    first = dict(con.execute("SELECT story_id, article_url FROM story_links WHERE role = 'first'").fetchall())
    links = sorted((first[story], url, role, similarity, evidence) for url, story, role, similarity, evidence
                   in con.execute("SELECT article_url, story_id, role, similarity, evidence FROM story_links")
                   .fetchall())
    drift = sorted((first[story], url, ref, kind, text, other, tuple(reasons), tuple(facts))
                   for story, url, ref, kind, text, other, reasons, facts in con.execute(
                       """SELECT story_id, article_url, reference_url, kind, text, coalesce(other_text, ''),
                                 reasons, new_facts FROM story_drift""").fetchall())
    return {"links": links, "drift": drift}


@pytest.mark.parametrize("order", ["published", "shuffled"])
def test_one_pass_of_many_groups_as_passes_of_one(tmp_path: pathlib.Path, order: str) -> None:
    checks = [_check(*article) for article in ARTICLES]
    together = connect(tmp_path / "together.duckdb")
    one_by_one = connect(tmp_path / "one_by_one.duckdb")
    try:
        if order == "shuffled":  # a pass's results come in any order; the step sorts them by publication
            random.Random(3).shuffle(checks)
        _store(together, [checks])
        _store(one_by_one, [[c] for c in sorted(checks, key=lambda c: c.article.published)])  # type: ignore[union-attr]
        grouped = _stories(together)
        assert grouped == _stories(one_by_one)
        members = {first: sum(1 for f, *_ in grouped["links"] if f == first)  # type: ignore[attr-defined]
                   for first, *_ in grouped["links"]}  # type: ignore[attr-defined]
        assert sorted(members.values()) == [2, 4]  # two stories; the flood article stays alone
        assert any(kind == "added" and facts for *_, kind, _t, _o, _r, facts in grouped["drift"])  # type: ignore[attr-defined]
    finally:
        together.close()
        one_by_one.close()


def test_an_edited_first_member_redoes_its_story_as_if_grouped_afresh(tmp_path: pathlib.Path) -> None:
    wire, tribun, republika = (_check(*ARTICLES[i]) for i in (0, 2, 4))
    portal, url, title, _, hours = ARTICLES[0]
    edited = _check(portal, url, title, (WIRE[0].replace("sekitar 300", "ribuan"), *WIRE[1:], ADDED), hours)
    history = connect(tmp_path / "history.duckdb")
    afresh = connect(tmp_path / "afresh.duckdb")
    try:
        _store(history, [[wire, tribun, republika], [edited]])
        _store(afresh, [[edited, tribun, republika]])
        grouped = _stories(history)
        assert grouped == _stories(afresh)
        drift = grouped["drift"]
        # The first now states the added fact itself and says "ribuan" where the others say 300.
        assert not any(kind == "added" and text == ADDED for _, _, _, kind, text, *_ in drift)  # type: ignore[attr-defined]
        assert any(u == ARTICLES[2][1] and kind == "changed" and "numbers" in reasons
                   for _, u, _, kind, _, _, reasons, _ in drift)  # type: ignore[attr-defined]
    finally:
        history.close()
        afresh.close()
