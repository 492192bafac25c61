"""Nonlinear pendulum trajectories."""

from __future__ import annotations

import numpy as np

from ._base import TrajectoryData, simulate_ode

__all__ = ["make_pendulum"]

# Closed orbits only: |omega0**2 / 2 - cos(theta0)| <= this bound, i.e. energy
# in [0.01, 1.99], away from the separatrix at energy 2.
_ORBIT_BOUND = 0.99
_OMEGA_MAX = 2.1


def _pendulum_rhs(states: np.ndarray) -> np.ndarray:
    theta, omega = states[..., 0], states[..., 1]
    return np.stack([omega, -np.sin(theta)], axis=-1)


def _pendulum_energy(states: np.ndarray) -> np.ndarray:
    states = np.asarray(states)  # a DataFrame too
    theta, omega = states[..., 0], states[..., 1]
    return 0.5 * omega**2 + 1.0 - np.cos(theta)


def _sample_closed_orbits(n: int, rng: np.random.RandomState) -> np.ndarray:
    """Rejection-sample ``n`` initial states on closed orbits."""
    accepted: list[np.ndarray] = []
    n_accepted = 0
    while n_accepted < n:
        # About 2/3 of the draws are accepted, so twice the need rarely loops.
        n_draw = 2 * (n - n_accepted)
        theta = rng.uniform(-np.pi, np.pi, size=n_draw)
        omega = rng.uniform(-_OMEGA_MAX, _OMEGA_MAX, size=n_draw)
        keep = np.abs(0.5 * omega**2 - np.cos(theta)) <= _ORBIT_BOUND
        accepted.append(np.column_stack([theta[keep], omega[keep]]))
        n_accepted += int(keep.sum())
    return np.concatenate(accepted)[:n]


def make_pendulum(
    n_trajectories: int = 200,
    n_steps: int = 500,
    dt: float = 0.02,
    random_state: int | np.random.RandomState | None = None,
) -> TrajectoryData:
    r"""Generate trajectories of the nonlinear pendulum.

    The system is :math:`\ddot\theta = -\sin\theta` with state
    :math:`(\theta, \omega)`, :math:`\omega = \dot\theta`. As in the
    SINDy-autoencoder paper, initial conditions are drawn with
    :math:`\theta_0 \sim U[-\pi, \pi]`, :math:`\omega_0 \sim U[-2.1, 2.1]` and
    rejection-sampled to keep only closed orbits with
    :math:`|\omega_0^2/2 - \cos\theta_0| \le 0.99`, so every energy
    :math:`E = \omega^2/2 + 1 - \cos\theta` lies in :math:`[0.01, 1.99]`.
    Trajectories are integrated with ``scipy.integrate.solve_ivp`` (DOP853,
    ``rtol = atol = 1e-10``).

    Parameters
    ----------
    n_trajectories : int, default=200
        Number of trajectories, >= 1.
    n_steps : int, default=500
        Number of samples per trajectory, >= 2.
    dt : float, default=0.02
        Time between samples, > 0.
    random_state : int, RandomState instance or None, default=None
        Seed for the initial conditions; the same seed gives the same data.

    Returns
    -------
    data : TrajectoryData
        Trajectories of shape (n_steps, 2) with features ``["theta",
        "omega"]``; ``data.invariant`` is the energy.

    Raises
    ------
    ValueError
        If ``n_trajectories < 1``, ``n_steps < 2`` or ``dt <= 0``.

    Examples
    --------
    >>> from symlearn.datasets import make_pendulum
    >>> data = make_pendulum(n_trajectories=3, n_steps=50, random_state=0)
    >>> data.trajectories[0].shape
    (50, 2)
    >>> energy = data.invariant(data.trajectories[0])
    >>> bool(abs(energy.max() - energy.min()) < 1e-6)
    True
    """
    trajectories, derivatives, t = simulate_ode(
        _pendulum_rhs,
        _sample_closed_orbits,
        n_trajectories,
        n_steps,
        dt,
        random_state,
    )
    return TrajectoryData(
        trajectories=trajectories,
        derivatives=derivatives,
        t=t,
        invariant=_pendulum_energy,
        feature_names=["theta", "omega"],
        name="pendulum",
    )
