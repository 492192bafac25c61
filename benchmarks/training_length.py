"""Training length on small data: ``max_epochs="auto"`` (the default) against
the former default of 25 epochs, on the same fits.

    python benchmarks/training_length.py --seeds 3

The discovery benchmark's systems (``discovery.py``) with few trajectories,
and the pendulum on the movie's short trajectories, so that an epoch has
few batches: 25 epochs are then few optimiser steps, where ``"auto"``
trains for at least 2,000. Each row is one fit, judged as ``discovery.py``
judges them, with the epochs and optimiser steps it made; the summary
gives, per data set, how often each training length succeeded and the
ratio of the median fit times.
"""

import statistics
import time

import torch
from _common import (
    EPOCHS_BEFORE_AUTO,
    seeds_and_jobs,
    summary_and_per_seed,
    write_results,
)
from discovery import MAX_INVARIANCE_ERROR, MIN_DISPLACEMENT, SYSTEMS, judge, succeeded
from joblib import Parallel, delayed

from symlearn import LatentSymmetryDiscoverer

# Data sets per system: a fifth of the trajectories (rounded up) is held out
# for judging. "movie span": the pendulum movie's trajectories (highdim.py),
# in state space, which close none of their orbits (pendulum_coverage.py).
DATA = {
    "pendulum": {
        "5 trajectories": {"n_trajectories": 5},
        "20 trajectories": {"n_trajectories": 20},
        "movie span": {"n_trajectories": 50, "n_steps": 200, "dt": 0.02},
    },
    "lotka_volterra": {
        "5 trajectories": {"n_trajectories": 5},
        "20 trajectories": {"n_trajectories": 20},
    },
}
LENGTHS = {"25 epochs": EPOCHS_BEFORE_AUTO, "auto": "auto"}


def run(system: str, data_name: str, length: str, seed: int) -> dict:
    torch.set_num_threads(1)
    data = SYSTEMS[system](**DATA[system][data_name], random_state=seed)
    train, test = data.split(test_size=0.2, random_state=seed)
    est = LatentSymmetryDiscoverer(
        latent_dim=2, max_epochs=LENGTHS[length], random_state=seed
    )
    start = time.perf_counter()
    est.fit(train.trajectories)
    fit_s = time.perf_counter() - start
    found = judge(est, data, test, seed)
    steps = int(sum(est.history_[:, "train_batch_count"]))
    return {
        "system": system,
        "data": data_name,
        "train_trajectories": len(train.trajectories),
        "length": length,
        "seed": seed,
        "epochs": len(est.history_),
        "steps": steps,
        "fit_s": fit_s,
        "invariance_error": found["invariance_error"],
        "displacement": found["displacement"],
        "reconstruction_error": est.reconstruction_error_,
        "success": succeeded(found),
    }


def summarise(rows: list[dict]) -> list[dict]:
    summary = []
    for system, data_sets in DATA.items():
        for data_name in data_sets:
            mine = {
                length: [
                    r
                    for r in rows
                    if (r["system"], r["data"], r["length"])
                    == (system, data_name, length)
                ]
                for length in LENGTHS
            }
            fit_s = {
                length: statistics.median(r["fit_s"] for r in fits)
                for length, fits in mine.items()
            }
            summary.append(
                {"system": system, "data": data_name}
                | {
                    f"succeeded ({length})": (
                        f"{sum(r['success'] for r in fits)}/{len(fits)}"
                    )
                    for length, fits in mine.items()
                }
                | {
                    f"median_invariance_error ({length})": statistics.median(
                        r["invariance_error"] for r in fits
                    )
                    for length, fits in mine.items()
                }
                | {
                    "fit_time_ratio (auto / 25 epochs)": fit_s["auto"]
                    / fit_s["25 epochs"]
                }
            )
    return summary


def main() -> None:
    args = seeds_and_jobs(__doc__)
    rows = Parallel(n_jobs=args.jobs)(
        delayed(run)(system, data_name, length, seed)
        for system, data_sets in DATA.items()
        for data_name in data_sets
        for seed in range(args.seeds)
        for length in LENGTHS
    )
    body = (
        "`LatentSymmetryDiscoverer(latent_dim=2)` with `max_epochs=25` (the "
        'default until 2026-12-03) and `max_epochs="auto"` (the default since: '
        "at least 2,000 optimiser steps), each on the same data and seed; "
        "data sets in `benchmarks/training_length.py` (trajectories of the "
        "systems' default length unless named otherwise). Success: "
        f"invariance error <= {MAX_INVARIANCE_ERROR} and "
        f"displacement >= {MIN_DISPLACEMENT}, moves over the whole group, on "
        "held-out trajectories. Fit times of one process each, "
        f"{args.jobs} at a time; the ratio is of the medians.\n\n"
        + summary_and_per_seed(summarise(rows), rows)
    )
    write_results("training_length", "Training length on small data", body, rows)


if __name__ == "__main__":
    main()
