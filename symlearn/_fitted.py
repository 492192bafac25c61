"""A fit that raises leaves no fitted model behind, not even part of one."""

import functools


def forget_fit(estimator) -> None:
    """Remove every fitted attribute (scikit-learn's trailing-underscore ones)."""
    fitted = [k for k in vars(estimator) if k.endswith("_") and not k.startswith("_")]
    for name in fitted:
        delattr(estimator, name)


def forget_fit_on_error(fit):
    """Decorate ``fit`` to forget the whole fit when it raises, so that
    ``check_is_fitted`` fails rather than methods mixing two fits."""

    @functools.wraps(fit)
    def guarded_fit(estimator, *args, **kwargs):
        try:
            return fit(estimator, *args, **kwargs)
        except BaseException:
            forget_fit(estimator)
            raise

    return guarded_fit
