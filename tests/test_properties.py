"""Property-based tests: any finite input of any shape and dtype gives a
result of the right shape and dtype, finite, or a clean error, never a torch
traceback.

``run_property`` is also called by ``benchmarks/reliability.py``, which
counts the examples.
"""

import traceback
from collections import Counter
from functools import cache

import numpy as np
import pytest
from conftest import small_discoverer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from symlearn.training import TrainingDivergedError

DTYPES = (np.float32, np.float64, np.int64)


@st.composite
def matrices(draw, n_features: int, min_rows: int = 0) -> np.ndarray:
    """Finite arrays of any dtype: values in [-1, 1] times 10**e, e from -40
    to the largest the dtype holds, or the dtype's extreme values."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = (draw(st.integers(min_rows, 40)), n_features)
    if dtype == np.int64:
        elements = st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max)
        return draw(arrays(dtype, shape, elements=elements))
    width = 32 if dtype == np.float32 else 64
    extremes = arrays(
        dtype,
        shape,
        elements=st.floats(allow_nan=False, allow_infinity=False, width=width),
    )
    unit = arrays(dtype, shape, elements=st.floats(-1, 1, width=width))
    exponent = st.integers(-40, 37 if dtype == np.float32 else 307)
    scaled = st.tuples(unit, exponent).map(
        lambda pair: (pair[0] * 10.0 ** pair[1]).astype(dtype)
    )
    return draw(st.one_of(scaled, extremes))


@st.composite
def fit_cases(draw):
    n_features = draw(st.integers(1, 5))
    autoencoder = draw(st.sampled_from(["mlp", "identity"]))
    latent_dim = (
        n_features if autoencoder == "identity" else draw(st.integers(1, n_features))
    )
    params = {"latent_dim": latent_dim, "autoencoder": autoencoder}
    return params, draw(matrices(n_features))


def _not_from_torch(error: BaseException) -> None:
    """The error was raised by our or sklearn's checks, not inside torch."""
    innermost = traceback.extract_tb(error.__traceback__)[-1].filename
    assert "/torch/" not in innermost, "".join(traceback.format_exception(error))
    assert str(error)


def _check_output(out, X, width: int) -> None:
    expected = np.float32 if X.dtype == np.float32 else np.float64
    assert out.shape == (len(X), width)
    assert out.dtype == expected
    assert np.isfinite(out).all()


def fit_property(case) -> str:
    params, X = case
    est = small_discoverer(max_epochs=1, refine_epochs=1, batch_size="auto", **params)
    try:
        est.fit(X)
    except (ValueError, TrainingDivergedError) as error:
        _not_from_torch(error)
        return type(error).__name__
    assert est.generators_.shape[1:] == (params["latent_dim"],) * 2
    try:
        Z = est.transform(X)
    except ValueError as error:
        _not_from_torch(error)
        return "fitted, transform ValueError"
    _check_output(Z, X, params["latent_dim"])
    return "fitted"


@cache
def _fitted(n_features: int, latent_dim: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, n_features))
    return small_discoverer(
        max_epochs=1, latent_dim=latent_dim, refine_epochs=1, batch_size="auto"
    ).fit(X)


@st.composite
def inference_cases(draw, method: str):
    n_features = draw(st.integers(1, 5))
    latent_dim = draw(st.integers(1, n_features))
    width = latent_dim if method == "inverse_transform" else n_features
    X = draw(matrices(width))
    coefficients = None
    if method == "apply_group":
        coefficients = draw(
            st.none()
            | arrays(
                np.float64,
                (len(X), 1),
                elements=st.floats(-1e6, 1e6, allow_nan=False),
            )
        )
    return (n_features, latent_dim), X, coefficients


def inference_property(method: str):
    def check(case) -> str:
        (n_features, latent_dim), X, coefficients = case
        apply = getattr(_fitted(n_features, latent_dim), method)
        try:
            if method == "apply_group":
                out = apply(X, coefficients, random_state=0)
            else:
                out = apply(X)
        except ValueError as error:
            _not_from_torch(error)
            return "ValueError"
        width = latent_dim if method == "transform" else n_features
        _check_output(out, X, width)
        return "result"

    return check


PROPERTIES = {
    "fit": (fit_property, fit_cases()),
    **{
        method: (inference_property(method), inference_cases(method))
        for method in ("transform", "inverse_transform", "apply_group")
    },
}


def run_property(name: str, max_examples: int) -> Counter:
    """Run one property on ``max_examples`` examples; count the outcomes."""
    check, strategy = PROPERTIES[name]
    outcomes = Counter()

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(case):
        outcomes[check(case)] += 1

    run()
    return outcomes


@pytest.mark.parametrize("name", PROPERTIES)
def test_property(name):
    run_property(name, 15)


@pytest.mark.slow
@pytest.mark.parametrize("name", PROPERTIES)
def test_property_many_examples(name):
    run_property(name, 300)
