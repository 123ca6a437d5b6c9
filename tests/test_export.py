"""The Parquet export analysts query during passes: complete, atomic, and readable while a pass
holds the warehouse."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import subprocess
import sys
import time

import duckdb
import pytest

from warehouse.db import connect
from warehouse.export import MANIFEST, NOT_EXPORTED, export_dir, export_parquet

NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)


def fill(con: duckdb.DuckDBPyConnection, articles: int, versions_each: int = 2) -> None:
    """A small warehouse: articles with versions (and their raw pages), one run."""
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('run-1', ?, 'completed')", [NOW])
    con.execute("""INSERT INTO articles (url, portal, source, first_seen)
                   SELECT 'https://news.detik.com/internasional/d-' || (7300000 + i) || '/berita-' || i,
                          'detik', 'track', ? FROM range(?) t(i)""", [NOW, articles])
    con.execute("""INSERT INTO versions (version_id, article_url, run_id, seen_at, content_hash, title, body)
                   SELECT row_number() OVER (), a.url, 'run-1', ? + to_seconds(v), md5(a.url || v),
                          'Judul ' || v, repeat('Paragraf berita uji. ', 150) || v
                   FROM articles a, range(?) t(v)""", [NOW, versions_each])
    con.execute("""INSERT INTO version_pages (version_id, seq, url, codec, html)
                   SELECT version_id, 0, article_url, 'zstd', '\\x00'::BLOB FROM versions""")


@pytest.fixture
def warehouse(tmp_path: pathlib.Path) -> pathlib.Path:
    db = tmp_path / "data" / "beritawatch.duckdb"
    con = connect(db)
    fill(con, 20)
    con.close()
    return db


def parquet(path: pathlib.Path, sql: str = "SELECT count(*) FROM t") -> list[tuple[object, ...]]:
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
        return con.execute(sql).fetchall()


def test_every_table_and_view_is_exported_next_to_the_database(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    written = export_parquet(con, export_dir(warehouse))
    out = warehouse.parent / "export"
    assert export_dir(warehouse) == out
    names = {p.stem for p in written}
    assert {"articles", "versions", "runs", "fetches", "alerts", "deliveries", "article_versions", "edits",
            "removals", "portal_health"} <= names
    assert not names & NOT_EXPORTED
    for path in written:
        [(expected,)] = con.execute(f'SELECT count(*) FROM "{path.stem}"').fetchall()
        assert parquet(path) == [(expected,)], path.name
    assert parquet(out / "article_versions.parquet", "SELECT max(version) FROM t") == [(2,)]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["versions"] == 40
    assert manifest["not_exported"] == ["page_dictionaries", "version_pages"]  # raw HTML stays in the warehouse
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, *(p.name for p in written)])
    con.close()


def test_export_reads_committed_data_and_leaves_the_callers_transaction_alone(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('run-2', ?, 'running')", [NOW])
    export_parquet(con, out)
    assert parquet(out / "runs.parquet") == [(1,)]  # not committed yet: not exported
    con.execute("COMMIT")  # the caller's transaction survived the export
    export_parquet(con, out)
    assert parquet(out / "runs.parquet") == [(2,)]
    con.close()
    read_only = connect(warehouse, read_only=True)
    assert len(export_parquet(read_only, out)) >= 10
    read_only.close()


def test_a_failed_export_keeps_the_previous_files_whole(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    con.execute("CREATE VIEW zz_probe AS SELECT count(*) AS n FROM versions")
    export_parquet(con, out)
    before = (out / "zz_probe.parquet").read_bytes()
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('run-3', ?, 'running')", [NOW])
    # A view that fails while it is being written: error() raises at execution time.
    con.execute("CREATE OR REPLACE VIEW zz_probe AS SELECT error('boom') AS n FROM range(3)")
    with pytest.raises(duckdb.Error, match="boom"):
        export_parquet(con, out)
    assert (out / "zz_probe.parquet").read_bytes() == before
    assert parquet(out / "zz_probe.parquet", "SELECT n FROM t") == [(40,)]
    assert parquet(out / "runs.parquet") == [(2,)]  # written before the failure: already the new one
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    con.close()


def test_a_reader_of_the_old_file_is_not_disturbed_by_the_rename(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    export_parquet(con, out)
    with (out / "versions.parquet").open("rb") as reader:  # e.g. an analyst's long query
        old = reader.read(4)
        con.execute("DELETE FROM version_pages")
        con.execute("DELETE FROM versions WHERE title = 'Judul 1'")
        export_parquet(con, out)
        rest = reader.read()
    assert old == b"PAR1" and rest.endswith(b"PAR1")  # the old inode, whole, to the end
    assert parquet(out / "versions.parquet") == [(20,)]
    con.close()


def test_analysts_query_the_export_while_another_process_holds_the_warehouse(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    export_parquet(con, export_dir(warehouse))
    con.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(30)", str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(warehouse), read_only=True)
        files = str(export_dir(warehouse) / "*.parquet")
        with duckdb.connect() as analyst:
            [(n,)] = analyst.execute(
                f"SELECT count(*) FROM read_parquet('{files}', filename = true) "
                "WHERE filename LIKE '%/versions.parquet'").fetchall()
        assert n == 40
    finally:
        holder.kill()
        holder.wait()


def test_export_time_for_a_few_thousand_versions(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "big.duckdb"
    con = connect(db)
    fill(con, 1000, versions_each=3)  # 3,000 versions of ~3 KB
    started = time.perf_counter()
    export_parquet(con, export_dir(db))
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in export_dir(db).glob("*.parquet"))
    print(f"\nexport of 3,000 versions: {seconds:.2f} s, {size / 1e6:.1f} MB of Parquet")
    assert seconds < 10
    con.close()
