"""Regularisers of the generator side (autoencoder + Lie basis)."""

import torch
import torch.nn.functional as F

_JITTER = 1e-6


def identity_penalty(z: torch.Tensor, moved: torch.Tensor, center: torch.Tensor):
    """Mean ``|cos|`` between ``z - c`` and ``g.z - c``.

    Near 1 when the group barely moves points: penalising it keeps the group
    away from the trivial answer ``g = identity``.
    """
    return F.cosine_similarity(z - center, moved - center, dim=-1).abs().mean()


def generator_norm_reward(basis: torch.Tensor, cap: float) -> torch.Tensor:
    """Mean over generators of ``min(||L_i||_F, cap)``: rewards non-zero
    generators without letting them grow without bound."""
    return basis.flatten(start_dim=1).norm(dim=1).clamp(max=cap).mean()


def decorrelation_penalty(basis: torch.Tensor) -> torch.Tensor:
    """Mean pairwise ``|cos|`` between flattened generators (0 for one)."""
    n_generators = basis.shape[0]
    if n_generators < 2:
        return basis.new_zeros(())
    flat = F.normalize(basis.flatten(start_dim=1), dim=1)
    gram = (flat @ flat.T).abs()
    off_diagonal = gram.sum() - gram.diagonal().sum()
    return off_diagonal / (n_generators * (n_generators - 1))


def standardization_penalty(raw: torch.Tensor, isotropic: bool = False) -> torch.Tensor:
    """``||mean||^2 + 2 sum_i (v_i - 1 - log v_i)`` of latents ``(..., k)``,
    ``v_i`` the eigenvalues of their covariance.

    Keeps the encoder's output near zero mean and identity covariance before
    the latent normalisation, which would otherwise hide any drift or growth
    of the raw output until the running statistics lag behind it. Near the
    identity it equals ``||mean||^2 + ||cov - I||_F^2``; unlike that, it grows
    without bound as a direction collapses (``v_i -> 0``), so its pull back
    does not fade there. (The squared distance from the identity flattens
    out at 1 per collapsed direction, and with convolutional encoders of
    small-valued images the raw output shrank to a spread of 1e-3 or less,
    which the normalisation then blew up: a latent made of whatever moved
    it by a hair.) With ``isotropic`` only the mean and the overall scale
    are held, ``||mean||^2 + 2 (v - 1 - log v)`` with ``v = tr(cov) / k``
    (for ``RunningScaling``).
    """
    flat = raw.reshape(-1, raw.shape[-1])
    mean = flat.mean(dim=0)
    if isotropic:
        scale = flat.var(dim=0).mean().clamp_min(_JITTER)
        return mean.pow(2).sum() + 2 * (scale - 1 - scale.log())
    centered = flat - mean
    cov = centered.T @ centered / max(len(flat) - 1, 1)
    # sum_i (v_i - 1 - log v_i) = tr(cov) - k - log det(cov). The jitter keeps
    # a flat direction finite; the unchecked Cholesky factorisation neither
    # raises nor waits for the device, and a failed one (a non-finite
    # covariance) makes the loss NaN for the divergence guard.
    cov = cov + _JITTER * torch.eye(len(cov), dtype=cov.dtype, device=cov.device)
    factor, info = torch.linalg.cholesky_ex(cov)
    log_det = 2 * factor.diagonal().log().sum()
    log_det = torch.where(info == 0, log_det, torch.nan)
    return mean.pow(2).sum() + 2 * (cov.diagonal().sum() - len(cov) - log_det)
