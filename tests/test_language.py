"""One language per output: the `[ui] language` switch, plain-word edit summaries, number and date
formats, and the edit alert's own topic score (consistent with `explain`)."""
from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest

from beritawatch import i18n
from beritawatch.alerts.format import plain_text, render_digest, render_for
from beritawatch.alerts.model import Alert
from beritawatch.changes import VersionText, describe_edit, diff_versions
from beritawatch.config import ConfigError, config_from_dict
from beritawatch.relevance import default_topics, score_article, score_edit
from tests.test_store import BODY, article, parsed, run
from warehouse.db import connect

TOPICS = default_topics()
ADDED = "Pengiriman senjata itu disebut mencapai 300 kontainer sepanjang bulan lalu."
# Neither Korea Utara nor Rusia is in the added sentence: its hit needs the article around it.
CONTEXT_BODY = (
    "Jakarta - Para pejabat bertemu di Vladivostok selama tiga hari.",
    "Pertemuan itu juga membahas pariwisata dan pertukaran pelajar.",
    "Pemerintah Korea Utara dan Rusia lalu menandatangani perjanjian kerja sama baru.",
)


def test_edit_summary_in_plain_words_in_both_languages() -> None:
    old = VersionText("Judul", ("Kapal itu membawa 200 kontainer.",))
    new = VersionText("Judul", ("Kapal itu membawa 200 kontainer.", "Jumlahnya naik menjadi 300 kontainer."))
    record = diff_versions(old, new)
    assert record is not None
    assert record.describe("id") == "1 kalimat ditambahkan; angka: – → 300"
    assert record.describe("en") == "1 sentence added; numbers: – → 300"
    # the stored record stays machine-readable and renders the same from its JSON
    stored = json.loads(json.dumps(record.to_json()))
    assert stored["summary"].startswith("substantive:")
    assert describe_edit(stored, "id") == record.describe("id")


def test_english_plurals_and_indonesian_without_plural() -> None:
    assert i18n.t("n.edits", "en", n=1) == "1 edit"
    assert i18n.t("n.edits", "en", n=2) == "2 edits"
    assert i18n.t("n.edits", "id", n=2) == "2 suntingan"
    assert i18n.t("sum.removed", "en", n=3) == "3 sentences removed"


def test_number_and_date_formats() -> None:
    assert i18n.number(1234.5, "id") == "1.234,50"
    assert i18n.number(1234.5, "en") == "1,234.50"
    moment = dt.datetime(2026, 12, 3, 20, 15, tzinfo=dt.UTC)  # 03:15 the next day in Jakarta
    assert i18n.when(moment, "id") == "4 Des 2026 03:15 WIB"
    assert i18n.when(moment, "en") == "4 Dec 2026 03:15 WIB"


def edit_alert() -> Alert:
    return Alert(kind="edit", dedupe_key="edit:x:1", portal="detik", url="https://news.detik.com/a/d-1/x",
                 title="Korut dan Rusia", summary="1 kalimat ditambahkan", added=(ADDED,), edit_kind="substantive",
                 relevance=1.0, article_relevance=10.0, published=dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC))


def test_an_alert_in_each_language() -> None:
    (indonesian,) = render_for("webhook", edit_alert(), dialect="text", lang="id")
    (english,) = render_for("webhook", edit_alert(), dialect="text", lang="en")
    assert indonesian.body.startswith("[Diedit] detik: Korut dan Rusia")
    assert "Jenis suntingan: substantif" in indonesian.body
    assert "Skor topik suntingan: 1,00 (skor artikel 10,00)" in indonesian.body
    assert "Kalimat ditambahkan (1):" in indonesian.body and "Terbit: 1 Des 2026 09:00 WIB" in indonesian.body
    assert english.body.startswith("[Edited] detik: Korut dan Rusia")
    assert "Edit kind: substantive" in english.body
    assert "Edit topic score: 1.00 (article score 10.00)" in english.body
    assert "Sentences added (1):" in english.body and "Published: 1 Dec 2026 09:00 WIB" in english.body
    for word in ("Jenis", "Kalimat", "Terbit", "Baca:"):
        assert word not in english.body


def test_a_digest_in_each_language() -> None:
    items = [edit_alert(), Alert(kind="new", dedupe_key="new:y", portal="tempo", title="Baru", url="https://tempo.co/a-1")]
    (indonesian,) = render_digest(items, 4000, dialect="text", lang="id")
    (english,) = render_digest(items, 4000, dialect="text", lang="en")
    assert "[Ringkasan] 2 peringatan: 1 baru, 1 diedit" in indonesian.body
    assert "[Digest] 2 alerts: 1 new, 1 edited" in english.body


def test_plain_text_is_the_multi_line_chat_message() -> None:
    text = plain_text(edit_alert())
    assert text.count("\n") >= 5 and "“" + ADDED + "”" in text


def test_ui_language_is_validated() -> None:
    assert config_from_dict({}).ui.language == "id"
    assert config_from_dict({"ui": {"language": "en"}}).ui.language == "en"
    with pytest.raises(ConfigError, match=r"ui.language: must be one of 'id', 'en', got 'fr'"):
        config_from_dict({"ui": {"language": "fr"}})
    with pytest.raises(ConfigError, match=r"ui.colour: unknown key"):
        config_from_dict({"ui": {"colour": "red"}})
    with pytest.raises(ConfigError, match=r"report.out"):
        config_from_dict({"report": {"out": 3}})


def test_edit_score_counts_the_hits_the_edit_made_as_explain_does() -> None:
    before = score_article("Kerja sama Korut-Rusia", CONTEXT_BODY, TOPICS)
    after = score_article("Kerja sama Korut-Rusia", (*CONTEXT_BODY, ADDED), TOPICS)
    edit = score_edit(before, after, TOPICS)
    [hit] = edit.evidence
    assert hit.text == ADDED
    assert edit.score == hit.weight > 0
    # explain lists the same hit with the same weight
    assert f"+{hit.weight:g}" in after.explain() and ADDED[:60] in after.explain()
    assert score_edit(after, after, TOPICS).score == 0


def test_the_stored_edit_and_its_alert_carry_the_edit_score(tmp_path: pathlib.Path) -> None:
    first = (*BODY, CONTEXT_BODY[2])
    con = connect(tmp_path / "w.duckdb")
    try:
        run(con, [parsed(article(body=first))], 0)
        run(con, [parsed(article(body=(*first, ADDED)))], 1)
        [(score, summary)] = con.execute("SELECT topic_score, summary FROM edits").fetchall()
        [(payload,)] = con.execute("SELECT payload FROM alerts WHERE kind = 'edit'").fetchall()
    finally:
        con.close()
    alert = Alert.from_json(payload)
    expected = score_edit(score_article(article().title, first, TOPICS),
                          score_article(article().title, (*first, ADDED), TOPICS), TOPICS)
    assert score == alert.relevance == expected.score > 0
    assert alert.article_relevance == score_article(article().title, (*first, ADDED), TOPICS).score
    assert summary.startswith("substantive:")  # the stored field stays machine-readable
    assert alert.summary.startswith("1 kalimat ditambahkan")  # the alert reads in plain words


class Warnings:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def warning(self, message: str, *args: object) -> None:
        self.lines.append(message % args)


def test_the_report_is_rewritten_after_a_pass_and_a_failure_is_only_logged(tmp_path: pathlib.Path) -> None:
    from flows.monitor import _rewrite_report

    con = connect(tmp_path / "w.duckdb")
    try:
        run(con, [parsed(article())], 0)
        english = config_from_dict({"report": {"out": str(tmp_path / "out")}, "ui": {"language": "en"}})
        logged = Warnings()
        _rewrite_report(english, con, logged)
        assert "beritawatch report" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
        assert logged.lines == []
        (tmp_path / "file").write_text("in the way", encoding="utf-8")
        blocked = config_from_dict({"report": {"out": str(tmp_path / "file" / "out")}})
        _rewrite_report(blocked, con, logged)  # no exception
        [line] = logged.lines
        assert line.startswith(f"report not rewritten in {tmp_path / 'file' / 'out'}")
    finally:
        con.close()


def test_the_demo_prints_a_chat_message_as_the_chat_shows_it() -> None:
    from beritawatch.alerts.format import render_for
    from beritawatch.demo import as_chat_shows

    (markdown,) = render_for("webhook", edit_alert())
    shown = as_chat_shows(markdown.body)
    assert shown.splitlines()[0] == "[Diedit] detik: Korut dan Rusia"
    assert "Skor topik suntingan: 1,00 (skor artikel 10,00)" in shown
    assert f"- “{ADDED}”" in shown and "Baca: https://news.detik.com/a/d-1/x" in shown
    assert "**" not in shown and "\\" not in shown
