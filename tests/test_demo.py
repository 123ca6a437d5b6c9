"""The offline demo runs end to end and shows each kind of alert and the report."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.prefect


def test_demo_tours_new_coverage_edit_and_takedown(prefect_server: str, tmp_path: pathlib.Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    run = subprocess.run([sys.executable, "-m", "beritawatch.cli", "demo", "--out", str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert out.count("chat ← [Baru]") == 6  # five tracked + the discovered scoop
    assert out.count("chat ← [Diedit]") == 1 and out.count("chat ← [Dihapus]") == 1
    assert "300 kontainer amunisi" in out
    assert (tmp_path / "report" / "index.html").exists()
    assert "Traceback" not in run.stderr
