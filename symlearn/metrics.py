"""Judging a discovered symmetry by what it does to the data.

A learned symmetry is a set of generators acting on a latent space, but the
latent coordinates are arbitrary, so the generators themselves are hard to
compare with a ground truth. The functions here therefore judge a symmetry
mainly by its effect on samples: moved samples should keep known invariants
(:func:`invariance_error`), actually move (:func:`displacement`) and stay on the
data manifold (:func:`nearest_neighbor_ratio`) and look like real samples
to a fresh classifier (:func:`two_sample_accuracy`). Transformations are drawn over
the whole group (:func:`full_group_coefficients`), not only near the identity.
:func:`symmetry_report` gathers everything for a fitted estimator. For
representations of a fixed group, :func:`equivariance_error` compares the
latent group action with known moves of the data.

This module itself uses only numpy, scipy and scikit-learn; it does not
import torch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.linalg import expm, orth, svdvals
from scipy.optimize import least_squares
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist, squareform
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

__all__ = [
    "ROTATION_LIKENESS_THRESHOLD",
    "coupled_blocks",
    "displacement",
    "equivariance_error",
    "full_group_coefficients",
    "generator_similarity",
    "invariance_error",
    "maximum_mean_discrepancy",
    "nearest_neighbor_ratio",
    "relative_reconstruction_error",
    "rotation_frequency",
    "rotation_half_period",
    "rotation_likeness",
    "symmetry_report",
    "two_sample_accuracy",
]

ROTATION_LIKENESS_THRESHOLD = 0.5
"""A generator whose :func:`rotation_likeness` is below this value counts as a
rotation: its group is treated as periodic (:func:`full_group_coefficients`)."""


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


def _check_samples(X: Any, name: str) -> np.ndarray:
    """Return ``X`` as a finite float array of shape ``(n, d)``, n >= 1."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-d array (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def _check_same_shape(A: np.ndarray, B: np.ndarray, a: str, b: str) -> None:
    if A.shape != B.shape:
        raise ValueError(
            f"{a} and {b} must have the same shape, got {A.shape} and {B.shape}"
        )


def _check_same_width(A: np.ndarray, B: np.ndarray, a: str, b: str) -> None:
    if A.shape[1] != B.shape[1]:
        raise ValueError(
            f"{a} and {b} must have the same number of features, got "
            f"{A.shape[1]} and {B.shape[1]}"
        )


def _check_matrix(matrix: Any, name: str) -> np.ndarray:
    """Return a finite float square matrix."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(f"{name} must be a square (k, k) matrix, got {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return matrix


def _check_generators(generators: Any, name: str) -> np.ndarray:
    """Return a finite float stack of square matrices ``(c, k, k)``."""
    generators = np.asarray(generators, dtype=np.float64)
    if generators.ndim == 2:
        generators = generators[None]
    if generators.ndim != 3 or generators.shape[1] != generators.shape[2]:
        raise ValueError(
            f"{name} must have shape (n_generators, k, k) or (k, k), "
            f"got {generators.shape}"
        )
    if generators.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {generators.shape}")
    if not np.all(np.isfinite(generators)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return generators


def _check_positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


# ---------------------------------------------------------------------------
# Effect on samples
# ---------------------------------------------------------------------------


def invariance_error(
    invariant: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    X_moved: np.ndarray,
) -> float:
    """Relative change of a known invariant under the transformation.

    Computes ``mean |f(x') - f(x)| / std f(X)``. Dividing by the spread of the
    invariant over the data makes the value unit-free: 0 means the invariant
    is kept exactly, around 1 means it changes as much as it varies across
    the data set.

    Parameters
    ----------
    invariant : callable
        ``f(X)`` mapping an ``(n, d)`` array to ``n`` values, shape ``(n,)``.
        An ``(n, m)`` output is treated as ``m`` invariants and the errors are
        averaged.
    X : array-like of shape (n_samples, n_features)
        Original samples.
    X_moved : array-like of shape (n_samples, n_features)
        The same samples after the group action.

    Returns
    -------
    error : float
        Relative invariance error, 0 is best.

    Raises
    ------
    ValueError
        On bad shapes, NaN, or if the invariant is constant on ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import invariance_error
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    >>> X_moved = np.array([[0.0, 1.0], [-2.0, 0.0], [0.0, -3.0]])  # rotated
    >>> invariance_error(lambda Z: np.linalg.norm(Z, axis=1), X, X_moved)
    0.0
    """
    if not callable(invariant):
        raise TypeError("invariant must be a callable f(X) -> values")
    X = _check_samples(X, "X")
    X_moved = _check_samples(X_moved, "X_moved")
    _check_same_shape(X, X_moved, "X", "X_moved")

    values = np.asarray(invariant(X), dtype=np.float64)
    moved_values = np.asarray(invariant(X_moved), dtype=np.float64)
    n = X.shape[0]
    for v, label in ((values, "f(X)"), (moved_values, "f(X_moved)")):
        if v.ndim not in (1, 2) or v.shape[0] != n:
            raise ValueError(
                f"invariant must return shape ({n},) or ({n}, m), "
                f"{label} has shape {v.shape}"
            )
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{label} contains NaN or infinite values")
    values = values.reshape(n, -1)
    moved_values = moved_values.reshape(n, -1)
    if values.shape != moved_values.shape:
        raise ValueError(
            f"invariant returned shapes {values.shape} and {moved_values.shape}"
        )

    spread = values.std(axis=0)
    if np.any(spread == 0):
        raise ValueError("invariant is constant on X; its error cannot be scaled")
    change = np.abs(moved_values - values).mean(axis=0)
    return float(np.mean(change / spread))


def displacement(X: np.ndarray, X_moved: np.ndarray) -> float:
    """How far the transformation moves samples, relative to the data spread.

    Computes ``mean ||x' - x|| / mean ||x - mean(X)||``. A symmetry that
    keeps invariants only because it barely moves anything scores near 0.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Original samples.
    X_moved : array-like of shape (n_samples, n_features)
        The same samples after the group action.

    Returns
    -------
    displacement : float
        Mean distance moved, in units of the mean distance to the data mean.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import displacement
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    >>> displacement(X, -X)  # a half-turn moves each point by 2 radii
    2.0
    """
    X = _check_samples(X, "X")
    X_moved = _check_samples(X_moved, "X_moved")
    _check_same_shape(X, X_moved, "X", "X_moved")
    spread = np.linalg.norm(X - X.mean(axis=0), axis=1).mean()
    if spread == 0:
        raise ValueError("all samples in X are identical; displacement is undefined")
    return float(np.linalg.norm(X_moved - X, axis=1).mean() / spread)


# ---------------------------------------------------------------------------
# Properties of a single generator
# ---------------------------------------------------------------------------


def rotation_likeness(generator: np.ndarray) -> float:
    """How far a generator is from an infinitesimal rotation.

    For the eigenvalues ``lambda`` of the generator ``L``, returns
    ``max |Re lambda| / max |Im lambda|``. A rotation (``L`` antisymmetric up
    to a change of basis) has purely imaginary eigenvalues and scores 0, so
    ``exp(tL)`` is periodic. A large value means ``exp(tL)`` mostly grows or
    shrinks; ``inf`` means there is no rotating part at all (all eigenvalues
    real, e.g. a scaling or a shear). Small means rotation-like.

    Parameters
    ----------
    generator : array-like of shape (k, k)
        The generator ``L``.

    Returns
    -------
    likeness : float
        ``max |Re| / max |Im|`` of the eigenvalues, ``np.inf`` if all are real.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import rotation_likeness
    >>> rotation_likeness(np.array([[0.0, -2.0], [2.0, 0.0]]))
    0.0
    >>> rotation_likeness(np.eye(2))
    inf
    """
    eig = np.linalg.eigvals(_check_matrix(generator, "generator"))
    imag = np.max(np.abs(eig.imag))
    # LAPACK returns exactly zero imaginary parts for real eigenvalues.
    if imag == 0:
        return float(np.inf)
    return float(np.max(np.abs(eig.real)) / imag)


def rotation_frequency(generator: np.ndarray) -> float:
    """Largest angular frequency of a generator, ``max |Im lambda|``.

    For a rotation generator ``L`` with frequency ``omega``, ``exp(tL)`` goes
    through one full period as ``t`` runs over ``[-pi/omega, pi/omega]``.

    Parameters
    ----------
    generator : array-like of shape (k, k)
        The generator ``L``.

    Returns
    -------
    omega : float
        Largest absolute imaginary part of the eigenvalues (0 if all real).

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import rotation_frequency
    >>> round(rotation_frequency(np.array([[0.0, -2.0], [2.0, 0.0]])), 6)
    2.0
    """
    eig = np.linalg.eigvals(_check_matrix(generator, "generator"))
    return float(np.max(np.abs(eig.imag)))


def rotation_half_period(generator: np.ndarray) -> float:
    """``pi / omega`` for the slowest angular frequency ``omega`` of a generator.

    As ``t`` runs over ``[-T, T]`` with this ``T``, ``exp(tL)`` turns every
    plane that ``L`` rotates at least once round, the slowest exactly once:
    one full period when the frequencies are whole multiples of the slowest
    (``pi / omega`` with :func:`rotation_frequency`, the fastest, would turn
    a plane of a third of its frequency by only a third of a turn).

    Parameters
    ----------
    generator : array-like of shape (k, k)
        The generator ``L``.

    Returns
    -------
    half_period : float
        ``pi`` over the smallest nonzero ``|Im lambda|``; frequencies below
        ``1e-6`` times the fastest count as 0. ``inf`` if ``L`` rotates
        nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import rotation_half_period
    >>> L = np.zeros((4, 4))
    >>> L[1, 0], L[0, 1], L[3, 2], L[2, 3] = 1.0, -1.0, 3.0, -3.0
    >>> round(rotation_half_period(L), 6)  # pi / 1, not pi / 3
    3.141593
    """
    frequencies = np.abs(np.linalg.eigvals(_check_matrix(generator, "generator")).imag)
    turning = frequencies[frequencies > 1e-6 * frequencies.max()]
    return float(np.pi / turning.min()) if turning.size else np.inf


def full_group_coefficients(
    generators: np.ndarray,
    n: int,
    random_state: int | np.random.RandomState | None = None,
) -> np.ndarray:
    """Draw group coefficients that cover the whole group, not just the identity.

    The rule, one generator at a time:

    - rotation-like generators (:func:`rotation_likeness` below 0.5) get ``t``
      uniform in ``[-T, T]`` with ``T`` from :func:`rotation_half_period`,
      so that ``exp(tL)`` turns each rotated plane at least once round (one
      full period), but at most ``pi / (2 max |Re lambda|)``, so that a slow
      plane that also grows or shrinks (rotation-likeness judges the fastest)
      is not blown up: ``|exp(tL) z|`` stays within a factor ``e^(pi/2)``
      (4.8) of ``|z|`` in eigen-coordinates. On a single plane the bound
      never binds below the 0.5 threshold;
    - other generators (scalings, shears, spirals) are not periodic and get
      ``t`` uniform in ``[-1/||L||, 1/||L||]`` (spectral norm), moves of unit
      size whatever the scale of ``L``: a collapsed generator is not excused
      by its small norm.

    Parameters
    ----------
    generators : array-like of shape (n_generators, k, k) or (k, k)
        The generators.
    n : int
        Number of coefficient vectors to draw.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for reproducible draws.

    Returns
    -------
    coefficients : ndarray of shape (n, n_generators)
        One row of coefficients per draw.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import full_group_coefficients
    >>> L = np.array([[[0.0, -2.0], [2.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])
    >>> c = full_group_coefficients(L, 1000, random_state=0)
    >>> c.shape
    (1000, 2)
    >>> bool(np.abs(c[:, 0]).max() <= np.pi / 2)
    True
    """
    generators = _check_generators(generators, "generators")
    n = _check_positive_int(n, "n")
    rng = check_random_state(random_state)
    coefficients = np.empty((n, generators.shape[0]))
    for i, generator in enumerate(generators):
        if rotation_likeness(generator) < ROTATION_LIKENESS_THRESHOLD:
            growth = np.abs(np.linalg.eigvals(generator).real).max()
            # a slow plane that also grows would be blown up over its period
            half_range = min(
                rotation_half_period(generator),
                np.pi / 2 / growth if growth > 0 else np.inf,
            )
        else:
            norm = np.linalg.norm(generator, ord=2)
            half_range = 1.0 / norm if norm > 0 else 1.0
        coefficients[:, i] = rng.uniform(-half_range, half_range, size=n)
    return coefficients


def maximum_mean_discrepancy(A: np.ndarray, B: np.ndarray) -> float:
    """Squared maximum mean discrepancy between two samples (RBF kernel).

    The biased (V-statistic) estimate with a Gaussian kernel whose bandwidth
    is the median distance between points of the pooled sample: 0 for
    identical samples, up to 2 for samples far apart. A two-sample statistic
    for "transformed samples look like real ones".

    Parameters
    ----------
    A : array-like of shape (n_a, d)
    B : array-like of shape (n_b, d)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import maximum_mean_discrepancy
    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.normal(size=(300, 2)), rng.normal(size=(300, 2))
    >>> same = maximum_mean_discrepancy(A, B)
    >>> far = maximum_mean_discrepancy(A, B + 3.0)
    >>> bool(same < 0.05 < far)
    True
    """
    A = _check_samples(A, "A")
    B = _check_samples(B, "B")
    _check_same_width(A, B, "A", "B")
    # The n^2 distances, not the n^2 x d differences, are held in memory.
    pair_sq_dist = pdist(np.vstack([A, B]), "sqeuclidean")
    bandwidth_sq = np.median(pair_sq_dist)
    kernel = np.exp(-squareform(pair_sq_dist) / max(bandwidth_sq, np.finfo(float).tiny))
    n_a = len(A)
    k_aa = kernel[:n_a, :n_a].mean()
    k_bb = kernel[n_a:, n_a:].mean()
    k_ab = kernel[:n_a, n_a:].mean()
    return float(max(k_aa + k_bb - 2 * k_ab, 0.0))


def two_sample_accuracy(
    A: np.ndarray,
    B: np.ndarray,
    classifier: Any = None,
    n_splits: int = 3,
    random_state: int | np.random.RandomState | None = 0,
) -> float:
    """How well a classifier tells two samples apart (a classifier two-sample test).

    A fresh classifier learns to tell samples of ``A`` from samples of ``B``;
    its balanced accuracy on held-out folds is returned: about 0.5 when the
    two come from the same distribution, up to 1 when they are told apart
    every time. Applied to latents and the same latents moved by the group,
    it checks the adversary's verdict independently: the training
    discriminator can be fooled because it is weak or behind, not because
    the moved latents look real.

    Parameters
    ----------
    A : array-like of shape (n_a, d)
    B : array-like of shape (n_b, d)
        At least ``n_splits`` samples each.
    classifier : scikit-learn classifier, default=None
        Cloned for each fold; None means a ``HistGradientBoostingClassifier``
        seeded from ``random_state``, with leaves of at least 20 samples
        (sklearn's default) or a tenth of a training fold if that is fewer,
        so that small samples can be split at all.
    n_splits : int, default=3
        Folds of the stratified cross-validation, >= 2.
    random_state : int, RandomState instance or None, default=0
        Seed for the folds and for the default classifier.

    Returns
    -------
    accuracy : float
        Mean held-out balanced accuracy over the folds.

    Notes
    -----
    The default classifier splits on one coordinate at a time, so it also
    tells apart samples whose coordinates take few distinct values (data on
    a grid, such as integer shifts) and continuously moved copies of them,
    even where the group keeps their distribution. On the double bump's
    exact equivariant latent (each coordinate takes 33 values) against the
    same latent moved over the whole torus it scores 0.79-0.81, where
    ``MLPClassifier((64, 64))`` scores 0.46-0.53
    (``benchmarks/results/bump_levers.md``): pass such a smooth classifier
    for data on a grid.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import two_sample_accuracy
    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.normal(size=(400, 2)), rng.normal(size=(400, 2))
    >>> same = two_sample_accuracy(A, B)
    >>> apart = two_sample_accuracy(A, B + 3.0)
    >>> bool(same < 0.6 < 0.9 < apart)
    True
    """
    A = _check_samples(A, "A")
    B = _check_samples(B, "B")
    _check_same_width(A, B, "A", "B")
    n_splits = _check_positive_int(n_splits, "n_splits")
    if n_splits < 2:
        raise ValueError(f"n_splits must be >= 2, got {n_splits}")
    if min(len(A), len(B)) < n_splits:
        raise ValueError(
            f"A and B need at least n_splits={n_splits} samples each, got "
            f"{len(A)} and {len(B)}"
        )
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    if classifier is None:
        n_train = (len(A) + len(B)) * (n_splits - 1) // n_splits
        classifier = HistGradientBoostingClassifier(
            min_samples_leaf=max(1, min(20, n_train // 10)), random_state=seed
        )
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    labels = np.r_[np.zeros(len(A)), np.ones(len(B))]
    scores = cross_val_score(
        classifier, np.vstack([A, B]), labels, cv=folds, scoring="balanced_accuracy"
    )
    return float(np.mean(scores))


def generator_similarity(found: np.ndarray, true: np.ndarray) -> float:
    """Similarity of the spans of two sets of generators.

    Each generator is flattened to a vector; the cosines of the principal
    angles between the two spans are the singular values of the product of
    their orthonormal bases. The result is the cosine of the largest
    principal angle, so it does not depend on sign, order, scale or any
    change of basis within each span: 1 means the same span, 0 means some
    direction of one span is orthogonal to the other. If the spans have
    different dimensions, the smaller span is compared within the larger one
    (1 if it is contained in it).

    Parameters
    ----------
    found : array-like of shape (n_found, k, k) or (k, k)
        Discovered generators.
    true : array-like of shape (n_true, k, k) or (k, k)
        Reference generators, same ``k``.

    Returns
    -------
    similarity : float
        Cosine of the largest principal angle, in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import generator_similarity
    >>> L = np.array([[0.0, -1.0], [1.0, 0.0]])
    >>> round(generator_similarity(-3 * L, L), 6)
    1.0
    >>> round(generator_similarity(np.eye(2), L), 6)
    0.0
    """
    found = _check_generators(found, "found")
    true = _check_generators(true, "true")
    if found.shape[1:] != true.shape[1:]:
        raise ValueError(
            "found and true must act on the same space, got matrices of shape "
            f"{found.shape[1:]} and {true.shape[1:]}"
        )
    a = found.reshape(found.shape[0], -1).T
    b = true.reshape(true.shape[0], -1).T
    for m, label in ((a, "found"), (b, "true")):
        if not np.any(m):
            raise ValueError(f"{label} generators are all zero; their span is empty")
    # The cosines directly, not cos(angle): the angle's arcsin/arccos round
    # trip leaves an error of sqrt(machine epsilon) near orthogonal spans.
    cosines = svdvals(orth(a).T @ orth(b))
    return float(np.clip(cosines.min(), 0.0, 1.0))


def _signed_permutations(size: int) -> list[np.ndarray]:
    """All ``size x size`` matrices with one ``+-1`` per row and column."""
    matrices = []
    for order in itertools.permutations(range(size)):
        for signs in itertools.product((1.0, -1.0), repeat=size):
            matrix = np.zeros((size, size))
            matrix[np.arange(size), order] = signs
            matrices.append(matrix)
    return matrices


def coupled_blocks(generators: np.ndarray) -> list[np.ndarray]:
    """The groups of latent coordinates that the generators mix.

    Coordinates ``i`` and ``j`` are in one block when some generator has a
    nonzero ``(i, j)`` or ``(j, i)`` entry, or both are linked through others.
    A fixed direct-sum group gives one block per summand; a dense learned
    generator gives one block.

    Parameters
    ----------
    generators : array-like of shape (c, k, k)

    Returns
    -------
    list of ndarray of int
        The coordinates of each block, blocks ordered by their first
        coordinate.

    Examples
    --------
    >>> from symlearn.groups import group_basis
    >>> from symlearn.metrics import coupled_blocks
    >>> [block.tolist() for block in coupled_blocks(group_basis("so2+so2", 4))]
    [[0, 1], [2, 3]]
    """
    generators = _check_generators(generators, "generators")
    magnitude = np.abs(generators).max(axis=0)
    # Entries at rounding level of the largest do not couple coordinates.
    linked = magnitude > 1e-12 * max(magnitude.max(), np.finfo(float).tiny)
    _, labels = connected_components(linked | linked.T, directed=False)
    # connected_components labels blocks in order of their first coordinate.
    return [np.flatnonzero(labels == label) for label in range(labels.max() + 1)]


def equivariance_error(
    Z: np.ndarray,
    Z_moved: np.ndarray,
    move_coordinates: np.ndarray,
    generators: np.ndarray,
    center: np.ndarray | None = None,
    *,
    per_block: bool = False,
    return_map: bool = False,
    max_fit_samples: int = 500,
    random_state: int | np.random.RandomState | None = 0,
) -> float | np.ndarray | tuple[float | np.ndarray, np.ndarray]:
    """How well a latent turns known moves of the data into its group action.

    For representation learning with a fixed group: samples ``x`` are moved
    by known group elements ``h`` (a shift, a rotation) to ``x' = h.x``. An
    equivariant encoder gives ``E(x') = g(h) (E(x) - c) + c`` with ``g(h) =
    expm(sum_i a_i L_i)`` for coefficients ``a = M p`` linear in the move's
    known Lie algebra coordinates ``p``. The latent's axes are arbitrary, so
    the orthogonal map ``M`` (e.g. which latent plane carries which shift, in
    which direction; for SO(3) a change of axes) is fitted: every signed
    permutation is tried and the best three are refined by least squares
    over rotations. ``M`` is kept orthogonal so that a latent ignoring the
    moves cannot pass as the trivial representation. The error is

    ``sum ||g(M p)(z - c) + c - z'||^2 / sum ||z' - c||^2``,

    0 for an exactly equivariant latent; a latent that ignores the moves
    gives about 2 for moves spread over a whole rotation. The denominator is
    the whole latent's spread, so each direction counts by its variance: on
    a whitened latent (the default ``latent_norm``) every direction counts
    the same, but where one latent plane is much smaller than another (e.g.
    ``latent_norm="scale"``) a small plane that ignores its move adds little
    to the error. ``per_block=True`` judges each block of coordinates the
    generators mix (:func:`coupled_blocks`, e.g. each plane of
    ``so2+so2``) against its own spread.

    Parameters
    ----------
    Z : array-like of shape (n_samples, k)
        Latents of the samples, ``E(x)``.
    Z_moved : array-like of shape (n_samples, k)
        Latents of the moved samples, ``E(h.x)``.
    move_coordinates : array-like of shape (n_samples, c)
        Lie algebra coordinates of each move ``h`` in the known group (e.g.
        ``GroupOrbitData.move_coordinates``), one per generator.
    generators : array-like of shape (c, k, k)
        The latent Lie algebra basis (``generators_`` of a fit).
    center : array-like of shape (k,), default=None
        The point the group acts about (``center_``); the origin if None.
    per_block : bool, default=False
        Return one error per block of :func:`coupled_blocks`, each the
        block's share of the residual over the block's own spread, instead
        of the total. ``M`` is fitted on the whole latent either way.
    return_map : bool, default=False
        Also return the fitted ``M``, shape ``(c, c)``.
    max_fit_samples : int, default=500
        At most this many samples (drawn with ``random_state``) fit ``M``;
        the error is computed on all.
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    error : float, or ndarray of shape (n_blocks,) with ``per_block=True``
        ``nan`` where the moved latents (of a block) have no spread, e.g. a
        latent collapsed to its centre.
    M : ndarray of shape (c, c)
        Only with ``return_map=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.groups import group_basis
    >>> from symlearn.metrics import equivariance_error
    >>> L = group_basis("so2", 2)
    >>> rng = np.random.RandomState(0)
    >>> Z = rng.normal(size=(50, 2))
    >>> angles = rng.uniform(-np.pi, np.pi, size=(50, 1))
    >>> c, s = np.cos(-angles[:, 0]), np.sin(-angles[:, 0])  # turns the other way
    >>> Z_moved = np.stack([c * Z[:, 0] - s * Z[:, 1], s * Z[:, 0] + c * Z[:, 1]], 1)
    >>> error, M = equivariance_error(Z, Z_moved, angles, L, return_map=True)
    >>> round(error, 6), M.round(3).tolist()
    (0.0, [[-1.0]])
    """
    Z = _check_samples(Z, "Z")
    Z_moved = _check_samples(Z_moved, "Z_moved")
    _check_same_shape(Z, Z_moved, "Z", "Z_moved")
    coordinates = _check_samples(move_coordinates, "move_coordinates")
    generators = _check_generators(generators, "generators")
    max_fit_samples = _check_positive_int(max_fit_samples, "max_fit_samples")
    n, k = Z.shape
    if len(coordinates) != n:
        raise ValueError(
            f"move_coordinates has {len(coordinates)} rows, but Z has {n} samples"
        )
    if generators.shape[1] != k:
        raise ValueError(
            f"generators act on {generators.shape[1]}-d latents, Z has width {k}"
        )
    center = np.zeros(k) if center is None else np.asarray(center, dtype=np.float64)
    if center.shape != (k,):
        raise ValueError(f"center must have shape ({k},), got {center.shape}")
    if not np.isfinite(center).all():
        raise ValueError(f"center must be finite, got {center}")
    size = generators.shape[0]
    if coordinates.shape[1] != size:
        raise ValueError(
            f"move_coordinates has {coordinates.shape[1]} columns, but there are "
            f"{size} generators: the known group and the latent one must match"
        )
    skew_rows, skew_cols = np.triu_indices(size, 1)

    def coefficient_map(start: np.ndarray, angles: np.ndarray) -> np.ndarray:
        skew = np.zeros((size, size))
        skew[skew_rows, skew_cols] = angles
        return start @ expm(skew - skew.T)

    def residuals(angles: np.ndarray, start: np.ndarray, rows) -> np.ndarray:
        M = coefficient_map(start, angles)
        algebra = np.einsum("np,cp,ckl->nkl", coordinates[rows], M, generators)
        predicted = np.einsum("nkl,nl->nk", expm(algebra), Z[rows] - center)
        return (predicted + center - Z_moved[rows]).ravel()

    def loss(angles, start, rows=slice(None)) -> float:
        return float(np.sum(residuals(angles, start, rows) ** 2))

    rng = check_random_state(random_state)
    rows = rng.choice(n, min(n, max_fit_samples), replace=False)
    no_turn = np.zeros(len(skew_rows))
    starts = sorted(_signed_permutations(size), key=lambda S: loss(no_turn, S, rows))
    fits = []
    for start in starts[:3]:
        angles = no_turn
        if len(no_turn):
            angles = least_squares(residuals, no_turn, args=(start, rows)).x
        fits.append((loss(angles, start, rows), start, angles))
    _, start, angles = min(fits, key=lambda fit: fit[0])
    squared = residuals(angles, start, slice(None)).reshape(n, k) ** 2
    spread = (Z_moved - center) ** 2
    # A collapsed latent (or block) has no spread: its error is nan, as 0/0.
    with np.errstate(divide="ignore", invalid="ignore"):
        if per_block:
            error = np.array(
                [
                    squared[:, block].sum() / spread[:, block].sum()
                    for block in coupled_blocks(generators)
                ]
            )
        else:
            error = float(squared.sum() / spread.sum())
    M = coefficient_map(start, angles)
    return (error, M) if return_map else error


# ---------------------------------------------------------------------------
# Reconstruction and closure on the data
# ---------------------------------------------------------------------------


def relative_reconstruction_error(X: np.ndarray, X_rec: np.ndarray) -> float:
    """Reconstruction error relative to the variance of the data.

    Computes ``||X - X_rec||_F^2 / ||X - mean(X)||_F^2``: 0 is perfect, 1 is
    as bad as predicting the mean for every sample.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Original samples.
    X_rec : array-like of shape (n_samples, n_features)
        Reconstructions, e.g. ``inverse_transform(transform(X))``.

    Returns
    -------
    error : float
        Relative squared error.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import relative_reconstruction_error
    >>> X = np.array([[0.0], [2.0]])
    >>> relative_reconstruction_error(X, np.ones((2, 1)))
    1.0
    """
    X = _check_samples(X, "X")
    X_rec = _check_samples(X_rec, "X_rec")
    _check_same_shape(X, X_rec, "X", "X_rec")
    total = np.sum((X - X.mean(axis=0)) ** 2)
    if total == 0:
        raise ValueError("all samples in X are identical; the error is undefined")
    return float(np.sum((X - X_rec) ** 2) / total)


def nearest_neighbor_ratio(X_real: np.ndarray, X_moved: np.ndarray) -> float:
    """How close moved samples stay to the data manifold.

    Returns the median distance from each moved sample to its nearest real
    sample, divided by the median distance from each real sample to its
    nearest other real sample. Around 1 or below means the moved samples look
    like more samples from the data; much larger means the transformation
    leaves the manifold.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        Real samples, at least 2.
    X_moved : array-like of shape (n_moved, n_features)
        Transformed samples.

    Returns
    -------
    ratio : float
        Median moved-to-real distance over median real spacing.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import nearest_neighbor_ratio
    >>> X = np.arange(5.0)[:, None]
    >>> nearest_neighbor_ratio(X, X + 0.5)
    0.5
    """
    X_real = _check_samples(X_real, "X_real")
    X_moved = _check_samples(X_moved, "X_moved")
    _check_same_width(X_real, X_moved, "X_real", "X_moved")
    if X_real.shape[0] < 2:
        raise ValueError("X_real needs at least 2 samples to measure its spacing")
    nn = NearestNeighbors(n_neighbors=1).fit(X_real)
    # With no query, kneighbors leaves each sample out of its own neighbours.
    spacing = np.median(nn.kneighbors(return_distance=True)[0][:, 0])
    if spacing == 0:
        raise ValueError("most samples in X_real are duplicates; spacing is zero")
    moved = np.median(nn.kneighbors(X_moved, return_distance=True)[0][:, 0])
    return float(moved / spacing)


# ---------------------------------------------------------------------------
# Everything together
# ---------------------------------------------------------------------------


def symmetry_report(
    estimator: Any,
    X: np.ndarray,
    invariant: Callable[[np.ndarray], np.ndarray] | None = None,
    n_draws: int = 1,
    random_state: int | np.random.RandomState | None = None,
    classifier: Any = None,
) -> dict[str, float]:
    """Judge a fitted symmetry estimator by what its group does to the data.

    Every sample of ``X`` (repeated ``n_draws`` times) is moved by a group
    element drawn over the whole group with :func:`full_group_coefficients`,
    using ``estimator.apply_group``.

    Parameters
    ----------
    estimator : object
        Any fitted object with ``generators_`` of shape ``(c, k, k)``,
        ``apply_group(X, coefficients)``, ``transform(X)`` and
        ``inverse_transform(Z)``.
    X : array-like of shape (n_samples, n_features)
        Samples to judge the symmetry on.
    invariant : callable, optional
        Known invariant ``f(X) -> (n,)``; if given, the report includes its
        :func:`invariance_error`.
    n_draws : int, default=1
        Number of group elements drawn per sample.
    random_state : int, RandomState instance or None, default=None
        Seed for the group draws.
    classifier : scikit-learn classifier, default=None
        Classifier of ``"latent_two_sample_accuracy"``, passed to
        :func:`two_sample_accuracy` (None: its default). For data on a grid
        pass a smooth one such as ``MLPClassifier``.

    Returns
    -------
    report : dict
        ``"invariance_error"`` (only with ``invariant``), ``"displacement"``,
        ``"rotation_likeness"`` and ``"rotation_frequency"`` of generator 0,
        ``"reconstruction_error"`` (of ``inverse_transform(transform(X))``),
        ``"nearest_neighbor_ratio"`` of the moved samples against ``X``, and
        ``"latent_two_sample_accuracy"``: :func:`two_sample_accuracy` of the
        moved samples' latents against the samples' latents (about 0.5 when
        a fresh classifier cannot tell them apart, as the discriminator
        should not; latents, not samples, because its classifier is slow on
        wide samples such as images). It takes the first draw's moves only:
        with every sample's latent ``n_draws`` times, copies of one latent
        would land in both the training and the held-out folds, and a
        classifier that remembers points would tell the real ones by that.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.metrics import symmetry_report
    >>> class Rotation:
    ...     generators_ = np.array([[[0.0, -1.0], [1.0, 0.0]]])
    ...     def transform(self, X):
    ...         return X
    ...     def inverse_transform(self, Z):
    ...         return Z
    ...     def apply_group(self, X, coefficients):
    ...         t = coefficients[:, 0]
    ...         c, s = np.cos(t), np.sin(t)
    ...         return np.stack([c * X[:, 0] - s * X[:, 1],
    ...                          s * X[:, 0] + c * X[:, 1]], axis=1)
    >>> rng = np.random.default_rng(0)
    >>> theta = rng.uniform(-np.pi, np.pi, 200)
    >>> radius = rng.uniform(1.0, 2.0, 200)
    >>> X = radius[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    >>> report = symmetry_report(
    ...     Rotation(), X, invariant=lambda Z: np.linalg.norm(Z, axis=1),
    ...     random_state=0)
    >>> bool(report["invariance_error"] < 1e-10), report["rotation_likeness"]
    (True, 0.0)
    """
    for attr in ("apply_group", "transform", "inverse_transform"):
        if not callable(getattr(estimator, attr, None)):
            raise TypeError(f"estimator must have a callable {attr!r} method")
    if not hasattr(estimator, "generators_"):
        raise NotFittedError("estimator has no 'generators_'; fit it first")
    if invariant is not None and not callable(invariant):
        raise TypeError("invariant must be a callable f(X) -> values or None")
    X = _check_samples(X, "X")
    n_draws = _check_positive_int(n_draws, "n_draws")
    generators = _check_generators(estimator.generators_, "estimator.generators_")

    X_rep = np.concatenate([X] * n_draws, axis=0)
    coefficients = full_group_coefficients(generators, len(X_rep), random_state)
    X_moved = _check_samples(
        estimator.apply_group(X_rep, coefficients), "apply_group output"
    )
    _check_same_shape(X_rep, X_moved, "X", "apply_group output")
    Z = estimator.transform(X)
    X_rec = _check_samples(estimator.inverse_transform(Z), "reconstruction")

    report: dict[str, float] = {}
    if invariant is not None:
        report["invariance_error"] = invariance_error(invariant, X_rep, X_moved)
    report["displacement"] = displacement(X_rep, X_moved)
    report["rotation_likeness"] = rotation_likeness(generators[0])
    report["rotation_frequency"] = rotation_frequency(generators[0])
    report["reconstruction_error"] = relative_reconstruction_error(X, X_rec)
    report["nearest_neighbor_ratio"] = nearest_neighbor_ratio(X, X_moved)
    report["latent_two_sample_accuracy"] = two_sample_accuracy(
        Z,
        estimator.transform(X_moved[: len(X)]),
        classifier=classifier,
        random_state=random_state,
    )
    return report
