"""Double bump: what the fixed so2+so2 latent encodes, with the defaults and
with one training lever changed at a time.

    python benchmarks/bump_levers.py --seeds 3

Besides the equivariance error of ``highdim.py`` (success <= 0.10), each row
gives the *shift coherence* of each latent plane with each bump's shift:
``|mean exp(i (angle - w 2 pi s / L))|`` for the better winding ``w = +-1``,
where ``angle`` is the plane's polar angle about ``center_`` and ``s`` the
bump's shift on held-out signals. An equivariant latent has coherence 1 for
one bump in one plane and the other bump in the other; 0 means the angle
ignores that shift. Each plane's *winding* ``(w_rectangle, w_triangle)`` is
the pair of integers in ``[-2, 2]`` (not both 0) with which its angle best
follows ``w_rectangle phase_rectangle + w_triangle phase_triangle``: ``(2,
0)`` is the rectangle's second harmonic, ``(1, 1)`` a mixture of the two
shifts. Three rows fit nothing. ``PCA``: the top four principal components
of the training signals (whitened), the best a linear encoder reconstructs
with. ``exact shifts``: the equivariant latent ``sqrt(2) (cos a, sin a, cos
b, sin b)`` of each signal's phases ``a, b`` (``2 pi shift / L``, read off
by matching the signal against every rendering). ``sheared shifts``: the
same with ``b`` replaced by ``b + 2 sin a``. The shear keeps area on the
torus, so this latent is as uniform on it as the exact one and just as
invariant under the group, yet it is not equivariant: invariance of the
latent's distribution, all the adversary checks on static samples, does not
single out the equivariant latent. Last, the training discriminator's final
loss and how well a fresh classifier tells latents from moved latents
(``symlearn.metrics.two_sample_accuracy``): the adversary's verdict checked
independently, by gradient boosting (the default) and by a small neural
network. The paper preset is not a lever here: at 2000 epochs it takes
about 16 min per fit (``highdim.py --config paper``).
"""

import argparse
import statistics
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
from _common import (
    EPOCHS_BEFORE_AUTO,
    single_threaded_workers,
    summary_and_per_seed,
    write_results,
)
from highdim import (
    MAX_EQUIVARIANCE_ERROR,
    SIZES,
    double_bump_setup,
    held_out_equivariance,
    moved_apart,
)
from sklearn.decomposition import PCA

from symlearn.datasets import make_double_bump
from symlearn.groups import group_basis
from symlearn.metrics import (
    relative_reconstruction_error,
)

LEVERS = {
    "defaults": {},
    "400 epochs": {"max_epochs": 400},
    "adversarial_weight=1": {"adversarial_weight": 1.0},
    "lr_discriminator=0.01": {"lr_discriminator": 0.01},
    "discriminator 3x256": {"discriminator_hidden_sizes": (256, 256, 256)},
    "adversarial_weight=3": {"adversarial_weight": 3.0},
}
BUMPS = ("rectangle", "triangle")
PCA_ROW = "PCA"
# Latents built from the known shifts, by how far the triangle's phase is
# sheared along the rectangle's (0: the equivariant latent).
SHIFT_ROWS = {"exact shifts": 0.0, "sheared shifts": 2.0}
PLANE_KINDS = ("rectangle", "triangle", "mixed", "neither")
# Below this coherence a plane's best winding says little: it is "neither".
MIN_WOUND = 0.5
WINDINGS = [(a, b) for a in range(-2, 3) for b in range(-2, 3) if (a, b) != (0, 0)]


def shift_phases(shifts: np.ndarray, length: int) -> np.ndarray:
    """Each bump's phase ``2 pi shift / L``: the angle an equivariant plane
    turns by."""
    return 2 * np.pi * shifts / length


def _plane_angles(Z: np.ndarray) -> list[np.ndarray]:
    """Polar angle of each latent plane (coordinates ``2p, 2p+1``)."""
    return [np.arctan2(Z[:, 2 * p + 1], Z[:, 2 * p]) for p in range(Z.shape[1] // 2)]


def shift_coherence(Z: np.ndarray, shifts: np.ndarray, length: int) -> dict:
    """Coherence of latent plane ``p`` (coordinates ``2p, 2p+1``) with each
    bump's shift, as ``{"plane{p}_{bump}": value}``."""
    phases = shift_phases(shifts, length)
    out = {}
    for plane, angle in enumerate(_plane_angles(Z)):
        for bump, phase in zip(BUMPS, phases.T, strict=True):
            out[f"plane{plane}_{bump}"] = max(
                float(abs(np.mean(np.exp(1j * (angle - winding * phase)))))
                for winding in (-1, 1)
            )
    return out


def plane_windings(Z: np.ndarray, shifts: np.ndarray, length: int) -> dict:
    """Best winding ``(w_rectangle, w_triangle)`` of each latent plane and its
    coherence, as ``{"plane{p}_winding": str, "plane{p}_wound": value}``, and
    which shifts they follow (``"planes_follow"``, e.g. ``"rectangle+mixed"``)."""
    phases = shift_phases(shifts, length)
    out, follows = {}, []
    for plane, angle in enumerate(_plane_angles(Z)):
        coherence, winding = max(
            (float(abs(np.mean(np.exp(1j * (angle - phases @ w))))), w)
            for w in WINDINGS
        )
        out[f"plane{plane}_winding"] = str(winding)
        out[f"plane{plane}_wound"] = coherence
        rectangle, triangle = winding
        kind = 0 if not triangle else 1 if not rectangle else 2
        follows.append(PLANE_KINDS[kind if coherence >= MIN_WOUND else 3])
    return out | {"planes_follow": "+".join(follows)}


class _PCALatent:
    """The top principal components of the training signals as a latent, with
    the attributes ``held_out_equivariance`` reads."""

    def __init__(self, X: np.ndarray, latent_dim: int):
        self.pca = PCA(latent_dim, whiten=True).fit(X)
        self.generators_ = group_basis("so2+so2", latent_dim)
        self.center_ = np.zeros(latent_dim)
        self.reconstruction_error_ = relative_reconstruction_error(
            X, self.pca.inverse_transform(self.pca.transform(X))
        )

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self.pca.transform(X)


def true_latent(phases: np.ndarray, shear: float = 0.0) -> np.ndarray:
    """``sqrt(2) (cos a, sin a, cos b, sin b)`` with ``b`` replaced by ``b +
    shear sin a``, for phases ``(a, b)`` of shape (n, 2): one unit-variance
    plane per bump, equivariant for ``shear=0``."""
    a, b = phases.T
    b = b + shear * np.sin(a)
    return np.sqrt(2) * np.stack([np.cos(a), np.sin(a), np.cos(b), np.sin(b)], 1)


class _ShiftLatent:
    """``true_latent`` of each signal's shifts, read off by matching it
    against every rendering of the double bump (exact: the signals are
    noise-free), with the attributes ``held_out_equivariance`` reads."""

    def __init__(self, data, latent_dim: int, shear: float):
        length = data.states.shape[1]
        every = make_double_bump(length * length, length=length, random_state=0)
        pairs = np.stack(np.divmod(np.arange(length * length), length), axis=1)
        self.renderings = every.move(pairs - every.parameters)
        self.squared_norms = (self.renderings**2).sum(axis=1)
        self.phases = shift_phases(pairs, length)
        self.shear = shear
        self.generators_ = group_basis("so2+so2", latent_dim)
        self.center_ = np.zeros(latent_dim)
        # The shifts determine the signal, so the renderings reconstruct it.
        self.reconstruction_error_ = relative_reconstruction_error(
            data.states, self.renderings[self._nearest(data.states)]
        )

    def _nearest(self, X: np.ndarray) -> np.ndarray:
        distances = self.squared_norms - 2 * X @ self.renderings.T
        return distances.argmin(axis=1)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return true_latent(self.phases[self._nearest(X)], self.shear)


def run(lever: str, seed: int) -> dict:
    n_samples = SIZES["full"]["double_bump"]["n_samples"]
    params = {"max_epochs": EPOCHS_BEFORE_AUTO} | LEVERS.get(lever, {})
    data, test, est = double_bump_setup(seed, n_samples, **params)
    if lever == PCA_ROW:
        est = _PCALatent(data.states, est.latent_dim)
        discriminator_loss = float("nan")
    elif lever in SHIFT_ROWS:
        est = _ShiftLatent(data, est.latent_dim, SHIFT_ROWS[lever])
        discriminator_loss = float("nan")
    else:
        est.fit(data.states)
        discriminator_loss = est.history_[-1, "train_discriminator"]
    error = held_out_equivariance(est, test, seed)
    Z = est.transform(test.states) - est.center_
    length = test.states.shape[1]
    coherence = shift_coherence(Z, test.parameters, length)
    best = {  # the plane that follows each bump best
        f"best_{bump}": max(v for k, v in coherence.items() if k.endswith(bump))
        for bump in BUMPS
    }
    return {
        "lever": lever,
        "seed": seed,
        "equivariance_error": error,
        "reconstruction_error": est.reconstruction_error_,
        **coherence,
        **best,
        **plane_windings(Z, test.parameters, length),
        "discriminator_loss": discriminator_loss,
        **moved_apart(Z, est.generators_, seed),
        "success": bool(error <= MAX_EQUIVARIANCE_ERROR),
    }


def _plane_kinds(rows: list[dict]) -> str:
    """How many planes of ``rows`` follow only the rectangle's shift, only the
    triangle's, a mixture, or neither, as ``"r/t/m/n"``."""
    kinds = [kind for row in rows for kind in row["planes_follow"].split("+")]
    return "/".join(str(kinds.count(kind)) for kind in PLANE_KINDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    rows = [*SHIFT_ROWS, PCA_ROW, *LEVERS]
    parser.add_argument("--levers", nargs="+", choices=rows, default=rows)
    args = parser.parse_args()
    single_threaded_workers()
    tasks = [(lever, seed) for lever in args.levers for seed in range(args.seeds)]
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        rows = list(pool.map(run, *zip(*tasks, strict=True)))
    summary = []
    for lever in args.levers:
        mine = [row for row in rows if row["lever"] == lever]
        summary.append(
            {
                "lever": lever,
                "succeeded": f"{sum(row['success'] for row in mine)}/{len(mine)}",
                "median_equivariance_error": statistics.median(
                    row["equivariance_error"] for row in mine
                ),
                **{
                    f"median_best_{bump}": statistics.median(
                        row[f"best_{bump}"] for row in mine
                    )
                    for bump in BUMPS
                },
                "planes_rectangle_triangle_mixed_neither": _plane_kinds(mine),
                **{
                    f"median_{name}": statistics.median(row[name] for row in mine)
                    for name in (
                        "discriminator_loss",
                        "two_sample_accuracy",
                        "two_sample_accuracy_mlp",
                    )
                },
            }
        )
    body = (
        f"Double bump, size `full` ({SIZES['full']['double_bump']['n_samples']} "
        "signals), fixed so2+so2 on a 4-d latent, conv autoencoder; one lever "
        f"changed per row from the defaults but `max_epochs={EPOCHS_BEFORE_AUTO}` "
        '(the default before "auto"). '
        "Coherence: 1 when the plane's "
        "angle turns with that bump's shift (winding +-1), 0 when it ignores "
        "it; `best_*`: the larger of the two planes' (an equivariant latent "
        "has 1 for both bumps, in different planes). `plane*_winding`: the "
        "integers (rectangle, triangle) in [-2, 2] whose combination of the two "
        "shifts the plane's angle follows best, with coherence `plane*_wound` "
        "((2, 0): the rectangle's second harmonic); `planes_*`: how many "
        f"planes follow each (`neither`: best coherence below {MIN_WOUND}). "
        "`discriminator_loss`: the training discriminator's in the last epoch "
        "(chance: 2 ln 2 = 1.386); `two_sample_accuracy`: how well a fresh "
        "classifier tells held-out latents from the same latents moved over the "
        "whole group (`symlearn.metrics.two_sample_accuracy`; 0.5: it cannot), "
        "gradient boosting (the default) and, `_mlp`, a neural network with two "
        "layers of 64. Rows that fit nothing: `exact shifts`, the equivariant "
        "latent of the known shifts; `sheared shifts`, the same with the "
        "triangle's phase b replaced by b + 2 sin a (a: the rectangle's), as "
        "invariant under the group but not equivariant; `PCA`, the top four "
        "principal components (whitened) of the training signals.\n\n"
        + summary_and_per_seed(summary, rows)
    )
    write_results("bump_levers", "Double bump levers", body, rows)


if __name__ == "__main__":
    main()
