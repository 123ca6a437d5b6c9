"""One pass at a time on a DuckDB file: a second `beritawatch run` waits `--lock-wait` seconds for
the running pass, then exits 3 naming it; a pass killed with SIGKILL leaves no lock behind.

(Before the pass lock, two overlapping runs both went ahead: a pass opens the file only in short
windows, so the second one slipped in between them.)
"""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import duckdb
import pytest

from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL
from warehouse.db import WarehouseLocked, pass_lock, pass_lock_path, pass_running

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "beritawatch.cli"]


def _start_run(config: pathlib.Path, api_url: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    return subprocess.Popen([*CLI, "run", "--config", str(config), *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(condition: object, what: str, proc: subprocess.Popen[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        if proc.poll() is not None:
            raise AssertionError(f"the first pass exited ({proc.returncode}) before {what}: {proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _has_open(pid: int, path: pathlib.Path) -> bool:
    """Whether process `pid` holds a descriptor on `path` (Linux /proc)."""
    try:
        links = [os.readlink(fd) for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return str(path) in links


@pytest.mark.prefect
def test_a_second_run_on_one_file_waits_then_exits_3_naming_the_pass(
        prefect_server: str, replica: Replica, write_config) -> None:
    config = write_config()
    config.write_text(config.read_text(encoding="utf-8").replace("timeout_s = 5.0", "timeout_s = 150.0"),
                      encoding="utf-8")
    db = config.parent / "warehouse.duckdb"
    # The first pass stays in its fetch phase (file closed) until released, however slowly the
    # other processes start on a loaded machine.
    release = threading.Event()
    replica.behave(DETIK_URL, hold=release)
    first = _start_run(config, prefect_server)
    try:
        _wait_for(lambda: replica.requests_for(DETIK_URL), "the first pass fetches", first)
        assert pass_running(db)
        second = subprocess.run([*CLI, "run", "--config", str(config), "--lock-wait", "1"],
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "PREFECT_API_URL": prefect_server})
        assert second.returncode == 3, second.stdout + second.stderr
        assert f"a beritawatch pass (process {first.pid}" in second.stderr
        waiting = _start_run(config, prefect_server, "--lock-wait", "120")  # waits, then runs
        # It reaches the lock (it opens the lock file right before waiting on it) while the first holds it.
        _wait_for(lambda: _has_open(waiting.pid, pass_lock_path(db)), "the third run reaches the lock", first)
        assert pass_running(db) and waiting.poll() is None
        release.set()
        out, err = first.communicate(timeout=180)
        assert first.returncode == 0, err
        out, err = waiting.communicate(timeout=180)
        assert waiting.returncode == 0, err
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    assert not pass_running(db)
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT started_at, finished_at FROM runs ORDER BY started_at").fetchall()
    assert len(runs) == 2  # the refused run never opened one
    assert runs[1][0] >= runs[0][1]  # the waiting run started after the first one finished


HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from warehouse.db import pass_lock
    with pass_lock(sys.argv[1], "holder-run"):
        print("held", flush=True)
        time.sleep(60)
""")


def test_the_pass_lock_names_its_holder_and_dies_with_it(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "w.duckdb"
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    holder = subprocess.Popen([sys.executable, str(script), str(db), str(ROOT)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as refused, pass_lock(db, "second", wait_s=0.5):
            pass
        assert time.monotonic() - started >= 0.5
        assert f"process {holder.pid}, run holder-run" in str(refused.value)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        with pass_lock(db, "after-the-kill", wait_s=0.0):  # the kernel released it with the process
            assert pass_running(db)  # a second descriptor, even in this process, finds it held
    finally:
        if holder.poll() is None:
            holder.kill()
    assert not pass_running(db)
