"""``LatentForecaster``: encode, roll a latent dynamics model forward, decode."""

import warnings

import numpy as np
import pysindy as ps
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_array
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted

from symlearn._fitted import forget_fit_on_error
from symlearn.sindy import LatentSINDy
from symlearn.windows import as_trajectories, check_time, time_step

__all__ = ["LatentForecaster"]


class LatentForecaster(BaseEstimator):
    """Forecast trajectories through a latent space: ``x0 -> z0 -> z(t) -> x(t)``.

    The discoverer (e.g. ``LatentSymmetryDiscoverer``) encodes the
    trajectories; the dynamics model learns the latent flow:

    * a model with ``simulate(Z0, t)`` taking many initial latents
      (``LatentSINDy``, the default) is fitted to
      the latent trajectories and their derivatives (chain rule
      ``transform_derivatives`` when ``X_dot`` is given, finite differences
      otherwise) and integrated;
    * any scikit-learn regressor is fitted to map a latent ``z_t`` to the step
      ``z_{t+1} - z_t`` and iterated.

    The rollout is decoded back to states.

    Parameters
    ----------
    discoverer : transformer, default=None
        Fitted to the list of training trajectories and ``t`` (as
        ``LatentSymmetryDiscoverer`` and ``SINDyAutoencoder`` are), unless
        ``prefit``; ``transform`` and ``inverse_transform`` see 2-D arrays of
        states and latents, so with ``prefit`` any fitted scikit-learn
        transformer (a ``PCA``, say) works; ``X_dot`` with a ``simulate``
        model also needs its ``transform_derivatives`` (given the lists).
        ``None`` works in data space (no encoding), e.g. plain SINDy.
    dynamics : LatentSINDy or regressor, default=None
        ``None`` is ``LatentSINDy()``. For pysindy's own model pass
        ``LatentSINDy(feature_library=..., optimizer=...)``: ``pysindy.SINDy``
        simulates one initial state at a time, and is refused.
    prefit : bool, default=False
        Use ``discoverer`` as it is (already fitted; not cloned, not refitted),
        e.g. to share one discovered latent between several forecasters.
        ``sklearn.base.clone`` (and so a search or ``cross_val_score``)
        replaces it by an unfitted copy; there, pass
        ``sklearn.frozen.FrozenEstimator(discoverer)`` with ``prefit=False``
        instead, which no clone or fit changes.

    Attributes
    ----------
    discoverer_ : transformer or None
        The fitted discoverer.
    dynamics_ : estimator
        The fitted dynamics model.
    dt_ : float
        Time step of the training trajectories (the rollout's step).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.forecasting import LatentForecaster
    >>> from sklearn.linear_model import Ridge
    >>> t = np.linspace(0, 6, 301)
    >>> X = [np.column_stack([a * np.cos(t), a * np.sin(t)]) for a in (1, 2)]
    >>> model = LatentForecaster(dynamics=Ridge(alpha=1e-8)).fit(X, t)
    >>> model.predict(np.array([[1.5, 0.0]]), n_steps=10).shape
    (1, 11, 2)
    >>> bool(model.score(X) > -1e-3)
    True
    """

    _parameter_constraints: dict = {
        "discoverer": [HasMethods(["fit", "transform", "inverse_transform"]), None],
        "dynamics": [HasMethods(["fit", "predict"]), None],
        "prefit": ["boolean"],
    }

    def __init__(self, discoverer=None, dynamics=None, *, prefit=False):
        self.discoverer = discoverer
        self.dynamics = dynamics
        self.prefit = prefit

    @forget_fit_on_error
    def fit(self, X, t, X_dot=None):
        """Fit the discoverer (unless ``prefit``) and the latent dynamics.

        Parameters
        ----------
        X : list of (T_i, n_features) arrays, array (n, T, n_features) or one
            (T, n_features) trajectory
        t : float or array of shape (T,)
            Time step, or uniformly spaced sampling times shared by all
            trajectories. In a search pass the step as a Python float fit
            parameter, ``GridSearchCV(...).fit(X, t=float(dt))``: a search
            splits ``y`` (and array fit parameters as long as ``X``) with the
            trajectories, and rejects a numpy scalar.
        X_dot : same form as ``X``, default=None
            Time derivatives of the states, for a dynamics model with
            ``simulate``; a regressor fits steps and ignores them, with a
            warning.

        Returns
        -------
        self : LatentForecaster
        """
        self._validate_params()
        if isinstance(self.dynamics, ps.SINDy):  # before any training
            raise ValueError(
                "dynamics=pysindy.SINDy() simulates one initial state at a time; "
                "use symlearn.sindy.LatentSINDy(feature_library=..., "
                "optimizer=...), which fits pysindy's model and simulates many"
            )
        trajectories = as_trajectories(X)
        lengths = [len(x) for x in trajectories]
        t = check_time(t, lengths)
        self.dt_ = time_step(t)
        self.n_features_in_ = trajectories[0].shape[1]
        rates = None
        if X_dot is not None:
            rates = as_trajectories(X_dot, name="X_dot", n_features=self.n_features_in_)
            if [len(r) for r in rates] != lengths:
                raise ValueError("X_dot must have the same trajectory lengths as X")
        if self.discoverer is None:
            self.discoverer_ = None
        elif self.prefit:
            check_is_fitted(self.discoverer)
            self.discoverer_ = self.discoverer
        else:
            self.discoverer_ = clone(self.discoverer).fit(trajectories, t)
        Z = self._encode(trajectories)
        dynamics = LatentSINDy() if self.dynamics is None else clone(self.dynamics)
        if hasattr(dynamics, "simulate"):
            Z_dot = None if rates is None else self._encode_rates(trajectories, rates)
            dynamics.fit(Z, t, Z_dot)
        else:
            if rates is not None:
                warnings.warn(
                    f"X_dot is ignored: dynamics={type(dynamics).__name__}() is "
                    "fitted to the latent steps z[t+1] - z[t], not to derivatives",
                    UserWarning,
                    stacklevel=3,
                )
            inputs = np.concatenate([z[:-1] for z in Z])
            steps = np.concatenate([np.diff(z, axis=0) for z in Z])
            dynamics.fit(inputs, steps)
        self.dynamics_ = dynamics
        return self

    def _encode(self, trajectories: list[np.ndarray]) -> list[np.ndarray]:
        if self.discoverer_ is None:
            return trajectories
        # as one 2-D array of states, which every transformer takes
        latents = np.asarray(self.discoverer_.transform(np.concatenate(trajectories)))
        return np.split(latents, np.cumsum([len(x) for x in trajectories])[:-1])

    def _encode_rates(self, trajectories, rates) -> list[np.ndarray]:
        if self.discoverer_ is None:
            return rates
        return self.discoverer_.transform_derivatives(trajectories, rates)

    def _decode(self, Z: np.ndarray) -> np.ndarray:
        if self.discoverer_ is None:
            return Z
        return self.discoverer_.inverse_transform(Z)

    def predict(self, X0, n_steps: int) -> np.ndarray:
        """Forecast ``n_steps`` steps of ``dt_`` from each initial state.

        Parameters
        ----------
        X0 : array of shape (n, n_features)
            Initial states.
        n_steps : int >= 1

        Returns
        -------
        ndarray of shape (n, n_steps + 1, n_features)
            Decoded rollouts, the (encoded and decoded) initial state first.
            States after a rollout blows up are NaN.
        """
        check_is_fitted(self)
        if isinstance(n_steps, bool) or not isinstance(n_steps, int | np.integer):
            raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
        if n_steps < 1:
            raise ValueError(f"n_steps must be an integer >= 1, got {n_steps}")
        X0 = check_array(X0, dtype=np.float64)
        if X0.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X0 has {X0.shape[1]} features, expected {self.n_features_in_}"
            )
        Z0 = X0 if self.discoverer_ is None else self.discoverer_.transform(X0)
        Z0 = np.asarray(Z0, dtype=np.float64)
        if hasattr(self.dynamics_, "simulate"):
            paths = self.dynamics_.simulate(Z0, self.dt_ * np.arange(n_steps + 1))
        else:
            paths = self._iterate(Z0, n_steps)
        latents = paths.reshape(-1, paths.shape[-1])
        finite = np.all(np.isfinite(latents), axis=1)  # blown-up states stay NaN
        decoded = np.full((len(latents), self.n_features_in_), np.nan)
        if finite.any():
            decoded[finite] = self._decode(latents[finite])
        return decoded.reshape(len(X0), n_steps + 1, -1)

    def _iterate(self, Z0: np.ndarray, n_steps: int) -> np.ndarray:
        paths = np.full((len(Z0), n_steps + 1, Z0.shape[1]), np.nan)
        paths[:, 0] = Z0
        for step in range(n_steps):
            current = paths[:, step]
            alive = np.all(np.isfinite(current), axis=1)
            if not alive.any():
                break
            with np.errstate(all="ignore"):  # a blow-up is reported as NaN
                # a regressor fitted on one target may predict (n,), not (n, 1)
                change = self.dynamics_.predict(current[alive])
                paths[alive, step + 1] = current[alive] + np.reshape(
                    change, current[alive].shape
                )
        paths[~np.isfinite(paths).all(axis=-1)] = np.nan
        return paths

    def score(self, X, y=None) -> float:
        """Negative relative MSE of rollouts from each trajectory's first
        state over the whole trajectory; higher is better.

        ``-sum ||x_hat - x||^2 / sum ||x - mean(x)||^2`` over all trajectories
        (``-inf`` if a rollout blew up). The trajectories must be sampled with
        the training step ``dt_``. Trajectories that do not move (zero
        spread) score 0 if forecast exactly and -1 otherwise, as scikit-learn's
        R^2 (which this score is minus 1) gives 1 and 0 there.

        Parameters
        ----------
        X : list of (T_i, n_features) arrays, array (n, T, n_features) or one
            (T, n_features) trajectory
        y : ignored

        Returns
        -------
        float
        """
        check_is_fitted(self)
        trajectories = as_trajectories(X, n_features=self.n_features_in_)
        error = total = 0.0
        for x in trajectories:  # each of 2 or more states: a rollout and a target
            forecast = self.predict(x[:1], len(x) - 1)[0]
            error += np.sum((forecast - x) ** 2)
            total += np.sum((x - x.mean(axis=0)) ** 2)
        if not np.isfinite(error):
            return -np.inf
        if total == 0:
            return 0.0 if error == 0 else -1.0
        return -float(error / total)
