"""Shared helpers of the benchmarks: machine description and table writing."""

import argparse
import json
import os
import platform
from pathlib import Path

import numpy as np
import torch

RESULTS = Path(__file__).parent / "results"

# The default max_epochs until it became "auto" (2026-12-03). Benchmarks whose
# tables were measured then pin it, so that they still reproduce their tables.
EPOCHS_BEFORE_AUTO = 25

# Every benchmark fit runs on one torch thread (workers set it too): two
# threads on two cores made small fits much slower here.
torch.set_num_threads(1)


def single_threaded_workers() -> None:
    """Give worker processes started after this one BLAS thread each.

    Two workers share two cores: BLAS threads on top of that stalled the
    so(3) equivariance evaluation of the rotating object for minutes. Spawned
    workers inherit the variables before they import numpy.
    """
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def seeds_and_jobs(doc: str) -> argparse.Namespace:
    """``--seeds`` and ``--jobs`` from the command line of a benchmark whose
    module docstring is ``doc``; its workers get one BLAS thread each."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    single_threaded_workers()
    return args


def machine() -> str:
    """One line describing where the benchmark ran."""
    if torch.cuda.is_available():
        device = torch.cuda.get_device_name()
    else:
        # The vector instructions torch uses: results may differ in the last
        # digits across them, and a training run can amplify that.
        device = f"no GPU, {torch.backends.cpu.get_cpu_capability()}"
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{device}; python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch thread per fit"
    )


def markdown_table(rows: list[dict], columns: list[str]) -> str:
    def cell(value):
        if isinstance(value, float | np.floating):
            return f"{value:.4g}"
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def summary_and_per_seed(summary: list[dict], rows: list[dict]) -> str:
    """The summary table, then every row under a "Per seed" heading."""
    return (
        markdown_table(summary, list(summary[0]))
        + "\n\n### Per seed\n\n"
        + markdown_table(rows, list(rows[0]))
    )


def with_previous_rows(name: str, rows: list[dict], key: str) -> list[dict]:
    """``rows`` after the rows of ``results/<name>.json`` whose ``(row[key],
    row["seed"])`` they do not rerun: a rerun of some systems or seeds keeps
    the others."""
    previous = RESULTS / f"{name}.json"
    if not previous.exists():
        return rows
    done = {(row[key], row["seed"]) for row in rows}
    kept = json.loads(previous.read_text())
    return [row for row in kept if (row[key], row["seed"]) not in done] + rows


def write_results(name: str, title: str, body: str, rows: list[dict]) -> Path:
    """Write ``results/<name>.md`` (title, machine, body) and ``<name>.json``,
    and print the body and where it went."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(f"# {title}\n\nMachine: {machine()}\n\n{body}\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=1, default=float))
    print(body)
    print(f"\nwritten to {path}")
    return path
