"""The analysts' copy: every table and view of the warehouse as Parquet, rewritten after each pass.

DuckDB lets one process hold the warehouse file, and a pass holds it while it writes. Analysts
query `<db dir>/export/*.parquet` instead, from any tool and at any time:

    duckdb -c "SELECT portal, count(*) FROM 'data/export/versions.parquet' GROUP BY 1"

Each file is written to a hidden temporary name in the same directory and renamed over the old
one, so a reader sees the previous file or the new one, never half of one. All files of one export
are read from one snapshot of the warehouse; they are renamed one after the other, so a reader
opening several files during the (sub-second) renames may mix two consecutive passes.
`_manifest.json` (written last) says when the export was made and how many rows each file has.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
from collections.abc import Callable, Collection

import duckdb

EXPORT_DIR = "export"
# Raw HTML of every version: large, and only `beritawatch reparse` needs it (it reads the warehouse).
NOT_EXPORTED = frozenset({"version_pages", "page_dictionaries"})
MANIFEST = "_manifest.json"


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


def _quote_path(path: pathlib.Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _replace_atomically(path: pathlib.Path, write: Callable[[pathlib.Path], None]) -> None:
    """Write `path` via a hidden temporary file in the same directory, then rename it over."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path | str,
                   skip: Collection[str] = NOT_EXPORTED) -> list[pathlib.Path]:
    """Write each table and view to `out_dir/<name>.parquet` atomically; return the files written.

    Reads what is committed (call it after the pass's transactions), on a read-write or
    read-only connection. Raises duckdb.Error or OSError on failure; a file not yet replaced
    keeps its previous, complete content.
    """
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A cursor is a connection of its own: its transaction is one snapshot of what is committed,
    # and the caller's transaction (if any) is left alone.
    cur = con.cursor()
    written: list[pathlib.Path] = []
    counts: dict[str, int] = {}
    try:
        cur.execute("BEGIN TRANSACTION")
        for name in exported_names(cur, skip):
            target = out / f"{name}.parquet"

            def write(tmp: pathlib.Path, name: str = name) -> None:
                [(rows,)] = cur.execute(
                    f"COPY (SELECT * FROM {_quote_ident(name)}) TO {_quote_path(tmp)} "
                    "(FORMAT parquet, COMPRESSION zstd)").fetchall()
                counts[name] = int(rows)

            _replace_atomically(target, write)
            written.append(target)
        cur.execute("ROLLBACK")  # read only: nothing to keep
    finally:
        cur.close()
    manifest = {"exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "tables": counts, "not_exported": sorted(skip)}
    _replace_atomically(out / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1) + "\n",
                                                                    encoding="utf-8"))
    return written
