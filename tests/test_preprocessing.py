"""ChannelScaler: one scale per channel of flattened multi-channel states."""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from symlearn.datasets import make_pendulum_movie
from symlearn.preprocessing import ChannelScaler, TrajectoryTransformer


@parametrize_with_checks([ChannelScaler(), TrajectoryTransformer(StandardScaler())])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _two_channels(rng, n=300):
    """Channel 0 of spread about 0.1, channel 1 of spread about 5, 3 x 4 images."""
    return np.hstack([0.1 * rng.normal(size=(n, 12)), 5 + 5 * rng.normal(size=(n, 12))])


def test_each_channel_gets_unit_mean_variance():
    X = _two_channels(np.random.RandomState(0))
    Xt = ChannelScaler(input_shape=(2, 3, 4)).fit_transform(X)
    channels = Xt.reshape(len(X), 2, 12)
    np.testing.assert_allclose(channels.var(axis=0).mean(axis=1), [1.0, 1.0])
    # one factor per channel: the shape of each image is kept
    np.testing.assert_allclose(Xt[:, :12] / X[:, :12], Xt[0, 0] / X[0, 0])
    np.testing.assert_allclose(Xt[:, 12:] / X[:, 12:], Xt[0, 12] / X[0, 12])


def test_inverse_transform_undoes_transform_and_keeps_float32():
    X = _two_channels(np.random.RandomState(1)).astype(np.float32)
    scaler = ChannelScaler(input_shape=(2, 12)).fit(X)
    Xt = scaler.transform(X)
    assert Xt.dtype == np.float32
    np.testing.assert_allclose(scaler.inverse_transform(Xt), X, rtol=1e-6)


def test_round_trip_of_a_dataframe_does_not_warn():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_two_channels(np.random.RandomState(6))).add_prefix("x")
    scaler = ChannelScaler(input_shape=(2, 12)).fit(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        restored = scaler.inverse_transform(scaler.transform(frame))
    np.testing.assert_allclose(restored, frame.to_numpy())
    with pytest.raises(ValueError, match="X has 20 features, but ChannelScaler"):
        scaler.inverse_transform(np.zeros((3, 20)))


def test_without_input_shape_all_features_share_one_scale():
    X = _two_channels(np.random.RandomState(2))
    scaler = ChannelScaler().fit(X)
    assert scaler.scale_.shape == (1,)
    np.testing.assert_allclose(scaler.scale_[0] ** 2, X.var(axis=0).mean())


def test_wrong_input_shape_names_both_sizes():
    X = _two_channels(np.random.RandomState(3))
    with pytest.raises(ValueError, match=r"holds 20 values.*n_features=24"):
        ChannelScaler(input_shape=(2, 10)).fit(X)


@pytest.mark.parametrize("value", [3.0, 0.1, 1 / 3])
def test_constant_channel_is_named(value):
    # 0.1 and 1/3 are not exact in binary: their computed variance is ~1e-34
    X = _two_channels(np.random.RandomState(4))
    X[:, 12:] = value
    with pytest.raises(ValueError, match="channel 1 is constant"):
        ChannelScaler(input_shape=(2, 12)).fit(X)


def test_other_width_after_fit_is_rejected():
    X = _two_channels(np.random.RandomState(5))
    scaler = ChannelScaler(input_shape=(2, 12)).fit(X)
    with pytest.raises(ValueError, match="24 features"):
        scaler.transform(X[:, :20])


def test_pendulum_movie_channels_balanced_in_a_pipeline():
    data = make_pendulum_movie(
        n_trajectories=3, n_steps=20, image_size=15, random_state=0
    )
    scaler = ChannelScaler(input_shape=data.state_shape)
    Xt = make_pipeline(scaler).fit_transform(data.states)
    # the derivative channel varies far more than the frame before scaling
    assert scaler.scale_[1] > 3 * scaler.scale_[0]
    channels = Xt.reshape(len(Xt), 2, -1)
    np.testing.assert_allclose(channels.var(axis=0).mean(axis=1), [1.0, 1.0])


def test_trajectories_are_transformed_as_their_states_together():
    data = make_pendulum_movie(n_trajectories=3, n_steps=20, image_size=9)
    shape = data.state_shape
    wrapped = TrajectoryTransformer(ChannelScaler(input_shape=shape))
    wrapped.fit(data.trajectories)
    on_states = ChannelScaler(input_shape=shape).fit(data.states)
    np.testing.assert_allclose(wrapped.transformer_.scale_, on_states.scale_)
    assert wrapped.n_features_in_ == data.states.shape[1]
    scaled = wrapped.transform(data.trajectories)
    assert isinstance(scaled, list) and [len(x) for x in scaled] == [20] * 3
    np.testing.assert_allclose(np.concatenate(scaled), on_states.transform(data.states))
    restored = wrapped.inverse_transform(scaled)
    np.testing.assert_allclose(np.concatenate(restored), data.states)
    # an array of states goes to the transformer as it is
    np.testing.assert_allclose(
        wrapped.transform(data.states), on_states.transform(data.states)
    )
    with pytest.raises(ValueError, match="trajectory 1 has 80 features"):
        wrapped.transform([data.trajectories[0], data.trajectories[1][:, :80]])


def test_nan_in_trajectories_only_where_the_transformer_takes_it():
    from sklearn.decomposition import PCA
    from sklearn.impute import SimpleImputer

    trajectories = [np.array([[1.0, np.nan], [3.0, 4.0]]), np.array([[5.0, 6.0]])]
    imputed = TrajectoryTransformer(SimpleImputer()).fit(trajectories)
    np.testing.assert_allclose(imputed.transform(trajectories)[0], [[1, 5], [3, 4]])
    with pytest.raises(ValueError, match="trajectory 0: Input contains NaN"):
        TrajectoryTransformer(PCA()).fit(trajectories)
    trajectories[1][0, 0] = np.inf  # inf is refused even by an imputer
    with pytest.raises(ValueError, match="trajectory 1: Input contains infinity"):
        imputed.transform(trajectories)


def test_inverse_transform_only_where_the_transformer_has_one():
    from sklearn.feature_selection import VarianceThreshold
    from sklearn.preprocessing import PolynomialFeatures

    assert hasattr(TrajectoryTransformer(VarianceThreshold()), "inverse_transform")
    assert not hasattr(TrajectoryTransformer(PolynomialFeatures()), "inverse_transform")


def test_the_transformer_passed_is_left_unfitted():
    scaler = StandardScaler()
    TrajectoryTransformer(scaler).fit([np.random.RandomState(0).normal(size=(9, 2))])
    assert not hasattr(scaler, "mean_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pipeline_scales_trajectories_for_the_discoverer():
    from conftest import small_discoverer

    data = make_pendulum_movie(n_trajectories=3, n_steps=20, image_size=9)
    pipeline = make_pipeline(
        TrajectoryTransformer(StandardScaler()),
        small_discoverer(latent_dim=2, max_epochs=1, batch_size=8),
    ).fit(data.trajectories)
    latents = pipeline.transform(data.trajectories)
    assert [z.shape for z in latents] == [(20, 2)] * 3


def test_trajectory_transformer_keeps_the_feature_names_of_dataframes():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    frames = [pd.DataFrame(rng.normal(size=(5, 2)), columns=["a", "b"]) for _ in "xyz"]
    scaler = TrajectoryTransformer(StandardScaler()).fit(frames)
    assert list(scaler.get_feature_names_out()) == ["a", "b"]
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform([frame[["b", "a"]] for frame in frames])
    np.testing.assert_array_equal(
        scaler.transform(frames)[1], scaler.transform([f.to_numpy() for f in frames])[1]
    )
