"""Stories: fingerprints, matching, drift and roles (pure), then the pass hook on a real DuckDB
file with hand-made check results (no network, no Prefect)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib

import duckdb
import pytest

from beritawatch.check import PARSED, CheckResult, DueArticle
from beritawatch.config import ConfigError, config_from_dict
from beritawatch.fetch import FetchResult
from beritawatch.i18n import Language
from beritawatch.relevance import default_topics
from beritawatch.stories import minhash
from beritawatch.stories.drift import StoryText, drift
from beritawatch.stories.features import (
    fingerprint,
    names_of,
    number_facts,
    strip_dateline,
)
from beritawatch.stories.matching import compare
from beritawatch.stories.roles import role_of
from beritawatch.stories.settings import StorySettings
from parsers import Article
from warehouse import store, stories
from warehouse.db import connect

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(hours=72)
WIRE = (
    "Korea Utara mengirim sekitar 300 kontainer amunisi ke Rusia sejak awal bulan, menurut militer Korea Selatan.",
    "Kontainer senjata itu diangkut kapal kargo dari pelabuhan Rajin menuju Vladivostok sebelum dibawa kereta.",
    '"Kami melihat kapal-kapal itu berlayar hampir setiap hari," kata juru bicara Kepala Staf Gabungan Lee Sung-jun.',
    "Moskow dan Pyongyang membantah adanya transaksi senjata di antara kedua negara.",
)
OTHER = (
    "Presiden Rusia Vladimir Putin menerima Menteri Luar Negeri Korea Utara Choe Son Hui di Kremlin.",
    "Keduanya membahas rencana Moskow memasok teknologi satelit militer sebagai imbalan bantuan senjata.",
    '"Hubungan kami dengan Korea Utara berkembang di semua bidang," ujar juru bicara Kremlin Dmitry Peskov.',
    "Choe dijadwalkan bertemu Menteri Pertahanan Rusia Andrei Belousov sebelum pulang ke Pyongyang.",
)
ADDED = "Intelijen Korea Selatan menyebut 12 kereta barang melintasi perbatasan di Tumangang."


def fp(url: str, body: tuple[str, ...], title: str = "Korut Kirim Kontainer Amunisi ke Rusia",
       hours: float = 0):
    return fingerprint(url, "x", T0 + dt.timedelta(hours=hours), title, body)


# --- pure parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("paragraph", ["TRIBUNNEWS.COM - Korea Utara", "REPUBLIKA.CO.ID, SEOUL -- Korea Utara",
                                       "TEMPO.CO, Jakarta - Korea Utara", "Washington DC - Korea Utara",
                                       "Jakarta - Korea Utara"])
def test_datelines_are_dropped(paragraph: str) -> None:
    assert strip_dateline(paragraph) == "Korea Utara"


def test_numbers_keep_their_unit_and_names_are_multiword() -> None:
    assert number_facts("Korut kirim 300 kontainer dan 12 kereta pada 2023.") == ["300 kontainer", "12 kereta", "2023"]
    names = names_of("Menurut Kepala Staf Gabungan Lee Sung-jun, kapal itu berlayar.")
    assert names == ["kepala staf gabungan lee sung-jun"]


def test_minhash_estimates_overlap() -> None:
    a = minhash.signature(f"w{i}" for i in range(200))
    assert minhash.similarity(a, a) == 1.0
    assert minhash.similarity(a, minhash.signature(f"v{i}" for i in range(200))) < 0.1
    half = minhash.signature(f"w{i}" for i in range(100, 300))  # true Jaccard 1/3
    assert 0.15 < minhash.similarity(a, half) < 0.5
    assert len(minhash.band_keys(a)) == minhash.NUM_PERM // minhash.BAND_ROWS
    assert minhash.band_keys(minhash.EMPTY) == []


def test_a_copy_is_the_same_story_and_another_story_of_the_topic_is_not() -> None:
    wire = fp("a", WIRE)
    copy = fp("b", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:], ADDED), hours=1)
    other = fp("c", OTHER, title="Putin Terima Menlu Korut Bahas Satelit", hours=2)
    assert compare(wire, copy, WINDOW).same
    assert not compare(wire, other, WINDOW).same
    late = fp("d", WIRE, hours=24 * 10)
    assert not compare(wire, late, WINDOW).same  # outside the window, even word for word


def test_drift_names_a_changed_number_and_the_facts_an_outlet_adds() -> None:
    ref = StoryText("a", "detik", "t", WIRE, T0)
    changed = StoryText("b", "republika", "t", (WIRE[0].replace("sekitar 300", "ribuan"), *WIRE[1:]), T0)
    added = StoryText("c", "tribun", "t", (*WIRE, ADDED), T0)
    [difference] = drift(ref, changed).differences
    assert (difference.kind, difference.other_text, difference.reasons) == ("changed", WIRE[0], ("numbers",))
    assert not drift(ref, changed).adds_facts
    found = drift(ref, added)
    assert [d.kind for d in found.differences] == ["added"] and found.fact_sentences == (ADDED,)
    assert "12 kereta" in found.new_facts
    assert drift(ref, ref).differences == ()
    assert role_of(compare(fp("a", WIRE), fp("b", changed.body), WINDOW), drift(ref, changed)) == "copy"
    assert role_of(compare(fp("a", WIRE), fp("c", added.body), WINDOW), found) == "follow-up"


def test_story_settings_are_validated_with_the_key_named() -> None:
    assert config_from_dict({"stories": {"window_hours": 24}}).stories.window == dt.timedelta(hours=24)
    with pytest.raises(ConfigError, match="stories.window_hours"):
        config_from_dict({"stories": {"window_hours": "soon"}})
    with pytest.raises(ConfigError, match="stories.colour"):
        config_from_dict({"stories": {"colour": "red"}})
    with pytest.raises(ConfigError, match="stories.group_alerts"):
        config_from_dict({"stories": {"group_alerts": "yes"}})


# --- the pass hook --------------------------------------------------------------------------

PORTALS = {"detik": "https://news.detik.com/internasional/d-7800001/korut-kirim-kontainer",
           "tribun": "https://www.tribunnews.com/internasional/2026/11/30/korut-kirim-kontainer",
           "republika": "https://internasional.republika.co.id/berita/t3abcd123/korut-kirim-kontainer",
           "tempo": "https://dunia.tempo.co/read/1900456/putin-terima-menlu-korut"}


def parsed(portal: str, body: tuple[str, ...], title: str = "Korut Kirim Kontainer Amunisi ke Rusia",
           hours: float = 0) -> CheckResult:
    url = PORTALS[portal]
    art = Article(url=url, portal=portal, title=title, authors=("A",), body=body,
                  published=T0 + dt.timedelta(hours=hours))
    fetch = FetchResult(url, T0, "ok", 200, 5.0, b"<html/>", "text/html", None, None, url)
    return CheckResult(DueArticle(url, portal), PARSED, (fetch,), art, ((url, b"<html>x</html>"),))


@pytest.fixture
def con(tmp_path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, results: list[CheckResult], n: int,
        settings: StorySettings | None = None, language: Language = "id") -> None:
    now = T0 + dt.timedelta(hours=n)
    store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
    policy = store.PassPolicy(topics=default_topics(), next_check=lambda *_: now + dt.timedelta(hours=1),
                              stories=settings or StorySettings(), language=language)
    store.record_checks(con, f"run-{n}", results, now, policy)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def test_later_copies_in_one_pass_make_one_follow_up_alert(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed("detik", WIRE), parsed("tempo", OTHER, "Putin Terima Menlu Korut", hours=1)], 0)
    run(con, [parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:]), hours=2),
              parsed("republika", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0], *WIRE[1:]), hours=3)], 1)
    assert rows(con, "SELECT members, portals FROM stories") == [(3, "detik, republika, tribun")]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'new'") == [(2,)]  # detik and tempo only
    [(payload,)] = rows(con, "SELECT payload FROM alerts WHERE kind = 'story'")
    alert = json.loads(payload)
    assert alert["portal"] == "tribun, republika" and alert["url"] == PORTALS["detik"]
    assert alert["summary"].startswith("Juga di: tribun (") and "republika (" in alert["summary"]


def test_story_alerts_and_pages_speak_the_configured_language(con: duckdb.DuckDBPyConnection,
                                                              tmp_path: pathlib.Path) -> None:
    from beritawatch.stories.page import write_story_pages

    run(con, [parsed("detik", WIRE)], 0, language="en")
    run(con, [parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:]), hours=2)], 1, language="en")
    [(payload,)] = rows(con, "SELECT payload FROM alerts WHERE kind = 'story'")
    summary = json.loads(payload)["summary"]
    assert summary.startswith("Also in: tribun (") and "first published by detik" in summary
    assert "Juga di" not in summary
    index = write_story_pages(con, tmp_path, "en")
    [(story,)] = rows(con, "SELECT story_id FROM stories")
    page = (tmp_path / "stories" / f"story-{story}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Members of the story" in page and "first" in page
    assert "Anggota cerita" not in page and "pertama" not in page
    assert "Stories across portals" in index.read_text(encoding="utf-8")


def test_without_group_alerts_every_member_keeps_its_new_alert(con: duckdb.DuckDBPyConnection) -> None:
    settings = StorySettings(group_alerts=False)
    run(con, [parsed("detik", WIRE)], 0, settings)
    run(con, [parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:]), hours=2)], 1, settings)
    assert rows(con, "SELECT members FROM stories") == [(2,)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'new'") == [(2,)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'story'") == [(0,)]


def test_candidates_come_from_the_index_within_the_window(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed("detik", WIRE), parsed("tempo", OTHER, "Putin Terima Menlu Korut", hours=1)], 0)
    settings = StorySettings()
    copy = fingerprint("u", "x", T0, "t", ("Jakarta - " + WIRE[0], *WIRE[1:]))
    assert stories.find_candidates(con, copy, settings) == [PORTALS["detik"]]
    late = dataclasses.replace(copy, at=T0 + dt.timedelta(days=5))
    assert stories.find_candidates(con, late, settings) == []


def test_a_failing_grouping_step_never_loses_the_pass(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE story_index")  # the grouping step will fail on its first write
    run(con, [parsed("detik", WIRE)], 0)
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'new'") == [(1,)]
    [(detail,)] = rows(con, "SELECT detail FROM events WHERE kind = 'stories_error'")
    assert "story_index" in json.loads(detail)["error"]


def test_story_page_shows_members_and_differences_escaped(con: duckdb.DuckDBPyConnection,
                                                          tmp_path: pathlib.Path) -> None:
    from beritawatch.stories.page import write_story_pages

    run(con, [parsed("detik", WIRE, title="Korut <script>alert(1)</script> Kirim Kontainer")], 0)
    run(con, [parsed("republika", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0].replace("sekitar 300", "ribuan"),
                                   *WIRE[1:]), hours=2),
              parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:], ADDED), hours=3)], 1)
    index = write_story_pages(con, tmp_path)
    [(story,)] = rows(con, "SELECT story_id FROM stories")
    page = (tmp_path / "stories" / f"story-{story}.html").read_text(encoding="utf-8")
    assert f"story-{story}.html" in index.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "script-src 'none'" in page
    for text in ("pertama", "salinan", "lanjutan", "sekitar 300 kontainer", "ribuan kontainer", "Tumangang",
                 "angka", "12 kereta"):
        assert text in page, text
    assert page.index("sekitar 300 kontainer") < page.index("ribuan kontainer")  # reference column first


def test_a_story_page_shows_the_first_rows_of_the_first_members_and_names_the_rest(
        con: duckdb.DuckDBPyConnection, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from beritawatch.stories import page as story_page

    run(con, [parsed("detik", WIRE)], 0)
    run(con, [parsed("republika", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0].replace("sekitar 300", "ribuan"),
                                   *WIRE[1:], ADDED), hours=2),
              parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:], ADDED), hours=3)], 1)
    [(story,)] = rows(con, "SELECT story_id FROM stories")
    per_member = dict(rows(con, f"SELECT url, count(*) FROM story_differences WHERE story_id = {story} GROUP BY 1"))
    first, second = sorted(per_member)
    assert per_member[first] > 1  # a row is left out of the first member's table
    monkeypatch.setattr(story_page, "DIFF_ROWS", 1)
    monkeypatch.setattr(story_page, "DIFF_MEMBERS", 1)
    loaded = story_page.load_story(con, story, "en")
    [group] = loaded.differences
    assert len(group["rows"]) == 1 and group["more"] == per_member[first] - 1
    assert (loaded.hidden_members, loaded.hidden_rows) == (1, per_member[second])
    story_page.write_story_pages(con, tmp_path, "en")
    html = (tmp_path / "stories" / f"story-{story}.html").read_text(encoding="utf-8")
    assert html.count('<table class="side">') == 1
    assert f"{per_member[first] - 1} more difference" in html
    assert (f"The differences of 1 more members ({per_member[second]} row" in html
            and f"SELECT * FROM story_differences WHERE story_id = {story}." in html)
    monkeypatch.setattr(story_page, "DIFF_ROWS", 1_000)
    monkeypatch.setattr(story_page, "DIFF_MEMBERS", 1_000)
    whole = story_page.load_story(con, story, "en")
    assert (whole.hidden_members, whole.hidden_rows) == (0, 0)
    assert {len(g["rows"]) for g in whole.differences} == set(per_member.values())
    assert all(not g["more"] and not g["more_note"] for g in whole.differences)


def test_irrelevant_discovered_articles_stay_out_of_stories(con: duckdb.DuckDBPyConnection) -> None:
    market = ("Harga beras medium naik tipis pekan ini di Pasar Induk Cipinang.",
              "Pedagang menyebut pasokan dari Jawa Tengah lancar meski hujan.")
    now = T0
    results = [parsed("detik", market, title="Harga Beras Naik Tipis"),
               parsed("tribun", ("TRIBUNNEWS.COM - " + market[0], market[1]), title="Harga Beras Naik Tipis")]
    store.track(con, [(r.due.url, r.due.portal) for r in results], "discover", now)
    policy = store.PassPolicy(topics=default_topics(), next_check=lambda *_: None, stories=StorySettings())
    store.record_checks(con, "run-0", results, now, policy)
    assert rows(con, "SELECT count(*) FROM story_fingerprints") == [(0,)]
    assert rows(con, "SELECT count(*) FROM stories") == [(0,)]


def test_the_replica_articles_are_all_different_stories() -> None:
    """Written for this project on real subjects: republika's and tempo's pieces of 5 September
    2023 are two different North Korea–Russia stories of one day and share "Korea Utara"; the
    first-day pieces are short and alike ("Korsel menuding ..." against "Amerika menuding ...")."""
    from beritawatch.testing.replica import firstday
    from beritawatch.testing.replica.site import tracked_articles

    specs = [*tracked_articles(), *firstday.new_articles()]
    prints = [fingerprint(s.url, s.portal, s.published, s.title, s.paragraphs) for s in specs]
    assert not any(compare(a, b, WINDOW).same for i, a in enumerate(prints) for b in prints[i + 1:])


def test_a_fingerprint_holds_the_facts_of_its_text() -> None:
    body = ("Jakarta - Korea Utara mengirim 300 kontainer peluru ke Rusia, kata Menteri Pertahanan Lloyd Austin.",
            '"Kami tidak akan diam," kata Austin di Washington.')
    fp = fingerprint("u", "detik", T0, "Korea Utara Kirim Peluru ke Rusia", body)
    assert fp.numbers == {"300 kontainer"} and fp.quotes == {"kami tidak akan diam"}
    assert fp.names == {"menteri pertahanan lloyd austin"}
    assert fp.title_words == {"korea", "utara", "kirim", "peluru", "rusia"}  # "ke" is a stopword
    assert len(fp.shingles) == len(fp.words) == 128 and fp.size > 5
    same = fingerprint("v", "tribun", T0, "Judul lain", (body[0].removeprefix("Jakarta - "), body[1]))
    assert (same.shingles, same.words, same.size) == (fp.shingles, fp.words, fp.size)  # the dateline is dropped
    other = fingerprint("w", "detik", T0, "", (body[0].replace("300", "400"), body[1]))
    assert other.numbers == {"400 kontainer"} and other.shingles != fp.shingles


def test_a_story_page_places_members_on_the_timeline_in_order(con: duckdb.DuckDBPyConnection) -> None:
    from beritawatch.stories.page import load_story

    run(con, [parsed("detik", WIRE)], 0)
    run(con, [parsed("republika", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0].replace("sekitar 300", "ribuan"),
                                   *WIRE[1:]), hours=1),
              parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:], ADDED), hours=3)], 1)
    [(story,)] = rows(con, "SELECT story_id FROM stories")
    page = load_story(con, story, "en")
    members = page.members
    assert [m["portal"] for m in members] == ["detik", "republika", "tribun"]
    assert [m["x"] for m in members] == [20.0, round(20 + 560 / 3, 1), 580.0]
    assert [m["anchor"] for m in members] == ["start", "start", "end"]
    assert members[0]["role_label"] == "first" and members[0]["similarity"] == "1.00"
    assert page.portals == "detik, republika, tribun" and page.started.endswith("WIB")
    [tribun] = [d for d in page.differences if d["portal"] == "tribun"]
    assert tribun["reference_portal"] == "detik" and any(r["label"] == "only here" for r in tribun["rows"])
    assert load_story(con, story + 99, "en") == type(page)(story + 99, "", "", "?", [], [])


def test_a_member_that_joined_in_an_earlier_pass_is_not_listed_again(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed("detik", WIRE)], 0)
    run(con, [parsed("tribun", ("TRIBUNNEWS.COM - " + WIRE[0], *WIRE[1:]), hours=2)], 1)
    run(con, [parsed("republika", ("REPUBLIKA.CO.ID, SEOUL -- " + WIRE[0], *WIRE[1:]), hours=3)], 2)
    assert rows(con, "SELECT members FROM stories") == [(3,)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'new'") == [(1,)]
    summaries = [json.loads(p)["summary"] for (p,) in rows(con, "SELECT payload FROM alerts WHERE kind = 'story' "
                                                               "ORDER BY alert_id")]
    assert len(summaries) == 2 and summaries[0].startswith("Juga di: tribun (")
    assert summaries[1].startswith("Juga di: republika (") and "tribun" not in summaries[1]
