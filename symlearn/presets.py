"""Parameter presets, e.g. the paper's configurations for reproduction."""

from typing import Any

# What the paper's method looks like in our parameters: a free-norm generator
# pushed away from the identity by the cosine term, a weak adversary, normal
# coefficients of scale 1, ReLU networks, a constant learning rate, a
# discriminator on the raw latents, and none of our additions (whitened and
# anchored latent, refined decoder, projected generators, a discriminator
# that standardises the latents it sees).
_PAPER_LOSSES = {
    "activation": "relu",
    "discriminator_input": "latents",
    "discriminator_standardize": False,
    "anchor_weight": 0.0,
    "refine_epochs": 0,
    "project_generators": False,
    "normalize_generators": False,
    "coefficient_scale": 1.0,
    "reconstruction_weight": 1.0,
    "adversarial_weight": 0.01,
    "lr_schedule": "constant",
}

_PAPER = {
    # LaLiGAN (ICML 2024): MLP 5x512, batch 256, 70 epochs, consecutive pairs.
    "pendulum": {
        "hidden_sizes": (512,) * 5,
        "latent_norm": "batch",
        "window_size": 2,
        "window_gap": 1,
        "batch_size": 256,
        "max_epochs": 70,
    },
    # 30 epochs, batch 8192, pairs of states 100 steps apart.
    "lotka_volterra": {
        "hidden_sizes": (512,) * 5,
        "latent_norm": "batch",
        "window_size": 2,
        "window_gap": 100,
        "batch_size": 8192,
        "max_epochs": 30,
    },
    # Fixed so2+so2 on a 4-d latent: the reference's 1-d conv autoencoder
    # (16, 32, 64 channels, then 128 and 32 units) with no latent
    # normalisation, a discriminator of four 128-unit layers, no penalty
    # against the identity, 2000 epochs of batch 256.
    "double_bump": {
        "latent_dim": 4,
        "group": "so2+so2",
        "autoencoder": "conv",
        "conv_channels": (16, 32, 64),
        "hidden_sizes": (128, 32),
        "latent_norm": "none",
        "discriminator_hidden_sizes": (128,) * 4,
        "identity_weight": 0.0,
        "batch_size": 256,
        "max_epochs": 2000,
    },
    # Fixed so3 on a 3-d latent: 2-d conv autoencoder (16, 32, 64 channels,
    # then 128, 128 and 32 units) with no latent normalisation, the reference's
    # default discriminator (five 512-unit layers), a weaker adversary
    # (0.001), 1000 epochs of batch 2048.
    "rotating_object": {
        "latent_dim": 3,
        "group": "so3",
        "autoencoder": "conv",
        "conv_channels": (16, 32, 64),
        "hidden_sizes": (128, 128, 32),
        "latent_norm": "none",
        "discriminator_hidden_sizes": (512,) * 5,
        "identity_weight": 0.0,
        "adversarial_weight": 0.001,
        "batch_size": 2048,
        "max_epochs": 1000,
    },
}


def paper_preset(system: str) -> dict[str, Any]:
    """``LatentSymmetryDiscoverer`` parameters of the paper's experiment.

    Parameters
    ----------
    system : {"pendulum", "lotka_volterra", "double_bump", "rotating_object"}

    Returns
    -------
    dict
        Keyword arguments, e.g. ``LatentSymmetryDiscoverer(**paper_preset(
        "pendulum"), random_state=0)``. The fixed-group presets set the
        autoencoder, latent size and group as well; their data's
        ``input_shape`` is left to the caller.

    Examples
    --------
    >>> from symlearn.presets import paper_preset
    >>> paper_preset("pendulum")["max_epochs"]
    70
    >>> paper_preset("double_bump")["group"]
    'so2+so2'
    """
    if system not in _PAPER:
        raise ValueError(f"no paper preset for {system!r}; known: {sorted(_PAPER)}")
    return _PAPER_LOSSES | _PAPER[system]
