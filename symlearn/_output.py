"""scikit-learn's ``set_output`` for transformers that also take lists of
trajectories."""

import numpy as np
import sklearn

from symlearn.windows import is_trajectory_list

OUTPUT_FORMS = ("default", "pandas", "polars")


class TrajectoryOutputMixin:
    """``set_output(transform=...)`` as in scikit-learn, for a transformer
    whose ``transform`` may get and return a list of trajectories.

    scikit-learn's own wrapper turns whatever ``transform`` returns into one
    DataFrame, which fails on a list of trajectories (or a 3-D array). Here a
    2-D result becomes one container, a list one container per trajectory
    (with that trajectory's index, if it was a DataFrame), and a 3-D array
    stays an array. A class using this mixin comes before
    ``TransformerMixin``, passes ``auto_wrap_output_keys=None`` to it (so
    that scikit-learn does not wrap ``transform`` as well) and ends
    ``transform`` with :meth:`_wrap_output`. The configuration lives where
    scikit-learn keeps it (``_sklearn_output_config``), so ``clone`` and
    ``Pipeline.set_output`` carry it, and without one the global
    ``sklearn.set_config(transform_output=...)`` applies.
    """

    def __init_subclass__(cls, **kwargs):
        # a subclass overriding transform must not be wrapped by sklearn too
        super().__init_subclass__(**{**kwargs, "auto_wrap_output_keys": None})

    def set_output(self, *, transform=None):
        """Set the container of ``transform``'s output.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"}, default=None
            ``"default"``: numpy arrays; ``"pandas"``/``"polars"``:
            DataFrames (one per trajectory for a list); ``None``: unchanged.

        Returns
        -------
        self : estimator
        """
        if transform is None:
            return self
        if transform not in OUTPUT_FORMS:
            raise ValueError(
                f"transform={transform!r} is not one of {list(OUTPUT_FORMS)} or None"
            )
        self._sklearn_output_config = {"transform": transform}
        return self

    def _wrap_output(self, result, X):
        """``transform``'s ``result`` for input ``X`` in the configured form."""
        config = getattr(self, "_sklearn_output_config", {})
        form = config.get("transform", sklearn.get_config()["transform_output"])
        if form == "default":
            return result
        if is_trajectory_list(result):
            inputs = X if is_trajectory_list(X) else [None] * len(result)
            return [
                self._container(z, x, form) for z, x in zip(result, inputs, strict=True)
            ]
        if result.ndim != 2:
            return result
        return self._container(result, X, form)

    def _container(self, Z, X, form: str):
        if not hasattr(Z, "__array__") or hasattr(Z, "tocsr"):
            raise ValueError(
                f"{form} output needs dense data, but transform gave "
                f"{type(Z).__name__}; make it return a dense array"
            )
        # as values: a DataFrame's own index or columns would realign them
        Z = np.asarray(Z)
        columns = list(self.get_feature_names_out())
        if form == "pandas":
            import pandas as pd

            index = X.index if isinstance(X, pd.DataFrame) else None
            return pd.DataFrame(Z, index=index, columns=columns)
        import polars as pl

        return pl.DataFrame(Z, schema=columns, orient="row")
