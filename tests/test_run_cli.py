"""No silent no-op: the real `beritawatch` command without a config file, with BERITAWATCH_CONFIG,
with nothing to monitor, `run --now` past schedules and backoff, and doctor on the placeholder
contact address."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import duckdb
import pytest

from beritawatch.config import ENV_CONFIG, load_config
from beritawatch.doctor import is_placeholder_contact
from beritawatch.testing.replica import feeds
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL
from flows.monitor import monitor_pass
from warehouse.db import connect

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "beritawatch.cli"]
FEED = "https://news.detik.com/rss"


def beritawatch(*args: str, cwd: pathlib.Path, env: dict[str, str] | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != ENV_CONFIG}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env={**environment, "PYTHONPATH": str(ROOT), **(env or {})})


def test_run_without_a_config_file_stops_and_says_where_it_looked(tmp_path: pathlib.Path) -> None:
    for args in (("run",), ("run", "--quiet"), ("run", "--now")):
        result = beritawatch(*args, cwd=tmp_path, timeout=60)
        assert result.returncode == 2, result.stderr
        assert str(tmp_path / "beritawatch.toml") in result.stderr
        assert "--config" in result.stderr and ENV_CONFIG in result.stderr
    assert not (tmp_path / "data").exists()  # no warehouse was created on the way


def test_beritawatch_config_names_the_default_file(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = beritawatch("run", cwd=tmp_path, env={ENV_CONFIG: str(missing)}, timeout=60)
    assert result.returncode == 2
    expected = f"beritawatch: config error: {missing}: config file not found (named by {ENV_CONFIG})"
    assert result.stderr.strip() == expected
    # the other commands read the same file: here its database setting
    config = tmp_path / "elsewhere.toml"
    config.write_text(f'database = "{tmp_path / "named.duckdb"}"\n', encoding="utf-8")
    connect(tmp_path / "named.duckdb").close()
    sql = beritawatch("sql", "SELECT count(*) AS n FROM schema_migrations", cwd=tmp_path,
                      env={ENV_CONFIG: str(config)}, timeout=60)
    assert sql.returncode == 0, sql.stderr
    doctor = beritawatch("doctor", cwd=tmp_path, env={ENV_CONFIG: str(config)}, timeout=60)
    assert f"config: {config} loads (0 tracked articles" in doctor.stdout
    assert f"{tmp_path / 'named.duckdb'} opens" in doctor.stdout
    # --config still wins over the environment
    assert load_config(config, env={ENV_CONFIG: str(missing)}).database == tmp_path / "named.duckdb"


@pytest.mark.prefect
def test_a_pass_with_nothing_to_monitor_says_so_even_when_quiet(prefect_server: str, tmp_path: pathlib.Path) -> None:
    config = tmp_path / "beritawatch.toml"
    config.write_text(f'database = "{tmp_path / "w.duckdb"}"\n', encoding="utf-8")
    result = beritawatch("run", "--quiet", cwd=tmp_path, env={"PREFECT_API_URL": prefect_server})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "nothing to monitor" in result.stderr and "[[track]]" in result.stderr


def _no_every_pass(config: pathlib.Path) -> None:
    config.write_text(config.read_text(encoding="utf-8").replace("every_pass = true", "every_pass = false"),
                      encoding="utf-8")


def _fetches(db: pathlib.Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute(f"SELECT count(*) FROM fetches WHERE url = '{DETIK_URL}'").fetchone()[0])


def _polls(db: pathlib.Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM source_polls").fetchone()[0])


@pytest.mark.prefect
def test_run_now_checks_a_failed_article_and_polls_a_source_at_once(
        prefect_server: str, replica: Replica, write_config) -> None:
    replica.put(FEED, feeds.rss([]), feeds.CONTENT_TYPES["rss"])
    config = write_config([DETIK_URL], extra=f'[[discover]]\nurl = "{FEED}"\nevery_minutes = 600\n')
    _no_every_pass(config)
    db = config.parent / "warehouse.duckdb"
    replica.behave(DETIK_URL, status=500)
    monitor_pass(config_path=str(config))  # fails: backed off for 15 minutes; the feed waits 10 hours
    assert (_fetches(db), _polls(db)) == (1, 1)
    monitor_pass(config_path=str(config))  # a normal pass: nothing is due
    assert (_fetches(db), _polls(db)) == (1, 1)

    replica.behave(DETIK_URL, None)
    result = beritawatch("run", "--now", "--config", str(config), cwd=config.parent,
                         env={"PREFECT_API_URL": prefect_server})
    assert result.returncode == 0, result.stderr
    assert (_fetches(db), _polls(db)) == (2, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM versions").fetchone() == (1,)
        [(due,)] = con.execute(f"SELECT next_check > now() FROM articles WHERE url = '{DETIK_URL}'").fetchall()
    assert due  # the schedule resumes after --now


def test_doctor_warns_about_the_placeholder_contact(tmp_path: pathlib.Path) -> None:
    shipped = load_config(ROOT / "beritawatch.toml", env={}).http.contact
    assert shipped is not None and is_placeholder_contact(shipped)
    assert not is_placeholder_contact("mailto:redaksi-monitor@kantor-analis.id")
    config = tmp_path / "beritawatch.toml"
    config.write_text(f'database = "{tmp_path / "w.duckdb"}"\n[http]\ncontact = "{shipped}"\n', encoding="utf-8")
    doctor = beritawatch("doctor", "--config", str(config), cwd=tmp_path, timeout=60)
    assert f"WARN     user agent: http.contact is the placeholder '{shipped}'" in doctor.stdout
    config.write_text(f'database = "{tmp_path / "w.duckdb"}"\n[http]\ncontact = "mailto:ops@kantor-analis.id"\n',
                      encoding="utf-8")
    doctor = beritawatch("doctor", "--config", str(config), cwd=tmp_path, timeout=60)
    assert "user agent" not in doctor.stdout
