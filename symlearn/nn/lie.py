"""The Lie algebra generator: a basis of ``k x k`` matrices acting on latents."""

import numpy as np
import torch
from torch import nn

COEFFICIENT_DISTRIBUTIONS = ("normal", "uniform", "integer")
# Floor of a generator's relative action: one that barely moves the latents
# gets coefficients at most 100 times larger, enough for the discriminator to
# see its moves without overflowing the matrix exponential.
_MIN_RELATIVE_ACTION = 1e-2


class LieAlgebraGenerator(nn.Module):
    """A Lie algebra basis ``L_1..L_c`` and the group elements it generates.

    A group element is ``g = expm(sum_i w_i L_i)`` with random coefficients
    ``w``; it acts linearly on a latent ``z`` about a centre ``c``:
    ``g . z = g (z - c) + c``. The same ``g`` moves every latent of a window.

    Parameters
    ----------
    latent_dim : int
        Size ``k`` of the matrices.
    n_generators : int
        Number ``c`` of basis matrices. Ignored when ``fixed_basis`` is given.
    fixed_basis : array of shape (c, k, k), optional
        A known basis (e.g. ``so(3)``), kept fixed instead of learned.
    coefficient_distribution : {"normal", "uniform", "integer"}
        ``normal``: ``w ~ N(0, scale^2)``; ``uniform``: ``w ~ U(-scale, scale)``;
        ``integer``: ``w`` uniform on the integers ``-scale..scale`` (discrete
        symmetries).
    coefficient_scale : float
        Spread of the coefficients.
    init_std : float
        Standard deviation of the initial entries of a learned basis.
    unit_norm : bool
        Use each learned generator divided by its Frobenius norm, so the group
        cannot shrink to the identity; ``coefficient_scale`` then sets how far
        the sampled elements move.
    unit_action : bool
        Divide the sampled coefficients of each generator by its
        :meth:`relative_action` on the latents it moves. A generator then
        moves latents by the same relative amount whatever the latent's
        shape, and cannot hide in a direction the latents do not fill (on a
        flat latent, a generator that only maps the empty normal direction
        into the plane moves nothing and fools the discriminator trivially).

    Attributes
    ----------
    basis : Parameter or buffer of shape (c, k, k)
    mask : buffer of shape (c, k, k)
        Zero where sequential thresholding removed an entry.
    """

    def __init__(
        self,
        latent_dim: int,
        n_generators: int = 1,
        fixed_basis: np.ndarray | None = None,
        coefficient_distribution: str = "normal",
        coefficient_scale: float = 1.0,
        init_std: float = 0.1,
        unit_norm: bool = False,
        unit_action: bool = False,
    ):
        super().__init__()
        self.unit_norm = unit_norm
        self.unit_action = unit_action
        self.coefficient_distribution = coefficient_distribution
        self.coefficient_scale = coefficient_scale
        if fixed_basis is None:
            basis = torch.randn(n_generators, latent_dim, latent_dim) * init_std
            self.basis = nn.Parameter(basis)
        else:
            basis = torch.as_tensor(np.asarray(fixed_basis), dtype=torch.float32)
            self.register_buffer("basis", basis)
        self.register_buffer("mask", torch.ones_like(basis))

    @property
    def n_generators(self) -> int:
        return self.basis.shape[0]

    @property
    def learnable(self) -> bool:
        return isinstance(self.basis, nn.Parameter)

    def masked_basis(self) -> torch.Tensor:
        """The basis with thresholded entries zeroed, shape (c, k, k)."""
        basis = self.basis * self.mask
        if self.unit_norm and self.learnable:
            basis = basis / basis.flatten(start_dim=1).norm(dim=1)[:, None, None]
        return basis

    def relative_action(self, offsets: torch.Tensor) -> torch.Tensor:
        """How far each generator moves latents, relative to their spread.

        ``sqrt(mean ||L_i d||^2 / mean ||d||^2)`` over the offsets ``d = z -
        c`` from the centre: ``||L_i||_F / sqrt(k)`` for a latent spread
        evenly over all ``k`` directions, 0 for a generator that acts only
        where the latents have no extent.

        Parameters
        ----------
        offsets : tensor of shape (..., k)

        Returns
        -------
        tensor of shape (c,)
        """
        return relative_action(self.masked_basis(), offsets)

    def sample_coefficients(self, n: int) -> torch.Tensor:
        """Draw ``(n, c)`` coefficients from the torch global generator."""
        shape = (n, self.n_generators)
        like = dict(device=self.basis.device, dtype=self.basis.dtype)
        scale = self.coefficient_scale
        if self.coefficient_distribution == "normal":
            return torch.randn(shape, **like) * scale
        if self.coefficient_distribution == "uniform":
            return (torch.rand(shape, **like) * 2 - 1) * scale
        bound = int(round(scale))
        return torch.randint(-bound, bound + 1, shape, device=self.basis.device).to(
            self.basis.dtype
        )

    def forward(
        self,
        z: torch.Tensor,
        center: torch.Tensor,
        coefficients: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Move each window of latents by one group element about ``center``.

        Parameters
        ----------
        z : tensor of shape (n, w, k)
        center : tensor of shape (k,)
        coefficients : tensor of shape (n, c), optional
            Sampled when not given (and then scaled by the relative action
            with ``unit_action``).

        Returns
        -------
        tensor of shape (n, w, k)
        """
        basis = self.masked_basis()  # once per step, shared by both uses
        if coefficients is None:
            coefficients = self.sample_coefficients(z.shape[0])
            if self.unit_action:
                coefficients = divide_by_action(
                    coefficients, relative_action(basis, z - center)
                )
        g = _group_elements(basis, coefficients)
        return torch.einsum("nkl,nwl->nwk", g, z - center) + center

    @torch.no_grad()
    def threshold_(self, relative_threshold: float) -> None:
        """Mask entries below ``relative_threshold`` x the largest entry of
        their generator (sequential thresholding, for readable generators)."""
        if not self.learnable:
            return
        magnitude = self.masked_basis().abs()
        largest = magnitude.amax(dim=(1, 2), keepdim=True)
        self.mask *= (magnitude >= relative_threshold * largest).to(self.mask.dtype)


def relative_action(basis: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """``LieAlgebraGenerator.relative_action`` for a given basis ``(c, k, k)``."""
    flat = offsets.reshape(-1, offsets.shape[-1])
    moves = torch.einsum("ckl,nl->cnk", basis, flat)
    action = moves.pow(2).sum(-1).mean(1) / flat.pow(2).sum(-1).mean()
    return action.sqrt()


def divide_by_action(coefficients: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
    """Coefficients ``(n, c)`` divided by each generator's relative action
    ``(c,)`` (``unit_action``), floored so that a generator that barely moves
    the latents does not get unbounded coefficients."""
    return coefficients / action.clamp_min(_MIN_RELATIVE_ACTION)


def _group_elements(basis: torch.Tensor, coefficients: torch.Tensor) -> torch.Tensor:
    """``expm(sum_i w_i L_i)`` for each row of ``(n, c)`` coefficients."""
    algebra = torch.einsum("nc,ckl->nkl", coefficients, basis)
    return torch.linalg.matrix_exp(algebra)
