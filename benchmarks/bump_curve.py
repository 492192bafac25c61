"""Double bump: the held-out equivariance error during one long fit of the
reference code's settings at the reference's size.

    python benchmarks/bump_curve.py --seeds 3 --jobs 3

``paper_preset("double_bump")`` (2000 epochs of batch 256) on 10,000
training signals, as the reference trains, against 4,096 in ``highdim.py``.
Every ``--every`` epochs the training pauses to encode the held-out signals
and their moved copies (the moves of ``highdim.held_out_equivariance``) and
records the equivariance error, about the held-out latents' mean; the last
column is the fitted estimator's own error (about ``center_``), as
``highdim.py`` computes it. Success <= 0.10. The question: does more of the
reference's training converge to an equivariant latent?
"""

import argparse
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import torch
from _common import markdown_table, single_threaded_workers, write_results
from highdim import MAX_EQUIVARIANCE_ERROR, double_bump_setup, held_out_equivariance
from skorch.callbacks import Callback

from symlearn.metrics import equivariance_error
from symlearn.presets import paper_preset

N_SIGNALS = 10_000  # the reference's training set


class HeldOutEquivariance(Callback):
    """Every ``every`` epochs, the equivariance error of the net's current
    latent on held-out signals ``X`` moved to ``X_moved`` by moves with Lie
    algebra coordinates ``coordinates``; kept in ``errors`` as (epoch, error).
    """

    def __init__(self, X, X_moved, coordinates, every: int):
        self.X = X
        self.X_moved = X_moved
        self.coordinates = coordinates
        self.every = every

    def initialize(self):
        self.errors = []
        return self

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history_)
        if epoch % self.every:
            return
        autoencoder = net.module_
        autoencoder.eval()  # no update of running statistics
        with torch.no_grad():
            Z, Z_moved = (
                autoencoder.encode(
                    torch.as_tensor(x, dtype=torch.float32, device=net.device)
                )
                .cpu()
                .double()
                .numpy()
                for x in (self.X, self.X_moved)
            )
        autoencoder.train()
        generators = net.generator_.masked_basis().detach().cpu().double().numpy()
        error = equivariance_error(
            Z, Z_moved, self.coordinates, generators, Z.mean(axis=0)
        )
        self.errors.append((epoch, error))


def run(seed: int, every: int) -> dict:
    data, test, est = double_bump_setup(seed, N_SIGNALS, **paper_preset("double_bump"))
    moves = test.sample_moves(len(test.states), random_state=seed)
    monitor = HeldOutEquivariance(
        test.states, test.move(moves), test.move_coordinates(moves), every
    )
    est.set_params(callbacks=[monitor])
    start = time.perf_counter()
    est.fit(data.states)
    fit_s = time.perf_counter() - start
    monitor = dict(est.net_.callbacks_)["HeldOutEquivariance"]  # fit trains a copy
    error = held_out_equivariance(est, test, seed)
    return {
        "seed": seed,
        "fit_s": fit_s,
        "peak_rss_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **{f"epoch_{epoch}": value for epoch, value in monitor.errors},
        "final_equivariance_error": error,
        "reconstruction_error": est.reconstruction_error_,
        "success": bool(error <= MAX_EQUIVARIANCE_ERROR),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    single_threaded_workers()
    seeds = range(args.seeds)
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        rows = list(pool.map(run, seeds, [args.every] * len(seeds)))
    epochs = [key for key in rows[0] if key.startswith("epoch_")]
    curve = [
        {"epoch": int(key.removeprefix("epoch_"))}
        | {f"seed {row['seed']}": row[key] for row in rows}
        for key in epochs
    ]
    best = [
        {
            "seed": row["seed"],
            "lowest_error": min(row[key] for key in epochs),
            "at_epoch": int(min(epochs, key=row.get).removeprefix("epoch_")),
            "final_equivariance_error": row["final_equivariance_error"],
        }
        for row in rows
    ]
    columns = [key for key in rows[0] if not key.startswith("epoch_")]
    body = (
        f'Double bump, `paper_preset("double_bump")`, {N_SIGNALS} training '
        f"signals; held-out equivariance error every {args.every} epochs "
        f"(success <= {MAX_EQUIVARIANCE_ERROR}).\n\n"
        + markdown_table(rows, columns)
        + "\n\n### Lowest error during training\n\n"
        + markdown_table(best, list(best[0]))
        + "\n\n### Equivariance error by epoch\n\n"
        + markdown_table(curve, list(curve[0]))
    )
    write_results("bump_curve", "Double bump: error during training", body, rows)


if __name__ == "__main__":
    main()
