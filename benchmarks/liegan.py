"""LieGAN mode (identity autoencoder): recover linear so(2) and so(3).

    python benchmarks/liegan.py --seeds 3

so(2): points on circles seen through a random linear map M, so the true
generator is M J M^-1. so(3): points on spheres, three generators. Reported:
subspace similarity to the true algebra (cosine of the largest principal
angle), the closure residual, the structure constants after aligning the
found basis to the true one, and the algebra ``identify_algebra`` names.
"""

import argparse
import time

import numpy as np
import torch
from _common import markdown_table, write_results

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_circles, make_spheres
from symlearn.groups import (
    closure_residual,
    group_basis,
    identify_algebra,
    structure_constants,
)
from symlearn.metrics import generator_similarity

# Learned generators are close to, not exactly, an algebra: identify_algebra's
# default tolerance (1e-2) is meant for exact bases.
IDENTIFY_TOL = 0.05


def aligned_structure_error(found: np.ndarray, true: np.ndarray) -> float:
    """Express the found basis in the true one (least squares), then compare
    the structure constants of the re-expressed true basis with so(3)'s."""
    flat_true = true.reshape(len(true), -1).T
    # found_i = sum_j A_ij true_j: the change of basis between the two spans.
    A = np.linalg.lstsq(flat_true, found.reshape(len(found), -1).T, rcond=None)[0].T
    rebuilt = np.einsum("ij,jkl->ikl", np.linalg.inv(A), found)
    return float(np.abs(structure_constants(rebuilt) - structure_constants(true)).max())


def run(group: str, seed: int) -> dict:
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    if group == "so2":
        transform = np.eye(2) + 0.5 * rng.normal(size=(2, 2))
        data = make_circles(n_samples=4000, random_state=seed, transform=transform)
        true = transform @ group_basis("so2", 2)[0] @ np.linalg.inv(transform)
        true = true[None]
        est = LatentSymmetryDiscoverer(
            latent_dim=2,
            autoencoder="identity",
            max_epochs=40,
            batch_size=128,
            lr=3e-3,
            random_state=seed,
        )
    else:
        data = make_spheres(n_samples=6000, random_state=seed)
        true = group_basis("so3", 3)
        est = LatentSymmetryDiscoverer(
            latent_dim=3,
            n_generators=3,
            autoencoder="identity",
            max_epochs=40,
            batch_size=128,
            lr=3e-3,
            decorrelation_weight=1.0,
            random_state=seed,
        )
    start = time.perf_counter()
    est.fit(data.states)
    row = {
        "group": group,
        "seed": seed,
        "fit_s": time.perf_counter() - start,
        "similarity": generator_similarity(est.generators_, true),
        "closure_residual": closure_residual(est.generators_),
        "identified_as": identify_algebra(est.generators_, tol=IDENTIFY_TOL),
    }
    if group == "so3":
        row["structure_constant_error"] = aligned_structure_error(est.generators_, true)
    else:
        row["structure_constant_error"] = float("nan")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = [run(group, seed) for group in ("so2", "so3") for seed in range(args.seeds)]
    body = (
        "Success: subspace similarity >= 0.99 (and, for so(3), structure "
        "constants matching after a change of basis). identify_algebra with "
        f"tol={IDENTIFY_TOL}.\n\n" + markdown_table(rows, list(rows[0]))
    )
    write_results("liegan", "LieGAN mode: linear so(2) and so(3)", body, rows)
    print(body)


if __name__ == "__main__":
    main()
