"""Adversarial training of LaLiGAN as a skorch net."""

from symlearn.training.callbacks import (
    DivergenceGuard,
    SequentialThresholding,
    TrainingDivergedError,
)
from symlearn.training.net import LaLiGANNet

__all__ = [
    "DivergenceGuard",
    "LaLiGANNet",
    "SequentialThresholding",
    "TrainingDivergedError",
]
