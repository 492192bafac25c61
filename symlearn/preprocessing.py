"""Preprocessing: states of signals, images and fields given as flat rows,
and lists of trajectories for scikit-learn's transformers."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    clone,
)
from sklearn.utils import check_array, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from symlearn._output import TrajectoryOutputMixin
from symlearn.nn.autoencoders import check_input_shape
from symlearn.windows import check_trajectories, is_trajectory_list

__all__ = ["ChannelScaler", "TrajectoryTransformer"]

_FLOAT_DTYPES = (np.float64, np.float32)


class ChannelScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each channel of flattened multi-channel states to the same spread.

    The reconstruction loss of :class:`~symlearn.LatentSymmetryDiscoverer`
    is a mean squared error over all features, so a channel whose values
    vary less than another's is reconstructed that much less carefully. The
    pendulum movie's frame channel, for example, varies about 20 times less
    than its time-derivative channel. This transformer divides every channel
    by one number, the root of its mean per-feature variance in the training
    data, so each channel then has mean per-feature variance 1. Unlike
    :class:`~sklearn.preprocessing.StandardScaler` it keeps each image's
    shape: pixels are neither centred nor scaled one by one, so a background
    that never changes stays 0 rather than being divided by a variance near
    0.

    Parameters
    ----------
    input_shape : tuple of int, default=None
        Shape of one state, channels first: ``(channels, length)`` or
        ``(channels, height, width)``; the product must be ``n_features``.
        ``None`` treats all features as one channel.

    Attributes
    ----------
    scale_ : ndarray of shape (n_channels,)
        Root mean per-feature variance of each channel, what ``transform``
        divides by.
    n_features_in_ : int
        Number of features seen during ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.preprocessing import ChannelScaler
    >>> rng = np.random.RandomState(0)
    >>> X = np.hstack([rng.normal(size=(200, 4)), 10 * rng.normal(size=(200, 4))])
    >>> scaler = ChannelScaler(input_shape=(2, 4)).fit(X)
    >>> scaler.scale_.round(1)
    array([1. , 9.6])
    >>> Xt = scaler.transform(X)
    >>> bool(np.allclose(scaler.inverse_transform(Xt), X))
    True
    """

    _parameter_constraints: dict = {
        "input_shape": [tuple, list, None],
    }

    def __init__(self, input_shape=None):
        self.input_shape = input_shape

    def _n_channels(self, n_features: int) -> int:
        if self.input_shape is None:
            return 1
        check_input_shape(tuple(self.input_shape), n_features)
        return self.input_shape[0]

    def fit(self, X, y=None) -> "ChannelScaler":
        """Compute each channel's scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            States, each a flattened array of shape ``input_shape``.
        y : None
            Ignored.

        Returns
        -------
        self : ChannelScaler

        Raises
        ------
        ValueError
            If ``input_shape`` does not hold ``n_features`` values, or a
            channel is constant (it has no spread to scale by).
        """
        self._validate_params()
        X = validate_data(self, X, dtype=_FLOAT_DTYPES, ensure_min_samples=2)
        channels = X.reshape(len(X), self._n_channels(X.shape[1]), -1)
        variance = channels.var(axis=0, dtype=np.float64).mean(axis=1)
        # exactly: rounding in the mean gives a constant 0.1 a variance of 1e-34
        constant = np.flatnonzero(np.ptp(channels, axis=0).max(axis=1) == 0)
        if constant.size:
            raise ValueError(
                f"channel {int(constant[0])} is constant over the {len(X)} "
                "samples; it has no spread to scale by"
            )
        self.scale_ = np.sqrt(variance)
        return self

    def _rescale(self, X: np.ndarray, power: int) -> np.ndarray:
        """Multiply each channel of validated states by ``scale_**power``."""
        channels = X.reshape(len(X), len(self.scale_), -1)
        # Cast the scale, not the data: float32 states stay float32.
        factor = (self.scale_**power).astype(X.dtype)[:, None]
        return (channels * factor).reshape(X.shape)

    def transform(self, X) -> np.ndarray:
        """Divide each channel by its scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_features)
            Same dtype as ``X`` (float32 or float64).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=_FLOAT_DTYPES, reset=False)
        return self._rescale(X, -1)

    def inverse_transform(self, X) -> np.ndarray:
        """Multiply each channel by its scale, undoing ``transform``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        # Scaled states are arrays without the names of the fitted columns,
        # so only their number is checked (as StandardScaler does).
        X = check_array(X, dtype=_FLOAT_DTYPES)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but ChannelScaler is "
                f"expecting {self.n_features_in_} features as input"
            )
        return self._rescale(X, 1)


class TrajectoryTransformer(
    TrajectoryOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Apply a transformer of states to each trajectory of a list.

    scikit-learn's transformers take one 2-D array of states, while
    :class:`~symlearn.LatentSymmetryDiscoverer` (and the SINDy and
    forecasting steps after it) also take a list of trajectories, which is
    what cross-validation should split. This wrapper fits a clone of
    ``transformer`` on the states of all the trajectories together and then
    transforms each trajectory with it, so that for example a
    :class:`~sklearn.preprocessing.StandardScaler` can come before the
    discoverer in a :class:`~sklearn.pipeline.Pipeline` fitted on
    trajectories. An array is passed to the transformer as it is.

    Parameters
    ----------
    transformer : estimator
        Maps states ``(n_samples, n_features)`` to states row by row (a
        scaler, :class:`ChannelScaler`, PCA, ...). It is cloned in ``fit``.

    Attributes
    ----------
    transformer_ : estimator
        The fitted clone of ``transformer``.
    n_features_in_ : int
        Number of features of a state seen during ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> from symlearn.preprocessing import TrajectoryTransformer
    >>> rng = np.random.RandomState(0)
    >>> trajectories = [rng.normal(3.0, 2.0, size=(50, 2)) for _ in range(4)]
    >>> scaler = TrajectoryTransformer(StandardScaler()).fit(trajectories)
    >>> scaled = scaler.transform(trajectories)
    >>> len(scaled), scaled[0].shape
    (4, (50, 2))
    >>> bool(np.allclose(np.concatenate(scaled).std(axis=0), 1.0))
    True
    """

    def __init__(self, transformer):
        self.transformer = transformer

    def fit(self, X, y=None) -> "TrajectoryTransformer":
        """Fit a clone of ``transformer`` on all states of ``X``.

        Parameters
        ----------
        X : list of array-like of shape (T_i, n_features), or array-like
            Trajectories, whose states are fitted together, or states.
        y : None
            Ignored.

        Returns
        -------
        self : TrajectoryTransformer

        Raises
        ------
        ValueError
            If a trajectory is not a 2-D array, holds inf or NaN (NaN is let
            through when ``transformer`` allows it) or its width differs
            from the first one's (naming its index).
        """
        if is_trajectory_list(X):
            X = _concatenate(self._named(self._check_trajectories(X), X))
        self.transformer_ = clone(self.transformer).fit(X)
        return self

    @property
    def n_features_in_(self) -> int:
        return self.transformer_.n_features_in_

    def transform(self, X):
        """Transform each trajectory (or the array of states) of ``X``.

        Parameters
        ----------
        X : list of array-like of shape (T_i, n_features), or array-like

        Returns
        -------
        Xt : list of ndarray, or what ``transformer.transform`` returns
            A list of the transformed trajectories for a list; DataFrames
            (one per trajectory) under ``set_output(transform="pandas")``.
        """
        check_is_fitted(self)
        if is_trajectory_list(X):
            checked = self._check_trajectories(X, n_features=self.n_features_in_)
            checked = self._named(checked, X)
            return self._wrap_output(
                [self.transformer_.transform(x) for x in checked], X
            )
        return self._wrap_output(self.transformer_.transform(X), X)

    @available_if(lambda self: hasattr(self.transformer, "inverse_transform"))
    def inverse_transform(self, X):
        """Undo ``transform`` for each trajectory (or the array) of ``X``;
        only if ``transformer`` has an ``inverse_transform``.

        Parameters
        ----------
        X : list of array-like of shape (T_i, n_outputs), or array-like

        Returns
        -------
        X_original : list of ndarray, or what
            ``transformer.inverse_transform`` returns
        """
        check_is_fitted(self)
        if is_trajectory_list(X):
            X = self._check_trajectories(X)
            return [self.transformer_.inverse_transform(x) for x in X]
        return self.transformer_.inverse_transform(X)

    def _check_trajectories(self, X, n_features: int | None = None) -> list:
        """Each trajectory as a float array; NaN only where ``transformer``
        takes it (an imputer, say), as an array would be passed to it."""
        allow_nan = get_tags(self).input_tags.allow_nan
        return check_trajectories(
            X,
            n_features=n_features,
            dtype=_FLOAT_DTYPES,
            ensure_all_finite="allow-nan" if allow_nan else True,
        )

    @staticmethod
    def _named(checked: list, X: list) -> list:
        """The checked trajectories as DataFrames with their own columns when
        every one came as a DataFrame, so that ``transformer`` learns and
        checks the feature names as it does on one DataFrame."""
        if not all(hasattr(x, "columns") for x in X):
            return checked
        import pandas as pd

        return [
            pd.DataFrame(x, columns=original.columns)
            for x, original in zip(checked, X, strict=True)
        ]

    def get_feature_names_out(self, input_features=None):
        """The fitted transformer's output feature names."""
        check_is_fitted(self)
        return self.transformer_.get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.transformer.__sklearn_tags__()
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = False
        return tags


def _concatenate(trajectories: list):
    """All states of ``trajectories`` (arrays or DataFrames) in one table."""
    if hasattr(trajectories[0], "columns"):
        import pandas as pd

        return pd.concat(trajectories, ignore_index=True)
    return np.concatenate(trajectories)
