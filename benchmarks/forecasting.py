"""Forecasting benchmark: latent SINDy against baselines on pendulum and
Lotka-Volterra, on the same held-out trajectories.

    python benchmarks/forecasting.py --seeds 1
    python benchmarks/forecasting.py --quick      # tiny epochs, end-to-end check

Horizon: every method trains on the first H + 1 states (H = --horizon steps)
of the training trajectories, with their exact derivatives. Held-out
trajectories run 20 H steps; each method rolls out from their first state,
and the relative MSE ``sum ||x_hat - x||^2 / sum ||x - mean x||^2`` is taken
over the first H, 5 H and 20 H steps. A rollout is bounded when it stays
finite and within 10x the largest |state| of the held-out data.

Methods: (a) LatentSINDy in the discovered latent, (b) the same constrained
to be equivariant under the discovered generator, (c) the SINDy autoencoder,
(d) SINDy in data space, (e) a k-nearest-neighbour step regressor in the
discovered latent. (a), (b), (e) share one LaLiGAN fit per system and seed.
Terms: nonzero SINDy coefficients. R^2: of the model's derivatives against
the exact ones on the held-out data, in the method's own variables (latent
ones by the chain rule).
"""

import argparse
import time

import numpy as np
import torch
from _common import EPOCHS_BEFORE_AUTO, markdown_table, write_results
from sklearn.metrics import r2_score
from sklearn.neighbors import KNeighborsRegressor

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_lotka_volterra, make_pendulum
from symlearn.forecasting import LatentForecaster
from symlearn.sindy import LatentSINDy
from symlearn.sindy_autoencoder import SINDyAutoencoder

SYSTEMS = {"pendulum": make_pendulum, "lotka_volterra": make_lotka_volterra}
MULTIPLES = (1, 5, 20)
BOUND_FACTOR = 10.0


def relative_mse(forecast: np.ndarray, truth: np.ndarray, steps: int) -> float:
    """Over all rollouts, states 0..steps; inf if any of them blew up."""
    f, x = forecast[:, : steps + 1], truth[:, : steps + 1]
    if not np.all(np.isfinite(f)):
        return np.inf
    centered = x - x.reshape(-1, x.shape[-1]).mean(axis=0)
    return float(np.sum((f - x) ** 2) / np.sum(centered**2))


def own_variables(model):
    """``(transform, transform_derivatives)`` into a method's own variables."""
    owner = model if isinstance(model, SINDyAutoencoder) else model.discoverer_
    if owner is None:
        return (lambda x: x), (lambda x, v: v)
    return owner.transform, owner.transform_derivatives


def derivative_r2(model, sindy: LatentSINDy, test) -> float:
    """R^2 of a SINDy model's derivatives on held-out states."""
    transform, transform_derivatives = own_variables(model)
    Z = transform(test.trajectories)
    Z_dot = transform_derivatives(test.trajectories, test.derivatives)
    return r2_score(np.concatenate(Z_dot), np.concatenate(sindy.predict(Z)))


def run(system: str, seed: int, horizon: int, quick: bool, epochs) -> list[dict]:
    torch.set_num_threads(1)
    n_trajectories = 30 if quick else 100
    data = SYSTEMS[system](
        n_trajectories=n_trajectories, n_steps=20 * horizon + 1, random_state=seed
    )
    train, test = data.split(test_size=0.2, random_state=seed)
    X = [x[: horizon + 1] for x in train.trajectories]
    X_dot = [v[: horizon + 1] for v in train.derivatives]
    t = data.t[: horizon + 1]
    truth = np.stack(test.trajectories)

    start = time.perf_counter()
    training = (
        {"max_epochs": 2, "refine_epochs": 1} if quick else {"max_epochs": epochs}
    )
    discoverer = LatentSymmetryDiscoverer(latent_dim=2, random_state=seed, **training)
    discoverer.fit(X)
    discover_s = time.perf_counter() - start

    methods = {
        # Centred on the point the group acts about, like (b): a constant
        # offset of the latent would add constant terms to every equation.
        "(a) latent SINDy": LatentForecaster(
            discoverer, LatentSINDy(center=discoverer.center_), prefit=True
        ),
        # The exact constraint leaves a dense family (a u + b L u + ...) in
        # the monomials of a latent that is not exactly white, and zeroing one
        # small monomial then kills it: keep approximately equivariant terms.
        "(b) constrained latent SINDy": LatentForecaster(
            discoverer,
            LatentSINDy(
                generators=discoverer.generators_,
                center=discoverer.center_,
                constraint_tol=1e-2,
            ),
            prefit=True,
        ),
        "(c) SINDy autoencoder": SINDyAutoencoder(
            batch_size=1024, max_epochs=3 if quick else 60, random_state=seed
        ),
        "(d) data-space SINDy": LatentForecaster(
            dynamics=LatentSINDy(feature_names=data.feature_names)
        ),
        "(e) latent kNN steps": LatentForecaster(
            discoverer, KNeighborsRegressor(weights="distance"), prefit=True
        ),
    }
    rows = []
    for name, model in methods.items():
        start = time.perf_counter()
        # the kNN regressor fits latent steps: it takes no derivatives
        steps_only = isinstance(getattr(model, "dynamics", None), KNeighborsRegressor)
        model.fit(X, t, None if steps_only else X_dot)
        fit_s = time.perf_counter() - start
        forecast = model.predict(truth[:, 0], 20 * horizon)
        scale = BOUND_FACTOR * np.abs(truth).max()
        bounded = np.all(np.isfinite(forecast) & (np.abs(forecast) <= scale), (1, 2))
        row = {"system": system, "seed": seed, "method": name}
        sindy = getattr(model, "sindy_", getattr(model, "dynamics_", None))
        if isinstance(sindy, LatentSINDy):
            row["terms"] = sindy.n_nonzero_
            row["derivative_r2"] = derivative_r2(model, sindy, test)
            if sindy.generators is not None:
                row["free_equivariance_error"] = float(
                    sindy.unconstrained_equivariance_error_[0]
                )
                row["free_terms"] = int(
                    np.count_nonzero(sindy.unconstrained_coefficients_)
                )
            row["equations"] = "; ".join(sindy.equations(2))
        else:
            row["terms"] = "n/a"
            row["derivative_r2"] = "n/a"
        for multiple in MULTIPLES:
            row[f"rel_mse_{multiple}x"] = relative_mse(
                forecast, truth, multiple * horizon
            )
        row["bounded"] = float(bounded.mean())
        row["fit_s"] = fit_s
        row["discoverer_fit_s"] = discover_s
        rows.append(row)
        print({k: v for k, v in row.items() if k != "equations"}, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS))
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--horizon", type=int, default=100, help="H, in steps")
    parser.add_argument("--quick", action="store_true", help="tiny epochs")
    parser.add_argument(
        "--epochs",
        type=lambda value: value if value == "auto" else int(value),
        default=EPOCHS_BEFORE_AUTO,
        help="the discoverer's max_epochs: an int or auto (default: 25, as the "
        "stored table was measured)",
    )
    parser.add_argument("--name", default=None, help="results file name")
    args = parser.parse_args()

    rows = [
        row
        for system in args.systems
        for seed in range(args.seeds)
        for row in run(system, seed, args.horizon, args.quick, args.epochs)
    ]
    columns = ["system", "seed", "method", "terms", "derivative_r2"]
    columns += [f"rel_mse_{m}x" for m in MULTIPLES] + ["bounded", "fit_s"]
    constrained = [row for row in rows if "free_terms" in row]
    body = (
        f"H = {args.horizon} steps (dt = 0.02): training windows are the first "
        f"H + 1 states of {100 if not args.quick else 30}x0.8 trajectories; "
        f"rollouts of 20 H steps from held-out initial states; the discoverer "
        f"fitted with max_epochs={args.epochs}"
        + (" (QUICK: tiny epochs, not a result)" if args.quick else "")
        + ".\n\n"
        + markdown_table(rows, columns)
        + "\n\nConstrained fits: terms and equivariance error of the free fit\n\n"
        + markdown_table(
            constrained,
            ["system", "seed", "free_terms", "free_equivariance_error", "terms"],
        )
        + "\n\nEquations:\n\n"
        + "\n".join(
            f"* {row['system']} seed {row['seed']} {row['method']}: "
            f"`{row['equations']}`"
            for row in rows
            if "equations" in row
        )
    )
    name = args.name or ("forecasting_quick" if args.quick else "forecasting")
    write_results(name, "Forecasting benchmark", body, rows)


if __name__ == "__main__":
    main()
