"""A big report's article pages written by helper processes: the same bytes whether the helpers read
their batches from the warehouse file themselves, are handed them, or the report's process does it all."""
from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import duckdb
import pytest

from beritawatch.report import pages as report_pages
from beritawatch.report import write_report
from tests.test_report import synthesize
from warehouse.db import connect

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    db = tmp_path_factory.mktemp("helpers") / "w.duckdb"
    synthesize(db, articles=300, edited=90, relevant=120, versions_each=4, paragraphs=5)
    con = connect(db)  # a story, so its pages are among those compared
    con.execute("INSERT INTO story_groups (story_id, created_at) VALUES (1, now())")
    con.execute("INSERT INTO story_links (article_url, story_id, role, similarity, joined_at) "
                "VALUES ('https://detik.example/berita/0/judul-artikel-0', 1, 'first', 1.0, now())")
    con.close()
    return db


def _files(folder: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _report(db: pathlib.Path, out: pathlib.Path, *, read_only: bool) -> dict[str, bytes]:
    con = connect(db, read_only=read_only)
    try:
        write_report(con, out, now=NOW)
    finally:
        con.close()
    return _files(out)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pages, "RENDER_BATCH", 25)  # several batches per helper


@pytest.mark.usefixtures("small_batches")
def test_helpers_reading_the_file_write_what_the_report_alone_writes(warehouse: pathlib.Path, tmp_path: pathlib.Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pages, "PARALLEL_FROM", 10**9)
    alone = _report(warehouse, tmp_path / "alone", read_only=True)
    monkeypatch.setattr(report_pages, "PARALLEL_FROM", 1)
    jobs: list[str] = []
    job = report_pages._Reader.job

    def counted(reader: report_pages._Reader, *args: Any) -> Any:
        jobs.append(job(reader, *args)[0].__name__)
        return job(reader, *args)

    monkeypatch.setattr(report_pages._Reader, "job", counted)
    here: list[int] = []
    render = report_pages.render_pages

    def counted_here(pages_dir: pathlib.Path, pages: Any, lang: Any) -> list[str]:
        here.append(len(pages))
        return render(pages_dir, pages, lang)

    with monkeypatch.context() as patch:  # (a function of this test cannot be handed to a helper)
        patch.setattr(report_pages, "render_pages", counted_here)  # in this process only
        reading = _report(warehouse, tmp_path / "reading", read_only=True)  # helpers open the file read-only
    assert jobs and set(jobs) == {"render_shared_batch"}
    assert here == []  # every batch written by a helper: none left to this process
    jobs.clear()
    handed = _report(warehouse, tmp_path / "handed", read_only=False)  # a writer's connection: data handed over
    assert jobs and set(jobs) == {"render_pages"}
    articles = [name for name in alone if name.startswith("articles/") and name.endswith(".html")]
    assert len(articles) == 120 and "stories/story-1.html" in alone and "articles-2.html" not in alone
    assert reading == alone and handed == alone


@pytest.mark.usefixtures("small_batches")
def test_helpers_that_cannot_open_the_warehouse_leave_their_batches_to_the_report(
        warehouse: pathlib.Path, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _report(warehouse, tmp_path / "expected", read_only=True)
    not_a_warehouse = tmp_path / "not-a-warehouse.duckdb"
    not_a_warehouse.write_text("not a DuckDB file", encoding="utf-8")
    monkeypatch.setattr(report_pages, "PARALLEL_FROM", 1)
    monkeypatch.setattr(report_pages, "_shared_file", lambda con: str(not_a_warehouse))
    here: list[int] = []
    render = report_pages.render_pages

    def counted(pages_dir: pathlib.Path, pages: Any, lang: Any) -> list[str]:
        here.append(len(pages))
        return render(pages_dir, pages, lang)

    monkeypatch.setattr(report_pages, "render_pages", counted)  # in this process only: the fallback
    assert _report(warehouse, tmp_path / "fallback", read_only=True) == expected
    assert sum(here) == 120  # every page, by the report's own process


def test_only_a_file_opened_read_only_is_shared_with_the_helpers(warehouse: pathlib.Path) -> None:
    con = connect(warehouse, read_only=True)
    try:
        assert report_pages._shared_file(con) == str(warehouse)
    finally:
        con.close()
    con = connect(warehouse)
    try:
        assert report_pages._shared_file(con) is None  # no other process may open it while this one writes
    finally:
        con.close()
    assert report_pages._shared_file(duckdb.connect()) is None  # in memory: nothing to open
