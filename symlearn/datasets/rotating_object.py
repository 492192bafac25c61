"""Images of a rigid 3-d object under random rotations, symmetric under SO(3)."""

from __future__ import annotations

import functools

import numpy as np
from scipy.spatial.transform import Rotation
from sklearn.utils import check_random_state

from ._base import GroupOrbitData, check_int, check_positive_float

__all__ = ["make_rotating_object"]

# The object: Gaussian blobs at fixed 3-d points, each with its own size and
# weight. All (size, weight) pairs differ, so a rotation mapping the object to
# itself must fix every centre; the centres span R^3, so only the identity
# does. Every centre lies within 0.44 of the origin.
_CENTRES = np.array(
    [
        [0.44, 0.00, 0.00],
        [0.00, 0.32, 0.00],
        [0.00, 0.00, 0.24],
        [-0.20, -0.24, 0.12],
        [0.16, 0.20, -0.32],
    ]
)
# At the default 16 pixels the narrowest blob is 1.3 pixels wide. Blobs under
# a pixel wide alias into images that change like noise under small
# rotations; our conv autoencoder did not learn those from 4096 images.
_SIGMAS = np.array([0.25, 0.35, 0.30, 0.40, 0.275])
_WEIGHTS = np.array([1.0, 0.8, 0.6, 0.7, 0.9])
# Half-width of the field of view. Under any rotation each blob centre stays
# at least 2.6 of its own widths inside the border, so the object stays in view.
_EXTENT = 1.4

# Each view drops one axis: (horizontal, vertical) 3-d axes of the image.
_VIEW_AXES = [(0, 1), (1, 2), (2, 0)]  # along z, along x, along y
_MAX_VIEWS = len(_VIEW_AXES)


def _check_rotations(matrices: np.ndarray) -> np.ndarray:
    """Return float rotation matrices (n, 3, 3), or raise ValueError."""
    matrices = np.asarray(matrices, dtype=np.float64)
    gram = np.einsum("nji,njk->nik", matrices, matrices)
    if not np.all(np.isfinite(matrices)) or not np.allclose(gram, np.eye(3), atol=1e-6):
        raise ValueError("moves must be orthogonal 3 x 3 matrices.")
    if np.any(np.linalg.det(matrices) < 0):
        raise ValueError("moves must be rotations (determinant +1), not reflections.")
    return matrices


def _render(rotations: np.ndarray, image_size: int, n_views: int) -> np.ndarray:
    """Orthographic views of the rotated object, shape (n, n_views * size**2)."""
    rotations = _check_rotations(rotations)
    grid = np.linspace(-_EXTENT, _EXTENT, image_size)
    centres = np.einsum("nij,kj->nki", rotations, _CENTRES)  # (n, blobs, 3)
    scale = 1.0 / (2.0 * _SIGMAS[:, None, None] ** 2)  # (blobs, 1, 1)
    # The 2-d Gaussian factorises into a horizontal and a vertical profile,
    # so each view costs one small einsum instead of a (n, blobs, S, S) array.
    profiles = np.exp(-scale * (grid - centres[..., None]) ** 2)  # (n, blobs, 3, S)
    views = [
        np.einsum(
            "k,nki,nkj->nij", _WEIGHTS, profiles[:, :, v, :], profiles[:, :, h, :]
        )
        for h, v in _VIEW_AXES[:n_views]
    ]
    return np.stack(views, axis=1).reshape(len(rotations), -1)


def _compose(moves: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    return _check_rotations(moves) @ rotations


def _sample(n: int, rng: np.random.RandomState) -> np.ndarray:
    return Rotation.random(n, random_state=rng).as_matrix()


def _sample_step(n: int, rng: np.random.RandomState, step: float) -> np.ndarray:
    """Rotations by the angle ``step`` about axes uniform on the sphere (a
    distribution unchanged by conjugation, as a dynamics commuting with the
    group needs)."""
    step = check_positive_float(step, "step")
    axes = rng.normal(size=(n, 3))
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    return Rotation.from_rotvec(step * axes).as_matrix()


def _coordinates(moves: np.ndarray) -> np.ndarray:
    # expm(sum_i w_i L_i) with (L_i)_jk = -eps_ijk is the rotation by |w| about
    # w, which is what scipy's rotation vector means.
    return Rotation.from_matrix(_check_rotations(moves)).as_rotvec()


def make_rotating_object(
    n_samples: int = 256,
    image_size: int = 16,
    n_views: int = 3,
    random_state: int | np.random.RandomState | None = None,
) -> GroupOrbitData:
    r"""Generate images of an asymmetric 3-d object under random rotations.

    The object is a fixed set of five Gaussian blobs at 3-d points within
    radius 0.44 of the origin, with different widths (0.25 to 0.40) and
    weights, so that no rotation but the identity maps it to itself. Each
    sample rotates it by a rotation drawn uniformly (Haar measure) from
    SO(3) and renders ``n_views`` orthographic projections, one image
    channel each, on an ``image_size`` x ``image_size`` pixel grid spanning
    :math:`[-1.4, 1.4]^2`. A view is the sum over blobs of
    :math:`w_k \exp(-|p_k - q|^2 / (2\sigma_k^2))` at pixel :math:`q`, with
    :math:`p_k` the projected centre: the exact projection of the 3-d
    Gaussian blob up to a constant factor absorbed in its weight. The object
    stays in the field of view for every rotation: each blob centre stays at
    least 2.6 of its own widths from the border.

    The views look along z, along x and along y (the first ``n_views`` of
    these). In channel ``c``, pixel ``[i, j]`` has horizontal coordinate
    ``grid[j]`` and vertical coordinate ``grid[i]``, the image axes being
    (x, y), (y, z) and (z, x) respectively, with
    ``grid = np.linspace(-1.4, 1.4, image_size)``.

    Parameters
    ----------
    n_samples : int, default=256
        Number of images, >= 1.
    image_size : int, default=16
        Pixels per image side, >= 4.
    n_views : int, default=3
        Number of views (channels), 1, 2 or 3.
    random_state : int, RandomState instance or None, default=None
        Seed for the rotations; the same seed gives the same data.

    Returns
    -------
    data : GroupOrbitData
        ``states`` of shape (n_samples, n_views * image_size**2),
        ``state_shape`` ``(n_views, image_size, image_size)``,
        ``parameters`` the rotation matrices of shape (n_samples, 3, 3),
        group ``"so3"``. ``move(moves)`` renders ``moves @ parameters``;
        ``move_coordinates(R)`` is the rotation vector :math:`\omega` with
        :math:`\exp(\sum_i \omega_i L_i) = R` for
        ``L = group_basis("so3", 3)``.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.linalg import expm
    >>> from symlearn.datasets import make_rotating_object
    >>> from symlearn.groups import group_basis
    >>> data = make_rotating_object(n_samples=3, random_state=0)
    >>> data.states.shape, data.state_shape
    ((3, 768), (3, 16, 16))
    >>> w = data.move_coordinates(data.parameters[:1])[0]
    >>> L = group_basis("so3", 3)
    >>> bool(np.allclose(expm(np.tensordot(w, L, axes=1)), data.parameters[0]))
    True
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    image_size = check_int(image_size, "image_size", 4)
    n_views = check_int(n_views, "n_views", 1)
    if n_views > _MAX_VIEWS:
        raise ValueError(f"n_views must be 1, 2 or 3, got {n_views}.")
    rng = check_random_state(random_state)

    render = functools.partial(_render, image_size=image_size, n_views=n_views)
    rotations = _sample(n_samples, rng)
    return GroupOrbitData(
        states=render(rotations),
        parameters=rotations,
        state_shape=(n_views, image_size, image_size),
        group="so3",
        name="rotating_object",
        _render=render,
        _compose=_compose,
        _sample=_sample,
        _coordinates=_coordinates,
        _sample_step=_sample_step,
    )
