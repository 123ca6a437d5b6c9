"""The alert outbox with real sockets: a local JSON webhook and a local SMTP server.

Guarantee under test: at least once, never lost. A receiver that is down gets everything later,
once; a kill -9 between a send and its record resends only that one message, with the same key.
"""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys
import textwrap

import duckdb
import pytest

from beritawatch.alerts.deliver import KEY_HEADER
from beritawatch.alerts.model import Alert
from beritawatch.alerts.targets import validate_targets
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL
from flows.monitor import monitor_pass
from tests.conftest import WarehouseSpec
from tests.receivers import JsonReceiver, SmtpReceiver
from warehouse import outbox
from warehouse.db import connect, insert_select

NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
ROOT = pathlib.Path(__file__).resolve().parents[1]


def keys(receiver: JsonReceiver) -> list[str]:
    return [r.headers[KEY_HEADER] for r in receiver.accepted]


def add_alerts(con: duckdb.DuckDBPyConnection, n: int) -> None:
    for i in range(n):
        alert = Alert(kind="new", dedupe_key=f"new:test{i:04d}", portal="detik",
                      url=f"https://news.detik.com/internasional/d-75{i:05d}/berita-{i}",
                      title=f"Korut kirim amunisi ke Rusia, laporan {i}", summary="Jakarta - Ringkasan.")
        insert_select(con, "alerts", "dedupe_key, kind, created_at, payload", "SELECT ?, 'new', ?, ?",
                      [alert.dedupe_key, NOW, alert.dumps()])


@pytest.fixture
def hook() -> JsonReceiver:
    with JsonReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp() -> SmtpReceiver:
    with SmtpReceiver() as receiver:
        yield receiver


@pytest.mark.prefect
def test_pass_alerts_reach_chat_one_by_one_and_email_as_a_digest(
        prefect_server: str, replica: Replica, write_config, hook: JsonReceiver, smtp: SmtpReceiver,
        warehouse: WarehouseSpec) -> None:
    targets = (f'[alerts]\ntargets = [{{url = "{hook.url()}", tags = ["chat"]}}, '
               f'{{url = "{smtp.url()}", tags = ["email"]}}]\n')
    config = write_config(extra=targets, warehouse=warehouse)
    monitor_pass(config_path=str(config))
    titles = [r.json["title"] for r in hook.accepted]
    assert len(titles) == 5 and all(t.startswith("[Baru]") for t in titles)
    assert len(smtp.messages) == 1 and "[Ringkasan]" in str(smtp.messages[0]["Subject"])

    detik = replica.article(DETIK_URL)
    edited = [*detik.paragraphs]
    edited.insert(3, "Pejabat itu menambahkan, sedikitnya 300 kontainer amunisi telah dikirim lewat pelabuhan Rajin.")
    replica.edit(DETIK_URL, paragraphs=edited)
    summary = monitor_pass(config_path=str(config))
    assert summary["delivery"]["sent"] == 2
    [edit] = [r.json for r in hook.accepted if r.json["title"].startswith("[Diedit]")]
    assert "300 kontainer amunisi" in edit["message"]
    assert len(set(keys(hook))) == len(keys(hook)) == 6


def test_receiver_down_first_then_delivered_exactly_once(warehouse: WarehouseSpec) -> None:
    with JsonReceiver(fail_first=3) as flaky:
        targets = validate_targets([{"url": flaky.url(), "tags": ["chat"]}])
        con = connect(warehouse.location)
        add_alerts(con, 5)
        first = outbox.deliver_outbox(con, targets, NOW, pass_id="p1", digest_threshold=10, max_attempts=5)
        assert (first.sent, first.retried_later) == (2, 3)
        assert [row[0] for row in outbox.pending(con)] == ["pending"] * 3
        # not due yet: a pass one minute later sends nothing
        early = outbox.deliver_outbox(con, targets, NOW + dt.timedelta(minutes=1), pass_id="p2",
                                      digest_threshold=10, max_attempts=5)
        assert early.sent == 0
        later = outbox.deliver_outbox(con, targets, NOW + dt.timedelta(minutes=3), pass_id="p3",
                                      digest_threshold=10, max_attempts=5)
        assert later.sent == 3 and outbox.pending(con) == []
        assert sorted(k.split("#")[0] for k in keys(flaky)) == [f"new:test{i:04d}" for i in range(5)]
        con.close()


def test_a_receiver_that_never_answers_is_given_up_and_reported(warehouse: WarehouseSpec) -> None:
    with JsonReceiver(fail_first=100) as dead:
        targets = validate_targets([dead.url()])
        con = connect(warehouse.location)
        add_alerts(con, 1)
        for hour in range(3):
            report = outbox.deliver_outbox(con, targets, NOW + dt.timedelta(hours=hour * 7), pass_id=f"p{hour}",
                                           digest_threshold=10, max_attempts=3)
        assert report.failed == 1
        [(status, *_rest, error, _title)] = outbox.pending(con)
        assert status == "failed" and "500" in error
        con.close()


def test_hundred_alerts_make_one_digest_not_a_flood(warehouse: WarehouseSpec, hook: JsonReceiver,
                                                     smtp: SmtpReceiver) -> None:
    targets = validate_targets([{"url": hook.url(), "tags": ["chat"]}, {"url": smtp.url(), "tags": ["email"]}])
    con = connect(warehouse.location)
    add_alerts(con, 100)
    report = outbox.deliver_outbox(con, targets, NOW, pass_id="p1", digest_threshold=10, max_attempts=5)
    assert report.sent == 2
    assert len(hook.accepted) == 1 and hook.accepted[0].json["title"].startswith("[Ringkasan]")
    assert len(hook.accepted[0].json["message"]) <= 4000
    assert "lainnya" in hook.accepted[0].json["message"]  # "... dan N lainnya": capped, with the count
    assert len(smtp.messages) == 1
    digested = con.execute("SELECT count(*) FROM deliveries WHERE status = 'digested'").fetchone()[0]
    assert digested == 200  # every alert is settled for both targets: none will be sent again
    again = outbox.deliver_outbox(con, targets, NOW + dt.timedelta(hours=1), pass_id="p2",
                                  digest_threshold=10, max_attempts=5)
    assert (again.planned, again.sent) == (0, 0)
    con.close()


KILLER = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    sys.path.insert(0, sys.argv[3])
    from beritawatch.alerts.deliver import deliver
    from beritawatch.alerts.targets import validate_targets
    from warehouse import outbox
    from warehouse.db import connect, insert_select

    sends = 0
    def send_then_die(target, messages):
        global sends
        outcome = deliver(target, messages)
        sends += 1
        if sends == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # after the send, before its record
        return outcome

    con = connect(sys.argv[1])
    now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.timezone.utc)
    outbox.deliver_outbox(con, validate_targets([sys.argv[2]]), now, pass_id="p1", digest_threshold=10,
                          max_attempts=5, send=send_then_die)
""")


def test_kill_9_between_send_and_record_loses_nothing(tmp_path: pathlib.Path, hook: JsonReceiver,
                                                     warehouse: WarehouseSpec) -> None:
    db = warehouse.database  # a file path, or a lake's "ducklake:..." (the child opens either)
    con = connect(warehouse.location)
    add_alerts(con, 4)
    con.close()
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    died = subprocess.run([sys.executable, str(script), str(db), hook.url(), str(ROOT)],
                          capture_output=True, text=True, timeout=120)
    assert died.returncode == -9, died.stderr
    assert len(hook.accepted) == 2

    con = connect(db)
    report = outbox.deliver_outbox(con, validate_targets([hook.url()]), NOW, pass_id="p1",
                                   digest_threshold=10, max_attempts=5)
    con.close()
    assert report.sent == 3  # the interrupted one again, and the two never tried
    sent = [k.split("#")[0] for k in keys(hook)]
    assert sorted(set(sent)) == [f"new:test{i:04d}" for i in range(4)]  # none lost
    assert sent.count("new:test0001") == 2  # the in-flight one, twice, with the same key
    assert all(sent.count(f"new:test{i:04d}") == 1 for i in (0, 2, 3))


def test_cli_lists_and_retries_pending(tmp_path: pathlib.Path) -> None:
    with JsonReceiver(fail_first=1) as flaky:
        config = tmp_path / "c.toml"
        db = tmp_path / "w.duckdb"
        config.write_text(f'database = "{db}"\n[alerts]\ntargets = ["{flaky.url()}"]\n[ui]\nlanguage = "en"\n',
                          encoding="utf-8")  # the words below are English; the Indonesian list: test_commands.py
        con = connect(db)
        add_alerts(con, 1)
        outbox.deliver_outbox(con, validate_targets([flaky.url()]), NOW, pass_id="p1",
                              digest_threshold=10, max_attempts=5)
        con.close()
        cli = [sys.executable, "-m", "beritawatch.cli", "alerts", "--config", str(config)]
        listed = subprocess.run(cli, capture_output=True, text=True, timeout=60, env={**os.environ})
        assert listed.returncode == 0, listed.stderr
        assert "pending" in listed.stdout and "500" in listed.stdout
        retried = subprocess.run([*cli, "--retry"], capture_output=True, text=True, timeout=60)
        assert retried.returncode == 0, retried.stderr
        assert "sent 1" in retried.stdout and "no pending or failed deliveries" in retried.stdout
        assert len(flaky.accepted) == 1
