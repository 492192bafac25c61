"""A spiral wave of the lambda-omega reaction-diffusion system."""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import fft
from sklearn.utils import check_random_state

from ._base import (
    TrajectoryData,
    check_float_dtype,
    check_int,
    check_positive_float,
)

__all__ = ["make_reaction_diffusion"]

_DOMAIN_LENGTH = 20.0  # the periodic square [-10, 10)^2
# Longest internal time step. The scheme converges at fourth order; halving
# this step changed the frames of a paper-size run (n_grid=100, t up to 500)
# by at most 8e-8 at its end.
_MAX_SUBSTEP = 0.0125


def _grid(n_grid: int) -> np.ndarray:
    """Grid points ``-10, -10 + h, ..., 10 - h`` of the periodic domain."""
    return -_DOMAIN_LENGTH / 2 + (_DOMAIN_LENGTH / n_grid) * np.arange(n_grid)


def _laplacian_symbol(n_grid: int, length: float = _DOMAIN_LENGTH) -> np.ndarray:
    """Fourier symbol -(k_y^2 + k_x^2) of the Laplacian in ``rfft2`` layout."""
    spacing = length / n_grid
    k_rows = 2 * np.pi * fft.fftfreq(n_grid, d=spacing)
    k_cols = 2 * np.pi * fft.rfftfreq(n_grid, d=spacing)
    return -(k_rows[:, None] ** 2 + k_cols[None, :] ** 2)


def _spectral_laplacian(
    fields: np.ndarray, length: float = _DOMAIN_LENGTH
) -> np.ndarray:
    """Laplacian of periodic fields (..., n, n) on a square of side ``length``."""
    n_grid = fields.shape[-1]
    symbol = _laplacian_symbol(n_grid, length)
    return fft.irfft2(symbol * fft.rfft2(fields), s=(n_grid, n_grid))


def _reaction(fields: np.ndarray, beta: float) -> np.ndarray:
    """Reaction terms of (u, v), stacked along the first axis."""
    u, v = fields
    a2 = u * u + v * v
    return np.stack([(1 - a2) * u + beta * a2 * v, -beta * a2 * u + (1 - a2) * v])


def _spiral(n_grid: int, spiral_arms: int, phase: float) -> np.ndarray:
    """The spiral initial condition (u, v), shape (2, n_grid, n_grid)."""
    y, x = np.meshgrid(_grid(n_grid), _grid(n_grid), indexing="ij")
    r, angle = np.hypot(x, y), np.arctan2(y, x)
    wave = spiral_arms * angle - r + phase
    return np.tanh(r) * np.stack([np.cos(wave), np.sin(wave)])


def make_reaction_diffusion(
    n_grid: int = 32,
    n_steps: int = 201,
    dt: float = 0.05,
    *,
    d1: float = 0.1,
    d2: float = 0.1,
    beta: float = 1.0,
    spiral_arms: int = 1,
    dtype: type | np.dtype = np.float64,
    random_state: int | np.random.RandomState | None = None,
) -> TrajectoryData:
    r"""Generate a spiral wave of the lambda-omega reaction-diffusion system.

    The system, as in the SINDy-autoencoder paper (Champion et al. 2019), is

    .. math::

        u_t = (1 - A^2)\,u + \beta A^2 v + d_1 \Delta u, \qquad
        v_t = -\beta A^2 u + (1 - A^2)\,v + d_2 \Delta v, \qquad
        A^2 = u^2 + v^2,

    on the periodic square :math:`[-10, 10)^2`, sampled on an ``n_grid`` x
    ``n_grid`` grid with a spectral (FFT) Laplacian. It starts from the
    ``spiral_arms``-armed spiral of Champion et al. (after Kutz's textbook
    code), :math:`u = \tanh(r) \cos(m\vartheta - r + \varphi)`,
    :math:`v = \tanh(r) \sin(m\vartheta - r + \varphi)`, with
    :math:`(r, \vartheta)` the polar coordinates of a grid point and
    :math:`m` = ``spiral_arms``. The phase :math:`\varphi` is drawn uniformly
    from :math:`[0, 2\pi)` with ``random_state``: it rotates the initial
    spiral by :math:`-\varphi / m`, which changes the solution because the
    square domain is not rotation invariant. (Champion et al. use
    :math:`\varphi = 0`.)

    The solver is fourth-order integrating-factor Runge-Kutta in Fourier
    space: diffusion is integrated exactly and the reaction with RK4, using
    equal substeps of at most 0.0125 between samples. All frames are kept,
    including the transient of the first ~10 time units from the spiral
    initial condition onto the rotating spiral wave (period about 6.9 for
    the default parameters), which is then nearly but not exactly periodic:
    the pattern keeps changing slowly.

    Parameters
    ----------
    n_grid : int, default=32
        Grid points per side, >= 4. The paper uses 100.
    n_steps : int, default=201
        Number of frames, >= 2. The paper uses 10001 (t up to 500).
    dt : float, default=0.05
        Time between frames, > 0.
    d1, d2 : float, default=0.1
        Diffusion coefficients of u and v, > 0.
    beta : float, default=1.0
        Finite coupling of the two fields; it sets the rotation frequency.
    spiral_arms : int, default=1
        Number of arms :math:`m` of the initial spiral, >= 1.
    dtype : {np.float64, np.float32}, default=np.float64
        Type of the returned frames and derivatives (the solver always runs in
        float64); float32 halves the memory, 0.8 GB instead of 1.6 GB at paper
        size.
    random_state : int, RandomState instance or None, default=None
        Seed for the initial phase :math:`\varphi`; the same seed gives the
        same data.

    Returns
    -------
    data : TrajectoryData
        One trajectory of the frames of u, shape (n_steps, n_grid**2), with
        ``state_shape`` ``(1, n_grid, n_grid)``: entry ``[i, j]`` of a frame,
        feature ``u[i,j]`` at position ``i * n_grid + j``, is u at
        ``(x, y) = (grid[j], grid[i])`` with
        ``grid = -10 + 20 / n_grid * np.arange(n_grid)`` (rows along y).
        ``derivatives`` are :math:`u_t` from the right-hand side at every
        frame (computed with the internal v). ``data.invariant`` is the
        spatial mean of :math:`u^2`, computed from u alone. It is only
        approximately conserved: at paper size it stays within 0.82% (max
        minus min over its mean, 0.450) for t in [10, 500], with an
        oscillation at twice the rotation frequency that grows slowly from
        +-0.03% at t = 50 to +-0.4% at t = 500; during the initial transient
        (t < 10) it moves by 14%.

    Raises
    ------
    ValueError
        If an argument is out of range or ``dtype`` is not float32/float64.

    Examples
    --------
    >>> from symlearn.datasets import make_reaction_diffusion
    >>> data = make_reaction_diffusion(n_grid=16, n_steps=5, random_state=0)
    >>> data.trajectories[0].shape, data.state_shape
    ((5, 256), (1, 16, 16))
    >>> data.invariant(data.trajectories[0]).shape
    (5,)
    """
    n_grid = check_int(n_grid, "n_grid", 4)
    n_steps = check_int(n_steps, "n_steps", 2)
    dt = check_positive_float(dt, "dt")
    d1 = check_positive_float(d1, "d1")
    d2 = check_positive_float(d2, "d2")
    if (
        isinstance(beta, bool)
        or not isinstance(beta, numbers.Real)
        or not math.isfinite(beta)
    ):
        raise ValueError(f"beta must be a finite number, got {beta!r}.")
    beta = float(beta)
    spiral_arms = check_int(spiral_arms, "spiral_arms", 1)
    dtype = check_float_dtype(dtype)
    rng = check_random_state(random_state)

    phase = rng.uniform(0.0, 2 * np.pi)
    fields = _spiral(n_grid, spiral_arms, phase)
    frames, derivatives = _integrate(fields, n_steps, dt, (d1, d2), beta, dtype)

    t = dt * np.arange(n_steps, dtype=np.float64)
    return TrajectoryData(
        trajectories=[frames],
        derivatives=[derivatives],
        t=t,
        invariant=_mean_square,
        feature_names=[f"u[{i},{j}]" for i in range(n_grid) for j in range(n_grid)],
        name="reaction_diffusion",
        state_shape=(1, n_grid, n_grid),
    )


def _mean_square(states: np.ndarray) -> np.ndarray:
    """Spatial mean of u^2 for frames of shape (n, n_grid**2)."""
    states = np.asarray(states)
    # einsum accumulates in float64 without a squared copy of all frames.
    return np.einsum("ij,ij->i", states, states, dtype=np.float64) / states.shape[-1]


def _integrate(
    fields: np.ndarray,
    n_steps: int,
    dt: float,
    diffusion: tuple[float, float],
    beta: float,
    dtype: np.dtype,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate from (u, v) at t = 0; return u frames and u_t, (n_steps, n^2)."""
    n_grid = fields.shape[-1]
    shape = (n_grid, n_grid)
    n_sub = max(1, math.ceil(dt / _MAX_SUBSTEP - 1e-9))
    h = dt / n_sub

    laplacian = _laplacian_symbol(n_grid)
    # Diffusion operator of (u, v) in Fourier space, and its exact flows.
    linear = np.array(diffusion)[:, None, None] * laplacian
    half_flow = np.exp(0.5 * h * linear)
    full_flow = half_flow**2

    def reaction_hat(state_hat: np.ndarray) -> np.ndarray:
        return fft.rfft2(_reaction(fft.irfft2(state_hat, s=shape), beta))

    frames = np.empty((n_steps, n_grid * n_grid), dtype=dtype)
    derivatives = np.empty_like(frames)
    state_hat = fft.rfft2(fields)
    for step in range(n_steps):
        if step > 0:
            for _ in range(n_sub):
                # Integrating-factor RK4: the diffusion flow is applied
                # exactly between the stages, the reaction by RK4.
                k1 = h * reaction_hat(state_hat)
                k2 = h * reaction_hat(half_flow * (state_hat + 0.5 * k1))
                k3 = h * reaction_hat(half_flow * state_hat + 0.5 * k2)
                k4 = h * reaction_hat(full_flow * state_hat + half_flow * k3)
                state_hat = (
                    full_flow * state_hat
                    + (full_flow * k1 + 2 * half_flow * (k2 + k3) + k4) / 6
                )
        fields = fft.irfft2(state_hat, s=shape)
        u_diffusion = diffusion[0] * fft.irfft2(laplacian * state_hat[0], s=shape)
        frames[step] = fields[0].ravel()
        derivatives[step] = (_reaction(fields, beta)[0] + u_diffusion).ravel()
    return frames, derivatives
