"""``LatentSymmetryDiscoverer``: validate the input, build the LaLiGAN net,
delegate training to it, and keep the trained modules for inference."""

import copy
import math
import signal
import threading
import time
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state, check_scalar
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)
from skorch.callbacks import LRScheduler
from torch.optim.lr_scheduler import CosineAnnealingLR

from symlearn import metrics
from symlearn._fitted import forget_fit, forget_fit_on_error
from symlearn._output import TrajectoryOutputMixin
from symlearn.groups import (
    available_groups,
    covariance_preserving_part,
    group_basis,
)
from symlearn.nn import (
    ConvAutoencoder,
    IdentityAutoencoder,
    LieAlgebraGenerator,
    MLPAutoencoder,
    WindowDiscriminator,
)
from symlearn.nn.autoencoders import ACTIVATIONS, LATENT_NORMS, check_input_shape
from symlearn.nn.discriminator import WINDOW_FEATURES
from symlearn.nn.lie import COEFFICIENT_DISTRIBUTIONS, divide_by_action, relative_action
from symlearn.training import (
    DivergenceGuard,
    LaLiGANNet,
    SequentialThresholding,
    TrainingDivergedError,
)
from symlearn.training.net import n_batches
from symlearn.windows import (
    StateWindows,
    check_same_shapes,
    check_trajectories,
    is_trajectory_list,
)

AUTOENCODERS = {
    "mlp": MLPAutoencoder,
    "conv": ConvAutoencoder,
    "identity": IdentityAutoencoder,
}

# Rows per forward pass at inference: bounds memory on large inputs.
_INFERENCE_CHUNK = 65536
# Values per chunk of ``reconstruction_error_``'s passes over the states:
# its temporaries stay small next to 10,000-value frames.
_ERROR_CHUNK_VALUES = 2**22
# Windows used by ``score``'s two-sample statistic (its cost is quadratic).
_SCORE_MAX_WINDOWS = 1000
# ``batch_size="auto"``: this many windows per batch, or all when fewer.
_AUTO_BATCH_SIZE = 256
# ``max_epochs="auto"``: epochs enough for this many optimiser steps, and at
# least 25. Training length is a number of steps, not of passes: 25 epochs
# are 7,650 steps on the discovery benchmark's 306 pendulum batches an epoch
# but 400 on the rotating object's 16, too few for its autoencoder.
_AUTO_STEPS = 2000
_AUTO_MIN_EPOCHS = 25
# ``fit`` warns above this ``reconstruction_error_``: the decoder then
# explains less than half of the states' variance.
_MAX_RECONSTRUCTION_ERROR = 0.5
# The nets compute in float32: a larger value would turn into inf.
_FLOAT32_MAX = float(np.finfo(np.float32).max)
# Input dtypes kept as they are (others are converted to the first).
_FLOAT_DTYPES = [np.float64, np.float32]


def _torch_seed(random_state) -> int:
    """A torch seed from ``random_state`` without touching numpy's global RNG."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _restart_seeds(random_state, n_init: int) -> list[int]:
    """One torch seed per restart; the first is the single-fit seed."""
    first = _torch_seed(random_state)
    others = np.random.SeedSequence(first).generate_state(n_init - 1)
    return [first, *(int(seed) for seed in others)]


@contextmanager
def _seeded_torch(device: str, seed: int):
    """Seed the CPU's and ``device``'s RNGs for the block only, restoring
    their state after; ``torch.manual_seed`` would also reseed every other
    GPU for good."""
    device = torch.device(device)
    cuda_index = None
    if device.type == "cuda":
        cuda_index = (
            torch.cuda.current_device() if device.index is None else device.index
        )
    fork_devices = [] if cuda_index is None else [cuda_index]
    with torch.random.fork_rng(devices=fork_devices, device_type="cuda"):
        torch.default_generator.manual_seed(seed)
        if cuda_index is not None:
            with torch.cuda.device(cuda_index):
                torch.cuda.manual_seed(seed)
        yield


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as error:
        raise ValueError(f"device={device!r} is not a torch device: {error}") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but CUDA is not available")
    return device


def _check_float32_range(array: np.ndarray, name: str) -> None:
    """Refuse values the float32 nets cannot represent."""
    if array.size and np.issubdtype(array.dtype, np.floating):
        largest = float(np.abs(array).max())
        if largest > _FLOAT32_MAX:
            raise ValueError(
                f"{name} has values up to {largest:.3g}, beyond the float32 range "
                f"(+-{_FLOAT32_MAX:.3g}) the model computes in; rescale it"
            )


def _check_windows(X, name: str) -> np.ndarray:
    """A 3-D array of windows ``(n_windows, window, n_features)`` as floats,
    each window holding at least one state of at least one feature."""
    windows = check_array(X, allow_nd=True, dtype=_FLOAT_DTYPES, input_name=name)
    if 0 in windows.shape[1:]:
        raise ValueError(
            f"{name} has windows of shape {windows.shape[1:]}; each needs at "
            "least one state of at least one feature"
        )
    _check_float32_range(windows, name)
    return windows


class _StoppedBeforeFirstEpoch(Exception):
    """An interrupt ended a fresh training run before its first epoch: there
    is nothing to keep."""


@contextmanager
def _noting_ctrl_c():
    """Yield a list that a Ctrl-C (SIGINT) during the block appends to.

    skorch turns a ``KeyboardInterrupt`` into the end of one training run,
    whether Ctrl-C raised it or a callback (``EarlyStopping``); only Ctrl-C
    should also end the remaining restarts. Python delivers signals to the
    main thread only, so elsewhere nothing is noted.
    """
    pressed = []
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(
        previous
    ):  # ignored, or set outside Python: leave it alone
        yield pressed
        return

    def note_and_interrupt(signum, frame):
        pressed.append(True)
        previous(signum, frame)

    signal.signal(signal.SIGINT, note_and_interrupt)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_trajectories(
    X, n_features: int | None, dtype, name: str = "X"
) -> list[np.ndarray]:
    trajectories = check_trajectories(X, n_features=n_features, dtype=dtype, name=name)
    for index, trajectory in enumerate(trajectories):
        _check_float32_range(trajectory, f"{name}: trajectory {index}")
    return trajectories


def _check_hidden_sizes(sizes, name: str) -> None:
    if not all(
        isinstance(size, Integral) and not isinstance(size, bool) and size >= 1
        for size in sizes
    ):
        raise ValueError(f"{name}={sizes!r} must hold positive integers")


def _check_not_constant(windows: StateWindows) -> None:
    # exactly equal states: rounding in a mean would give them a tiny spread
    if not np.ptp(windows.states, axis=0).any():
        raise ValueError(
            "X is constant: every state is the same in float32, the precision "
            "training uses, so it has no symmetry to learn (states that differ "
            "only beyond float32's 7 significant digits, e.g. on a large offset, "
            "need centring first, e.g. by sklearn's StandardScaler)"
        )


def _error_chunk_rows(states: np.ndarray) -> int:
    """Rows per chunk of a pass over ``states`` that keeps temporaries small."""
    return max(1, _ERROR_CHUNK_VALUES // states.shape[1])


def _squared_spread(states: np.ndarray) -> float:
    """Sum of the squared deviations of ``states`` from their mean, chunk by chunk."""
    mean = states.mean(axis=0, dtype=np.float64)
    rows = _error_chunk_rows(states)
    return sum(
        float(np.sum((states[start : start + rows] - mean) ** 2))
        for start in range(0, len(states), rows)
    )


class LatentSymmetryDiscoverer(
    TrajectoryOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Discover a Lie group acting linearly in a learned latent space (LaLiGAN).

    An autoencoder maps states ``x`` to latents ``z = E(x)``; a Lie algebra
    basis ``L_1..L_c`` generates group elements ``g = expm(sum_i w_i L_i)``
    acting on ``z`` about a centre; a discriminator tries to tell real latent
    windows from transformed ones. When it cannot, ``x -> D(g.E(x))`` is a
    symmetry of the data (of the dynamics, when samples are windows of
    trajectories).

    Parameters
    ----------
    latent_dim : int, default=2
        Dimension ``k`` of the latent space.
    n_generators : int, default=1
        Number ``c`` of Lie algebra generators to learn (ignored with ``group``).
    group : str, default=None
        Fix the Lie algebra instead of learning it, e.g. ``"so2"``, ``"so3"``,
        ``"so2+so2"`` (see ``symlearn.groups.available_groups``).
    autoencoder : {"mlp", "conv", "identity"}, default="mlp"
        ``"mlp"``: fully connected. ``"conv"``: convolutional, for signals or
        images whose shape is ``input_shape`` (``X`` stays 2-D, one flat
        state per row). ``"identity"``: no autoencoder, linear symmetries in
        data space (LieGAN).
    input_shape : tuple of int, default=None
        Shape of one state, channels first: ``(channels, length)`` for
        signals (1-d convolutions), ``(channels, height, width)`` for images
        (2-d). Required by ``autoencoder="conv"``; when given, its product
        must equal ``n_features``.
    conv_channels : tuple of int, default=(16, 32, 64)
        Channels of the convolutions of ``autoencoder="conv"``; each halves
        the spatial size.
    hidden_sizes : tuple of int, default=(128, 128, 128)
        Hidden widths of the encoder's fully connected layers (after the
        convolutions with ``"conv"``); the decoder mirrors them.
    activation : str, default="silu"
        Activation of the autoencoder.
    latent_norm : {"whiten", "running", "scale", "batch", "none"}, default="whiten"
        How the latent is normalised: whitened to identity covariance with
        running statistics (orbits of a compact group come out round), scaled
        coordinate by coordinate with running statistics, centred and divided
        by one running scale (the latent keeps its shape, e.g. a cycle stays
        flat in a wider latent; pair it with ``normalize_generators="action"``
        and the anchor then holds only the overall scale), by a batch norm
        (as in the paper's dynamical systems, whose per-batch statistics
        jitter the latent), or not at all (as in the paper's double bump and
        rotating object; only the orthonormal last layer and
        ``anchor_weight`` then keep the latent's scale, and the
        discriminator standardises what it sees).
    window_size : int, default=2
        States per window when ``X`` is a list of trajectories.
    window_gap : int, default=10
        Time steps between consecutive states of a window.
    coefficient_distribution : {"normal", "uniform", "integer"}, default="normal"
        Distribution of the group coefficients during training.
    coefficient_scale : float, default=3.0
        Spread of the coefficients (with unit-norm generators, 3 covers a
        rotation's whole period); for ``"integer"``, the largest integer
        drawn, rounded (at least 1).
    normalize_generators : bool or "action", default=True
        Use each learned generator at unit Frobenius norm, so the group
        cannot collapse to the identity however strong the adversary.
        ``"action"`` also divides the sampled coefficients by how far each
        generator moves the batch's latents relative to their spread
        (``LieAlgebraGenerator.relative_action``), so that a generator cannot
        hide in a direction a flat latent leaves empty.
    keep_origin : bool, default=False
        Act about the latent origin instead of the mean latent.
    discriminator_hidden_sizes : tuple of int, default=(128, 128)
        Hidden widths of the discriminator.
    spectral_norm : bool, default=False
        Spectrally normalise the discriminator's layers.
    discriminator_input : {"steps", "latents"}, default="steps"
        What the discriminator sees of a window: its first latent and the
        steps between consecutive latents scaled to unit root mean square,
        or the latents (as in the paper). Steps between states close in time
        are small, and unscaled the dynamics they carry barely register.
        See ``discriminator_standardize`` for the latents' scale.
    discriminator_standardize : "auto" or bool, default="auto"
        Centre and scale the latents the discriminator sees by running
        statistics of its own (``symlearn.nn.WindowDiscriminator``), so that
        a free latent far from the origin does not blind it; the real and
        moved latents share the one affine map. ``"auto"``: only with
        ``latent_norm="none"``, the one latent nothing else normalises. The
        reference code does not standardise, and neither do the paper
        presets (``symlearn.presets.paper_preset``): on the double bump the
        standardised discriminator let the autoencoder collapse to the mean
        signal (see the high-dimensional guide).
    reconstruction_weight, adversarial_weight, identity_weight : float
        Weights of the reconstruction MSE (default 10), of fooling the
        discriminator (0.1) and of the ``|cos(z - c, g.z - c)|`` penalty
        against the trivial group (0.1).
    norm_weight : float, default=0.0
        Weight of the reward for the generator norm, capped at ``norm_cap``
        (the paper's guard against the identity). Only for learned
        generators of free norm: with a fixed ``group`` or
        ``normalize_generators`` it would do nothing, and ``fit`` raises.
    norm_cap : float, default=1.0
        Norm above which the reward stops growing.
    decorrelation_weight : float, default=0.1
        Weight of the pairwise |cosine| penalty between generators.
    anchor_weight : float, default=1.0
        Weight of a penalty holding the encoder's output before the latent
        normalisation near zero mean and identity covariance (with
        ``latent_norm="scale"``: unit mean variance). Without it the raw
        output can drift, grow or shrink unseen (the normalisation hides it),
        until the running statistics lag behind and the decoder with them.
        It grows like ``-log`` of the raw output's variance as the output
        shrinks (``symlearn.training.losses.standardization_penalty``).
    threshold : float, default=0.0
        Relative threshold of sequential thresholding (0 disables it).
    threshold_every : int, default=5
        Epochs between thresholdings, the first after this many epochs (not
        after the first, when the generators are still close to their random
        start; the masks are permanent).
    max_epochs : int or "auto", default="auto"
        Epochs of adversarial training. ``"auto"``: enough for 2,000
        optimiser steps and at least 25, ``max(25, ceil(2000 / batches per
        epoch))``; a data set of 80 batches or more an epoch gets 25 epochs,
        a smaller one more (the rotating object's 16 batches: 125; a single
        batch: 2,000 short epochs).
    refine_epochs : int, default=10
        Epochs fitting the decoder alone to the frozen encoder after the
        adversarial training, with a learning rate decaying from ``lr`` to 0.
        The symmetry is not touched; reconstructions (and so the decoded
        group action) become sharper.
    project_generators : bool, default=True
        After training, replace each learned rotation-like generator
        (``metrics.rotation_likeness`` below 0.5, the ones treated as periodic)
        by the nearest one that keeps the training latents' covariance about
        ``center_`` (``groups.covariance_preserving_part``). A compact group
        that keeps the latent distribution must keep its covariance; the
        adversarial game meets that condition only roughly, while the
        covariance is known exactly at the end. Fixed groups and other
        generators are left as they are, and so is everything when the
        latent covariance is singular (with a warning). Entries that
        ``threshold`` removed stay zero: the nearest generator is sought among
        those zero there, and when only the zero generator qualifies (a
        masked diagonal entry is enough, unless the latent covariance is
        diagonal) the generator is left unprojected, with a warning.
    batch_size : int or "auto", default="auto"
        Windows per mini-batch; ``"auto"`` means ``min(256, n_windows)``. An
        int larger than the number of windows raises ``ValueError``.
    lr : float, default=1e-3
        Learning rate of the autoencoder and the Lie basis (Adam).
    lr_schedule : {"constant", "cosine"}, default="constant"
        ``"cosine"`` anneals ``lr`` of the generator side to 0 over
        ``max_epochs`` (skorch ``LRScheduler``). With the earlier defaults it
        gave a less consistent symmetry on the pendulum than a constant rate
        (benchmarks/results/history/levers_pendulum.md); ``warm_start``
        continues bit for bit only with the constant rate.
    lr_discriminator : float, default=None
        Learning rate of the discriminator; ``None`` means ``lr``.
    n_init : int, default=1
        Number of fits from different seeds; the one with the best ``score``
        on the training data is kept (as ``KMeans(n_init=...)`` does). A
        restart that diverges is skipped with a warning.
    warm_start : bool, default=False
        When the estimator is fitted, ``fit`` continues training the fitted
        model for ``max_epochs`` more epochs (modules, optimizers, running
        statistics, torch RNG; the history is appended to) instead of
        starting afresh. ``X`` must have the fitted number of features and
        window length. The decoder refinement of the earlier fit is undone
        and redone after the new epochs, so on CPU with
        ``lr_schedule="constant"`` fitting 3 epochs then 2 more gives the same
        model, bit for bit, as one fit of 5. The cosine schedule restarts its
        annealing at each ``fit``, so it does not. Only the kept model of an
        ``n_init > 1`` fit is continued; the net is not rebuilt, so parameters
        other than ``max_epochs``, ``refine_epochs``, ``lr`` (of the
        refinement) and ``project_generators`` (applied afresh after
        training) keep the values of the first fit.
    device : str, default="auto"
        Torch device; ``"auto"`` picks CUDA when available.
    callbacks : list of skorch callbacks, default=None
        Extra callbacks (progress, checkpoints, early stopping...). Each
        fit trains with copies, so the instances passed keep their state;
        the trained ones are in ``net_.callbacks_``.
    random_state : int, RandomState or None, default=None
        Seeds the initialisation, batches and group samples; a fixed value
        gives identical fits on CPU with the same library versions and
        processor. Elsewhere the last digits can differ, and a long training
        run can amplify that. The global RNGs are left untouched.
    verbose : int, default=0
        0: silent; 1: a progress bar over epochs (on stderr) with the
        reconstruction, discriminator and adversarial losses, labelled
        ``restart k/n`` for each of ``n_init > 1`` restarts and ``continued``
        for a ``warm_start`` continuation; 2 or more: a table of every
        per-epoch loss (skorch's ``PrintLog``).

    Notes
    -----
    A ``fit`` that raises leaves the estimator unfitted: the attributes of an
    earlier fit are removed, so no model can disagree with its parameters or
    data. The exception: with ``warm_start=True``, an input error is raised
    before the fitted model is touched, and the model is kept.

    Training that diverges (a non-finite loss or a generator norm above
    1000, checked at the end of every epoch) raises ``TrainingDivergedError``
    naming the epoch, and keeps no model.

    An interrupt during the adversarial epochs (Ctrl-C, or a callback raising
    ``KeyboardInterrupt`` such as skorch's ``EarlyStopping``) stops training
    as skorch does: ``fit`` warns, refines the decoder and ends fitted with
    the epochs done so far (an epoch cut short is dropped from the history).
    ``warm_start=True`` continues from there. Before the first epoch has
    ended there is nothing to keep: ``fit`` raises ``KeyboardInterrupt``
    after Ctrl-C, ``RuntimeError`` after a callback's interrupt, and keeps no
    model. With ``n_init > 1`` a callback's interrupt ends only its restart
    (one stopped before its first epoch is skipped with a warning), while
    Ctrl-C also skips the restarts after it (``fit`` warns and keeps the best
    restart so far).

    Attributes
    ----------
    generators_ : ndarray of shape (n_generators, latent_dim, latent_dim)
        The discovered (or fixed) Lie algebra basis, float64.
    center_ : ndarray of shape (latent_dim,)
        The latent point the group acts about, float64.
    generator_action_ : ndarray of shape (n_generators,)
        How far each generator moves the training latents relative to their
        spread: ``sqrt(mean ||L_i (z - c)||^2 / mean ||z - c||^2)``. With
        ``normalize_generators="action"``, ``sample_coefficients`` divides
        by it.
    net_ : LaLiGANNet
        The trained skorch net (modules, optimizers, history).
    history_ : skorch.History
        Per-epoch losses and generator norm.
    n_features_in_ : int
        Number of features of a state.
    feature_names_in_ : ndarray of str
        Names of the features, when ``X`` had string column names.
    reconstruction_error_ : float
        Squared error of the autoencoder's round trip on the training states
        over their total variance (0: exact, 1: no better than their mean).
        ``fit`` warns (``ConvergenceWarning``) when it exceeds 0.5, giving
        the states' mean variance per feature when it is outside 0.5-2: the
        reconstruction loss is a mean squared error, so states with a small
        variance (images) need a larger ``reconstruction_weight``.
    fit_time_ : float
        Seconds spent in ``fit``.
    init_scores_ : ndarray of shape (n_init,)
        Training-data ``score`` of each restart (``-inf`` if it diverged);
        only when ``n_init > 1``. A ``warm_start`` continuation keeps those
        of the fit that ran the restarts.

    Examples
    --------
    >>> import torch
    >>> torch.set_num_threads(1)
    >>> from symlearn import LatentSymmetryDiscoverer
    >>> from symlearn.datasets import make_circles
    >>> data = make_circles(n_samples=500, random_state=0)
    >>> est = LatentSymmetryDiscoverer(
    ...     latent_dim=2, autoencoder="identity", max_epochs=5, random_state=0
    ... ).fit(data.states)
    >>> est.generators_.shape
    (1, 2, 2)
    """

    _parameter_constraints: dict = {
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "n_generators": [Interval(Integral, 1, None, closed="left")],
        "group": [str, None],
        "autoencoder": [StrOptions(set(AUTOENCODERS))],
        "input_shape": [tuple, list, None],
        "conv_channels": [tuple, list],
        "hidden_sizes": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "latent_norm": [StrOptions(set(LATENT_NORMS))],
        "window_size": [Interval(Integral, 1, None, closed="left")],
        "window_gap": [Interval(Integral, 1, None, closed="left")],
        "coefficient_distribution": [StrOptions(set(COEFFICIENT_DISTRIBUTIONS))],
        "coefficient_scale": [Interval(Real, 0, None, closed="neither")],
        "normalize_generators": ["boolean", StrOptions({"action"})],
        "keep_origin": ["boolean"],
        "discriminator_hidden_sizes": [tuple, list],
        "spectral_norm": ["boolean"],
        "discriminator_input": [StrOptions(set(WINDOW_FEATURES))],
        "discriminator_standardize": [StrOptions({"auto"}), "boolean"],
        "reconstruction_weight": [Interval(Real, 0, None, closed="left")],
        "adversarial_weight": [Interval(Real, 0, None, closed="left")],
        "identity_weight": [Interval(Real, 0, None, closed="left")],
        "norm_weight": [Interval(Real, 0, None, closed="left")],
        "norm_cap": [Interval(Real, 0, None, closed="neither")],
        "decorrelation_weight": [Interval(Real, 0, None, closed="left")],
        "anchor_weight": [Interval(Real, 0, None, closed="left")],
        "refine_epochs": [Interval(Integral, 0, None, closed="left")],
        "project_generators": ["boolean"],
        "threshold": [Interval(Real, 0, 1, closed="left")],
        "threshold_every": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "batch_size": [
            Interval(Integral, 2, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions({"cosine", "constant"})],
        "lr_discriminator": [Interval(Real, 0, None, closed="neither"), None],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [str],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        latent_dim=2,
        n_generators=1,
        *,
        group=None,
        autoencoder="mlp",
        input_shape=None,
        conv_channels=(16, 32, 64),
        hidden_sizes=(128, 128, 128),
        activation="silu",
        latent_norm="whiten",
        window_size=2,
        window_gap=10,
        coefficient_distribution="normal",
        coefficient_scale=3.0,
        normalize_generators=True,
        keep_origin=False,
        discriminator_hidden_sizes=(128, 128),
        spectral_norm=False,
        discriminator_input="steps",
        discriminator_standardize="auto",
        reconstruction_weight=10.0,
        adversarial_weight=0.1,
        identity_weight=0.1,
        norm_weight=0.0,
        norm_cap=1.0,
        decorrelation_weight=0.1,
        anchor_weight=1.0,
        refine_epochs=10,
        project_generators=True,
        threshold=0.0,
        threshold_every=5,
        max_epochs="auto",
        batch_size="auto",
        lr=1e-3,
        lr_schedule="constant",
        lr_discriminator=None,
        n_init=1,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.latent_dim = latent_dim
        self.n_generators = n_generators
        self.group = group
        self.autoencoder = autoencoder
        self.input_shape = input_shape
        self.conv_channels = conv_channels
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.latent_norm = latent_norm
        self.window_size = window_size
        self.window_gap = window_gap
        self.coefficient_distribution = coefficient_distribution
        self.coefficient_scale = coefficient_scale
        self.normalize_generators = normalize_generators
        self.keep_origin = keep_origin
        self.discriminator_hidden_sizes = discriminator_hidden_sizes
        self.spectral_norm = spectral_norm
        self.discriminator_input = discriminator_input
        self.discriminator_standardize = discriminator_standardize
        self.reconstruction_weight = reconstruction_weight
        self.adversarial_weight = adversarial_weight
        self.identity_weight = identity_weight
        self.norm_weight = norm_weight
        self.norm_cap = norm_cap
        self.decorrelation_weight = decorrelation_weight
        self.anchor_weight = anchor_weight
        self.refine_epochs = refine_epochs
        self.project_generators = project_generators
        self.threshold = threshold
        self.threshold_every = threshold_every
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.lr_discriminator = lr_discriminator
        self.n_init = n_init
        self.warm_start = warm_start
        self.device = device
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    # --- input --------------------------------------------------------------

    def _windows(self, X, *, reset: bool) -> StateWindows:
        """Any accepted input form -> windows of float32 states.

        A 2-D array is a set of independent states (windows of one state); a
        3-D array holds ready windows; a list holds trajectories to cut. Each
        state is stored once, however many windows share it.
        """
        if is_trajectory_list(X):
            trajectories = _check_trajectories(
                X, None if reset else self.n_features_in_, _FLOAT_DTYPES
            )
            self._set_n_features(trajectories[0].shape[1], reset)
            self._check_trajectory_names(X, reset=reset)
            return StateWindows.from_trajectories(
                trajectories, self.window_size, self.window_gap, dtype=np.float32
            )
        if getattr(X, "ndim", None) == 3:
            windows = _check_windows(X, "X")
            self._set_n_features(windows.shape[2], reset)
            return StateWindows.from_array(windows, dtype=np.float32)
        states = validate_data(self, X, reset=reset, ensure_min_samples=2)
        _check_float32_range(states, "X")
        index = np.arange(len(states))[:, None]
        return StateWindows(states.astype(np.float32, copy=False), index)

    def _check_trajectory_names(self, trajectories: list, *, reset: bool) -> None:
        """Feature names of a list of DataFrames, as ``validate_data`` checks
        those of one: with ``reset`` the first trajectory sets them, and
        every trajectory must match them."""
        for number, trajectory in enumerate(trajectories):
            first = reset and number == 0
            validate_data(self, trajectory, reset=first, skip_check_array=True)

    def _set_n_features(self, n_features: int, reset: bool) -> None:
        if reset:
            self.n_features_in_ = n_features
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input"
            )

    # --- fit ----------------------------------------------------------------

    def fit(self, X, y=None, **fit_params):
        """Learn the autoencoder and the Lie algebra from ``X``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features) or (n_windows, window,
            n_features), or list of arrays of shape (T_i, n_features)
            Independent states, ready windows, or trajectories that are cut
            into windows of ``window_size`` states ``window_gap`` steps apart.
        y : ignored
            Accepted (e.g. the time ``t`` inside a Pipeline) and ignored.
        **fit_params : ignored

        Returns
        -------
        self : LatentSymmetryDiscoverer
        """
        start = time.perf_counter()
        if self.warm_start and hasattr(self, "net_"):
            self._validate_params()
            self._continue_fit(X)
        else:
            forget_fit(self)
            self._validate_params()
            self._fit_afresh(X)
        self.fit_time_ = time.perf_counter() - start
        return self

    @forget_fit_on_error  # a fit that raises leaves no partial model
    def _fit_afresh(self, X) -> None:
        windows = self._windows(X, reset=True)
        if len(windows) < 2:
            raise ValueError(f"need at least 2 windows to fit, got {len(windows)}")
        n_features = self.n_features_in_
        if self.autoencoder != "identity" and self.latent_dim > n_features:
            raise ValueError(
                f"latent_dim={self.latent_dim} is larger than the data's "
                f"n_features={n_features}"
            )
        if self.autoencoder == "identity" and self.latent_dim != n_features:
            raise ValueError(
                f"autoencoder='identity' needs latent_dim == n_features, got "
                f"latent_dim={self.latent_dim} and n_features={n_features}"
            )
        self._check_input_shape(n_features)
        self._check_coefficients_and_norm()
        _check_hidden_sizes(self.hidden_sizes, "hidden_sizes")
        _check_hidden_sizes(self.conv_channels, "conv_channels")
        _check_hidden_sizes(
            self.discriminator_hidden_sizes, "discriminator_hidden_sizes"
        )
        _check_not_constant(windows)
        batch_size = self._batch_size(len(windows))
        epochs = self._n_epochs(len(windows), batch_size)
        fixed_basis = self._fixed_basis()
        device = _resolve_device(self.device)
        seeds = _restart_seeds(self.random_state, self.n_init)
        scores = np.full(self.n_init, -np.inf)
        best = None
        stopped = False  # a restart a callback stopped before its first epoch
        with _noting_ctrl_c() as ctrl_c:
            for restart, seed in enumerate(seeds):
                net = self._build_net(
                    windows.shape, batch_size, epochs, fixed_basis, device
                )
                if self.verbose == 1 and self.n_init > 1:
                    net.set_params(
                        callbacks__progress_bar__desc=(
                            f"restart {restart + 1}/{self.n_init}"
                        )
                    )
                try:
                    self._train(net, windows, seed, epochs)
                    self._adopt(net, windows)
                    score = self._score_windows(windows) if self.n_init > 1 else 0.0
                except TrainingDivergedError as error:
                    if self.n_init == 1:
                        raise TrainingDivergedError(
                            f"{error}; no model was kept"
                        ) from None
                    warnings.warn(f"restart {restart} diverged: {error}", stacklevel=3)
                    adopted = None  # _adopt may have half-adopted the failed net
                    continue
                except _StoppedBeforeFirstEpoch as error:
                    if ctrl_c and best is not None:
                        self._warn_restarts_skipped(restart)
                        break
                    if ctrl_c:
                        raise KeyboardInterrupt(f"{error}; no model was kept") from None
                    if self.n_init == 1:
                        raise RuntimeError(f"{error}; no model was kept") from None
                    warnings.warn(f"restart {restart}: {error}", stacklevel=3)
                    stopped = True
                    continue
                except KeyboardInterrupt:  # Ctrl-C out of the epochs: refining, scoring
                    adopted = None
                    if best is None:
                        raise
                    self._warn_restarts_skipped(restart)
                    break
                adopted, scores[restart] = restart, score
                if best is None or scores[restart] > scores[best]:
                    best, best_net = restart, net
                if ctrl_c and restart + 1 < self.n_init:
                    self._warn_restarts_skipped(restart + 1)
                    break
        if best is None:
            raise (
                RuntimeError(
                    f"none of the {self.n_init} restarts finished an epoch without "
                    "diverging; no model was kept"
                )
                if stopped
                else TrainingDivergedError(
                    f"all {self.n_init} restarts diverged; no model was kept"
                )
            )
        if adopted != best:
            self._adopt(best_net, windows)
        if self.n_init > 1:
            self.init_scores_ = scores
        self._warn_if_poorly_reconstructed(windows.states)

    def _warn_restarts_skipped(self, first: int) -> None:
        skipped = (
            f"restart {first + 1}"
            if first + 1 == self.n_init
            else f"restarts {first + 1} to {self.n_init}"
        )
        warnings.warn(
            f"Ctrl-C: skipped {skipped} of n_init={self.n_init}; the best "
            "restart before is kept",
            UserWarning,
            stacklevel=4,
        )

    def _continue_fit(self, X) -> None:
        """``warm_start``: train the fitted net for ``max_epochs`` more epochs."""
        windows = self._windows(X, reset=False)
        _check_not_constant(windows)
        net = self.net_
        fitted_window = net.discriminator__window_size
        if windows.shape[1] != fitted_window:
            raise ValueError(
                f"warm_start=True: X has windows of {windows.shape[1]} states, the "
                f"fitted model {fitted_window}; fit with warm_start=False instead"
            )
        if net.batch_size > len(windows):
            raise ValueError(
                f"warm_start=True: the fitted batch_size={net.batch_size} is larger "
                f"than the {len(windows)} windows of X"
            )
        epochs = self._n_epochs(len(windows), net.batch_size)
        # The net keeps the first fit's schedule, whatever lr_schedule is now.
        if "lr_schedule" in dict(net.callbacks_):
            self._restart_cosine_schedule(net, epochs)
        if "progress_bar" in dict(net.callbacks_):  # not "restart k/n" of the fit
            dict(net.callbacks_)["progress_bar"].desc = "continued"
        # From here on the net changes in place: whatever is raised, the
        # estimator keeps no half-continued model.
        try:
            # seed: the RNG state is restored
            self._train(net, windows, seed=0, epochs=epochs, resume=True)
            self._adopt(net, windows)
        except TrainingDivergedError as error:
            forget_fit(self)
            raise TrainingDivergedError(f"{error}; no model was kept") from None
        except BaseException:
            forget_fit(self)
            raise
        self._warn_if_poorly_reconstructed(windows.states)

    def _restart_cosine_schedule(self, net: LaLiGANNet, epochs: int) -> None:
        """Anneal the continued epochs from ``lr`` to 0 over ``epochs``,
        as a fresh fit would, instead of going on round the first fit's
        cosine (which starts where it ended, at 0, and climbs back)."""
        schedule = dict(net.callbacks_)["lr_schedule"]
        # skorch passes the callback's extra attributes on to the scheduler.
        schedule.T_max, schedule.last_epoch = epochs, -1
        for group in net.optimizer_.param_groups:
            group["lr"] = group["initial_lr"]

    def _check_input_shape(self, n_features: int) -> None:
        if self.input_shape is not None:
            check_input_shape(tuple(self.input_shape), n_features)
        elif self.autoencoder == "conv":
            raise ValueError(
                "autoencoder='conv' needs input_shape, the shape of one state: "
                "(channels, length) or (channels, height, width)"
            )

    def _check_coefficients_and_norm(self) -> None:
        """Refuse settings under which training would silently do nothing."""
        if (
            self.coefficient_distribution == "integer"
            and round(self.coefficient_scale) < 1
        ):
            raise ValueError(
                "coefficient_distribution='integer' draws the integers from "
                f"-{self.coefficient_scale:g} to {self.coefficient_scale:g} "
                f"rounded; coefficient_scale={self.coefficient_scale:g} leaves "
                "only 0, the identity. Use coefficient_scale >= 1"
            )
        if self.norm_weight > 0 and (
            self.group is not None or self.normalize_generators
        ):
            if self.group is not None:
                held, fix = f"group={self.group!r} fixes them", "norm_weight=0"
            else:
                held = (
                    f"normalize_generators={self.normalize_generators!r} holds "
                    "each at unit norm"
                )
                fix = "normalize_generators=False or norm_weight=0"
            raise ValueError(
                f"norm_weight={self.norm_weight:g} rewards the generators' norm, "
                f"but {held}; set {fix}"
            )

    def _batch_size(self, n_windows: int) -> int:
        if self.batch_size == "auto":
            return min(_AUTO_BATCH_SIZE, n_windows)
        if self.batch_size > n_windows:
            raise ValueError(
                f"batch_size={self.batch_size} is larger than the {n_windows} "
                "windows of X; lower it or use batch_size='auto'"
            )
        return self.batch_size

    def _n_epochs(self, n_windows: int, batch_size: int) -> int:
        """``max_epochs``, with ``"auto"`` resolved for this data."""
        if self.max_epochs != "auto":
            return self.max_epochs
        steps_per_epoch = n_batches(n_windows, batch_size)
        return max(_AUTO_MIN_EPOCHS, math.ceil(_AUTO_STEPS / steps_per_epoch))

    def _train(
        self,
        net: LaLiGANNet,
        windows: np.ndarray,
        seed: int,
        epochs: int,
        *,
        resume: bool = False,
    ) -> None:
        """``epochs`` adversarial epochs, then the decoder refinement, seeded
        by ``seed`` or, with ``resume``, continuing from where the net's last
        fit stopped."""
        epochs_before = len(net.history_) if resume else 0
        with _seeded_torch(net.device, seed):
            if resume:
                net.restore_training_state()
                net.max_epochs = epochs
                net.partial_fit(windows)
            else:
                net.fit(windows)
                if not len(net.history_):
                    raise _StoppedBeforeFirstEpoch(
                        "training was interrupted before its first epoch ended"
                    )
            net.refine_decoder(windows, self.refine_epochs, self.lr)
        # The guard judges the losses before each step; the last step and
        # the refinement are judged here.
        if not net.parameters_are_finite():
            raise TrainingDivergedError(
                "training diverged: the model's parameters are not finite after "
                "training; try a smaller lr"
            )
        done = len(net.history_) - epochs_before
        if done < epochs:
            warnings.warn(
                f"training was interrupted after {done} of {epochs} epochs; "
                "the model is kept as it was (fit with warm_start=True to continue)",
                UserWarning,
                stacklevel=4,
            )

    def _adopt(self, net: LaLiGANNet, windows: np.ndarray) -> None:
        """Make a trained net the estimator's model."""
        self.net_ = net
        self.history_ = net.history_
        generators = net.generator_.masked_basis().detach().cpu().double().numpy()
        try:
            encoded = self._run(net.module_.encode, windows.states)
            reconstruction_error = self._reconstruction_error(windows.states, encoded)
        except ValueError:  # the training states were checked: the net diverged
            raise TrainingDivergedError(
                "training diverged: the model's outputs on the training states "
                "are not finite; try a smaller lr"
            ) from None
        # As training saw them: a state in two windows counts twice.
        latents = encoded[windows.index.ravel()]
        self.center_ = (
            np.zeros(latents.shape[1])
            if net.keep_origin
            else latents.mean(axis=0).astype(np.float64)
        )
        if self.project_generators and net.generator_.learnable:
            mask = net.generator_.mask.detach().cpu().numpy()
            generators = self._keep_latent_covariance(generators, latents, mask)
        self.generators_ = generators
        self.generator_action_ = relative_action(
            torch.as_tensor(generators, dtype=torch.float64),
            torch.as_tensor(latents - self.center_, dtype=torch.float64),
        ).numpy()
        self.reconstruction_error_ = reconstruction_error

    def _reconstruction_error(self, states: np.ndarray, latents: np.ndarray) -> float:
        """Squared error of decoding ``latents`` back to ``states``, over the
        states' total variance; chunk by chunk so that large data is not
        copied whole."""
        rows = _error_chunk_rows(states)
        error = 0.0
        for start in range(0, len(states), rows):
            chunk = states[start : start + rows]
            decoded = self._run(self.net_.module_.decode, latents[start : start + rows])
            error += float(np.sum((decoded - chunk) ** 2, dtype=np.float64))
        spread = _squared_spread(states)
        return error / spread if spread > 0 else float(error > 0)

    def _warn_if_poorly_reconstructed(self, states: np.ndarray) -> None:
        """Warn when the decoder explains less than half of the states' variance,
        with the states' variance, which sets the scale of the reconstruction loss."""
        if self.reconstruction_error_ <= _MAX_RECONSTRUCTION_ERROR:
            return
        variance = _squared_spread(states) / states.size
        advice = ""
        # Near unit variance the weight already means what it says.
        if self.reconstruction_weight > 0 and 0 < variance and not 0.5 <= variance <= 2:
            # The loss is a mean squared error, so it scales with the variance.
            advice = (
                f" The states vary {variance:.3g} per feature on average, so "
                f"reconstruction_weight={self.reconstruction_weight:g} weighs their "
                f"reconstruction as {self.reconstruction_weight * variance:.3g} "
                "would weigh states of unit variance; "
                f"{self.reconstruction_weight / variance:.3g} would weigh it as "
                f"{self.reconstruction_weight:g} does those."
            )
        steps = int(sum(self.history_[:, "train_batch_count"]))
        if steps < _AUTO_STEPS:
            advice += (
                f" Training made {steps} optimiser steps; max_epochs='auto' "
                f"makes at least {_AUTO_STEPS}."
            )
        warnings.warn(
            f"the autoencoder reconstructs the training states poorly "
            f"(reconstruction_error_={self.reconstruction_error_:.3g}; 0 is "
            "exact, 1 no better than their mean), so the discovered symmetry "
            "is unlikely to mean anything. Raise reconstruction_weight or "
            f"max_epochs.{advice}",
            ConvergenceWarning,
            stacklevel=4,
        )

    def _fixed_basis(self) -> np.ndarray | None:
        if self.group is None:
            return None
        if self.autoencoder == "identity":
            raise ValueError(
                "autoencoder='identity' with a fixed group leaves nothing to learn"
            )
        try:
            return group_basis(self.group, self.latent_dim)
        except ValueError as error:
            raise ValueError(
                f"group={self.group!r}: {error}; known groups: {available_groups()}"
            ) from error

    def _build_net(
        self,
        windows_shape: tuple[int, int, int],
        batch_size: int,
        epochs: int,
        fixed_basis,
        device: str,
    ) -> LaLiGANNet:
        _, window_size, n_features = windows_shape
        module_args = {"n_features": n_features, "latent_dim": self.latent_dim}
        if self.autoencoder != "identity":
            module_args |= {
                "hidden_sizes": tuple(self.hidden_sizes),
                "activation": self.activation,
                "latent_norm": self.latent_norm,
            }
        if self.autoencoder == "conv":
            module_args |= {
                "input_shape": tuple(self.input_shape),
                "channels": tuple(self.conv_channels),
            }
        callbacks = [("divergence_guard", DivergenceGuard())]
        if self.lr_schedule == "cosine":
            schedule = LRScheduler(CosineAnnealingLR, T_max=epochs)
            callbacks.append(("lr_schedule", schedule))
        if self.threshold > 0:
            callbacks.append(
                (
                    "thresholding",
                    SequentialThresholding(
                        self.threshold,
                        every=self.threshold_every,
                        start=self.threshold_every,
                    ),
                )
            )
        # Copies: fitting must not change the instances passed as a parameter.
        callbacks += copy.deepcopy(list(self.callbacks or []))
        lr_discriminator = (
            self.lr if self.lr_discriminator is None else self.lr_discriminator
        )
        return LaLiGANNet(
            module=AUTOENCODERS[self.autoencoder],
            generator=LieAlgebraGenerator,
            discriminator=WindowDiscriminator,
            **{f"module__{key}": value for key, value in module_args.items()},
            generator__latent_dim=self.latent_dim,
            generator__n_generators=self.n_generators,
            generator__fixed_basis=fixed_basis,
            generator__coefficient_distribution=self.coefficient_distribution,
            generator__coefficient_scale=self.coefficient_scale,
            generator__unit_norm=bool(self.normalize_generators),
            generator__unit_action=self.normalize_generators == "action",
            discriminator__latent_dim=self.latent_dim,
            discriminator__window_size=window_size,
            discriminator__hidden_sizes=tuple(self.discriminator_hidden_sizes),
            discriminator__use_spectral_norm=self.spectral_norm,
            discriminator__features=self.discriminator_input,
            discriminator__standardize=(
                self.latent_norm == "none"
                if self.discriminator_standardize == "auto"
                else self.discriminator_standardize
            ),
            optimizer__lr=self.lr,
            optimizer_discriminator__lr=lr_discriminator,
            reconstruction_weight=self.reconstruction_weight,
            adversarial_weight=self.adversarial_weight,
            identity_weight=self.identity_weight,
            norm_weight=self.norm_weight,
            norm_cap=self.norm_cap,
            decorrelation_weight=self.decorrelation_weight,
            keep_origin=self.keep_origin,
            anchor_weight=self.anchor_weight,
            isotropic_anchor=self.latent_norm == "scale",
            max_epochs=epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            device=device,
            verbose=self.verbose,
        )

    def _keep_latent_covariance(
        self, generators: np.ndarray, latents: np.ndarray, mask: np.ndarray
    ) -> np.ndarray:
        """Project the rotation-like generators onto those that keep the
        latents' covariance about ``center_`` (``project_generators``),
        keeping the entries thresholding removed (``mask`` 0) at 0."""
        rotation_like = [
            number
            for number, generator in enumerate(generators)
            if metrics.rotation_likeness(generator)
            < metrics.ROTATION_LIKENESS_THRESHOLD
        ]
        if not rotation_like:
            return generators
        centered = latents.astype(np.float64) - self.center_
        covariance = centered.T @ centered / len(centered)
        projected = generators.copy()
        for number in rotation_like:  # one that cannot be projected stops no other
            try:
                projected[number] = covariance_preserving_part(
                    generators[number], covariance, mask[number]
                )[0]
            except ValueError as error:
                warnings.warn(
                    f"generator {number} not projected onto those keeping the "
                    f"latents' covariance: {error}",
                    UserWarning,
                    stacklevel=5,
                )
        return projected

    # --- inference ----------------------------------------------------------

    @torch.no_grad()
    def _run(self, fn, array: np.ndarray) -> np.ndarray:
        """Apply a torch function to a float array in chunks, on the net's device."""
        self.net_.module_.eval()
        outputs = []
        for start in range(0, len(array), _INFERENCE_CHUNK):
            chunk = torch.as_tensor(
                np.asarray(array[start : start + _INFERENCE_CHUNK], dtype=np.float32),
                device=self.net_.device,
            )
            outputs.append(fn(chunk).cpu().numpy())
        out = np.concatenate(outputs)
        if not np.isfinite(out).all():
            raise ValueError(
                "the model's output is not finite: the input, with values up to "
                f"{float(np.abs(array).max()):.3g}, is too large for its float32 "
                "computation; rescale it"
            )
        return out

    def _map_states(self, X, fn, n_in: int, name: str):
        """Apply ``fn`` (states -> rows) to every state of any input form,
        returning the same form."""
        if is_trajectory_list(X):
            trajectories = _check_trajectories(X, n_in, _FLOAT_DTYPES)
            if name == "X":
                self._check_trajectory_names(X, reset=False)
            lengths = np.cumsum([len(t) for t in trajectories])[:-1]
            out = self._run(fn, np.concatenate(trajectories))
            return [
                part.astype(trajectory.dtype)
                for part, trajectory in zip(
                    np.split(out, lengths), trajectories, strict=True
                )
            ]
        if getattr(X, "ndim", None) == 3:
            windows = _check_windows(X, name)
            self._check_width(windows.shape[2], n_in, name)
            out = self._run(fn, windows.reshape(-1, n_in))
            return out.reshape(*windows.shape[:2], -1).astype(windows.dtype)
        if name == "X":
            states = validate_data(self, X, reset=False, dtype=_FLOAT_DTYPES)
        else:
            states = check_array(X, dtype=_FLOAT_DTYPES, input_name=name)
            self._check_width(states.shape[1], n_in, name)
        _check_float32_range(states, name)
        return self._run(fn, states).astype(states.dtype)

    def _pair_states(self, X, X_dot):
        """``X`` and ``X_dot`` side by side (features then derivatives), in the
        input form of ``X``, checked as ``transform`` checks ``X`` and with
        matching forms and shapes; float32 stays float32."""
        n_features = self.n_features_in_
        if is_trajectory_list(X):
            if not is_trajectory_list(X_dot) or len(X_dot) != len(X):
                got = (
                    f"a list of {len(X_dot)}"
                    if is_trajectory_list(X_dot)
                    else type(X_dot).__name__
                )
                raise ValueError(
                    f"X is a list of {len(X)} trajectories; X_dot must be a list "
                    f"of as many, got {got}"
                )
            states = _check_trajectories(X, n_features, _FLOAT_DTYPES)
            self._check_trajectory_names(X, reset=False)
            rates = _check_trajectories(X_dot, n_features, _FLOAT_DTYPES, "X_dot")
            check_same_shapes(states, rates)
            return [np.hstack(pair) for pair in zip(states, rates, strict=True)]
        if getattr(X, "ndim", None) == 3:
            states = _check_windows(X, "X")
            self._check_width(states.shape[2], n_features, "X")
        else:  # checks the feature names too
            states = validate_data(self, X, reset=False, dtype=_FLOAT_DTYPES)
        rates = check_array(
            X_dot, allow_nd=True, dtype=_FLOAT_DTYPES, input_name="X_dot"
        )
        if states.shape != rates.shape:
            raise ValueError(f"X_dot has shape {rates.shape}, but X has {states.shape}")
        return np.concatenate([states, rates], axis=-1)

    @staticmethod
    def _check_width(width: int, expected: int, name: str) -> None:
        if width != expected:
            raise ValueError(f"{name} has {width} features, expected {expected}")

    def transform(self, X):
        """Encode states to latents: ``z = E(x)``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), array of shape
            (n_windows, window, n_features) or list of (T_i, n_features) arrays

        Returns
        -------
        Z : same form as ``X`` with ``latent_dim`` features
            DataFrames (one per trajectory for a list) under
            ``set_output(transform="pandas")``; a 3-D array stays an array.
        """
        check_is_fitted(self)
        Z = self._map_states(X, self.net_.module_.encode, self.n_features_in_, "X")
        return self._wrap_output(Z, X)

    def inverse_transform(self, Z):
        """Decode latents to states: ``x = D(z)``.

        Parameters
        ----------
        Z : array of shape (n_samples, latent_dim), (n_windows, window,
            latent_dim) or list of (T_i, latent_dim) arrays

        Returns
        -------
        X : same form as ``Z`` with ``n_features_in_`` features
        """
        check_is_fitted(self)
        return self._map_states(Z, self.net_.module_.decode, self._latent_dim, "Z")

    def transform_derivatives(self, X, X_dot):
        """Latent velocities by the chain rule: ``z_dot = J_E(x) x_dot``.

        A Jacobian-vector product through the encoder (``torch.func.jvp``),
        exact for the trained network; no finite differences in time.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), (n_windows, window,
            n_features) or list of (T_i, n_features) arrays
            States.
        X_dot : same form and shapes as ``X``
            Time derivatives of the states.

        Returns
        -------
        Z_dot : same form as ``X`` with ``latent_dim`` features

        Examples
        --------
        >>> import numpy as np
        >>> import torch
        >>> torch.set_num_threads(1)
        >>> from symlearn import LatentSymmetryDiscoverer
        >>> X = np.random.RandomState(0).normal(size=(64, 2))
        >>> est = LatentSymmetryDiscoverer(
        ...     hidden_sizes=(8,), discriminator_hidden_sizes=(8,), max_epochs=1,
        ...     refine_epochs=0, batch_size=64, random_state=0,
        ... ).fit(X)
        >>> est.transform_derivatives(X, np.ones_like(X)).shape
        (64, 2)
        """
        check_is_fitted(self)
        d = self.n_features_in_
        paired = self._pair_states(X, X_dot)

        def velocity(rows: torch.Tensor) -> torch.Tensor:
            return torch.func.jvp(
                self.net_.module_.encode, (rows[:, :d],), (rows[:, d:],)
            )[1]

        return self._map_states(paired, velocity, 2 * d, "[X, X_dot]")

    def fit_transform(self, X, y=None, **fit_params):
        """Fit, then encode ``X`` (see ``fit`` and ``transform``)."""
        return self.fit(X, y, **fit_params).transform(X)

    def group_elements(self, coefficients) -> np.ndarray:
        """``expm(sum_i c_i L_i)`` for each row of ``coefficients``.

        Parameters
        ----------
        coefficients : array of shape (n, n_generators) or (n_generators,), \
or a number for one generator

        Returns
        -------
        ndarray of shape (n, latent_dim, latent_dim)
        """
        check_is_fitted(self)
        coefficients = np.atleast_2d(
            check_array(
                np.atleast_1d(coefficients), ensure_2d=False, input_name="coefficients"
            )
        )
        n_generators = self.generators_.shape[0]
        if coefficients.shape[1] != n_generators:
            raise ValueError(
                f"coefficients have {coefficients.shape[1]} columns, expected "
                f"n_generators={n_generators}"
            )
        algebra = np.einsum("nc,ckl->nkl", coefficients, self.generators_)
        g = torch.linalg.matrix_exp(torch.as_tensor(algebra)).numpy()
        if not np.isfinite(g).all():
            raise ValueError(
                f"coefficients up to {float(np.abs(coefficients).max()):.3g} are too "
                "large: their group elements overflow"
            )
        return g

    def _act(self, g: np.ndarray, Z: np.ndarray) -> np.ndarray:
        """``g_i (z - c) + c`` for each sample ``i`` of ``Z`` (n, ..., k)."""
        return np.einsum("nkl,n...l->n...k", g, Z - self.center_) + self.center_

    def sample_coefficients(self, n: int, random_state=None) -> np.ndarray:
        """Draw ``(n, n_generators)`` coefficients from the training distribution.

        With ``normalize_generators="action"`` they are divided by
        ``generator_action_``, as training divided them by each batch's
        relative action.
        """
        check_is_fitted(self)
        check_scalar(n, "n", Integral, min_val=0)
        with _seeded_torch(self.net_.device, _torch_seed(random_state)):
            coefficients = self.net_.generator_.sample_coefficients(n)
        coefficients = coefficients.cpu().double()
        if self.net_.generator_.unit_action:
            action = torch.as_tensor(self.generator_action_)
            coefficients = divide_by_action(coefficients, action)
        return coefficients.numpy()

    def apply_group(self, X, coefficients=None, random_state=None):
        """Move data by group elements: ``D(g (E(x) - c) + c)``.

        One group element acts on each sample; a sample is a state (2-D
        ``X``), a window (3-D ``X``) or a whole trajectory (list ``X``), so a
        symmetry of the dynamics maps a trajectory to a trajectory.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), (n_windows, window,
            n_features) or list of (T_i, n_features) arrays
        coefficients : array of shape (n_samples, n_generators) or
            (n_generators,), or a number for one generator, default=None
            Lie algebra coefficients of each sample's group element (one row
            for all samples). ``None`` draws them from the training
            distribution.
        random_state : int, RandomState or None
            Seeds the draw when ``coefficients`` is None.

        Returns
        -------
        X_moved : same form as ``X``
        """
        check_is_fitted(self)
        # not self.transform: set_output may make its result DataFrames
        Z = self._map_states(X, self.net_.module_.encode, self.n_features_in_, "X")
        if is_trajectory_list(Z):
            n_samples = len(Z)
            sizes = [len(z) for z in Z]
        else:
            n_samples = len(Z)
            sizes = [Z.shape[1] if Z.ndim == 3 else 1] * n_samples
        if coefficients is None:
            coefficients = self.sample_coefficients(n_samples, random_state)
        g = self.group_elements(coefficients)
        if len(g) == 1:
            g = np.repeat(g, n_samples, axis=0)
        if len(g) != n_samples:
            raise ValueError(
                f"got {len(g)} rows of coefficients for {n_samples} samples"
            )
        latents = (
            np.concatenate(Z)
            if is_trajectory_list(Z)
            else Z.reshape(-1, self._latent_dim)
        )
        g_per_state = np.repeat(g, sizes, axis=0)
        moved = self._act(g_per_state, latents)
        _check_float32_range(moved, "the latents moved by these coefficients")
        if is_trajectory_list(Z):
            parts = np.split(moved, np.cumsum(sizes)[:-1])
            return self.inverse_transform(
                [part.astype(z.dtype) for part, z in zip(parts, Z, strict=True)]
            )
        return self.inverse_transform(moved.reshape(Z.shape).astype(Z.dtype))

    def score(self, X, y=None) -> float:
        """How well the discovered group preserves ``X``; higher is better.

        ``-(relative reconstruction error + MMD^2)`` between real latent
        windows and windows moved by group elements drawn over the whole group
        (a full period of each rotation-like generator, unit moves of the
        others, see ``symlearn.metrics.full_group_coefficients``). A trivial
        or collapsed group cannot score well: its moves are rescaled to be
        visible; an all-zero basis, and a group whose elements over that
        range overflow, score ``-inf``. Deterministic for a given model and
        ``X``.

        Parameters
        ----------
        X : any input form accepted by ``fit``
        y : ignored

        Returns
        -------
        float
        """
        check_is_fitted(self)
        return self._score_windows(self._windows(X, reset=False))

    def _score_windows(self, windows: StateWindows) -> float:
        if not np.any(self.generators_):
            return -np.inf  # no symmetry was found: nothing to credit
        rng = np.random.RandomState(0)
        if len(windows) > _SCORE_MAX_WINDOWS:
            windows = windows.take(
                rng.choice(len(windows), _SCORE_MAX_WINDOWS, replace=False)
            )
        else:
            windows = windows.take()
        flat = windows.reshape(-1, self.n_features_in_)
        Z = self._run(self.net_.module_.encode, flat)
        reconstruction = metrics.relative_reconstruction_error(
            flat, self._run(self.net_.module_.decode, Z)
        )
        Z = Z.reshape(len(windows), -1, self._latent_dim).astype(np.float64)
        coefficients = metrics.full_group_coefficients(
            self.generators_, len(windows), random_state=rng
        )
        try:
            g = self.group_elements(coefficients)
        except ValueError:  # they overflow: a group that blows latents up
            return -np.inf
        moved = self._act(g, Z)
        if not np.isfinite(moved).all():
            return -np.inf
        closure = metrics.maximum_mean_discrepancy(
            Z.reshape(len(windows), -1), moved.reshape(len(windows), -1)
        )
        return -float(reconstruction + closure)

    @property
    def _latent_dim(self) -> int:
        """The fitted latent's width: ``latent_dim`` may have been set since."""
        return self.center_.shape[0]

    def get_feature_names_out(self, input_features=None):
        """Latent names ``z0..z{k-1}``."""
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray([f"z{i}" for i in range(self._latent_dim)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
