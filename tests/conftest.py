"""Shared fixtures: one Prefect test server per session, the loopback replica, test configs."""
from __future__ import annotations

import dataclasses
import itertools
import os
import pathlib
import tempfile
from collections.abc import Callable, Iterator

import pytest

# Prefect reads its settings at import: isolate its home and silence telemetry before any import.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="beritawatch-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

from beritawatch.testing.replica.server import Replica  # noqa: E402
from beritawatch.testing.replica.site import tracked_articles  # noqa: E402
from tests.postgres import PostgresServer, lake_skip_reason, running_postgres  # noqa: E402
from warehouse.backend import Location, locate  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> pathlib.Path:
    """A path under ../shared, skipping the test where that reference folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} not present (only the project's own checkout has it)")
    return path


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """A real local Prefect server for the whole session; yields its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def replica() -> Iterator[Replica]:
    """The loopback replica serving the five tracked articles."""
    with Replica() as server:
        for spec in tracked_articles():
            server.add_article(spec)
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (the DuckLake catalogs). Skips, saying why, where the
    lake cannot run: no PostgreSQL, or not the lake install (duckdb 1.5.5 + extension wheels)."""
    reason = lake_skip_reason()
    if reason:
        pytest.skip(reason)
    with running_postgres() as server:
        yield server


_lake_numbers = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class WarehouseSpec:
    """Where a test's warehouse lives: `database` and `data_path` as the config says them."""

    kind: str  # file | lake
    database: str
    data_path: str | None = None

    @property
    def location(self) -> Location:
        return locate(self.database, self.data_path)

    def toml(self) -> str:
        lines = [f'database = "{self.database}"']
        if self.data_path:
            lines.append(f'data_path = "{self.data_path}"')
        return "\n".join(lines)


def new_lake(server: PostgresServer, tmp_path: pathlib.Path, name: str = "") -> WarehouseSpec:
    """A fresh DuckLake: a new catalog database on the session's server, Parquet under tmp_path."""
    database = server.database(name or f"lake{os.getpid()}_{next(_lake_numbers)}")
    return WarehouseSpec("lake", database, str(tmp_path / "lake-data") + "/")


@pytest.fixture(params=["file", pytest.param("lake", marks=pytest.mark.lake)])
def warehouse(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> WarehouseSpec:
    """Each warehouse backend in turn: a DuckDB file, then a fresh DuckLake on PostgreSQL (marked
    `lake`: it runs in ./dev test's second stage, and skips in .venv saying how to run it)."""
    if request.param == "file":
        return WarehouseSpec("file", str(tmp_path / "warehouse.duckdb"))
    return new_lake(request.getfixturevalue("postgres"), tmp_path)


TrackConfig = Callable[..., pathlib.Path]


@pytest.fixture
def write_config(tmp_path: pathlib.Path, replica: Replica) -> TrackConfig:
    """Write a config tracking the given URLs (default: the five), routed to the replica."""

    def write(urls: list[str] | None = None, extra: str = "", hosts: list[str] | None = None,
              warehouse: WarehouseSpec | None = None) -> pathlib.Path:
        urls = urls if urls is not None else [spec.url for spec in tracked_articles()]
        routes = replica.route_map(hosts)
        where = warehouse.toml() if warehouse else f'database = "{tmp_path / "warehouse.duckdb"}"'
        lines = [where, ""]
        for url in urls:
            lines += ["[[track]]", f'url = "{url}"', ""]
        lines += ["[http]", "min_delay_s = 0.0", "timeout_s = 5.0", "retries = 1",
                  "max_retry_wait_s = 1.0", "", "[http.route]"]
        lines += [f'"{host}" = "{origin}"' for host, origin in sorted(routes.items())]
        lines += ["", "[revisit]", "every_pass = true", "", extra]
        path = tmp_path / "beritawatch.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    return write
