"""``LatentSINDy``: sparse equations ``z_dot = Xi theta(z)`` of (latent)
trajectories with pysindy, optionally constrained to be equivariant under
discovered generators."""

import warnings
from numbers import Integral, Real

import numpy as np
import pysindy as ps
import sklearn
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from symlearn._fitted import forget_fit_on_error
from symlearn.equivariance import (
    EquivariantSTLSQ,
    equivariance_constraints,
    vector_field_equivariance_error,
)
from symlearn.windows import as_trajectories, check_time, is_trajectory_list

__all__ = ["LatentSINDy"]

# pysindy's simulate defaults to rtol = atol = 1e-12, slow over long rollouts
# and far below the accuracy of a learned model.
_SIMULATE_KWS = {"method": "LSODA", "rtol": 1e-8, "atol": 1e-8}
# A rollout stops (and reads NaN from there) once it leaves this many times
# the largest |u| seen in training: a blown-up model otherwise grinds the
# integrator for minutes, then crashes on an infinite state.
_ESCAPE_FACTOR = 100.0
# Latent points on which the equivariance error is measured.
_ERROR_POINTS = 2000


def _fit_sindy(optimizer, library, U, t, U_dot, names) -> ps.SINDy:
    model = ps.SINDy(optimizer=optimizer, feature_library=library)
    # pysindy 2.1 crashes under sklearn's metadata routing (its internal
    # SampleConcatter has no get_metadata_routing): fit with routing off.
    with sklearn.config_context(enable_metadata_routing=False):
        model.fit(U, t=t, x_dot=U_dot, feature_names=names)
    return model


def _matching_rates(Z_dot, trajectories: list[np.ndarray]) -> list[np.ndarray]:
    rates = as_trajectories(Z_dot, name="Z_dot", n_features=trajectories[0].shape[1])
    shapes = [z.shape for z in trajectories]
    if [r.shape for r in rates] != shapes:
        raise ValueError(
            f"Z_dot has trajectories of shapes {[r.shape for r in rates]}, "
            f"but Z has {shapes}"
        )
    return rates


# Fitted only with ``generators``.
_EQUIVARIANT_ATTRIBUTES = (
    "n_constraints_",
    "unconstrained_coefficients_",
    "unconstrained_equivariance_error_",
    "equivariance_error_",
)


class LatentSINDy(BaseEstimator):
    """SINDy (pysindy) on latent trajectories, optionally equivariant.

    Fits ``u_dot = Xi theta(u)`` with ``u = z - center`` and ``theta`` a
    feature library (polynomials by default), by sequentially thresholded
    least squares. With ``generators`` (e.g. a discoverer's
    ``generators_``, and its ``center_`` as ``center``) the model is
    constrained to be equivariant, ``f(g u) = g f(u)`` for ``g = expm(s L)``:
    a linear constraint on ``Xi`` (``symlearn.equivariance``) enforced by
    regressing inside its null space.

    Usable after a discoverer in a ``Pipeline``: ``fit(trajectories, t)``
    passes ``t`` as ``y``.

    Parameters
    ----------
    degree : int, default=3
        Degree of the polynomial library (ignored with ``feature_library``).
    threshold : float, default=0.05
        STLSQ threshold: smaller coefficients are set to zero.
    alpha : float, default=0.05
        Ridge penalty of STLSQ.
    feature_library : pysindy feature library, default=None
        Replaces the polynomial library (must be a ``PolynomialLibrary``
        with ``generators``).
    optimizer : pysindy optimizer, default=None
        Replaces STLSQ (not combinable with ``generators``).
    generators : array of shape (n_generators, k, k), default=None
        Lie algebra basis the model must be equivariant under.
    center : array of shape (k,), default=None
        Point the group acts about; the equations are written in
        ``z - center``. ``None`` is the origin.
    constraint_tol : float, default=1e-6
        Relative singular-value tolerance of the constraint null space
        (``EquivariantSTLSQ.tol``); larger values keep approximately
        equivariant terms, useful when the generators are themselves
        approximate.
    feature_names : list of str, default=None
        Names of the variables; ``None`` gives ``z0, z1, ...``.

    Attributes
    ----------
    model_ : pysindy.SINDy
        The fitted pysindy model (in ``u = z - center``).
    coefficients_ : ndarray of shape (k, n_terms)
        ``Xi``; row ``i`` holds the coefficients of ``u_i``'s equation.
    terms_ : list of str
        Names of the library terms (columns of ``coefficients_``).
    n_nonzero_ : int
        Number of nonzero coefficients.
    center_ : ndarray of shape (k,)
    t_ : float or ndarray of shape (T,)
        The time step or sampling times of the fit; ``score``'s default.
    scale_ : float
        Largest ``|z - center|`` in training; ``simulate`` stops rollouts
        that leave 100 times it (or the initial latents' range, if larger).
    n_features_in_ : int
    n_constraints_ : int
        Number of independent linear constraints enforced on the
        ``k * n_terms`` coefficients (only with ``generators``).
    unconstrained_coefficients_ : ndarray of shape (k, n_terms)
        The plain STLSQ fit (only with ``generators``).
    unconstrained_equivariance_error_ : ndarray of shape (n_generators,)
        How far the plain fit is from equivariant, per generator:
        ``mean ||J_f L u - L f|| / mean(||J_f L u|| + ||L f||)`` over the
        training latents (0 is equivariant; only with ``generators``).
    equivariance_error_ : ndarray of shape (n_generators,)
        The same for the constrained fit.

    Examples
    --------
    >>> import numpy as np
    >>> from symlearn.sindy import LatentSINDy
    >>> t = np.linspace(0, 6, 301)
    >>> Z = np.column_stack([np.cos(t), np.sin(t)])  # z0' = -z1, z1' = z0
    >>> model = LatentSINDy(degree=2).fit(Z, t)
    >>> model.equations(precision=2)
    ["z0' = -1.00 z1", "z1' =  1.00 z0"]
    >>> L = np.array([[[0.0, -1.0], [1.0, 0.0]]])  # rotations about 0
    >>> model = LatentSINDy(degree=1, generators=L).fit(Z, t)
    >>> model.n_constraints_  # of the 6 coefficients, only u and L u remain
    4
    >>> bool(model.equivariance_error_[0] < 1e-12)
    True
    """

    _parameter_constraints: dict = {
        "degree": [Interval(Integral, 1, None, closed="left")],
        "threshold": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "feature_library": [ps.feature_library.base.BaseFeatureLibrary, None],
        "optimizer": [ps.optimizers.BaseOptimizer, None],
        "generators": ["array-like", None],
        "center": ["array-like", None],
        "constraint_tol": [Interval(Real, 0, 1, closed="neither")],
        "feature_names": [list, None],
    }

    def __init__(
        self,
        degree=3,
        threshold=0.05,
        alpha=0.05,
        *,
        feature_library=None,
        optimizer=None,
        generators=None,
        center=None,
        constraint_tol=1e-6,
        feature_names=None,
    ):
        self.degree = degree
        self.threshold = threshold
        self.alpha = alpha
        self.feature_library = feature_library
        self.optimizer = optimizer
        self.generators = generators
        self.center = center
        self.constraint_tol = constraint_tol
        self.feature_names = feature_names

    @forget_fit_on_error
    def fit(self, Z, t, Z_dot=None):
        """Fit the equations.

        Parameters
        ----------
        Z : list of (T_i, k) arrays, array (n, T, k) or one (T, k) trajectory
        t : float or array of shape (T,)
            Time step, or sampling times shared by all trajectories.
        Z_dot : same form as ``Z``, default=None
            Time derivatives (e.g. ``transform_derivatives``); finite
            differences of ``Z`` when ``None``.

        Returns
        -------
        self : LatentSINDy
        """
        self._validate_params()
        for name in _EQUIVARIANT_ATTRIBUTES:  # an earlier fit's, with generators
            self.__dict__.pop(name, None)
        trajectories = as_trajectories(Z, name="Z")
        k = trajectories[0].shape[1]
        t = check_time(t, [len(z) for z in trajectories])
        rates = None if Z_dot is None else _matching_rates(Z_dot, trajectories)
        self.t_ = t
        self.n_features_in_ = k
        self.center_ = self._check_center(k)
        U = [z - self.center_ for z in trajectories]
        self.scale_ = max(float(np.abs(u).max()) for u in U)
        names = self._names(k)
        library = (
            ps.PolynomialLibrary(degree=self.degree)
            if self.feature_library is None
            else clone(self.feature_library)
        )
        if self.generators is None:
            optimizer = (
                self._stlsq() if self.optimizer is None else clone(self.optimizer)
            )
            self.model_ = _fit_sindy(optimizer, library, U, t, rates, names)
        else:
            self._fit_equivariant(library, U, t, rates, names)
        self.coefficients_ = np.asarray(self.model_.coefficients(), dtype=float)
        self.terms_ = self.model_.get_feature_names()
        self.n_nonzero_ = int(np.count_nonzero(self.coefficients_))
        return self

    def _stlsq(self) -> ps.STLSQ:
        return ps.STLSQ(threshold=self.threshold, alpha=self.alpha)

    def _names(self, k: int) -> list[str]:
        if self.feature_names is None:
            return [f"z{i}" for i in range(k)]
        if len(self.feature_names) != k:
            raise ValueError(
                f"feature_names has {len(self.feature_names)} names for {k} variables"
            )
        return list(self.feature_names)

    def _check_center(self, k: int) -> np.ndarray:
        if self.center is None:
            return np.zeros(k)
        center = np.asarray(self.center, dtype=np.float64)
        if center.shape != (k,):
            raise ValueError(f"center has shape {center.shape}, expected ({k},)")
        return center

    def _fit_equivariant(self, library, U, t, rates, names) -> None:
        k = U[0].shape[1]
        generators = check_array(self.generators, allow_nd=True, ensure_2d=False)
        if generators.ndim == 2:
            generators = generators[None]
        if generators.ndim != 3 or generators.shape[1:] != (k, k):
            raise ValueError(
                f"generators has shape {generators.shape}, expected "
                f"(n_generators, {k}, {k})"
            )
        if not isinstance(library, ps.PolynomialLibrary):
            raise ValueError(
                "generators need a polynomial library (the constraint is built "
                f"from its monomials), got {type(library).__name__}"
            )
        if self.optimizer is not None:
            raise ValueError(
                "optimizer cannot be combined with generators: the constrained "
                "fit uses its own optimizer (EquivariantSTLSQ)"
            )
        free = _fit_sindy(self._stlsq(), clone(library), U, t, rates, names)
        powers = free.feature_library.powers_
        stacked = np.concatenate(U)
        rng = np.random.RandomState(0)
        # Twice as many points as terms, in general position at the data's
        # scale, and at least a tenth of the largest spread along every
        # coordinate: the constraint must hold along coordinates the data
        # leave (nearly) constant too, and tinier points would put its rows
        # there below the null space's tolerance.
        spread = stacked.std(axis=0)
        spread = np.maximum(spread, 0.1 * spread.max()) if spread.max() > 0 else 1.0
        points = rng.normal(size=(2 * len(powers), k)) * spread
        constraints = equivariance_constraints(generators, powers, points)
        optimizer = EquivariantSTLSQ(
            constraints, self.threshold, self.alpha, tol=self.constraint_tol
        )
        self.model_ = _fit_sindy(optimizer, library, U, t, rates, names)
        self.n_constraints_ = constraints.shape[1] - optimizer.basis_dim_
        sample = stacked[
            rng.choice(len(stacked), min(len(stacked), _ERROR_POINTS), replace=False)
        ]
        self.unconstrained_coefficients_ = np.asarray(free.coefficients(), float)
        self.unconstrained_equivariance_error_ = vector_field_equivariance_error(
            self.unconstrained_coefficients_, generators, powers, sample
        )
        self.equivariance_error_ = vector_field_equivariance_error(
            np.asarray(self.model_.coefficients(), float), generators, powers, sample
        )

    def equations(self, precision: int = 3) -> list[str]:
        """The equations as text, ``"z0' = ..."`` (in ``z - center``)."""
        check_is_fitted(self)
        rhs = self.model_.equations(precision)
        return [
            f"{name}' = {eq}"
            for name, eq in zip(self.model_.feature_names, rhs, strict=True)
        ]

    def predict(self, Z):
        """The model's time derivative at ``Z`` (same form as ``Z``)."""
        check_is_fitted(self)
        trajectories = as_trajectories(
            Z, name="Z", n_features=self.n_features_in_, min_states=1
        )
        with sklearn.config_context(enable_metadata_routing=False):
            rates = [self.model_.predict(z - self.center_) for z in trajectories]
        if is_trajectory_list(Z):
            return rates
        return np.asarray(rates).reshape(np.shape(Z))

    def simulate(self, Z0, t) -> np.ndarray:
        """Integrate the equations (pysindy ``simulate``) from each row of ``Z0``.

        Parameters
        ----------
        Z0 : array of shape (n, k)
            Initial latents.
        t : array of shape (T,)
            Times to report, starting at the initial time; strictly
            increasing, or decreasing to integrate backwards.

        Returns
        -------
        ndarray of shape (n, T, k)
            The trajectories; states after a rollout fails or leaves 100
            times the training range (blows up) are NaN.
        """
        check_is_fitted(self)
        Z0 = check_array(Z0, dtype=np.float64)
        if Z0.shape[1] != self.n_features_in_:
            raise ValueError(
                f"Z0 has {Z0.shape[1]} features, expected {self.n_features_in_}"
            )
        t = np.asarray(t, dtype=np.float64)
        if not np.all(np.isfinite(t)):
            raise ValueError(f"t must be finite, got {t}")
        steps = np.diff(t) if t.ndim == 1 else np.zeros(1)
        if t.size == 0 or not (np.all(steps > 0) or np.all(steps < 0)):
            raise ValueError(
                "t must be a 1-D array of strictly increasing (or decreasing) "
                f"times, got {t.ndim}-D with {t.size} value(s)"
            )
        if len(t) == 1:  # only the initial time: nothing to integrate
            return Z0[:, None, :].copy()
        # latents all at the centre (a zero scale) set no bound
        bound = (
            _ESCAPE_FACTOR * max(self.scale_, float(np.abs(Z0 - self.center_).max()))
            or np.inf
        )

        def escaped(_t, u):
            return bound - np.abs(u).max()

        escaped.terminal = True
        out = np.full((len(Z0), len(t), self.n_features_in_), np.nan)
        for index, z0 in enumerate(Z0 - self.center_):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")  # a blow-up is reported as NaN
                path = self.model_.simulate(
                    z0, t, integrator_kws=_SIMULATE_KWS | {"events": escaped}
                )
            out[index, : len(path)] = path
        return out + self.center_

    def score(self, Z, t=None, Z_dot=None) -> float:
        """R^2 of the predicted against the given (or finite-difference)
        derivatives of ``Z``; higher is better.

        Parameters
        ----------
        Z : list of (T_i, k) arrays, array (n, T, k) or one (T, k) trajectory
        t : float or array of shape (T,), default=None
            Time step or sampling times; ``None`` is the fit's (``t_``), so
            that a search's scorer, which passes no ``t``, can score.
        Z_dot : same form as ``Z``, default=None
            Time derivatives; finite differences of ``Z`` when ``None``.

        Returns
        -------
        float
        """
        check_is_fitted(self)
        trajectories = as_trajectories(Z, name="Z", n_features=self.n_features_in_)
        t = check_time(self.t_ if t is None else t, [len(z) for z in trajectories])
        rates = None if Z_dot is None else _matching_rates(Z_dot, trajectories)
        U = [z - self.center_ for z in trajectories]
        with sklearn.config_context(enable_metadata_routing=False):
            return float(self.model_.score(U, t=t, x_dot=rates))
