import numpy as np
import pytest
from conftest import small_discoverer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV

from symlearn.forecasting import LatentForecaster
from symlearn.sindy import LatentSINDy


@pytest.mark.parametrize("dynamics", [LatentSINDy(degree=2), Ridge()])
def test_predict_shapes(pendulum, dynamics):
    model = LatentForecaster(small_discoverer(), dynamics).fit(
        pendulum.trajectories, pendulum.t, pendulum.derivatives
    )
    X0 = pendulum.states[:3]
    assert model.predict(X0, n_steps=7).shape == (3, 8, 2)
    assert np.isfinite(model.score(pendulum.trajectories[:2]))


def test_a_regressor_on_one_feature_rolls_out_every_start():
    t = np.linspace(0, 3, 61)
    X = [np.exp(-rate * t)[:, None] for rate in (0.5, 1.0, 1.5)]
    model = LatentForecaster(dynamics=Ridge(alpha=1e-6, fit_intercept=False))
    model.fit(X, t)
    paths = model.predict(np.array([[1.0], [0.5]]), 3)
    assert paths.shape == (2, 4, 1)
    np.testing.assert_allclose(paths[1], paths[0] / 2, rtol=1e-4)  # linear


def test_prefit_discoverer_is_shared_not_refitted(pendulum):
    discoverer = small_discoverer().fit(pendulum.trajectories)
    model = LatentForecaster(discoverer, Ridge(), prefit=True).fit(
        pendulum.trajectories, pendulum.t
    )
    assert model.discoverer_ is discoverer


def test_a_frozen_discoverer_survives_cross_validation(pendulum):
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import cross_val_score

    disc = small_discoverer().fit(pendulum.trajectories)
    generators = disc.generators_.copy()
    model = LatentForecaster(FrozenEstimator(disc))
    scores = cross_val_score(
        model, pendulum.trajectories, params={"t": pendulum.t}, cv=2
    )
    assert np.isfinite(scores).all()
    np.testing.assert_array_equal(disc.generators_, generators)


def test_data_space_sindy_recovers_a_rotation():
    t = np.linspace(0, 6, 301)
    X = [np.column_stack([a * np.cos(t), a * np.sin(t)]) for a in (1.0, 2.0)]
    model = LatentForecaster(dynamics=LatentSINDy(degree=1)).fit(X, t)
    assert model.score(X) > -1e-4


def test_grid_search_over_discoverer_and_dynamics(pendulum):
    search = GridSearchCV(
        LatentForecaster(small_discoverer(max_epochs=1, refine_epochs=0), Ridge()),
        {"discoverer__latent_dim": [1, 2], "dynamics__alpha": [1e-3, 10.0]},
        cv=2,
    )
    search.fit(pendulum.trajectories, t=float(pendulum.t[1]))
    assert set(search.best_params_) == {"discoverer__latent_dim", "dynamics__alpha"}
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_bad_input_raises_clear_errors(pendulum):
    model = LatentForecaster(dynamics=Ridge())
    with pytest.raises(
        ValueError, match="t has 10 time points, but trajectory 0 has 60"
    ):
        model.fit(pendulum.trajectories, pendulum.t[:10])
    with pytest.raises(ValueError, match="uniformly sampled"):
        model.fit(pendulum.trajectories, pendulum.t**2)
    model.fit(pendulum.trajectories, pendulum.t)
    with pytest.raises(ValueError, match="X0 has 3 features, expected 2"):
        model.predict(np.zeros((1, 3)), 5)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1, got 0"):
        model.predict(np.zeros((1, 2)), 0)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1, got 2.5"):
        model.predict(np.zeros((1, 2)), 2.5)
    with pytest.raises(ValueError, match="trajectory 1 has 1 state.*the 2 needed"):
        model.score([pendulum.trajectories[0], pendulum.trajectories[1][:1]])
    with pytest.warns(UserWarning, match=r"X_dot is ignored: dynamics=Ridge\(\)"):
        model.fit(pendulum.trajectories, pendulum.t, pendulum.trajectories)
    # a failed refit leaves no fitted model, not the last fit's beside this one's
    with pytest.raises(ValueError, match="X_dot must have the same trajectory"):
        model.fit(
            pendulum.trajectories, pendulum.t, [d[:-1] for d in pendulum.trajectories]
        )
    with pytest.raises(NotFittedError):
        model.predict(np.zeros((1, 2)), 5)


def test_a_prefit_scikit_learn_transformer_encodes_the_states():
    from sklearn.decomposition import PCA

    t = np.linspace(0, 6, 121)
    X = [np.column_stack([a * np.cos(t), a * np.sin(t), 0 * t]) for a in (1, 2)]
    pca = PCA(2).fit(np.concatenate(X))  # takes 2-D arrays only
    model = LatentForecaster(pca, LatentSINDy(degree=1), prefit=True).fit(X, t)
    assert model.predict(X[0][:1], 10).shape == (1, 11, 3)
    assert model.score(X) > -1e-3


def test_pysindy_model_is_refused_with_the_latent_sindy_recipe():
    import pysindy as ps

    t = np.linspace(0, 3, 61)
    X = np.column_stack([np.cos(t), np.sin(t)])
    with pytest.raises(ValueError, match="use symlearn.sindy.LatentSINDy"):
        LatentForecaster(dynamics=ps.SINDy()).fit(X, t)
    with pytest.raises(ValueError, match="use symlearn.sindy.LatentSINDy"):
        # refused before the discoverer trains (a fit here would raise)
        LatentForecaster(small_discoverer(max_epochs=-1), ps.SINDy()).fit([X], t)


def test_a_still_trajectory_scores_as_r2_does():
    t = np.linspace(0, 3, 61)
    X = [np.column_stack([np.cos(t), np.sin(t)])]
    model = LatentForecaster(dynamics=LatentSINDy(degree=1)).fit(X, t)
    assert model.score(np.zeros((20, 2))) == 0.0  # z' = 0 at the origin
    moving = LatentForecaster(dynamics=Ridge(alpha=0.0)).fit(
        [np.column_stack([t, t])], t
    )  # every step adds dt
    assert moving.score(np.ones((20, 2))) == -1.0
