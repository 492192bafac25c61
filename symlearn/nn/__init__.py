"""Torch building blocks of LaLiGAN: autoencoders, the Lie algebra generator and
the discriminator. Nothing here knows about scikit-learn or optimizers."""

from symlearn.nn.autoencoders import (
    ConvAutoencoder,
    IdentityAutoencoder,
    MLPAutoencoder,
    make_mlp,
)
from symlearn.nn.discriminator import WindowDiscriminator
from symlearn.nn.lie import LieAlgebraGenerator

__all__ = [
    "ConvAutoencoder",
    "IdentityAutoencoder",
    "LieAlgebraGenerator",
    "MLPAutoencoder",
    "WindowDiscriminator",
    "make_mlp",
]
