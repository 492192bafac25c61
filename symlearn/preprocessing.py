"""Preprocessing for signals, images and fields given as flat rows."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from symlearn.nn.autoencoders import check_input_shape
from symlearn.windows import check_trajectories, is_trajectory_list

__all__ = ["ChannelScaler"]

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
    0. Like the estimator it takes a list of trajectories as well as an
    array of states, so the two make a :class:`~sklearn.pipeline.Pipeline`
    for either.

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
        X : array-like of shape (n_samples, n_features) or list of them
            States, each a flattened array of shape ``input_shape``, or a
            list of trajectories of such states (scaled by the statistics of
            all their states together).
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
        if is_trajectory_list(X):
            X = np.concatenate(check_trajectories(X, dtype=_FLOAT_DTYPES))
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
        X : array-like of shape (n_samples, n_features) or list of them

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_features) or list of them
            Same dtype as ``X`` (float32 or float64); a list of trajectories
            for a list.
        """
        check_is_fitted(self)
        if is_trajectory_list(X):
            return [self._rescale(x, -1) for x in self._check_trajectories(X)]
        X = validate_data(self, X, dtype=_FLOAT_DTYPES, reset=False)
        return self._rescale(X, -1)

    def inverse_transform(self, X) -> np.ndarray:
        """Multiply each channel by its scale, undoing ``transform``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of them

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features) or list of them
        """
        check_is_fitted(self)
        if is_trajectory_list(X):
            return [self._rescale(x, 1) for x in self._check_trajectories(X)]
        # Scaled states are arrays without the names of the fitted columns,
        # so only their number is checked (as StandardScaler does).
        X = check_array(X, dtype=_FLOAT_DTYPES)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but ChannelScaler is "
                f"expecting {self.n_features_in_} features as input"
            )
        return self._rescale(X, 1)

    def _check_trajectories(self, X) -> list[np.ndarray]:
        return check_trajectories(
            X, n_features=self.n_features_in_, dtype=_FLOAT_DTYPES
        )
