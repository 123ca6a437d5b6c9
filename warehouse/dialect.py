"""One schema, two backends: the migrations are written for a DuckDB file and rewritten for DuckLake.

DuckLake (measured on the ducklake extension 1.5.5, as its documentation says) has no PRIMARY KEY,
UNIQUE or CHECK constraints, no indexes, no sequences and no per-column compression; NOT NULL,
literal defaults, views, UPDATE and DELETE work. So for the lake:

- `CREATE SEQUENCE` and `CREATE INDEX` statements are dropped;
- `PRIMARY KEY` / `UNIQUE` (inline or as a table clause), `DEFAULT nextval(...)` and
  `USING COMPRESSION ...` are removed;
- a column that took `DEFAULT nextval(...)` becomes an *identity column*: `warehouse.db` fills it
  with max + 1, 2, ... on insert (safe because lake write transactions are serialised, see
  `warehouse.db.transaction`);
- uniqueness (dedupe keys, one delivery per alert and target) is kept by the writing code
  (`INSERT ... WHERE NOT EXISTS` inside a serialised transaction), never by a constraint.
"""
from __future__ import annotations

import functools
import re

_STATEMENT_DROP = re.compile(r"^\s*CREATE\s+(SEQUENCE|(UNIQUE\s+)?INDEX)\b", re.IGNORECASE)
# A table-level key clause, with the comma before it (a `-- comment` may stand between the two).
_TABLE_KEY = re.compile(r",((?:[ \t]*--[^\n]*)?)\s*(PRIMARY\s+KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)
_INLINE = re.compile(r"\s+(PRIMARY\s+KEY|UNIQUE)\b(?!\s*\()", re.IGNORECASE)
_NEXTVAL = re.compile(r"\s+DEFAULT\s+nextval\(\s*'[^']*'\s*\)", re.IGNORECASE)
_COMPRESSION = re.compile(r"\s+USING\s+COMPRESSION\s+\w+", re.IGNORECASE)
_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*?)\n\s*\)\s*;",
                           re.IGNORECASE | re.DOTALL)
_IDENTITY = re.compile(r"^\s*(\w+)\s+BIGINT\b[^,\n]*DEFAULT\s+nextval", re.IGNORECASE | re.MULTILINE)


def split_statements(sql: str) -> list[str]:
    """The statements of a migration file (split on ';' outside quotes and `--` comments)."""
    statements: list[str] = []
    current: list[str] = []
    quoted = comment = False
    for char in sql:
        if comment:
            comment = char != "\n"
        elif char == "'":
            quoted = not quoted
        elif char == "-" and not quoted and current and current[-1] == "-":
            comment = True
        if char == ";" and not (quoted or comment):
            statements.append("".join(current) + ";")
            current = []
        else:
            current.append(char)
    tail = "".join(current)
    return [s for s in [*statements, tail] if _code(s)]


def _code(statement: str) -> str:
    """A statement without its comment lines (what decides whether it says anything)."""
    return "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()


def for_lake(sql: str) -> str:
    """The DuckLake form of a migration or DDL statement (see the module docstring)."""
    kept = []
    for statement in split_statements(sql):
        if _STATEMENT_DROP.match(_code(statement)):
            continue
        statement = _TABLE_KEY.sub(r"\1", statement)
        statement = _NEXTVAL.sub("", statement)
        statement = _INLINE.sub("", statement)
        statement = _COMPRESSION.sub("", statement)
        kept.append(statement)
    return "\n".join(kept)


def identity_columns(sql: str) -> dict[str, str]:
    """table -> its column filled by a sequence, for every CREATE TABLE in `sql`."""
    found = {}
    for match in _CREATE_TABLE.finditer(sql):
        column = _IDENTITY.search(match.group(2))
        if column:
            found[match.group(1).lower()] = column.group(1)
    return found


@functools.cache
def shipped_identity_columns() -> dict[str, str]:
    """Identity columns of every shipped migration."""
    from warehouse.db import migration_files  # noqa: PLC0415  (db imports this module)

    found: dict[str, str] = {}
    for _, _, step in migration_files():
        if isinstance(step, str):  # a Python migration creates no sequence-filled table
            found.update(identity_columns(step))
    return found
