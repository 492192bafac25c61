"""Looking at a discovered symmetry (needs matplotlib: ``pip install
symlearn[plot]``). Every function returns the matplotlib axes it drew on
(an array of them for ``plot_generators`` and ``plot_frames``)."""

import numpy as np
from scipy.linalg import expm
from sklearn.utils.validation import check_is_fitted

from symlearn.metrics import (
    ROTATION_LIKENESS_THRESHOLD,
    rotation_half_period,
    rotation_likeness,
)
from symlearn.windows import is_trajectory_list


def _axes(ax):
    import matplotlib.pyplot as plt

    return plt.subplots()[1] if ax is None else ax


def _turns(generator: np.ndarray) -> bool:
    """Whether the generator is rotation-like enough to draw whole periods."""
    return rotation_likeness(generator) < ROTATION_LIKENESS_THRESHOLD


def _latent_view(
    generator: np.ndarray, Z: np.ndarray, center: np.ndarray
) -> np.ndarray:
    """Orthonormal rows spanning the latent plane ``plot_latent`` draws.

    A 2-d latent is drawn as it is. A wider one is seen in the plane a
    rotation-like ``generator`` turns fastest (the real and imaginary parts
    of the eigenvector of its eigenvalue with the largest imaginary part),
    looking down its axis; otherwise in the plane of the two largest
    principal components of ``Z`` about ``center``.

    Returns
    -------
    ndarray of shape (2, k)
    """
    k = generator.shape[0]
    if k == 2:
        return np.eye(2)
    if _turns(generator):
        eigenvalues, eigenvectors = np.linalg.eig(generator)
        v = eigenvectors[:, np.argmax(np.abs(eigenvalues.imag))]
        spanning = np.stack([v.real, v.imag], axis=1)
    else:
        spanning = np.linalg.svd((Z - center).T, full_matrices=False)[0][:, :2]
    return np.linalg.qr(spanning)[0].T


def plot_latent(estimator, X, color=None, n_orbits: int = 4, ax=None):
    """Scatter the latents of ``X`` in a plane, with group orbits.

    A 2-d latent is drawn as it is (axes ``z0``, ``z1``). A wider latent is
    projected on the plane its first generator turns, if that is
    rotation-like (the plane of its eigenvector with the fastest turning),
    else on the latents' two principal directions (axes ``u0``, ``u1``): a
    3-d latent cycle is then seen face on, not edge on as its first two
    coordinates may show it.

    Parameters
    ----------
    estimator : fitted LatentSymmetryDiscoverer
    X : array of shape (n_samples, n_features), (n_windows, window,
        n_features) or list of (T_i, n_features) arrays
        States to encode; every state of windows or trajectories is a point.
    color : array of shape (n_samples,), optional
        Colours of the points, e.g. time or a known invariant.
    n_orbits : int
        Orbits of the first generator drawn through points at increasing
        distance from the centre (one full period if it is rotation-like).
    ax : matplotlib axes, optional

    Returns
    -------
    matplotlib axes

    Raises
    ------
    ValueError
        If the latent has fewer than 2 dimensions.
    """
    check_is_fitted(estimator)
    if estimator.latent_dim < 2:
        raise ValueError(
            f"plot_latent draws a latent plane; latent_dim={estimator.latent_dim} "
            "has none"
        )
    ax = _axes(ax)
    Z = estimator.transform(X)
    # every state of any input form (trajectories, windows) as a point
    Z = np.concatenate(Z) if isinstance(Z, list) else np.asarray(Z)
    Z = Z.reshape(-1, estimator.latent_dim)
    center = estimator.center_
    generator = estimator.generators_[0]
    view = _latent_view(generator, Z, center)
    points = Z @ view.T
    if color is None:
        ax.scatter(points[:, 0], points[:, 1], s=2)
    else:
        drawn = ax.scatter(points[:, 0], points[:, 1], c=color, s=2, cmap="viridis")
        ax.figure.colorbar(drawn, ax=ax)
    if _turns(generator):
        half_period = rotation_half_period(generator)
    else:
        half_period = 1.0
    radii = np.linalg.norm(Z - center, axis=1)
    order = np.argsort(radii)
    starts = Z[order[np.linspace(len(Z) // 10, len(Z) - 1, n_orbits).astype(int)]]
    for start in starts:
        orbit = np.array(
            [
                expm(t * generator) @ (start - center) + center
                for t in np.linspace(-half_period, half_period, 100)
            ]
        )
        orbit = orbit @ view.T
        ax.plot(orbit[:, 0], orbit[:, 1], "r-", lw=1)
    axis = "z" if len(center) == 2 else "u"
    ax.set_xlabel(f"{axis}0")
    ax.set_ylabel(f"{axis}1")
    ax.set_title("latent space and group orbits")
    ax.set_aspect("equal")
    return ax


def plot_generators(estimator, axes=None):
    """Heatmaps of the generators, titled with their eigenvalues.

    Parameters
    ----------
    estimator : fitted LatentSymmetryDiscoverer
    axes : matplotlib axes, one per generator (a sequence or a grid), or one
        axes for one generator, optional

    Returns
    -------
    array of matplotlib axes, one per generator
    """
    import matplotlib.pyplot as plt

    check_is_fitted(estimator)
    generators = estimator.generators_
    if axes is None:
        _, axes = plt.subplots(1, len(generators), squeeze=False)
        axes = axes[0]
    axes = np.ravel(axes)  # one Axes for one generator, or a grid of them
    if len(axes) != len(generators):
        raise ValueError(
            f"axes holds {len(axes)} axes, but the estimator has "
            f"{len(generators)} generators"
        )
    bound = np.abs(generators).max()
    for i, (ax, generator) in enumerate(zip(axes, generators, strict=True)):
        ax.imshow(generator, cmap="RdBu_r", vmin=-bound, vmax=bound)
        eigenvalues = ", ".join(f"{v:.2f}" for v in np.linalg.eigvals(generator))
        ax.set_title(f"L{i}: {eigenvalues}", fontsize=8)
    return axes


def plot_transformed(estimator, X, coefficients=None, ax=None, random_state=0):
    """Real states and the same states moved by ``apply_group`` (first two
    features).

    Parameters
    ----------
    estimator : fitted LatentSymmetryDiscoverer
    X : array of shape (n_samples, n_features) or (n_windows, window, n_features),
        or list of (T_i, n_features) arrays
        States, windows or trajectories (each moved by one group element).
    coefficients : array of shape (n_samples, n_generators) or (n_generators,), optional
        Passed to ``apply_group``; ``None`` draws them.
    ax : matplotlib axes, optional
    random_state : int, RandomState or None, default=0
        Seeds the draw of the coefficients.

    Returns
    -------
    matplotlib axes

    Raises
    ------
    ValueError
        If the estimator was fitted on fewer than 2 features.
    """
    check_is_fitted(estimator)
    if estimator.n_features_in_ < 2:
        raise ValueError(
            "plot_transformed draws the first two features; the estimator was "
            f"fitted on {estimator.n_features_in_}"
        )
    ax = _axes(ax)
    moved = estimator.apply_group(X, coefficients, random_state=random_state)
    real, moved = (
        np.concatenate(a) if is_trajectory_list(a) else np.asarray(a)
        for a in (X, moved)
    )
    # windows (a 3-D array) are drawn state by state
    real, moved = (a.reshape(-1, a.shape[-1]) for a in (real, moved))
    ax.scatter(real[:, 0], real[:, 1], s=2, label="real")
    ax.scatter(moved[:, 0], moved[:, 1], s=2, label="transformed")
    ax.legend()
    ax.set_title("data and its image under the group")
    return ax


def plot_history(estimator, ax=None):
    """Per-epoch training losses.

    Returns
    -------
    matplotlib axes
    """
    check_is_fitted(estimator)
    ax = _axes(ax)
    for key in ("train_reconstruction", "train_adversarial", "train_discriminator"):
        ax.plot(estimator.history_[:, "epoch"], estimator.history_[:, key], label=key)
    ax.set_xlabel("epoch")
    ax.set_yscale("log")
    ax.legend()
    return ax


def plot_frames(
    estimator,
    X,
    coefficients=None,
    n_frames: int = 4,
    channel: int = 0,
    subtract_mean: bool = False,
    axes=None,
    figure=None,
):
    """Real signals or images next to the same ones moved by the group.

    Each state is viewed in the estimator's ``input_shape``: a signal
    ``(channels, length)`` is drawn as a curve (real and moved in one
    panel), an image ``(channels, height, width)`` as a picture (real above,
    moved below).

    Parameters
    ----------
    estimator : fitted LatentSymmetryDiscoverer
        With ``input_shape`` set.
    X : array of shape (n_samples, n_features)
        The first ``n_frames`` states are drawn.
    coefficients : array of shape (n_generators,) or (n_frames, n_generators)
        Group element(s) moving the frames; ``None`` draws them from the
        training distribution (seeded).
    n_frames : int
    channel : int
        The channel drawn.
    subtract_mean : bool
        Draw each state minus the mean of ``X`` (images on a diverging
        scale centred on 0): what the group changes shows even where every
        image looks like the mean one, as with a rotating blob.
    axes : array of matplotlib axes, optional
        ``n_frames`` axes for signals, ``(2, n_frames)`` for images.
    figure : matplotlib Figure, optional
        Without ``axes``, draw on new axes of this figure (a new pyplot
        figure if None).

    Returns
    -------
    array of matplotlib axes
    """
    import matplotlib.pyplot as plt

    check_is_fitted(estimator)
    shape = estimator.input_shape
    if shape is None:
        raise ValueError("plot_frames needs an estimator fitted with input_shape")
    X = np.asarray(X)
    frames = X[:n_frames]
    moved = estimator.apply_group(frames, coefficients, random_state=0)
    if subtract_mean:
        mean = X.mean(axis=0)
        frames, moved = frames - mean, moved - mean
    frames = frames.reshape(len(frames), *shape)[:, channel]
    moved = moved.reshape(len(moved), *shape)[:, channel]
    is_image = len(shape) == 3
    if axes is None:
        figure = plt.figure() if figure is None else figure
        axes = figure.subplots(2 if is_image else 1, len(frames), squeeze=False)
        axes = axes if is_image else axes[0]
    for i, (real, image) in enumerate(zip(frames, moved, strict=True)):
        if is_image:
            if subtract_mean:
                high = np.abs(real).max()
                scale = dict(vmin=-high, vmax=high, cmap="RdBu_r")
            else:
                scale = dict(vmin=real.min(), vmax=real.max())
            axes[0, i].imshow(real, **scale)
            axes[1, i].imshow(image, **scale)
            axes[0, i].set_title("real", fontsize=8)
            axes[1, i].set_title("moved", fontsize=8)
            for ax in axes[:, i]:
                ax.set_axis_off()
        else:
            axes[i].plot(real, label="real")
            axes[i].plot(image, label="moved")
            axes[i].legend(fontsize=6)
    return axes
