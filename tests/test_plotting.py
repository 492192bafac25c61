import matplotlib
import numpy as np
import pytest
from conftest import small_discoverer

from symlearn import plotting

matplotlib.use("Agg")


@pytest.fixture
def fitted(pendulum):
    return small_discoverer().fit(pendulum.trajectories)


def test_plot_latent_draws_points_and_orbits(fitted, pendulum):
    ax = plotting.plot_latent(
        fitted, pendulum.states, color=pendulum.invariant(pendulum.states), n_orbits=3
    )
    assert len(ax.collections) == 1 and len(ax.lines) == 3


def test_plot_generators_one_axis_per_generator(pendulum):
    est = small_discoverer(n_generators=2).fit(pendulum.trajectories)
    assert len(plotting.plot_generators(est)) == 2


def test_plot_transformed_and_history(fitted, pendulum):
    ax = plotting.plot_transformed(fitted, pendulum.states, [0.5])
    assert len(ax.collections) == 2
    ax = plotting.plot_history(fitted)
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2])
