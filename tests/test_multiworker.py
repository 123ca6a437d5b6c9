"""Many workers, one warehouse, for real: PostgreSQL from the Debian package (the DuckLake catalog),
a `prefect server`, the deployments of prefect-lake.yaml on a process work pool with 2 workers,
overlapping passes on the replica; `sql` answers while they write; one worker is killed with
SIGKILL mid-pass; afterwards no version, alert or delivery is lost or duplicated.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bench.corpus import make_specs
from beritawatch.alerts.deliver import KEY_HEADER
from beritawatch.testing.replica.server import Replica
from tests.postgres import PostgresServer
from tests.receivers import JsonReceiver
from tests.test_deploy import prefect_api  # noqa: F401  (the module's real Prefect server)
from warehouse.db import connect
from warehouse.outbox import process_alive

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
POOL = "beritawatch-lake"
DEPLOYMENTS = ("lake-detik", "lake-tribun", "lake-rest")
N_ARTICLES = 48
pytestmark = [pytest.mark.lake, pytest.mark.prefect, pytest.mark.timeout(900)]


@pytest.fixture
def slow_replica() -> Iterator[tuple[Replica, list[str]]]:
    """48 articles over the four portals, each answering after 0.5 s (a pass fetches for ~3 s)."""
    specs = make_specs(N_ARTICLES, seed=15)
    with Replica() as server:
        for spec in specs:
            server.add_article(spec)
            server.behave(spec.url, delay_s=0.5)
        yield server, [spec.url for spec in specs]


def _config(work: pathlib.Path, lake: str, data: pathlib.Path, replica: Replica, urls: list[str],
            hook: JsonReceiver) -> pathlib.Path:
    lines = [f'database = "{lake}"', f'data_path = "{data}/"', ""]
    for url in urls:
        lines += ["[[track]]", f'url = "{url}"', ""]
    lines += ["[alerts]", f'targets = [{{url = "{hook.url()}", tags = ["chat"]}}]', "digest_threshold = 100", "",
              "[http]", "min_delay_s = 0.0", "timeout_s = 10.0", "retries = 1", "per_host_concurrency = 2", "",
              "[http.route]"]
    lines += [f'"{host}" = "{origin}"' for host, origin in sorted(replica.route_map().items())]
    lines += ["", "[revisit]", "every_pass = true", ""]
    path = work / "beritawatch.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


async def _runs(api: str, ids: set[Any] | None = None) -> list[tuple[str, str, Any, Any]]:
    """(deployment, state type, start, end) of the flow runs started by this test (all: None)."""
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api) as client:
        deployments = {d.id: d.name for d in await client.read_deployments()}
        return [(deployments.get(r.deployment_id, "?"), r.state_type.value if r.state_type else "?",
                 r.start_time, r.end_time) for r in await client.read_flow_runs()
                if ids is None or r.id in ids]


async def _start(api: str, names: list[str]) -> list[Any]:
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api) as client:
        ids = []
        for name in names:
            deployment = await client.read_deployment_by_name(f"beritawatch-pass/{name}")
            ids.append((await client.create_flow_run_from_deployment(deployment.id)).id)
        return ids


async def _crash_orphans(api: str) -> int:
    """Mark RUNNING flow runs whose process is gone as crashed, as an operator (or Prefect's
    heartbeat-based detection) would; that frees their deployment's concurrency slot. A killed
    flow-run process whose worker was killed too is a zombie until pid 1 reaps it (seconds here):
    `process_alive` counts it as gone (a bare kill(pid, 0) does not, and the run stayed RUNNING)."""
    from prefect.client.orchestration import PrefectClient
    from prefect.states import Crashed

    crashed = 0
    async with PrefectClient(api) as client:
        for run in await client.read_flow_runs():
            if run.state_type is None or run.state_type.value != "RUNNING" or not run.infrastructure_pid:
                continue
            pid = int(str(run.infrastructure_pid).rsplit(":", 1)[-1])
            if not process_alive(pid):
                await client.set_flow_run_state(run.id, Crashed(message="worker killed (SIGKILL)"), force=True)
                crashed += 1
    return crashed


def _report_stuck(api: str, ids: set[Any]) -> bool:
    """Never true: a run left RUNNING by a dead process is crashed as it would be in production."""
    asyncio.run(_crash_orphans(api))
    return False


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


async def _running_pids(api: str) -> list[int]:
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api) as client:
        return [int(str(r.infrastructure_pid).rsplit(":", 1)[-1]) for r in await client.read_flow_runs()
                if r.state_type is not None and r.state_type.value == "RUNNING" and r.infrastructure_pid]


def _worker_running_a_pass(api: str, workers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    running = set(asyncio.run(_running_pids(api)))
    for worker in workers:
        if running & {worker.pid, *_descendants(worker.pid)}:
            return worker
    raise AssertionError(f"no worker runs a pass now (running flow-run pids {running})")


def _worker(env: dict[str, str], work: pathlib.Path, log: pathlib.Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--limit", "1"],
                            cwd=work, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group: killed with its flow runs


def _wait(condition: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def test_two_workers_overlapping_passes_and_a_killed_worker(
        postgres: PostgresServer, prefect_api: dict[str, str],  # noqa: F811
        slow_replica: tuple[Replica, list[str]], tmp_path: pathlib.Path) -> None:
    replica, urls = slow_replica
    api = prefect_api["PREFECT_API_URL"]
    lake = postgres.database("multiworker")
    work = tmp_path / "checkout"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv*", "data", ".git", "__pycache__", "report",
                                                              ".pytest_cache", ".hypothesis"))
    prefect = str(BIN / "prefect")
    env = {**prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    subprocess.run([prefect, "work-pool", "create", POOL, "--type", "process"], env=env, check=True,
                   capture_output=True, timeout=120)
    with JsonReceiver() as hook:
        config = _config(work, lake, tmp_path / "lake-data", replica, urls, hook)
        connect(lake, data_path=str(tmp_path / "lake-data") + "/").close()  # created before the race
        deploy = subprocess.run([prefect, "--no-prompt", "deploy", "--all", "--prefect-file", "prefect-lake.yaml"],
                                cwd=work, env=env, capture_output=True, text=True, timeout=240)
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]
        workers = [_worker(env, work, tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            # detik twice: its deployment's limit makes the second wait for the first
            ids = set(asyncio.run(_start(api, [*DEPLOYMENTS, "lake-detik"])))
            _wait(lambda: sum(1 for r in asyncio.run(_runs(api)) if r[1] == "RUNNING") >= 2,
                  "two passes running at once (one per worker)", 180)
            # analysts meanwhile: `sql` on the lake while passes write
            answered = subprocess.run([str(BIN / "beritawatch"), "sql", "--config", str(config),
                                       "SELECT count(*) AS n FROM fetches"], capture_output=True, text=True,
                                      timeout=120, env=env)
            assert answered.returncode == 0, answered.stderr
            ids |= _kill_a_worker_mid_pass(api, replica, workers, env, work, tmp_path)
            ids |= set(asyncio.run(_start(api, list(DEPLOYMENTS))))  # later passes, on the surviving worker
            _wait(lambda: all(r[1] in FINAL for r in asyncio.run(_runs(api, ids))) or _report_stuck(api, ids),
                  "every pass to finish on the surviving worker", 480)
        finally:
            for proc in workers:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        # the killed portal group's work is redone by a plain pass over everything
        final = subprocess.run([str(BIN / "beritawatch"), "run", "--config", str(config), "--quiet"],
                               capture_output=True, text=True, timeout=300, env=env, cwd=work)
        assert final.returncode == 0, final.stderr[-3000:]
        received = [r.headers.get(KEY_HEADER, "") for r in hook.accepted]
    runs = asyncio.run(_runs(api, ids))
    assert sum(1 for r in runs if r[1] == "COMPLETED") >= 5, runs
    _check_warehouse(lake, urls, received)
    _check_one_pass_per_portal(runs)


def _kill_a_worker_mid_pass(api: str, replica: Replica, workers: list[subprocess.Popen[bytes]],
                            env: dict[str, str], work: pathlib.Path, tmp_path: pathlib.Path) -> set[Any]:
    """SIGKILL a worker (and the pass it runs) while that pass is fetching; if the pass happened to
    end just before the kill, a fresh worker takes its place and we try again. Returns the ids of
    the flow runs started meanwhile."""
    started: set[Any] = set()
    for attempt in range(3):
        served = len(replica.requests)
        _wait(lambda: len(replica.requests) > served + 3, "a pass fetching", 120)  # noqa: B023
        victim = _worker_running_a_pass(api, workers)
        for pid in [victim.pid, *_descendants(victim.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        victim.wait()
        time.sleep(1.0)
        if asyncio.run(_crash_orphans(api)) >= 1:
            return started
        print(f"kill attempt {attempt}: no pass was running in the killed worker")
        workers[workers.index(victim)] = _worker(env, work, tmp_path / f"worker-extra{attempt}.log")
        started |= set(asyncio.run(_start(api, list(DEPLOYMENTS))))
    raise AssertionError("no pass was caught mid-run by the kill in three tries")


def _check_warehouse(lake: str, urls: list[str], received: list[str]) -> None:
    con = connect(lake, read_only=True)
    try:
        def one(sql: str) -> Any:
            return con.execute(sql).fetchall()

        stored = {url for (url,) in one("SELECT DISTINCT article_url FROM versions")}
        assert stored == set(urls)  # none lost
        assert one("SELECT count(*) - count(DISTINCT (article_url, content_hash)) FROM versions") == [(0,)]
        assert one("SELECT count(*) - count(DISTINCT version_id) FROM versions") == [(0,)]
        assert one("""SELECT count(*) FROM articles a WHERE NOT EXISTS
                      (SELECT 1 FROM versions v WHERE v.article_url = a.url AND v.content_hash = a.current_hash)""") \
            == [(0,)]
        assert one("SELECT count(*) - count(DISTINCT dedupe_key) FROM alerts") == [(0,)]
        _check_new_alerts(one)
        keys = [key for (key,) in one("SELECT dedupe_key FROM alerts WHERE kind <> 'digest'")]
        # a sender killed between the send and its record leaves the claim to lapse; the next
        # sender's attempt is then the second on record (attempts > 1)
        resent = {key for (key,) in one("""SELECT a.dedupe_key FROM deliveries d JOIN alerts a USING (alert_id)
                                            WHERE d.attempts > 1""")}
        statuses = one("SELECT status, count(*) FROM deliveries GROUP BY 1")
        assert dict(statuses).get("pending", 0) == 0 and dict(statuses).get("failed", 0) == 0, statuses
        assert one("SELECT count(*) - count(DISTINCT (alert_id, target)) FROM deliveries") == [(0,)]
    finally:
        con.close()
    _check_received(received, keys, resent)


def _check_received(received: list[str], keys: list[str], resent: set[str]) -> None:
    """Every part of every alert reached the chat, once. The header is `dedupe_key#part/count`: a
    long alert is several messages with one dedupe key. A part arrives twice only when its sender
    was killed between sending it and recording that (the kill usually lands while a pass fetches),
    and then the delivery row shows the second attempt."""
    parts: dict[str, set[str]] = {}
    for header in received:
        key, _, part = header.partition("#")
        parts.setdefault(key, set()).add(part)
    assert sorted(parts) == sorted(keys)  # every alert...
    for key, got in parts.items():
        count = int(next(iter(got)).split("/")[1])
        assert got == {f"{i}/{count}" for i in range(1, count + 1)}, (key, got)  # ...every part of it...
    twice = {h.partition("#")[0] for h in received if received.count(h) > 1}
    assert twice <= resent, (twice, resent)  # ...once, unless a killed sender's attempt was redone


def _check_new_alerts(one: Any) -> None:
    """[Baru] only for relevant articles (once each: the dedupe keys are distinct). A relevant
    article without its own [Baru] is a later member of a story (README "Stories"): its [Baru]
    became the story's "juga di" follow-up, or an alert of what it adds."""
    new = {url for (url,) in one("SELECT article_url FROM alerts WHERE kind = 'new'")}
    relevant = {url for (url,) in one("SELECT url FROM articles WHERE relevant")}
    assert relevant and new <= relevant
    grouped = {url for (url,) in one("SELECT article_url FROM story_links")}
    assert relevant - new <= grouped, relevant - new - grouped
    if relevant - new:
        assert one("SELECT count(*) FROM alerts WHERE kind = 'story'")[0][0] >= 1


def _check_one_pass_per_portal(runs: list[tuple[str, str, Any, Any]]) -> None:
    by_deployment: dict[str, list[tuple[Any, Any]]] = {}
    for name, state, start, end in runs:
        if start is not None and state == "COMPLETED":
            by_deployment.setdefault(name, []).append((start, end))
    assert len(by_deployment) >= 2
    for name, spans in by_deployment.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end, f"two {name} passes overlapped"
