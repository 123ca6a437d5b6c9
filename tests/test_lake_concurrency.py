"""Several writers on one DuckLake at once (each its own DuckDB instance, as separate workers are):
lost commit races are retried, dedupe keys hold across writers, and each delivery is sent by one.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from beritawatch.alerts.targets import validate_targets
from beritawatch.relevance import default_topics
from tests.conftest import WarehouseSpec, new_lake
from tests.postgres import PostgresServer
from tests.receivers import JsonReceiver
from tests.test_outbox import add_alerts, keys
from tests.test_store import BODY, T0, article, parsed
from warehouse import outbox, store
from warehouse.db import connect, write

WRITERS = 4
URLS = [f"https://news.detik.com/internasional/d-71{i:05d}/korut-kirim-peluru-ke-rusia-{i}" for i in range(12)]


pytestmark = pytest.mark.lake


@pytest.fixture
def lake(postgres: PostgresServer, tmp_path: Any) -> WarehouseSpec:
    spec = new_lake(postgres, tmp_path)
    connect(spec.location).close()  # created (and migrated) once, before the writers race
    return spec


def _race(n: int, job: Callable[[int], Any]) -> list[Any]:
    """Run `job(i)` in n threads released together (DuckDB releases the GIL while it works)."""
    start = threading.Barrier(n)

    def run(i: int) -> Any:
        start.wait()
        return job(i)

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def _store_same_articles(spec: WarehouseSpec, writer: int) -> store.PassResult:
    con = connect(spec.location)
    try:
        now = T0 + dt.timedelta(minutes=writer)
        results = [parsed(dataclasses.replace(article(url), body=(*BODY, f"Berita nomor {i}.")))
                   for i, url in enumerate(URLS)]
        write(con, lambda: store.track(con, [(u, "detik") for u in URLS], "track", now))
        policy = store.PassPolicy(topics=default_topics(),
                                  next_check=lambda state, changed, errors, suspected: now)
        return store.record_checks(con, f"run-{writer}", results, now, policy)
    finally:
        con.close()


def test_overlapping_passes_store_each_version_and_new_alert_once(lake: WarehouseSpec) -> None:
    outcomes = _race(WRITERS, lambda i: _store_same_articles(lake, i))
    con = connect(lake.location, read_only=True)
    try:
        versions = con.execute("SELECT article_url, count(*) FROM versions GROUP BY 1").fetchall()
        new_alerts = con.execute("SELECT dedupe_key, count(*) FROM alerts WHERE kind = 'new' GROUP BY 1").fetchall()
        ids = con.execute("SELECT count(*), count(DISTINCT version_id) FROM versions").fetchone()
        alert_ids = con.execute("SELECT count(*), count(DISTINCT alert_id) FROM alerts").fetchone()
        runs = con.execute("SELECT count(DISTINCT run_id) FROM fetches").fetchone()
    finally:
        con.close()
    assert sorted(url for url, _ in versions) == sorted(URLS)
    assert all(count == 1 for _, count in versions)  # every writer saw the others' versions
    assert len(new_alerts) == len(URLS) and all(count == 1 for _, count in new_alerts)  # one [Baru] each
    assert ids == (len(URLS), len(URLS)) and alert_ids == (len(URLS), len(URLS))  # max + 1 ids never clash
    assert runs == (WRITERS,)  # every pass's fetches were stored: no writer lost its work
    # exactly one writer found the articles new; the others found them unchanged
    assert sorted(o.portals["detik"].new_articles for o in outcomes) == [0] * (WRITERS - 1) + [len(URLS)]


def test_each_delivery_is_sent_by_one_worker(lake: WarehouseSpec) -> None:
    with JsonReceiver() as hook:
        targets = validate_targets([{"url": hook.url(), "tags": ["chat"]}])
        con = connect(lake.location)
        add_alerts(con, 8)
        con.close()
        now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)

        def deliver(worker: int) -> outbox.DeliveryReport:
            own = connect(lake.location)
            try:
                return outbox.deliver_outbox(own, targets, now, pass_id=f"w{worker}", digest_threshold=50,
                                             max_attempts=5)
            finally:
                own.close()

        reports = _race(3, deliver)
    sent = [k.split("#")[0] for k in keys(hook)]
    assert sorted(sent) == [f"new:test{i:04d}" for i in range(8)]  # each once: none lost, none twice
    assert sum(r.sent for r in reports) == 8
    assert sum(r.planned for r in reports) == 8  # planned once, by one of the workers
