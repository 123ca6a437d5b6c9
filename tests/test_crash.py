"""Crash safety: `kill -9` a real pass at several points, run again, and nothing is lost or doubled.

300 generated articles (half on the topic) on the replica, an alert target on a local JSON
receiver, and six `beritawatch run` processes in a row against one warehouse:

A. killed while fetching (the warehouse is not held then: `sql` works meanwhile)
B. paused inside the store transaction (every row written, no COMMIT): `sql` is refused, naming
   the pass's process; then killed
W. killed the moment the warehouse's WAL file appears after fetching (during or just after a
   commit: where exactly is timing, so the checks below hold either way)
C. killed just after the store transaction committed (alerts written, nothing planned or sent)
   -- then 10 articles are edited on the replica --
D. killed after the outbox planned and sent, before the run was marked completed
F. a clean pass.

Then: every article has exactly one version (the edited ones two), versions == distinct content
hashes per article, one "new" alert per relevant article, one "edit" alert per relevant edited
article, unique dedupe keys, nothing left pending, and no key reached the receiver twice.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pathlib
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import duckdb
import pytest

from beritawatch.alerts.deliver import KEY_HEADER
from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.testing.replica.server import Replica
from beritawatch.urls import canonical_url
from tests.receivers import JsonReceiver

pytestmark = pytest.mark.prefect

HOOKED = pathlib.Path(__file__).parent / "fixtures" / "hostile" / "hooked_run.py"
N_ARTICLES = 300
N_EDITED = 10
WIB = dt.timezone(dt.timedelta(hours=7))
ON_TOPIC = [
    "Korea Utara dilaporkan kembali mengirim peluru artileri dan rudal ke Rusia pekan ini, menurut "
    "intelijen Korea Selatan.",
    "Pejabat di Seoul mengatakan pengiriman senjata itu melanggar sanksi Dewan Keamanan PBB.",
    "Moskow dan Pyongyang membantah adanya transaksi senjata di antara keduanya.",
]
OFF_TOPIC = [
    "Harga cabai rawit di pasar induk turun menjelang akhir pekan karena pasokan dari petani meningkat.",
    "Pedagang berharap harga tetap stabil hingga bulan depan.",
    "Dinas perdagangan memantau harga bahan pokok setiap hari.",
]


def article(i: int) -> ArticleSpec:
    portal = ("detik", "tribun", "republika", "tempo")[i % 4]
    url = {
        "detik": f"https://news.detik.com/internasional/d-72{i:05d}/berita-uji-{i}",
        "tribun": f"https://www.tribunnews.com/internasional/2024/04/{i % 28 + 1:02d}/berita-uji-{i}",
        "republika": f"https://internasional.republika.co.id/berita/c4sh{i:04d}/berita-uji-{i}",
        "tempo": f"https://dunia.tempo.co/read/19{i:05d}/berita-uji-{i}",
    }[portal]
    assert canonical_url(url) == url
    relevant = i % 2 == 0
    title = f"Korut Kirim Amunisi ke Rusia, Laporan {i}" if relevant else f"Harga Cabai Turun, Laporan {i}"
    paragraphs = [f"Jakarta - {p}" if k == 0 else p for k, p in enumerate(ON_TOPIC if relevant else OFF_TOPIC)]
    return ArticleSpec(url=url, portal=portal, title=title, author="Penulis Replika", editor="Editor Replika",
                       published=dt.datetime(2024, 4, 1, 8, 0, tzinfo=WIB) + dt.timedelta(minutes=i),
                       paragraphs=[*paragraphs, f"Laporan nomor {i} dari meja redaksi replika."])


class Pass:
    """One `beritawatch run` subprocess whose output lines arrive on a queue."""

    def __init__(self, config: pathlib.Path, api_url: str, pause: str | None = None) -> None:
        env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "WARNING",
               "BERITAWATCH_TEST_PAUSE": pause or ""}
        self.proc = subprocess.Popen([sys.executable, str(HOOKED), "run", "--config", str(config)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _pump(stream: object, sink: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink(line)  # type: ignore[operator]

    def wait_line(self, prefix: str, timeout: float = 40.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no {prefix!r} line; stderr: {''.join(self.stderr)[-2000:]}")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def finish(self, timeout: float = 60.0) -> int:
        return self.proc.wait(timeout=timeout)


def sql(config: pathlib.Path, query: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "beritawatch.cli", "sql", "--config", str(config),
                           "--lock-wait", "0", query], capture_output=True, text=True, timeout=60)


def rows(db: pathlib.Path, query: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def served(replica: Replica, urls: set[str]) -> int:
    with replica._lock:
        return sum(1 for r in replica.requests if f"https://{r.host}{r.path}" in urls)


@dataclasses.dataclass
class Scenario:
    db: pathlib.Path
    specs: list[ArticleSpec]
    edited: list[str]
    received_keys: list[str]
    notes: list[str]
    after: dict[str, list[tuple[object, ...]]]  # per kill point: (versions, alerts) right after it
    sql_while_fetching: subprocess.CompletedProcess[str]
    sql_while_storing: subprocess.CompletedProcess[str]
    storing_pid: int
    seconds: float


@pytest.fixture(scope="module")
def crash(prefect_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    tmp = tmp_path_factory.mktemp("crash")
    db, config = tmp / "warehouse.duckdb", tmp / "beritawatch.toml"
    specs = [article(i) for i in range(N_ARTICLES)]
    urls = {s.url for s in specs}
    notes: list[str] = []
    after: dict[str, list[tuple[object, ...]]] = {}
    started = time.monotonic()

    def state(point: str) -> None:
        after[point] = rows(db, "SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM alerts)")
        notes[-1] += f" [{time.monotonic() - started:.1f} s]"

    with Replica() as replica, JsonReceiver() as receiver:
        for spec in specs:
            replica.add_article(spec)
        lines = [f'database = "{db}"', ""]
        for spec in specs:
            lines += ["[[track]]", f'url = "{spec.url}"', ""]
        lines += ["[alerts]", f'targets = ["{receiver.url()}"]', "",
                  "[http]", "min_delay_s = 0.0", "timeout_s = 5.0", "retries = 0", "per_host_concurrency = 4",
                  "", "[http.route]"]
        lines += [f'"{host}" = "{origin}"' for host, origin in sorted(replica.route_map().items())]
        lines += ["", "[revisit]", "every_pass = true", ""]
        # Its articles are near copies of two texts (two stories of 150 members): one alert each here.
        lines += ["[stories]", "group_alerts = false", ""]
        config.write_text("\n".join(lines), encoding="utf-8")

        # A: killed while fetching; meanwhile the warehouse is free for `sql`.
        for url in urls:
            replica.behave(url, delay_s=0.2)
        run = Pass(config, prefect_server)
        _until(lambda: served(replica, urls) >= 20, "fetching to start", run)
        sql_while_fetching = sql(config, "SELECT count(*) AS n FROM articles")
        _until(lambda: served(replica, urls) >= 100, "100 articles fetched", run)
        at_kill = served(replica, urls)
        run.kill()
        assert at_kill < N_ARTICLES, "pass A finished fetching before it was killed"
        notes.append(f"A: killed after {at_kill} of {N_ARTICLES} article requests")
        state("A")
        for url in urls:
            replica.behave(url, None)

        # B: paused inside the store transaction: `sql` is refused; then killed before COMMIT.
        run = Pass(config, prefect_server, pause="store:before-commit")
        run.wait_line("PAUSED store:before-commit")
        sql_while_storing = sql(config, "SELECT count(*) FROM versions")
        storing_pid = run.proc.pid
        run.kill()
        notes.append("B: killed inside the store transaction, before COMMIT")
        state("B")

        # W: killed the moment the WAL appears after fetching (a commit is being written or just was).
        mark = served(replica, urls)
        wal = pathlib.Path(f"{db}.wal")
        run = Pass(config, prefect_server)
        _until(lambda: served(replica, urls) - mark >= N_ARTICLES, "pass W to fetch everything", run)
        seen = 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and run.proc.poll() is None:
            try:
                seen = wal.stat().st_size
            except FileNotFoundError:
                seen = 0
            if seen:
                break
            time.sleep(0.0005)
        if run.proc.poll() is None:
            run.kill()
            notes.append(f"W: killed with a {seen:,}-byte WAL on disk")
        else:
            notes.append(f"W: the pass finished (exit {run.proc.returncode}) before a WAL was seen")
        state("W")

        # C: killed right after the store transaction committed.
        run = Pass(config, prefect_server, pause="store:after-commit")
        run.wait_line("PAUSED store:after-commit")
        run.kill()
        notes.append("C: killed after the store COMMIT, before the outbox")
        state("C")

        edited = [spec.url for spec in specs[:N_EDITED]]
        for url in edited:
            spec = replica.article(url)
            replica.edit(url, paragraphs=[*spec.paragraphs[:2],
                                          "Paragraf ini ditambahkan kemudian: jumlah korban naik menjadi 12 orang "
                                          "setelah serangan rudal di Kharkiv pada Senin malam.",
                                          *spec.paragraphs[2:]])

        # D: killed after the outbox planned and sent, before the run is marked completed.
        run = Pass(config, prefect_server, pause="deliver:after-send")
        run.wait_line("PAUSED deliver:after-send")
        run.kill()
        notes.append("D: killed after alerts were sent, before the run was closed")
        state("D")

        # F: a clean pass.
        run = Pass(config, prefect_server)
        assert run.finish() == 0, "".join(run.stderr)[-3000:]
        notes.append("F: clean pass")
        state("F")
        keys = [r.headers.get(KEY_HEADER, "") for r in receiver.accepted]
    yield Scenario(db, specs, edited, keys, notes, after, sql_while_fetching, sql_while_storing,
                   storing_pid, time.monotonic() - started)


def _until(condition: object, what: str, run: Pass, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        if run.proc.poll() is not None:
            raise AssertionError(f"pass exited ({run.proc.returncode}) waiting for {what}: "
                                 f"{''.join(run.stderr)[-2000:]}")
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_no_version_lost_or_duplicated(crash: Scenario) -> None:
    print("\n" + "\n".join(crash.notes) + f"\n(versions, alerts) after each: {crash.after}"
          f"\nscenario took {crash.seconds:.1f} s")
    per_article = dict(rows(crash.db, "SELECT article_url, count(*) FROM versions GROUP BY 1"))
    expected = {spec.url: 2 if spec.url in crash.edited else 1 for spec in crash.specs}
    assert per_article == expected
    doubled = rows(crash.db, """SELECT article_url FROM versions GROUP BY 1
                                HAVING count(*) <> count(DISTINCT content_hash)""")
    assert doubled == []
    assert rows(crash.db, "SELECT count(*) FROM versions WHERE body IS NULL OR body = ''") == [(0,)]
    # nothing became visible half-way: before any COMMIT nothing, after it all 300
    assert crash.after["A"][0] == (0, 0) and crash.after["B"][0] == (0, 0)
    assert crash.after["W"][0][0] in (0, N_ARTICLES)
    assert crash.after["C"][0][0] == N_ARTICLES


def test_no_alert_duplicated_or_lost(crash: Scenario) -> None:
    relevant = {spec.url for i, spec in enumerate(crash.specs) if i % 2 == 0}
    assert rows(crash.db, "SELECT count(*), count(DISTINCT dedupe_key) FROM alerts")[0][0] == \
        rows(crash.db, "SELECT count(DISTINCT dedupe_key) FROM alerts")[0][0]
    new = rows(crash.db, "SELECT article_url FROM alerts WHERE kind = 'new'")
    assert sorted(str(u) for (u,) in new) == sorted(relevant)
    edits = rows(crash.db, "SELECT article_url FROM alerts WHERE kind = 'edit'")
    assert sorted(str(u) for (u,) in edits) == sorted(crash.edited)  # tracked articles: every edit alerts
    assert rows(crash.db, "SELECT count(*) FROM deliveries WHERE status = 'pending'") == [(0,)]
    assert crash.received_keys and len(crash.received_keys) == len(set(crash.received_keys))
    statuses = dict(rows(crash.db, "SELECT status, count(*) FROM runs GROUP BY 1"))
    assert statuses.get("completed") == 1  # the five killed passes stay 'running': see the report


def test_sql_works_while_a_pass_fetches_and_names_the_pass_while_it_stores(crash: Scenario) -> None:
    assert crash.sql_while_fetching.returncode == 0, crash.sql_while_fetching.stderr
    refused = crash.sql_while_storing
    assert refused.returncode == 3
    message = refused.stderr.strip()
    print(f"\nsql during the store step says: {message}")
    assert f"a beritawatch pass (process {crash.storing_pid}, run " in message
    assert "one process" in message and "export" in message

