import numpy as np
import pysindy as ps
import pytest
import sklearn
from conftest import small_discoverer
from sklearn.pipeline import Pipeline

from symlearn.datasets import make_pendulum
from symlearn.equivariance import (
    equivariance_constraints,
    vector_field_equivariance_error,
)
from symlearn.sindy import LatentSINDy

ROTATION = np.array([[[0.0, -1.0], [1.0, 0.0]]])
CUBIC_POWERS = ps.PolynomialLibrary(degree=3).fit(np.zeros((2, 2))).powers_


def _linear_coefficients(A: np.ndarray) -> np.ndarray:
    """``Xi`` of ``u_dot = A u`` in the cubic library (columns 1 and 2 are u0, u1)."""
    coefficients = np.zeros((2, len(CUBIC_POWERS)))
    coefficients[:, 1:3] = A
    return coefficients


def test_jvp_derivatives_match_finite_differences_of_the_encoder():
    data = make_pendulum(n_trajectories=4, n_steps=400, dt=0.005, random_state=1)
    est = small_discoverer().fit(data.trajectories)
    rates = est.transform_derivatives(data.trajectories, data.derivatives)
    for z, z_dot in zip(est.transform(data.trajectories), rates, strict=True):
        finite = np.gradient(z, data.t, axis=0)[1:-1]
        scale = np.abs(finite).max()
        np.testing.assert_allclose(z_dot[1:-1], finite, atol=1e-3 * scale)


def test_transform_derivatives_rejects_mismatched_shapes(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    with pytest.raises(ValueError, match=r"X_dot\[0\] has shape"):
        est.transform_derivatives(
            pendulum.trajectories, [d[:-1] for d in pendulum.derivatives]
        )
    with pytest.raises(ValueError, match="X_dot has shape"):
        est.transform_derivatives(pendulum.states, pendulum.states[:-1])
    with pytest.raises(ValueError, match="list of as many, got NoneType"):
        est.transform_derivatives(pendulum.trajectories, None)


def test_transform_derivatives_checks_x_as_transform_does(pendulum):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(pendulum.states, columns=["angle", "velocity"])
    est = small_discoverer().fit(frame)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform_derivatives(frame[["velocity", "angle"]], pendulum.derivatives)
    X = pendulum.states.astype(np.float32)
    X_dot = np.vstack(pendulum.derivatives).astype(np.float32)
    assert est.transform_derivatives(X, X_dot).dtype == np.float32
    pairs = [t.astype(np.float32) for t in pendulum.trajectories]
    rates = [d.astype(np.float32) for d in pendulum.derivatives]
    assert all(z.dtype == np.float32 for z in est.transform_derivatives(pairs, rates))


def test_constraints_hold_exactly_for_an_equivariant_model():
    points = np.random.RandomState(0).normal(size=(20, 2))
    C = equivariance_constraints(ROTATION, CUBIC_POWERS, points)
    commuting = _linear_coefficients(np.array([[-0.1, -2.0], [2.0, -0.1]]))
    # The cubic field |u|^2 J u = (-u0^2 u1 - u1^3, u0^3 + u0 u1^2) is equivariant too.
    cubic = np.zeros_like(commuting)
    terms = [tuple(p) for p in CUBIC_POWERS]
    cubic[0, terms.index((2, 1))] = cubic[0, terms.index((0, 3))] = -1.0
    cubic[1, terms.index((3, 0))] = cubic[1, terms.index((1, 2))] = 1.0
    for model in (commuting, cubic, commuting + cubic):
        assert np.abs(C @ model.ravel()).max() < 1e-10
        assert (
            vector_field_equivariance_error(model, ROTATION, CUBIC_POWERS, points)[0]
            < 1e-12
        )


def test_constraints_are_violated_by_a_non_equivariant_model():
    points = np.random.RandomState(0).normal(size=(20, 2))
    C = equivariance_constraints(ROTATION, CUBIC_POWERS, points)
    saddle = _linear_coefficients(np.diag([1.0, -1.0]))  # [A, L] != 0
    assert np.abs(C @ saddle.ravel()).max() > 0.5
    assert (
        vector_field_equivariance_error(saddle, ROTATION, CUBIC_POWERS, points)[0] > 0.5
    )
    quadratic = np.zeros_like(saddle)
    quadratic[0, 3] = 1.0  # u0' = u0^2: not rotation-equivariant
    assert np.abs(C @ quadratic.ravel()).max() > 0.5


def test_constrained_fit_is_equivariant_where_the_free_fit_is_not():
    t = np.linspace(0, 2, 101)
    # u_dot = diag(-1, -2) u: decays faster along u1, so not rotation-equivariant.
    Z = [
        np.column_stack([a * np.exp(-t), b * np.exp(-2 * t)])
        for a, b in [(1, 2), (-2, 1), (1.5, -1)]
    ]
    model = LatentSINDy(degree=2, generators=ROTATION).fit(Z, t)
    assert model.unconstrained_equivariance_error_[0] > 0.1
    assert model.equivariance_error_[0] < 1e-10
    assert model.n_constraints_ == 2 * 6 - 2  # only u and J u survive
    # data along one axis only constrain the model as fully
    on_axis = [np.column_stack([z[:, 0], 0 * z[:, 0]]) for z in Z]
    assert model.fit(on_axis, t).n_constraints_ == 2 * 6 - 2
    model.set_params(generators=None).fit(Z, t)
    assert not hasattr(model, "n_constraints_")
    assert not hasattr(model, "equivariance_error_")


def test_equations_are_named_and_coefficients_are_arrays():
    t = np.linspace(0, 6, 301)
    Z = np.column_stack([np.cos(t), np.sin(t)])
    model = LatentSINDy(degree=2).fit(Z, t)
    assert model.equations()[0].startswith("z0' =")
    assert model.coefficients_.shape == (2, len(model.terms_)) == (2, 6)
    np.testing.assert_allclose(
        model.coefficients_[:, 1:3], [[0, -1], [1, 0]], atol=1e-3
    )
    assert model.score(Z, t) > 0.999
    # the derivative at a single state is defined: z' = J z
    np.testing.assert_allclose(model.predict(Z[:1]), [[0.0, 1.0]], atol=1e-3)


def test_a_rollout_escaping_100_times_the_range_about_the_center_is_nan():
    t = np.linspace(0, 1, 101)
    center = np.array([1000.0, 0.0])
    Z = [center + np.outer(np.exp(t), u0) for u0 in ([1.0, 0.0], [0.0, -1.0])]
    model = LatentSINDy(degree=1, center=center).fit(Z, t)  # u' = u about center
    # |u| = e^t leaves 100 times the training range (e = 2.7) at t = 5.6
    path = model.simulate(center + [[1.0, 0.0]], np.linspace(0, 8, 81))[0]
    assert np.isfinite(path[:40]).all() and np.isnan(path[-1]).all()


def test_simulate_edge_cases():
    t = np.linspace(0, 6, 301)
    Z = np.column_stack([np.cos(t), np.sin(t)])
    model = LatentSINDy(degree=1).fit(Z, t)
    np.testing.assert_array_equal(model.simulate(Z[:2], [0.0]), Z[:2, None])
    for bad in (0.5, [[0.0, 1.0]], [], [0.0, 1.0, 0.5]):
        with pytest.raises(ValueError, match="t must be a 1-D array of strictly"):
            model.simulate(Z[:1], bad)
    # an infinite time would never end a rollout that stays bounded
    with pytest.raises(ValueError, match="t must be finite"):
        model.simulate(Z[:1], [0.0, 1.0, np.inf])
    backwards = model.simulate(Z[100:101], t[100::-25] - t[100])[0]
    np.testing.assert_allclose(backwards, Z[100::-25], atol=1e-3)
    # every training latent at the centre: z' = 0 keeps it there, not NaN
    still = LatentSINDy(degree=1).fit(np.zeros((10, 2)), 0.1)
    np.testing.assert_array_equal(
        still.simulate(np.zeros((1, 2)), [0.0, 0.5, 1.0]), np.zeros((1, 3, 2))
    )


def test_sindy_rejects_bad_time_and_derivatives():
    Z = np.random.RandomState(0).normal(size=(30, 2))
    with pytest.raises(
        ValueError, match="t has 29 time points, but trajectory 0 has 30"
    ):
        LatentSINDy().fit(Z, np.arange(29.0))
    with pytest.raises(ValueError, match="t is required"):
        LatentSINDy().fit(Z, None)
    with pytest.raises(ValueError, match=r"t must be finite, got t\[2\] = nan"):
        LatentSINDy().fit(Z, np.r_[0.0, 1.0, np.nan, 3.0:30.0])
    with pytest.raises(
        ValueError, match=r"increasing, got t\[1\] = 1.0 and t\[2\] = 1.0"
    ):
        LatentSINDy().fit(Z, np.r_[0.0, 1.0, 1.0, 3.0:30.0])
    with pytest.raises(ValueError, match="Z_dot is an empty list"):
        LatentSINDy().fit([Z], 0.1, Z_dot=[])
    with pytest.raises(ValueError, match="Z_dot has trajectories of shapes"):
        LatentSINDy().fit(Z, 0.1, Z_dot=Z[:-1])
    with pytest.raises(ValueError, match="generators has shape"):
        LatentSINDy(generators=np.eye(3)).fit(Z, 0.1)


def test_a_failed_fit_leaves_no_fitted_model():
    Z = np.random.RandomState(0).normal(size=(30, 2))
    model = LatentSINDy().fit(Z, 0.1)
    with pytest.raises(ValueError, match="center has shape"):
        model.set_params(center=[0.0, 0.0, 0.0]).fit(Z, 0.1)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        model.predict(Z)


def test_a_search_scores_latent_sindy_with_the_fits_time_step():
    from sklearn.model_selection import GridSearchCV, KFold

    data = make_pendulum(n_trajectories=6, n_steps=200, random_state=0)
    dt = float(data.t[1])
    search = GridSearchCV(
        LatentSINDy(degree=3), {"threshold": [0.01, 0.1]}, cv=KFold(3)
    ).fit(data.trajectories, t=dt)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    model = search.best_estimator_
    assert model.t_ == dt
    assert model.score(data.trajectories) == model.score(data.trajectories, dt)


@pytest.mark.parametrize("routing", [False, True])
def test_pipeline_discoverer_then_latent_sindy(pendulum, routing):
    pipe = Pipeline([("discoverer", small_discoverer()), ("sindy", LatentSINDy())])
    with sklearn.config_context(enable_metadata_routing=routing):
        pipe.fit(pendulum.trajectories, pendulum.t)
    assert len(pipe[-1].equations()) == 2


def test_pipeline_discoverer_then_pysindy(pendulum):
    pipe = Pipeline([("discoverer", small_discoverer()), ("sindy", ps.SINDy())])
    pipe.fit(pendulum.trajectories, pendulum.t)
    assert pipe[-1].coefficients().shape[0] == 2


def test_equivariant_stlsq_without_constraints_is_thresholded_least_squares():
    from symlearn.equivariance import EquivariantSTLSQ

    t = np.linspace(0, 10, 500)
    Z = np.stack([np.cos(t), -np.sin(t)], axis=1)  # z0' = z1, z1' = -z0
    library = ps.PolynomialLibrary(degree=2)
    model = ps.SINDy(optimizer=EquivariantSTLSQ(), feature_library=library)
    model.fit(Z, t=t)
    coef = model.coefficients()
    names = model.get_feature_names()
    expected = np.zeros_like(coef)
    expected[0, names.index("x1")] = 1.0
    expected[1, names.index("x0")] = -1.0
    np.testing.assert_allclose(coef, expected, atol=1e-3)
    bad = EquivariantSTLSQ(constraint_matrix=np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"shape \(2, 5\), expected .* = 12\)"):
        ps.SINDy(optimizer=bad, feature_library=library).fit(Z, t=t)


def test_constraint_tol_keeps_terms_an_approximate_generator_nearly_allows():
    t = np.linspace(0, 6, 301)
    Z = [np.column_stack([a * np.cos(t), a * np.sin(t)]) for a in (1, 2)]
    nearly = np.array([[[0.01, -1.0], [1.0, 0.0]]])  # a rotation, slightly off
    strict = LatentSINDy(degree=2, generators=nearly).fit(Z, t)
    assert strict.n_nonzero_ == 0  # no term is exactly equivariant under it
    loose = LatentSINDy(degree=2, generators=nearly, constraint_tol=0.01).fit(Z, t)
    np.testing.assert_allclose(loose.coefficients_[:, 1:3], ROTATION[0], atol=1e-3)


def test_score_uses_given_derivatives_and_predict_keeps_the_input_form():
    t = np.linspace(0, 6, 301)
    Z = [np.column_stack([a * np.cos(t), a * np.sin(t)]) for a in (1, 2)]
    model = LatentSINDy(degree=2).fit(Z, t)
    rates = [np.column_stack([-z[:, 1], z[:, 0]]) for z in Z]
    assert model.score(Z, Z_dot=rates) > 0.999
    assert model.score(Z, Z_dot=[-r for r in rates]) < 0  # the wrong way round
    predicted = model.predict(Z)
    assert isinstance(predicted, list) and predicted[1].shape == (301, 2)
    np.testing.assert_allclose(predicted[1], rates[1], atol=1e-2)
    assert model.predict(Z[0]).shape == (301, 2)
