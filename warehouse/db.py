"""Opening the DuckDB warehouse: the single-writer lock, recorded migrations, batched inserts."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import importlib
import importlib.resources
import json
import os
import pathlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import duckdb

from warehouse.export import export_dir

MIGRATIONS_PACKAGE = "warehouse.migrations"
INSERT_CHUNK = 250


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


def pass_lock_path(path: pathlib.Path | str) -> pathlib.Path:
    return pathlib.Path(f"{path}.pass.lock")


@contextlib.contextmanager
def pass_lock(path: pathlib.Path | str, run_id: str, *, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the warehouse for a whole pass: a second pass waits up to `wait_s`, then gets
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
    """Whether a pass holds the warehouse right now (the lock is tried, never kept)."""
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
                    f"a DuckDB file (waited {wait_s:g} s). Wait for it to finish."
                ) from None
            time.sleep(min(0.2, max(deadline - time.monotonic(), 0.01)))


def _pass_holder(path: pathlib.Path | str) -> str:
    marker = read_pass_marker(path)
    if not marker:
        return "another beritawatch pass"
    return (f"a beritawatch pass (process {marker.get('pid')}, run {marker.get('run_id')}, "
            f"started {marker.get('started')})")


def connect(path: pathlib.Path | str, *, read_only: bool = False, wait_s: float = 0.0,
            migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying for up to `wait_s` while another process holds the file."""
    path = pathlib.Path(path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `beritawatch run` first")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # e.g. a parent that is a file: /etc/passwd/x.duckdb
            blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
            reason = f"{blocker} is a file, not a folder" if blocker else (exc.strerror or str(exc))
            raise WarehouseError(f"cannot create the folder of {path}: {reason}") from None
    deadline = time.monotonic() + wait_s
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            text = str(exc)
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
    if migrate and not read_only:
        apply_migrations(con)
    return con


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


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return their numbers."""
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)""")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, step in migration_files():
        if number in done:
            continue
        with transaction(con):
            if isinstance(step, str):
                con.execute(step)
            else:
                step(con)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, dt.datetime.now(dt.UTC)])
        applied.append(number)
    return applied


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
                rows: Sequence[Sequence[Any]], chunk: int = INSERT_CHUNK) -> None:
    """Insert many rows in one statement (column-wise UNNEST: ~25x faster than executemany)."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    selects = ", ".join(f"unnest(${i + 1}::{sqltype}[])" for i, (_, sqltype) in enumerate(columns))
    sql = f"INSERT INTO {table} ({names}) SELECT {selects}"
    # Chunks bound DuckDB's memory for large rows (raw pages) at no measurable cost in time.
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        con.execute(sql, [[row[i] for row in part] for i in range(len(columns))])
