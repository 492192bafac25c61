"""Tests for the high-dimensional data sets: fields, movies, signals, images."""

import dataclasses

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.spatial.transform import Rotation

from symlearn.datasets import (
    GroupOrbitData,
    TrajectoryData,
    make_double_bump,
    make_pendulum,
    make_pendulum_movie,
    make_reaction_diffusion,
    make_rotating_object,
)
from symlearn.datasets import rotating_object as rotating_module
from symlearn.datasets.pendulum import _pendulum_energy
from symlearn.datasets.reaction_diffusion import _spectral_laplacian
from symlearn.groups import group_basis


def _check_trajectories(data, n_traj, n_steps, state_shape):
    n_dims = int(np.prod(state_shape))
    assert isinstance(data, TrajectoryData)
    assert data.state_shape == state_shape
    assert len(data.trajectories) == len(data.derivatives) == n_traj
    assert data.t.shape == (n_steps,)
    assert data.t.dtype == np.float64
    for traj, deriv in zip(data.trajectories, data.derivatives, strict=True):
        assert traj.shape == deriv.shape == (n_steps, n_dims)
        assert np.all(np.isfinite(traj)) and np.all(np.isfinite(deriv))
    assert len(data.feature_names) == n_dims
    assert data.invariant(data.states).shape == (n_traj * n_steps,)


# --------------------------------------------------------- reaction-diffusion


@pytest.fixture(scope="module")
def reaction_diffusion():
    return make_reaction_diffusion(random_state=0)


def test_reaction_diffusion_shapes(reaction_diffusion):
    data = reaction_diffusion
    _check_trajectories(data, 1, 201, (1, 32, 32))
    assert data.name == "reaction_diffusion"
    assert data.trajectories[0].dtype == np.float64
    assert data.feature_names[:2] == ["u[0,0]", "u[0,1]"]
    assert data.feature_names[-1] == "u[31,31]"
    np.testing.assert_allclose(data.t, 0.05 * np.arange(201))


def test_reaction_diffusion_initial_spiral():
    data = make_reaction_diffusion(n_grid=16, n_steps=2, spiral_arms=2, random_state=3)
    # The documented convention: phase drawn first, rows along y.
    phase = np.random.RandomState(3).uniform(0.0, 2 * np.pi)
    grid = -10 + 20 / 16 * np.arange(16)
    y, x = np.meshgrid(grid, grid, indexing="ij")
    r = np.hypot(x, y)
    expected = np.tanh(r) * np.cos(2 * np.arctan2(y, x) - r + phase)
    np.testing.assert_allclose(data.trajectories[0][0], expected.ravel(), atol=1e-12)


def test_reaction_diffusion_reproducible():
    a = make_reaction_diffusion(n_grid=16, n_steps=20, random_state=7)
    b = make_reaction_diffusion(n_grid=16, n_steps=20, random_state=7)
    c = make_reaction_diffusion(n_grid=16, n_steps=20, random_state=8)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.derivatives[0], b.derivatives[0])
    assert not np.allclose(a.states, c.states)


def test_reaction_diffusion_float32():
    single = make_reaction_diffusion(
        n_grid=16, n_steps=20, dtype=np.float32, random_state=0
    )
    double = make_reaction_diffusion(n_grid=16, n_steps=20, random_state=0)
    assert single.trajectories[0].dtype == np.float32
    assert single.derivatives[0].dtype == np.float32
    assert single.t.dtype == np.float64
    np.testing.assert_allclose(single.states, double.states, atol=1e-6)
    np.testing.assert_allclose(
        single.invariant(single.states), double.invariant(double.states), rtol=1e-6
    )


def test_spectral_laplacian_on_smooth_field():
    def fields(n):
        h = 20 / n
        grid = -10 + h * np.arange(n)
        y, x = np.meshgrid(grid, grid, indexing="ij")
        field = np.sin(np.pi * x / 10) * np.cos(2 * np.pi * y / 10)
        exact = -((np.pi / 10) ** 2 + (2 * np.pi / 10) ** 2) * field
        return field, exact, h

    def finite_difference(field, h):
        # Second-order five-point stencil, periodic.
        return (
            np.roll(field, 1, 0)
            + np.roll(field, -1, 0)
            + np.roll(field, 1, 1)
            + np.roll(field, -1, 1)
            - 4 * field
        ) / h**2

    errors = []
    for n in (32, 64):
        field, exact, h = fields(n)
        np.testing.assert_allclose(_spectral_laplacian(field), exact, atol=1e-12)
        fd_error = np.abs(finite_difference(field, h) - exact).max()
        # Leading error term h^2 / 12 (k_x^4 + k_y^4) for this field.
        bound = h**2 / 12 * ((np.pi / 10) ** 4 + (2 * np.pi / 10) ** 4)
        assert fd_error <= 1.01 * bound
        np.testing.assert_allclose(
            _spectral_laplacian(field), finite_difference(field, h), atol=bound
        )
        errors.append(fd_error)
    # The finite difference converges at second order, the spectral one is exact.
    assert 3.9 < errors[0] / errors[1] < 4.1


def test_spectral_laplacian_stacked_fields():
    rng = np.random.RandomState(0)
    fields = rng.normal(size=(2, 3, 8, 8))
    stacked = _spectral_laplacian(fields)
    for index in np.ndindex(2, 3):
        np.testing.assert_allclose(stacked[index], _spectral_laplacian(fields[index]))


@pytest.mark.parametrize("dt", [0.05, 0.025])
def test_reaction_diffusion_derivative_matches_finite_differences(dt):
    data = make_reaction_diffusion(n_steps=round(4 / dt) + 1, dt=dt, random_state=0)
    frames, deriv = data.trajectories[0], data.derivatives[0]
    central = (frames[2:] - frames[:-2]) / (2 * dt)
    error = np.abs(central - deriv[1:-1]).max(axis=1)
    # Central differences are O(dt^2); measured 0.14 dt^2 once the sharp
    # initial condition has smoothed (t >= 1) and 3.4 dt^2 before.
    assert np.all(error[data.t[1:-1] >= 1] < 0.5 * dt**2)
    assert np.all(error < 10 * dt**2)


def test_reaction_diffusion_invariant_on_limit_cycle():
    data = make_reaction_diffusion(n_grid=32, n_steps=801, random_state=0)
    values = data.invariant(data.states)
    np.testing.assert_allclose(values, np.mean(data.states**2, axis=1))
    on_cycle = values[data.t >= 20]
    # Measured 0.43% here (0.82% at paper size over t in [10, 500]); the
    # transient from the initial spiral moves it by 14%.
    assert np.ptp(on_cycle) / on_cycle.mean() < 0.01
    assert np.ptp(values) / values.mean() > 0.05


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_grid": 3}, "n_grid"),
        ({"n_grid": 8.0}, "n_grid"),
        ({"n_steps": 1}, "n_steps"),
        ({"dt": 0.0}, "dt"),
        ({"d1": -0.1}, "d1"),
        ({"d2": float("inf")}, "d2"),
        ({"beta": float("nan")}, "beta"),
        ({"beta": "1"}, "beta"),
        ({"spiral_arms": 0}, "spiral_arms"),
        ({"dtype": np.int64}, "dtype"),
        ({"dtype": "not a dtype"}, "dtype"),
    ],
)
def test_reaction_diffusion_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_reaction_diffusion(**({"n_grid": 8, "n_steps": 3} | kwargs))


# ------------------------------------------------------------ pendulum movie


@pytest.fixture(scope="module")
def pendulum_movie():
    return make_pendulum_movie(random_state=0)


def test_pendulum_movie_shapes(pendulum_movie):
    data = pendulum_movie
    _check_trajectories(data, 4, 50, (2, 51, 51))
    assert data.name == "pendulum_movie"
    assert data.feature_names[0] == "frame[0,0]"
    assert data.feature_names[51 * 51] == "frame_dot[0,0]"
    np.testing.assert_allclose(data.t, 0.02 * np.arange(50))


def test_pendulum_movie_frames_match_pendulum(pendulum_movie):
    # Same initial-state sampling as make_pendulum, so the same seed gives the
    # same angles.
    angles = make_pendulum(n_trajectories=4, n_steps=50, random_state=0)
    grid = np.linspace(-1.5, 1.5, 51)
    y2, y1 = np.meshgrid(grid, grid, indexing="ij")
    for movie, states in zip(
        pendulum_movie.trajectories, angles.trajectories, strict=True
    ):
        images = movie.reshape(50, 2, 51, 51)
        for image, theta in zip(images[::7], states[::7, 0], strict=True):
            expected = np.exp(
                -20
                * (
                    (y1 - np.cos(theta - np.pi / 2)) ** 2
                    + (y2 - np.sin(theta - np.pi / 2)) ** 2
                )
            )
            np.testing.assert_allclose(image[0], expected, atol=1e-12)


def test_pendulum_movie_reproducible():
    a = make_pendulum_movie(n_trajectories=2, n_steps=5, image_size=16, random_state=1)
    b = make_pendulum_movie(n_trajectories=2, n_steps=5, image_size=16, random_state=1)
    c = make_pendulum_movie(n_trajectories=2, n_steps=5, image_size=16, random_state=2)
    np.testing.assert_array_equal(a.states, b.states)
    assert not np.allclose(a.states, c.states)


def test_pendulum_movie_float32():
    kwargs = {"n_trajectories": 2, "n_steps": 5, "image_size": 16, "random_state": 0}
    single = make_pendulum_movie(dtype=np.float32, **kwargs)
    double = make_pendulum_movie(**kwargs)
    assert single.trajectories[0].dtype == np.float32
    assert single.derivatives[0].dtype == np.float32
    assert single.t.dtype == np.float64
    np.testing.assert_allclose(single.states, double.states, atol=1e-6)
    np.testing.assert_allclose(
        single.derivatives[1], double.derivatives[1], rtol=1e-6, atol=1e-5
    )


def test_pendulum_movie_derivatives_match_finite_differences():
    dt = 0.005
    data = make_pendulum_movie(n_steps=100, dt=dt, random_state=3)
    half = 51 * 51
    for traj, deriv in zip(data.trajectories, data.derivatives, strict=True):
        # The second channel of a state is the first channel of its derivative.
        np.testing.assert_array_equal(traj[:, half:], deriv[:, :half])
        central = (traj[2:] - traj[:-2]) / (2 * dt)
        # O(dt^2): measured 1.2e4 dt^2 (0.3 here) against values up to 150.
        np.testing.assert_allclose(central, deriv[1:-1], rtol=0, atol=2e4 * dt**2)


def test_pendulum_movie_energy_from_pixels(pendulum_movie):
    angles = make_pendulum(n_trajectories=20, n_steps=100, random_state=4)
    data = make_pendulum_movie(n_trajectories=20, n_steps=100, random_state=4)
    estimate = data.invariant(data.states)
    true = _pendulum_energy(angles.states)
    # Measured at most 8.5e-4 over 50 000 states, 4e-4 here (truncation of
    # the bob at the frame edge); the energies span [0.01, 1.99].
    np.testing.assert_allclose(estimate, true, rtol=0, atol=1.5e-3)
    assert np.ptp(true) > 1.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_trajectories": 0}, "n_trajectories"),
        ({"n_steps": 1}, "n_steps"),
        ({"dt": -0.1}, "dt"),
        ({"image_size": 7}, "image_size"),
        ({"dtype": np.int32}, "dtype"),
    ],
)
def test_pendulum_movie_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_pendulum_movie(**kwargs)


# --------------------------------------------------------------- double bump


def _bumps(length, width):
    rectangle = np.zeros(length)
    rectangle[:width] = 1
    triangle = np.zeros(length)
    triangle[:width] = 1 - np.abs(np.linspace(-1, 1, width))
    return rectangle, triangle


@pytest.fixture(scope="module")
def double_bump():
    return make_double_bump(random_state=0)


def test_double_bump_shapes(double_bump):
    data = double_bump
    assert isinstance(data, GroupOrbitData)
    assert data.states.shape == (256, 64)
    assert data.state_shape == (1, 64)
    assert data.parameters.shape == (256, 2)
    assert np.issubdtype(data.parameters.dtype, np.integer)
    assert data.parameters.min() >= 0 and data.parameters.max() < 64
    assert data.group == "so2+so2"
    assert data.name == "double_bump"
    # Both shifts take many values, independently.
    assert len(np.unique(data.parameters[:, 0])) > 40
    assert abs(np.corrcoef(data.parameters.T)[0, 1]) < 0.2


def test_double_bump_reference_and_states(double_bump):
    rectangle, triangle = _bumps(64, 16)
    # The triangle is zero at its ends and peaks in its middle.
    assert triangle[0] == triangle[15] == 0
    assert np.argmax(triangle) in (7, 8)
    assert triangle[7] == pytest.approx(triangle[8])
    reference = double_bump.move(-double_bump.parameters)
    np.testing.assert_allclose(
        reference, np.tile(0.5 * (rectangle + triangle), (256, 1))
    )
    for state, (s1, s2) in zip(double_bump.states, double_bump.parameters, strict=True):
        expected = 0.5 * (np.roll(rectangle, s1) + np.roll(triangle, s2))
        np.testing.assert_allclose(state, expected)


def test_double_bump_move_rolls_each_bump():
    data = make_double_bump(n_samples=20, length=40, width=9, random_state=1)
    rectangle, triangle = _bumps(40, 9)
    moves = np.random.RandomState(0).randint(-100, 100, size=(20, 2))
    moved = data.move(moves)
    shifts = data.parameters + moves
    for state, (s1, s2) in zip(moved, shifts, strict=True):
        np.testing.assert_allclose(
            state, 0.5 * (np.roll(rectangle, s1) + np.roll(triangle, s2))
        )
    np.testing.assert_array_equal(data.move(np.zeros((20, 2), int)), data.states)


def test_double_bump_move_coordinates():
    data = make_double_bump(n_samples=4, length=64, random_state=0)
    moves = np.array([[0, 1], [16, 32], [48, 63], [64, -16]])
    expected = 2 * np.pi / 64 * np.array([[0, 1], [16, 32], [-16, -1], [0, -16]])
    np.testing.assert_allclose(data.move_coordinates(moves), expected, atol=1e-12)
    angles = data.move_coordinates(data.sample_moves(500, random_state=0))
    assert np.all((angles > -np.pi) & (angles <= np.pi))
    # In the basis of group_basis("so2+so2", 4), the coordinates exponentiate
    # to rotations by 2 pi s / L on each plane.
    basis = group_basis("so2+so2", 4)
    for move, coordinates in zip(moves, data.move_coordinates(moves), strict=True):
        rotation = expm(np.tensordot(coordinates, basis, axes=1))
        for block, shift in zip((slice(0, 2), slice(2, 4)), move, strict=True):
            angle = 2 * np.pi * shift / 64
            np.testing.assert_allclose(
                rotation[block, block],
                [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]],
                atol=1e-12,
            )


def test_double_bump_reproducible():
    a = make_double_bump(n_samples=30, random_state=5)
    b = make_double_bump(n_samples=30, random_state=5)
    c = make_double_bump(n_samples=30, random_state=6)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert not np.array_equal(a.parameters, c.parameters)
    np.testing.assert_array_equal(a.sample_moves(5, 0), b.sample_moves(5, 0))
    moves = a.sample_moves(1000, random_state=0)
    assert moves.shape == (1000, 2) and np.issubdtype(moves.dtype, np.integer)
    assert moves.min() == 0 and moves.max() == 63


def test_double_bump_bad_moves(double_bump):
    with pytest.raises(ValueError, match="one row per sample"):
        double_bump.move(np.zeros((3, 2), int))
    with pytest.raises(ValueError, match="shape"):
        double_bump.move(np.zeros((256, 3), int))
    with pytest.raises(ValueError, match="shape"):
        double_bump.move_coordinates(np.zeros(2, int))
    with pytest.raises(ValueError, match="integers"):
        double_bump.move(np.full((256, 2), 0.5))
    with pytest.raises(ValueError, match="n must be"):
        double_bump.sample_moves(0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"length": 3, "width": 3}, "length"),
        ({"width": 2}, "width"),
        ({"width": 64}, "width"),
        ({"width": 16.0}, "width"),
    ],
)
def test_double_bump_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_double_bump(**kwargs)


# ----------------------------------------------------------- rotating object


@pytest.fixture(scope="module")
def rotating_object():
    return make_rotating_object(random_state=0)


def _render_directly(rotation, image_size=16, n_views=3):
    """Sum over blobs of weight * exp(-|p - q|^2 / (2 sigma^2)), pixel by pixel."""
    grid = np.linspace(-1.4, 1.4, image_size)
    vertical, horizontal = np.meshgrid(grid, grid, indexing="ij")
    centres = rotating_module._CENTRES @ rotation.T
    views = []
    for h_axis, v_axis in [(0, 1), (1, 2), (2, 0)][:n_views]:
        image = np.zeros((image_size, image_size))
        for centre, sigma, weight in zip(
            centres, rotating_module._SIGMAS, rotating_module._WEIGHTS, strict=True
        ):
            distance2 = (horizontal - centre[h_axis]) ** 2 + (
                vertical - centre[v_axis]
            ) ** 2
            image += weight * np.exp(-distance2 / (2 * sigma**2))
        views.append(image)
    return np.stack(views).ravel()


def test_rotating_object_shapes(rotating_object):
    data = rotating_object
    assert isinstance(data, GroupOrbitData)
    assert data.states.shape == (256, 3 * 16 * 16)
    assert data.state_shape == (3, 16, 16)
    assert data.parameters.shape == (256, 3, 3)
    assert data.group == "so3"
    assert data.name == "rotating_object"
    gram = np.einsum("nji,njk->nik", data.parameters, data.parameters)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(3), gram.shape), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(data.parameters), 1.0)
    small = make_rotating_object(n_samples=2, image_size=8, n_views=1, random_state=0)
    assert small.states.shape == (2, 64) and small.state_shape == (1, 8, 8)


def test_rotating_object_renders_formula(rotating_object):
    for state, rotation in zip(
        rotating_object.states[:5], rotating_object.parameters[:5], strict=True
    ):
        np.testing.assert_allclose(state, _render_directly(rotation), atol=1e-12)


def test_rotating_object_reproducible():
    a = make_rotating_object(n_samples=10, random_state=3)
    b = make_rotating_object(n_samples=10, random_state=3)
    c = make_rotating_object(n_samples=10, random_state=4)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert not np.allclose(a.parameters, c.parameters)
    np.testing.assert_array_equal(a.sample_moves(4, 0), b.sample_moves(4, 0))


def test_rotating_object_rotations_uniform():
    data = make_rotating_object(n_samples=1, random_state=0)
    moves = data.sample_moves(4000, random_state=0)
    # Haar measure: E[R] = 0 and E[R_ij^2] = 1/3.
    np.testing.assert_allclose(moves.mean(axis=0), 0.0, atol=0.05)
    np.testing.assert_allclose((moves**2).mean(axis=0), 1 / 3, atol=0.03)


def test_rotating_object_move_coordinates_exponentiate(rotating_object):
    basis = group_basis("so3", 3)
    moves = np.concatenate(
        [rotating_object.sample_moves(50, random_state=1), np.eye(3)[None]]
    )
    coordinates = rotating_object.move_coordinates(moves)
    assert coordinates.shape == (51, 3)
    np.testing.assert_allclose(coordinates[-1], 0.0, atol=1e-12)
    for rotation, omega in zip(moves, coordinates, strict=True):
        np.testing.assert_allclose(
            expm(np.tensordot(omega, basis, axes=1)), rotation, atol=1e-10
        )
    # A rotation by angle a about z has coordinates (0, 0, a).
    about_z = Rotation.from_euler("z", 0.7).as_matrix()[None]
    np.testing.assert_allclose(
        rotating_object.move_coordinates(about_z), [[0, 0, 0.7]], atol=1e-12
    )


def test_rotating_object_move(rotating_object):
    moves = rotating_object.sample_moves(256, random_state=2)
    moved = rotating_object.move(moves)
    assert moved.shape == rotating_object.states.shape
    composed = moves @ rotating_object.parameters
    for i in range(0, 256, 51):
        np.testing.assert_allclose(moved[i], _render_directly(composed[i]), atol=1e-12)
    identity = np.broadcast_to(np.eye(3), (256, 3, 3))
    np.testing.assert_allclose(rotating_object.move(identity), rotating_object.states)


def test_rotating_object_is_asymmetric(rotating_object):
    first = rotating_object.sample_moves(50, random_state=3)
    second = rotating_object.sample_moves(50, random_state=4)
    a, b = rotating_object._render(first), rotating_object._render(second)
    difference = np.linalg.norm(a - b, axis=1) / np.linalg.norm(a, axis=1)
    assert difference.min() > 0.07  # measured 0.14
    # Candidate discrete symmetries (half, third and quarter turns about the
    # coordinate axes and random axes) all change the images.
    identity = rotating_object._render(np.eye(3)[None])
    axes = np.concatenate([np.eye(3), Rotation.random(20, random_state=5).as_rotvec()])
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    for angle in (np.pi, 2 * np.pi / 3, np.pi / 2):
        turned = rotating_object._render(Rotation.from_rotvec(angle * axes).as_matrix())
        change = np.linalg.norm(turned - identity, axis=1) / np.linalg.norm(identity)
        assert change.min() > 0.07  # measured 0.14 to 0.17


def test_rotating_object_stays_in_view():
    data = make_rotating_object(n_samples=500, random_state=6)
    images = data.states.reshape(-1, *data.state_shape)
    border = np.ones(data.state_shape, dtype=bool)
    border[:, 1:-1, 1:-1] = False
    mass_on_border = images[:, border].sum(axis=1) / images.sum(axis=(1, 2, 3))
    assert mass_on_border.max() < 5e-3  # measured 1.6e-3


def test_rotating_object_is_smooth_at_pixel_scale():
    # Neighbouring pixels differ much less than the image varies: blobs
    # narrower than a pixel would alias into noise-like images.
    data = make_rotating_object(n_samples=200, random_state=7)
    images = data.states.reshape(-1, *data.state_shape)
    step = np.diff(images, axis=-1)
    # measured 0.40; blobs of widths 0.10 to 0.16 gave 0.71
    assert np.sqrt((step**2).mean()) < 0.5 * images.std()


def test_rotating_object_bad_moves(rotating_object):
    reflection = np.broadcast_to(np.diag([1.0, 1.0, -1.0]), (256, 3, 3))
    with pytest.raises(ValueError, match="reflections"):
        rotating_object.move(reflection)
    with pytest.raises(ValueError, match="orthogonal"):
        rotating_object.move_coordinates(2 * np.eye(3)[None])
    with pytest.raises(ValueError, match="shape"):
        rotating_object.move(np.zeros((256, 2, 2)))
    with pytest.raises(ValueError, match="one row per sample"):
        rotating_object.move(np.broadcast_to(np.eye(3), (5, 3, 3)))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"image_size": 3}, "image_size"),
        ({"n_views": 0}, "n_views"),
        ({"n_views": 4}, "n_views"),
    ],
)
def test_rotating_object_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_rotating_object(**kwargs)


# ---------------------------------------------------------------- containers


def test_state_shape_defaults_and_split(pendulum_movie):
    assert (
        make_pendulum(n_trajectories=2, n_steps=3, random_state=0).state_shape is None
    )
    train, test = pendulum_movie.split(test_size=0.25, random_state=0)
    assert train.state_shape == test.state_shape == (2, 51, 51)


def test_state_shape_must_match_dimension(pendulum_movie):
    with pytest.raises(ValueError, match="state_shape"):
        dataclasses.replace(pendulum_movie, state_shape=(2, 50, 51))
    with pytest.raises(ValueError, match="state_shape"):
        dataclasses.replace(pendulum_movie, state_shape="image")


def test_group_orbit_data_checks(double_bump):
    with pytest.raises(dataclasses.FrozenInstanceError):
        double_bump.group = "so3"
    with pytest.raises(ValueError, match="state_shape"):
        dataclasses.replace(double_bump, state_shape=(2, 64))
    with pytest.raises(ValueError, match="one row per state"):
        dataclasses.replace(double_bump, parameters=double_bump.parameters[:3])
    assert group_basis(double_bump.group, 4).shape == (2, 4, 4)


def test_double_bump_trajectories_repeat_one_shift_per_trajectory():
    data = make_double_bump(n_samples=6, length=32, width=8, random_state=0)
    trajectories = data.trajectories(4, step=2, random_state=1)
    assert [x.shape for x in trajectories] == [(4, 32)] * 6
    first_steps = np.stack([x[1] for x in trajectories])
    found = 0
    for a in range(-2, 3):
        for b in range(-2, 3):
            shift = np.tile([a, b], (6, 1))
            same = np.all(data.move(shift) == first_steps, axis=1)
            for i in np.flatnonzero(same):
                found += 1
                if (a, b) != (0, 0):
                    for t in range(4):
                        assert np.array_equal(
                            trajectories[i][t], data.move(t * shift)[i]
                        )
    assert found >= 6  # every trajectory's first step is a shift in [-2, 2]^2
    still = [np.array_equal(x[0], x[1]) for x in trajectories]
    assert not any(still)  # a zero move is never drawn


def test_rotating_object_trajectories_start_at_the_samples_and_are_seeded():
    data = make_rotating_object(n_samples=3, image_size=8, random_state=0)
    trajectories = data.trajectories(5, step=0.2, random_state=0)
    assert [x.shape for x in trajectories] == [(5, 3 * 64)] * 3
    np.testing.assert_array_equal(np.stack([x[0] for x in trajectories]), data.states)
    again = data.trajectories(5, step=0.2, random_state=0)
    for a, b in zip(trajectories, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(trajectories[0][1], trajectories[0][0])


@pytest.mark.parametrize(
    "make, step, message",
    [
        (make_double_bump, 0, "step must be an integer >= 1"),
        (make_double_bump, 1.5, "step must be an integer"),
        (make_rotating_object, -0.1, "step must be a finite number > 0"),
    ],
)
def test_trajectory_step_is_validated(make, step, message):
    with pytest.raises(ValueError, match=message):
        make(n_samples=2, random_state=0).trajectories(3, step=step)


def test_double_bump_moves_beyond_int64_wrap_like_their_remainder():
    # a length that divides no power of two, so that a wrapped cast differs
    data = make_double_bump(n_samples=3, length=9, width=3, random_state=0)
    for huge in (1e30, float(2**63 - 1), 2**63 - 1):
        moves = np.array([[huge, -huge]] * 3)
        reduced = np.array([[int(huge) % 9, -int(huge) % 9]] * 3)
        np.testing.assert_array_equal(data.move(moves), data.move(reduced))
        np.testing.assert_array_equal(
            data.move_coordinates(moves), data.move_coordinates(reduced)
        )


@pytest.mark.parametrize("shape", [(2.7, 4), "24", (True, 8), 8, (2, 0, 4)])
def test_state_shape_must_be_positive_ints(shape):
    data = make_double_bump(n_samples=2, length=8, width=3, random_state=0)
    with pytest.raises(ValueError, match="state_shape must be"):
        dataclasses.replace(data, state_shape=shape)
    assert dataclasses.replace(data, state_shape=(np.int64(1), 8)).state_shape == (1, 8)
