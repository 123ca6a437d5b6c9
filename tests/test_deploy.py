"""Scheduled runs for real: a local `prefect server start`, `beritawatch serve` on a short interval,
and `prefect deploy` of prefect.yaml; a scheduled run must complete and store versions."""
from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import duckdb
import httpx
import pytest

from beritawatch.testing.replica.server import Replica
from tests.receivers import free_port

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Prefect server with its scheduler on a 2 s loop; yields the env to reach it."""
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    env.pop("PREFECT_API_KEY", None)
    log = (home / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                pytest.fail(f"prefect server exited: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        else:
            pytest.fail("prefect server did not start within 120 s")
        yield env
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def completed_runs(env: dict[str, str], deployment: str) -> list[str]:
    async def read() -> list[str]:
        from prefect.client.orchestration import PrefectClient
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

        async with PrefectClient(env["PREFECT_API_URL"]) as client:
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment])))
            return [str(r.state_type.value) for r in runs if r.state_type is not None]

    return asyncio.run(read())


def test_served_deployment_runs_on_its_schedule(prefect_api: dict[str, str], replica: Replica,
                                               write_config) -> None:
    config = write_config()
    serve = subprocess.Popen([str(BIN / "beritawatch"), "serve", "--config", str(config), "--every", "5",
                              "--name", "ci-serve"], env=prefect_api, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 150
        states: list[str] = []
        while time.monotonic() < deadline and "COMPLETED" not in states:
            time.sleep(2)
            states = completed_runs(prefect_api, "ci-serve")
            assert serve.poll() is None, serve.stdout.read() if serve.stdout else ""
        assert "COMPLETED" in states, f"no scheduled run completed; states seen: {states}"
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
    with duckdb.connect(str(config.parent / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT article_url) FROM versions").fetchone()[0] == 5


def test_prefect_yaml_deploys_both_schedules(prefect_api: dict[str, str], tmp_path: pathlib.Path) -> None:
    prefect = str(BIN / "prefect")
    subprocess.run([prefect, "work-pool", "create", "beritawatch", "--type", "process"], env=prefect_api,
                   check=True, capture_output=True, timeout=120)
    work = tmp_path / "checkout"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", "data", ".git", "__pycache__"))
    deploy = subprocess.run([prefect, "--no-prompt", "deploy", "--all"], cwd=work, env=prefect_api,
                            capture_output=True, text=True, timeout=240)
    assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]

    async def read() -> dict[str, tuple[int, list[float]]]:
        from prefect.client.orchestration import PrefectClient

        async with PrefectClient(prefect_api["PREFECT_API_URL"]) as client:
            found = {}
            for deployment in await client.read_deployments():
                intervals = [s.schedule.interval.total_seconds() for s in deployment.schedules]
                limit = deployment.global_concurrency_limit
                found[deployment.name] = (limit.limit if limit else deployment.concurrency_limit, intervals)
            return found

    found = asyncio.run(read())
    assert found["discover"] == (1, [600.0]) and found["revisit"] == (1, [300.0])
