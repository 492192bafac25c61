import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from symlearn.sindy import LatentSINDy
from symlearn.sindy_autoencoder import FixedCoefficients, SINDyAutoencoder


@pytest.fixture
def circles():
    t = np.linspace(0, 3, 61)
    X = [np.column_stack([a * np.cos(t), a * np.sin(t)]) for a in (0.5, 1.0, 1.5)]
    X_dot = [np.column_stack([-x[:, 1], x[:, 0]]) for x in X]
    return X, X_dot, t


def test_sindy_autoencoder_interface(circles):
    X, X_dot, t = circles
    model = SINDyAutoencoder(hidden_sizes=(8,), max_epochs=2, random_state=0)
    model.fit(X, t, X_dot)
    assert model.transform(X[0]).shape == (61, 2)
    assert model.inverse_transform(model.transform(X[0])).shape == (61, 2)
    assert model.coefficients_.shape == (2, 10)
    assert model.equations()[0].startswith("z0' =")
    assert model.predict(X[0][:2], n_steps=4).shape == (2, 5, 2)
    assert model.score(X) <= 0
    # a stack of trajectories, as fit takes it, and checked input
    stacked = model.transform(np.stack(X))
    np.testing.assert_array_equal(stacked[1], model.transform(X[1]))
    rates = model.transform_derivatives(np.stack(X), np.stack(X_dot))
    np.testing.assert_array_equal(rates[1], model.transform_derivatives(X[1], X_dot[1]))
    with pytest.raises(ValueError, match="NaN"):
        model.transform(np.full((3, 2), np.nan))
    with pytest.raises(ValueError, match="X has 3 features, expected 2"):
        model.transform(np.zeros((3, 3)))


def test_sindy_autoencoder_thresholding_removes_terms(circles):
    X, X_dot, t = circles
    model = SINDyAutoencoder(
        hidden_sizes=(8,),
        max_epochs=4,
        threshold_every=2,
        threshold=1.0,
        random_state=0,
    ).fit(X, t, X_dot)
    assert model.sindy_.n_nonzero_ == 0  # every coefficient is far below 1


def test_sindy_autoencoder_rejects_bad_derivatives(circles):
    X, X_dot, t = circles
    model = SINDyAutoencoder(hidden_sizes=(8,), max_epochs=1).fit(X, t, X_dot)
    # every trajectory of X_dot pairs with one of X, state by state
    model.fit(X, t, X_dot)
    for x, x_dot, message in [
        (np.column_stack([X[0], X[0][:, :1]]), X_dot[0][:, :1], r"shape \(61, 1\)"),
        (X[0], X_dot[0][:-1], r"X_dot\[0\] has shape \(60, 2\)"),
        (X, X_dot[:1], "X has 3 trajectories, but X_dot has 1"),
        (X, np.stack(X_dot)[:2], "X has 3 trajectories, but X_dot has 2"),
    ]:
        with pytest.raises(ValueError, match=message):
            model.transform_derivatives(x, x_dot)
    # a list beside a stack of as many trajectories pairs them one by one
    np.testing.assert_array_equal(
        model.transform_derivatives(X, np.stack(X_dot))[2],
        model.transform_derivatives(X[2], X_dot[2]),
    )
    with pytest.raises(ValueError, match=r"X_dot\[0\] has shape \(60, 2\)"):
        model.fit(X, t, [x[:-1] for x in X_dot])
    with pytest.raises(NotFittedError):  # not the last fit's model
        model.transform(X[0])


def test_sindy_autoencoder_refuses_uneven_times_before_training(circles, monkeypatch):
    X, X_dot, t = circles
    model = SINDyAutoencoder(hidden_sizes=(8,), max_epochs=1)
    monkeypatch.setattr(model, "_train", None)  # training would call it
    with pytest.raises(ValueError, match="uniformly sampled"):
        model.fit(X, t**2, X_dot)


def test_sindy_autoencoder_is_reproducible(circles):
    X, X_dot, t = circles
    fits = [
        SINDyAutoencoder(hidden_sizes=(8,), max_epochs=2, random_state=3).fit(
            X, t, X_dot
        )
        for _ in range(2)
    ]
    np.testing.assert_array_equal(fits[0].coefficients_, fits[1].coefficients_)
    np.testing.assert_array_equal(fits[0].transform(X[0]), fits[1].transform(X[0]))


def test_fixed_coefficients_must_match_the_library():
    t = np.linspace(0, 3, 61)
    Z = np.column_stack([np.cos(t), np.sin(t)])
    for coefficients, message in [
        (None, r"coefficients is None; pass an array of shape \(2, 6\)"),
        (np.zeros((2, 3)), r"coefficients has shape \(2, 3\), expected \(2, 6\)"),
    ]:
        model = LatentSINDy(degree=2, optimizer=FixedCoefficients(coefficients))
        with pytest.raises(ValueError, match=message):
            model.fit(Z, t)
    exact = np.zeros((2, 6))
    exact[0, 2], exact[1, 1] = -1.0, 1.0  # z0' = -z1, z1' = z0 (terms 1, z0, z1, ...)
    model = LatentSINDy(degree=2, optimizer=FixedCoefficients(exact)).fit(Z, t)
    np.testing.assert_array_equal(model.coefficients_, exact)
