r"""Why reaction-diffusion fails with a 3-d latent (benchmarks/highdim.py, rd3).

The spiral wave's frames settle on a limit cycle: one closed curve. A
one-parameter rotation can keep a curve only if the curve is a (distorted)
circle in the rotation's plane. This benchmark fits a 3-d latent with the
defaults (for 25 epochs, the default until 2026-12-03, and for the 52 that
``max_epochs="auto"`` gives), and for 25 epochs without the two penalties
that standardise the latent (anchor and decorrelation) and with the latent
left free (no whitening either); and, with batches of 64 (25 epochs either
way), free or centred and scaled as a whole (``latent_norm="scale"``,
generators scaled to their action). It measures, per seed:

* ``cycle_flatness``: smallest over largest singular value of the centred
  latent limit cycle (0: a flat curve, 1: spread evenly over three axes);
* ``axis_alignment``: |cos| between the learned rotation's axis and the
  normal of the cycle's plane (1: the right plane);
* ``learned_ratio``: moved frames' distance to the simulated cycle, in frame
  steps, with the learned generator (as in highdim.py; success <= 1);
* ``cycle_plane_ratio``: the same with a rotation put by hand in the cycle's
  own plane, about its centre, in the metric of its covariance: about the
  best any rotation can do in that latent;
* ``reconstruction_ratio``: the same for reconstructed, unmoved frames.

    python benchmarks/rd3_latent.py --seeds 3
    python benchmarks/rd3_latent.py \
        --configs "free latent (highdim.py's rd3_free_25_epochs)"
"""

import argparse
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import torch
from _common import (
    EPOCHS_BEFORE_AUTO,
    markdown_table,
    with_previous_rows,
    write_results,
)
from highdim import FREE_LATENT, SCALED_LATENT, SIZES, cycle_distance_ratio

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_reaction_diffusion
from symlearn.groups import group_basis
from symlearn.metrics import full_group_coefficients

CONFIGS = {
    "defaults, 25 epochs": {"max_epochs": EPOCHS_BEFORE_AUTO},
    # max_epochs="auto": 52 epochs of 39 batches (highdim.py's rd3)
    "defaults, 52 epochs (auto)": {},
    "no anchor, no decorrelation": {
        "anchor_weight": 0.0,
        "decorrelation_weight": 0.0,
        "max_epochs": EPOCHS_BEFORE_AUTO,
    },
    "free latent (highdim.py's rd3_free_25_epochs)": {
        **FREE_LATENT,
        "max_epochs": EPOCHS_BEFORE_AUTO,
    },
    # Batches of 64 make 156 an epoch, for which "auto" gives 25 epochs too.
    "free latent, batches of 64 (rd3_free_b64)": FREE_LATENT | {"batch_size": 64},
    "scaled latent, batches of 64 (rd3_scale_b64)": SCALED_LATENT | {"batch_size": 64},
}
N_EVAL = 1000


def moved_ratio(est, frames: np.ndarray, X: np.ndarray, seed: int) -> float:
    coefficients = full_group_coefficients(est.generators_, len(X), random_state=seed)
    return cycle_distance_ratio(frames, est.apply_group(X, coefficients))


def run(config: str, seed: int, size: str) -> dict:
    torch.set_num_threads(1)
    data = make_reaction_diffusion(
        **SIZES[size]["reaction_diffusion"], dtype=np.float32, random_state=seed
    )
    frames = data.trajectories[0]
    est = LatentSymmetryDiscoverer(
        latent_dim=3,
        input_shape=data.state_shape,
        random_state=seed,
        **CONFIGS[config],
    ).fit(data.trajectories)
    cycle = frames[len(frames) // 2 :]  # past the transient
    rng = np.random.RandomState(seed)
    X = cycle[rng.choice(len(cycle), min(N_EVAL, len(cycle)), replace=False)]

    Z = est.transform(cycle)
    covariance = np.cov(Z.T)
    variances, directions = np.linalg.eigh(covariance)  # ascending
    normal = directions[:, 0]
    eigenvalues, eigenvectors = np.linalg.eig(est.generators_[0])
    axis = np.real(eigenvectors[:, np.argmin(np.abs(eigenvalues))])
    row = {
        "config": config,
        "seed": seed,
        "cycle_flatness": float(np.sqrt(variances[0] / variances[-1])),
        "axis_alignment": float(abs(axis @ normal) / np.linalg.norm(axis)),
        "learned_ratio": moved_ratio(est, frames, X, seed),
    }
    # A rotation in the cycle's plane that keeps its covariance ellipse.
    root = directions @ np.diag(np.sqrt(variances)) @ directions.T
    about_normal = np.tensordot(normal, group_basis("so3", 3), axes=1)
    est.generators_ = (root @ about_normal @ np.linalg.inv(root))[None]
    est.center_ = Z.mean(axis=0)
    row["cycle_plane_ratio"] = moved_ratio(est, frames, X, seed)
    row["reconstruction_ratio"] = cycle_distance_ratio(
        frames, est.inverse_transform(est.transform(X))
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--size", choices=list(SIZES), default="full")
    parser.add_argument("--name", default="rd3_latent")
    parser.add_argument(
        "--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS)
    )
    args = parser.parse_args()
    tasks = [
        (config, seed, args.size)
        for config in args.configs
        for seed in range(args.seeds)
    ]
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        rows = list(pool.map(run, *zip(*tasks, strict=True)))
    rows = with_previous_rows(args.name, rows, "config")
    rows.sort(key=lambda row: (list(CONFIGS).index(row["config"]), row["seed"]))
    columns = [
        "config",
        "seed",
        "cycle_flatness",
        "axis_alignment",
        "learned_ratio",
        "cycle_plane_ratio",
        "reconstruction_ratio",
    ]
    body = (
        f"Reaction-diffusion, size `{args.size}` "
        f"({SIZES[args.size]['reaction_diffusion']}), 3-d latent. "
        "Ratios: median distance of frames to the simulated cycle in frame "
        "steps (success <= 1). `cycle_plane_ratio`: a rotation put by hand in "
        "the latent cycle's own plane.\n\n" + markdown_table(rows, columns)
    )
    write_results(args.name, "3-d latent of reaction-diffusion", body, rows)


if __name__ == "__main__":
    main()
