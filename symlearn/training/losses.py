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
