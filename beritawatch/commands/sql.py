"""`sql`: a read-only query on the warehouse, shown as a table (for people: Jakarta times, the
language's number format) or written as CSV, JSON or Markdown; DuckDB's whole error message."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import duckdb

from beritawatch import i18n
from beritawatch.commands.base import EXIT_FAILED, EXIT_OK, UserError, load, warehouse

FORMATS = ("table", "csv", "json", "markdown")


def human(value: Any, lang: i18n.Language) -> str:
    """A value as a person reads it: numbers in the language's format, times with their zone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float | decimal.Decimal):
        number = float(value)
        return i18n.number(number, lang, 2 if abs(number) < 1e15 else 0)
    if isinstance(value, int):
        return i18n.count(value, lang)
    if isinstance(value, dt.datetime):
        return i18n.moment(value, lang)
    return str(value)


def machine(value: Any) -> Any:
    """A value for CSV/JSON: ISO 8601 times (with offset), plain numbers."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], lang: i18n.Language, width: int,
           total: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else width, soft_wrap=False)
    table = Table(show_edge=False, highlight=False)
    for i, name in enumerate(columns):
        numeric = bool(rows) and all(isinstance(r[i], int | float | decimal.Decimal) for r in rows if r[i] is not None)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(human(v, lang) for v in row))
    console.print(table)
    if total > len(rows):
        print(f"({len(rows)} of {total} rows shown; --max-rows or --format csv for all)")


def _markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]], lang: i18n.Language) -> None:
    def cell(value: Any) -> str:
        return human(value, lang).replace("|", "\\|").replace("\n", " ")

    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(cell(v) for v in row) + " |")


def _write(fmt: str, columns: Sequence[str], rows: list[tuple[Any, ...]], args: argparse.Namespace,
           lang: i18n.Language) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([machine(v) for v in row] for row in rows)
    elif fmt == "json":
        json.dump([dict(zip(columns, (machine(v) for v in row), strict=True)) for row in rows], sys.stdout,
                  ensure_ascii=False, indent=1, default=str)
        print()
    elif fmt == "markdown":
        _markdown(columns, rows, lang)
    else:
        _table(columns, rows[: args.max_rows], lang, args.width, len(rows))


def cmd_sql(args: argparse.Namespace) -> int:
    """Run a read-only query on the warehouse and print its result."""
    config = load(args)
    with warehouse(args, config, read_only=True) as con:
        try:
            con.execute("SET TimeZone = ?", [config.ui.timezone])
        except duckdb.Error as exc:
            raise UserError(f"config error: ui.timezone: {exc}", EXIT_FAILED) from None
        try:
            relation = con.sql(args.query)
            if relation is None:
                print("(statement ran; nothing to show)")
                return EXIT_OK
            columns, rows = relation.columns, relation.fetchall()
        except duckdb.Error as exc:  # the whole message: DuckDB's hints and candidates included
            raise UserError(f"query failed: {exc}", EXIT_FAILED) from None
    _write(args.format, columns, rows, args, config.ui.language)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: Callable[[argparse.ArgumentParser], None]) -> None:
    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    common(sql)
    sql.add_argument("query")
    sql.add_argument("--format", choices=FORMATS, default="table",
                     help="table (for people), csv, json or markdown")
    sql.add_argument("--width", type=int, default=160, help="table width when not on a terminal")
    sql.add_argument("--max-rows", type=int, default=60, help="rows shown as a table")
    sql.set_defaults(func=cmd_sql)
