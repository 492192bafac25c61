"""Callbacks of the LaLiGAN net: sequential thresholding, divergence and
progress."""

import math

from skorch.callbacks import Callback
from tqdm import tqdm


class TrainingDivergedError(RuntimeError):
    """Training produced a non-finite loss or an exploding generator."""


class SequentialThresholding(Callback):
    """Every ``every`` epochs from ``start`` on, mask the entries of each
    learned generator below ``threshold`` x its largest entry.

    Parameters
    ----------
    threshold : float
        Relative threshold in [0, 1).
    every : int
        Period in epochs.
    start : int
        First epoch (1-based) at which to threshold.
    """

    def __init__(self, threshold: float = 0.1, every: int = 5, start: int = 1):
        self.threshold = threshold
        self.every = every
        self.start = start

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if epoch >= self.start and (epoch - self.start) % self.every == 0:
            net.generator_.threshold_(self.threshold)


class DivergenceGuard(Callback):
    """Stop training with ``TrainingDivergedError`` at the end of the first
    epoch whose losses are not finite or whose generator norm exceeds
    ``max_generator_norm``.

    The estimator never keeps a net that raised, so a diverged run cannot be
    mistaken for a fitted model.
    """

    def __init__(self, max_generator_norm: float = 1e3):
        self.max_generator_norm = max_generator_norm

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        for key in ("train_loss", "train_discriminator", "generator_norm"):
            if not math.isfinite(row[key]):
                raise TrainingDivergedError(
                    f"training diverged at epoch {row['epoch']}: {key} is "
                    f"{row[key]}; try a smaller lr or adversarial_weight"
                )
        if row["generator_norm"] > self.max_generator_norm:
            raise TrainingDivergedError(
                f"training diverged at epoch {row['epoch']}: the generator norm "
                f"{row['generator_norm']:.3g} exceeds {self.max_generator_norm:g}; "
                "try a smaller lr or norm_weight"
            )


class EpochProgressBar(Callback):
    """A progress bar over epochs (tqdm, on stderr) showing the last epoch's
    reconstruction, discriminator and adversarial losses.

    It reads the per-epoch means from the history, so it adds no host-device
    copy to the training steps (skorch's ``ProgressBar`` needs per-batch
    losses on the host).

    Parameters
    ----------
    desc : str, default="epochs"
        Label in front of the bar (the estimator names each ``n_init``
        restart's bar).
    """

    postfix_keys = {
        "reconstruction": "train_reconstruction",
        "discriminator": "train_discriminator",
        "adversarial": "train_adversarial",
    }

    def __init__(self, desc: str = "epochs"):
        self.desc = desc

    def on_train_begin(self, net, **kwargs):
        self.bar_ = tqdm(total=net.max_epochs, desc=self.desc, unit="epoch")

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        self.bar_.set_postfix(
            {name: f"{row[key]:.4g}" for name, key in self.postfix_keys.items()},
            refresh=False,
        )
        self.bar_.update()

    def on_train_end(self, net, **kwargs):
        self.close()

    def close(self) -> None:
        """Close the bar and drop it: it holds the terminal's stream, and the
        net must stay picklable."""
        bar = self.__dict__.pop("bar_", None)
        if bar is not None:
            bar.close()
