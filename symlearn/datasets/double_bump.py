"""Signals of two independently shifted bumps, symmetric under SO(2) x SO(2)."""

from __future__ import annotations

import functools

import numpy as np
from sklearn.utils import check_random_state

from ._base import GroupOrbitData, check_int

__all__ = ["make_double_bump"]


def _reference_bumps(length: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The rectangular and triangular bumps at shift 0, each of shape (length,)."""
    rectangle = np.zeros(length)
    rectangle[:width] = 1.0
    triangle = np.zeros(length)
    # Zero at samples 0 and width - 1, rising linearly to 1 in the middle.
    triangle[:width] = 1.0 - np.abs(2.0 * np.arange(width) / (width - 1) - 1.0)
    return rectangle, triangle


def _check_shifts(moves: np.ndarray, length: int) -> np.ndarray:
    """Integer-valued shifts reduced modulo ``length`` as an int array, or
    ValueError."""
    if not np.issubdtype(moves.dtype, np.number) or np.iscomplexobj(moves):
        raise ValueError(f"shifts must be integers, got dtype {moves.dtype}.")
    if not np.all(np.isfinite(moves)) or not np.array_equal(moves, np.round(moves)):
        raise ValueError("shifts must be integers, got non-integer values.")
    # reduced before the cast: a shift beyond int64 (e.g. 1e30) would wrap
    return np.mod(moves, length).astype(np.int64)


def _render(
    shifts: np.ndarray, rectangle: np.ndarray, triangle: np.ndarray
) -> np.ndarray:
    """Signals 0.5 * (roll(rectangle, s1) + roll(triangle, s2)), shape (n, L)."""
    length = len(rectangle)
    shifts = _check_shifts(shifts, length)
    # np.roll(x, s)[j] == x[(j - s) % L], one shift per row.
    positions = np.arange(length)
    rect_index = (positions - shifts[:, :1]) % length
    tri_index = (positions - shifts[:, 1:]) % length
    return 0.5 * (rectangle[rect_index] + triangle[tri_index])


def _compose(moves: np.ndarray, shifts: np.ndarray, length: int) -> np.ndarray:
    return (_check_shifts(moves, length) + shifts) % length


def _sample(n: int, rng: np.random.RandomState, length: int) -> np.ndarray:
    return rng.randint(0, length, size=(n, 2)).astype(np.int64)


def _sample_step(n: int, rng: np.random.RandomState, step: float) -> np.ndarray:
    """Shift pairs uniform in ``[-step, step]``, never both zero."""
    step = check_int(step, "step", 1)
    moves = rng.randint(-step, step + 1, size=(n, 2))
    still = ~moves.any(axis=1)
    moves[still, 0] = rng.choice([-1, 1], size=still.sum())
    return moves.astype(np.int64)


def _coordinates(moves: np.ndarray, length: int) -> np.ndarray:
    """Angles 2 pi s / L wrapped into (-pi, pi], one per bump."""
    angles = 2.0 * np.pi * _check_shifts(moves, length) / length
    # Shifts past L/2 are the shorter way round, backwards.
    return np.where(angles > np.pi, angles - 2.0 * np.pi, angles)


def make_double_bump(
    n_samples: int = 256,
    length: int = 64,
    width: int = 16,
    random_state: int | np.random.RandomState | None = None,
) -> GroupOrbitData:
    r"""Generate signals of a rectangular and a triangular bump, shifted apart.

    Each signal of ``length`` samples is :math:`\tfrac12` (rectangular bump +
    triangular bump), and each bump is cyclically shifted by its own
    independent integer uniform in ``[0, length)``, as in the double-bump
    example of LaLiGAN (Yang et al. 2024). The two shifts are two commuting
    rotations, so the symmetry group is SO(2) x SO(2) (discretised to
    :math:`\mathbb{Z}_L \times \mathbb{Z}_L`).

    At shift 0 both bumps occupy samples ``0 .. width - 1``: the rectangle is
    1 there; the triangle is 0 at samples ``0`` and ``width - 1`` and rises
    linearly to its peak in the middle, ``1 - |2 i / (width - 1) - 1|`` at
    sample ``i`` (the peak is 1 for odd ``width`` and ``1 - 1 / (width - 1)``
    at the two middle samples for even ``width``). A shift ``s`` moves a bump
    like ``np.roll(bump, s)``.

    Parameters
    ----------
    n_samples : int, default=256
        Number of signals, >= 1.
    length : int, default=64
        Samples per signal, >= 4.
    width : int, default=16
        Samples per bump, ``3 <= width < length``.
    random_state : int, RandomState instance or None, default=None
        Seed for the shifts; the same seed gives the same data.

    Returns
    -------
    data : GroupOrbitData
        ``states`` of shape (n_samples, length), ``state_shape`` ``(1,
        length)``, ``parameters`` the integer shifts (rectangle, triangle) of
        shape (n_samples, 2), group ``"so2+so2"``. ``move(moves)`` shifts each
        bump further by the integer pairs ``moves``; ``move_coordinates``
        gives the angles :math:`2\pi s / L` wrapped into :math:`(-\pi, \pi]`,
        the coefficients of the two generators of
        ``group_basis("so2+so2", 4)``.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.datasets import make_double_bump
    >>> data = make_double_bump(n_samples=4, length=32, width=8, random_state=0)
    >>> data.states.shape, data.state_shape
    ((4, 32), (1, 32))
    >>> moved = data.move(np.array([[8, 0]] * 4))  # rectangles a quarter on
    >>> data.move_coordinates([[8, 0], [16, -8]]).round(4)
    array([[ 1.5708,  0.    ],
           [ 3.1416, -1.5708]])
    """
    n_samples = check_int(n_samples, "n_samples", 1)
    length = check_int(length, "length", 4)
    width = check_int(width, "width", 3)
    if width >= length:
        raise ValueError(f"width must be < length ({length}), got {width}.")
    rng = check_random_state(random_state)

    rectangle, triangle = _reference_bumps(length, width)
    render = functools.partial(_render, rectangle=rectangle, triangle=triangle)
    shifts = _sample(n_samples, rng, length)
    return GroupOrbitData(
        states=render(shifts),
        parameters=shifts,
        state_shape=(1, length),
        group="so2+so2",
        name="double_bump",
        _render=render,
        _compose=functools.partial(_compose, length=length),
        _sample=functools.partial(_sample, length=length),
        _coordinates=functools.partial(_coordinates, length=length),
        _sample_step=_sample_step,
    )
