import numpy as np
import pytest
from scipy.linalg import expm
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

from symlearn.groups import group_basis
from symlearn.metrics import (
    coupled_blocks,
    displacement,
    equivariance_error,
    full_group_coefficients,
    generator_similarity,
    invariance_error,
    nearest_neighbor_ratio,
    relative_reconstruction_error,
    rotation_frequency,
    rotation_half_period,
    rotation_likeness,
    symmetry_report,
    two_sample_accuracy,
)

ROTATION = np.array([[0.0, -1.0], [1.0, 0.0]])


def radius(X):
    return np.linalg.norm(X, axis=1)


def rotate(X, angles):
    c, s = np.cos(angles), np.sin(angles)
    return np.stack([c * X[:, 0] - s * X[:, 1], s * X[:, 0] + c * X[:, 1]], axis=1)


@pytest.fixture
def ring():
    """Points on a noisy ring, so that the radius varies a little."""
    rng = np.random.default_rng(0)
    theta = rng.uniform(-np.pi, np.pi, 300)
    r = 1.0 + 0.1 * rng.normal(size=300)
    return r[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)


class FakeEstimator:
    """Identity encoder with fixed generators, acting like the real estimator."""

    def __init__(self, generators, center=None):
        self.generators_ = np.asarray(generators, dtype=float)
        k = self.generators_.shape[1]
        self.center = np.zeros(k) if center is None else np.asarray(center)

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def inverse_transform(self, Z):
        return np.asarray(Z, dtype=float)

    def apply_group(self, X, coefficients):
        Z = self.transform(X) - self.center
        algebra = np.einsum("nc,cij->nij", coefficients, self.generators_)
        moved = np.stack([expm(a) @ z for a, z in zip(algebra, Z, strict=True)])
        return self.inverse_transform(moved + self.center)


# --- single generators ------------------------------------------------------


def test_rotation_likeness_and_frequency():
    rotation = np.array([[0.0, -2.0], [2.0, 0.0]])
    assert rotation_likeness(rotation) == pytest.approx(0.0, abs=1e-12)
    assert rotation_frequency(rotation) == pytest.approx(2.0)
    assert rotation_likeness(np.eye(2)) == np.inf
    assert rotation_frequency(np.eye(2)) == 0.0
    spiral = np.array([[1.0, -2.0], [2.0, 1.0]])
    assert rotation_likeness(spiral) == pytest.approx(0.5)
    # A rotation in skewed coordinates is still a rotation.
    P = np.array([[2.0, 1.0], [0.0, 1.0]])
    assert rotation_likeness(P @ rotation @ np.linalg.inv(P)) < 1e-12


def test_rotation_likeness_bad_input():
    with pytest.raises(ValueError, match="square"):
        rotation_likeness(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        rotation_frequency(np.array([[np.nan, 0.0], [0.0, 0.0]]))


def test_full_group_coefficients_ranges():
    generators = np.array([2 * ROTATION, np.eye(2)])
    coefficients = full_group_coefficients(generators, 2000, random_state=0)
    assert coefficients.shape == (2000, 2)
    # One full period of exp(t * 2R) is t in [-pi/2, pi/2].
    assert np.abs(coefficients[:, 0]).max() <= np.pi / 2
    assert np.abs(coefficients[:, 0]).max() > 0.95 * np.pi / 2
    assert np.abs(coefficients[:, 1]).max() <= 1.0
    assert np.abs(coefficients[:, 1]).max() > 0.95
    again = full_group_coefficients(generators, 2000, random_state=0)
    np.testing.assert_array_equal(coefficients, again)
    single = full_group_coefficients(ROTATION, 5, random_state=1)
    assert single.shape == (5, 1)


def test_full_group_coefficients_turn_the_slowest_plane_once_round():
    two_speeds = np.zeros((4, 4))
    two_speeds[:2, :2] = ROTATION
    two_speeds[2:, 2:] = 3 * two_speeds[:2, :2]
    assert rotation_half_period(two_speeds) == pytest.approx(np.pi)
    coefficients = full_group_coefficients(two_speeds, 2000, random_state=0)
    assert 0.95 * np.pi < np.abs(coefficients).max() <= np.pi
    assert rotation_half_period(np.diag([1.0, 2.0])) == np.inf


def test_full_group_coefficients_do_not_blow_up_a_slow_spiral_plane():
    # a fast rotation beside a slow plane that mostly grows: rotation-like by
    # its fastest plane, but exp(t L) over the slow plane's period is ~e^6
    L = np.zeros((4, 4))
    L[:2, :2] = ROTATION
    L[2:, 2:] = [[0.02, -0.01], [0.01, 0.02]]
    coefficients = full_group_coefficients(L, 1000, random_state=0)
    t = np.abs(coefficients).max()
    assert 0.95 * np.pi / 2 / 0.02 < t <= np.pi / 2 / 0.02
    assert np.linalg.norm(expm(t * L), 2) <= np.exp(np.pi / 2) * (1 + 1e-9)


def test_full_group_coefficients_bad_input():
    with pytest.raises(ValueError, match="n must be >= 1"):
        full_group_coefficients(ROTATION, 0)
    with pytest.raises(ValueError, match="generators"):
        full_group_coefficients(np.zeros((2, 2, 3)), 3)


# --- spans of generators -----------------------------------------------------


def test_generator_similarity_same_span():
    rng = np.random.default_rng(0)
    so3 = np.zeros((3, 3, 3))
    for i, j, k in [(0, 1, 2), (1, 2, 0), (2, 0, 1)]:
        so3[i, j, k], so3[i, k, j] = -1.0, 1.0
    mix = rng.normal(size=(3, 3))
    mixed = np.einsum("ij,jkl->ikl", mix, so3)[::-1] * -1
    assert generator_similarity(mixed, so3) == pytest.approx(1.0)
    # A smaller span inside a larger one counts as the same.
    assert generator_similarity(so3[0], so3) == pytest.approx(1.0)
    assert generator_similarity(so3, -so3[1]) == pytest.approx(1.0)


def test_generator_similarity_different_spans():
    assert generator_similarity(ROTATION, np.eye(2)) == pytest.approx(0.0, abs=1e-12)
    tilted = ROTATION + np.eye(2)  # 45 degrees from the rotation
    assert generator_similarity(tilted, ROTATION) == pytest.approx(np.sqrt(0.5))
    # The largest principal angle decides: one shared direction is not enough.
    both = np.array([ROTATION, np.eye(2)])
    other = np.array([ROTATION, np.diag([1.0, -1.0])])
    assert generator_similarity(both, other) == pytest.approx(0.0, abs=1e-12)


def test_generator_similarity_bad_input():
    with pytest.raises(ValueError, match="same space"):
        generator_similarity(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match="all zero"):
        generator_similarity(np.zeros((2, 2)), np.eye(2))
    with pytest.raises(ValueError, match="NaN"):
        generator_similarity(np.full((2, 2), np.nan), np.eye(2))


# --- effect on samples -------------------------------------------------------


def test_invariance_error(ring):
    rotated = rotate(ring, np.linspace(-3, 3, len(ring)))
    assert invariance_error(radius, ring, rotated) < 1e-12
    # Doubling the radius changes it by mean(r), in units of std(r).
    r = radius(ring)
    expected = r.mean() / r.std()
    assert invariance_error(radius, ring, 2 * ring) == pytest.approx(expected)
    # Several invariants: the errors are averaged.
    two = invariance_error(
        lambda Z: np.stack([radius(Z), radius(Z)], 1), ring, 2 * ring
    )
    assert two == pytest.approx(expected)


def test_invariance_error_bad_input(ring):
    with pytest.raises(ValueError, match="same shape"):
        invariance_error(radius, ring, ring[:-1])
    with pytest.raises(ValueError, match="constant"):
        invariance_error(lambda Z: np.ones(len(Z)), ring, ring)
    with pytest.raises(ValueError, match="must return shape"):
        invariance_error(lambda Z: np.ones(3), ring, ring)
    bad = ring.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="X_moved contains NaN"):
        invariance_error(radius, ring, bad)
    with pytest.raises(TypeError, match="callable"):
        invariance_error(np.ones(len(ring)), ring, ring)


def test_displacement():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    assert displacement(X, X) == 0.0
    assert displacement(X, -X) == pytest.approx(2.0)
    assert displacement(X, X + [3.0, 4.0]) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="same shape"):
        displacement(X, X[:, :1])
    with pytest.raises(ValueError, match="identical"):
        displacement(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="2-d"):
        displacement(np.ones(3), np.ones(3))


def test_relative_reconstruction_error():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    assert relative_reconstruction_error(X, X) == 0.0
    mean = np.broadcast_to(X.mean(axis=0), X.shape)
    assert relative_reconstruction_error(X, mean) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        relative_reconstruction_error(X, X[:10])
    with pytest.raises(ValueError, match="X_rec contains NaN"):
        relative_reconstruction_error(X, np.full(X.shape, np.nan))


def test_nearest_neighbor_ratio():
    grid = np.arange(10.0)[:, None] * [1.0, 0.0]
    assert nearest_neighbor_ratio(grid, grid) == 0.0
    assert nearest_neighbor_ratio(grid, grid + [0.5, 0.0]) == pytest.approx(0.5)
    assert nearest_neighbor_ratio(grid, grid + [0.0, 100.0]) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="number of features"):
        nearest_neighbor_ratio(grid, grid[:, :1])
    with pytest.raises(ValueError, match="at least 2"):
        nearest_neighbor_ratio(grid[:1], grid)
    with pytest.raises(ValueError, match="spacing is zero"):
        nearest_neighbor_ratio(np.zeros((5, 2)), grid)


# --- the report ----------------------------------------------------------------


def test_symmetry_report_rotation(ring):
    report = symmetry_report(
        FakeEstimator([ROTATION]), ring, invariant=radius, random_state=0
    )
    assert set(report) == {
        "invariance_error",
        "displacement",
        "rotation_likeness",
        "rotation_frequency",
        "reconstruction_error",
        "nearest_neighbor_ratio",
        "latent_two_sample_accuracy",
    }
    assert report["invariance_error"] < 1e-10
    # Angles uniform over the full circle move points by 4/pi radii on average.
    assert report["displacement"] == pytest.approx(4 / np.pi, rel=0.15)
    assert report["rotation_likeness"] == pytest.approx(0.0, abs=1e-12)
    assert report["rotation_frequency"] == pytest.approx(1.0)
    assert report["reconstruction_error"] == 0.0
    # Rotated samples stay on the ring, between the real samples.
    assert report["nearest_neighbor_ratio"] < 3
    assert report["latent_two_sample_accuracy"] < 0.6


def test_symmetry_report_scaling(ring):
    report = symmetry_report(
        FakeEstimator([np.eye(2)]), ring, invariant=radius, n_draws=2, random_state=0
    )
    assert report["invariance_error"] > 3
    assert report["rotation_likeness"] == np.inf
    assert report["rotation_frequency"] == 0.0
    # Scaled samples leave the ring.
    assert report["nearest_neighbor_ratio"] > 5
    assert report["latent_two_sample_accuracy"] > 0.75


def test_symmetry_report_passes_its_classifier_to_the_two_sample_test(ring):
    scaling = FakeEstimator([np.eye(2)])
    default = symmetry_report(scaling, ring, random_state=0)
    guessing = symmetry_report(
        scaling, ring, random_state=0, classifier=DummyClassifier()
    )
    assert default["latent_two_sample_accuracy"] > 0.75
    assert guessing["latent_two_sample_accuracy"] == 0.5


def test_symmetry_report_two_sample_test_sees_each_latent_once(ring):
    # With the real latents repeated, a nearest-neighbour classifier would
    # recognise them in the held-out fold (0.88 measured with 5 draws).
    report = symmetry_report(
        FakeEstimator([ROTATION]),
        ring,
        n_draws=5,
        random_state=0,
        classifier=KNeighborsClassifier(1),
    )
    assert report["latent_two_sample_accuracy"] < 0.6


def test_symmetry_report_without_invariant_and_with_center(ring):
    estimator = FakeEstimator([ROTATION], center=[5.0, 0.0])
    report = symmetry_report(estimator, ring + [5.0, 0.0], n_draws=3, random_state=1)
    assert "invariance_error" not in report
    assert report["displacement"] > 1


def test_symmetry_report_bad_input(ring):
    class NoGroup:
        generators_ = np.array([ROTATION])

        def transform(self, X):
            return X

        def inverse_transform(self, Z):
            return Z

    with pytest.raises(TypeError, match="apply_group"):
        symmetry_report(NoGroup(), ring)
    unfitted = FakeEstimator([ROTATION])
    del unfitted.generators_
    with pytest.raises(NotFittedError):
        symmetry_report(unfitted, ring)
    with pytest.raises(ValueError, match="n_draws"):
        symmetry_report(FakeEstimator([ROTATION]), ring, n_draws=0)
    with pytest.raises(ValueError, match="2-d"):
        symmetry_report(FakeEstimator([ROTATION]), ring[:, 0])


def _conjugated_rotations(n, seed):
    """Latents moved by ``Q R Q^T`` for known rotations ``R`` (rotation vectors)."""
    from scipy.spatial.transform import Rotation

    rng = np.random.RandomState(seed)
    rotations = Rotation.random(n, random_state=seed)
    Q = Rotation.random(random_state=seed + 1).as_matrix()
    Z = rng.normal(size=(n, 3))
    moved = np.einsum("kl,nlm,mj,nj->nk", Q, rotations.as_matrix(), Q.T, Z)
    return Z, moved, rotations.as_rotvec(), Q


def test_equivariance_error_recovers_a_change_of_latent_axes():
    Z, moved, rotvecs, Q = _conjugated_rotations(200, 0)
    error, M = equivariance_error(
        Z, moved, rotvecs, group_basis("so3", 3), return_map=True
    )
    assert error < 1e-10
    np.testing.assert_allclose(M, Q, atol=1e-6)


def test_equivariance_error_of_a_latent_ignoring_the_moves_is_large():
    Z, _, rotvecs, _ = _conjugated_rotations(200, 0)
    # The trivial representation is not accepted: the map is kept orthogonal.
    assert equivariance_error(Z, Z, rotvecs, group_basis("so3", 3)) > 1.0


def test_equivariance_error_about_a_center_and_with_noise():
    Z, moved, rotvecs, _ = _conjugated_rotations(200, 3)
    center = np.array([1.0, -2.0, 0.5])
    L = group_basis("so3", 3)
    assert equivariance_error(Z + center, moved + center, rotvecs, L, center) < 1e-10
    noise = 0.1 * np.random.RandomState(0).normal(size=moved.shape)
    noisy = equivariance_error(Z, moved + noise, rotvecs, L)
    assert 0.005 < noisy < 0.02  # about the noise's share of the variance


def test_equivariance_error_bad_input():
    Z, moved, rotvecs, _ = _conjugated_rotations(20, 0)
    L = group_basis("so3", 3)
    with pytest.raises(ValueError, match="move_coordinates has 19 rows"):
        equivariance_error(Z, moved, rotvecs[:19], L)
    with pytest.raises(ValueError, match="2 columns, but there are 3 generators"):
        equivariance_error(Z, moved, rotvecs[:, :2], L)
    with pytest.raises(ValueError, match="same shape"):
        equivariance_error(Z, moved[:, :2], rotvecs, L)
    with pytest.raises(ValueError, match="center must have shape"):
        equivariance_error(Z, moved, rotvecs, L, center=np.zeros(2))
    with pytest.raises(ValueError, match="center must be finite"):
        equivariance_error(Z, moved, rotvecs, L, center=[np.nan, 0.0, 0.0])
    with pytest.raises(ValueError, match="max_fit_samples must be >= 1, got 0"):
        equivariance_error(Z, moved, rotvecs, L, max_fit_samples=0)


def _rotated(X, rng):
    angles = rng.uniform(-np.pi, np.pi, len(X))
    c, s = np.cos(angles), np.sin(angles)
    return np.stack([c * X[:, 0] - s * X[:, 1], s * X[:, 0] + c * X[:, 1]], 1)


def test_two_sample_accuracy_tells_an_invariant_sample_from_a_broken_one():
    rng = np.random.default_rng(0)
    round_cloud = rng.normal(size=(600, 2))
    ellipse = round_cloud * [3.0, 0.3]
    # Rotations keep the round cloud's distribution, not the ellipse's.
    assert two_sample_accuracy(round_cloud, _rotated(round_cloud, rng)) < 0.6
    assert two_sample_accuracy(ellipse, _rotated(ellipse, rng)) > 0.75
    assert two_sample_accuracy(round_cloud, round_cloud + 3.0) > 0.95


@pytest.mark.parametrize("n", [5, 10, 20])
def test_two_sample_accuracy_tells_small_separate_samples_apart(n):
    A = np.random.default_rng(0).normal(size=(n, 2))
    assert two_sample_accuracy(A, A + 100) == 1.0


def test_two_sample_accuracy_of_grid_data_needs_a_smooth_classifier():
    # Angles on a grid of 64: the default classifier's single-coordinate
    # splits tell the few coordinate values from continuously rotated ones,
    # although rotations keep the ring's distribution; a network cannot.
    rng = np.random.default_rng(0)
    angles = 2 * np.pi * rng.integers(0, 64, 500) / 64
    grid_ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    rotated = _rotated(grid_ring, rng)
    network = MLPClassifier((64, 64), max_iter=1000, random_state=0)
    assert two_sample_accuracy(grid_ring, rotated) > 0.7
    assert two_sample_accuracy(grid_ring, rotated, classifier=network) < 0.6


def test_two_sample_accuracy_uses_the_given_classifier_and_seed():
    rng = np.random.default_rng(1)
    narrow, wide = rng.normal(size=(600, 2)), 3.0 * rng.normal(size=(600, 2))
    # Same mean, different spread: a linear classifier cannot tell them apart.
    linear = two_sample_accuracy(narrow, wide, classifier=LogisticRegression())
    assert linear < 0.6 < 0.75 < two_sample_accuracy(narrow, wide)
    assert two_sample_accuracy(narrow, wide, random_state=3) == two_sample_accuracy(
        narrow, wide, random_state=3
    )


@pytest.mark.parametrize(
    ("A", "B", "kwargs", "message"),
    [
        (np.zeros((10, 2)), np.zeros((10, 3)), {}, "same number of features"),
        (np.zeros((10, 2)), np.zeros((10, 2)), {"n_splits": 1}, "n_splits must be"),
        (np.zeros((2, 2)), np.zeros((10, 2)), {}, "at least n_splits=3 samples"),
        (np.full((10, 2), np.nan), np.zeros((10, 2)), {}, "NaN"),
    ],
)
def test_two_sample_accuracy_rejects_bad_input(A, B, kwargs, message):
    with pytest.raises(ValueError, match=message):
        two_sample_accuracy(A, B, **kwargs)


def test_coupled_blocks_of_fixed_and_learned_generators():
    blocks = coupled_blocks(group_basis("so2+so3", 5))
    assert [block.tolist() for block in blocks] == [[0, 1], [2, 3, 4]]
    dense = np.random.RandomState(0).normal(size=(1, 3, 3))
    assert [block.tolist() for block in coupled_blocks(dense)] == [[0, 1, 2]]


def _planes_turned(Z: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Each plane of ``Z`` (n, 4) turned by its column of ``angles`` (n, 2)."""
    moved = Z.copy()
    for plane, angle in enumerate(angles.T):
        x, y = Z[:, 2 * plane], Z[:, 2 * plane + 1]
        moved[:, 2 * plane] = np.cos(angle) * x - np.sin(angle) * y
        moved[:, 2 * plane + 1] = np.sin(angle) * x + np.cos(angle) * y
    return moved


def test_equivariance_error_per_block_exposes_a_small_plane_ignoring_its_move():
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(300, 4)) * [1.0, 1.0, 0.1, 0.1]
    angles = rng.uniform(-np.pi, np.pi, size=(300, 2))
    moved = _planes_turned(Z, angles)
    moved[:, 2:] = Z[:, 2:]  # the small second plane ignores its move
    L = group_basis("so2+so2", 4)
    total = equivariance_error(Z, moved, angles, L)
    first, second = equivariance_error(Z, moved, angles, L, per_block=True)
    assert total < 0.05  # the small plane hardly counts in the total
    assert first < 1e-4  # the map is fitted on both planes
    assert second > 1.5  # about 2: its move is ignored
    # Squared residuals add up: the total is the blocks' spread-weighted mean.
    spread = (moved**2).sum(axis=0)
    weights = np.array([spread[:2].sum(), spread[2:].sum()]) / spread.sum()
    assert np.isclose(total, weights @ [first, second])


def test_equivariance_error_of_a_collapsed_block_is_nan(recwarn):
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(100, 4))
    Z[:, 2:] = 0.0  # the second plane collapsed to the centre
    angles = rng.uniform(-np.pi, np.pi, size=(100, 2))
    moved = _planes_turned(Z, angles)
    L = group_basis("so2+so2", 4)
    first, second = equivariance_error(Z, moved, angles, L, per_block=True)
    assert first < 1e-10 and np.isnan(second)
    assert np.isnan(equivariance_error(0 * Z, 0 * moved, angles, L))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
