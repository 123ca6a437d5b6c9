"""The stories step in chunks (bounded memory) gives the result of one chunk: the same links,
roles, drift and alerts, on two passes of copies, rewrites and edits, with a candidate budget so
small that articles later in the pass take candidate slots."""
from __future__ import annotations

import datetime as dt
import pathlib
import shutil

import duckdb
import pytest

from beritawatch.check import PARSED, CheckResult, DueArticle
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.stories.settings import StorySettings
from parsers import Article
from tests.test_stories import ADDED, OTHER, WIRE
from tests.test_stories_batching import _stories
from warehouse import store, stories
from warehouse.backend import locate
from warehouse.db import connect, write

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
DRILL = (
    "Korea Utara menembakkan dua rudal balistik jarak pendek ke Laut Timur pada Selasa pagi.",
    "Kepala Staf Gabungan Korea Selatan menyebut rudal terbang sekitar 350 kilometer sebelum jatuh.",
    '"Peluncuran ini jelas melanggar resolusi Dewan Keamanan," kata Menteri Pertahanan Jepang Gen Nakatani.',
    "Pyongyang belum memberikan keterangan resmi mengenai uji coba tersebut.",
)
DATELINES = {"detik": "Jakarta - ", "tribun": "TRIBUNNEWS.COM - ", "republika": "REPUBLIKA.CO.ID, SEOUL -- ",
             "tempo": "TEMPO.CO, Jakarta - "}


def _url(portal: str, n: int) -> str:
    return {"detik": f"https://news.detik.com/internasional/d-78{n:05d}/berita-{n}",
            "tribun": f"https://www.tribunnews.com/internasional/2026/11/30/berita-{n}",
            "republika": f"https://internasional.republika.co.id/berita/t3ab{n:05d}/berita-{n}",
            "tempo": f"https://dunia.tempo.co/read/19{n:05d}/berita-{n}"}[portal]


def _variant(text: tuple[str, ...], portal: str, n: int) -> tuple[str, ...]:
    """A copy as an outlet runs it: its dateline, and by turn an added fact, a changed number, a cut."""
    body = (DATELINES[portal] + text[0], *text[1:])
    if n % 4 == 1:
        return (*body, ADDED)
    if n % 4 == 2:
        return (body[0].replace("300", "ribuan").replace("350", "400"), *body[1:])
    if n % 4 == 3:
        return body[:3]
    return body


def _check(n: int, portal: str, title: str, body: tuple[str, ...], hours: float) -> CheckResult:
    url = _url(portal, n)
    art = Article(url=url, portal=portal, title=title, authors=("A",), body=body,
                  published=T0 + dt.timedelta(hours=hours))
    fetch = FetchResult(url, T0, "ok", 200, 5.0, b"<html/>", "text/html", None, None, url)
    return CheckResult(DueArticle(url, portal), PARSED, (fetch,), art, ((url, b"<html>x</html>"),))


PORTAL_ORDER = ("detik", "tribun", "republika", "tempo")
STORIES = (("Korut Kirim Kontainer Amunisi ke Rusia", WIRE), ("Putin Terima Menlu Korut", OTHER),
           ("Korut Tembakkan Dua Rudal Balistik", DRILL))


def _passes() -> list[list[CheckResult]]:
    """Pass 1: three stories of six members each, spread over a day, and two lone articles; pass 2:
    four new members, an edited first member (its story is redone) and an edited later member."""
    first: list[CheckResult] = []
    for n in range(18):
        title, text = STORIES[n % 3]
        first.append(_check(n, PORTAL_ORDER[n % 4], title, _variant(text, PORTAL_ORDER[n % 4], n // 3), n * 0.7))
    first.append(_check(90, "tempo", "Banjir Rendam Jakarta Utara",
                        ("Hujan deras sejak malam membuat banjir setinggi satu meter di Jakarta Utara.",
                         "Warga mengungsi ke masjid dan sekolah terdekat sambil menunggu air surut."), 5.0))
    first.append(_check(91, "detik", "Harga Beras Naik",
                        ("Harga beras medium naik Rp 500 per kilogram di pasar.",
                         "Pedagang menyebut pasokan dari Jawa Tengah berkurang."), 6.0))
    second = [_check(20 + n, PORTAL_ORDER[(n + 1) % 4], STORIES[n % 3][0],
                     _variant(STORIES[n % 3][1], PORTAL_ORDER[(n + 1) % 4], n + 1), 13 + n) for n in range(4)]
    edited_first = _check(0, "detik", STORIES[0][0], ("Jakarta - " + WIRE[0].replace("sekitar 300", "ribuan"),
                                                      *WIRE[1:], ADDED), 0.0)
    edited_member = _check(4, "detik", STORIES[1][0], (DATELINES["detik"] + OTHER[0], *OTHER[1:3], ADDED), 2.8)
    return [first, [*second, edited_first, edited_member]]


def _grouped(path: pathlib.Path, chunk: int, settings: StorySettings) -> tuple[dict[str, object], list[object]]:
    """Both passes stored, each grouped in chunks of `chunk` articles; the stories and the alerts."""
    con = connect(path)
    try:
        for n, results in enumerate(_passes()):
            now = T0 + dt.timedelta(days=1 + n)
            store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
            policy = store.PassPolicy(topics=default_topics(), next_check=lambda *_, at=now: at + dt.timedelta(hours=1),
                                      language="id")  # no stories: grouped below
            store.record_checks(con, f"run-{n}", results, now, policy)
            done = write(con, lambda n=n, now=now: stories.group_pass(con, f"run-{n}", now, settings, "id",
                                                                      chunk=chunk))
            assert done.fingerprinted == len(results)
        alerts = con.execute("""SELECT run_id, kind, dedupe_key, article_url, payload FROM alerts
                                ORDER BY run_id, kind, dedupe_key""").fetchall()
        return _stories(con), alerts
    finally:
        con.close()


@pytest.mark.parametrize("max_candidates", [2, 30])
def test_chunks_of_any_size_group_as_one_chunk(tmp_path: pathlib.Path, max_candidates: int) -> None:
    settings = StorySettings(max_candidates=max_candidates)
    whole = _grouped(tmp_path / "whole.duckdb", 10_000, settings)
    links, drift = whole[0]["links"], whole[0]["drift"]
    assert isinstance(links, list) and isinstance(drift, list)
    members: dict[object, int] = {}
    for first, *_ in links:
        members[first] = members.get(first, 0) + 1
    assert sum(1 for n in members.values() if n >= 4) == 3  # the three stories, each of several members
    assert any(kind == "added" and facts for *_, kind, _t, _o, _r, facts in drift)  # a member adds facts
    assert any(kind == "story" for _, kind, *_ in whole[1])  # later members' alerts were regrouped
    for chunk in (1, 3, 7):
        assert _grouped(tmp_path / f"chunk{chunk}.duckdb", chunk, settings) == whole, chunk


def _stored_pass(path: pathlib.Path) -> dt.datetime:
    """The first pass stored in a fresh warehouse at `path`, not grouped yet."""
    results = _passes()[0]
    now = T0 + dt.timedelta(days=1)
    con = connect(path)
    try:
        store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
        store.record_checks(con, "run-0", results, now, store.PassPolicy(
            topics=default_topics(), next_check=lambda *_: now + dt.timedelta(hours=1), language="id"))
    finally:
        con.close()
    return now


def _duckdb_bytes(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
    return int(row[0]) if row else 0


def test_the_capped_step_on_its_own_connection_gives_the_same_stories(tmp_path: pathlib.Path) -> None:
    """`group_pass_apart` (the flow's call: own connection, DuckDB's memory capped), a cap below
    what DuckDB holds (it cannot be set) and a cap the step cannot work within (it runs again
    without) all give `group_pass`'s result, and leave DuckDB's memory limit as it was."""
    found = []
    for name in ("plain", "apart", "below-held", "too-small"):
        path = tmp_path / f"{name}.duckdb"
        now = _stored_pass(path)
        con = connect(path)
        default_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
        if name == "plain":
            write(con, lambda con=con, now=now: stories.group_pass(con, "run-0", now, StorySettings(), "id"))
        elif name == "apart":
            con.close()
            assert stories.group_pass_apart(locate(str(path)), "run-0", now, StorySettings(), "id")
            con = connect(path)
        else:
            held = _duckdb_bytes(con)
            cap = f"{held // 2 if name == 'below-held' else held + 1_000_000}B"
            if name == "too-small":  # the step alone cannot work within this cap
                shutil.copy(path, tmp_path / "probe.duckdb")
                probe = connect(tmp_path / "probe.duckdb")
                probe.execute(f"SET memory_limit = '{_duckdb_bytes(probe) + 1_000_000}B'")
                with pytest.raises(duckdb.OutOfMemoryException):
                    write(probe, lambda p=probe, now=now: stories.group_pass(p, "run-0", now, StorySettings(), "id"))
                probe.close()
            assert stories.group_pass_safely(con, "run-0", now, StorySettings(), "id", memory_limit=cap)
            assert con.execute("SELECT current_setting('memory_limit')").fetchone() == default_limit
        assert con.execute("SELECT count(*) FROM events WHERE kind = 'stories_error'").fetchone() == (0,)
        found.append(_stories(con))
        con.close()
    assert found[0]["links"] and all(other == found[0] for other in found[1:])


def test_a_warehouse_that_cannot_be_opened_again_skips_the_step(tmp_path: pathlib.Path) -> None:
    """Between the store's connection and the step's another process may take the file: the step
    is skipped (the pass is stored already), it never fails the store task."""
    (tmp_path / "file").write_text("not a folder")
    unopenable = locate(str(tmp_path / "file" / "w.duckdb"))
    assert stories.group_pass_apart(unopenable, "run-0", T0, StorySettings(), "id") is None
