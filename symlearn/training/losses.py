"""Regularisers of the generator side (autoencoder + Lie basis)."""

import torch
import torch.nn.functional as F


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
    """``||mean||^2 + ||cov - I||_F^2`` of latents ``(..., k)``.

    Keeps the encoder's output near zero mean and identity covariance before
    the latent normalisation, which would otherwise hide any drift or growth
    of the raw output until the running statistics lag behind it. With
    ``isotropic``, ``||mean||^2 + (tr(cov) / k - 1)^2``: only the mean and the
    overall scale are held, not the shape (for ``RunningScaling``).
    """
    flat = raw.reshape(-1, raw.shape[-1])
    mean = flat.mean(dim=0)
    if isotropic:
        return mean.pow(2).sum() + (flat.var(dim=0).mean() - 1).pow(2)
    centered = flat - mean
    cov = centered.T @ centered / max(len(flat) - 1, 1)
    eye = torch.eye(cov.shape[0], dtype=cov.dtype, device=cov.device)
    return mean.pow(2).sum() + (cov - eye).pow(2).sum()
