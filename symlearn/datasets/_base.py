"""Shared container and helpers for the synthetic data sets."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.integrate import solve_ivp
from sklearn.utils import check_random_state

__all__ = ["GroupOrbitData", "TrajectoryData"]


@dataclass(frozen=True)
class TrajectoryData:
    """Trajectories of a dynamical system together with their invariant.

    Parameters
    ----------
    trajectories : list of ndarray of shape (T, d)
        State trajectories, one array per trajectory, all sampled at ``t``.
    derivatives : list of ndarray of shape (T, d)
        Exact time derivative (right-hand side of the ODE) at every state of
        the matching trajectory. Zeros for static data sets.
    t : ndarray of shape (T,)
        Sampling times shared by all trajectories, starting at 0.
    invariant : callable
        Maps states of shape (n, d) to the conserved quantity, shape (n,).
    feature_names : list of str
        Names of the d state variables.
    name : str
        Name of the data set.
    state_shape : tuple of int or None, default=None
        Shape of one state read as a signal, image or field, channels first
        (for example ``(2, 51, 51)`` for two 51 x 51 images), with
        ``prod(state_shape) == d``; ``states.reshape(-1, *state_shape)``
        recovers the images. None for plain state vectors.

    Examples
    --------
    >>> from symlearn.datasets import make_pendulum
    >>> data = make_pendulum(n_trajectories=4, n_steps=10, random_state=0)
    >>> data.states.shape
    (40, 2)
    >>> train, test = data.split(test_size=0.25, random_state=0)
    >>> len(train.trajectories), len(test.trajectories)
    (3, 1)
    """

    trajectories: list[np.ndarray]
    derivatives: list[np.ndarray]
    t: np.ndarray
    invariant: Callable[[np.ndarray], np.ndarray]
    feature_names: list[str]
    name: str
    state_shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.state_shape is not None:
            shape = _check_state_shape(self.state_shape, len(self.feature_names))
            object.__setattr__(self, "state_shape", shape)

    @property
    def states(self) -> np.ndarray:
        """All states stacked trajectory after trajectory, shape (n, d)."""
        return np.concatenate(self.trajectories)

    def split(
        self,
        test_size: float = 0.2,
        random_state: int | np.random.RandomState | None = None,
    ) -> tuple[TrajectoryData, TrajectoryData]:
        """Split into train and test parts by whole trajectories.

        Splitting whole trajectories (rather than states) keeps correlated
        states of one trajectory from leaking into both parts.

        Parameters
        ----------
        test_size : float, default=0.2
            Fraction of trajectories in the test part, strictly between 0 and
            1. The number of test trajectories is rounded up, then clipped to
            ``[1, n_trajectories - 1]`` so that both parts are non-empty.
        random_state : int, RandomState instance or None, default=None
            Seed for the random assignment of trajectories.

        Returns
        -------
        train : TrajectoryData
            The training trajectories, in their original order.
        test : TrajectoryData
            The test trajectories, in their original order.

        Raises
        ------
        ValueError
            If ``test_size`` is not in (0, 1) or there are fewer than two
            trajectories.

        Examples
        --------
        >>> from symlearn.datasets import make_circles
        >>> data = make_circles(n_samples=10, random_state=0)
        >>> train, test = data.split(test_size=0.3, random_state=0)
        >>> len(train.trajectories), len(test.trajectories)
        (7, 3)
        """
        if (
            isinstance(test_size, bool)
            or not isinstance(test_size, numbers.Real)
            or not 0.0 < test_size < 1.0
        ):
            raise ValueError(
                f"test_size must be a float in the open interval (0, 1), "
                f"got {test_size!r}."
            )
        n_total = len(self.trajectories)
        if n_total < 2:
            raise ValueError(
                f"split needs at least 2 trajectories to give two non-empty "
                f"parts, got {n_total}."
            )
        # Round up like scikit-learn, then clip so neither part is empty.
        n_test = min(max(math.ceil(test_size * n_total), 1), n_total - 1)
        rng = check_random_state(random_state)
        order = rng.permutation(n_total)
        test_idx = np.sort(order[:n_test])
        train_idx = np.sort(order[n_test:])
        return self._subset(train_idx), self._subset(test_idx)

    def _subset(self, indices: np.ndarray) -> TrajectoryData:
        return replace(
            self,
            trajectories=[self.trajectories[i] for i in indices],
            derivatives=[self.derivatives[i] for i in indices],
        )


def _check_state_shape(state_shape: object, n_features: int) -> tuple[int, ...]:
    """Return ``state_shape`` as a tuple of ints whose product is ``n_features``."""
    try:
        sizes = tuple(state_shape)  # type: ignore[arg-type]
    except TypeError:
        sizes = None
    if (
        sizes is None
        or isinstance(state_shape, str)
        or not all(
            isinstance(size, numbers.Integral) and not isinstance(size, bool)
            for size in sizes
        )
    ):
        raise ValueError(f"state_shape must be a tuple of ints, got {state_shape!r}.")
    shape = tuple(int(size) for size in sizes)
    if not shape or min(shape) < 1 or math.prod(shape) != n_features:
        raise ValueError(
            f"state_shape must be positive sizes whose product is the state "
            f"dimension {n_features}, got {state_shape!r}."
        )
    return shape


@dataclass(frozen=True)
class GroupOrbitData:
    """Static samples made by a known group acting on one reference object.

    Sample ``i`` is the reference object moved by the group element
    ``parameters[i]``. The data set keeps the means to move samples further,
    so that the action of the known group can be checked against a learnt
    one: :meth:`move` applies group elements to the samples and
    :meth:`move_coordinates` gives the Lie algebra coordinates of group
    elements in the basis ``symlearn.groups.group_basis(group, latent_dim)``.

    Parameters
    ----------
    states : ndarray of shape (n, d)
        The samples, one flattened signal or image per row.
    parameters : ndarray of shape (n, ...)
        The group element that produced each sample, in the data set's own
        units (for example integer shifts or rotation matrices).
    state_shape : tuple of int
        Shape of one sample as a signal or image, channels first, with
        ``prod(state_shape) == d``.
    group : str
        Name of the group, accepted by :func:`symlearn.groups.group_basis`
        (for example ``"so2+so2"`` or ``"so3"``).
    name : str
        Name of the data set.

    Notes
    -----
    The remaining fields are private callables set by the generator:
    ``_render`` maps group elements to states, ``_compose(moves, parameters)``
    gives the group product ``moves * parameters``, ``_sample(n, rng)`` draws
    random group elements, ``_coordinates`` maps group elements to Lie
    algebra coordinates and ``_sample_step(n, rng, step)`` draws moves of
    size ``step`` for :meth:`trajectories`. They may also validate their input and raise
    ValueError.

    Examples
    --------
    >>> from symlearn.datasets import make_double_bump
    >>> data = make_double_bump(n_samples=5, random_state=0)
    >>> data.states.shape, data.parameters.shape, data.group
    ((5, 64), (5, 2), 'so2+so2')
    >>> moved = data.move(data.sample_moves(5, random_state=1))
    >>> moved.shape
    (5, 64)
    """

    states: np.ndarray
    parameters: np.ndarray
    state_shape: tuple[int, ...]
    group: str
    name: str
    _render: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _compose: Callable[[np.ndarray, np.ndarray], np.ndarray] = field(repr=False)
    _sample: Callable[[int, np.random.RandomState], np.ndarray] = field(repr=False)
    _coordinates: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _sample_step: Callable[[int, np.random.RandomState, float], np.ndarray] = field(
        repr=False
    )

    def __post_init__(self) -> None:
        shape = _check_state_shape(self.state_shape, self.states.shape[1])
        object.__setattr__(self, "state_shape", shape)
        if len(self.parameters) != len(self.states):
            raise ValueError(
                f"parameters must have one row per state ({len(self.states)}), "
                f"got {len(self.parameters)}."
            )

    def sample_moves(
        self, n: int, random_state: int | np.random.RandomState | None = None
    ) -> np.ndarray:
        """Draw random group elements, uniform over the group.

        Parameters
        ----------
        n : int
            Number of group elements, >= 1.
        random_state : int, RandomState instance or None, default=None
            Seed for the draw.

        Returns
        -------
        moves : ndarray of shape (n, ...)
            Group elements in the units of ``parameters``.

        Examples
        --------
        >>> from symlearn.datasets import make_double_bump
        >>> data = make_double_bump(n_samples=3, random_state=0)
        >>> data.sample_moves(4, random_state=0).shape
        (4, 2)
        """
        n = check_int(n, "n", 1)
        return self._sample(n, check_random_state(random_state))

    def move(self, moves: np.ndarray) -> np.ndarray:
        """Move every sample by its own group element.

        Parameters
        ----------
        moves : array-like of shape (n, ...)
            One group element per sample, in the units of ``parameters``.

        Returns
        -------
        states : ndarray of shape (n, d)
            Sample ``i`` moved by ``moves[i]``, that is the reference object
            rendered at the group product ``moves[i] * parameters[i]``.

        Raises
        ------
        ValueError
            If ``moves`` does not have the shape of ``parameters``.

        Examples
        --------
        >>> import numpy as np
        >>> from symlearn.datasets import make_double_bump
        >>> data = make_double_bump(n_samples=3, random_state=0)
        >>> identity = np.zeros((3, 2), dtype=int)
        >>> bool(np.array_equal(data.move(identity), data.states))
        True
        """
        moves = self._check_moves(moves, len(self.parameters))
        return self._render(self._compose(moves, self.parameters))

    def move_coordinates(self, moves: np.ndarray) -> np.ndarray:
        """Lie algebra coordinates of group elements.

        Parameters
        ----------
        moves : array-like of shape (m, ...)
            Group elements in the units of ``parameters``; any number ``m``.

        Returns
        -------
        coordinates : ndarray of shape (m, c)
            Coordinates in the basis ``group_basis(group, latent_dim)`` of a
            Lie algebra element whose exponential is the move; see the
            generator's documentation for the convention.

        Raises
        ------
        ValueError
            If a move does not have the shape of one parameter.

        Examples
        --------
        >>> from symlearn.datasets import make_double_bump
        >>> data = make_double_bump(n_samples=3, length=64, random_state=0)
        >>> data.move_coordinates([[16, 32]]).round(4)
        array([[1.5708, 3.1416]])
        """
        return self._coordinates(self._check_moves(moves, None))

    def trajectories(
        self,
        n_steps: int,
        step: float,
        random_state: int | np.random.RandomState | None = None,
    ) -> list[np.ndarray]:
        """Sequences of samples moved again and again by one move each.

        Trajectory ``i`` starts at sample ``i`` and applies one group element
        ``h_i`` of size ``step`` (drawn per trajectory) at every time step:
        ``x_t = h_i^t . x_0``, a "dynamical environment" whose dynamics
        commute with the group. Windows of such trajectories tell a
        discriminator how the group acts (a step in the data must be a step
        in the latent), which static samples cannot: any measure-preserving
        rearrangement of an orbit is as invariant as the equivariant latent.

        Parameters
        ----------
        n_steps : int
            States per trajectory, >= 2.
        step : float
            Size of each move: the largest shift per bump (an integer >= 1)
            for the double bump, the rotation angle in radians (about an
            axis uniform on the sphere) for the rotating object.
        random_state : int, RandomState instance or None, default=None
            Seed for the moves.

        Returns
        -------
        trajectories : list of ndarray of shape (n_steps, d)
            One per sample.

        Examples
        --------
        >>> from symlearn.datasets import make_double_bump
        >>> data = make_double_bump(n_samples=3, random_state=0)
        >>> [x.shape for x in data.trajectories(5, step=2, random_state=0)]
        [(5, 64), (5, 64), (5, 64)]
        """
        n_steps = check_int(n_steps, "n_steps", 2)
        moves = self._sample_step(
            len(self.parameters), check_random_state(random_state), step
        )
        parameters, frames = self.parameters, [self.states]
        for _ in range(n_steps - 1):
            parameters = self._compose(moves, parameters)
            frames.append(self._render(parameters))
        return list(np.stack(frames, axis=1))

    def _check_moves(self, moves: np.ndarray, n_rows: int | None) -> np.ndarray:
        moves = np.asarray(moves)
        expected = self.parameters.shape[1:]
        if moves.ndim != self.parameters.ndim or moves.shape[1:] != expected:
            raise ValueError(
                f"moves must have shape (n, {', '.join(map(str, expected))}), "
                f"got {moves.shape}."
            )
        if n_rows is not None and len(moves) != n_rows:
            raise ValueError(
                f"moves must have one row per sample ({n_rows}), got {len(moves)}."
            )
        return moves


def check_int(value: object, name: str, min_value: int) -> int:
    """Return ``value`` as int, or raise ValueError naming the argument."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < min_value
    ):
        raise ValueError(f"{name} must be an integer >= {min_value}, got {value!r}.")
    return int(value)


def check_positive_float(value: object, name: str) -> float:
    """Return ``value`` as a finite float > 0, or raise ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.")
    return float(value)


def check_float_dtype(dtype: object) -> np.dtype:
    """Return ``dtype`` as float32 or float64, or raise ValueError."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}.") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}.")
    return dtype


def check_interval(
    value: object, name: str, lower: float | None = None
) -> tuple[float, float]:
    """Return ``value`` as a finite pair ``(low, high)``, ``lower <= low <= high``."""
    try:
        low, high = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair of numbers (low, high), got {value!r}."
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(
            f"{name} must be finite numbers with low <= high, got {value!r}."
        )
    if lower is not None and low < lower:
        raise ValueError(f"{name} must have low >= {lower}, got {value!r}.")
    return low, high


def simulate_ode(
    rhs: Callable[[np.ndarray], np.ndarray],
    sample_initial_states: Callable[[int, np.random.RandomState], np.ndarray],
    n_trajectories: int,
    n_steps: int,
    dt: float,
    random_state: int | np.random.RandomState | None,
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Sample initial states and integrate an autonomous ODE from them.

    Parameters
    ----------
    rhs : callable
        Right-hand side ``f`` of ``x' = f(x)``; maps states of shape (..., d)
        to derivatives of the same shape.
    sample_initial_states : callable
        ``sample_initial_states(n, rng)`` returns ``n`` initial states, shape
        (n, d), drawn with the RandomState ``rng``.
    n_trajectories : int
        Number of trajectories, >= 1.
    n_steps : int
        Number of samples per trajectory, >= 2.
    dt : float
        Time between samples, > 0.
    random_state : int, RandomState instance or None
        Seed for the initial states.

    Returns
    -------
    trajectories : list of ndarray of shape (n_steps, d)
        The integrated trajectories.
    derivatives : list of ndarray of shape (n_steps, d)
        ``rhs`` evaluated at every state.
    t : ndarray of shape (n_steps,)
        Sampling times ``0, dt, 2 dt, ...``.

    Examples
    --------
    >>> import numpy as np
    >>> trajs, derivs, t = simulate_ode(
    ...     lambda x: -x, lambda n, rng: np.ones((n, 1)), 2, 3, 0.5, 0
    ... )
    >>> np.allclose(trajs[0][:, 0], np.exp(-t))
    True
    """
    n_trajectories = check_int(n_trajectories, "n_trajectories", 1)
    n_steps = check_int(n_steps, "n_steps", 2)
    dt = check_positive_float(dt, "dt")
    rng = check_random_state(random_state)

    y0 = np.asarray(sample_initial_states(n_trajectories, rng), dtype=np.float64)
    n_dims = y0.shape[1]
    t = dt * np.arange(n_steps, dtype=np.float64)

    # All trajectories are integrated as one stacked system: one vectorised
    # solver call is far faster than a Python loop, and the shared step size
    # (set by the hardest trajectory) only makes the easier ones more accurate.
    def stacked_rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return rhs(y.reshape(n_trajectories, n_dims)).ravel()

    solution = solve_ivp(
        stacked_rhs,
        (0.0, t[-1]),
        y0.ravel(),
        method="DOP853",
        t_eval=t,
        rtol=1e-10,
        atol=1e-10,
    )
    if not solution.success:
        raise RuntimeError(f"ODE integration failed: {solution.message}")

    # solution.y has shape (n_trajectories * d, n_steps).
    states = solution.y.reshape(n_trajectories, n_dims, n_steps).transpose(0, 2, 1)
    states = np.ascontiguousarray(states)
    derivs = rhs(states)
    return list(states), list(derivs), t
