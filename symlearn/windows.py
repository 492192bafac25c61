"""Input forms -> windows of states.

Users give independent states ``(n_samples, n_features)``, ready windows
``(n_windows, window, n_features)`` or a list of trajectories ``(T_i,
n_features)``. The trainer only sees windows; a window of a trajectory holds
``window_size`` states ``window_gap`` time steps apart.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_array


def is_trajectory_list(X) -> bool:
    """A list or tuple of arrays of two or more dimensions is a collection of
    trajectories (those of more are refused by ``check_trajectories``, naming
    the index), and so is an empty list, which ``check_trajectories`` refuses.

    Anything else, including a list of rows, is an array-like.
    """
    return isinstance(X, list | tuple) and (len(X) == 0 or np.ndim(X[0]) >= 2)


def check_trajectories(
    trajectories,
    *,
    n_features: int | None = None,
    dtype=np.float64,
    ensure_all_finite: bool | str = True,
    name: str = "X",
) -> list[np.ndarray]:
    """Validate a list of trajectories, naming the offending index on error.

    Parameters
    ----------
    trajectories : list of array-like of shape (T_i, n_features)
    n_features : int, optional
        Required width (the one seen in ``fit``).
    dtype : numpy dtype or list of them
        Output dtype (a list keeps the dtypes in it, as ``check_array``).
    ensure_all_finite : bool or "allow-nan", default=True
        As in ``check_array``: ``"allow-nan"`` lets NaN through, not inf.
    name : str, default="X"
        The argument's name, for error messages.

    Returns
    -------
    list of ndarray of shape (T_i, n_features)
    """
    if len(trajectories) == 0:
        raise ValueError(f"{name} is an empty list: no trajectories to use")
    checked = []
    for index, trajectory in enumerate(trajectories):
        try:
            array = check_array(
                trajectory, dtype=dtype, ensure_all_finite=ensure_all_finite
            )
        except ValueError as error:
            raise ValueError(f"{name}: trajectory {index}: {error}") from error
        expected = checked[0].shape[1] if n_features is None and checked else n_features
        if expected is not None and array.shape[1] != expected:
            raise ValueError(
                f"{name}: trajectory {index} has {array.shape[1]} features, "
                f"expected {expected}"
            )
        checked.append(array)
    return checked


def window_span(window_size: int, window_gap: int) -> int:
    """Number of consecutive time steps a window covers."""
    return (window_size - 1) * window_gap + 1


@dataclass(frozen=True)
class StateWindows:
    """Windows of states, each state stored once.

    Overlapping windows of a trajectory share states; keeping the states once
    and the windows as rows of indices into them holds a single copy of the
    data however many windows a state belongs to, on the host and (in the
    trainer) on the device. Works with numpy arrays and torch tensors alike.

    Parameters
    ----------
    states : ndarray of shape (n_states, n_features)
    index : ndarray of shape (n_windows, window_size)
        Row ``i`` lists the states of window ``i``, in time order.
    """

    states: np.ndarray
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_windows, window_size, n_features)``, as the windows array."""
        return (*self.index.shape, self.states.shape[1])

    def take(self, rows=slice(None)) -> np.ndarray:
        """The windows ``rows`` as an array ``(n, window_size, n_features)``."""
        return self.states[self.index[rows]]

    @classmethod
    def from_array(cls, windows: np.ndarray, dtype=None) -> "StateWindows":
        """Ready windows ``(n_windows, window_size, n_features)``."""
        n_windows, window_size, n_features = windows.shape
        index = np.arange(n_windows * window_size).reshape(n_windows, window_size)
        states = windows.reshape(-1, n_features)
        if dtype is not None:
            states = states.astype(dtype, copy=False)
        return cls(states, index)

    @classmethod
    def from_trajectories(
        cls,
        trajectories: list[np.ndarray],
        window_size: int,
        window_gap: int,
        dtype=None,
    ) -> "StateWindows":
        """Every window of ``window_size`` states ``window_gap`` steps apart
        (one per start time) of each trajectory; the states are stacked in
        ``dtype`` (default: theirs)."""
        span = window_span(window_size, window_gap)
        offsets = np.arange(window_size) * window_gap
        pieces, first = [], 0
        for number, trajectory in enumerate(trajectories):
            if len(trajectory) < span:
                transposed = len(trajectory) < trajectory.shape[1]
                raise ValueError(
                    f"trajectory {number} has {len(trajectory)} states, fewer than "
                    f"the {span} a window of window_size={window_size} states "
                    f"window_gap={window_gap} steps apart needs"
                    + (
                        f" (it has {trajectory.shape[1]} features: is it "
                        "transposed? A trajectory is (T, n_features))"
                        if transposed
                        else ""
                    )
                )
            starts = first + np.arange(len(trajectory) - span + 1)
            pieces.append(starts[:, None] + offsets)
            first += len(trajectory)
        return cls(np.concatenate(trajectories, dtype=dtype), np.concatenate(pieces))


def check_same_shapes(states: list, rates: list) -> None:
    """``X_dot`` pairs every state of ``X`` with its derivative: as many
    trajectories, each of the same shape (naming the first that differs)."""
    if len(rates) != len(states):
        raise ValueError(
            f"X has {len(states)} trajectories, but X_dot has {len(rates)}"
        )
    for index, (x, x_dot) in enumerate(zip(states, rates, strict=True)):
        if np.shape(x) != np.shape(x_dot):
            raise ValueError(
                f"X_dot[{index}] has shape {np.shape(x_dot)}, but X[{index}] has "
                f"shape {np.shape(x)}"
            )


def as_trajectories(
    X, *, name: str = "X", n_features: int | None = None, min_states: int = 2
):
    """Any input form -> list of trajectories (float64, finite).

    A list is a list of trajectories, a 3-D array a stack of them (e.g.
    windows), a 2-D array one trajectory, of at least ``min_states`` states
    (2 where time derivatives are estimated from it).
    """
    if is_trajectory_list(X) or getattr(X, "ndim", None) == 3:
        trajectories = check_trajectories(list(X), n_features=n_features, name=name)
        for number, trajectory in enumerate(trajectories):
            if len(trajectory) < min_states:
                raise ValueError(
                    f"{name}: trajectory {number} has {len(trajectory)} state(s), "
                    f"fewer than the {min_states} needed"
                )
        return trajectories
    array = check_array(X, dtype=np.float64, ensure_min_samples=min_states)
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(f"{name} has {array.shape[1]} features, expected {n_features}")
    return [array]


def check_time(t, lengths: list[int]):
    """Validate sampling times shared by trajectories of ``lengths`` states.

    ``t`` is a time step (positive scalar) or the times of every state (1-D,
    strictly increasing, as long as each trajectory). Returns a float or a
    float array.
    """
    if t is None:
        raise ValueError(
            "t is required: the sampling times (or the time step) of the "
            "trajectories; in a Pipeline pass it as y, fit(X, t)"
        )
    if np.ndim(t) == 0:
        step = float(t)
        if not np.isfinite(step) or step <= 0:
            raise ValueError(f"the time step t must be a positive number, got {t!r}")
        return step
    times = np.asarray(t, dtype=np.float64)
    if times.ndim != 1:
        raise ValueError(f"t must be a scalar or 1-D, got shape {times.shape}")
    for index, length in enumerate(lengths):
        if length != len(times):
            raise ValueError(
                f"t has {len(times)} time points, but trajectory {index} has "
                f"{length} states"
            )
    if not np.all(np.isfinite(times)):
        index = int(np.flatnonzero(~np.isfinite(times))[0])
        raise ValueError(f"t must be finite, got t[{index}] = {times[index]}")
    if np.any(np.diff(times) <= 0):
        index = int(np.flatnonzero(np.diff(times) <= 0)[0])
        raise ValueError(
            f"t must be strictly increasing, got t[{index}] = {times[index]} and "
            f"t[{index + 1}] = {times[index + 1]}"
        )
    return times


def time_step(t) -> float:
    """The step of uniformly sampled times (validated by ``check_time``)."""
    if np.ndim(t) == 0:
        return float(t)
    if len(t) < 2:
        raise ValueError(f"t has {len(t)} time point(s); a time step needs 2 or more")
    steps = np.diff(t)
    if not np.allclose(steps, steps[0], rtol=1e-6, atol=0.0):  # any time unit
        raise ValueError(
            "t must be uniformly sampled (a rollout steps by one fixed time step)"
        )
    return float(steps[0])
