"""The DuckLake backend itself: the dialect step, the config keys, the per-portal pass locks, a pass
of some portals only, and the analysts' commands (`sql`, `report`, `explain`, `alerts`, `reparse`)
and the Parquet export on a lake a real pass wrote."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

from beritawatch.config import ConfigError, config_from_dict
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, tracked_articles
from beritawatch.urls import portal_of
from flows.monitor import monitor_pass
from tests.conftest import new_lake
from tests.postgres import PostgresServer
from warehouse import dialect
from warehouse.backend import locate
from warehouse.db import WarehouseLocked, connect, migration_files, portal_locks
from warehouse.export import export_parquet

CLI = [sys.executable, "-m", "beritawatch.cli"]


def test_the_lake_dialect_drops_what_ducklake_lacks_and_keeps_the_rest() -> None:
    for number, _, sql in migration_files():
        if not isinstance(sql, str):  # a Python step: its statements pass through for_lake when run
            continue
        lake = dialect.for_lake(sql)
        code = "\n".join(line.split("--")[0] for line in lake.splitlines())
        assert not re.search(r"PRIMARY\s+KEY|UNIQUE|SEQUENCE|CREATE\s+INDEX|nextval|COMPRESSION", code, re.I), number
        assert lake.count("CREATE TABLE") == sql.count("CREATE TABLE")
        assert lake.count("CREATE VIEW") == sql.count("CREATE VIEW")
    assert dialect.shipped_identity_columns()["alerts"] == "alert_id"
    assert dialect.for_lake("CREATE TABLE t (a INTEGER, b VARCHAR, PRIMARY KEY (a, b));") == \
        "CREATE TABLE t (a INTEGER, b VARCHAR);"
    # a quoted ';' or a comment's apostrophe does not split or swallow statements
    assert dialect.split_statements("-- it's\nSELECT ';';\nSELECT 2;") == ["-- it's\nSELECT ';';", "\nSELECT 2;"]


def test_config_names_a_lake_and_its_data_path() -> None:
    config = config_from_dict({"database": "ducklake:postgres:dbname=x host=127.0.0.1", "data_path": "/srv/lake/"})
    location = locate(str(config.database), config.data_path)
    assert location.is_lake and location.catalog == "postgres:dbname=x host=127.0.0.1"
    assert location.data_path == "/srv/lake/"
    with pytest.raises(ConfigError, match="data_path"):
        config_from_dict({"database": "data/w.duckdb", "data_path": "/srv/lake/"})
    assert "password=***" in str(locate("ducklake:postgres:dbname=x password=secret"))


@pytest.mark.lake
def test_one_pass_per_portal_at_a_time_and_other_portals_meanwhile(postgres: PostgresServer,
                                                                   tmp_path: pathlib.Path) -> None:
    lake = new_lake(postgres, tmp_path).location
    with portal_locks(lake, ["detik", "tribun"], wait_s=0):
        with (pytest.raises(WarehouseLocked, match="another pass is running for tribun"),
              portal_locks(lake, ["tempo", "tribun"], wait_s=0.5)):
            pass
        with portal_locks(lake, ["tempo"], wait_s=0):  # another portal goes ahead meanwhile
            pass
    with portal_locks(lake, ["tempo", "tribun"], wait_s=0):  # all or none: tempo was not kept taken
        pass


@pytest.mark.lake
@pytest.mark.prefect
def test_a_pass_of_one_portal_checks_only_that_portals_articles(prefect_server: str, replica: Replica, write_config,
                                                                 postgres: PostgresServer,
                                                                 tmp_path: pathlib.Path) -> None:
    config = write_config(warehouse=new_lake(postgres, tmp_path))
    summary = monitor_pass(config_path=str(config), portals=["detik"])
    assert set(summary["portals"]) == {"detik"}
    everything = monitor_pass(config_path=str(config))
    portals = {portal_of(spec.url) for spec in tracked_articles()}
    assert set(everything["portals"]) == portals and everything["portals"]["detik"]["new_articles"] == 0
    with pytest.raises(ValueError, match="unknown portal"):
        monitor_pass(config_path=str(config), portals=["detikk"])


@pytest.mark.lake
@pytest.mark.prefect
def test_analysts_commands_work_on_a_lake(prefect_server: str, replica: Replica, write_config,
                                          postgres: PostgresServer, tmp_path: pathlib.Path) -> None:
    spec = new_lake(postgres, tmp_path)
    config = write_config(warehouse=spec)
    monitor_pass(config_path=str(config))
    env = {**os.environ, "PREFECT_API_URL": prefect_server}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*CLI, *args, "--config", str(config)], capture_output=True, text=True,
                              timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        return done

    assert " 5 " in cli("sql", "SELECT count(*) AS n FROM versions").stdout
    assert "relevan" in cli("explain", DETIK_URL).stdout.lower()
    cli("report", "--out", str(tmp_path / "report"))
    assert DETIK_URL in (tmp_path / "report" / "index.html").read_text(encoding="utf-8") or \
        any(DETIK_URL in p.read_text(encoding="utf-8") for p in (tmp_path / "report").rglob("*.html"))
    assert "re-parsed 5 versions" in cli("reparse").stdout
    cli("alerts")
    con = connect(spec.location, read_only=True)
    try:
        written = export_parquet(con, tmp_path / "export")
    finally:
        con.close()
    assert "coverage.parquet" in {p.name for p in written}
    assert any(p.parent.name == "versions" for p in written)  # the partitioned versions
