"""Synthetic data sets with known symmetries and conserved quantities."""

from ._base import TrajectoryData
from .linear import make_circles, make_spheres
from .lotka_volterra import make_lotka_volterra
from .pendulum import make_pendulum

__all__ = [
    "TrajectoryData",
    "make_circles",
    "make_lotka_volterra",
    "make_pendulum",
    "make_spheres",
]
