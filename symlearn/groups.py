"""Named Lie algebra bases and a small toolbox for analysing Lie algebras.

A Lie algebra of ``k x k`` matrices is stored as a basis array of shape
``(n_generators, k, k)``. :func:`group_basis` builds the bases of a few common
symmetry groups (rotations, scaling and their direct sums), which serve as
ground truth or as fixed generators. The remaining functions analyse any
basis: commutators, structure constants, how far a set of generators is from
closing under the bracket, the Killing form, and a modest classifier of small
algebras (:func:`identify_algebra`).

This module itself uses numpy and scipy; it does not import torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from scipy.linalg import null_space

__all__ = [
    "available_groups",
    "closure_residual",
    "commutator",
    "covariance_preserving_part",
    "group_basis",
    "identify_algebra",
    "killing_form",
    "structure_constants",
]


# ---------------------------------------------------------------------------
# Named bases
# ---------------------------------------------------------------------------


def _levi_civita() -> np.ndarray:
    """Return the 3-d Levi-Civita symbol as a ``(3, 3, 3)`` array."""
    eps = np.zeros((3, 3, 3))
    for i, j, k in [(0, 1, 2), (1, 2, 0), (2, 0, 1)]:
        eps[i, j, k] = 1.0
        eps[i, k, j] = -1.0
    return eps


def _so_basis(n: int) -> np.ndarray:
    """Antisymmetric basis of so(n), one generator per coordinate plane.

    so(3) uses the axis ordering ``(L_x, L_y, L_z)`` with ``(L_i)_jk = -eps_ijk``
    so that ``[L_1, L_2] = L_3`` and cyclic. Other ``n`` use ``E_ji - E_ij`` for
    ``i < j``, the rotation that turns axis ``i`` towards axis ``j``.
    """
    if n == 3:
        return 0.0 - _levi_civita()  # 0.0 -: no negative zeros
    basis = []
    for i in range(n):
        for j in range(i + 1, n):
            gen = np.zeros((n, n))
            gen[j, i] = 1.0
            gen[i, j] = -1.0
            basis.append(gen)
    return np.array(basis, dtype=np.float64)


def _pad(basis: np.ndarray, size: int) -> np.ndarray:
    """Embed a basis in the top-left corner of ``size x size`` matrices."""
    n_gen, m, _ = basis.shape
    out = np.zeros((n_gen, size, size))
    out[:, :m, :m] = basis
    return out


def _two_vectors_basis(basis: np.ndarray) -> np.ndarray:
    """The same generators acting on two vectors at once: ``diag(L, L)``.

    SO(3)'s orbits on one 3-d vector are spheres, so a 3-d latent cannot
    carry a whole rotation equivariantly; two vectors (a frame) can.
    """
    return np.einsum("ij,gkl->gikjl", np.eye(2), basis).reshape(
        len(basis), 2 * basis.shape[1], 2 * basis.shape[1]
    )


def _so2xr_basis() -> np.ndarray:
    return np.concatenate([_so_basis(2), np.eye(2)[None]], axis=0)


# Groups whose block size is fixed. "scaling" is handled separately because it
# adapts to whatever block size it is given.
_FIXED_GROUPS: dict[str, Callable[[], np.ndarray]] = {
    "so2": lambda: _so_basis(2),
    "so3": lambda: _so_basis(3),
    "so4": lambda: _so_basis(4),
    "so2xr": _so2xr_basis,
    "so3@4": lambda: _pad(_so_basis(3), 4),
    "so3@6": lambda: _two_vectors_basis(_so_basis(3)),
}

# Display names, in the spelling used by the documentation.
_DISPLAY_NAMES = ["scaling", "so2", "so2xR", "so3", "so3@4", "so3@6", "so4"]


def available_groups() -> list[str]:
    """List the names understood by :func:`group_basis`.

    Names can be combined into direct sums with ``"+"`` (or ``"⊕"``), e.g.
    ``"so2+so3"``; each summand then acts on its own block of consecutive
    latent coordinates.

    Returns
    -------
    names : list of str
        The single-group names, sorted.

    Examples
    --------
    >>> from symlearn.groups import available_groups
    >>> "so3" in available_groups()
    True
    """
    return list(_DISPLAY_NAMES)


def _normalize_name(name: str) -> str:
    return re.sub(r"\s+", "", name).lower().replace("⊕", "+")


def _summand_basis(part: str, full_name: str) -> np.ndarray | None:
    """Basis of one summand, or ``None`` for the size-adaptive scaling group."""
    if part == "scaling":
        return None
    if part in _FIXED_GROUPS:
        return _FIXED_GROUPS[part]()
    raise ValueError(
        f"unknown group {part!r} in {full_name!r}; known groups are "
        f"{available_groups()} and their direct sums joined with '+'"
    )


def group_basis(name: str, latent_dim: int) -> np.ndarray:
    """Return a basis of a named matrix Lie algebra acting on the latent space.

    Parameters
    ----------
    name : str
        Group name, case-insensitive, spaces ignored. Single groups:

        - ``"so2"``, ``"so3"``, ``"so4"``: rotations, antisymmetric generators
          on a 2-, 3- or 4-d block (``n(n-1)/2`` generators). so2 and so4:
          ``E_ji - E_ij`` for ``i < j``. so(3): rotations about x, y, z,
          ``(L_i)_jk = -epsilon_ijk`` (``E_21 - E_12``, ``E_02 - E_20``,
          ``E_10 - E_01``), so that ``[L_1, L_2] = L_3``, ``[L_2, L_3] =
          L_1``, ``[L_3, L_1] = L_2``.
        - ``"scaling"``: the identity matrix (1 generator) on a block of any
          size; in a direct sum it takes the dimensions left over by the
          other summands.
        - ``"so2xR"``: rotation and scaling of a 2-d block (2 generators).
        - ``"so3@4"``: so(3) on the first 3 coordinates of a 4-d block, the 4th
          coordinate fixed (3 generators).
        - ``"so3@6"``: so(3) on two 3-d vectors at once, ``diag(L_i, L_i)`` on
          a 6-d block (3 generators). A 3-d latent cannot hold a whole
          rotation equivariantly (SO(3)'s orbits there are spheres); a pair
          of vectors can.

        Direct sums such as ``"so2+so2"`` (or ``"so2⊕so2"``) and
        ``"so2+so3"`` act block-diagonally on consecutive latent blocks, in
        the order written.
    latent_dim : int
        Dimension of the latent space. The block sizes must add up to it
        exactly.

    Returns
    -------
    basis : ndarray of shape (n_generators, latent_dim, latent_dim)
        The generators, float64.

    Raises
    ------
    ValueError
        If the name is unknown or the block sizes do not add up to
        ``latent_dim``.

    Examples
    --------
    >>> from symlearn.groups import group_basis
    >>> group_basis("so2", 2)
    array([[[ 0., -1.],
            [ 1.,  0.]]])
    >>> group_basis("so2+scaling", 3).shape
    (2, 3, 3)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int | np.integer):
        raise TypeError(f"latent_dim must be an int, got {type(latent_dim).__name__}")
    latent_dim = int(latent_dim)
    if latent_dim < 1:
        raise ValueError(f"latent_dim must be >= 1, got {latent_dim}")

    parts = _normalize_name(name).split("+")
    if any(part == "" for part in parts):
        raise ValueError(f"empty summand in group name {name!r}")
    bases = [_summand_basis(part, name) for part in parts]

    fixed_size = sum(b.shape[1] for b in bases if b is not None)
    n_flexible = sum(b is None for b in bases)
    if n_flexible > 1:
        raise ValueError(
            f"group {name!r} contains several 'scaling' summands; their block "
            "sizes are ambiguous"
        )
    if n_flexible == 0 and fixed_size != latent_dim:
        raise ValueError(
            f"group {name!r} acts on {fixed_size} latent dimensions but "
            f"latent_dim={latent_dim}"
        )
    if n_flexible == 1 and fixed_size >= latent_dim:
        raise ValueError(
            f"group {name!r} acts on at least {fixed_size + 1} latent dimensions "
            f"but latent_dim={latent_dim}"
        )
    flexible_size = latent_dim - fixed_size
    bases = [np.eye(flexible_size)[None] if b is None else b for b in bases]

    # Embed each summand's generators in its own diagonal block.
    out = np.zeros((sum(len(b) for b in bases), latent_dim, latent_dim))
    gen_start, offset = 0, 0
    for b in bases:
        n_gen, m, _ = b.shape
        out[gen_start : gen_start + n_gen, offset : offset + m, offset : offset + m] = b
        gen_start += n_gen
        offset += m
    return out


# ---------------------------------------------------------------------------
# Algebra analysis
# ---------------------------------------------------------------------------


def _check_basis(basis: np.ndarray) -> np.ndarray:
    """Validate a basis and return it as a float ``(c, k, k)`` array."""
    basis = np.asarray(basis, dtype=np.float64)
    if basis.ndim == 2:
        basis = basis[None]
    if basis.ndim != 3 or basis.shape[1] != basis.shape[2]:
        raise ValueError(
            "basis must have shape (n_generators, k, k) or (k, k), "
            f"got shape {basis.shape}"
        )
    if basis.shape[0] == 0 or basis.shape[1] == 0:
        raise ValueError(f"basis must not be empty, got shape {basis.shape}")
    if not np.all(np.isfinite(basis)):
        raise ValueError("basis contains NaN or infinite values")
    return basis


def commutator(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the matrix commutator ``[a, b] = a b - b a``.

    Parameters
    ----------
    a, b : ndarray of shape (k, k)
        Square matrices of the same size. Stacks of matrices ``(..., k, k)``
        broadcast like ``numpy.matmul``.

    Returns
    -------
    c : ndarray of shape (k, k)
        The commutator.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import commutator, group_basis
    >>> L = group_basis("so3", 3)
    >>> np.allclose(commutator(L[0], L[1]), L[2])
    True
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    for m, label in ((a, "a"), (b, "b")):
        if m.ndim < 2 or m.shape[-1] != m.shape[-2]:
            raise ValueError(f"{label} must be a square matrix, got shape {m.shape}")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"a and b must have the same size, got {a.shape[-1]} and {b.shape[-1]}"
        )
    return a @ b - b @ a


def _bracket_fit(basis: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares fit of all brackets in the span of the basis.

    Returns the structure constants ``(c, c, c)``, the flattened commutators
    ``(k*k, c*c)`` and their projection on the span, same shape.
    """
    c = basis.shape[0]
    span = basis.reshape(c, -1).T  # columns are the flattened generators
    brackets = basis[:, None] @ basis[None, :] - basis[None, :] @ basis[:, None]
    targets = brackets.reshape(c * c, -1).T
    coef = np.linalg.lstsq(span, targets, rcond=None)[0]  # (c, c*c)
    constants = coef.T.reshape(c, c, c)
    return constants, targets, span @ coef


def structure_constants(basis: np.ndarray) -> np.ndarray:
    """Structure constants ``C`` with ``[L_i, L_j] = sum_k C_ijk L_k``.

    The coefficients are found by least squares in the span of the basis, so
    they are exact for a Lie algebra and the best approximation otherwise (see
    :func:`closure_residual` for what is left out).

    Parameters
    ----------
    basis : ndarray of shape (n_generators, k, k)
        The generators ``L_i``.

    Returns
    -------
    C : ndarray of shape (n_generators, n_generators, n_generators)
        ``C[i, j, k]`` is the ``L_k`` coefficient of ``[L_i, L_j]``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import group_basis, structure_constants
    >>> C = structure_constants(group_basis("so3", 3))
    >>> round(float(C[0, 1, 2]), 6), round(float(C[1, 0, 2]), 6)
    (1.0, -1.0)
    """
    return _bracket_fit(_check_basis(basis))[0]


def closure_residual(basis: np.ndarray) -> float:
    """How far a set of generators is from closing under the bracket.

    The commutators ``[L_i, L_j]`` are projected on the span of the basis; the
    residual is the Frobenius norm of the part left outside the span divided
    by the norm of all commutators. It is 0 for a Lie algebra (and for
    commuting generators) and at most 1.

    Parameters
    ----------
    basis : ndarray of shape (n_generators, k, k)
        The generators.

    Returns
    -------
    residual : float
        Relative norm of the commutators outside the span, in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import closure_residual, group_basis
    >>> closure_residual(group_basis("so3", 3)) < 1e-12
    True
    >>> L = group_basis("so3", 3)
    >>> closure_residual(L[:2]) > 0.5  # [L_x, L_y] = L_z is missing
    True
    """
    basis = _check_basis(basis)
    _, targets, projected = _bracket_fit(basis)
    total = np.linalg.norm(targets)
    # Commuting generators: nothing to close. Compare with the squared scale of
    # the generators, since commutators are quadratic in them.
    scale = np.sum(basis**2)
    if total <= 1e-12 * scale:
        return 0.0
    return float(np.linalg.norm(targets - projected) / total)


def killing_form(basis: np.ndarray) -> np.ndarray:
    """Killing form ``B_ij = tr(ad_i ad_j)`` computed from the structure constants.

    ``ad_i`` is the matrix of ``X -> [L_i, X]`` in the basis, whose ``(k, j)``
    entry is ``C_ijk``.

    Parameters
    ----------
    basis : ndarray of shape (n_generators, k, k)
        The generators.

    Returns
    -------
    B : ndarray of shape (n_generators, n_generators)
        The symmetric Killing form.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import group_basis, killing_form
    >>> B = killing_form(group_basis("so3", 3))
    >>> np.allclose(B, -2 * np.eye(3))  # negative definite: compact
    True
    """
    constants = structure_constants(basis)
    # tr(ad_i ad_j) = sum_{k,l} (ad_i)_{kl} (ad_j)_{lk} = sum C_ilk C_jkl
    form = np.einsum("ilk,jkl->ij", constants, constants)
    return (form + form.T) / 2


def covariance_preserving_part(
    basis: np.ndarray, covariance: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Project generators onto those whose group keeps a covariance.

    A distribution invariant under ``exp(tL)`` for every ``t`` of a compact
    (rotation) group has a covariance ``C`` that the group keeps,
    ``g C g^T = C``, infinitesimally ``L C + C L^T = 0``. With ``S = C^{1/2}``,
    these generators are ``S A S^{-1}`` with ``A`` antisymmetric: in
    coordinates where the distribution is white, infinitesimal rotations.
    Each generator is replaced by the nearest of them in the Frobenius norm
    of the original coordinates (a least-squares fit of ``A``). Measuring the
    distance in white coordinates instead would magnify, by up to the square
    root of ``C``'s condition number, a generator's small entries that mix
    directions of small and large variance, and could turn the axis of a
    flat distribution's rotation. The result has purely imaginary
    eigenvalues, so its group neither grows nor shrinks: periodic when it
    turns one plane (any generator in 2-d or 3-d) or its planes' frequencies
    are commensurate, quasi-periodic otherwise.

    Parameters
    ----------
    basis : ndarray of shape (n_generators, k, k) or (k, k)
        The generators.
    covariance : ndarray of shape (k, k)
        A symmetric positive definite covariance of the points the group
        acts on (about the point it acts around).
    mask : ndarray of the shape of ``basis``, optional
        Entries where it is 0 stay 0 (e.g. those sequential thresholding
        removed): each generator is replaced by the nearest covariance-keeping
        generator among those that are zero there.

    Returns
    -------
    projected : ndarray of shape (n_generators, k, k)

    Raises
    ------
    ValueError
        If ``covariance`` is not a symmetric positive definite ``(k, k)``
        matrix, if ``mask`` does not have the shape of ``basis``, or if only
        the zero generator keeps the covariance and is zero where a
        generator's mask is.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import covariance_preserving_part
    >>> C = np.diag([4.0, 1.0])  # an ellipse twice as wide as high
    >>> L = np.array([[0.1, -1.0], [1.0, 0.0]])
    >>> P = covariance_preserving_part(L, C)[0]
    >>> np.allclose(P @ C + C @ P.T, 0)
    True
    """
    basis = _check_basis(basis)
    covariance = np.asarray(covariance, dtype=np.float64)
    size = basis.shape[1]
    if covariance.shape != (size, size) or not np.all(np.isfinite(covariance)):
        raise ValueError(
            f"covariance must be a finite ({size}, {size}) matrix for generators "
            f"of shape ({size}, {size}), got shape {covariance.shape}"
        )
    if not np.allclose(covariance, covariance.T):
        raise ValueError("covariance must be symmetric")
    eigenvalues, vectors = np.linalg.eigh(covariance)
    if eigenvalues[0] <= 1e-12 * max(eigenvalues[-1], 0.0):
        raise ValueError(
            "covariance must be positive definite, its eigenvalues range from "
            f"{eigenvalues[0]:.3g} to {eigenvalues[-1]:.3g}"
        )
    root = (vectors * np.sqrt(eigenvalues)) @ vectors.T
    inverse_root = (vectors / np.sqrt(eigenvalues)) @ vectors.T
    rows, cols = np.triu_indices(size, 1)
    rotations = np.zeros((len(rows), size, size))
    rotations[np.arange(len(rows)), rows, cols] = 1.0
    rotations[np.arange(len(rows)), cols, rows] = -1.0
    keeping = (root @ rotations @ inverse_root).reshape(len(rows), size * size).T
    targets = basis.reshape(len(basis), -1)
    zeros = np.zeros(targets.shape, dtype=bool)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape not in (basis.shape, basis.shape[1:]):
            raise ValueError(
                f"mask must have the shape of the generators {basis.shape}, got "
                f"{mask.shape}"
            )
        zeros = np.broadcast_to(mask == 0, basis.shape).reshape(len(basis), -1)
    if not zeros.any():
        weights = np.linalg.lstsq(keeping, targets.T, rcond=None)[0]
        return (keeping @ weights).T.reshape(basis.shape)
    projected = np.empty_like(targets)
    for number, (target, zero) in enumerate(zip(targets, zeros, strict=True)):
        # The keeping generators that vanish on the masked entries.
        span = keeping @ null_space(keeping[zero]) if zero.any() else keeping
        if span.shape[1] == 0:
            raise ValueError(
                f"only the zero generator keeps the covariance and is zero where "
                f"the mask of generator {number} is"
            )
        projected[number] = span @ np.linalg.lstsq(span, target, rcond=None)[0]
        projected[number, zero] = 0.0  # exactly, not to rounding
    return projected.reshape(basis.shape)


def _orthonormal_span(basis: np.ndarray, tol: float) -> np.ndarray:
    """Orthonormal basis (Frobenius inner product) of the span of the basis.

    Removes linearly dependent generators and differences in scale, neither of
    which changes the algebra.
    """
    c, k, _ = basis.shape
    flat = basis.reshape(c, -1)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    # Unit generators, so that a small generator is not mistaken for noise.
    flat = flat[norms[:, 0] > 0] / norms[norms[:, 0] > 0]
    if len(flat) == 0:
        return np.zeros((0, k, k))
    u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
    rank = int(np.sum(s > tol * s[0]))
    return u[:, :rank].T.reshape(rank, k, k)


def identify_algebra(basis: np.ndarray, tol: float = 1e-2) -> str:
    """Recognise a small matrix Lie algebra up to a change of basis.

    The generators are first scaled to unit norm and replaced by an
    orthonormal basis of their span, so the answer does not depend on how the
    span is parametrised. Then:

    - one generator: ``"so2"`` if its eigenvalues are purely imaginary,
      ``"scaling"`` if they are real (and not all zero);
    - several generators that commute: ``"abelian"``;
    - three generators that close under the bracket: ``"so3"`` if the Killing
      form is negative definite, ``"sl2"`` if it is non-degenerate and
      indefinite;
    - anything else (not closed, nilpotent or solvable, larger algebras):
      ``"unknown"``.

    Parameters
    ----------
    basis : ndarray of shape (n_generators, k, k) or (k, k)
        The generators.
    tol : float, default=1e-2
        Relative tolerance used for ranks, eigenvalue parts, closure and the
        Killing form eigenvalues.

    Returns
    -------
    name : str
        One of ``"so2"``, ``"scaling"``, ``"abelian"``, ``"so3"``, ``"sl2"``,
        ``"unknown"``.

    Notes
    -----
    The tolerances are measured in the Frobenius geometry of the given
    matrices. Conjugating the generators by an ill-conditioned matrix (very
    skewed latent coordinates) brings so(3) and sl(2) close to their solvable
    contractions, so the answer may then become ``"unknown"``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import group_basis, identify_algebra
    >>> identify_algebra(group_basis("so3", 3))
    'so3'
    >>> identify_algebra(np.eye(2))
    'scaling'
    """
    basis = _check_basis(basis)
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    basis = _orthonormal_span(basis, tol)
    n_gen = basis.shape[0]
    if n_gen == 0:
        return "unknown"

    if n_gen == 1:
        eig = np.linalg.eigvals(basis[0])
        size = np.max(np.abs(eig))
        if size < tol:  # nilpotent, e.g. a shear
            return "unknown"
        real = np.max(np.abs(eig.real)) / size
        imag = np.max(np.abs(eig.imag)) / size
        if real <= tol:
            return "so2"
        if imag <= tol:
            return "scaling"
        return "unknown"

    # With an orthonormal basis, commutators of non-commuting generators have
    # a norm of order 1.
    brackets = commutator(basis[:, None], basis[None, :])
    if np.max(np.linalg.norm(brackets, axis=(2, 3))) <= tol:
        return "abelian"
    if closure_residual(basis) > tol or n_gen != 3:
        return "unknown"

    constants = structure_constants(basis)
    eig = np.linalg.eigvalsh(killing_form(basis))
    # B is quadratic in C, so compare its eigenvalues with |C|^2.
    if np.min(np.abs(eig)) <= tol * np.sum(constants**2):
        return "unknown"  # degenerate: solvable, e.g. Heisenberg or e(2)
    if np.all(eig < 0):
        return "so3"
    if np.any(eig < 0):
        return "sl2"
    return "unknown"
