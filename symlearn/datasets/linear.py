"""Static point clouds with linear (rotational) symmetry."""

from __future__ import annotations

import functools
import numbers

import numpy as np
from sklearn.utils import check_random_state

from ._base import TrajectoryData, check_int, check_interval

__all__ = ["make_circles", "make_spheres"]


def _norm(states: np.ndarray) -> np.ndarray:
    return np.linalg.norm(states, axis=-1)


def _transformed_norm(states: np.ndarray, inverse_t: np.ndarray) -> np.ndarray:
    # Norm after undoing the transform: x -> x @ inv(transform).T.
    return np.linalg.norm(states @ inverse_t, axis=-1)


def _check_transform(
    transform: np.ndarray | None, n_dims: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Validate an invertible (d, d) matrix; return it and its inverse."""
    if transform is None:
        return None, None
    try:
        transform = np.asarray(transform, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"transform must be a numeric matrix, got {transform!r}."
        ) from None
    if transform.shape != (n_dims, n_dims) or not np.all(np.isfinite(transform)):
        raise ValueError(
            f"transform must be a finite ({n_dims}, {n_dims}) matrix, "
            f"got shape {transform.shape}."
        )
    if np.linalg.cond(transform) > 1e12:
        raise ValueError("transform must be an invertible (well-conditioned) matrix.")
    return transform, np.linalg.inv(transform)


def _make_static(
    points: np.ndarray,
    transform: np.ndarray | None,
    inverse: np.ndarray | None,
    name: str,
) -> TrajectoryData:
    """Wrap points (n, d) as n trajectories of length 1, optionally transformed."""
    n_samples, n_dims = points.shape
    if transform is None:
        invariant = _norm
    else:
        points = points @ transform.T
        # Right-multiplying by inverse.T maps transformed points back.
        invariant = functools.partial(_transformed_norm, inverse_t=inverse.T)
    trajectories = list(points.reshape(n_samples, 1, n_dims))
    derivatives = list(np.zeros((n_samples, 1, n_dims)))
    return TrajectoryData(
        trajectories=trajectories,
        derivatives=derivatives,
        t=np.array([0.0]),
        invariant=invariant,
        feature_names=[f"x{i}" for i in range(n_dims)],
        name=name,
    )


def make_circles(
    n_samples: int = 2000,
    radii: tuple[float, float] = (0.5, 2.0),
    noise: float = 0.0,
    random_state: int | np.random.RandomState | None = None,
    transform: np.ndarray | None = None,
) -> TrajectoryData:
    r"""Generate points in the plane that are symmetric under rotations SO(2).

    Each point has a radius drawn uniformly from ``radii`` and an angle drawn
    uniformly from :math:`[0, 2\pi)`. The invariant is the Euclidean norm and
    the symmetry generator is :math:`L = \begin{pmatrix}0 & -1\\ 1 & 0
    \end{pmatrix}` (the Lie algebra so(2)).

    If ``transform`` (an invertible matrix :math:`M`) is given, each point is
    mapped :math:`x \mapsto M x` (``x @ transform.T``); the invariant becomes
    :math:`\|M^{-1} x\|` and the true generator becomes :math:`M L M^{-1}`.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of points, >= 1.
    radii : tuple of float, default=(0.5, 2.0)
        Range ``(low, high)`` of radii, ``0 <= low <= high``.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the points before the
        transform, >= 0. With noise, the invariant no longer equals the
        sampled radius exactly.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same data.
    transform : ndarray of shape (2, 2) or None, default=None
        Invertible linear map applied to the points.

    Returns
    -------
    data : TrajectoryData
        ``n_samples`` trajectories of shape (1, 2) with ``t = [0.0]`` and zero
        derivatives; features ``["x0", "x1"]``; ``data.invariant`` is the
        (transformed) norm.

    Raises
    ------
    ValueError
        If ``n_samples < 1``, ``radii`` is invalid, ``noise < 0`` or
        ``transform`` is not an invertible (2, 2) matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.datasets import make_circles
    >>> data = make_circles(n_samples=100, radii=(1.0, 1.0), random_state=0)
    >>> data.states.shape
    (100, 2)
    >>> bool(np.allclose(data.invariant(data.states), 1.0))
    True
    >>> m = np.array([[2.0, 1.0], [0.0, 1.0]])
    >>> data = make_circles(n_samples=100, radii=(1.0, 1.0), transform=m)
    >>> bool(np.allclose(data.invariant(data.states), 1.0))
    True
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    low, high = check_interval(radii, "radii", lower=0.0)
    if (
        isinstance(noise, bool)
        or not isinstance(noise, numbers.Real)
        or not np.isfinite(noise)
        or noise < 0
    ):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}.")
    transform, inverse = _check_transform(transform, 2)
    rng = check_random_state(random_state)

    radius = rng.uniform(low, high, size=n_samples)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    points = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    if noise > 0:
        points = points + noise * rng.standard_normal(points.shape)
    return _make_static(points, transform, inverse, "circles")


def make_spheres(
    n_samples: int = 2000,
    radii: tuple[float, float] = (0.5, 2.0),
    random_state: int | np.random.RandomState | None = None,
    transform: np.ndarray | None = None,
) -> TrajectoryData:
    r"""Generate points in 3-d space that are symmetric under rotations SO(3).

    Each point has a radius drawn uniformly from ``radii`` and a direction
    drawn uniformly on the unit sphere. The invariant is the Euclidean norm
    and the symmetry generators are the three skew-symmetric matrices
    :math:`L_1, L_2, L_3` spanning so(3).

    If ``transform`` (an invertible matrix :math:`M`) is given, each point is
    mapped :math:`x \mapsto M x` (``x @ transform.T``); the invariant becomes
    :math:`\|M^{-1} x\|` and the true generators become :math:`M L_i M^{-1}`.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of points, >= 1.
    radii : tuple of float, default=(0.5, 2.0)
        Range ``(low, high)`` of radii, ``0 <= low <= high``.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same data.
    transform : ndarray of shape (3, 3) or None, default=None
        Invertible linear map applied to the points.

    Returns
    -------
    data : TrajectoryData
        ``n_samples`` trajectories of shape (1, 3) with ``t = [0.0]`` and zero
        derivatives; features ``["x0", "x1", "x2"]``; ``data.invariant`` is
        the (transformed) norm.

    Raises
    ------
    ValueError
        If ``n_samples < 1``, ``radii`` is invalid or ``transform`` is not an
        invertible (3, 3) matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.datasets import make_spheres
    >>> data = make_spheres(n_samples=100, radii=(2.0, 2.0), random_state=0)
    >>> data.states.shape
    (100, 3)
    >>> bool(np.allclose(data.invariant(data.states), 2.0))
    True
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    low, high = check_interval(radii, "radii", lower=0.0)
    transform, inverse = _check_transform(transform, 3)
    rng = check_random_state(random_state)

    radius = rng.uniform(low, high, size=n_samples)
    # A normalised isotropic Gaussian is uniform on the sphere.
    direction = rng.standard_normal((n_samples, 3))
    norms = np.linalg.norm(direction, axis=1, keepdims=True)
    # Redraw the (measure-zero) degenerate zero vectors to avoid dividing by 0.
    while np.any(norms == 0):
        bad = norms[:, 0] == 0
        direction[bad] = rng.standard_normal((int(bad.sum()), 3))
        norms = np.linalg.norm(direction, axis=1, keepdims=True)
    points = radius[:, None] * direction / norms
    return _make_static(points, transform, inverse, "spheres")
