"""The LaLiGAN skorch net: an autoencoder, a Lie algebra generator and a
discriminator trained adversarially with two optimizers."""

import numpy as np
import torch
import torch.nn.functional as F
from skorch import NeuralNet
from skorch.callbacks import EpochTimer, PrintLog
from torch import nn

from symlearn.training.callbacks import EpochProgressBar
from symlearn.training.losses import (
    decorrelation_penalty,
    generator_norm_reward,
    identity_penalty,
    standardization_penalty,
)
from symlearn.windows import StateWindows

# Per-epoch means recorded in the history, in the order ``train_step`` stacks them.
LOSS_NAMES = ("loss", "reconstruction", "adversarial", "identity", "discriminator")


def get_rng_state(device) -> dict:
    """Torch's RNG state on the host and, for a CUDA ``device``, on it."""
    state = {"cpu": torch.get_rng_state()}
    if torch.device(device).type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(device, state: dict) -> None:
    """Restore a state from ``get_rng_state``."""
    torch.set_rng_state(state["cpu"])
    # A net fitted on CUDA and loaded on a CPU-only machine has no CUDA RNG.
    if torch.device(device).type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)


def n_batches(n: int, batch_size: int) -> int:
    """Full batches of ``n`` rows (at least one)."""
    return max(n // batch_size, 1)


def batch_rows(n: int, batch_size: int, shuffle: bool, device):
    """Row numbers ``0..n-1`` in batches of ``batch_size`` (shuffled or in
    order), dropping the incomplete last batch unless it is the only one."""
    order = (
        torch.randperm(n, device=device) if shuffle else torch.arange(n, device=device)
    )
    yield from order[: n_batches(n, batch_size) * batch_size].split(batch_size)


class DeviceBatches:
    """Shuffled mini-batches of windows whose states already live on the device.

    A batch is gathered from the states by the rows of the window index, so
    the device holds each state once, not once per window it belongs to, and
    there is no per-row ``Dataset.__getitem__`` or host-device copy. The last
    incomplete batch is dropped (when there is more than one batch) because
    the latent normalisation needs several samples.

    Parameters
    ----------
    windows : StateWindows of torch tensors
        States ``(n_states, n_features)`` and window index ``(n_windows,
        window_size)`` on the device.
    batch_size : int
    shuffle : bool
    """

    def __init__(self, windows: StateWindows, batch_size: int, shuffle: bool):
        self.windows = windows
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __iter__(self):
        """Windows ``(batch_size, window_size, n_features)``."""
        device = self.windows.index.device
        for rows in batch_rows(
            len(self.windows), self.batch_size, self.shuffle, device
        ):
            yield self.windows.take(rows)

    def __len__(self) -> int:
        return n_batches(len(self.windows), self.batch_size)


class LaLiGANNet(NeuralNet):
    """skorch net training LaLiGAN on windows of states.

    The generator side (``module_``, the autoencoder, and ``generator_``, the
    Lie algebra basis) and the discriminator (``discriminator_``) have their
    own optimizers: ``optimizer_`` and ``optimizer_discriminator_``, so
    ``optimizer__lr`` and ``optimizer_discriminator__lr`` set them separately.

    Parameters
    ----------
    module : class
        Autoencoder class with ``encode`` and ``decode`` (``module__*`` args).
    generator : class
        ``LieAlgebraGenerator`` (``generator__*`` args).
    discriminator : class
        Discriminator class (``discriminator__*`` args).
    optimizer_discriminator : class
        Optimizer of the discriminator (``optimizer_discriminator__*`` args).
    reconstruction_weight, adversarial_weight, identity_weight, norm_weight,
    decorrelation_weight : float
        Weights of the generator-side loss terms: reconstruction MSE, fooling
        the discriminator, ``|cos(z - c, g.z - c)|`` against the identity, the
        (negative) capped generator norm reward and the pairwise |cosine|
        between generators.
    norm_cap : float
        Cap of the generator norm reward.
    keep_origin : bool
        Act about the origin instead of the batch mean of the latents.
    anchor_weight : float
        Weight of ``standardization_penalty`` on the latent before its
        normalisation.
    isotropic_anchor : bool
        The anchor holds only the raw latent's mean and overall scale, not its
        covariance (for a latent normalised by ``RunningScaling``).
    **kwargs
        Passed to ``skorch.NeuralNet`` (``max_epochs``, ``batch_size``,
        ``lr``, ``device``, ``callbacks``, ``verbose``...).

    Attributes
    ----------
    rng_state_ : dict
        Torch's RNG state where the last ``partial_fit`` (or ``fit``) stopped.
    decoder_state_ : dict
        The decoder's ``state_dict`` (on the host) before the last
        ``refine_decoder``. With ``rng_state_`` it lets
        ``restore_training_state`` continue training as if it had not stopped.

    Notes
    -----
    ``fit`` takes ``X`` of shape ``(n_windows, window, n_features)``; ``y`` is
    ignored. Losses are averaged on the device and copied to the host once per
    epoch, never inside a step.
    """

    def __init__(
        self,
        module,
        generator,
        discriminator,
        *args,
        criterion=nn.BCEWithLogitsLoss,
        optimizer=torch.optim.Adam,
        optimizer_discriminator=torch.optim.Adam,
        train_split=None,
        reconstruction_weight: float = 1.0,
        adversarial_weight: float = 0.01,
        identity_weight: float = 0.1,
        norm_weight: float = 0.0,
        norm_cap: float = 1.0,
        decorrelation_weight: float = 0.1,
        keep_origin: bool = False,
        anchor_weight: float = 0.0,
        isotropic_anchor: bool = False,
        **kwargs,
    ):
        super().__init__(
            module,
            *args,
            criterion=criterion,
            optimizer=optimizer,
            train_split=train_split,
            **kwargs,
        )
        self.generator = generator
        self.discriminator = discriminator
        self.optimizer_discriminator = optimizer_discriminator
        self.reconstruction_weight = reconstruction_weight
        self.adversarial_weight = adversarial_weight
        self.identity_weight = identity_weight
        self.norm_weight = norm_weight
        self.norm_cap = norm_cap
        self.decorrelation_weight = decorrelation_weight
        self.keep_origin = keep_origin
        self.anchor_weight = anchor_weight
        self.isotropic_anchor = isotropic_anchor

    @property
    def _default_callbacks(self):
        # verbose=1: a progress bar over epochs; verbose>=2: skorch's table of
        # losses (PrintLog prints nothing at verbose=0).
        if self.verbose == 1:
            display = ("progress_bar", EpochProgressBar())
        else:
            display = ("print_log", PrintLog())
        return [("epoch_timer", EpochTimer()), display]

    # --- components ---------------------------------------------------------

    def initialize_module(self):
        super().initialize_module()
        for name in ("generator", "discriminator"):
            kwargs = self.get_params_for(name)
            module = self.initialized_instance(getattr(self, name), kwargs)
            setattr(self, name + "_", module)
        return self

    def generator_side_parameters(self) -> list[tuple[str, nn.Parameter]]:
        """Named parameters of the autoencoder and the Lie algebra generator,
        the ones ``optimizer_`` trains."""
        named = [("module." + k, p) for k, p in self.module_.named_parameters()]
        named += [("generator." + k, p) for k, p in self.generator_.named_parameters()]
        return named

    def parameters_are_finite(self) -> bool:
        """Whether every parameter and float buffer (e.g. running statistics)
        of the three modules is finite; one host copy."""
        tensors = [
            tensor
            for module in (self.module_, self.generator_, self.discriminator_)
            for tensor in (*module.parameters(), *module.buffers())
            if tensor.is_floating_point()
        ]
        return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())

    def initialize_optimizer(self, *_, **__):
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", self.generator_side_parameters()
        )
        self.optimizer_ = self.optimizer(*args, **kwargs)
        args, kwargs = self.get_params_for_optimizer(
            "optimizer_discriminator", self.discriminator_.named_parameters()
        )
        self.optimizer_discriminator_ = self.optimizer_discriminator(*args, **kwargs)
        return self

    # --- data ---------------------------------------------------------------

    def check_data(self, X, y=None):
        """Windows need no targets."""

    def get_dataset(self, X, y=None):
        """``StateWindows`` (or a windows array) -> the same on the device,
        states in float32."""
        if not isinstance(X, StateWindows):
            X = StateWindows.from_array(np.asarray(X))
        return StateWindows(
            torch.as_tensor(X.states, dtype=torch.float32, device=self.device),
            torch.as_tensor(X.index, dtype=torch.int64, device=self.device),
        )

    def get_iterator(self, dataset, training=False):
        batch_size = len(dataset) if self.batch_size == -1 else self.batch_size
        return DeviceBatches(dataset, batch_size, shuffle=training)

    # --- training -----------------------------------------------------------

    def center(self, z: torch.Tensor) -> torch.Tensor:
        """The point the group acts about: batch mean or origin, shape (k,)."""
        if self.keep_origin:
            return z.new_zeros(z.shape[-1])
        return z.detach().mean(dim=tuple(range(z.dim() - 1)))

    def train_step(self, batch, **fit_params):
        """One generator step, then one discriminator step.

        The generator loss is computed with the discriminator's parameters
        frozen, and the discriminator sees detached latents, so neither step
        receives the other's gradients.
        """
        x = batch
        autoencoder = self.module_
        lie = self.generator_
        disc = self.discriminator_
        bce = self.criterion_

        if self.anchor_weight > 0 and hasattr(autoencoder, "encode_raw"):
            raw = autoencoder.encode_raw(x)
            z = autoencoder.normalize(raw)
            anchor = standardization_penalty(raw, isotropic=self.isotropic_anchor)
        else:
            z = autoencoder.encode(x)
            anchor = 0.0
        reconstruction = F.mse_loss(autoencoder.decode(z), x)
        center = self.center(z)
        moved = lie(z, center)

        disc.requires_grad_(False)
        logits_moved = disc(moved)
        disc.requires_grad_(True)
        adversarial = bce(logits_moved, torch.ones_like(logits_moved))
        identity = identity_penalty(z, moved, center)
        basis = lie.masked_basis()
        loss = (
            self.reconstruction_weight * reconstruction
            + self.adversarial_weight * adversarial
            + self.identity_weight * identity
            - self.norm_weight * generator_norm_reward(basis, self.norm_cap)
            + self.decorrelation_weight * decorrelation_penalty(basis)
            + self.anchor_weight * anchor
        )
        self.optimizer_.zero_grad(set_to_none=True)
        loss.backward()
        # skorch's hook for callbacks acting on gradients (e.g. clipping).
        self.notify(
            "on_grad_computed",
            named_parameters=self.generator_side_parameters(),
            batch=batch,
            training=True,
        )
        self.optimizer_.step()

        logits_real = disc(z.detach())
        logits_fake = disc(moved.detach())
        loss_discriminator = bce(logits_real, torch.ones_like(logits_real)) + bce(
            logits_fake, torch.zeros_like(logits_fake)
        )
        self.optimizer_discriminator_.zero_grad(set_to_none=True)
        loss_discriminator.backward()
        self.notify(
            "on_grad_computed",
            named_parameters=list(disc.named_parameters(prefix="discriminator")),
            batch=batch,
            training=True,
        )
        self.optimizer_discriminator_.step()

        losses = torch.stack(
            [loss, reconstruction, adversarial, identity, loss_discriminator]
        )
        return {"loss": loss.detach(), "losses": losses.detach()}

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run all batches, keeping loss sums on the device; record the
        per-epoch means (and the generator norm) with one host copy."""
        if iterator is None:
            return
        self._set_training(training)
        total = None
        n_batches = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            total = step["losses"] if total is None else total + step["losses"]
            self.notify("on_batch_end", batch=batch, training=training, **step)
            n_batches += 1
        norm = self.generator_.masked_basis().detach().norm()
        means = torch.cat([total / n_batches, norm[None]]).tolist()
        for name, value in zip(LOSS_NAMES, means[:-1], strict=True):
            self.history.record(f"{prefix}_{name}", value)
        self.history.record("generator_norm", means[-1])
        self.history.record(prefix + "_batch_count", n_batches)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """skorch's ``partial_fit`` (an interrupt stops it), then drop the row
        of an epoch cut short and record where the RNG stopped. A progress
        bar is closed even when training raises (skorch then skips
        ``on_train_end``)."""
        try:
            super().partial_fit(X, y, classes, **fit_params)
        except BaseException:
            for _, callback in self.callbacks_:
                if isinstance(callback, EpochProgressBar):
                    callback.close()
            raise
        if len(self.history) and "train_loss" not in self.history[-1]:
            del self.history[-1]
        self.rng_state_ = get_rng_state(self.device)
        return self

    def restore_training_state(self) -> None:
        """Undo ``refine_decoder`` and put torch's RNG back where the last
        ``partial_fit`` stopped, so that the next ``partial_fit`` continues
        the adversarial training exactly."""
        decoder_state = getattr(self, "decoder_state_", None)
        if decoder_state is not None:
            self.module_.decoder.load_state_dict(decoder_state)
        set_rng_state(self.device, self.rng_state_)

    # --- after training -----------------------------------------------------

    def refine_decoder(self, X, epochs: int, lr: float) -> None:
        """Fit the decoder alone to the latents of the trained encoder.

        Adversarial training moves the encoder until its last step, so the
        decoder always trails it. A few epochs against the frozen encoder,
        with a learning rate decaying to zero, close that gap without
        touching the discovered symmetry: the encoder and the generators stay
        as they are. The last epoch's mean squared error is recorded in the
        history as ``refined_reconstruction``.

        Parameters
        ----------
        X : StateWindows or array of shape (n_windows, window, n_features)
            The training windows; every state is used as often as it
            appears in them.
        epochs : int
            Number of passes over the states; 0 does nothing.
        lr : float
            Initial learning rate of the decoder's Adam optimizer.
        """
        decoder = getattr(self.module_, "decoder", None)
        if decoder is None:
            return
        self.decoder_state_ = {
            key: value.detach().cpu().clone()
            for key, value in decoder.state_dict().items()
        }
        if epochs == 0:
            return
        windows = self.get_dataset(X)
        self.module_.eval()
        with torch.no_grad():
            latents = torch.cat(
                [self.module_.encode(part) for part in windows.states.split(4096)]
            )
        # Every state as often as it appears in a window, as training saw it.
        state_of_row = windows.index.reshape(-1)
        n_rows = len(state_of_row)
        batch_size = n_rows if self.batch_size == -1 else self.batch_size
        optimizer = torch.optim.Adam(decoder.parameters(), lr=lr)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=epochs * n_batches(n_rows, batch_size)
        )
        decoder.train()
        for _ in range(epochs):
            total = latents.new_zeros(())
            for rows in batch_rows(n_rows, batch_size, True, state_of_row.device):
                states = state_of_row[rows]
                loss = F.mse_loss(
                    self.module_.decode(latents[states]), windows.states[states]
                )
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                total += loss.detach()
        self.module_.eval()
        self.history.record(
            "refined_reconstruction", (total / n_batches(n_rows, batch_size)).item()
        )
