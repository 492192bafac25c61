"""``SINDyAutoencoder``: an autoencoder trained jointly with sparse latent
equations (Champion et al., PNAS 2019), a baseline for latent SINDy."""

from numbers import Integral, Real

import numpy as np
import pysindy as ps
import torch
from pysindy.optimizers import BaseOptimizer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch.func import jvp

from symlearn._fitted import forget_fit_on_error
from symlearn.estimator import _seeded_torch, _torch_seed
from symlearn.forecasting import LatentForecaster
from symlearn.nn.autoencoders import ACTIVATIONS, make_mlp
from symlearn.sindy import LatentSINDy
from symlearn.windows import (
    as_trajectories,
    check_same_shapes,
    check_time,
    is_trajectory_list,
    time_step,
)

__all__ = ["FixedCoefficients", "SINDyAutoencoder"]


class FixedCoefficients(BaseOptimizer):
    """A pysindy optimizer that returns given coefficients, so coefficients
    learned elsewhere get pysindy's equations, ``predict`` and ``simulate``."""

    def __init__(self, coefficients=None):
        super().__init__(unbias=False)
        self.coefficients = coefficients

    def _reduce(self, x, y):
        expected = (y.shape[1], x.shape[1])
        if self.coefficients is None:
            raise ValueError(
                f"coefficients is None; pass an array of shape {expected} "
                "(targets x library terms)"
            )
        coefficients = np.asarray(self.coefficients, dtype=float)
        if coefficients.shape != expected:
            raise ValueError(
                f"coefficients has shape {coefficients.shape}, expected {expected} "
                "(targets x library terms)"
            )
        self.coef_ = coefficients.copy()


def _as_list(X) -> list:
    """Trajectories as a list: a list as it is, a 3-D array as a stack of
    trajectories, anything else as one."""
    if is_trajectory_list(X) or getattr(X, "ndim", None) == 3:
        return list(X)
    return [X]


def _library(z: torch.Tensor, powers: np.ndarray) -> torch.Tensor:
    """Monomials ``prod_j z_j ** powers[q, j]``, by products (``pow``'s
    gradient is NaN at 0 for exponent 0)."""
    table = [torch.ones_like(z)]
    for _ in range(int(powers.max())):
        table.append(table[-1] * z)
    table = torch.stack(table)  # (degree + 1, n, k)
    columns = torch.arange(z.shape[1])
    picked = table[torch.as_tensor(powers), :, columns]  # (n_terms, k, n)
    return picked.prod(dim=1).T


class SINDyAutoencoder(TransformerMixin, BaseEstimator):
    """Autoencoder whose latent obeys sparse polynomial equations.

    Losses per batch: ``||x - D(z)||^2 + z_weight ||z_dot - Theta(z) Xi||^2
    + x_weight ||x_dot - J_D(z) Theta(z) Xi||^2 + l1_weight mean|Xi_ij|``
    (squared norms as means over the entries), with ``z = E(x)`` and ``z_dot
    = J_E(x) x_dot`` (Jacobian-vector products); every ``threshold_every``
    epochs coefficients below ``threshold`` are masked to zero for good
    (sequential thresholding), except after the last epoch: the coefficients
    kept are trained on after each masking, so ``threshold_every >=
    max_epochs`` masks nothing, and a kept coefficient may end below
    ``threshold``.

    Parameters
    ----------
    latent_dim : int, default=2
    degree : int, default=3
        Degree of the polynomial library ``Theta``.
    hidden_sizes : tuple of int, default=(64, 64)
        Encoder widths; the decoder mirrors them.
    activation : str, default="silu"
    z_weight, x_weight : float, default=0.1, 1.0
        Weights of the latent and the data-space derivative losses.
    l1_weight : float, default=1e-4
    threshold : float, default=0.05
    threshold_every : int, default=25
    max_epochs : int, default=100
    batch_size : int, default=256
    lr : float, default=1e-3
    random_state : int, RandomState or None, default=None

    Attributes
    ----------
    encoder_, decoder_ : torch.nn.Module
    sindy_ : LatentSINDy
        The latent equations (``equations()``, ``coefficients_``).
    coefficients_ : ndarray of shape (latent_dim, n_terms)
    forecaster_ : LatentForecaster
        Rolls the latent equations out (``predict``, ``score``).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> torch.set_num_threads(1)
    >>> from symlearn.sindy_autoencoder import SINDyAutoencoder
    >>> t = np.linspace(0, 3, 61)
    >>> X = [np.column_stack([np.cos(t + a), np.sin(t + a)]) for a in (0, 1)]
    >>> model = SINDyAutoencoder(
    ...     hidden_sizes=(8,), max_epochs=2, random_state=0
    ... ).fit(X, t)
    >>> model.predict(X[0][:1], n_steps=5).shape
    (1, 6, 2)
    """

    _parameter_constraints: dict = {
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "degree": [Interval(Integral, 1, None, closed="left")],
        "hidden_sizes": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "z_weight": [Interval(Real, 0, None, closed="left")],
        "x_weight": [Interval(Real, 0, None, closed="left")],
        "l1_weight": [Interval(Real, 0, None, closed="left")],
        "threshold": [Interval(Real, 0, None, closed="left")],
        "threshold_every": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        latent_dim=2,
        degree=3,
        *,
        hidden_sizes=(64, 64),
        activation="silu",
        z_weight=0.1,
        x_weight=1.0,
        l1_weight=1e-4,
        threshold=0.05,
        threshold_every=25,
        max_epochs=100,
        batch_size=256,
        lr=1e-3,
        random_state=None,
    ):
        self.latent_dim = latent_dim
        self.degree = degree
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.z_weight = z_weight
        self.x_weight = x_weight
        self.l1_weight = l1_weight
        self.threshold = threshold
        self.threshold_every = threshold_every
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state

    @forget_fit_on_error
    def fit(self, X, t, X_dot=None):
        """Train the autoencoder and the latent equations.

        Parameters
        ----------
        X : list of (T_i, n_features) arrays, array (n, T, n_features) or one
            (T, n_features) trajectory
        t : float or array of shape (T,)
            Time step, or uniformly spaced sampling times shared by all
            trajectories (the rollouts of ``predict`` step by it).
        X_dot : same form as ``X``, default=None
            Time derivatives; pysindy finite differences when ``None``.

        Returns
        -------
        self : SINDyAutoencoder
        """
        self._validate_params()
        trajectories = as_trajectories(X)
        t = check_time(t, [len(x) for x in trajectories])
        time_step(t)  # the rollouts need uniform times: refuse others before training
        d = trajectories[0].shape[1]
        if X_dot is None:
            rates = [ps.FiniteDifference()(x, t) for x in trajectories]
        else:
            rates = as_trajectories(X_dot, name="X_dot", n_features=d)
            check_same_shapes(trajectories, rates)
        self.n_features_in_ = d
        powers = (
            ps.PolynomialLibrary(degree=self.degree)
            .fit(np.zeros((1, self.latent_dim)))
            .powers_
        )
        states = torch.as_tensor(np.concatenate(trajectories), dtype=torch.float32)
        velocities = torch.as_tensor(np.concatenate(rates), dtype=torch.float32)
        with _seeded_torch("cpu", _torch_seed(self.random_state)):
            coefficients = self._train(states, velocities, powers)
        dynamics = LatentSINDy(
            degree=self.degree, optimizer=FixedCoefficients(coefficients)
        )
        self.forecaster_ = LatentForecaster(self, dynamics, prefit=True).fit(
            trajectories, t, rates
        )
        self.sindy_ = self.forecaster_.dynamics_
        self.coefficients_ = self.sindy_.coefficients_
        return self

    def _train(self, x_all, x_dot_all, powers) -> np.ndarray:
        hidden = tuple(self.hidden_sizes)
        d, k = x_all.shape[1], self.latent_dim
        self.encoder_ = make_mlp(d, hidden, k, self.activation)
        self.decoder_ = make_mlp(k, hidden[::-1], d, self.activation)
        xi = torch.nn.Parameter(torch.zeros(k, len(powers)))
        mask = torch.ones_like(xi, dtype=torch.bool)
        params = [*self.encoder_.parameters(), *self.decoder_.parameters(), xi]
        optimizer = torch.optim.Adam(params, lr=self.lr)
        mse = torch.nn.functional.mse_loss
        for epoch in range(self.max_epochs):
            for batch in torch.randperm(len(x_all)).split(self.batch_size):
                x, x_dot = x_all[batch], x_dot_all[batch]
                z, z_dot = jvp(self.encoder_, (x,), (x_dot,))
                sparse = xi * mask
                f = _library(z, powers) @ sparse.T
                x_hat, x_dot_hat = jvp(self.decoder_, (z,), (f,))
                loss = (
                    mse(x_hat, x)
                    + self.z_weight * mse(f, z_dot)
                    + self.x_weight * mse(x_dot_hat, x_dot)
                    + self.l1_weight * sparse.abs().mean()
                )
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            if (epoch + 1) % self.threshold_every == 0 and epoch + 1 < self.max_epochs:
                mask &= xi.detach().abs() >= self.threshold
        self.encoder_.eval()
        self.decoder_.eval()
        return (xi * mask).detach().numpy().astype(float)

    @torch.no_grad()
    def _apply(self, fn, X, width: int):
        """``fn`` on the rows of every trajectory of ``X``, kept in its form."""
        if is_trajectory_list(X):
            return [self._apply(fn, x, width) for x in X]
        if getattr(X, "ndim", None) == 3:  # a stack of trajectories, as in fit
            return np.stack([self._apply(fn, x, width) for x in X])
        rows = check_array(X, dtype=np.float64)
        if rows.shape[1] != width:
            raise ValueError(f"X has {rows.shape[1]} features, expected {width}")
        return fn(torch.as_tensor(rows, dtype=torch.float32)).numpy().astype(float)

    def transform(self, X):
        """Encode states (a 2-D array, a stack of trajectories or a list of
        them)."""
        check_is_fitted(self)
        return self._apply(self.encoder_, X, self.n_features_in_)

    def inverse_transform(self, Z):
        """Decode latents (a 2-D array, a stack of trajectories or a list of
        them)."""
        check_is_fitted(self)
        return self._apply(self.decoder_, Z, self.latent_dim)

    def transform_derivatives(self, X, X_dot):
        """Latent velocities ``J_E(x) x_dot`` (``X_dot`` in the form of ``X``)."""
        check_is_fitted(self)
        d = self.n_features_in_
        check_same_shapes(_as_list(X), _as_list(X_dot))
        pairs = (
            [np.hstack([x, v]) for x, v in zip(X, X_dot, strict=True)]
            if is_trajectory_list(X)
            else np.concatenate([np.asarray(X), np.asarray(X_dot)], axis=-1)
        )
        return self._apply(
            lambda rows: jvp(self.encoder_, (rows[:, :d],), (rows[:, d:],))[1],
            pairs,
            2 * d,
        )

    def equations(self, precision: int = 3) -> list[str]:
        """The latent equations as text."""
        check_is_fitted(self)
        return self.sindy_.equations(precision)

    def predict(self, X0, n_steps: int) -> np.ndarray:
        """Decoded rollouts, shape (n, n_steps + 1, n_features) (see
        ``LatentForecaster.predict``)."""
        check_is_fitted(self)
        return self.forecaster_.predict(X0, n_steps)

    def score(self, X, y=None) -> float:
        """Negative relative MSE of rollouts (see ``LatentForecaster.score``)."""
        check_is_fitted(self)
        return self.forecaster_.score(X)
