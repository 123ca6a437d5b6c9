"""The report's stored diffs (beritawatch.report.fragments, migration 010): written by the pass that
records an edit, filled once for edits stored before, read by the report, and never used when they
are missing, of another renderer, or the warehouse predates them (the report renders the diff then,
to the same bytes). Hand-made check results on a real DuckDB file (no network, no Prefect)."""
from __future__ import annotations

import datetime as dt
import pathlib

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch.check import PARSED, CheckResult, DueArticle
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.report import data, fragments, write_report
from beritawatch.stories.settings import StorySettings
from parsers import Article
from warehouse import store
from warehouse.db import connect
from warehouse.store import url_key

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
URL = "https://news.detik.com/internasional/d-7000001/korut-kirim-amunisi"
OTHER = "https://www.tempo.co/internasional/korea-utara-rusia-1000002"
THIRD = "https://news.detik.com/internasional/d-7000003/rusia-bantah"
BODY = ("Korea Utara mengirim sekitar 300 kontainer amunisi ke Rusia, menurut militer Korea Selatan.",
        "Kontainer itu diangkut kapal kargo dari pelabuhan Rajin menuju Vladivostok.",
        "Moskow dan Pyongyang membantah adanya transaksi senjata.")
TITLE = "Korut Kirim Kontainer Amunisi ke Rusia"


def checked(url: str, body: tuple[str, ...], title: str = TITLE) -> CheckResult:
    article = Article(url=url, portal="detik", title=title, authors=("A",), body=body, published=T0)
    fetch = FetchResult(url, T0, "ok", 200, 5.0, b"<html/>", "text/html", None, None, url)
    return CheckResult(DueArticle(url, "detik"), PARSED, (fetch,), article, ((url, b"<html>x</html>"),))


def run(con: duckdb.DuckDBPyConnection, results: list[CheckResult], n: int) -> None:
    now = T0 + dt.timedelta(hours=n)
    store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
    policy = store.PassPolicy(topics=default_topics(), next_check=lambda *_: now + dt.timedelta(hours=1),
                              stories=StorySettings(enabled=False), language="id")
    store.record_checks(con, f"run-{n}", results, now, policy)


def edited_warehouse(path: pathlib.Path) -> None:
    """An article with two edits (the second changes the title too) and another with one."""
    con = connect(path)
    run(con, [checked(URL, BODY), checked(OTHER, BODY[1:])], 0)
    run(con, [checked(URL, (BODY[0].replace("300", "ribuan"), *BODY[1:])), checked(OTHER, BODY[2:])], 1)
    run(con, [checked(URL, (BODY[0].replace("300", "ribuan"), *BODY[1:], "Paragraf baru tentang kapal."),
                      TITLE + " Lewat Rajin")], 2)
    con.close()


def report(db: pathlib.Path, out: pathlib.Path) -> dict[str, bytes]:
    """The article pages a report writes into an empty folder `out` (read-only connection)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        write_report(con, out, now=T0)
    finally:
        con.close()
    return {p.name: p.read_bytes() for p in sorted((out / "articles").glob("*.html"))}


def stored(db: pathlib.Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""SELECT old_version_id, new_version_id, renderer, title_html, html, whole
                              FROM diff_fragments ORDER BY 2""").fetchall()
    finally:
        con.close()


def execute(db: pathlib.Path, *statements: str) -> None:
    con = duckdb.connect(str(db))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "w.duckdb"
    edited_warehouse(path)
    return path


def test_the_pass_stores_each_edits_diff_as_the_report_renders_it(db: pathlib.Path) -> None:
    rows = stored(db)
    con = duckdb.connect(str(db), read_only=True)
    edits = con.execute("SELECT old_version_id, new_version_id FROM edit_records ORDER BY 2").fetchall()
    texts = {v: (t, b) for v, t, b in con.execute("SELECT version_id, title, body FROM versions").fetchall()}
    con.close()
    assert [(old, new) for old, new, *_ in rows] == edits and len(edits) == 3
    for old, new, renderer, title_html, html, whole in rows:
        assert renderer == fragments.renderer_key("id")
        expected = fragments.render(texts[old][0], texts[new][0], fragments.paragraphs(texts[old][1]),
                                    fragments.paragraphs(texts[new][1]), "id")
        assert (title_html, html, whole) == (expected.title, expected.html, expected.whole)
    [title_change] = [r for r in rows if r[3] is not None]
    assert "<ins>Lewat Rajin</ins>" in str(title_change[3]) and "<ins>Paragraf baru tentang kapal.</ins>" in str(
        title_change[4])
    assert any("<del>300</del>" in str(r[4]) and "<ins>ribuan</ins>" in str(r[4]) for r in rows)


def test_the_report_reads_stored_diffs_and_renders_the_same_bytes_without_them(db: pathlib.Path,
                                                                               tmp_path: pathlib.Path) -> None:
    with_stored = report(db, tmp_path / "a")
    execute(db, "UPDATE diff_fragments SET html = '<p>STORED-DIFF</p>' WHERE new_version_id = "
                "(SELECT max(new_version_id) FROM diff_fragments)")
    marked = report(db, tmp_path / "b")
    page = f"{url_key(URL)}.html"
    assert b"STORED-DIFF" in marked[page] and b"STORED-DIFF" not in marked[f"{url_key(OTHER)}.html"]
    # another renderer's fragments are never read: the report renders those diffs itself
    execute(db, "UPDATE diff_fragments SET renderer = 'an-older-renderer'")
    assert report(db, tmp_path / "c") == with_stored
    execute(db, "DELETE FROM diff_fragments")
    assert report(db, tmp_path / "d") == with_stored
    assert b"<del>300</del>" in with_stored[page] and b"<ins>Lewat Rajin</ins>" in with_stored[page]


def test_a_warehouse_from_before_migration_010_is_reported_then_filled_once(db: pathlib.Path,
                                                                           tmp_path: pathlib.Path) -> None:
    before = stored(db)
    pages = report(db, tmp_path / "a")
    execute(db, "DROP TABLE diff_fragments", "DROP TABLE diff_fragment_fills",
            "DELETE FROM schema_migrations WHERE version = 10")
    assert report(db, tmp_path / "b") == pages  # read-only, no table: every diff rendered
    con = connect(db)  # the migration creates the tables, empty
    assert con.execute("SELECT count(*) FROM diff_fragments").fetchall() == [(0,)]
    assert not fragments.filled(con, "id")
    con.close()
    con = connect(db)
    run(con, [checked(THIRD, BODY)], 3)  # a pass (of another article) fills the older edits' diffs
    assert fragments.filled(con, "id")
    con.close()
    assert stored(db) == before
    assert {name: page for name, page in report(db, tmp_path / "c").items() if name in pages} == pages


def test_fill_replaces_another_renderers_fragments_and_skips_what_is_there(db: pathlib.Path) -> None:
    before = stored(db)
    execute(db, "UPDATE diff_fragments SET renderer = 'old' WHERE new_version_id = "
                "(SELECT min(new_version_id) FROM diff_fragments)")
    con = connect(db)
    assert fragments.fill(con, "id") == 1
    assert fragments.fill(con, "id") == 0
    assert fragments.filled(con, "id") and not fragments.filled(con, "en")
    con.close()
    assert stored(db) == before


def test_english_fragments_are_their_own_renderer(db: pathlib.Path) -> None:
    con = connect(db)
    assert fragments.renderer_key("en") != fragments.renderer_key("id")
    assert fragments.fill(con, "en") == 3
    rows = con.execute("SELECT DISTINCT renderer FROM diff_fragments").fetchall()
    con.close()
    assert rows == [(fragments.renderer_key("en"),)]  # the Indonesian ones were dropped


def test_reparse_forgets_every_fragment(db: pathlib.Path) -> None:
    con = connect(db)
    fragments.forget(con)
    assert con.execute("SELECT count(*) FROM diff_fragments").fetchall() == [(0,)]
    assert not fragments.filled(con, "id")
    con.close()


WHITESPACE_HEAVY = st.text(alphabet=st.sampled_from(["a", "é", "😀", "\n", " ", "\t", "\xa0", "\u2003", "\x1c", "\x85",
                                                     "\u3000", "\v", "\r", "\u200b", "."]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(WHITESPACE_HEAVY)
def test_paragraphs_and_characters_counted_in_sql_equal_pythons(body: str) -> None:
    con = duckdb.connect()
    [(count, chars)] = con.execute(
        f"""SELECT len(parts), coalesce(list_sum(list_transform(parts, lambda p: length(p))), 0)
            FROM (SELECT {data._PARAGRAPHS_SQL} AS parts FROM (SELECT ?::VARCHAR AS body))""", [body]).fetchall()
    paragraphs = fragments.paragraphs(body)
    assert (count, chars) == (len(paragraphs), sum(map(len, paragraphs)))


def test_the_renderer_key_follows_the_words_a_fragment_holds_not_the_whole_catalogue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from beritawatch import i18n

    fragments.renderer_key.cache_clear()
    before = fragments.renderer_key("id")
    fragments.renderer_key.cache_clear()
    monkeypatch.setitem(i18n.MESSAGES, "r.back", {"id": "Kembali lagi", "en": "Back again"})
    assert fragments.renderer_key("id") == before
    fragments.renderer_key.cache_clear()
    monkeypatch.setitem(i18n.MESSAGES, "r.unchanged_body", {"id": "Isi sama.", "en": "Same body."})
    assert fragments.renderer_key("id") != before
    fragments.renderer_key.cache_clear()
