"""Grid search that scales out: one 12-candidate grid on the pendulum,
searched sequentially, on 2 loky workers (``n_jobs=2``) and on a Dask
``LocalCluster`` of 2 worker processes.

    python benchmarks/grid_search.py           # the benchmark (a few minutes)
    python benchmarks/grid_search.py --quick   # tiny fits: checks the script runs

(``--quick`` writes ``results/grid_search_quick.*``, which git ignores.)

``GridSearchCV`` splits the list of trajectories with a 3-fold ``KFold``, so
no window of a held-out trajectory is trained on, and selects by the
estimator's ``score``. All three searches must pick the same parameters (one
torch thread per fit makes the fits deterministic). Reported: seconds to
start the workers (they import torch), seconds of the search itself, and
both as ratios to the sequential search.
"""

import argparse
import time

import joblib
import torch
from _common import markdown_table, write_results
from joblib import Parallel, delayed
from sklearn.model_selection import GridSearchCV, KFold

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_pendulum

GRID = {
    "lr": [3e-4, 1e-3, 3e-3],
    "adversarial_weight": [0.03, 0.1],
    "coefficient_scale": [1.0, 3.0],
}
SETTINGS = {
    "full": {
        "pendulum": {"n_trajectories": 60},
        "params": {"max_epochs": 5, "refine_epochs": 2},
    },
    "quick": {
        "pendulum": {"n_trajectories": 12, "n_steps": 100},
        "params": {
            "max_epochs": 1,
            "refine_epochs": 1,
            "hidden_sizes": (8,),
            "discriminator_hidden_sizes": (8,),
            "batch_size": 32,
        },
    },
}
N_WORKERS = 2


def _one_thread() -> int:
    """Run in each worker before the search: import symlearn (and torch) and
    use one torch thread."""
    import symlearn  # noqa: F401

    torch.set_num_threads(1)
    return torch.get_num_threads()


def search(trajectories, params: dict, n_jobs: int) -> tuple[GridSearchCV, float]:
    est = LatentSymmetryDiscoverer(latent_dim=2, random_state=0, **params)
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    grid = GridSearchCV(est, GRID, cv=cv, n_jobs=n_jobs)
    start = time.perf_counter()
    grid.fit(trajectories)
    return grid, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny fits")
    args = parser.parse_args()
    setting = "quick" if args.quick else "full"
    config = SETTINGS[setting]
    trajectories = make_pendulum(**config["pendulum"], random_state=0).trajectories
    params = config["params"]

    runs = {}
    runs["sequential"] = (0.0, *search(trajectories, params, n_jobs=1))

    with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
        start = time.perf_counter()
        threads = Parallel(n_jobs=N_WORKERS)(
            delayed(_one_thread)() for _ in range(N_WORKERS)
        )
        startup = time.perf_counter() - start
        assert threads == [1] * N_WORKERS, threads
        runs["loky, n_jobs=2"] = (startup, *search(trajectories, params, N_WORKERS))

    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=N_WORKERS,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        threads = client.run(_one_thread)
        startup = time.perf_counter() - start
        assert set(threads.values()) == {1}, threads
        with joblib.parallel_config(backend="dask"):
            runs["dask LocalCluster, 2 workers"] = (
                startup,
                *search(trajectories, params, N_WORKERS),
            )

    sequential_s = runs["sequential"][2]
    best = runs["sequential"][1].best_params_
    rows = [
        {
            "backend": backend,
            "startup_s": startup,
            "search_s": seconds,
            "search_ratio": seconds / sequential_s,
            "with_startup_ratio": (startup + seconds) / sequential_s,
            "best_params": str(grid.best_params_),
            "same_best": grid.best_params_ == best,
        }
        for backend, (startup, grid, seconds) in runs.items()
    ]
    n_candidates = len(runs["sequential"][1].cv_results_["params"])
    body = (
        f"Setting `{setting}`: {n_candidates} candidates x 3 folds on "
        f"{len(trajectories)} pendulum trajectories, fixed parameters {params}, "
        f"grid {GRID}. Ratios are to the sequential search's "
        f"{sequential_s:.1f} s.\n\n" + markdown_table(rows, list(rows[0]))
    )
    name = "grid_search_quick" if args.quick else "grid_search"
    write_results(name, "Grid search: sequential, loky and Dask", body, rows)
    if not all(row["same_best"] for row in rows):
        raise SystemExit("the searches chose different parameters")


if __name__ == "__main__":
    main()
