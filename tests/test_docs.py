"""The documentation builds offline, warning-free, from the docstrings and the
benchmark results."""

import importlib
import importlib.util
import re
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
    _check_every_public_name_is_rendered(tmp_path)


# Every module a user imports from; each has an API page rendering it.
PUBLIC_MODULES = [
    "symlearn",
    "symlearn.datasets",
    "symlearn.forecasting",
    "symlearn.groups",
    "symlearn.metrics",
    "symlearn.nn",
    "symlearn.plotting",
    "symlearn.presets",
    "symlearn.sindy",
    "symlearn.sindy_autoencoder",
    "symlearn.training",
]


def _public_names(module) -> list[str]:
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", None) == module.__name__
    ]


def _check_every_public_name_is_rendered(site: Path) -> None:
    rendered = "\n".join(p.read_text() for p in (site / "api").rglob("*.html"))
    missing = [
        f"{module_name}.{name}"
        for module_name in PUBLIC_MODULES
        for name in _public_names(importlib.import_module(module_name))
        if f'id="{module_name}.{name}"' not in rendered
        and f'id="symlearn.{name}"' not in rendered
    ]
    assert not missing, f"not in the API reference: {missing}"


def _python_blocks(page: Path) -> str:
    """The page's python code blocks, joined into one script."""
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)
    return "\n".join(blocks)


@pytest.mark.parametrize("page", ["quickstart.md", "guide/highdim.md"])
def test_the_code_of_the_page_runs(page, tmp_path, monkeypatch):
    # The quickstart runs as a user would copy it: a full default fit (~1 min).
    pytest.importorskip("matplotlib").use("Agg")
    monkeypatch.chdir(tmp_path)
    script = _python_blocks(ROOT / "docs" / page)
    assert script
    exec(compile(script, page, "exec"), {"__name__": "__docs__"})


def test_the_examples_gallery_runs(tmp_path):
    # The gallery's figures come from this script; --quick keeps it to seconds.
    pytest.importorskip("matplotlib")
    path = ROOT / "docs" / "examples" / "paper_experiments.py"
    spec = importlib.util.spec_from_file_location("paper_experiments", path)
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    gallery.main(["--quick", "--out", str(tmp_path)])
    for name in gallery.EXPERIMENTS:
        assert "generator L =" in (tmp_path / f"{name}.txt").read_text()
        assert (tmp_path / f"{name}_latent.png").stat().st_size > 0
    with pytest.raises(SystemExit):
        gallery.main(["double_pendulum"])
