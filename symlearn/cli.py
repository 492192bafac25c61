"""Command line: ``symlearn demo`` discovers the pendulum symmetry and reports it."""

import argparse
import sys
import time

import numpy as np


def _demo(args: argparse.Namespace) -> int:
    import torch

    from symlearn import LatentSymmetryDiscoverer
    from symlearn.datasets import make_pendulum
    from symlearn.metrics import (
        full_group_coefficients,
        invariance_error,
        rotation_likeness,
    )

    torch.set_num_threads(args.threads)
    data = make_pendulum(n_trajectories=args.trajectories, random_state=args.seed)
    train, test = data.split(test_size=0.2, random_state=args.seed)
    print(
        f"pendulum: {len(train.trajectories)} training trajectories of "
        f"{len(data.t)} states, {len(test.trajectories)} held out"
    )
    epochs = {} if args.epochs is None else {"max_epochs": args.epochs}
    est = LatentSymmetryDiscoverer(
        latent_dim=2,
        n_generators=1,
        random_state=args.seed,
        verbose=args.verbose,
        **epochs,
    )
    start = time.perf_counter()
    est.fit(train.trajectories)
    fit_seconds = time.perf_counter() - start

    generator = est.generators_[0]
    X = test.states
    coefficients = full_group_coefficients(est.generators_, len(X), random_state=0)
    moved = est.apply_group(X, coefficients)
    np.set_printoptions(precision=4, suppress=True)
    print(f"discovered generator L =\n{generator}")
    print(f"eigenvalues: {np.linalg.eigvals(generator)}")
    print(f"rotation-likeness |Re|/|Im|: {rotation_likeness(generator):.4f}")
    error = invariance_error(data.invariant, X, moved)
    print(f"energy invariance error over the whole group: {error:.4f}")
    print(f"fit time: {fit_seconds:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symlearn", description="Latent space symmetry discovery (LaLiGAN)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="discover the symmetry of the nonlinear pendulum"
    )
    demo.add_argument("--epochs", type=int, default=None, help="default: estimator's")
    demo.add_argument("--trajectories", type=int, default=200)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--threads", type=int, default=1)
    demo.add_argument("--verbose", type=int, default=1)
    demo.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
