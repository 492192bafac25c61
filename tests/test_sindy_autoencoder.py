import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from symlearn.sindy_autoencoder import SINDyAutoencoder


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
    with pytest.raises(ValueError, match="X_dot must have the shapes of X"):
        model.fit(X, t, [x[:-1] for x in X_dot])
    with pytest.raises(NotFittedError):  # not the last fit's model
        model.transform(X[0])
