"""Double bump: does training keep the true latent when it starts there?

    python benchmarks/bump_start.py --seeds 3

The fits of ``highdim.py`` and ``bump_levers.py`` end with both latent planes
on the rectangle's shift. That is either the loss preferring such a latent
(the objective is wrong) or training never reaching the equivariant one (the
optimisation is stuck). This benchmark tells the two apart. The *true*
latent is ``sqrt(2) (cos a, sin a, cos b, sin b)`` with ``a, b`` the
rectangle's and the triangle's phase (``2 pi shift / 64``), whitened like the
estimator's latent. Each seed builds the estimator with one epoch, then
trains its decoder on the true latents and its encoder's raw output (before
the latent normalisation, whose statistics are then set to that output's)
to output them (``SUPERVISED_EPOCHS`` epochs each, Adam, batches of 64)
and, from there, continues the estimator's own training for ``max_epochs``
(``warm_start``).
The same training from the usual random start is the baseline. Two trainings
each: the defaults, and the autoencoder alone (no adversarial or identity
loss). Columns as in ``bump_levers.py``; ``reconstruction_error`` is on the
held-out signals.
"""

import statistics
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import torch
from _common import (
    EPOCHS_BEFORE_AUTO,
    seeds_and_jobs,
    summary_and_per_seed,
    write_results,
)
from bump_levers import plane_windings, shift_phases, true_latent
from highdim import (
    MAX_EQUIVARIANCE_ERROR,
    SIZES,
    double_bump_setup,
    held_out_equivariance,
)
from sklearn.exceptions import ConvergenceWarning

from symlearn.metrics import relative_reconstruction_error

TRAININGS = {
    "defaults": {},
    "autoencoder alone": {"adversarial_weight": 0.0, "identity_weight": 0.0},
}
STARTS = ("random", "true")
SUPERVISED_EPOCHS = 100
SUPERVISED_BATCH = 64


def _supervise(module, inputs, targets, parameters, seed: int) -> None:
    """Fit ``module(inputs) ~ targets`` (mean squared error) with Adam."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(parameters, lr=1e-3)
    for _ in range(SUPERVISED_EPOCHS):
        order = torch.randperm(len(inputs), generator=generator)
        for rows in order.split(SUPERVISED_BATCH):
            loss = torch.nn.functional.mse_loss(module(inputs[rows]), targets[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()


def start_at_truth(est, data, seed: int) -> None:
    """Train the fitted estimator's autoencoder onto the true latent: the
    decoder from it, then the encoder's raw output (before the latent
    normalisation) to it, with the normalisation's statistics set to those
    of that output. Supervising the normalised latent instead left the raw
    output with variances of 1e-4 to 1e-3, which the anchor penalty then
    pulls back to 1, moving the latent away from the truth."""
    module = est.net_.module_
    states = torch.as_tensor(data.states, dtype=torch.float32)
    latents = torch.as_tensor(
        true_latent(shift_phases(data.parameters, data.states.shape[1])),
        dtype=torch.float32,
    )
    module.train()
    _supervise(module.decode, latents, states, module.decoder.parameters(), seed)
    _supervise(module.encode_raw, states, latents, module.encoder.parameters(), seed)
    module.eval()
    normalization = module.encoder[-1]
    with torch.no_grad():
        raw = module.encode_raw(states)
        mean = raw.mean(dim=0)
        normalization.running_mean.copy_(mean)
        normalization.running_moment.copy_(normalization.batch_moment(raw - mean))
    # warm_start resumes from the decoder saved before the last refinement:
    # save the supervised one (0 epochs: save only).
    est.net_.refine_decoder(None, epochs=0, lr=0.0)
    est.center_ = est.transform(data.states).mean(axis=0)


def _evaluate(est, test, seed: int, start: str, training: str) -> dict:
    Z = est.transform(test.states)
    error = held_out_equivariance(est, test, seed)
    reconstructed = est.inverse_transform(Z)
    return {
        "start": start,
        "training": training,
        "seed": seed,
        "equivariance_error": error,
        "reconstruction_error": relative_reconstruction_error(
            test.states, reconstructed
        ),
        **plane_windings(Z - est.center_, test.parameters, test.states.shape[1]),
        "success": bool(error <= MAX_EQUIVARIANCE_ERROR),
    }


def run(start: str, training: str, seed: int) -> list[dict]:
    """The rows of one start and training: with the true start, also the
    latent before any training (only for the defaults, as it is the same)."""
    n_samples = SIZES["full"]["double_bump"]["n_samples"]
    params = TRAININGS[training]
    if start == "random":
        data, test, est = double_bump_setup(
            seed, n_samples, max_epochs=EPOCHS_BEFORE_AUTO, **params
        )
        return [_evaluate(est.fit(data.states), test, seed, start, training)]
    data, test, est = double_bump_setup(seed, n_samples, max_epochs=1, **params)
    with warnings.catch_warnings():  # one epoch only builds the modules
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(data.states)
    start_at_truth(est, data, seed)
    rows = []
    if training == "defaults":
        rows.append(_evaluate(est, test, seed, start, "none"))
    est.set_params(warm_start=True, max_epochs=EPOCHS_BEFORE_AUTO)
    rows.append(_evaluate(est.fit(data.states), test, seed, start, training))
    return rows


def main() -> None:
    args = seeds_and_jobs(__doc__)
    tasks = [
        (start, training, seed)
        for start in STARTS
        for training in TRAININGS
        for seed in range(args.seeds)
    ]
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        rows = [
            row for rows in pool.map(run, *zip(*tasks, strict=True)) for row in rows
        ]
    summary = []
    for start in STARTS:
        for training in ("none", *TRAININGS):
            mine = [r for r in rows if (r["start"], r["training"]) == (start, training)]
            if not mine:
                continue
            summary.append(
                {
                    "start": start,
                    "training": training,
                    "succeeded": f"{sum(r['success'] for r in mine)}/{len(mine)}",
                    **{
                        f"median_{name}": statistics.median(r[name] for r in mine)
                        for name in ("equivariance_error", "reconstruction_error")
                    },
                    "planes_follow": ", ".join(r["planes_follow"] for r in mine),
                }
            )
    body = (
        f"Double bump, size `full` ({SIZES['full']['double_bump']['n_samples']} "
        "signals), fixed so2+so2 on a 4-d latent, conv autoencoder, the "
        f"estimator's defaults but `max_epochs={EPOCHS_BEFORE_AUTO}` (the default "
        'before "auto"). '
        "`true` start: the autoencoder trained onto the "
        f"true latent first ({SUPERVISED_EPOCHS} epochs for the decoder, then "
        f"{SUPERVISED_EPOCHS} for the encoder); `none`: that latent before any "
        "adversarial training. `autoencoder alone`: adversarial_weight=0, "
        "identity_weight=0. Windings and `planes_follow` as in `bump_levers.md`; "
        "success: equivariance error <= "
        f"{MAX_EQUIVARIANCE_ERROR}.\n\n" + summary_and_per_seed(summary, rows)
    )
    write_results("bump_start", "Double bump from the true latent", body, rows)


if __name__ == "__main__":
    main()
