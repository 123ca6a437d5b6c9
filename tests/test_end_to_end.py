"""Whole passes of the real Prefect flow against the loopback replica, checked in the warehouse."""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys

import duckdb
import pytest

from beritawatch.config import load_config
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, KALTIM_URL, tracked_articles
from flows.monitor import monitor_pass
from tests.conftest import WarehouseSpec
from warehouse.backend import locate
from warehouse.db import connect

pytestmark = pytest.mark.prefect
MISSING = "https://news.detik.com/internasional/d-7999999/artikel-yang-tidak-ada"


def db_of(config: pathlib.Path) -> pathlib.Path:
    return config.parent / "warehouse.duckdb"


def query(config: pathlib.Path, sql: str) -> list[tuple[object, ...]]:
    """A read-only query on the config's warehouse (a file or a lake)."""
    settings = load_config(config)
    con = connect(locate(str(settings.database), settings.data_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_two_passes_store_versions_then_exactly_one_edit(prefect_server: str, replica: Replica,
                                                          write_config, warehouse: WarehouseSpec) -> None:
    config = write_config([spec.url for spec in tracked_articles()] + [MISSING], warehouse=warehouse)
    first = monitor_pass(config_path=str(config))

    assert query(config, "SELECT count(*), count(DISTINCT article_url) FROM versions") == [(5, 5)]
    # Multi-page articles are stored once, whole: every paragraph of every page.
    kaltim = next(s for s in tracked_articles() if s.url == KALTIM_URL)
    [(body,)] = query(config, f"SELECT body FROM versions WHERE article_url = '{KALTIM_URL}'")
    assert body.split("\n\n") == kaltim.paragraphs
    [(status, outcome)] = query(config, f"SELECT status_code, outcome FROM fetches WHERE url = '{MISSING}'")
    assert (status, outcome) == (404, "http_error")
    assert first["failures"] == [[MISSING, "http_error", "HTTP 404"]]
    assert sum(p["new_articles"] for p in first["portals"].values()) == 5

    detik = replica.article(DETIK_URL)
    edited = [*detik.paragraphs]
    edited[2] = edited[2].replace("roket dan rudal infanteri", "roket, rudal infanteri, dan peluru artileri")
    replica.edit(DETIK_URL, paragraphs=edited)
    second = monitor_pass(config_path=str(config))

    rows = query(config, "SELECT article_url, count(*) FROM versions GROUP BY 1 ORDER BY 2 DESC, 1")
    assert rows[0] == (DETIK_URL, 2) and all(count == 1 for _, count in rows[1:])
    assert second["portals"]["detik"]["new_versions"] == 1
    assert sum(p["unchanged"] for p in second["portals"].values()) == 4
    [(latest,)] = query(config, f"""SELECT body FROM article_versions WHERE url = '{DETIK_URL}'
                                     ORDER BY version DESC LIMIT 1""")
    assert "peluru artileri" in latest
    assert query(config, "SELECT count(*) FROM runs WHERE status = 'completed'") == [(2,)]
    if warehouse.kind == "lake":
        assert not (config.parent / "export").exists()  # analysts query the lake itself: no copy
        return
    # the analysts' Parquet copy is brought up to date after each pass
    exported = config.parent / "export" / "versions" / "*.parquet"
    assert duckdb.sql(f"SELECT count(*) FROM '{exported}'").fetchall() == [(6,)]
    with duckdb.connect(str(config.parent / "export" / "views.duckdb"), read_only=True) as views:
        assert views.sql("SELECT max(version) FROM article_versions").fetchall() == [(2,)]


def test_cli_run_and_sql_on_the_replica(prefect_server: str, replica: Replica, write_config,
                                        warehouse: WarehouseSpec) -> None:
    config = write_config(warehouse=warehouse)
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    cli = [sys.executable, "-m", "beritawatch.cli"]
    run = subprocess.run([*cli, "run", "--config", str(config)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "portal" in run.stdout and "detik" in run.stdout
    sql = subprocess.run([*cli, "sql", "--config", str(config), "SELECT count(*) AS n FROM versions"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert sql.returncode == 0, sql.stderr
    assert " 5 " in sql.stdout
    quiet_config = write_config([*(s.url for s in tracked_articles()), MISSING], warehouse=warehouse)
    quiet = subprocess.run([*cli, "run", "--quiet", "--config", str(quiet_config)], capture_output=True,
                           text=True, env=env, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.splitlines() == [f"! http_error: {MISSING} (HTTP 404)"]  # cron: failures only


def test_cli_bad_config_exits_2_naming_the_key(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[http]\nmin_delay_s = "soon"\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "beritawatch.cli", "run", "--config", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "beritawatch: config error: http.min_delay_s: must be a number, got 'soon'"]


def test_locked_database_gives_a_clear_error(tmp_path: pathlib.Path, write_config) -> None:
    config = write_config()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(60)", str(db_of(config))], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        cli = [sys.executable, "-m", "beritawatch.cli"]
        run = subprocess.run([*cli, "run", "--config", str(config), "--lock-wait", "1"],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 3
        assert f"process {holder.pid}" in run.stderr and "one process" in run.stderr
        sql = subprocess.run([*cli, "sql", "--config", str(config), "--lock-wait", "0", "SELECT 1"],
                             capture_output=True, text=True, timeout=60)
        assert sql.returncode == 3 and f"process {holder.pid}" in sql.stderr
    finally:
        holder.kill()
        holder.wait()


NEW_RELEVANT = "https://news.detik.com/internasional/d-7300001/korut-kirim-rudal-balistik-ke-rusia"
NEW_OTHER = "https://news.detik.com/internasional/d-7300002/festival-layang-layang-di-bali"
FEED = "https://news.detik.com/rss"


def test_feed_discovery_tracks_the_relevant_article_only(prefect_server: str, replica: Replica,
                                                         write_config, warehouse: WarehouseSpec) -> None:
    from beritawatch.testing.replica import feeds
    from beritawatch.testing.replica.render import ArticleSpec

    when = dt.datetime(2026, 11, 20, 9, 30, tzinfo=feeds.WIB)
    replica.put(FEED, feeds.rss([]), feeds.CONTENT_TYPES["rss"])
    config = write_config([DETIK_URL], extra=f'[[discover]]\nurl = "{FEED}"\n', warehouse=warehouse)
    first = monitor_pass(config_path=str(config))
    assert first["discovery"]["polled"] == 1 and first["discovery"]["new_articles"] == 0

    replica.add_article(ArticleSpec(
        url=NEW_RELEVANT, portal="detik", title="Intelijen: Korut Kirim Rudal Balistik ke Rusia",
        author="Dimas Ardiansyah", published=when, paragraphs=[
            "Seoul - Badan intelijen Korea Selatan menyebut Korea Utara telah mengirim rudal balistik "
            "jarak pendek ke Rusia untuk dipakai di Ukraina.",
            "Menurut badan itu, Pyongyang menerima bantuan teknologi satelit dari Moskow sebagai imbalan.",
            "Kremlin menolak berkomentar."]))
    replica.add_article(ArticleSpec(
        url=NEW_OTHER, portal="detik", title="Festival Layang-layang Meriahkan Pantai Sanur",
        author="Putu Ayu", published=when, paragraphs=[
            "Denpasar - Ratusan layang-layang raksasa menghiasi langit Pantai Sanur akhir pekan ini.",
            "Panitia mencatat peserta datang dari dua belas kabupaten."]))
    items = [(NEW_RELEVANT, "Korut Kirim Rudal", when), (NEW_OTHER, "Festival Layang-layang", when),
             ("http://127.0.0.1:1/admin", "internal", when), ("https://evil.example/x", "elsewhere", when)]
    replica.put(FEED, feeds.rss(items), feeds.CONTENT_TYPES["rss"])
    second = monitor_pass(config_path=str(config))

    assert second["discovery"]["new_articles"] == 2 and second["discovery"]["rejected"] == 2
    # the tracked detik article is on the topic too, so coverage holds both relevant articles
    assert sorted(query(config, "SELECT url FROM coverage")) == sorted([(DETIK_URL,), (NEW_RELEVANT,)])
    found = dict(query(config, f"SELECT url, active FROM articles WHERE url IN ('{NEW_RELEVANT}', '{NEW_OTHER}')"))
    assert found == {NEW_RELEVANT: True, NEW_OTHER: False}
    [(relevant_other,)] = query(config, f"SELECT relevant FROM articles WHERE url = '{NEW_OTHER}'")
    assert relevant_other is False
    assert query(config, "SELECT kind, article_url FROM alerts WHERE kind = 'new' ORDER BY alert_id") == \
        [("new", DETIK_URL), ("new", NEW_RELEVANT)]
    assert not replica.requests_for("http://127.0.0.1:1/admin")
