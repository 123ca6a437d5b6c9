"""What every command shares: exit codes that each mean one thing, user errors as values of one
exception, the config and the warehouse opened with a clear message instead of a traceback."""
from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import sys
from collections.abc import Callable, Iterator

import duckdb

from beritawatch.config import Config, ConfigError, load_config
from beritawatch.config import config_path as find_config

EXIT_OK = 0  # done (a pass with failed URLs is done too: the failures are in its summary)
EXIT_UNEXPECTED = 1  # a bug: please report it (BERITAWATCH_DEBUG=1 shows the traceback)
EXIT_CONFIG = 2  # the config file or the command line is wrong; the message names the key
EXIT_HELD = 3  # another process holds the database (DuckDB: one process at a time)
EXIT_DATABASE = 4  # the database is missing, not a DuckDB file, or cannot be created or written
EXIT_FAILED = 5  # the request could not be done: bad SQL, unknown URL, a test message not delivered
EXIT_INTERRUPTED = 130  # Ctrl-C (the shell's convention)

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "done",
    EXIT_UNEXPECTED: "unexpected error (a bug; BERITAWATCH_DEBUG=1 prints the traceback)",
    EXIT_CONFIG: "bad config file or command line (the message names the key)",
    EXIT_HELD: "another process holds the database",
    EXIT_DATABASE: "database missing, not a DuckDB file, or not writable",
    EXIT_FAILED: "the request failed (bad SQL, unknown URL, an alert target that did not accept)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


class UserError(Exception):
    """A problem the user can fix; `code` is one of the EXIT_* values."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int) -> int:
    """Print `beritawatch: message` on stderr and return `code`."""
    print(f"beritawatch: {message}", file=sys.stderr)
    return code


def database_exit_code(exc: Exception) -> int:
    """3 when another process holds the file, 4 for any other warehouse problem."""
    from warehouse.db import WarehouseLocked

    return EXIT_HELD if isinstance(exc, WarehouseLocked) else EXIT_DATABASE


def config_path(args: argparse.Namespace) -> pathlib.Path:
    """The config file a command reads or edits: --config, else $BERITAWATCH_CONFIG, else
    ./beritawatch.toml."""
    given = getattr(args, "config", None)
    return find_config(pathlib.Path(given) if given else None)[0]


def load(args: argparse.Namespace) -> Config:
    """The config, or a UserError naming the wrong key."""
    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise UserError(f"config error: {exc}", EXIT_CONFIG) from None


def database_of(args: argparse.Namespace, config: Config) -> pathlib.Path:
    return pathlib.Path(args.db) if getattr(args, "db", None) else config.database


@contextlib.contextmanager
def warehouse(args: argparse.Namespace, config: Config, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened (waiting `--lock-wait` s for another process), closed afterwards."""
    from warehouse.db import WarehouseError, connect

    try:
        con = connect(database_of(args, config), read_only=read_only, wait_s=args.lock_wait,
                      data_path=config.data_path)
    except WarehouseError as exc:
        raise UserError(str(exc), database_exit_code(exc)) from None
    try:
        yield con
    finally:
        con.close()


def guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: user errors become their message and exit code, a closed pipe ends quietly,
    anything else is reported in one line (with the traceback when BERITAWATCH_DEBUG is set)."""
    from warehouse.db import WarehouseError

    try:
        return command(args)
    except UserError as exc:
        return fail(str(exc), exc.code)
    except ConfigError as exc:
        return fail(f"config error: {exc}", EXIT_CONFIG)
    except WarehouseError as exc:
        return fail(str(exc), database_exit_code(exc))
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing, and keep Python's exit flush from failing.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:
        if os.environ.get("BERITAWATCH_DEBUG"):
            raise
        return fail(f"unexpected error: {type(exc).__name__}: {exc} (BERITAWATCH_DEBUG=1 shows the traceback)",
                    EXIT_UNEXPECTED)
