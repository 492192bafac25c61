"""The torch building blocks on their own: latent normalisation, the anchor
penalty, the discriminator's window features and the decoder refinement."""

import numpy as np
import pytest
import torch
from conftest import small_discoverer

from symlearn.datasets import make_double_bump
from symlearn.nn.autoencoders import (
    RunningScaling,
    RunningStandardization,
    RunningWhitening,
)
from symlearn.nn.discriminator import WindowDiscriminator
from symlearn.nn.lie import LieAlgebraGenerator
from symlearn.training.losses import standardization_penalty

_NORMALIZATIONS = (
    RunningStandardization,
    RunningWhitening,
    RunningScaling,
    torch.nn.BatchNorm1d,
)


def _correlated(n: int = 4096, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    mixing = torch.tensor([[3.0, 0.0], [2.5, 0.5]])
    return torch.randn(n, 2, generator=generator) @ mixing.T + torch.tensor([5.0, -1])


def test_running_whitening_gives_identity_covariance():
    z = _correlated()
    whiten = RunningWhitening(2)
    out = whiten(z)  # the first training batch sets the statistics
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(torch.cov(out.T), np.eye(2), atol=1e-3)
    # Per-coordinate scaling leaves the correlation in place.
    scaled = RunningStandardization(2)(z)
    assert torch.corrcoef(scaled.T)[0, 1] > 0.9


def test_running_whitening_uses_stored_statistics_in_eval():
    whiten = RunningWhitening(2)
    whiten(_correlated(seed=0))
    whiten.eval()
    before = whiten.running_moment.clone()
    shifted = _correlated(seed=1) + 100
    out = whiten(shifted)
    assert torch.equal(whiten.running_moment, before)
    assert out.mean(0).norm() > 10  # the shift is not normalised away


def test_running_whitening_follows_the_latent_slowly():
    whiten = RunningWhitening(2, momentum=0.5)
    whiten(torch.zeros(8, 2) + torch.randn(8, 2))
    whiten(torch.randn(8, 2) + 10)
    assert 4 < whiten.running_mean.mean() < 6


def test_standardization_penalty_is_zero_only_when_standardised():
    z = _correlated()
    whitened = RunningWhitening(2)(z)
    assert standardization_penalty(whitened) < 1e-5
    assert standardization_penalty(z) > 10
    # Works on windows, shape (batch, w, k), and passes gradients.
    windows = z.reshape(-1, 2, 2).requires_grad_()
    standardization_penalty(windows).backward()
    assert windows.grad.abs().sum() > 0


def _flat_cycle(n: int = 4096, thickness: float = 1e-3) -> torch.Tensor:
    """A round cycle in the first two of three latent coordinates, off the
    origin, barely extending along the third."""
    generator = torch.Generator().manual_seed(0)
    angle = torch.rand(n, generator=generator) * 2 * torch.pi
    normal = torch.randn(n, generator=generator) * thickness
    cycle = torch.stack([torch.cos(angle), torch.sin(angle), normal], dim=1)
    return 4 * cycle + torch.tensor([3.0, -2.0, 1.0])


def test_running_scaling_keeps_the_latent_shape():
    z = _flat_cycle()
    scaled = RunningScaling(3)(z)
    np.testing.assert_allclose(scaled.mean(0), 0, atol=1e-4)
    assert scaled.var(0).mean() == pytest.approx(1, rel=1e-3)
    # One scale for all coordinates: the thin direction stays thin...
    np.testing.assert_allclose(scaled.var(0) / z.var(0), 3 / z.var(0).sum(), rtol=1e-3)
    assert scaled[:, 2].std() < 1e-2
    # ...where whitening blows it up to unit variance.
    assert RunningWhitening(3)(z)[:, 2].std() > 0.5


def test_running_whitening_of_an_exactly_flat_latent_stays_finite():
    # Rounding makes the flat direction's eigenvalue slightly negative; at this
    # scale it outweighs eps (the square root gave NaN before the clamp).
    flat = _flat_cycle(thickness=0.0) * 100
    rotation = torch.linalg.qr(
        torch.randn(3, 3, generator=torch.Generator().manual_seed(1))
    ).Q
    finite = [
        torch.isfinite(
            RunningWhitening(3)(flat @ torch.matrix_power(rotation, i))
        ).all()
        for i in range(1, 21)
    ]
    assert all(finite)


def test_steps_of_a_collapsed_latent_are_not_divided_by_zero():
    disc = WindowDiscriminator(2, 3, hidden_sizes=(8,), features="steps")
    assert torch.isfinite(disc(torch.zeros(16, 3, 2))).all()


def test_anchor_keeps_growing_as_the_latent_collapses():
    # ||cov - I||^2 flattens out at 1 per collapsed direction, which let the
    # raw output of conv encoders shrink to a speck.
    whitened = RunningWhitening(2)(_correlated())
    assert standardization_penalty(1e-2 * whitened) > 20
    assert standardization_penalty(1e-3 * whitened) > standardization_penalty(
        1e-2 * whitened
    )
    scaled = RunningScaling(3)(_flat_cycle())
    assert standardization_penalty(1e-2 * scaled, isotropic=True) > 10


def test_anchor_is_finite_for_finite_rank_deficient_float32_batches():
    # A failed factorisation means NaN, read as divergence; float32 rounding
    # of a covariance with entries near 100 must not fail it.
    generator = torch.Generator().manual_seed(0)
    for rows, k in [(3, 4), (3, 6), (2, 4)]:
        for _ in range(20):
            raw = torch.randn(rows, k, generator=generator).mul(10).requires_grad_()
            penalty = standardization_penalty(raw)
            penalty.backward()
            assert torch.isfinite(penalty)
            assert torch.isfinite(raw.grad).all()


def test_raw_output_of_a_conv_encoder_of_small_signals_does_not_collapse():
    data = make_double_bump(n_samples=256, random_state=0)  # values 0 to 1
    est = small_discoverer(
        latent_dim=4,
        group="so2+so2",
        autoencoder="conv",
        input_shape=data.state_shape,
        conv_channels=(4, 8),
        hidden_sizes=(32,),
        batch_size=32,
        max_epochs=20,
    ).fit(data.states)
    with torch.no_grad():
        states = torch.as_tensor(data.states, dtype=torch.float32)
        raw = est.net_.module_.encode_raw(states).numpy()
    # The old anchor left it at variances of 1e-5 to 6e-3.
    assert np.linalg.eigvalsh(np.cov(raw.T)).min() > 0.1


def test_isotropic_anchor_holds_only_the_mean_and_the_scale():
    scaled = RunningScaling(3)(_flat_cycle())
    assert standardization_penalty(scaled, isotropic=True) < 1e-5
    assert standardization_penalty(scaled) > 0.5  # not identity covariance
    assert standardization_penalty(3 * scaled, isotropic=True) > 10
    assert standardization_penalty(scaled + 1, isotropic=True) > 2


def _generator(basis: list, unit_action: bool) -> LieAlgebraGenerator:
    return LieAlgebraGenerator(
        3, fixed_basis=np.array([basis]), coefficient_scale=3.0, unit_action=unit_action
    )


def test_relative_action_measures_moves_against_the_latent_spread():
    latents = _flat_cycle()
    offsets = latents - latents.mean(0)
    in_plane = _generator([[0, -1, 0], [1, 0, 0], [0, 0, 0]], False)
    from_normal = _generator([[0, 0, 1], [0, 0, 0], [0, 0, 0]], False)
    assert in_plane.relative_action(offsets).item() == pytest.approx(1, rel=1e-3)
    assert from_normal.relative_action(offsets).item() < 1e-2


@pytest.mark.parametrize("unit_action", [False, True])
def test_unit_action_stops_a_generator_hiding_off_a_flat_latent(unit_action):
    # This generator maps the empty normal direction into the plane: alone,
    # it moves nothing, and a discriminator cannot tell its moves from real.
    z = _flat_cycle()[:, None]  # windows of one latent
    center = z.mean(dim=(0, 1))
    lie = _generator([[0, 0, 1], [0, 0, 0], [0, 0, 0]], unit_action)
    torch.manual_seed(0)
    moves = (lie(z, center) - z).norm(dim=-1).mean() / (z - center).norm(dim=-1).mean()
    assert (moves > 0.1) if unit_action else (moves < 0.01)


def test_scale_latent_wires_its_anchor(pendulum):
    est = small_discoverer(latent_norm="scale", normalize_generators="action").fit(
        pendulum.trajectories
    )
    assert isinstance(est.net_.module_.encoder[-1], RunningScaling)
    assert est.net_.isotropic_anchor
    assert not est.net_.discriminator_.standardize
    assert np.isfinite(est.transform(pendulum.trajectories[0])).all()


def _standardized(latents: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """``latents`` centred on the mean of ``first`` and divided by the root
    mean square distance of ``first`` from it."""
    mean = first.mean(dim=0)
    scale = (first - mean).pow(2).sum(dim=-1).mean().sqrt()
    return (latents - mean) / scale


def test_step_features_are_first_latent_and_scaled_steps():
    disc = WindowDiscriminator(2, 3, hidden_sizes=(8,), features="steps")
    z = 5.0 + torch.randn(64, 3, 2)
    features = disc.window_features(z).reshape(64, 3, 2)
    torch.testing.assert_close(features[:, 0], z[:, 0])
    steps = z[:, 1:] - z[:, :-1]
    torch.testing.assert_close(features[:, 1:], steps / steps.pow(2).mean().sqrt())


def test_step_features_commute_with_a_linear_group_action():
    disc = WindowDiscriminator(2, 2, hidden_sizes=(8,), features="steps")
    z = torch.randn(64, 2, 2)
    disc.window_features(z)  # sets the step scale
    disc.eval()
    angle = torch.tensor(0.7)
    rotation = torch.stack(
        [
            torch.stack([angle.cos(), -angle.sin()]),
            torch.stack([angle.sin(), angle.cos()]),
        ]
    )
    moved = disc.window_features(z @ rotation.T).reshape(64, 2, 2)
    expected = disc.window_features(z).reshape(64, 2, 2) @ rotation.T
    torch.testing.assert_close(moved, expected)


def test_latent_features_are_the_flattened_window():
    disc = WindowDiscriminator(2, 2, hidden_sizes=(8,), features="latents")
    z = torch.randn(5, 2, 2)
    torch.testing.assert_close(disc.window_features(z), z.flatten(start_dim=1))


def test_standardised_step_features_are_standardised_first_latent_and_steps():
    disc = WindowDiscriminator(2, 3, hidden_sizes=(8,), standardize=True)
    z = 5.0 + torch.randn(64, 3, 2)
    features = disc.window_features(z).reshape(64, 3, 2)
    torch.testing.assert_close(features[:, 0], _standardized(z[:, 0], z[:, 0]))
    steps = z[:, 1:] - z[:, :-1]
    scale = steps.pow(2).mean().sqrt()
    torch.testing.assert_close(features[:, 1:], steps / scale)
    torch.testing.assert_close(features[:, 1:].pow(2).mean(), torch.tensor(1.0))


def test_standardised_latent_features_are_the_standardised_window():
    disc = WindowDiscriminator(
        2, 2, hidden_sizes=(8,), features="latents", standardize=True
    )
    z = torch.randn(5, 2, 2) - 3.0
    expected = _standardized(z, z[:, 0]).flatten(start_dim=1)
    torch.testing.assert_close(disc.window_features(z), expected)


@pytest.mark.parametrize("features", ["steps", "latents"])
def test_standardised_features_ignore_where_the_latent_sits(features):
    # A free latent may drift far from the origin and grow: the discriminator
    # must see the same input as for the same latent near unit size.
    z = torch.randn(64, 2, 3, dtype=torch.float64)
    args = dict(hidden_sizes=(8,), features=features, standardize=True)
    near = WindowDiscriminator(3, 2, **args).double()
    far = WindowDiscriminator(3, 2, **args).double()
    shift = torch.tensor([800.0, -300.0, 50.0], dtype=torch.float64)
    for _ in range(3):  # running statistics over several batches
        expected = near.window_features(z)
        torch.testing.assert_close(far.window_features(60.0 * z + shift), expected)


def test_standardised_features_are_one_affine_map_in_eval_mode():
    # Real and moved latents must pass through the same map, or the
    # discriminator could tell them apart by the statistics alone.
    disc = WindowDiscriminator(2, 2, hidden_sizes=(8,), standardize=True)
    disc.window_features(torch.randn(64, 2, 2) + 4.0)
    disc.eval()
    a, b = torch.randn(16, 2, 2), torch.randn(16, 2, 2)
    combined = disc.window_features(0.3 * a + 0.7 * b)
    expected = 0.3 * disc.window_features(a) + 0.7 * disc.window_features(b)
    torch.testing.assert_close(combined, expected)


@pytest.mark.parametrize(
    ("latent_norm", "option", "standardize"),
    [
        ("none", "auto", True),
        ("whiten", "auto", False),
        ("none", False, False),
        ("whiten", True, True),
    ],
)
def test_discriminator_standardises_a_free_latent_unless_told(
    pendulum, latent_norm, option, standardize
):
    est = small_discoverer(
        latent_norm=latent_norm, discriminator_standardize=option
    ).fit(pendulum.trajectories)
    assert est.net_.discriminator_.standardize is standardize


def test_unknown_window_features_are_rejected():
    with pytest.raises(ValueError, match="features='speed'"):
        WindowDiscriminator(2, 2, features="speed")


def _parameters(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def test_refine_decoder_sharpens_reconstruction_and_keeps_the_symmetry(pendulum):
    est = small_discoverer(max_epochs=3, refine_epochs=0).fit(pendulum.trajectories)
    net = est.net_
    windows = est._windows(pendulum.trajectories, reset=False)
    X = pendulum.states
    before = np.mean((est.inverse_transform(est.transform(X)) - X) ** 2)
    encoder = _parameters(net.module_.encoder)
    generators = est.generators_.copy()

    net.refine_decoder(windows, epochs=20, lr=1e-2)

    after = np.mean((est.inverse_transform(est.transform(X)) - X) ** 2)
    assert after < 0.5 * before
    for old, new in zip(encoder, _parameters(net.module_.encoder), strict=True):
        assert torch.equal(old, new)
    np.testing.assert_array_equal(net.generator_.masked_basis().detach(), generators)
    assert np.isfinite(net.history_[-1, "refined_reconstruction"])


def test_refine_epochs_zero_leaves_no_refinement(pendulum):
    est = small_discoverer(refine_epochs=0).fit(pendulum.trajectories)
    assert "refined_reconstruction" not in est.history_[-1]
    est = small_discoverer(refine_epochs=2).fit(pendulum.trajectories)
    assert "refined_reconstruction" in est.history_[-1]


def test_refine_decoder_is_a_no_op_without_a_decoder():
    from symlearn.datasets import make_circles

    data = make_circles(n_samples=200, random_state=0)
    est = small_discoverer(autoencoder="identity", refine_epochs=3).fit(data.states)
    assert "refined_reconstruction" not in est.history_[-1]


@pytest.mark.parametrize("norm", [RunningWhitening, RunningStandardization])
def test_a_non_finite_batch_leaves_the_running_statistics_usable(norm):
    layer = norm(2)
    layer(_correlated())
    mean, moment = layer.running_mean.clone(), layer.running_moment.clone()
    layer(torch.full((8, 2), float("inf")))
    assert torch.equal(layer.running_mean, mean)
    assert torch.equal(layer.running_moment, moment)
    layer.eval()
    assert torch.isfinite(layer(_correlated(seed=1))).all()


def test_huge_input_is_reported_as_divergence_not_a_torch_error():
    from symlearn.training import TrainingDivergedError

    X = np.full((2, 5), 9.2845496e26, dtype=np.float32)  # found by hypothesis
    X[1] /= 2  # constant X is refused before training
    with pytest.raises(TrainingDivergedError, match="no model was kept"):
        small_discoverer(latent_dim=4, max_epochs=1, batch_size="auto").fit(X)


@pytest.mark.parametrize("autoencoder", ["mlp", "conv"])
def test_latent_norm_none_leaves_the_orthonormal_output_as_the_latent(autoencoder):
    X = np.random.RandomState(0).normal(size=(64, 8)).astype(np.float32)
    est = small_discoverer(
        autoencoder=autoencoder,
        input_shape=(1, 8),
        conv_channels=(4,),
        latent_norm="none",
    ).fit(X)
    module = est.net_.module_
    x = torch.as_tensor(X)
    with torch.no_grad():
        latent = module.encode(x)
        assert torch.equal(latent, module.encode_raw(x))
    assert not any(isinstance(layer, _NORMALIZATIONS) for layer in module.modules())
    np.testing.assert_allclose(est.transform(X), latent.numpy(), atol=1e-6)


@pytest.mark.parametrize(
    ("distribution", "check"),
    [
        ("normal", lambda w: abs(w.std() - 2.0) < 0.05 and abs(w.mean()) < 0.05),
        ("uniform", lambda w: -2.0 <= w.min() < -1.98 and 1.98 < w.max() <= 2.0),
        ("integer", lambda w: set(w.unique().tolist()) == {-2.0, -1.0, 0.0, 1.0, 2.0}),
    ],
)
def test_coefficients_follow_their_distribution(distribution, check):
    torch.manual_seed(0)
    lie = LieAlgebraGenerator(
        2, 1, coefficient_distribution=distribution, coefficient_scale=2.0
    )
    assert check(lie.sample_coefficients(20000))


@pytest.mark.parametrize("latent_norm", ["running", "batch"])
def test_other_latent_norms_fit_and_encode(pendulum, latent_norm):
    est = small_discoverer(latent_norm=latent_norm).fit(pendulum.trajectories)
    assert np.isfinite(est.transform(pendulum.states)).all()


def test_lr_discriminator_sets_only_the_discriminators_rate(pendulum):
    est = small_discoverer(lr=0.002, lr_discriminator=0.0005, max_epochs=1)
    net = est.fit(pendulum.trajectories).net_
    assert net.optimizer_.param_groups[0]["lr"] == 0.002
    assert net.optimizer_discriminator_.param_groups[0]["lr"] == 0.0005
