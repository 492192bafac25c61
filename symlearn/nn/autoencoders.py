"""Autoencoders mapping states ``x`` to latents ``z`` and back.

Every autoencoder acts on the last axis only, so a batch of windows
``(batch, window, n_features)`` is encoded to ``(batch, window, latent_dim)``.
"""

import math
from collections.abc import Sequence
from itertools import pairwise
from numbers import Integral

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
}


def make_mlp(
    in_features: int,
    hidden_sizes: Sequence[int],
    out_features: int | None,
    activation: str,
    linear: type[nn.Linear] = nn.Linear,
) -> nn.Sequential:
    """Linear layers of ``hidden_sizes`` each followed by ``activation``.

    If ``out_features`` is given, a final linear layer without activation maps
    to it. ``linear`` is the layer class (e.g. a spectrally normalised one).
    """
    layers: list[nn.Module] = []
    width = in_features
    for hidden in hidden_sizes:
        layers += [linear(width, hidden), ACTIVATIONS[activation]()]
        width = hidden
    if out_features is not None:
        layers.append(linear(width, out_features))
    return nn.Sequential(*layers)


def _apply_to_last_axis(fn: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Apply a module expecting ``(n, features)`` to ``(..., features)``."""
    flat = fn(x.reshape(-1, x.shape[-1]))
    return flat.reshape(*x.shape[:-1], flat.shape[-1])


class OrthogonalLinear(nn.Module):
    """Linear map ``x -> W x`` whose weight has orthonormal rows.

    ``W`` is the transposed Q factor of a free parameter, so training moves
    on the set of orthonormal frames. (A plain module rather than a torch
    parametrization, which cannot be pickled.)

    Shapes
    ------
    ``(n, in_features) -> (n, out_features)``, ``out_features <= in_features``
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        if out_features > in_features:
            raise ValueError(
                f"an orthogonal layer needs out_features <= in_features, got "
                f"{out_features} > {in_features}"
            )
        self.raw_weight = nn.Parameter(torch.randn(in_features, out_features))

    def weight(self) -> torch.Tensor:
        return torch.linalg.qr(self.raw_weight).Q.T

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight())


class _RunningMoments(nn.Module):
    """Moving averages of the batch mean and of a second moment (variances or
    the covariance) of detached latents, updated on every training forward.

    The first batch sets the statistics: no warm-up from the initial values.
    Subclasses say which second moment (``batch_moment``); by default the
    latent is divided by its root (per coordinate, or one scale), and
    whitening overrides ``normalize``.
    """

    def __init__(self, n_features: int, initial_moment: torch.Tensor, momentum, eps):
        super().__init__()
        self.momentum = momentum
        self.eps = eps
        self.register_buffer("running_mean", torch.zeros(n_features))
        self.register_buffer("running_moment", initial_moment)
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    def batch_moment(self, centered: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def normalize(self, centered: torch.Tensor) -> torch.Tensor:
        return centered / torch.sqrt(self.running_moment + self.eps)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if self.training:
            with torch.no_grad():
                weight = torch.where(self.initialized, self.momentum, 1.0)
                mean = z.mean(dim=0)
                moment = self.batch_moment(z - mean)
                # A non-finite batch (a diverging encoder) leaves the statistics
                # as they were, so they stay usable; the loss turns non-finite
                # and the divergence guard reports it. ``where``, not ``if``:
                # no host synchronisation.
                finite = torch.isfinite(mean).all() & torch.isfinite(moment).all()
                for stat, batch_stat in (
                    (self.running_mean, mean),
                    (self.running_moment, moment),
                ):
                    stat.copy_(torch.where(finite, stat.lerp(batch_stat, weight), stat))
                self.initialized.fill_(True)
        return self.normalize(z - self.running_mean)


class RunningStandardization(_RunningMoments):
    """Standardise latents with running statistics, also while training.

    A batch norm divides by each batch's own statistics, which jitter by
    about ``1/sqrt(batch)``: the decoder then never sees the same latent for
    the same state, which puts a floor under the reconstruction error. Here the
    statistics are exponential moving averages of the (detached) batch
    statistics, so the map is the same for every sample of a step while the
    latent still cannot collapse or stretch.

    Parameters
    ----------
    n_features : int
    momentum : float
        Weight of the newest batch in the moving averages.
    eps : float

    Shapes
    ------
    ``(n, n_features) -> (n, n_features)``
    """

    def __init__(self, n_features: int, momentum: float = 0.01, eps: float = 1e-5):
        super().__init__(n_features, torch.ones(n_features), momentum, eps)

    def batch_moment(self, centered: torch.Tensor) -> torch.Tensor:
        return centered.var(dim=0)


class RunningWhitening(_RunningMoments):
    """Whiten latents with a running mean and covariance, also while training.

    Like :class:`RunningStandardization`, but the latent is rotated and
    scaled to identity covariance, ``z -> C^{-1/2} (z - mean)``, rather than
    scaled coordinate by coordinate. A latent distribution that is invariant
    under a compact group then has round orbits, so the encoder cannot
    stretch them into thin ellipses that the generator must match exactly.
    Any linear change of latent coordinates maps a symmetric latent to a
    symmetric one, so whitening removes no solution.

    Parameters
    ----------
    n_features : int
    momentum : float
        Weight of the newest batch in the moving averages.
    eps : float
        Added to the covariance's eigenvalues.

    Shapes
    ------
    ``(n, n_features) -> (n, n_features)``
    """

    def __init__(self, n_features: int, momentum: float = 0.01, eps: float = 1e-5):
        super().__init__(n_features, torch.eye(n_features), momentum, eps)

    def batch_moment(self, centered: torch.Tensor) -> torch.Tensor:
        return centered.T @ centered / max(len(centered) - 1, 1)

    def whitening_matrix(self) -> torch.Tensor:
        eigenvalues, vectors = torch.linalg.eigh(self.running_moment)
        # Rounding can make the eigenvalues of a nearly flat latent negative.
        return (vectors / torch.sqrt(eigenvalues.clamp_min(0) + self.eps)) @ vectors.T

    def normalize(self, centered: torch.Tensor) -> torch.Tensor:
        return centered @ self.whitening_matrix()


class RunningScaling(_RunningMoments):
    """Centre latents and divide them by one running scale, also while training.

    The scale is the root of the mean variance over coordinates, so the
    latent keeps its shape: a cycle that lies flat in a 3-d latent stays
    flat, where standardisation or whitening would blow its thin direction
    up to unit variance. The latent still cannot drift, collapse or grow.

    Parameters
    ----------
    n_features : int
    momentum : float
        Weight of the newest batch in the moving averages.
    eps : float

    Shapes
    ------
    ``(n, n_features) -> (n, n_features)``
    """

    def __init__(self, n_features: int, momentum: float = 0.01, eps: float = 1e-5):
        super().__init__(n_features, torch.ones(()), momentum, eps)

    def batch_moment(self, centered: torch.Tensor) -> torch.Tensor:
        return centered.var(dim=0).mean()


LATENT_NORMS = {
    "none": lambda dim: nn.Identity(),
    "batch": lambda dim: nn.BatchNorm1d(dim, affine=False),
    "running": RunningStandardization,
    "whiten": RunningWhitening,
    "scale": RunningScaling,
}


class _EncoderDecoder(nn.Module):
    """Shared interface: ``encoder`` is a sequence whose last module
    normalises the latent, ``decoder`` maps latents back; both act on flat
    states ``(n, d)`` and the methods accept any leading axes."""

    def encode_raw(self, x: torch.Tensor) -> torch.Tensor:
        """The latent before normalisation, shape ``(..., k)``."""
        return _apply_to_last_axis(self.encoder[:-1], x)

    def normalize(self, raw: torch.Tensor) -> torch.Tensor:
        return _apply_to_last_axis(self.encoder[-1], raw)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.normalize(self.encode_raw(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return _apply_to_last_axis(self.decoder, z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


def _latent_head(
    in_features: int,
    latent_dim: int,
    hidden_sizes: tuple[int, ...],
    activation: str,
    latent_norm: str,
) -> list[nn.Module]:
    """Hidden layers, an orthogonal map to the latent, the latent norm.

    The orthonormal rows and the normalisation together stop the encoder from
    collapsing or stretching the latent to fool the discriminator.
    """
    last_width = hidden_sizes[-1] if hidden_sizes else in_features
    if latent_dim > last_width:
        width = (
            f"hidden_sizes[-1]={last_width}"
            if hidden_sizes
            else f"the {in_features} features it maps from"
        )
        raise ValueError(
            f"latent_dim={latent_dim} is larger than {width}: the encoder's "
            "orthogonal map to the latent cannot be onto it; widen hidden_sizes "
            "or lower latent_dim"
        )
    return [
        make_mlp(in_features, hidden_sizes, None, activation),
        OrthogonalLinear(last_width, latent_dim),
        LATENT_NORMS[latent_norm](latent_dim),
    ]


class MLPAutoencoder(_EncoderDecoder):
    """Fully connected autoencoder with an orthogonal, normalised latent.

    Parameters
    ----------
    n_features : int
        Width ``d`` of a state.
    latent_dim : int
        Width ``k`` of a latent.
    hidden_sizes : sequence of int
        Widths of the hidden layers of the encoder; the decoder mirrors them.
    activation : str
        One of ``ACTIVATIONS``.
    latent_norm : {"running", "whiten", "scale", "batch", "none"}
        How the latent is normalised (``LATENT_NORMS``): running
        standardisation, running whitening, one running scale, a batch norm
        (the paper's), or not at all.

    Shapes
    ------
    ``encode``: ``(..., d) -> (..., k)``; ``decode``: ``(..., k) -> (..., d)``.
    """

    def __init__(
        self,
        n_features: int,
        latent_dim: int,
        hidden_sizes: Sequence[int] = (128, 128, 128),
        activation: str = "relu",
        latent_norm: str = "running",
    ):
        super().__init__()
        hidden_sizes = tuple(hidden_sizes)
        self.encoder = nn.Sequential(
            *_latent_head(n_features, latent_dim, hidden_sizes, activation, latent_norm)
        )
        self.decoder = make_mlp(latent_dim, hidden_sizes[::-1], n_features, activation)


CONV_LAYERS = {
    1: (nn.Conv1d, nn.ConvTranspose1d),
    2: (nn.Conv2d, nn.ConvTranspose2d),
}


def _halved(size: int) -> int:
    """Spatial size after a convolution of kernel 3, stride 2, padding 1."""
    return (size - 1) // 2 + 1


class ConvAutoencoder(_EncoderDecoder):
    """Convolutional autoencoder for signals (1-d) or images (2-d).

    States stay flat rows ``(n, d)`` as sklearn expects; the encoder views
    each as an array of ``input_shape`` (channels first), and each of its
    convolutions (kernel 3, stride 2) halves the spatial size. Fully
    connected layers then map the features to an orthogonal, normalised
    latent as in :class:`MLPAutoencoder`. The decoder mirrors the encoder
    with transposed convolutions that restore the exact input size, odd or
    even.

    Parameters
    ----------
    n_features : int
        Width ``d`` of a flat state, ``prod(input_shape)``.
    latent_dim : int
        Width ``k`` of a latent.
    input_shape : tuple of int
        ``(channels, length)`` for signals or ``(channels, height, width)``
        for images.
    channels : sequence of int
        Output channels of the encoder's convolutions.
    hidden_sizes : sequence of int
        Widths of the fully connected layers after the convolutions.
    activation : str
        One of ``ACTIVATIONS``.
    latent_norm : str
        One of ``LATENT_NORMS``.

    Shapes
    ------
    ``encode``: ``(..., d) -> (..., k)``; ``decode``: ``(..., k) -> (..., d)``.
    """

    def __init__(
        self,
        n_features: int,
        latent_dim: int,
        input_shape: Sequence[int],
        channels: Sequence[int] = (16, 32, 64),
        hidden_sizes: Sequence[int] = (128,),
        activation: str = "silu",
        latent_norm: str = "whiten",
    ):
        super().__init__()
        input_shape = tuple(input_shape)
        check_input_shape(input_shape, n_features)
        conv, transposed = CONV_LAYERS[len(input_shape) - 1]
        widths = [input_shape[0], *channels]
        sizes = [input_shape[1:]]
        for _ in channels:
            sizes.append(tuple(_halved(size) for size in sizes[-1]))
        flat = widths[-1] * math.prod(sizes[-1])
        hidden_sizes = tuple(hidden_sizes)

        down: list[nn.Module] = [nn.Unflatten(1, input_shape)]
        for c_in, c_out in pairwise(widths):
            down += [
                conv(c_in, c_out, 3, stride=2, padding=1),
                ACTIVATIONS[activation](),
            ]
        down.append(nn.Flatten())
        self.encoder = nn.Sequential(
            *down,
            *_latent_head(flat, latent_dim, hidden_sizes, activation, latent_norm),
        )

        layers = list(zip(widths[:0:-1], widths[-2::-1], sizes[-2::-1], strict=True))
        up: list[nn.Module] = [
            make_mlp(latent_dim, hidden_sizes[::-1], flat, activation)
        ]
        if layers:  # without convolutions the linear layer is the output
            up.append(ACTIVATIONS[activation]())
        up.append(nn.Unflatten(1, (widths[-1], *sizes[-1])))
        for number, (c_in, c_out, size) in enumerate(layers):
            # stride 2 maps s to 2 s - 1 (+1 with output padding): the target
            # size decides, so odd and even sizes come back exactly.
            extra = tuple(target - (2 * _halved(target) - 1) for target in size)
            up.append(
                transposed(c_in, c_out, 3, stride=2, padding=1, output_padding=extra)
            )
            if number < len(layers) - 1:
                up.append(ACTIVATIONS[activation]())
        up.append(nn.Flatten())
        self.decoder = nn.Sequential(*up)


def check_input_shape(input_shape: tuple, n_features: int) -> None:
    """``input_shape`` must be channels first, 1-d or 2-d, and hold exactly
    ``n_features`` values."""
    if len(input_shape) not in (2, 3) or not all(
        isinstance(size, Integral) and size >= 1 for size in input_shape
    ):
        raise ValueError(
            f"input_shape={input_shape!r} must be (channels, length) or "
            "(channels, height, width) of positive integers"
        )
    if math.prod(input_shape) != n_features:
        raise ValueError(
            f"input_shape={input_shape!r} holds {math.prod(input_shape)} values, "
            f"but the data has n_features={n_features}"
        )


class IdentityAutoencoder(nn.Module):
    """The identity map, turning LaLiGAN into LieGAN (symmetry in data space).

    Parameters
    ----------
    n_features : int
        Width of a state; the latent has the same width.
    latent_dim : int
        Must equal ``n_features``.
    """

    def __init__(self, n_features: int, latent_dim: int):
        super().__init__()
        if latent_dim != n_features:
            raise ValueError(
                f"the identity autoencoder needs latent_dim == n_features, got "
                f"latent_dim={latent_dim} and n_features={n_features}"
            )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return z

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x
