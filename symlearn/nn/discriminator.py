"""The discriminator telling real latent windows from transformed ones."""

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from symlearn.nn.autoencoders import make_mlp


class SpectralNormLinear(nn.Linear):
    """Linear layer divided by its largest singular value.

    The singular value is tracked by one power iteration per training
    forward pass. (A plain module rather than a torch parametrization, which
    cannot be pickled.)
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__(in_features, out_features)
        self.register_buffer("u", F.normalize(torch.randn(out_features), dim=0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            with torch.no_grad():
                v = F.normalize(self.weight.T @ self.u, dim=0)
                self.u.copy_(F.normalize(self.weight @ v, dim=0))
        # A copy: the next training forward updates ``u`` in place while this
        # one's graph may still need it.
        u = self.u.clone()
        v = F.normalize(self.weight.T @ u, dim=0).detach()
        sigma = u @ self.weight @ v
        return F.linear(x, self.weight / sigma, self.bias)


WINDOW_FEATURES = ("steps", "latents")
# Floor of the latent scale: a latent collapsed to a point is not divided by 0.
_TINY = 1e-12


class WindowDiscriminator(nn.Module):
    """MLP scoring a flattened window of latents; a higher logit means "real".

    Parameters
    ----------
    latent_dim : int
        Width ``k`` of a latent.
    window_size : int
        Number ``w`` of latents in a window.
    hidden_sizes : sequence of int
        Widths of the hidden layers.
    activation : str
        Activation name (see ``symlearn.nn.autoencoders.ACTIVATIONS``).
    use_spectral_norm : bool
        Constrain every linear layer to spectral norm 1, which keeps the
        discriminator Lipschitz and its gradients informative.
    features : {"steps", "latents"}
        ``"latents"`` feeds the window's latents. ``"steps"`` feeds its first
        latent and the steps ``z[t+1] - z[t]`` divided by their running root
        mean square: steps between states close in time are small, and
        unscaled the discriminator barely sees the dynamics they carry.
    standardize : bool
        Feed latents centred on the running mean of the windows' first
        latents and divided by their running root mean square distance from
        it; for a latent that nothing else normalises (see Notes).
    momentum : float
        Weight of the newest batch in the running statistics.

    Notes
    -----
    A latent without normalisation can drift hundreds of units from the
    origin; there, every hidden unit of an MLP initialised for inputs near
    unit size sees all latents on the same side of its hyperplane, so the
    discriminator is blind to anything but a shift of the mean, which a
    rotation about the centre keeps. ``standardize`` brings its input back
    near unit size. The statistics are running ones, updated in training
    mode only, by every window the discriminator sees: in a training step of
    ``LaLiGANNet``, the moved windows of the generator step, then the real
    and the moved ones of the discriminator step, so two moved windows count
    for each real one. The map is affine with a single scale and shared by
    real and moved latents (between the two calls of one step it moves by
    one running update): it changes nothing the discriminator can tell
    apart.

    Shapes
    ------
    ``(batch, w, k) -> (batch,)``
    """

    def __init__(
        self,
        latent_dim: int,
        window_size: int,
        hidden_sizes: Sequence[int] = (128, 128),
        activation: str = "leaky_relu",
        use_spectral_norm: bool = False,
        features: str = "steps",
        standardize: bool = False,
        momentum: float = 0.01,
    ):
        super().__init__()
        if features not in WINDOW_FEATURES:
            raise ValueError(
                f"features={features!r} is not one of {sorted(WINDOW_FEATURES)}"
            )
        self.features = features
        self.standardize = standardize
        self.momentum = momentum
        self.register_buffer("latent_mean", torch.zeros(latent_dim))
        self.register_buffer("latent_scale", torch.ones(()))
        self.register_buffer("step_scale", torch.ones(()))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))
        linear = SpectralNormLinear if use_spectral_norm else nn.Linear
        self.mlp = make_mlp(
            latent_dim * window_size, tuple(hidden_sizes), 1, activation, linear
        )

    def window_features(self, z: torch.Tensor) -> torch.Tensor:
        """``(batch, w, k) -> (batch, w * k)``: the flattened input of the MLP."""
        if self.training:
            self._update_statistics(z)
        latents = z
        if self.standardize:
            latents = (z - self.latent_mean) / self.latent_scale.clamp_min(_TINY)
        if self.features == "latents" or z.shape[1] < 2:
            return latents.flatten(start_dim=1)
        steps = z[:, 1:] - z[:, :-1]
        step_scale = self.step_scale.clamp_min(_TINY)  # steps of a collapsed latent
        return torch.cat([latents[:, :1], steps / step_scale], dim=1).flatten(
            start_dim=1
        )

    @torch.no_grad()
    def _update_statistics(self, z: torch.Tensor) -> None:
        weight = torch.where(self.initialized, self.momentum, 1.0)
        if self.standardize:
            first = z[:, 0]
            self.latent_mean.lerp_(first.mean(dim=0), weight)
            distance = (first - self.latent_mean).pow(2).sum(dim=-1).mean().sqrt()
            self.latent_scale.lerp_(distance, weight)
        if self.features == "steps" and z.shape[1] > 1:
            steps = z[:, 1:] - z[:, :-1]
            self.step_scale.lerp_(steps.pow(2).mean().sqrt(), weight)
        self.initialized.fill_(True)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.window_features(z)).squeeze(-1)
