"""The analysts' copy: the warehouse's tables and views as Parquet, brought up to date after each pass.

DuckDB lets one process hold the warehouse file, and a pass holds it while it writes. Analysts
query `<db dir>/export/` instead, from any tool and at any time:

    duckdb -c "SELECT portal, count(*) FROM 'data/export/coverage.parquet' GROUP BY 1"
    duckdb -c "SELECT outcome, count(*) FROM 'data/export/fetches/*.parquet' GROUP BY 1"
    duckdb -readonly data/export/views.duckdb -c "SELECT url, kind, summary FROM edits LIMIT 5"

What a pass costs must not grow with a year of history, so the tables that grow are split:

- history tables (`PARTITIONED`: fetches, versions, edit_records, events, alerts, deliveries,
  source_polls, runs, articles, story_drift) are directories of files, one per bucket of rows:
  `fetches/000012.parquet` holds fetch_id 600,000..649,999; `source_polls/2026-11.parquet` a month
  of polls; `articles/active.parquet`
  the articles still revisited and `articles/2026-11.parquet` the others first seen that month. A
  pass rewrites only the buckets whose row count or fingerprint (a hash of the columns that can
  change) differs from the last export: the newest bucket or two, plus any that retention or
  `reparse` touched. Query them with a glob (`'data/export/versions/*.parquet'`).
- views over that history (`COMPUTED_VIEWS`: article_versions, edits, story_differences) are not copied: the
  warehouse's own view definitions are recreated in `views.duckdb` over the Parquet files, so
  they are computed when queried. `views.duckdb` names every exported table and view, so any
  query written against the warehouse runs there unchanged.
- everything else (sources, the daily retention totals, the small views: coverage, removals,
  portal_health, and tables added later) is one file per name, rewritten each pass.

Each file is written to a hidden temporary name in the same directory and renamed over the old
one, so a reader sees the previous file or the new one, never half of one. All files of one export
are read from one snapshot of the warehouse; they are renamed one after the other, so a reader
opening several files during the (sub-second) renames may mix two consecutive passes, and a glob
listed just before a bucket is removed (retention emptied it) may name a file that is gone: rerun.
`_manifest.json` (written last) says when the export was made, the files of each name and their
rows, and the fingerprints the next export compares against.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pathlib
from collections.abc import Callable, Collection
from typing import Any

import duckdb

EXPORT_DIR = "export"
# Raw HTML of every version: large, and only `beritawatch reparse` needs it (it reads the warehouse).
# The stories' lookup index and signatures are internal (millions of band keys at 50k articles);
# analysts read stories through the story_* views. Parse memos are the passes' cache (beritawatch/parse_memo.py),
# the report's rendered diffs its cache (beritawatch.report.fragments): neither is data.
NOT_EXPORTED = frozenset({"version_pages", "page_dictionaries", "story_index", "story_fingerprints", "parse_memos",
                          "diff_fragments", "diff_fragment_fills"})
MANIFEST = "_manifest.json"
VIEWS_DB = "views.duckdb"
FORMAT = 2  # manifest layout; an older or unreadable manifest means a full export


@dataclasses.dataclass(frozen=True)
class Partitioning:
    """How a growing table is split into files: `bucket` (SQL) names a row's file, `fingerprint`
    hashes the columns that can change after insert (None: rows are only ever added or deleted).
    `id_rows`: the bucket is `id_column // id_rows` (an integer: cheap to group 5M rows by, and read
    back by range, which DuckDB can skip to)."""

    bucket: str
    fingerprint: str | None = None
    id_column: str | None = None
    id_rows: int = 0

    def name(self, bucket: object) -> str:
        """The file name (without .parquet) of a bucket: 000012, 2026-11, active."""
        if self.id_column is not None:
            return f"{int(str(bucket)):06d}"
        month = int(str(bucket))
        return f"{month // 100}-{month % 100:02d}" if month else ACTIVE

    def rows_of(self, name: str) -> tuple[str, list[Any]]:
        """(WHERE clause, parameters) selecting the rows of the bucket file `name`."""
        if self.id_column is not None:
            low = int(name) * self.id_rows
            return f"{self.id_column} >= ? AND {self.id_column} < ?", [low, low + self.id_rows]
        month = 0 if name == ACTIVE else int(name.replace("-", ""))
        return f"{self.bucket} = ?", [month]


def _by_id(column: str, rows: int, fingerprint: str | None = None) -> Partitioning:
    return Partitioning(f"{column} // {rows}", fingerprint, column, rows)


def _month(column: str) -> str:
    """yyyymm as an integer (grouping 500k rows by a formatted string costs ten times more)."""
    return f"(year({column}) * 100 + month({column}))"


ACTIVE = "active"


PARTITIONED: dict[str, Partitioning] = {
    "fetches": _by_id("fetch_id", 50_000),  # a pass rewrites the newest bucket and, after retention, the oldest
    "versions": _by_id("version_id", 5_000, "hash(version_id, content_hash, meta_hash, title)"),
    "edit_records": _by_id("edit_id", 20_000, "hash(edit_id, kind, summary, topic_score)"),
    "events": _by_id("event_id", 100_000),
    "alerts": _by_id("alert_id", 20_000),
    "deliveries": _by_id("alert_id", 20_000, "hash(alert_id, target, status, attempts, parts_sent, sent_at)"),
    # rebuilt per story when a member joins or is edited; copied whole, ~100 MB of DuckDB memory a pass
    "story_drift": _by_id("story_id", 1_000, "hash(article_url, reference_url, kind, text, other_text, found_at)"),
    "source_polls": Partitioning(_month("polled_at"), "hash(source_url, polled_at, outcome)"),
    "runs": Partitioning(_month("started_at"), "hash(run_id, status, finished_at)"),
    # revisited articles change every pass (active.parquet); the others, mostly discovered and
    # judged not relevant, rarely (a file per month first seen)
    "articles": Partitioning(f"CASE WHEN active THEN 0 ELSE {_month('first_seen')} END",
                             "hash(url, status, current_hash, last_checked, relevance, title)"),
}
# story_differences joins every edit and the articles table twice: copied each pass, it cost
# ~300 MB of DuckDB memory on a year's warehouse even with no story at all.
COMPUTED_VIEWS = frozenset({"article_versions", "edits", "story_differences"})
EMPTY = "empty"  # the file that carries an empty partitioned table's columns


def export_dir(db_path: pathlib.Path | str) -> pathlib.Path:
    """Where the export of the warehouse at `db_path` goes: `<db dir>/export`."""
    return pathlib.Path(db_path).parent / EXPORT_DIR


def exported_names(con: duckdb.DuckDBPyConnection, skip: Collection[str] = NOT_EXPORTED) -> list[str]:
    """The warehouse's own tables and views (not temporary ones), minus `skip`, sorted."""
    found = con.execute("""SELECT table_name FROM information_schema.tables
                           WHERE table_catalog = current_database() AND table_schema = 'main'
                           ORDER BY table_name""").fetchall()
    return [name for (name,) in found if name not in skip]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_path(path: pathlib.Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _replace_atomically(path: pathlib.Path, write: Callable[[pathlib.Path], None]) -> None:
    """Write `path` via a hidden temporary file in the same directory, then rename it over."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _copy(cur: duckdb.DuckDBPyConnection, select: str, target: pathlib.Path, params: list[Any]) -> int:
    """COPY the query's rows to `target` atomically; the number of rows."""
    rows = 0

    def write(tmp: pathlib.Path) -> None:
        nonlocal rows
        [(rows,)] = cur.execute(f"COPY ({select}) TO {_quote_path(tmp)} (FORMAT parquet, COMPRESSION zstd)",
                                params).fetchall()

    _replace_atomically(target, write)
    return int(rows)


def read_manifest(out_dir: pathlib.Path | str) -> dict[str, Any]:
    """The last export's manifest, or {} when there is none of this format."""
    try:
        manifest = json.loads((pathlib.Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else {}


@dataclasses.dataclass
class _Export:
    """One export run: the snapshot cursor, the output directory, what the last export left."""

    cur: duckdb.DuckDBPyConnection
    out: pathlib.Path
    before: dict[str, Any]
    written: list[pathlib.Path] = dataclasses.field(default_factory=list)
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    files: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    buckets: dict[str, dict[str, list[Any]]] = dataclasses.field(default_factory=dict)

    def whole(self, name: str) -> None:
        """One file for the table or view, rewritten."""
        target = self.out / f"{name}.parquet"
        self.rows[name] = _copy(self.cur, f"SELECT * FROM {_quote_ident(name)}", target, [])
        self.files[name] = [target.name]
        self.written.append(target)

    def partitioned(self, name: str, how: Partitioning) -> None:
        """Rewrite the buckets that changed since the last export; drop the ones now empty."""
        folder = self.out / name
        folder.mkdir(exist_ok=True)
        fingerprint = f"bit_xor({how.fingerprint})::VARCHAR" if how.fingerprint else "NULL"
        found = self.cur.execute(f"""SELECT {how.bucket} AS bucket, count(*), {fingerprint}
                                     FROM {_quote_ident(name)} GROUP BY ALL ORDER BY 1""").fetchall()
        now = {how.name(bucket): [int(count), print_] for bucket, count, print_ in found}
        old: dict[str, list[Any]] = self.before.get("buckets", {}).get(name, {})
        for bucket, state in now.items():
            target = folder / f"{bucket}.parquet"
            if old.get(bucket) != state or not target.exists():
                where, params = how.rows_of(bucket)
                _copy(self.cur, f"SELECT * FROM {_quote_ident(name)} WHERE {where}", target, params)
                self.written.append(target)
        if not now:  # no rows: one empty file keeps the columns (and the glob) valid
            _copy(self.cur, f"SELECT * FROM {_quote_ident(name)} LIMIT 0", folder / f"{EMPTY}.parquet", [])
            now = {EMPTY: [0, None]}
        for stale in folder.glob("*.parquet"):
            if stale.stem not in now:
                stale.unlink(missing_ok=True)
        (self.out / f"{name}.parquet").unlink(missing_ok=True)  # the single file of format 1
        self.buckets[name] = now
        self.rows[name] = sum(count for count, _ in now.values())
        self.files[name] = [f"{name}/{bucket}.parquet" for bucket in now]


def _views_ddl(cur: duckdb.DuckDBPyConnection, out: pathlib.Path, files: dict[str, list[str]],
               computed: list[str]) -> str:
    """SQL that names every exported table and view over its Parquet file(s), then recreates the
    computed views with the warehouse's own definitions."""
    base = out.resolve()
    lines = []
    for name, names in sorted(files.items()):
        where = base / name / "*.parquet" if "/" in names[0] else base / names[0]
        lines.append(f"CREATE VIEW {_quote_ident(name)} AS SELECT * FROM read_parquet({_quote_path(where)});")
    for name in computed:
        [(sql,)] = cur.execute("SELECT sql FROM duckdb_views() WHERE view_name = ? AND NOT internal",
                               [name]).fetchall()
        lines.append(sql.strip().rstrip(";") + ";")
    return "\n".join(lines) + "\n"


def _write_views(out: pathlib.Path, ddl: str) -> None:
    def write(tmp: pathlib.Path) -> None:
        with duckdb.connect(str(tmp)) as views:
            views.execute(ddl)

    _replace_atomically(out / VIEWS_DB, write)


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path | str,
                   skip: Collection[str] = NOT_EXPORTED) -> list[pathlib.Path]:
    """Bring `out_dir` up to date with the warehouse; return the files written by this call.

    Reads what is committed (call it after the pass's transactions), on a read-write or
    read-only connection. Raises duckdb.Error or OSError on failure; a file not yet replaced
    keeps its previous, complete content, and the manifest still describes the last complete export.
    """
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    before = read_manifest(out)
    # A cursor is a connection of its own: its transaction is one snapshot of what is committed,
    # and the caller's transaction (if any) is left alone.
    from warehouse.db import cursor  # warehouse.db imports this module

    cur = cursor(con)  # on a lake, a cursor on the lake (a bare .cursor() is not)
    run = _Export(cur, out, before)
    try:
        cur.execute("BEGIN TRANSACTION")
        names = exported_names(cur, skip)
        computed = [n for n in names if n in COMPUTED_VIEWS]
        for name in names:
            if name in PARTITIONED:
                run.partitioned(name, PARTITIONED[name])
            elif name not in COMPUTED_VIEWS:
                run.whole(name)
        ddl = _views_ddl(cur, out, run.files, computed)
        cur.execute("ROLLBACK")  # read only: nothing to keep
    finally:
        cur.close()
    if ddl != before.get("views_ddl") or not (out / VIEWS_DB).exists():
        _write_views(out, ddl)
        run.written.append(out / VIEWS_DB)
    for name in computed:
        (out / f"{name}.parquet").unlink(missing_ok=True)  # copied in format 1: now computed
    manifest = {"format": FORMAT, "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "tables": run.rows, "files": run.files, "computed_views": computed, "views": VIEWS_DB,
                "not_exported": sorted(skip), "buckets": run.buckets, "views_ddl": ddl}
    def write_manifest(tmp: pathlib.Path) -> None:
        tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")

    _replace_atomically(out / MANIFEST, write_manifest)
    return run.written
