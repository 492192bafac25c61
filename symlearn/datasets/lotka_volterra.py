"""Lotka-Volterra trajectories in canonical (log) coordinates."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ._base import TrajectoryData, check_interval, simulate_ode

__all__ = ["make_lotka_volterra"]

# Parameters of x' = A x - B x y, y' = C x y - D y.
A = 2.0 / 3.0
B = 4.0 / 3.0
C = 1.0
D = 1.0

# Equilibrium (minimum of H) in log coordinates.
P_STAR = np.log(D / C)
Q_STAR = np.log(A / B)


def _lv_rhs(states: np.ndarray) -> np.ndarray:
    p, q = states[..., 0], states[..., 1]
    return np.stack([A - B * np.exp(q), C * np.exp(p) - D], axis=-1)


def _hamiltonian(states: np.ndarray) -> np.ndarray:
    states = np.asarray(states)  # a DataFrame too
    p, q = states[..., 0], states[..., 1]
    return C * np.exp(p) - D * p + B * np.exp(q) - A * q


H_MIN = float(_hamiltonian(np.array([P_STAR, Q_STAR])))
# Rejection sampling gives up after this many uniform draws: a band too thin
# to hit.
_MAX_SAMPLING_DRAWS = 10_000_000


def _axis_extent(h: float, scale: float, slope: float, rest: float) -> tuple:
    """Interval of ``u`` with ``scale e^u - slope u + rest <= h`` (convex in u)."""
    center = np.log(slope / scale)

    def gap(u: float) -> float:
        return scale * np.exp(u) - slope * u + rest - h

    step = 1.0
    while gap(center - step) <= 0.0 or gap(center + step) <= 0.0:
        step *= 2.0
    return brentq(gap, center - step, center), brentq(gap, center, center + step)


def _bounding_box(h: float) -> np.ndarray:
    """Smallest box ``[[p_lo, q_lo], [p_hi, q_hi]]`` holding ``{H <= h}``."""
    q_min_part = B * np.exp(Q_STAR) - A * Q_STAR
    p_min_part = C * np.exp(P_STAR) - D * P_STAR
    p_range = _axis_extent(h, C, D, q_min_part)
    q_range = _axis_extent(h, B, A, p_min_part)
    return np.array([[p_range[0], q_range[0]], [p_range[1], q_range[1]]])


def make_lotka_volterra(
    n_trajectories: int = 200,
    n_steps: int = 500,
    dt: float = 0.02,
    h_range: tuple[float, float] = (3.0, 4.5),
    random_state: int | np.random.RandomState | None = None,
) -> TrajectoryData:
    r"""Generate Lotka-Volterra trajectories in canonical log coordinates.

    The predator-prey system :math:`\dot x = a x - b x y`,
    :math:`\dot y = c x y - d y` with :math:`a = 2/3`, :math:`b = 4/3`,
    :math:`c = d = 1` is written in :math:`p = \ln x`, :math:`q = \ln y`:

    .. math::

        \dot p = a - b e^q, \qquad \dot q = c e^p - d,

    a Hamiltonian system with conserved
    :math:`H(p, q) = c e^p - d p + b e^q - a q`. Initial states are drawn
    uniformly (by area) from the band ``h_range[0] <= H <= h_range[1]``: as
    :math:`(p, q)` are canonical, area is preserved by the flow, so every
    orbit is sampled uniformly in phase and the state distribution is
    invariant under the dynamics (the symmetry that LaLiGAN finds). Trajectories
    are integrated with ``scipy.integrate.solve_ivp`` (DOP853,
    ``rtol = atol = 1e-10``).

    Parameters
    ----------
    n_trajectories : int, default=200
        Number of trajectories, >= 1.
    n_steps : int, default=500
        Number of samples per trajectory, >= 2.
    dt : float, default=0.02
        Time between samples, > 0.
    h_range : tuple of float, default=(3.0, 4.5)
        Band ``(low, high)`` of Hamiltonian values; ``low`` must exceed the
        minimum of H (about 2.129) and ``low <= high``.
    random_state : int, RandomState instance or None, default=None
        Seed for the initial conditions; the same seed gives the same data.

    Returns
    -------
    data : TrajectoryData
        Trajectories of shape (n_steps, 2) with features ``["p", "q"]``;
        ``data.invariant`` is the Hamiltonian H.

    Raises
    ------
    ValueError
        If ``n_trajectories < 1``, ``n_steps < 2``, ``dt <= 0`` or
        ``h_range`` is not a valid band above the minimum of H.

    Examples
    --------
    >>> from symlearn.datasets import make_lotka_volterra
    >>> data = make_lotka_volterra(n_trajectories=3, n_steps=50, random_state=0)
    >>> data.trajectories[0].shape
    (50, 2)
    >>> h = data.invariant(data.states)
    >>> bool(((h >= 3.0 - 1e-6) & (h <= 4.5 + 1e-6)).all())
    True
    """
    h_low, h_high = check_interval(h_range, "h_range")
    if h_low <= H_MIN:
        raise ValueError(
            f"h_range must lie above the minimum of H ({H_MIN:.4f}), got {h_range!r}."
        )
    if h_low == h_high:  # a level set has no area to sample from
        raise ValueError(f"h_range must be a band with low < high, got {h_range!r}.")

    box = _bounding_box(h_high)

    def sample_initial_states(n: int, rng: np.random.RandomState) -> np.ndarray:
        accepted = np.empty((0, 2))
        rounds = -(-_MAX_SAMPLING_DRAWS // (4 * n))  # draws of 4 n each
        for _ in range(rounds):
            points = rng.uniform(box[0], box[1], size=(4 * n, 2))
            h = _hamiltonian(points)
            accepted = np.vstack([accepted, points[(h >= h_low) & (h <= h_high)]])
            if len(accepted) >= n:
                return accepted[:n]
        raise ValueError(
            f"h_range={h_range!r} is too thin: {rounds * 4 * n} uniform draws "
            f"found {len(accepted)} of the {n} initial states in it; widen it"
        )

    trajectories, derivatives, t = simulate_ode(
        _lv_rhs,
        sample_initial_states,
        n_trajectories,
        n_steps,
        dt,
        random_state,
    )
    return TrajectoryData(
        trajectories=trajectories,
        derivatives=derivatives,
        t=t,
        invariant=_hamiltonian,
        feature_names=["p", "q"],
        name="lotka_volterra",
    )
