"""Tests for symlearn.datasets."""

import numpy as np
import pytest
from scipy.linalg import expm

from symlearn.datasets import (
    TrajectoryData,
    make_circles,
    make_lotka_volterra,
    make_pendulum,
    make_spheres,
)

# Small sizes keep the whole file fast.
N_TRAJ = 12
N_STEPS = 200


@pytest.fixture(scope="module")
def pendulum():
    return make_pendulum(n_trajectories=N_TRAJ, n_steps=N_STEPS, random_state=0)


@pytest.fixture(scope="module")
def lotka_volterra():
    return make_lotka_volterra(
        n_trajectories=N_TRAJ, n_steps=N_STEPS, dt=0.05, random_state=0
    )


@pytest.fixture(scope="module", params=["pendulum", "lotka_volterra"])
def ode_data(request, pendulum, lotka_volterra):
    return {"pendulum": pendulum, "lotka_volterra": lotka_volterra}[request.param]


def _check_container(data, n_traj, n_steps, n_dims):
    assert isinstance(data, TrajectoryData)
    assert len(data.trajectories) == n_traj
    assert len(data.derivatives) == n_traj
    assert data.t.shape == (n_steps,)
    assert data.t.dtype == np.float64
    assert data.t[0] == 0.0
    for traj, deriv in zip(data.trajectories, data.derivatives, strict=True):
        assert traj.shape == (n_steps, n_dims)
        assert deriv.shape == (n_steps, n_dims)
        assert traj.dtype == np.float64
        assert deriv.dtype == np.float64
        assert np.all(np.isfinite(traj))
    assert data.states.shape == (n_traj * n_steps, n_dims)
    assert data.invariant(data.states).shape == (n_traj * n_steps,)
    assert len(data.feature_names) == n_dims


# ---------------------------------------------------------------- ODE systems


def test_pendulum_shapes(pendulum):
    _check_container(pendulum, N_TRAJ, N_STEPS, 2)
    assert pendulum.feature_names == ["theta", "omega"]
    assert pendulum.name == "pendulum"
    np.testing.assert_allclose(pendulum.t, 0.02 * np.arange(N_STEPS))


def test_lotka_volterra_shapes(lotka_volterra):
    _check_container(lotka_volterra, N_TRAJ, N_STEPS, 2)
    assert lotka_volterra.feature_names == ["p", "q"]
    assert lotka_volterra.name == "lotka_volterra"
    np.testing.assert_allclose(lotka_volterra.t, 0.05 * np.arange(N_STEPS))


def test_invariant_conserved(ode_data):
    for traj in ode_data.trajectories:
        values = ode_data.invariant(traj)
        drift = np.max(np.abs(values - values[0])) / abs(values[0])
        assert drift < 1e-6


def test_pendulum_energy_band(pendulum):
    initial = np.array([traj[0] for traj in pendulum.trajectories])
    energy0 = pendulum.invariant(initial)
    assert np.all((energy0 >= 0.01) & (energy0 <= 1.99))
    energy = pendulum.invariant(pendulum.states)
    assert np.all((energy >= 0.01 - 1e-8) & (energy <= 1.99 + 1e-8))
    # Closed orbits never cross theta = +-pi.
    assert np.all(np.abs(pendulum.states[:, 0]) < np.pi)


def test_pendulum_energy_formula(pendulum):
    theta, omega = pendulum.states.T
    expected = omega**2 / 2 + 1 - np.cos(theta)
    np.testing.assert_allclose(pendulum.invariant(pendulum.states), expected)


def test_lotka_volterra_hamiltonian_band():
    data = make_lotka_volterra(
        n_trajectories=30, n_steps=20, h_range=(3.5, 4.0), random_state=1
    )
    h = data.invariant(data.states)
    assert np.all((h >= 3.5 - 1e-8) & (h <= 4.0 + 1e-8))
    # The Hamiltonian formula with a=2/3, b=4/3, c=d=1.
    p, q = data.states.T
    expected = np.exp(p) - p + 4 / 3 * np.exp(q) - 2 / 3 * q
    np.testing.assert_allclose(h, expected)


def test_derivatives_match_finite_differences(ode_data):
    dt = ode_data.t[1] - ode_data.t[0]
    for traj, deriv in zip(ode_data.trajectories, ode_data.derivatives, strict=True):
        central = (traj[2:] - traj[:-2]) / (2 * dt)
        # Central differences are O(dt**2) accurate, hence the loose tolerance.
        np.testing.assert_allclose(central, deriv[1:-1], atol=1e-2, rtol=1e-2)


@pytest.mark.parametrize("make", [make_pendulum, make_lotka_volterra])
def test_ode_reproducible(make):
    a = make(n_trajectories=3, n_steps=20, random_state=42)
    b = make(n_trajectories=3, n_steps=20, random_state=42)
    c = make(n_trajectories=3, n_steps=20, random_state=43)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(
        np.concatenate(a.derivatives), np.concatenate(b.derivatives)
    )
    assert not np.allclose(a.states, c.states)


def test_ode_accepts_random_state_instance():
    rng = np.random.RandomState(0)
    data = make_pendulum(n_trajectories=2, n_steps=5, random_state=rng)
    assert len(data.trajectories) == 2


# ----------------------------------------------------------- circles/spheres


@pytest.mark.parametrize(("make", "n_dims"), [(make_circles, 2), (make_spheres, 3)])
def test_static_shapes_and_invariant(make, n_dims):
    data = make(n_samples=50, radii=(0.5, 2.0), random_state=0)
    _check_container(data, 50, 1, n_dims)
    np.testing.assert_array_equal(data.t, [0.0])
    assert np.all(np.concatenate(data.derivatives) == 0)
    norms = data.invariant(data.states)
    np.testing.assert_allclose(norms, np.linalg.norm(data.states, axis=1))
    assert np.all((norms >= 0.5) & (norms <= 2.0))


@pytest.mark.parametrize(("make", "n_dims"), [(make_circles, 2), (make_spheres, 3)])
def test_static_reproducible(make, n_dims):
    a = make(n_samples=20, random_state=3)
    b = make(n_samples=20, random_state=3)
    c = make(n_samples=20, random_state=4)
    np.testing.assert_array_equal(a.states, b.states)
    assert not np.allclose(a.states, c.states)


def test_spheres_directions_cover_sphere():
    data = make_spheres(n_samples=4000, radii=(1.0, 1.0), random_state=0)
    # Uniform on the sphere: mean near zero, second moment near identity / 3.
    x = data.states
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=0.05)
    np.testing.assert_allclose(x.T @ x / len(x), np.eye(3) / 3, atol=0.03)


def test_circles_noise():
    clean = make_circles(n_samples=200, radii=(1.0, 1.0), random_state=0)
    noisy = make_circles(n_samples=200, radii=(1.0, 1.0), noise=0.1, random_state=0)
    np.testing.assert_allclose(clean.invariant(clean.states), 1.0)
    assert not np.allclose(noisy.invariant(noisy.states), 1.0)


@pytest.mark.parametrize(("make", "n_dims"), [(make_circles, 2), (make_spheres, 3)])
def test_static_transform(make, n_dims):
    rng = np.random.RandomState(0)
    transform = rng.normal(size=(n_dims, n_dims)) + 2 * np.eye(n_dims)
    plain = make(n_samples=100, random_state=5)
    mapped = make(n_samples=100, random_state=5, transform=transform)
    radius = np.linalg.norm(plain.states, axis=1)
    # Same draws, mapped by x -> x @ transform.T.
    np.testing.assert_allclose(mapped.states, plain.states @ transform.T)
    np.testing.assert_allclose(mapped.invariant(mapped.states), radius)

    # The invariant is conserved by the conjugated generator M L M^-1.
    generator = np.zeros((n_dims, n_dims))
    generator[0, 1], generator[1, 0] = -1.0, 1.0
    conjugated = transform @ generator @ np.linalg.inv(transform)
    flow = mapped.states @ expm(0.7 * conjugated).T
    np.testing.assert_allclose(mapped.invariant(flow), radius)


# ---------------------------------------------------------------------- split


def test_split_no_leakage(pendulum):
    train, test = pendulum.split(test_size=0.25, random_state=0)
    assert isinstance(train, TrajectoryData)
    assert len(train.trajectories) == 9
    assert len(test.trajectories) == 3
    assert train.feature_names == test.feature_names == pendulum.feature_names
    assert train.invariant is pendulum.invariant
    np.testing.assert_array_equal(train.t, pendulum.t)

    ids = {id(traj) for traj in pendulum.trajectories}
    train_ids = {id(traj) for traj in train.trajectories}
    test_ids = {id(traj) for traj in test.trajectories}
    assert train_ids.isdisjoint(test_ids)
    assert train_ids | test_ids == ids
    # Derivatives stay paired with their trajectories.
    for part in (train, test):
        for traj, deriv in zip(part.trajectories, part.derivatives, strict=True):
            i = next(k for k, t in enumerate(pendulum.trajectories) if t is traj)
            assert deriv is pendulum.derivatives[i]


def test_split_reproducible(pendulum):
    a, _ = pendulum.split(random_state=1)
    b, _ = pendulum.split(random_state=1)
    np.testing.assert_array_equal(a.states, b.states)


@pytest.mark.parametrize(
    ("n_samples", "test_size", "n_test"),
    [(5, 0.01, 1), (5, 0.5, 3), (5, 0.99, 4), (2, 0.5, 1), (2, 0.99, 1)],
)
def test_split_both_parts_non_empty(n_samples, test_size, n_test):
    data = make_circles(n_samples=n_samples, random_state=0)
    train, test = data.split(test_size=test_size, random_state=0)
    assert len(test.trajectories) == n_test
    assert len(train.trajectories) == n_samples - n_test


def test_split_impossible():
    data = make_circles(n_samples=1, random_state=0)
    with pytest.raises(ValueError, match="at least 2 trajectories"):
        data.split()


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.1, 2, "a", None])
def test_split_bad_test_size(pendulum, test_size):
    with pytest.raises(ValueError, match="test_size"):
        pendulum.split(test_size=test_size)


def test_frozen(pendulum):
    with pytest.raises(AttributeError):
        pendulum.name = "other"


# --------------------------------------------------------- argument checking


@pytest.mark.parametrize("make", [make_pendulum, make_lotka_volterra])
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_trajectories": 0}, "n_trajectories"),
        ({"n_trajectories": 2.5}, "n_trajectories"),
        ({"n_trajectories": True}, "n_trajectories"),
        ({"n_steps": 1}, "n_steps"),
        ({"dt": 0.0}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"dt": np.nan}, "dt"),
    ],
)
def test_ode_bad_arguments(make, kwargs, name):
    with pytest.raises(ValueError, match=name):
        make(**kwargs)


@pytest.mark.parametrize(
    "h_range",
    [(4.5, 3.0), (1.0, 3.0), (3.0,), (3.0, np.inf), "ab", None, (4.0, 4.0)],
)
def test_lotka_volterra_bad_h_range(h_range):
    with pytest.raises(ValueError, match="h_range"):
        make_lotka_volterra(n_trajectories=1, n_steps=2, h_range=h_range)


@pytest.mark.parametrize("make", [make_circles, make_spheres])
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"radii": (2.0, 1.0)}, "radii"),
        ({"radii": (-1.0, 1.0)}, "radii"),
        ({"radii": 1.0}, "radii"),
        ({"transform": np.eye(4)}, "transform"),
        ({"transform": [["a", "b"], ["c", "d"]]}, "transform"),
    ],
)
def test_static_bad_arguments(make, kwargs, name):
    with pytest.raises(ValueError, match=name):
        make(**kwargs)


@pytest.mark.parametrize(("make", "n_dims"), [(make_circles, 2), (make_spheres, 3)])
def test_static_singular_transform(make, n_dims):
    with pytest.raises(ValueError, match="transform must be an invertible"):
        make(transform=np.ones((n_dims, n_dims)))
    bad = np.eye(n_dims)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="transform"):
        make(transform=bad)


@pytest.mark.parametrize("noise", [-0.1, np.nan])
def test_circles_bad_noise(noise):
    with pytest.raises(ValueError, match="noise"):
        make_circles(noise=noise)


def test_lotka_volterra_band_too_thin_to_sample_is_named():
    with pytest.raises(ValueError, match="too thin: 10000000 uniform draws"):
        make_lotka_volterra(n_trajectories=200, n_steps=2, h_range=(4.0, 4.0 + 1e-12))
    # thin, but not too thin to sample
    data = make_lotka_volterra(n_trajectories=2, n_steps=2, h_range=(4.0, 4.0001))
    assert len(data.trajectories) == 2


@pytest.mark.parametrize("make", [make_pendulum, make_lotka_volterra])
def test_invariant_takes_a_dataframe(make):
    pd = pytest.importorskip("pandas")
    data = make(n_trajectories=2, n_steps=5, random_state=0)
    frame = pd.DataFrame(data.states, columns=data.feature_names)
    np.testing.assert_array_equal(data.invariant(frame), data.invariant(data.states))
