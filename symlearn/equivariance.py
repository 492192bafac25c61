"""Equivariance of a polynomial vector field as a linear constraint on its
SINDy coefficients, and a sparse regression that enforces it.

A latent model ``u_dot = f(u) = Xi theta(u)`` (``u`` measured from the centre
the group acts about, ``theta`` the monomials of a polynomial library) is
equivariant under ``g = expm(s L)`` when ``f(g u) = g f(u)``; differentiating
in ``s`` at 0 gives ``J_f(u) L u = L f(u)`` for every ``u``. Both sides are
polynomials in ``u`` and linear in ``Xi``, so the condition is a linear
constraint ``C vec(Xi) = 0`` (``vec`` row by row), exact once it holds at
enough points in general position.
"""

import numpy as np
from pysindy.optimizers import BaseOptimizer
from scipy.linalg import null_space

__all__ = [
    "EquivariantSTLSQ",
    "equivariance_constraints",
    "vector_field_equivariance_error",
    "monomials",
]


def monomials(U: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """``theta(u)_q = prod_j u_j ** powers[q, j]``, shape (n, n_terms)."""
    return np.prod(U[:, None, :] ** powers[None], axis=-1)


def _directional_monomials(U: np.ndarray, powers: np.ndarray, V: np.ndarray):
    """``J_theta(u) v`` for each row pair ``(u, v)``, shape (n, n_terms)."""
    out = np.zeros((len(U), len(powers)))
    for j in range(U.shape[1]):
        lowered = np.maximum(powers - np.eye(U.shape[1], dtype=int)[j], 0)
        out += powers[:, j] * monomials(U, lowered) * V[:, j : j + 1]
    return out


def equivariance_constraints(
    generators: np.ndarray, powers: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Rows ``C`` with ``C vec(Xi) = J_f(u) L u - L f(u)`` at every point.

    Parameters
    ----------
    generators : array of shape (n_generators, k, k)
    powers : int array of shape (n_terms, k)
        Exponents of the library's monomials (``PolynomialLibrary.powers_``).
    points : array of shape (n_points, k)
        Where the identity is imposed; ``n_points >= n_terms`` points in
        general position impose it everywhere.

    Returns
    -------
    ndarray of shape (n_generators * n_points * k, k * n_terms)

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[[0.0, -1.0], [1.0, 0.0]]])
    >>> powers = np.array([[1, 0], [0, 1]])  # terms u0, u1
    >>> points = np.random.RandomState(0).normal(size=(4, 2))
    >>> C = equivariance_constraints(L, powers, points)
    >>> A = np.array([[0.3, -2.0], [2.0, 0.3]])  # commutes with L
    >>> bool(np.allclose(C @ A.ravel(), 0))
    True
    """
    k = generators.shape[1]
    theta = monomials(points, powers)
    blocks = []
    for L in generators:
        moved = _directional_monomials(points, powers, points @ L.T)
        # Row i of point n: sum_m,q Xi[m,q] (delta_im moved[n,q] - L[i,m] theta[n,q]).
        rows = np.einsum("im,nq->nimq", np.eye(k), moved) - np.einsum(
            "im,nq->nimq", L, theta
        )
        blocks.append(rows.reshape(len(points) * k, k * len(powers)))
    return np.concatenate(blocks)


def vector_field_equivariance_error(
    coefficients: np.ndarray,
    generators: np.ndarray,
    powers: np.ndarray,
    points: np.ndarray,
) -> np.ndarray:
    """Relative violation of ``J_f(u) L u = L f(u)`` on ``points``, per generator.

    ``mean ||J_f L u - L f|| / mean(||J_f L u|| + ||L f||)``: 0 for an
    equivariant model, 1 when the two sides are unrelated (or opposite).
    It judges a fitted vector field; :func:`symlearn.metrics.equivariance_error`
    judges an encoder against known moves of the data.

    Parameters
    ----------
    coefficients : array of shape (k, n_terms)
    generators : array of shape (n_generators, k, k)
    powers : int array of shape (n_terms, k)
    points : array of shape (n_points, k)

    Returns
    -------
    ndarray of shape (n_generators,)
    """
    f = monomials(points, powers) @ coefficients.T
    errors = []
    for L in generators:
        along = _directional_monomials(points, powers, points @ L.T) @ coefficients.T
        acted = f @ L.T
        scale = np.mean(np.linalg.norm(along, axis=1) + np.linalg.norm(acted, axis=1))
        residual = np.mean(np.linalg.norm(along - acted, axis=1))
        errors.append(residual / scale if scale > 0 else 0.0)
    return np.asarray(errors)


def _null_space(C: np.ndarray, tol: float) -> np.ndarray:
    """Orthonormal basis of the directions ``C`` maps below ``tol`` (relative)."""
    norms = np.linalg.norm(C, axis=1)
    rows = C[norms > 0] / norms[norms > 0, None]  # no point outweighs another
    if len(rows) == 0:
        return np.eye(C.shape[1])
    return null_space(rows, rcond=tol)


class EquivariantSTLSQ(BaseOptimizer):
    """Sequentially thresholded least squares inside a linear subspace.

    The coefficients are ``vec(Xi) = N beta`` with ``N`` a basis of the null
    space of ``constraint_matrix``; each round fits ``beta`` by ridge
    regression, zeroes the coefficients below ``threshold`` and adds those
    zeros as constraints, until the support stops changing. A last
    unregularised fit on the final support removes the ridge bias (the
    constrained counterpart of STLSQ's ``unbias``).

    Parameters
    ----------
    constraint_matrix : array of shape (n_constraints, n_targets * n_terms), \
default=None
        Rows of ``C vec(Xi) = 0`` (``vec`` row by row), e.g. from
        ``equivariance_constraints``. ``None``: no constraint.
    threshold : float, default=0.05
    alpha : float, default=0.05
        Ridge penalty of the thresholding rounds.
    tol : float, default=1e-6
        A direction counts as satisfying the constraints when ``C`` maps it
        below ``tol`` times ``C``'s largest singular value (rows scaled to
        unit norm). A larger value keeps approximately equivariant terms,
        useful when the generator is itself approximate.
    max_iter : int, default=20
    """

    def __init__(
        self,
        constraint_matrix=None,
        threshold=0.05,
        alpha=0.05,
        tol=1e-6,
        max_iter=20,
    ):
        # The base class's unbias would refit each row freely and break the
        # constraints; the last round here refits inside them instead.
        super().__init__(max_iter=max_iter, unbias=False)
        self.constraint_matrix = constraint_matrix
        self.threshold = threshold
        self.alpha = alpha
        self.tol = tol

    def _reduce(self, x, y):
        n_targets, n_terms = y.shape[1], x.shape[1]
        size = n_targets * n_terms
        if self.constraint_matrix is None:
            C = np.zeros((0, size))
        else:
            C = np.asarray(self.constraint_matrix, dtype=float)
        if C.ndim != 2 or C.shape[1] != size:
            raise ValueError(
                f"constraint_matrix has shape {C.shape}, expected (n_constraints, "
                f"n_targets * n_terms = {size})"
            )
        gram = np.kron(np.eye(n_targets), x.T @ x)
        rhs = (x.T @ y).T.ravel()

        def solve(support: np.ndarray, alpha: float) -> np.ndarray:
            zeros = np.eye(size)[~support]
            basis = _null_space(np.vstack([C, zeros]), self.tol)
            if basis.shape[1] == 0:
                return np.zeros(size)
            lhs = basis.T @ gram @ basis + alpha * np.eye(basis.shape[1])
            return basis @ np.linalg.lstsq(lhs, basis.T @ rhs, rcond=None)[0]

        support = np.ones(size, dtype=bool)
        self.history_ = []
        for _ in range(self.max_iter):
            coef = solve(support, self.alpha)
            self.history_.append(coef.reshape(n_targets, n_terms))
            new_support = support & (np.abs(coef) >= self.threshold)
            if np.array_equal(new_support, support):
                break
            support = new_support
        self.basis_dim_ = _null_space(C, self.tol).shape[1]
        coef = np.where(support, solve(support, 0.0), 0.0)  # exact zeros off support
        self.coef_ = coef.reshape(n_targets, n_terms)
