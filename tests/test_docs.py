"""The documentation builds offline, warning-free, from the docstrings and the
benchmark results."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_build_strict(tmp_path):
    for module in ("mkdocs", "mkdocstrings_handlers.python", "material"):
        pytest.importorskip(module)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path)],
        cwd=ROOT,  # snippet paths are relative to the repository root
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    api = (tmp_path / "api" / "estimator" / "index.html").read_text()
    assert "apply_group" in api  # rendered from the docstrings
    benchmarks = (tmp_path / "benchmarks" / "index.html").read_text()
    results = (ROOT / "benchmarks" / "results" / "liegan.md").read_text()
    machine = next(line for line in results.splitlines() if line.startswith("Machine"))
    assert machine in benchmarks  # included from the results file
