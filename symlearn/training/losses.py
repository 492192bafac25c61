"""Regularisers of the generator side (autoencoder + Lie basis)."""

import torch
import torch.nn.functional as F

_TINY = 1e-12  # the scale of an output collapsed to a point
_RELATIVE_FLOOR = 1e-4


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
    the latent normalisation, which would otherwise hide any drift, growth
    or shrinking of the raw output until the running statistics lag behind
    it. Near the identity it equals ``||mean||^2 + ||cov - I||_F^2``; unlike
    that, which flattens out at 1 per collapsed direction, it grows like
    ``-2 log v`` as the output shrinks, so its pull back does not fade
    there. (With convolutional encoders of small-valued images the raw
    output shrank to variances of 1e-5 to 1e-9, which the normalisation then
    blew up into a latent made of whatever moved it by a hair.) Each
    ``v_i`` is raised by 1e-4 times the mean variance, which keeps the
    factorisation finite in float32 and caps one collapsed direction among
    others at about 16. With ``isotropic`` only the mean and the overall
    scale are held: ``||mean||^2 + 2 (v - 1 - log v)`` with ``v = tr(cov) /
    k`` (for ``RunningScaling``).
    """
    flat = raw.reshape(-1, raw.shape[-1])
    n, k = flat.shape
    mean = flat.mean(dim=0)
    centered = flat - mean
    scale = (centered.pow(2).sum() / (max(n - 1, 1) * k)).clamp_min(_TINY)
    if isotropic:
        return mean.pow(2).sum() + 2 * (scale - 1 - scale.log())
    # sum_i (v_i - 1 - log v_i) = tr(cov) - k - log det(cov), with the log
    # determinant taken of the covariance divided by its mean variance, whose
    # entries are near 1, so float32 rounding stays below the floor. The
    # unchecked factorisation neither raises nor waits for the device; a
    # failed one (a non-finite covariance) makes the loss NaN for the
    # divergence guard.
    unit = centered / scale.sqrt()
    eye = torch.eye(k, dtype=flat.dtype, device=flat.device)
    unit_cov = unit.T @ unit / max(n - 1, 1) + _RELATIVE_FLOOR * eye
    factor, info = torch.linalg.cholesky_ex(unit_cov)
    log_det = k * scale.log() + 2 * factor.diagonal().log().sum()
    log_det = torch.where(info == 0, log_det, torch.nan)
    trace = scale * unit_cov.diagonal().sum()
    return mean.pow(2).sum() + 2 * (trace - k - log_det)
