import numpy as np
import pytest
from scipy.linalg import expm, sqrtm

from symlearn.groups import (
    available_groups,
    closure_residual,
    commutator,
    covariance_preserving_part,
    group_basis,
    identify_algebra,
    killing_form,
    structure_constants,
)

LEVI_CIVITA = np.zeros((3, 3, 3))
for i, j, k in [(0, 1, 2), (1, 2, 0), (2, 0, 1)]:
    LEVI_CIVITA[i, j, k] = 1.0
    LEVI_CIVITA[i, k, j] = -1.0

# Standard sl(2) basis H, E, F.
SL2 = np.array(
    [
        [[1.0, 0.0], [0.0, -1.0]],
        [[0.0, 1.0], [0.0, 0.0]],
        [[0.0, 0.0], [1.0, 0.0]],
    ]
)

NAMED = [
    ("so2", 2, 1),
    ("so3", 3, 3),
    ("so4", 4, 6),
    ("scaling", 1, 1),
    ("scaling", 3, 1),
    ("so2xR", 2, 2),
    ("so3@4", 4, 3),
    ("so3@6", 6, 3),
    ("so2+so2", 4, 2),
    ("so2⊕so2", 4, 2),
    ("so2+so3", 5, 4),
    ("so2+scaling", 4, 2),
]


@pytest.mark.parametrize("name, dim, n_gen", NAMED)
def test_group_basis_shape_and_closure(name, dim, n_gen):
    basis = group_basis(name, dim)
    assert basis.shape == (n_gen, dim, dim)
    assert basis.dtype == np.float64
    assert closure_residual(basis) < 1e-12


@pytest.mark.parametrize("n", [2, 3, 4])
def test_so_n_is_antisymmetric(n):
    basis = group_basis(f"so{n}", n)
    assert len(basis) == n * (n - 1) // 2
    np.testing.assert_array_equal(basis, -basis.transpose(0, 2, 1))
    # The generators are linearly independent.
    assert np.linalg.matrix_rank(basis.reshape(len(basis), -1)) == len(basis)


def test_so2_is_counterclockwise():
    np.testing.assert_array_equal(group_basis("so2", 2)[0], [[0, -1], [1, 0]])


def test_so3_structure_constants_are_levi_civita():
    basis = group_basis("so3", 3)
    np.testing.assert_allclose(structure_constants(basis), LEVI_CIVITA, atol=1e-12)
    np.testing.assert_allclose(commutator(basis[0], basis[1]), basis[2])
    np.testing.assert_allclose(commutator(basis[1], basis[2]), basis[0])
    np.testing.assert_allclose(commutator(basis[2], basis[0]), basis[1])


def test_names_are_case_and_space_insensitive():
    np.testing.assert_array_equal(group_basis(" SO2 x r ", 2), group_basis("so2xR", 2))
    np.testing.assert_array_equal(
        group_basis("so2 ⊕ so2", 4), group_basis("so2+so2", 4)
    )


def test_so2xr_is_rotation_and_scaling():
    basis = group_basis("so2xR", 2)
    np.testing.assert_array_equal(basis[0], [[0, -1], [1, 0]])
    np.testing.assert_array_equal(basis[1], np.eye(2))


def test_so3_at_4_fixes_last_coordinate():
    basis = group_basis("so3@4", 4)
    np.testing.assert_array_equal(basis[:, :3, :3], group_basis("so3", 3))
    assert not np.any(basis[:, 3, :]) and not np.any(basis[:, :, 3])


def test_direct_sum_is_block_diagonal():
    basis = group_basis("so2+so3", 5)
    np.testing.assert_array_equal(basis[0, :2, :2], group_basis("so2", 2)[0])
    assert not np.any(basis[0, 2:, :]) and not np.any(basis[0, :, 2:])
    np.testing.assert_array_equal(basis[1:, 2:, 2:], group_basis("so3", 3))
    assert not np.any(basis[1:, :2, :]) and not np.any(basis[1:, :, :2])


def test_scaling_fills_remaining_block():
    basis = group_basis("so2+scaling", 5)
    np.testing.assert_array_equal(basis[1, 2:, 2:], np.eye(3))
    assert not np.any(basis[1, :2, :2])


def test_available_groups_all_build():
    names = available_groups()
    assert {"so2", "so3", "so4", "scaling", "so2xR", "so3@4"} <= set(names)
    for name in names:
        dim = {"so3": 3, "so4": 4, "so3@4": 4, "so3@6": 6}.get(name, 2)
        assert group_basis(name, dim).shape[1:] == (dim, dim)


def test_unknown_name_raises():
    with pytest.raises(ValueError, match="unknown group 'so5'.*so3"):
        group_basis("so5", 5)
    with pytest.raises(ValueError, match="empty summand"):
        group_basis("so2+", 2)


def test_wrong_latent_dim_raises():
    with pytest.raises(
        ValueError, match="group 'so3' acts on 3 latent dimensions but latent_dim=2"
    ):
        group_basis("so3", 2)
    with pytest.raises(ValueError, match="acts on 4 latent dimensions"):
        group_basis("so2+so2", 5)
    with pytest.raises(ValueError, match="at least 4 latent dimensions"):
        group_basis("so3+scaling", 3)
    with pytest.raises(ValueError, match="ambiguous"):
        group_basis("scaling+scaling", 4)
    with pytest.raises(ValueError, match="latent_dim must be >= 1"):
        group_basis("scaling", 0)
    with pytest.raises(TypeError, match="latent_dim"):
        group_basis("so2", 2.0)


def test_closure_residual_of_non_closed_set():
    basis = group_basis("so3", 3)
    # [L_x, L_y] = L_z lies entirely outside the span of L_x, L_y.
    assert closure_residual(basis[:2]) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert closure_residual(rng.normal(size=(2, 3, 3))) > 0.1
    assert closure_residual(SL2) < 1e-12


def test_killing_forms():
    so3_form = killing_form(group_basis("so3", 3))
    np.testing.assert_allclose(so3_form, -2 * np.eye(3), atol=1e-12)
    expected = np.array([[8.0, 0.0, 0.0], [0.0, 0.0, 4.0], [0.0, 4.0, 0.0]])
    np.testing.assert_allclose(killing_form(SL2), expected, atol=1e-12)
    np.testing.assert_allclose(killing_form(group_basis("so2+so2", 4)), 0.0)


@pytest.mark.parametrize("seed", range(5))
def test_identify_so3_after_change_of_coordinates(seed):
    rng = np.random.default_rng(seed)
    so3 = group_basis("so3", 3)
    conjugator = np.eye(3) + 0.5 * rng.normal(size=(3, 3))
    conjugated = conjugator @ so3 @ np.linalg.inv(conjugator)
    assert identify_algebra(conjugated) == "so3"
    orthogonal = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    mixed = np.einsum("ij,jkl->ikl", orthogonal, so3)
    assert identify_algebra(mixed) == "so3"
    # Rescaled, mixed and conjugated, with a redundant extra generator.
    both = np.einsum("ij,jkl->ikl", rng.normal(size=(4, 3)), conjugated * 10)
    assert identify_algebra(both) == "so3"
    assert identify_algebra(group_basis("so3@4", 4)) == "so3"


@pytest.mark.parametrize("seed", range(3))
def test_identify_one_parameter_groups(seed):
    rng = np.random.default_rng(seed)
    conjugator = np.eye(2) + 0.5 * rng.normal(size=(2, 2))
    rotation = conjugator @ group_basis("so2", 2)[0] @ np.linalg.inv(conjugator)
    assert identify_algebra(rotation) == "so2"
    assert identify_algebra(3 * np.eye(4)) == "scaling"
    assert identify_algebra(np.diag([1.0, -2.0])) == "scaling"
    # A spiral and a shear are neither.
    assert identify_algebra(np.array([[1.0, -1.0], [1.0, 1.0]])) == "unknown"
    assert identify_algebra(np.array([[0.0, 1.0], [0.0, 0.0]])) == "unknown"


def test_identify_other_algebras():
    assert identify_algebra(SL2) == "sl2"
    rng = np.random.default_rng(0)
    conjugator = np.eye(2) + 0.5 * rng.normal(size=(2, 2))
    assert identify_algebra(conjugator @ SL2 @ np.linalg.inv(conjugator)) == "sl2"
    assert identify_algebra(group_basis("so2+so2", 4)) == "abelian"
    assert identify_algebra(group_basis("so2xR", 2)) == "abelian"
    # Not closed, too large, or solvable: unknown.
    assert identify_algebra(group_basis("so3", 3)[:2]) == "unknown"
    assert identify_algebra(group_basis("so4", 4)) == "unknown"
    heisenberg = np.zeros((3, 3, 3))
    heisenberg[0, 0, 1] = heisenberg[1, 1, 2] = heisenberg[2, 0, 2] = 1.0
    assert identify_algebra(heisenberg) == "unknown"
    euclidean = np.zeros((3, 3, 3))  # e(2): rotation and two translations
    euclidean[0, :2, :2] = group_basis("so2", 2)[0]
    euclidean[1, 0, 2] = euclidean[2, 1, 2] = 1.0
    assert identify_algebra(euclidean) == "unknown"


def test_identify_tolerates_small_noise():
    rng = np.random.default_rng(1)
    noisy = group_basis("so3", 3) + 1e-4 * rng.normal(size=(3, 3, 3))
    assert identify_algebra(noisy) == "so3"


def test_bad_basis_raises():
    with pytest.raises(ValueError, match="shape"):
        structure_constants(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="NaN"):
        closure_residual(np.full((1, 2, 2), np.nan))
    with pytest.raises(ValueError, match="square"):
        commutator(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="same size"):
        commutator(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="tol"):
        identify_algebra(SL2, tol=0)
    assert identify_algebra(np.zeros((2, 2, 2))) == "unknown"


def test_so3_on_two_vectors_rotates_both_by_the_same_rotation():
    rng = np.random.RandomState(0)
    w = rng.normal(size=3)
    single = expm(np.einsum("i,ikl->kl", w, group_basis("so3", 3)))
    double = expm(np.einsum("i,ikl->kl", w, group_basis("so3@6", 6)))
    np.testing.assert_allclose(double[:3, :3], single, atol=1e-12)
    np.testing.assert_allclose(double[3:, 3:], single, atol=1e-12)
    np.testing.assert_allclose(double[:3, 3:], 0.0, atol=1e-12)
    assert identify_algebra(group_basis("so3@6", 6)) == "so3"


def test_covariance_preserving_part_keeps_the_covariance_and_is_a_projection():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 3))
    C = A @ A.T + 0.1 * np.eye(3)
    basis = rng.normal(size=(2, 3, 3))
    projected = covariance_preserving_part(basis, C)
    for L in projected:
        np.testing.assert_allclose(L @ C + C @ L.T, 0, atol=1e-10)
        assert np.allclose(np.linalg.eigvals(L).real, 0, atol=1e-10)  # periodic
    np.testing.assert_allclose(covariance_preserving_part(projected, C), projected)


def test_covariance_preserving_part_is_the_nearest_in_the_original_coordinates():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3))
    C = A @ A.T + 0.1 * np.eye(3)
    L = rng.normal(size=(3, 3))
    residual = L - covariance_preserving_part(L, C)[0]
    # The residual is orthogonal to every generator that keeps C.
    root = np.real(sqrtm(C))
    for rotation in group_basis("so3", 3):
        keeping = root @ rotation @ np.linalg.inv(root)
        assert abs(np.sum(residual * keeping)) < 1e-10


def test_covariance_preserving_part_keeps_the_axis_of_a_flat_distribution():
    # A rotation about the normal of a nearly flat cloud, slightly mixing the
    # normal into the plane: the projection must still turn about the normal
    # (measured in white coordinates, its axis fell into the plane: |cos| 0.06).
    C = np.diag([1.0, 0.5, 1e-3])
    L = group_basis("so3", 3)[2].copy()
    L[0, 2] += 0.05
    L[2, 0] += 0.05
    projected = covariance_preserving_part(L, C)[0]
    eigenvalues, vectors = np.linalg.eig(projected)
    axis = np.real(vectors[:, np.argmin(np.abs(eigenvalues))])
    assert abs(axis[2]) / np.linalg.norm(axis) > 0.99


def test_covariance_preserving_part_keeps_masked_entries_at_zero():
    rng = np.random.default_rng(0)
    L = rng.normal(size=(3, 3)) + np.array([[0, 0, 1], [0, 0, 0], [-1, 0, 0]])
    mask = np.ones((3, 3))
    mask[0, 2] = 0
    C = np.diag([4.0, 1.0, 2.0])
    projected = covariance_preserving_part(L, C, mask)[0]
    np.testing.assert_allclose(projected @ C + C @ projected.T, 0, atol=1e-12)
    # keeping C, the (2, 0) entry is proportional to the (0, 2) one
    assert projected[0, 2] == pytest.approx(0, abs=1e-12)
    assert projected[2, 0] == pytest.approx(0, abs=1e-12)
    assert np.abs(projected).max() > 0.1
    # the nearest such generator: the residual is orthogonal to the one left
    direction = projected / np.linalg.norm(projected)
    assert np.sum((L - projected) * direction) == pytest.approx(0, abs=1e-12)
    # an unmasked projection does not keep that entry at zero
    assert abs(covariance_preserving_part(L, C)[0][0, 2]) > 0.1
    # all ones: the unmasked projection
    np.testing.assert_array_equal(
        covariance_preserving_part(L, C, np.ones((3, 3))),
        covariance_preserving_part(L, C),
    )


def test_covariance_preserving_part_rejects_an_impossible_or_misshaped_mask():
    L = group_basis("so3", 3)
    off_diagonal = 1 - np.eye(3)
    with pytest.raises(ValueError, match="only the zero generator .* generator 0"):
        covariance_preserving_part(L[0], np.eye(3), np.eye(3))
    with pytest.raises(ValueError, match=r"mask must have the shape .*\(2, 2\)"):
        covariance_preserving_part(L, np.eye(3), np.ones((2, 2)))
    assert covariance_preserving_part(L, np.eye(3), off_diagonal).shape == (3, 3, 3)


def test_covariance_preserving_part_leaves_rotations_of_white_data_alone():
    so3 = group_basis("so3", 3)
    np.testing.assert_allclose(covariance_preserving_part(so3, np.eye(3)), so3)


@pytest.mark.parametrize(
    "covariance, match",
    [
        (np.eye(3), r"\(2, 2\) matrix"),
        (np.diag([1.0, 0.0]), "positive definite"),
        (np.array([[1.0, 0.5], [0.0, 1.0]]), "symmetric"),
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), "finite"),
    ],
)
def test_covariance_preserving_part_rejects_a_bad_covariance(covariance, match):
    with pytest.raises(ValueError, match=match):
        covariance_preserving_part(group_basis("so2", 2), covariance)
