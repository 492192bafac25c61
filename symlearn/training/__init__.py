"""Adversarial training of LaLiGAN as a skorch net."""

from symlearn.training.callbacks import (
    DivergenceGuard,
    EpochProgressBar,
    SequentialThresholding,
    TrainingDivergedError,
)
from symlearn.training.net import LaLiGANNet

__all__ = [
    "DivergenceGuard",
    "EpochProgressBar",
    "LaLiGANNet",
    "SequentialThresholding",
    "TrainingDivergedError",
]
