"""Where the warehouse lives: one DuckDB file (the default) or a DuckLake (a catalog database such
as PostgreSQL plus Parquet files under a data path), and the offline extensions the lake needs.

    database = "data/beritawatch.duckdb"                                   # a file
    database = "ducklake:postgres:host=127.0.0.1 port=5432 dbname=lake"    # a lake
    data_path = "/srv/beritawatch/lake/"                                   # its Parquet files

DuckDB never downloads an extension here: the ducklake and postgres_scanner binaries come from
the PyPI packages `duckdb-extension-ducklake` and `duckdb-extension-postgres-scanner` (pinned in
the lock to the duckdb version) and are loaded from their installed files.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import pathlib

import duckdb

LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"  # the name the lake is attached under (and made the default catalog)
CATALOG_ALIAS = "lake_catalog"  # a PostgreSQL catalog, attached as itself too (for the write lock)
EXTENSION_PACKAGES = {"ducklake": "duckdb_extension_ducklake",
                      "postgres_scanner": "duckdb_extension_postgres_scanner"}


class BackendError(RuntimeError):
    """The warehouse location cannot be used; the message says why and what to do."""


@dataclasses.dataclass(frozen=True, slots=True)
class Location:
    """A parsed `database` setting."""

    kind: str  # "file" | "lake"
    path: pathlib.Path | None = None  # the DuckDB file
    catalog: str = ""  # the DuckLake catalog after "ducklake:", e.g. "postgres:host=... dbname=..."
    data_path: str | None = None  # where the lake's Parquet files go (first attach only)

    @property
    def is_lake(self) -> bool:
        return self.kind == "lake"

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else LAKE_PREFIX + _masked(self.catalog)


def _masked(catalog: str) -> str:
    """The catalog string without its password (it is printed in errors and logs)."""
    return " ".join("password=***" if part.lower().startswith("password=") else part
                    for part in catalog.split(" "))


def locate(database: str | pathlib.Path | Location, data_path: str | None = None) -> Location:
    """Parse a `database` setting: a DuckLake when it starts with "ducklake:", else a file path."""
    if isinstance(database, Location):
        return database if data_path is None else dataclasses.replace(database, data_path=data_path)
    text = str(database)
    if text.startswith(LAKE_PREFIX):
        catalog = text[len(LAKE_PREFIX):].strip()
        if not catalog:
            raise BackendError("database: 'ducklake:' needs a catalog, e.g. "
                               "'ducklake:postgres:host=127.0.0.1 dbname=lake'")
        return Location("lake", catalog=catalog, data_path=data_path)
    return Location("file", path=pathlib.Path(text))


def extension_file(name: str) -> pathlib.Path:
    """The installed binary of a DuckDB extension shipped as a PyPI package, for this duckdb."""
    package = EXTENSION_PACKAGES[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(f"the DuckDB extension {name!r} is not installed (PyPI package "
                           f"{package.replace('_', '-')}=={duckdb.__version__}); run ./dev install")
    root = pathlib.Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"))
    if not found:
        shipped = sorted(p.parent.name for p in root.glob(f"extensions/*/{name}.duckdb_extension"))
        raise BackendError(f"the {name} extension installed is built for {', '.join(shipped) or 'nothing'}, "
                           f"not duckdb v{duckdb.__version__}: install the matching package version")
    return found[0]


def attach_lake(con: duckdb.DuckDBPyConnection, location: Location, *, read_only: bool = False) -> None:
    """Load the extensions from their files (never the network), attach the lake, make it default."""
    load_extensions(con)
    options = []
    if location.data_path:
        options.append(f"DATA_PATH '{_quoted(location.data_path)}'")
    if read_only:
        options.append("READ_ONLY")
    suffix = f" ({', '.join(options)})" if options else ""
    try:
        con.execute(f"ATTACH '{_quoted(LAKE_PREFIX + location.catalog)}' AS {LAKE_ALIAS}{suffix}")
    except duckdb.Error as exc:
        raise BackendError(f"cannot attach the lake {location}: {exc}") from None
    connection = postgres_connection(location)
    if connection is not None and not read_only:
        attach_postgres(con, connection, CATALOG_ALIAS)
    con.execute(f"USE {LAKE_ALIAS}")


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD ducklake and postgres_scanner from their installed files; never from the network."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    for name in EXTENSION_PACKAGES:
        con.execute(f"LOAD '{extension_file(name)}'")


def postgres_connection(location: Location) -> str | None:
    """The libpq connection string of a lake catalogued in PostgreSQL (None for other catalogs)."""
    if location.is_lake and location.catalog.startswith("postgres:"):
        return location.catalog[len("postgres:"):]
    return None


def attach_postgres(con: duckdb.DuckDBPyConnection, connection: str, alias: str) -> None:
    """Attach a PostgreSQL database (the lake's catalog) under `alias`."""
    con.execute(f"ATTACH '{_quoted(connection)}' AS {alias} (TYPE postgres)")


def _quoted(text: str) -> str:
    return text.replace("'", "''")
