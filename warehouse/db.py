"""Opening the warehouse (a DuckDB file or a DuckLake, see `warehouse.backend`): the single-writer
lock of the file, serialised and retried write transactions on the lake, recorded migrations (in
the lake's dialect there), batched inserts.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import importlib
import importlib.resources
import json
import logging
import os
import pathlib
import random
import re
import time
import weakref
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import duckdb

from warehouse import dialect
from warehouse.backend import (
    CATALOG_ALIAS,
    LAKE_ALIAS,
    BackendError,
    Location,
    attach_lake,
    attach_postgres,
    load_extensions,
    locate,
    postgres_connection,
)
from warehouse.export import export_dir

MIGRATIONS_PACKAGE = "warehouse.migrations"
INSERT_CHUNK = 250
WRITE_ATTEMPTS = 12  # a lake write transaction that lost a commit race is run again this often
WRITE_LOCK_KEY = 0x6265726974  # the PostgreSQL advisory lock the writers of a lake queue on
PORTAL_LOCK_CLASS = 0x6277  # the advisory-lock namespace ("bw") of the per-portal pass locks on a lake
T = TypeVar("T")


class WarehouseError(RuntimeError):
    """The warehouse cannot be used; the message says why and what to do."""


class WarehouseLocked(WarehouseError):
    """Another process holds the DuckDB file (DuckDB allows one writer process and no readers)."""


def _holder(message: str, path: pathlib.Path) -> str:
    match = re.search(r"held in (.+?) \(PID (\d+)\)", message)
    if not match:
        return "another process"
    pid = match.group(2)
    marker = read_pass_marker(path)
    if marker and str(marker.get("pid")) == pid:
        return (f"a beritawatch pass (process {pid}, run {marker.get('run_id')}, "
                f"started {marker.get('started')})")
    return f"process {pid} ({match.group(1)})"


def pass_marker_path(path: pathlib.Path | str) -> pathlib.Path:
    return pathlib.Path(f"{path}.pass.json")


def pass_lock_path(path: pathlib.Path | str) -> pathlib.Path:
    return pathlib.Path(f"{path}.pass.lock")


def read_pass_marker(path: pathlib.Path | str) -> dict[str, object] | None:
    """The marker a running pass leaves beside the warehouse (None when no pass runs)."""
    try:
        found = json.loads(pass_marker_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict):  # a marker that is valid JSON but not ours tells nothing
        return None
    marker: dict[str, object] = found
    return marker


@contextlib.contextmanager
def pass_marker(path: pathlib.Path | str, run_id: str) -> Iterator[None]:
    """Mark a pass as running on this warehouse, so a blocked reader is told what holds the file."""
    marker = pass_marker_path(path)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "run_id": run_id,
                                  "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}),
                      encoding="utf-8")
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


@contextlib.contextmanager
def pass_lock(path: pathlib.Path | str, run_id: str, *, wait_s: float = 0.0) -> Iterator[None]:
    """Hold a file warehouse for a whole pass: a second pass waits up to `wait_s`, then gets
    WarehouseLocked naming the holder. A pass opens the file only in short windows, so without
    this lock two passes interleave their windows and both go ahead. It is an OS lock (flock) on
    `<db>.pass.lock`, released by the kernel when the holder dies, even by SIGKILL."""
    lock_file = pass_lock_path(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _flock(fd, path, wait_s)
        with pass_marker(path, run_id):
            yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def pass_running(path: pathlib.Path | str) -> bool:
    """Whether a pass holds the file warehouse right now (the lock is tried, never kept)."""
    lock_file = pass_lock_path(path)
    if not lock_file.exists():
        return False
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def wait_for_no_pass(database: pathlib.Path | str, wait_s: float) -> None:
    """Return once no pass holds the file warehouse (at once for a lake, which takes many);
    WarehouseLocked after `wait_s`."""
    if str(database).startswith("ducklake:") or not pass_lock_path(database).exists():
        return
    fd = os.open(pass_lock_path(database), os.O_RDWR)
    try:
        _flock(fd, database, wait_s)
    finally:
        os.close(fd)


def _flock(fd: int, path: pathlib.Path | str, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"the warehouse {path} is held by {_pass_holder(path)}; one pass at a time writes "
                    f"a DuckDB file (waited {wait_s:g} s). Wait for it to finish, or use a DuckLake "
                    f"warehouse for parallel passes (README \"Beyond one machine\")."
                ) from None
            time.sleep(min(0.2, max(deadline - time.monotonic(), 0.01)))


def _pass_holder(path: pathlib.Path | str) -> str:
    marker = read_pass_marker(path)
    if not marker:
        return "another beritawatch pass"
    return (f"a beritawatch pass (process {marker.get('pid')}, run {marker.get('run_id')}, "
            f"started {marker.get('started')})")


@contextlib.contextmanager
def portal_locks(location: Location, portals: Sequence[str], *, wait_s: float = 0.0) -> Iterator[None]:
    """On a lake catalogued in PostgreSQL: hold one lock per portal for a whole pass, so at most one
    pass per portal runs at a time while passes of other portals go ahead (a DuckDB file takes one
    pass at a time instead, `pass_lock`). A second pass of a portal waits up to `wait_s`, then gets
    WarehouseLocked. The locks are PostgreSQL advisory locks of a transaction on a connection of
    their own, all taken or none (no two passes can deadlock), and PostgreSQL frees them when the
    pass ends or its process dies, even by SIGKILL. Other lake catalogs: no lock (one machine)."""
    connection = postgres_connection(location)
    if connection is None or not portals:
        yield
        return
    con = duckdb.connect()
    try:
        load_extensions(con)
        attach_postgres(con, connection, "portal_locks")
        _take_portal_locks(con, sorted(set(portals)), location, wait_s)
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        con.close()


def portal_lock_key(portal: str) -> int:
    """A portal's advisory-lock key (a signed 32-bit number, as PostgreSQL's two-key form takes)."""
    return int.from_bytes(zlib.crc32(portal.encode()).to_bytes(4, "big"), "big", signed=True)


def _take_portal_locks(con: duckdb.DuckDBPyConnection, portals: list[str], location: Location,
                       wait_s: float) -> None:
    tries = ", ".join(f"pg_try_advisory_xact_lock({PORTAL_LOCK_CLASS}, {portal_lock_key(p)}) AS l{i}"
                      for i, p in enumerate(portals))
    deadline = time.monotonic() + wait_s
    while True:
        con.execute("BEGIN TRANSACTION")
        got = con.execute(f"SELECT * FROM postgres_query('portal_locks', 'SELECT {tries}')").fetchone()
        if got is not None and all(got):
            return  # held until this transaction ends
        con.execute("ROLLBACK")  # frees the ones taken: all or none
        if time.monotonic() >= deadline:
            busy = ", ".join(p for p, ok in zip(portals, got or (), strict=False) if not ok)
            raise WarehouseLocked(
                f"another pass is running for {busy or 'these portals'} on the lake {location} (one pass per "
                f"portal at a time; waited {wait_s:g} s). Passes of other portals may run meanwhile.")
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


def connect(database: pathlib.Path | str | Location, *, read_only: bool = False, wait_s: float = 0.0,
            migrate: bool = True, data_path: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse: a DuckDB file (retrying for up to `wait_s` while another process holds
    it) or a DuckLake (`database = "ducklake:..."`; `data_path` only matters when it is created)."""
    try:
        location = locate(database, data_path)
    except BackendError as exc:
        raise WarehouseError(str(exc)) from None
    if location.is_lake:
        con = _connect_lake(location, read_only=read_only)
    else:
        assert location.path is not None
        con = _connect_file(location.path, read_only=read_only, wait_s=wait_s)
    if migrate and not read_only:
        apply_migrations(con)
    return con


def _connect_lake(location: Location, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    try:
        attach_lake(con, location, read_only=read_only)
    except BackendError as exc:
        con.close()
        raise WarehouseError(str(exc)) from None
    return con


def _make_folder(path: pathlib.Path) -> None:
    """The folder of a warehouse file, created (WarehouseError saying why it cannot be)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. a parent that is a file: /etc/passwd/x.duckdb
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else (exc.strerror or str(exc))
        raise WarehouseError(f"cannot create the folder of {path}: {reason}") from None


def _connect_file(path: pathlib.Path, *, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `beritawatch run` first")
    if not read_only:
        _make_folder(path)
    deadline = time.monotonic() + wait_s
    delay = 0.1
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "newer version of duckdb" in text.lower():
                raise WarehouseError(newer_file_message(path)) from None
            if "lock" not in text.lower():
                raise WarehouseError(f"cannot open {path}: {text}") from None
            if time.monotonic() + delay > deadline:
                raise WarehouseLocked(
                    f"the warehouse {path} is held by {_holder(text, path)}; DuckDB lets one process "
                    f"use the file at a time (waited {wait_s:g} s). Wait for the pass to finish, "
                    f"or query the Parquet export in {export_dir(path)}{os.sep} instead."
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        except (duckdb.Error, OSError) as exc:  # not a DuckDB file, unreadable, a folder ...
            raise WarehouseError(f"cannot open {path}: {exc}") from None


def newer_file_message(path: pathlib.Path) -> str:
    """What to say when this environment's DuckDB is older than the file's (the lake environment,
    `.venv-lake`, runs duckdb 1.5.5; files are written by 2.0 in `.venv`)."""
    return (f"{path} was written by a newer DuckDB than this environment's ({duckdb.__version__}); nothing "
            f"was changed. A DuckDB file is used from the default install (.venv, `./dev install`); the "
            f"DuckLake install (.venv-lake) is for `database = \"ducklake:...\"` (README \"Beyond one machine\").")


_LAKENESS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this connection (or cursor) writes a DuckLake (asked once per connection: the
    file backend's inserts and transactions pay nothing for the question)."""
    known = _LAKENESS.get(con)
    if known is None:
        row = con.execute("SELECT current_database()").fetchone()
        known = _LAKENESS[con] = bool(row and row[0] == LAKE_ALIAS)
    return known


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on the same warehouse (a bare `.cursor()` would not default to the lake)."""
    cur = con.cursor()
    if is_lake(con):
        cur.execute(f"USE {LAKE_ALIAS}")
    return cur


Migration = Callable[[duckdb.DuckDBPyConnection], None]


def migration_files() -> list[tuple[int, str, str | Migration]]:
    """(number, name, step) of every shipped migration, in order: the SQL of `NNN_name.sql`, or
    the `migrate(con)` function of `NNN_name.py` (for steps SQL cannot express)."""
    found: list[tuple[int, str, str | Migration]] = []
    for entry in importlib.resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.(sql|py)", entry.name)
        if match and match.group(3) == "sql":
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
        elif match:
            module = importlib.import_module(f"{MIGRATIONS_PACKAGE}.{entry.name[:-3]}")
            found.append((int(match.group(1)), match.group(2), module.migrate))
    return sorted(found, key=lambda item: item[0])


MIGRATIONS_DDL = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"""


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction (on a lake all pending
    ones in one, rewritten to its dialect: each DDL commit there is a round of PostgreSQL writes);
    return their numbers. One that another worker applied meanwhile (a lost commit race on a
    lake) is seen and skipped on the retry."""
    lake = is_lake(con)
    if not lake:
        con.execute(MIGRATIONS_DDL)
    elif not _lake_prepared(con):
        write(con, lambda: _prepare_lake(con), serialise=False)
    # Read first: a warehouse that is up to date opens without a write.
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    pending = [m for m in migration_files() if m[0] not in done]
    if lake:
        return write(con, lambda: [number for number, name, step in pending if _apply(con, number, name, step)])
    return [number for number, name, step in pending
            if write(con, functools.partial(_apply, con, number, name, step))]


def _apply(con: duckdb.DuckDBPyConnection, number: int, name: str, step: str | Migration) -> bool:
    """One migration inside the caller's transaction (False: it was already applied)."""
    if con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", [number]).fetchall():
        return False
    lake = is_lake(con)
    if isinstance(step, str):
        con.execute(dialect.for_lake(step) if lake else step)
    else:  # a Python step: on a lake its statements go through the dialect too
        step(_LakeDialectConnection(con) if lake else con)  # type: ignore[arg-type]
    con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [number, name, dt.datetime.now(dt.UTC)])
    return True


class _LakeDialectConnection:
    """A connection whose `execute` rewrites SQL to the lake's dialect (for Python migrations)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        return self._con.execute(dialect.for_lake(sql), parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _lake_prepared(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = ?
                         AND table_name IN ('schema_migrations', 'writer_token')""", [LAKE_ALIAS]).fetchone()
    return bool(row and row[0] == 2)


def _prepare_lake(con: duckdb.DuckDBPyConnection) -> None:
    """The lake's bookkeeping: the migrations record, and the writer token every write
    transaction bumps (see `transaction`)."""
    con.execute(dialect.for_lake(MIGRATIONS_DDL))
    con.execute("CREATE TABLE IF NOT EXISTS writer_token (n BIGINT NOT NULL)")
    con.execute("INSERT INTO writer_token SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM writer_token)")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *, serialise: bool = True) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on any error.

    On a lake, every write transaction first updates the one-row `writer_token` table, so two
    overlapping write transactions always conflict at commit: the loser fails (and `write` runs it
    again on the new snapshot). Lake writes are thus serialisable, which keeps dedupe keys,
    delivery claims and max + 1 ids right without constraints or sequences."""
    con.execute("BEGIN TRANSACTION")
    try:
        if serialise and is_lake(con):
            con.execute("UPDATE writer_token SET n = n + 1")
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def with_memory_cap(con: duckdb.DuckDBPyConnection, limit: str | None, body: Callable[[], T]) -> T:
    """`body()` with DuckDB's memory capped at `limit` (None: as it is); what does not fit goes to
    DuckDB's temporary folder beside the warehouse file. A cap below what DuckDB already holds, or
    one `body` cannot work within, is lifted and `body` runs again: it must be safe to repeat."""
    if limit is not None:
        try:
            con.execute("SET memory_limit = ?", [limit])
            return body()
        except duckdb.OutOfMemoryException:
            pass
        finally:
            con.execute("RESET memory_limit")
    return body()


def is_conflict(exc: BaseException) -> bool:
    """A lost commit race on a lake (run the transaction again), not a real error."""
    return isinstance(exc, duckdb.TransactionException) or "conflict" in str(exc).lower()


def write(con: duckdb.DuckDBPyConnection, body: Callable[[], T], *, serialise: bool = True,
          attempts: int = WRITE_ATTEMPTS) -> T:
    """Run `body` in one transaction; when it loses a commit race to another writer of the lake,
    roll back and run it again (jittered backoff) on the newer snapshot. `body` must read what it
    decides on inside the transaction, so a re-run decides afresh."""
    delay = 0.05
    for attempt in range(1, attempts + 1):
        try:
            with write_lock(con, enabled=serialise), transaction(con, serialise=serialise):
                return body()
        except duckdb.Error as exc:
            if not is_conflict(exc) or attempt == attempts:
                raise
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            logging.getLogger(__name__).info("lost a commit race to another writer (attempt %d): %s",
                                             attempt, str(exc).splitlines()[-1][:200])
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def write_lock(con: duckdb.DuckDBPyConnection, *, enabled: bool = True) -> Iterator[None]:
    """On a lake catalogued in PostgreSQL: queue for the writers' advisory lock BEFORE the write
    transaction starts, so its snapshot already holds the previous writer's commit and it does not
    lose the commit race after doing all its work (measured: with this, two workers' write
    windows no longer redo each other's work). The lock is a transaction lock of a separate
    cursor, held until that cursor's PostgreSQL transaction ends (after our commit), and freed by
    PostgreSQL if the process dies. Without a PostgreSQL catalog: nothing (the writer token alone)."""
    if not enabled or not is_lake(con) or not con.execute(
            "SELECT 1 FROM duckdb_databases() WHERE database_name = ?", [CATALOG_ALIAS]).fetchall():
        yield
        return
    guard = con.cursor()
    try:
        guard.execute("BEGIN TRANSACTION")
        guard.execute(f"SELECT * FROM postgres_query('{CATALOG_ALIAS}', "
                      f"'SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})')").fetchall()
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            guard.execute("ROLLBACK")
        guard.close()


def insert_select(con: duckdb.DuckDBPyConnection, table: str, names: str, select: str,
                  params: Sequence[Any] | None = None) -> None:
    """INSERT INTO table (names) <select>. On a lake the table's identity column (a sequence in the
    file schema) is filled with max + 1, 2, ... (safe: lake writes are serialised)."""
    identity = dialect.shipped_identity_columns().get(table.lower())
    listed = {name.strip().lower() for name in names.split(",")}
    if identity and identity.lower() not in listed and is_lake(con):
        con.execute(f"""INSERT INTO {table} ({identity}, {names})
                        SELECT (SELECT coalesce(max({identity}), 0) FROM {table}) + row_number() OVER (), *
                        FROM ({select})""", params)
        return
    con.execute(f"INSERT INTO {table} ({names}) {select}", params)


def insert_one(con: duckdb.DuckDBPyConnection, table: str, names: str, params: Sequence[Any]) -> int:
    """Insert one row and return its identity column's value: from the sequence on a DuckDB file
    (RETURNING), max + 1 on a lake (which has neither sequences nor RETURNING on insert)."""
    identity = dialect.shipped_identity_columns()[table.lower()]
    marks = ", ".join("?" for _ in params)
    if not is_lake(con):
        row = con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING {identity}", params).fetchone()
    else:
        insert_select(con, table, names, f"SELECT {marks}", params)
        row = con.execute(f"SELECT max({identity}) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
                rows: Sequence[Sequence[Any]], chunk: int = INSERT_CHUNK) -> None:
    """Insert many rows in one statement (column-wise UNNEST: ~25x faster than executemany)."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    selects = ", ".join(f"unnest(${i + 1}::{sqltype}[])" for i, (_, sqltype) in enumerate(columns))
    # Chunks bound DuckDB's memory for large rows (raw pages) at no measurable cost in time.
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        insert_select(con, table, names, f"SELECT {selects}",
                      [[row[i] for row in part] for i in range(len(columns))])
