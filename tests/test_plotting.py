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
    import matplotlib.pyplot as plt

    est = small_discoverer(n_generators=4).fit(pendulum.trajectories)
    assert len(plotting.plot_generators(est)) == 4
    _, grid = plt.subplots(2, 2)
    assert list(plotting.plot_generators(est, axes=grid)) == list(grid.ravel())
    with pytest.raises(ValueError, match="axes holds 2 axes, but .* 4 generators"):
        plotting.plot_generators(est, axes=grid[0])


def test_plot_transformed_and_history(fitted, pendulum):
    ax = plotting.plot_transformed(fitted, pendulum.states, [0.5])
    assert len(ax.collections) == 2
    windows = np.stack(pendulum.trajectories)[:, :3]  # drawn state by state
    ax = plotting.plot_transformed(fitted, windows, [0.5])
    assert len(ax.collections[0].get_offsets()) == 8 * 3
    one_feature = small_discoverer(latent_dim=1).fit(pendulum.states[:, :1])
    with pytest.raises(ValueError, match="first two features; .* fitted on 1"):
        plotting.plot_transformed(one_feature, pendulum.states[:, :1])
    # trajectories, each moved by one group element, as apply_group moves them
    ax = plotting.plot_transformed(fitted, pendulum.trajectories)
    moved = fitted.apply_group(pendulum.trajectories, random_state=0)
    np.testing.assert_allclose(ax.collections[1].get_offsets(), np.concatenate(moved))
    ax = plotting.plot_history(fitted)
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2])


def test_plot_frames_draws_images_real_above_moved():
    X = np.random.RandomState(0).normal(size=(32, 2 * 5 * 5))
    est = small_discoverer(input_shape=(2, 5, 5)).fit(X)
    axes = plotting.plot_frames(est, X, [1.0], n_frames=3)
    assert axes.shape == (2, 3)
    moved = est.apply_group(X[:1], [1.0]).reshape(2, 5, 5)[0]
    drawn = axes[1, 0].images[0].get_array()
    np.testing.assert_allclose(drawn, moved, rtol=1e-4, atol=1e-5)


def test_plot_frames_subtract_mean_draws_deviations_from_the_mean_state():
    X = np.random.RandomState(0).normal(loc=3.0, size=(32, 2 * 5 * 5))
    est = small_discoverer(input_shape=(2, 5, 5)).fit(X)
    axes = plotting.plot_frames(est, X, [1.0], n_frames=2, subtract_mean=True)
    moved = est.apply_group(X[1:2], [1.0]) - X.mean(axis=0)
    drawn = axes[1, 1].images[0].get_array()
    np.testing.assert_allclose(drawn, moved.reshape(2, 5, 5)[0], rtol=1e-4, atol=1e-5)
    low, high = axes[0, 1].images[0].get_clim()
    assert low == -high > -np.inf


def test_plot_frames_draws_signals_as_curves():
    X = np.random.RandomState(0).normal(size=(32, 8))
    est = small_discoverer(input_shape=(1, 8)).fit(X)
    axes = plotting.plot_frames(est, X, n_frames=2)
    assert len(axes) == 2 and len(axes[0].lines) == 2


def test_plot_frames_needs_an_input_shape(fitted, pendulum):
    with pytest.raises(ValueError, match="input_shape"):
        plotting.plot_frames(fitted, pendulum.states)


def test_plot_latent_needs_a_latent_plane(pendulum):
    est = small_discoverer(latent_dim=1).fit(pendulum.trajectories)
    with pytest.raises(ValueError, match="latent_dim=1 has none"):
        plotting.plot_latent(est, pendulum.states)


def test_plot_latent_takes_trajectories_and_windows(fitted, pendulum):
    from_states = plotting.plot_latent(fitted, pendulum.states, n_orbits=0)
    points = from_states.collections[0].get_offsets()
    for X in (pendulum.trajectories, np.stack(pendulum.trajectories)):
        ax = plotting.plot_latent(fitted, X, n_orbits=0)
        np.testing.assert_allclose(ax.collections[0].get_offsets(), points, rtol=1e-6)


def test_plot_generators_takes_one_axes_for_one_generator(fitted):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert plotting.plot_generators(fitted, axes=ax)[0] is ax


def test_latent_view_faces_the_plane_the_generator_turns():
    generator = np.zeros((3, 3))
    generator[0, 2], generator[2, 0] = -1.0, 1.0  # turns (z0, z2)
    Z = np.random.RandomState(0).normal(size=(50, 3))
    view = plotting._latent_view(generator, Z, Z.mean(axis=0))
    np.testing.assert_allclose(view @ view.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(view[:, 1], 0.0, atol=1e-12)


def test_latent_view_without_rotation_uses_principal_directions():
    scales = np.array([0.01, 3.0, 2.0])
    Z = np.random.RandomState(0).normal(size=(200, 3)) * scales
    view = plotting._latent_view(np.diag([1.0, 2.0, 3.0]), Z, Z.mean(axis=0))
    np.testing.assert_allclose(np.abs(view[:, 0]), 0.0, atol=0.02)


def test_plot_latent_projects_a_wider_latent():
    X = np.random.RandomState(0).normal(size=(64, 6))
    est = small_discoverer(latent_dim=3).fit(X)
    ax = plotting.plot_latent(est, X, n_orbits=2)
    assert ax.get_xlabel() == "u0" and len(ax.lines) == 2
    drawn = ax.collections[0].get_offsets()
    Z = est.transform(X)
    view = plotting._latent_view(est.generators_[0], Z, est.center_)
    np.testing.assert_allclose(drawn, Z @ view.T, rtol=1e-5, atol=1e-6)
