"""The command line for daily work: editing the config in place, alert tests and history, diffs,
`sql` formats and errors, exit codes that each mean one thing, a closed pipe."""
from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import re
import subprocess
import sys

import duckdb
import pytest

from beritawatch.cli import main
from beritawatch.commands.base import EXIT_CODES
from beritawatch.config import load_config
from beritawatch.testing.replica.receivers import JsonReceiver
from tests.test_store import BODY, article, parsed, run
from warehouse.db import connect

ROOT = pathlib.Path(__file__).resolve().parents[1]
DETIK = "https://news.detik.com/internasional/d-6769960/as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia"
TEMPO = "https://www.tempo.co/internasional/korut-kirim-peluru-ke-rusia-1234567"
CONFIG = f"""# analysts' config: these comments must survive every edit
database = "warehouse.duckdb"   # next to this file

[[track]]                       # the detik story
url = "{DETIK}"   # keep this note

[alerts]
targets = []    # none yet
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "beritawatch.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@pytest.fixture
def config(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "beritawatch.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


# -- track and sources: TOML edited in place -------------------------------------------------------

def test_track_add_pause_resume_remove_keep_the_comments(config: pathlib.Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = comments(config.read_text(encoding="utf-8"))
    assert main(["track", "add", TEMPO, "--label", "Tempo", "--config", str(config)]) == 0
    assert main(["track", "pause", DETIK, "--config", str(config)]) == 0
    loaded = load_config(config)
    assert [(t.url, t.label, t.paused) for t in loaded.track] == [(DETIK, None, True), (TEMPO, "Tempo", False)]
    assert comments(config.read_text(encoding="utf-8")) == before
    assert main(["track", "resume", DETIK, "--config", str(config)]) == 0
    assert main(["track", "remove", TEMPO, "--config", str(config)]) == 0
    assert [(t.url, t.paused) for t in load_config(config).track] == [(DETIK, False)]
    assert config.read_text(encoding="utf-8").startswith(CONFIG.split("\n[alerts]")[0])  # the original text
    assert comments(config.read_text(encoding="utf-8")) == before
    capsys.readouterr()
    assert main(["track", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{DETIK}\t\ttracked"]


def test_a_bad_url_is_refused_clearly_and_the_file_stays(config: pathlib.Path) -> None:
    original = config.read_bytes()
    done = cli("track", "add", "javascript:alert(1)", "--config", str(config))
    assert done.returncode == 2
    assert done.stderr.strip() == (f"beritawatch: track add 'javascript:alert(1)' refused, {config} unchanged: "
                                   "track[1].url: not an http(s) URL: 'javascript:alert(1)'")
    assert config.read_bytes() == original
    assert "Traceback" not in done.stderr
    assert cli("track", "remove", "https://news.detik.com/x/d-1/y", "--config", str(config)).returncode == 5


def test_sources_add_list_remove(config: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "add", "https://news.detik.com/rss", "--kind", "rss", "--every", "15",
                 "--config", str(config)]) == 0
    assert main(["sources", "add", "https://news.detik.com/rss", "--config", str(config)]) == 0  # already there
    assert [(s.url, s.kind, s.every_minutes) for s in load_config(config).discover] == [
        ("https://news.detik.com/rss", "rss", 15.0)]
    capsys.readouterr()
    assert main(["sources", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "https://news.detik.com/rss\trss\t15\n"
    assert main(["sources", "add", "file:///etc/passwd", "--config", str(config)]) == 2
    assert main(["sources", "remove", "https://news.detik.com/rss", "--config", str(config)]) == 0
    assert load_config(config).discover == ()
    assert comments(config.read_text(encoding="utf-8")) == comments(CONFIG)


def test_paused_and_removed_articles_are_not_checked(tmp_path: pathlib.Path) -> None:
    from beritawatch.check import DueArticle
    from beritawatch.config import config_from_dict
    from flows.monitor import _without_untracked
    from warehouse import store

    con = connect(tmp_path / "w.duckdb")
    try:
        store.track(con, [(DETIK, "detik"), (TEMPO, "tempo")], "track", dt.datetime.now(dt.UTC))
        due = [DueArticle(DETIK, "detik"), DueArticle(TEMPO, "tempo")]
        config = config_from_dict({"track": [{"url": DETIK, "paused": True}, {"url": TEMPO}]})
        assert [d.url for d in _without_untracked(con, config, due)] == [TEMPO]
        config = config_from_dict({"track": [{"url": DETIK}]})  # Tempo removed from the config
        assert [d.url for d in _without_untracked(con, config, due)] == [DETIK]
    finally:
        con.close()


# -- a warehouse for the read commands -------------------------------------------------------------

@pytest.fixture
def warehouse_config(tmp_path: pathlib.Path) -> pathlib.Path:
    """Two versions of one article (an added sentence), one alert sent to a webhook."""
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        run(con, [parsed(article())], 0)
        run(con, [parsed(article(body=(*BODY, "Kapal kargo itu membawa 300 kontainer amunisi.")))], 1)
        con.execute("""INSERT INTO deliveries (alert_id, target, status, attempts, planned_at, sent_at, parts_sent)
                       SELECT alert_id, 'json://127.0.0.1/hook', 'sent', 1, created_at, created_at, 1 FROM alerts""")
    finally:
        con.close()
    path = tmp_path / "beritawatch.toml"
    path.write_text(f'database = "{tmp_path / "warehouse.duckdb"}"\n', encoding="utf-8")
    return path


def test_diff_is_plain_off_a_terminal(warehouse_config: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_store import URL

    assert main(["diff", URL, "--config", str(warehouse_config)]) == 0
    out = capsys.readouterr().out
    assert "versi 1" in out and "versi 2" in out
    assert "{+Kapal kargo itu membawa 300 kontainer amunisi.+}" in out
    assert "\x1b[" not in out  # no colour codes into a pipe
    assert main(["diff", URL, "--from", "1", "--to", "7", "--config", str(warehouse_config)]) == 2
    assert main(["diff", "https://news.detik.com/x/d-999/tidak-ada", "--config", str(warehouse_config)]) == 5


def test_alerts_history_lists_what_was_sent(warehouse_config: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alerts", "history", "--since", "3650d", "--config", str(warehouse_config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "[Diedit] detik: Korut Kirim Peluru ke Rusia" in lines[0]
    assert "[Baru] detik: Korut Kirim Peluru ke Rusia" in lines[1]
    assert main(["alerts", "history", "--since", "soon", "--config", str(warehouse_config)]) == 2


def test_alerts_test_reports_each_target(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    with JsonReceiver() as good, JsonReceiver(fail_first=5) as bad:
        path = tmp_path / "c.toml"
        path.write_text(f'[alerts]\ntargets = [{{url = "{good.url()}", name = "team"}}, '
                        f'{{url = "{bad.url()}", name = "broken"}}]\n', encoding="utf-8")
        assert main(["alerts", "test", "--config", str(path)]) == 5
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith("team: ok") and out[1].startswith("broken: FAILED")
        assert json.loads(good.accepted[0].body)["title"] == "[Uji] beritawatch"
        assert main(["alerts", "test", "--target", "team", "--config", str(path)]) == 0
        assert len(good.accepted) == 2 and bad.attempts >= 1
        assert main(["alerts", "test", "--target", "nobody", "--config", str(path)]) == 2


# -- sql -------------------------------------------------------------------------------------------

def test_sql_formats_and_jakarta_times(warehouse_config: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT url, score, first_seen FROM coverage"
    assert main(["sql", query, "--format", "json", "--config", str(warehouse_config)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["first_seen"].endswith("+07:00")  # the session time zone is Asia/Jakarta
    assert main(["sql", query, "--format", "csv", "--config", str(warehouse_config)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "url,score,first_seen"
    assert main(["sql", query, "--format", "markdown", "--config", str(warehouse_config)]) == 0
    markdown = capsys.readouterr().out.splitlines()
    assert markdown[:2] == ["| url | score | first_seen |", "|---|---|---|"]
    assert re.search(r"\| \d+,\d\d \| \d+ Nov 2026 \d\d:\d\d:\d\d WIB \|$", markdown[2]), markdown[2]
    assert main(["sql", "SELECT 1234.5 AS x", "--config", str(warehouse_config)]) == 0
    assert "1.234,50" in capsys.readouterr().out


def test_sql_shows_the_whole_duckdb_error(warehouse_config: pathlib.Path) -> None:
    done = cli("sql", "SELECT * FROM coverag", "--config", str(warehouse_config))
    assert done.returncode == 5
    assert 'Did you mean "coverage"?' in done.stderr and "Traceback" not in done.stderr


def test_a_closed_pipe_ends_quietly(warehouse_config: pathlib.Path) -> None:
    done = subprocess.run(f'{sys.executable} -m beritawatch.cli sql --config "{warehouse_config}" --format csv '
                          f'"SELECT * FROM range(300000)" | head -2', shell=True, capture_output=True, text=True,
                          timeout=120, cwd=ROOT, executable="/bin/bash")
    assert done.stdout.splitlines() == ["range", "0"]
    assert done.stderr == ""


# -- exit codes ------------------------------------------------------------------------------------

def test_exit_codes_each_mean_one_thing(tmp_path: pathlib.Path, config: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[http]\nmin_delay_s = \"soon\"\n", encoding="utf-8")
    assert cli("sql", "SELECT 1", "--config", str(bad)).returncode == 2
    done = cli("run", "--config", str(config), "--db", "/etc/passwd/x.duckdb")
    assert done.returncode == 4 and "/etc/passwd is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert cli("sql", "SELECT 1", "--config", str(config), "--db", str(tmp_path / "none.duckdb")).returncode == 4
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_text("not a database", encoding="utf-8")
    done = cli("sql", "SELECT 1", "--config", str(config), "--db", str(garbage))
    assert done.returncode == 4 and "not a valid DuckDB database file" in done.stderr
    assert cli("nonsense").returncode == 2  # argparse: the command line is wrong


def test_a_held_database_exits_3_and_names_its_own_export_folder(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "elsewhere" / "w.duckdb"
    db.parent.mkdir()
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = cli("sql", "SELECT 1", "--db", str(db), "--lock-wait", "0")
        assert done.returncode == 3
        assert f"{tmp_path / 'elsewhere' / 'export'}{os.sep}" in done.stderr and "data/export" not in done.stderr
    finally:
        holder.kill()
        holder.wait()


def test_the_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in EXIT_CODES:
        assert re.search(rf"^\| {code} \|", readme, re.M), f"exit code {code} missing from README"


def test_live_progress_shows_a_bar_per_portal(capsys: pytest.CaptureFixture[str]) -> None:
    from beritawatch.commands.progress import live_progress
    from flows import monitor

    with live_progress(True):
        [listener] = monitor.PROGRESS_LISTENERS
        listener("detik", 1, 3, 0)
        listener("tempo", 2, 2, 1)
        listener("detik", 3, 3, 1)
    assert monitor.PROGRESS_LISTENERS == []
    err = capsys.readouterr().err
    assert re.search(r"detik.*3/3.*1 failed", err) and re.search(r"tempo.*2/2.*1 failed", err), err
    with live_progress(False):
        assert monitor.PROGRESS_LISTENERS == []


@pytest.fixture
def pending_warehouse(tmp_path: pathlib.Path) -> pathlib.Path:
    """One alert waiting for a retry at one target, and given up on at another."""
    con = connect(tmp_path / "pending.duckdb")
    try:
        run(con, [parsed(article())], 0)
        con.execute("""INSERT INTO deliveries (alert_id, target, status, attempts, planned_at, next_attempt_at,
                                               last_error)
                       SELECT alert_id, 'json://127.0.0.1/hook', 'pending', 2, created_at,
                              TIMESTAMPTZ '2026-12-04 02:30:00+00', 'HTTP 503' FROM alerts
                       UNION ALL
                       SELECT alert_id, 'mailto://redaksi', 'failed', 8, created_at, NULL, 'connection refused'
                       FROM alerts""")
    finally:
        con.close()
    return tmp_path / "pending.duckdb"


def _pending_lines(tmp_path: pathlib.Path, db: pathlib.Path, lang: str,
                   capsys: pytest.CaptureFixture[str]) -> list[str]:
    path = tmp_path / f"{lang}.toml"
    path.write_text(f'database = "{db}"\n\n[ui]\nlanguage = "{lang}"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["alerts", "--config", str(path)]) == 0
    return capsys.readouterr().out.splitlines()


def test_alerts_lists_pending_and_failed_deliveries_in_english(pending_warehouse: pathlib.Path, tmp_path: pathlib.Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines = _pending_lines(tmp_path, pending_warehouse, "en", capsys)
    assert lines == [
        "failed   new      mailto://redaksi  attempts=8  Korut Kirim Peluru ke Rusia",
        "         last error: connection refused",
        "pending  new      json://127.0.0.1/hook  attempts=2, next try 4 Dec 2026 09:30 WIB  "
        "Korut Kirim Peluru ke Rusia",
        "         last error: HTTP 503"]


def test_alerts_lists_pending_and_failed_deliveries_in_indonesian(pending_warehouse: pathlib.Path,
                                                                  tmp_path: pathlib.Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    lines = _pending_lines(tmp_path, pending_warehouse, "id", capsys)
    assert lines == [
        "gagal    baru     mailto://redaksi  percobaan=8  Korut Kirim Peluru ke Rusia",
        "         galat terakhir: connection refused",
        "tertunda baru     json://127.0.0.1/hook  percobaan=2, dicoba lagi 4 Des 2026 09:30 WIB  "
        "Korut Kirim Peluru ke Rusia",
        "         galat terakhir: HTTP 503"]


def test_alerts_says_when_nothing_is_pending_in_each_language(tmp_path: pathlib.Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    connect(tmp_path / "empty.duckdb").close()
    assert _pending_lines(tmp_path, tmp_path / "empty.duckdb", "en", capsys) == ["no pending or failed deliveries"]
    assert _pending_lines(tmp_path, tmp_path / "empty.duckdb", "id", capsys) == [
        "tidak ada pengiriman yang tertunda atau gagal"]


def test_alerts_retry_reports_in_the_configured_language(pending_warehouse: pathlib.Path, tmp_path: pathlib.Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    for lang, start in (("id", "direncanakan "), ("en", "planned ")):
        path = tmp_path / f"retry-{lang}.toml"
        path.write_text(f'database = "{pending_warehouse}"\n\n[ui]\nlanguage = "{lang}"\n', encoding="utf-8")
        capsys.readouterr()
        assert main(["alerts", "--retry", "--config", str(path)]) == 0
        first = capsys.readouterr().out.splitlines()[0]
        assert first.startswith(start), first
        words = ("terkirim", "menyerah", "target tak dikenal") if lang == "id" else ("sent", "gave up", "unknown")
        assert all(word in first for word in words), first
