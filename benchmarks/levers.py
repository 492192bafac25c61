"""What each lever does: the discovery benchmark on the pendulum with one
parameter changed from the defaults at a time.

    python benchmarks/levers.py --seeds 3

Same judging as ``discovery.py`` (invariance error over one full period of the
generator on held-out trajectories; success <= 0.10 with displacement >= 0.3).
"""

import argparse
import statistics

from _common import markdown_table, write_results
from discovery import run_seed
from joblib import Parallel, delayed

LEVERS = {
    "defaults": {},
    "discriminator on raw latents (paper)": {"discriminator_input": "latents"},
    "per-coordinate latent scaling, no whitening": {"latent_norm": "running"},
    "batch-norm latent (paper)": {"latent_norm": "batch"},
    "no anchor penalty": {"anchor_weight": 0.0},
    "no decoder refinement": {"refine_epochs": 0},
    "no generator projection": {"project_generators": False},
    "consecutive pairs (window_gap=1)": {"window_gap": 1},
    "pairs 25 steps apart": {"window_gap": 25},
    "windows of 4 states": {"window_size": 4},
    "cosine lr schedule": {"lr_schedule": "cosine"},
    "spectral-norm discriminator": {"spectral_norm": True},
    "40 epochs": {"max_epochs": 40},
    "free-norm generators, adversarial 0.01, scale 1": {
        "normalize_generators": False,
        "adversarial_weight": 0.01,
        "coefficient_scale": 1.0,
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--system", default="pendulum")
    parser.add_argument("--name", default=None, help="results file name")
    parser.add_argument(
        "--levers", nargs="+", default=list(LEVERS), help="names of LEVERS to run"
    )
    args = parser.parse_args()
    levers = {name: LEVERS[name] for name in args.levers}
    tasks = [(name, seed) for name in levers for seed in range(args.seeds)]
    results = Parallel(n_jobs=args.jobs)(
        delayed(run_seed)(args.system, seed, "default", levers[name])
        for name, seed in tasks
    )
    rows = []
    for name in levers:
        mine = [r for (n, _), r in zip(tasks, results, strict=True) if n == name]
        rows.append(
            {
                "lever": name,
                "succeeded": f"{sum(r['success'] for r in mine)}/{len(mine)}",
                "invariance_errors": ", ".join(
                    f"{r['invariance_error']:.3f}" for r in mine
                ),
                "median_invariance_error": statistics.median(
                    r["invariance_error"] for r in mine
                ),
                "median_fit_s": statistics.median(r["fit_s"] for r in mine),
            }
        )
    body = (
        f"System: {args.system}; seeds 0..{args.seeds - 1}; one change from the "
        "defaults per row.\n\n" + markdown_table(rows, list(rows[0]))
    )
    write_results(args.name or f"levers_{args.system}", "Levers", body, results)
    print(body)


if __name__ == "__main__":
    main()
