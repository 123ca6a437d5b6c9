"""The Parquet export analysts query during passes: complete, atomic, and readable while a pass
holds the warehouse."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import subprocess
import sys

import duckdb
import pytest

from warehouse.db import connect, with_memory_cap
from warehouse.export import MANIFEST, NOT_EXPORTED, PARTITIONED, VIEWS_DB, export_dir, export_parquet

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
    """Run `sql` over the Parquet file(s) at `path` (a file, or a table's folder of buckets) as view t."""
    files = path / "*.parquet" if path.is_dir() else path
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{files}')")
        return con.execute(sql).fetchall()


def views(out: pathlib.Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(out / VIEWS_DB), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_table_and_view_is_exported_next_to_the_database(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    export_parquet(con, export_dir(warehouse))
    out = warehouse.parent / "export"
    assert export_dir(warehouse) == out
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    names = set(manifest["files"])
    assert {"articles", "versions", "runs", "fetches", "alerts", "deliveries", "removals", "portal_health",
            "coverage", "source_polls"} <= names
    assert set(manifest["computed_views"]) == {"article_versions", "edits", "story_differences"}
    assert not names & NOT_EXPORTED
    for name in names:
        [(expected,)] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
        path = out / name if name in PARTITIONED else out / f"{name}.parquet"
        assert parquet(path) == [(expected,)] == [(manifest["tables"][name],)], name
        assert views(out, f'SELECT count(*) FROM "{name}"') == [(expected,)], name
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("**/*.parquet")) == \
        sorted(f for files in manifest["files"].values() for f in files)
    assert manifest["tables"]["versions"] == 40
    # raw HTML, the stories' internal lookup tables, the passes' parse memos and the report's stored diffs stay
    # in the warehouse
    assert manifest["not_exported"] == ["diff_fragment_fills", "diff_fragments", "page_dictionaries", "parse_memos",
                                        "story_fingerprints", "story_index", "version_pages"]
    # the views over history are computed from the Parquet files with the warehouse's own definitions
    query = "SELECT url, version, seen_at, title FROM article_versions ORDER BY url, version"
    assert views(out, query) == con.execute(query).fetchall()
    assert views(out, "SELECT max(version) FROM article_versions") == [(2,)]
    con.close()


@pytest.mark.parametrize("cap", ["64MB", "1MB"])  # the pass's cap; one below what DuckDB holds already
def test_an_export_under_a_memory_cap_writes_the_same_tables(warehouse: pathlib.Path, tmp_path: pathlib.Path,
                                                              cap: str) -> None:
    con = connect(warehouse)
    [(limit,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    export_parquet(con, tmp_path / "plain")
    with_memory_cap(con, cap, lambda: export_parquet(con, tmp_path / "capped"))
    plain, capped = (json.loads((tmp_path / name / MANIFEST).read_text(encoding="utf-8"))
                     for name in ("plain", "capped"))
    assert capped["tables"] == plain["tables"] and capped["files"] == plain["files"]
    assert parquet(tmp_path / "capped" / "versions", "SELECT sum(hash(body)) FROM t") == \
        parquet(tmp_path / "plain" / "versions", "SELECT sum(hash(body)) FROM t")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall() == [(limit,)]  # lifted after
    con.close()


def test_export_reads_committed_data_and_leaves_the_callers_transaction_alone(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('run-2', ?, 'running')", [NOW])
    export_parquet(con, out)
    assert parquet(out / "runs") == [(1,)]  # not committed yet: not exported
    con.execute("COMMIT")  # the caller's transaction survived the export
    export_parquet(con, out)
    assert parquet(out / "runs") == [(2,)]
    con.close()
    read_only = connect(warehouse, read_only=True)
    export_parquet(read_only, out)
    assert parquet(out / "runs") == [(2,)]
    read_only.close()


def test_a_failed_export_keeps_the_previous_files_whole(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    con.execute("CREATE VIEW zz_probe AS SELECT count(*) AS n FROM versions")
    export_parquet(con, out)
    before = (out / "zz_probe.parquet").read_bytes()
    manifest = (out / MANIFEST).read_bytes()
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('run-3', ?, 'running')", [NOW])
    # A view that fails while it is being written: error() raises at execution time.
    con.execute("CREATE OR REPLACE VIEW zz_probe AS SELECT error('boom') AS n FROM range(3)")
    with pytest.raises(duckdb.Error, match="boom"):
        export_parquet(con, out)
    assert (out / "zz_probe.parquet").read_bytes() == before
    assert parquet(out / "zz_probe.parquet", "SELECT n FROM t") == [(40,)]
    assert parquet(out / "runs") == [(2,)]  # written before the failure: already the new one
    assert (out / MANIFEST).read_bytes() == manifest  # still the last complete export
    assert not [p for p in out.glob("**/*") if p.name.endswith(".tmp")]
    con.close()


def test_a_reader_of_the_old_file_is_not_disturbed_by_the_rename(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    export_parquet(con, out)
    with (out / "versions" / "000000.parquet").open("rb") as reader:  # e.g. an analyst's long query
        old = reader.read(4)
        con.execute("DELETE FROM version_pages")
        con.execute("DELETE FROM versions WHERE title = 'Judul 1'")
        export_parquet(con, out)
        rest = reader.read()
    assert old == b"PAR1" and rest.endswith(b"PAR1")  # the old inode, whole, to the end
    assert parquet(out / "versions") == [(20,)]
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
        files = str(export_dir(warehouse) / "versions" / "*.parquet")
        with duckdb.connect() as analyst:
            [(n,)] = analyst.execute(f"SELECT count(*) FROM read_parquet('{files}')").fetchall()
        assert n == 40
        assert views(export_dir(warehouse), "SELECT count(*) FROM edits") == [(0,)]
    finally:
        holder.kill()
        holder.wait()


def _written(con: duckdb.DuckDBPyConnection, out: pathlib.Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in export_parquet(con, out)}


def test_a_pass_rewrites_only_the_buckets_that_changed(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    export_parquet(con, out)
    unchanged = _written(con, out)
    assert not {w for w in unchanged if "/" in w}  # no history bucket rewritten when nothing changed
    con.execute("""INSERT INTO fetches (fetch_id, run_id, article_url, url, requested_at, outcome)
                   VALUES (250000, 'run-1', 'u', 'u', ?, 'ok'), (1, 'run-1', 'u', 'u', ?, 'ok')""", [NOW, NOW])
    assert {w for w in _written(con, out) if "/" in w} == {"fetches/000000.parquet", "fetches/000005.parquet"}
    # retention deletes old rows: their bucket is rewritten, and removed once empty
    con.execute("""INSERT INTO fetches (fetch_id, run_id, article_url, url, requested_at, outcome)
                   VALUES (2, 'run-1', 'u', 'u', ?, 'ok')""", [NOW])
    export_parquet(con, out)
    con.execute("DELETE FROM fetches WHERE fetch_id = 1")
    assert {w for w in _written(con, out) if "/" in w} == {"fetches/000000.parquet"}
    assert parquet(out / "fetches", "SELECT count(*) FROM t") == [(2,)]
    con.execute("DELETE FROM fetches WHERE fetch_id = 2")
    assert not {w for w in _written(con, out) if "/" in w}
    assert not (out / "fetches" / "000000.parquet").exists()
    assert parquet(out / "fetches", "SELECT fetch_id FROM t") == [(250000,)]
    # reparse rewrites a version in place: the fingerprint sees it
    con.execute("UPDATE versions SET title = 'Judul baru' WHERE version_id = 3")
    assert {w for w in _written(con, out) if "/" in w} == {"versions/000000.parquet"}
    assert parquet(out / "versions", "SELECT title FROM t WHERE version_id = 3") == [("Judul baru",)]
    # an article dropped from revisits moves from active.parquet to the file of its month
    con.execute("UPDATE articles SET active = false WHERE url IN (SELECT url FROM articles LIMIT 5)")
    assert {w for w in _written(con, out) if w.startswith("articles/")} == \
        {"articles/active.parquet", "articles/2026-11.parquet"}
    assert parquet(out / "articles", "SELECT count(*) FILTER (NOT active) FROM t") == [(5,)]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["fetches"] == 1 and manifest["files"]["fetches"] == ["fetches/000005.parquet"]
    con.close()


def test_an_empty_history_table_still_has_its_columns(warehouse: pathlib.Path) -> None:
    con = connect(warehouse)
    out = export_dir(warehouse)
    export_parquet(con, out)
    assert parquet(out / "fetches", "SELECT count(*), count(fetch_id) FROM t") == [(0, 0)]
    assert views(out, "SELECT count(*) FROM fetches") == [(0,)]
    con.close()


def test_the_single_files_of_the_old_export_are_replaced(warehouse: pathlib.Path) -> None:
    out = export_dir(warehouse)
    out.mkdir(parents=True)
    for name in ("versions", "article_versions"):
        (out / f"{name}.parquet").write_bytes(b"PAR1 old PAR1")
    (out / MANIFEST).write_text('{"exported_at": "2026-11-01T00:00:00+00:00", "tables": {}}', encoding="utf-8")
    con = connect(warehouse)
    export_parquet(con, out)
    assert not (out / "versions.parquet").exists() and not (out / "article_versions.parquet").exists()
    assert parquet(out / "versions") == [(40,)]
    con.close()
