"""Command line: ``symlearn demo`` discovers the pendulum symmetry and reports
it; ``symlearn discover DATA`` does the same for the user's own trajectories."""

import argparse
import sys
import zipfile
from pathlib import Path

import numpy as np
import torch

from symlearn import LatentSymmetryDiscoverer, plotting
from symlearn.datasets import make_pendulum
from symlearn.groups import identify_algebra
from symlearn.metrics import (
    full_group_coefficients,
    invariance_error,
    relative_reconstruction_error,
    rotation_likeness,
)
from symlearn.training import TrainingDivergedError


class CLIError(Exception):
    """A problem with the user's input, reported on one line with exit code 2."""


def _discoverer(args: argparse.Namespace, **params) -> LatentSymmetryDiscoverer:
    """The estimator from the shared options and ``params``; options left out
    (None) keep the estimator's defaults."""
    torch.set_num_threads(args.threads)
    params |= {"max_epochs": args.epochs}
    given = {key: value for key, value in params.items() if value is not None}
    return LatentSymmetryDiscoverer(
        random_state=args.seed, verbose=args.verbose, **given
    )


def _fit(est, X):
    """Fit, turning the estimator's complaints about the data into CLIErrors."""
    try:
        return est.fit(X)
    except (ValueError, TrainingDivergedError) as error:
        raise CLIError(str(error)) from error


def _print_generators(est) -> None:
    with np.printoptions(precision=4, suppress=True):
        for i, generator in enumerate(est.generators_):
            print(f"discovered generator L{i} =\n{generator}")
            print(f"eigenvalues of L{i}: {np.linalg.eigvals(generator)}")
    print(f"Lie algebra identified: {identify_algebra(est.generators_)}")


# A fifth of the trajectories, rounded up, is held out; the energy invariance
# error needs two or more, as one trajectory keeps a single energy.
_MIN_DEMO_TRAJECTORIES = 6


def _demo(args: argparse.Namespace) -> int:
    if args.trajectories < _MIN_DEMO_TRAJECTORIES:
        raise CLIError(
            f"--trajectories must be at least {_MIN_DEMO_TRAJECTORIES}, got "
            f"{args.trajectories}: a fifth is held out, and the energy invariance "
            "error compares the energies of two or more held-out trajectories"
        )
    data = make_pendulum(n_trajectories=args.trajectories, random_state=args.seed)
    train, test = data.split(test_size=0.2, random_state=args.seed)
    print(
        f"pendulum: {len(train.trajectories)} training trajectories of "
        f"{len(data.t)} states, {len(test.trajectories)} held out"
    )
    est = _fit(_discoverer(args, latent_dim=2, n_generators=1), train.trajectories)

    X = test.states
    coefficients = full_group_coefficients(est.generators_, len(X), random_state=0)
    moved = est.apply_group(X, coefficients)
    _print_generators(est)
    print(f"rotation-likeness |Re|/|Im|: {rotation_likeness(est.generators_[0]):.4f}")
    error = invariance_error(data.invariant, X, moved)
    print(f"energy invariance error over the whole group: {error:.4f}")
    print(f"fit time: {est.fit_time_:.1f} s")
    return 0


def load_data(path: str | Path) -> np.ndarray | list[np.ndarray]:
    """Read the data of ``symlearn discover`` in a form ``fit`` accepts.

    Parameters
    ----------
    path : str or Path
        A ``.npy`` file holding one array, or a ``.npz`` file holding one
        array or several trajectories (one array each, all of shape
        ``(T_i, n_features)``). One array of shape ``(n_trajectories, T,
        n_features)`` is a set of trajectories, one of shape ``(n_samples,
        n_features)`` a set of independent states.

    Returns
    -------
    list of ndarray of shape (T_i, n_features), or ndarray of shape
    (n_samples, n_features)
    """
    path = Path(path)
    if not path.is_file():
        raise CLIError(f"no such file: {path}")
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                arrays = dict(loaded)  # reads every array, which may fail too
        else:
            arrays = {"array": loaded}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CLIError(f"cannot read {path} as a .npy or .npz file: {error}") from error
    if not arrays:
        raise CLIError(f"{path} holds no arrays")
    if len(arrays) > 1:
        for name, array in arrays.items():
            if array.ndim != 2:
                raise CLIError(
                    f"{path}: trajectory {name!r} has shape {array.shape}; "
                    "expected (T, n_features)"
                )
        return list(arrays.values())
    [(name, array)] = arrays.items()
    if array.ndim == 3:
        return list(array)
    if array.ndim == 2:
        return array
    raise CLIError(
        f"{path}: array {name!r} has shape {array.shape}; expected trajectories "
        "(n_trajectories, T, n_features) or states (n_samples, n_features)"
    )


def _epochs(text: str) -> int | str:
    """argparse type of ``--epochs``: an integer >= 1 or "auto"."""
    return text if text == "auto" else _positive_int(text)


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _seed(text: str) -> int:
    """argparse type of ``--seed``: an integer in [0, 2**32 - 1], as numpy
    seeds take."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"must be an integer from 0 to 2**32 - 1, got {text!r}"
        )
    return value


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse output paths that cannot be written, before a fit that may take
    minutes."""
    if args.out is not None:
        out = Path(args.out)
        if out.is_dir():
            raise CLIError(f"--out {out}: is a directory; give a file name")
        if not out.parent.is_dir():
            raise CLIError(f"--out {out}: its directory does not exist")
    if args.plots is not None:
        plots = Path(args.plots)
        existing = next(path for path in (plots, *plots.parents) if path.exists())
        if not existing.is_dir():
            raise CLIError(f"--plots {plots}: {existing} is not a directory")
        _check_matplotlib()


def _check_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise CLIError(
            "--plots needs matplotlib: pip install 'symlearn[plot]'"
        ) from error


def _save_plots(est, states: np.ndarray, directory: Path) -> list[Path]:
    """Latent, generator and history figures as PNGs in ``directory``."""
    # Figures without pyplot: no GUI backend is chosen, so this runs headless.
    from matplotlib.figure import Figure

    directory.mkdir(parents=True, exist_ok=True)
    figures = {}
    if est.latent_dim >= 2:  # plot_latent draws two latent coordinates
        figures["latent"] = Figure()
        plotting.plot_latent(est, states, ax=figures["latent"].subplots())
    figures["generators"] = Figure()
    axes = figures["generators"].subplots(1, len(est.generators_), squeeze=False)
    plotting.plot_generators(est, axes=axes[0])
    figures["history"] = Figure()
    plotting.plot_history(est, ax=figures["history"].subplots())
    if est.input_shape is not None:
        figures["frames"] = Figure()
        plotting.plot_frames(est, states, figure=figures["frames"])
    paths = []
    for name, figure in figures.items():
        paths.append(directory / f"{name}.png")
        figure.savefig(paths[-1], dpi=120)
    return paths


def _discover(args: argparse.Namespace) -> int:
    _check_outputs(args)
    X = load_data(args.data)
    if isinstance(X, list):
        print(f"{args.data}: {len(X)} trajectories")
    else:
        print(f"{args.data}: {len(X)} independent states")
    est = _discoverer(
        args,
        latent_dim=args.latent_dim,
        n_generators=args.n_generators,
        window_size=args.window_size,
        window_gap=args.window_gap,
        hidden_sizes=args.hidden_sizes,
        batch_size=args.batch_size,
        autoencoder=args.autoencoder,
        input_shape=args.input_shape and tuple(args.input_shape),
        group=args.group,
    )
    _fit(est, X)
    states = np.concatenate(X) if isinstance(X, list) else X
    reconstruction = relative_reconstruction_error(
        states, est.inverse_transform(est.transform(states))
    )
    _print_generators(est)
    print(f"relative reconstruction error: {reconstruction:.4f}")
    print(f"score (training data, higher is better): {est.score(X):.4f}")
    print(f"fit time: {est.fit_time_:.1f} s")
    if args.out is not None:
        import joblib

        joblib.dump(est, args.out)
        print(f"model saved to {args.out}")
    if args.plots is not None:
        paths = _save_plots(est, states, Path(args.plots))
        print("plots: " + ", ".join(str(path) for path in paths))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symlearn", description="Latent space symmetry discovery (LaLiGAN)."
    )
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--epochs", type=_epochs, help='max_epochs: an integer >= 1 or "auto"'
    )
    shared.add_argument("--seed", type=_seed, default=0)
    shared.add_argument(
        "--threads", type=_positive_int, default=1, help="torch threads"
    )
    shared.add_argument(
        "--verbose", type=int, default=1, help="0 silent, 1 progress bar, 2 table"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", parents=[shared], help="discover the symmetry of the nonlinear pendulum"
    )
    demo.add_argument("--trajectories", type=int, default=200)
    demo.set_defaults(run=_demo)

    discover = commands.add_parser(
        "discover",
        parents=[shared],
        help="discover the symmetry of your own trajectories",
        description=(
            "DATA is a .npz file with one trajectory (T, n_features) per array "
            "or a single array; a single array (in .npz or .npy) of shape "
            "(n_trajectories, T, n_features) holds trajectories, one of shape "
            "(n_samples, n_features) independent states."
        ),
        epilog="Options left out keep LatentSymmetryDiscoverer's defaults.",
    )
    discover.add_argument("data", metavar="DATA", help=".npz or .npy file")
    discover.add_argument("--latent-dim", type=int)
    discover.add_argument("--n-generators", type=int)
    discover.add_argument("--window-size", type=int, help="states per window")
    discover.add_argument(
        "--window-gap", type=int, help="time steps between a window's states"
    )
    discover.add_argument(
        "--hidden-sizes",
        type=int,
        nargs="+",
        metavar="WIDTH",
        help="widths of the encoder's hidden layers",
    )
    discover.add_argument("--batch-size", type=int)
    discover.add_argument(
        "--autoencoder", choices=["mlp", "conv", "identity"], help="default mlp"
    )
    discover.add_argument(
        "--input-shape",
        type=int,
        nargs="+",
        metavar="SIZE",
        help="shape of one state, channels first: C L (signals) or C H W (images)",
    )
    discover.add_argument("--group", help="fix the Lie algebra, e.g. so2, so3, so2+so2")
    discover.add_argument("--out", metavar="FILE", help="save the model (joblib)")
    discover.add_argument(
        "--plots",
        metavar="DIR",
        help="save latent, generator, history (and, with --input-shape, frames) PNGs",
    )
    discover.set_defaults(run=_discover)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except CLIError as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
