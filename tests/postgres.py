"""A throwaway PostgreSQL server for the DuckLake tests: the Debian package's binaries, a cluster
in a temporary folder, listening on loopback only, run as a non-root user (initdb refuses root).

`./dev test` installs the `postgresql` package where it can; elsewhere `find_bin_dir` returns
None and the lake tests skip with that reason.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence

SKIP_REASON = ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the DuckLake "
               "backend tests need it; `./dev test` installs the Debian package `postgresql` when run as root")
NOT_LAKE_ENV = ("the DuckLake tests need the lake install (duckdb 1.5.5 + the ducklake and postgres_scanner "
                "extension wheels, requirements-lake.lock); this is duckdb {version}. `./dev test` runs them in "
                "its second stage; by hand: `./dev install --lake && .venv-lake/bin/python -m pytest -m lake`")


def lake_skip_reason() -> str | None:
    """Why the lake tests cannot run here (None: they can)."""
    import duckdb

    from warehouse.backend import BackendError, extension_file

    try:
        for name in ("ducklake", "postgres_scanner"):
            extension_file(name)
    except BackendError:
        return NOT_LAKE_ENV.format(version=duckdb.__version__)
    return SKIP_REASON if find_bin_dir() is None else None
USER = "lake"


def find_bin_dir() -> pathlib.Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: Sequence[str]) -> list[str]:
    """Run as `nobody` when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "nobody", "--", *command]


class PostgresServer:
    """One PostgreSQL cluster: `database(name)` creates a database and gives its DuckLake catalog."""

    def __init__(self, bin_dir: pathlib.Path, root: pathlib.Path) -> None:
        self.bin_dir, self.root = bin_dir, root
        self.port = _free_port()
        self.data = root / "data"
        self.created: set[str] = set()

    def start(self) -> None:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
        subprocess.run(_as_server_user([str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust",
                                        "-U", USER, "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200"
        subprocess.run(_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options,
                                        "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=90)

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                        "-w", "stop"]), capture_output=True, timeout=60)

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run([str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER,
                               "-d", database, "-Atc", sql], check=True, capture_output=True, text=True, timeout=60)
        return done.stdout

    def database(self, name: str) -> str:
        """A fresh database; returns the `database` setting of a lake catalogued in it."""
        if name not in self.created:
            self.psql(f'CREATE DATABASE "{name}"')
            self.created.add(name)
        return f"ducklake:postgres:host=127.0.0.1 port={self.port} user={USER} dbname={name}"


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a server for the duration of the block (the caller checks `find_bin_dir` first)."""
    bin_dir = find_bin_dir()
    assert bin_dir is not None, SKIP_REASON
    root = pathlib.Path(tempfile.mkdtemp(prefix="beritawatch-pg-"))
    server = PostgresServer(bin_dir, root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)
