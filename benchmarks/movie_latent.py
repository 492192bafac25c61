"""Pendulum movie latent benchmark: do the movie's orbits wind around the
point the learned rotation turns about?

    python benchmarks/movie_latent.py --seeds 2

Fits ``movie_scaled_long`` of ``highdim.py`` (the same data, settings and
seeds, so the same models) and looks at its 2-d latent. A rotation keeps the
energy only if every orbit is a loop around the rotation's centre (the mean
latent, ``center_``). For each held-out trajectory that runs at least one
period, the winding number of its latent loop over that period is measured
about ``center_`` and about the latent of the pendulum at rest (the point
all orbits surround in state space); ``*_winds_once`` is the share of these
loops with winding number +-1. ``invariance_error_about_rest`` is the
benchmark's invariance error with the rotation moved to act about the rest
latent instead.
"""

import argparse

import numpy as np
import torch
from _common import markdown_table, single_threaded_workers, write_results
from highdim import (
    MAX_INVARIANCE_ERROR,
    SCALED_MOVIE,
    SIZES,
    fit_movie,
    held_out_frames,
)
from joblib import Parallel, delayed
from pendulum_coverage import orbit_periods

from symlearn.datasets.pendulum_movie import _render
from symlearn.metrics import full_group_coefficients, invariance_error


def winding_number(latents: np.ndarray, point: np.ndarray) -> float:
    """Turns of the latent path, shape (n, 2), around ``point``."""
    angle = np.unwrap(np.arctan2(*(latents - point).T[::-1]))
    return float((angle[-1] - angle[0]) / (2 * np.pi))


def run_seed(seed: int, size_name: str) -> dict:
    torch.set_num_threads(1)
    size = SIZES[size_name]["pendulum_movie_long"]
    data, test, scaler, est, fit_s = fit_movie(seed, size, "default", **SCALED_MOVIE)

    def encode(states: np.ndarray) -> np.ndarray:
        return est.transform(scaler.transform(states.astype(np.float32)))

    frame, frame_dot, _ = _render(np.zeros(1), np.zeros(1), size["image_size"])
    rest = encode(np.stack([frame, frame_dot], axis=1).reshape(1, -1))[0]
    windings = {"center": [], "rest": []}
    for x, period in zip(test.trajectories, orbit_periods(test), strict=True):
        n_frames = int(round(period / size["dt"]))
        if n_frames <= len(x):
            z = encode(x[:n_frames])
            windings["center"].append(winding_number(z, est.center_))
            windings["rest"].append(winding_number(z, rest))

    X = held_out_frames(test, seed)
    X_scaled = scaler.transform(X)
    coefficients = full_group_coefficients(est.generators_, len(X), random_state=seed)
    errors = {}
    center = est.center_
    for name, point in (("", center), ("_about_rest", rest)):
        est.center_ = point
        moved = scaler.inverse_transform(est.apply_group(X_scaled, coefficients))
        errors[f"invariance_error{name}"] = invariance_error(data.invariant, X, moved)
    est.center_ = center
    spread = np.sqrt(np.mean(np.sum((encode(X) - center) ** 2, axis=1)))
    return {
        "seed": seed,
        "fit_s": fit_s,
        "closed_test_orbits": len(windings["rest"]),
        "center_winds_once": float(np.mean(np.abs(windings["center"]) > 0.5)),
        "rest_winds_once": float(np.mean(np.abs(windings["rest"]) > 0.5)),
        "median_winding_about_rest": float(np.median(windings["rest"])),
        "rest_to_center_over_spread": float(np.linalg.norm(rest - center) / spread),
        **errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--size", choices=list(SIZES), default="full")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    single_threaded_workers()
    rows = Parallel(n_jobs=args.jobs)(
        delayed(run_seed)(seed, args.size) for seed in range(args.seeds)
    )
    body = (
        "Pendulum movie, `movie_scaled_long` of `benchmarks/highdim.py` "
        f"(size {SIZES[args.size]['pendulum_movie_long']}, settings {SCALED_MOVIE}). "
        "Winding numbers over one period of each held-out trajectory that runs "
        "that long; `rest_to_center_over_spread`: the distance between the rest "
        "latent and `center_` over the root mean square distance of held-out "
        "latents from `center_`. Invariance errors as in `highdim.py` (success "
        f"<= {MAX_INVARIANCE_ERROR}).\n\n" + markdown_table(rows, list(rows[0]))
    )
    write_results("movie_latent", "Pendulum movie: the latent's orbits", body, rows)


if __name__ == "__main__":
    main()
