"""`beritawatch doctor` on the replica; secrets kept out of its output.

(That a real pass never logs, stores or reports a secret is checked on the hostile pass in
tests/test_hostile.py, whose alert targets carry passwords and fail.)
"""
from __future__ import annotations

import io
import pathlib
import socket
import subprocess
import sys

import pytest

from beritawatch.doctor import run_doctor, secret_parts
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, TEMPO_URL
from tests.receivers import JsonReceiver
from warehouse.db import connect

PASSWORD = "s3cr3t-Zq9x"  # distinctive, so a hit can only be a leak
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def doctor(config: pathlib.Path, db: pathlib.Path | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = run_doctor(config, db, out=out)
    return code, out.getvalue()


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_targets(*urls: str) -> str:
    quoted = ", ".join(f'"{u}"' for u in urls)
    return f"[alerts]\ntargets = [{quoted}]\n"


def test_a_healthy_config_on_the_replica_exits_0(write_config, tmp_path: pathlib.Path) -> None:
    with JsonReceiver() as hook:
        config = write_config(extra=with_targets(hook.url()))
        connect(tmp_path / "warehouse.duckdb").close()
        code, text = doctor(config)
    print("\n" + text)
    assert code == 0, text
    assert "PROBLEM" not in text
    for line in ("OK       config:", "OK       alert target: json://127.0.0.1:", "OK       database:",
                 "schema version", "OK       host news.detik.com (routed to http://127.0.0.1:",
                 "OK       host dunia.tempo.co", "robots.txt allows us"):
        assert line in text, line


def test_a_dead_route_is_reported_with_its_host_and_a_fix(write_config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BERITAWATCH_ROUTE", f"dunia.tempo.co=http://127.0.0.1:{dead_port()}")
    code, text = doctor(write_config())
    assert code == 1
    [line] = [x for x in text.splitlines() if x.startswith("PROBLEM")]
    assert "host dunia.tempo.co (routed to http://127.0.0.1:" in line and "could not connect" in line
    assert "fix: check the host name, DNS and the network, and that the routed origin" in text
    assert "OK       host news.detik.com" in text  # the other hosts are still checked


def test_robots_a_missing_page_and_discovery_sources(write_config, replica: Replica) -> None:
    replica.put("https://dunia.tempo.co/robots.txt", "User-agent: *\nDisallow: /read/\n", "text/plain")
    replica.put("https://news.detik.com/rss", "<rss version='2.0'><channel><title>x</title></channel></rss>",
                "application/rss+xml")
    replica.behave(DETIK_URL, status=404)
    extra = ('[[discover]]\nurl = "https://news.detik.com/rss"\n\n'
             '[[discover]]\nurl = "https://news.detik.com/tidak-ada.xml"\n')
    code, text = doctor(write_config(extra=extra))
    assert code == 1
    assert f"PROBLEM  host dunia.tempo.co (routed to http://127.0.0.1:{replica.origin.rsplit(':', 1)[1]}): " \
           "robots_disallowed" in text
    assert "robots.txt forbids this path" in text and TEMPO_URL not in replica.requests_for(TEMPO_URL)
    assert f"{DETIK_URL}: http_error (HTTP 404)" in text and "the URL is gone or wrong" in text
    assert "OK       discovery source https://news.detik.com/rss:" in text
    assert "PROBLEM  discovery source https://news.detik.com/tidak-ada.xml:" in text


def test_a_config_error_is_named_with_its_key(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[http]\nmin_delay_s = "soon"\n', encoding="utf-8")
    code, text = doctor(bad)
    assert code == 1
    assert "PROBLEM  config:" in text and "http.min_delay_s: must be a number" in text
    assert "fix: edit `http.min_delay_s`" in text


def test_a_held_database_names_the_holder(write_config, tmp_path: pathlib.Path) -> None:
    config = write_config()
    db = tmp_path / "warehouse.duckdb"
    connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(30)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, text = doctor(config)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert f"PROBLEM  database: the warehouse {db} is held by process {holder.pid}" in text
    assert "wait for it to finish" in text and "Parquet export" in text


@pytest.mark.parametrize("valid", [True, False])
def test_passwords_and_tokens_never_appear(write_config, monkeypatch: pytest.MonkeyPatch, valid: bool) -> None:
    targets = [f"json://user:{PASSWORD}@127.0.0.1:{dead_port()}/hook", f"tgram://{BOT_TOKEN}/-1001234567"]
    if not valid:  # the config error message itself must not become the leak
        targets.append(f"nosuchservice://user:{PASSWORD}@example.invalid/x")
    monkeypatch.setenv("BERITAWATCH_NOTIFY", f"json://ops:{PASSWORD}@127.0.0.1:{dead_port()}/env")
    code, text = doctor(write_config(extra=with_targets(*targets)))
    print("\n" + text)
    assert PASSWORD not in text and BOT_TOKEN not in text and "AAHdqTcvCH1v" not in text
    if valid:
        assert "alert target: json://***:***@127.0.0.1:" in text and "alert target: tgram://***" in text
    else:
        assert code == 1 and "PROBLEM  config:" in text and "nosuchservice://" in text


def test_secret_parts() -> None:
    parts = secret_parts(f"json://user:{PASSWORD}@127.0.0.1:8080/hook?token=abcdefgh12345")
    assert PASSWORD in parts and "abcdefgh12345" in parts and "user" not in parts and "hook" not in parts
    assert BOT_TOKEN.split(":")[1] in secret_parts(f"tgram://{BOT_TOKEN}/-100123")
