"""Synthetic data sets with known symmetries and conserved quantities."""

from ._base import GroupOrbitData, TrajectoryData
from .double_bump import make_double_bump
from .linear import make_circles, make_spheres
from .lotka_volterra import make_lotka_volterra
from .pendulum import make_pendulum
from .pendulum_movie import make_pendulum_movie
from .reaction_diffusion import make_reaction_diffusion
from .rotating_object import make_rotating_object

__all__ = [
    "GroupOrbitData",
    "TrajectoryData",
    "make_circles",
    "make_double_bump",
    "make_lotka_volterra",
    "make_pendulum",
    "make_pendulum_movie",
    "make_reaction_diffusion",
    "make_rotating_object",
    "make_spheres",
]
