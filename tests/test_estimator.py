"""The public contract of LatentSymmetryDiscoverer (DESIGN section 2)."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from conftest import small_discoverer
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from symlearn import LatentSymmetryDiscoverer, metrics
from symlearn.datasets import make_circles
from symlearn.groups import covariance_preserving_part, group_basis
from symlearn.metrics import generator_similarity
from symlearn.training import TrainingDivergedError

EXPECTED_FAILED_CHECKS = {
    "check_methods_subset_invariance": (
        "float32 matrix products differ at the 1e-7 level with the batch size, "
        "so encoding a subset is equal only up to float32 rounding"
    ),
}


@parametrize_with_checks(
    [small_discoverer(batch_size="auto")],  # the checks fit on a few samples
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --- input forms -------------------------------------------------------------


def test_list_of_trajectories_is_cut_into_windows(pendulum):
    est = small_discoverer(window_size=3, window_gap=5).fit(pendulum.trajectories)
    span = 2 * 5 + 1
    n_windows = sum(len(t) - span + 1 for t in pendulum.trajectories)
    assert est.net_.history_[-1]["train_batch_count"] == n_windows // 32
    assert est.n_features_in_ == 2
    Z = est.transform(pendulum.trajectories)
    assert [z.shape for z in Z] == [(len(t), 2) for t in pendulum.trajectories]
    X_back = est.inverse_transform(Z)
    assert [x.shape for x in X_back] == [t.shape for t in pendulum.trajectories]


def test_three_dimensional_windows(pendulum):
    windows = np.stack([t[:4] for t in pendulum.trajectories])  # (8, 4, 2)
    est = small_discoverer(batch_size=4).fit(windows)
    assert est.net_.discriminator_.mlp[0].in_features == 4 * 2
    assert est.transform(windows).shape == (8, 4, 2)
    assert est.apply_group(windows, [0.3]).shape == (8, 4, 2)


def test_states_transform_inverse_and_apply_group(pendulum):
    X = pendulum.states
    est = small_discoverer().fit(X)
    assert est.generators_.shape == (1, 2, 2)
    assert est.center_.shape == (2,)
    Z = est.transform(X)
    assert Z.shape == (len(X), 2) and Z.dtype == np.float64
    assert est.inverse_transform(Z).shape == X.shape
    assert est.apply_group(X).shape == X.shape
    coefficients = np.full((len(X), 1), 0.5)
    np.testing.assert_allclose(
        est.apply_group(X, coefficients), est.apply_group(X, [0.5]), atol=1e-6
    )


def test_apply_group_with_zero_coefficients_is_reconstruction(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    X = pendulum.states
    reconstruction = est.inverse_transform(est.transform(X))
    np.testing.assert_allclose(est.apply_group(X, [0.0]), reconstruction, atol=1e-5)


def test_apply_group_moves_a_trajectory_by_one_element(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    coefficients = np.arange(len(pendulum.trajectories), dtype=float)[:, None]
    moved = est.apply_group(pendulum.trajectories, coefficients)
    first = est.apply_group(pendulum.trajectories[0], np.zeros((60, 1)))
    np.testing.assert_allclose(moved[0], first, atol=1e-5)
    assert len(moved) == len(pendulum.trajectories)


def test_apply_group_acts_about_the_center(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    Z = est.transform(pendulum.states)
    g = est.group_elements([[1.3]])[0]
    expected = est.inverse_transform((Z - est.center_) @ g.T + est.center_)
    np.testing.assert_allclose(
        est.apply_group(pendulum.states, [1.3]), expected, atol=1e-5
    )


def test_y_is_accepted_and_ignored(pendulum):
    a = small_discoverer().fit(pendulum.trajectories)
    b = small_discoverer().fit(pendulum.trajectories, pendulum.t)
    np.testing.assert_array_equal(a.generators_, b.generators_)


def test_inside_a_pipeline_after_a_scaler(pendulum):
    pipe = make_pipeline(StandardScaler(), small_discoverer()).fit(pendulum.states)
    assert pipe.transform(pendulum.states).shape == (len(pendulum.states), 2)
    assert np.isfinite(pipe.score(pendulum.states))


def test_feature_names_out(pendulum):
    est = small_discoverer(latent_dim=2).fit(pendulum.states)
    assert list(est.get_feature_names_out()) == ["z0", "z1"]


# --- reproducibility and persistence -------------------------------------------


def test_same_random_state_gives_identical_fits(pendulum):
    a = small_discoverer(random_state=3).fit(pendulum.trajectories)
    b = small_discoverer(random_state=3).fit(pendulum.trajectories)
    c = small_discoverer(random_state=4).fit(pendulum.trajectories)
    np.testing.assert_array_equal(a.generators_, b.generators_)
    np.testing.assert_array_equal(
        a.transform(pendulum.states), b.transform(pendulum.states)
    )
    assert not np.array_equal(a.generators_, c.generators_)


def test_fit_leaves_global_rngs_untouched(pendulum):
    torch_state = torch.random.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    small_discoverer(random_state=None).fit(pendulum.trajectories)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)  # noqa: NPY002


def test_a_cpu_fit_leaves_the_gpus_rngs_alone(pendulum, monkeypatch):
    # torch.manual_seed would reseed every GPU, which fork_rng does not restore
    reseeded = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", reseeded.append)
    monkeypatch.setattr(torch.cuda, "manual_seed", reseeded.append)
    est = small_discoverer(device="cpu").fit(pendulum.trajectories)
    est.sample_coefficients(3, random_state=0)
    assert reseeded == []


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_pickle_round_trip(pendulum, tmp_path, dump):
    est = small_discoverer(spectral_norm=True).fit(pendulum.trajectories)
    path = tmp_path / "model"
    if dump == "pickle":
        path.write_bytes(pickle.dumps(est))
        loaded = pickle.loads(path.read_bytes())
    else:
        joblib.dump(est, path)
        loaded = joblib.load(path)
    X = pendulum.states
    np.testing.assert_array_equal(loaded.transform(X), est.transform(X))
    np.testing.assert_array_equal(loaded.generators_, est.generators_)
    np.testing.assert_array_equal(
        loaded.apply_group(X, [0.7]), est.apply_group(X, [0.7])
    )


def test_clone_gives_an_unfitted_copy_with_the_same_params():
    est = LatentSymmetryDiscoverer(latent_dim=3, window_gap=7)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "generators_")


# --- what is learned ----------------------------------------------------------


def test_liegan_mode_discovers_so2_on_circles():
    """Linear so(2) in data space: fails if the adversarial training is broken."""
    data = make_circles(n_samples=2000, random_state=0)
    est = LatentSymmetryDiscoverer(
        latent_dim=2,
        autoencoder="identity",
        discriminator_hidden_sizes=(32, 32),
        max_epochs=15,
        batch_size=128,
        lr=3e-3,
        random_state=0,
    ).fit(data.states)
    rotation = group_basis("so2", 2)
    assert generator_similarity(est.generators_, rotation) > 0.99


def test_without_adversary_nothing_is_discovered():
    """Control for the test above: the discriminator is what finds so(2)."""
    data = make_circles(n_samples=2000, random_state=0)
    est = LatentSymmetryDiscoverer(
        latent_dim=2,
        autoencoder="identity",
        adversarial_weight=0.0,
        identity_weight=0.0,
        max_epochs=15,
        batch_size=128,
        lr=3e-3,
        random_state=0,
    ).fit(data.states)
    assert generator_similarity(est.generators_, group_basis("so2", 2)) < 0.99


def test_fixed_group_is_kept(pendulum):
    est = small_discoverer(group="so2").fit(pendulum.trajectories)
    np.testing.assert_array_equal(est.generators_, group_basis("so2", 2))


def _fit_stretched_circles(**params):
    """Circles stretched to 2:1 ellipses, LieGAN mode: the rotations of the
    ellipses are generated by ``S J S^-1`` with ``S = diag(2, 1)``."""
    data = make_circles(n_samples=2000, random_state=0)
    X = data.states * np.array([2.0, 1.0])
    est = LatentSymmetryDiscoverer(
        latent_dim=2,
        autoencoder="identity",
        discriminator_hidden_sizes=(32, 32),
        max_epochs=15,
        batch_size=128,
        lr=3e-3,
        random_state=0,
        **params,
    )
    return est.fit(X), X


def test_projected_generator_keeps_the_latent_covariance():
    est, X = _fit_stretched_circles()
    unprojected, _ = _fit_stretched_circles(project_generators=False)
    centered = X - est.center_
    C = centered.T @ centered / len(X)
    L = est.generators_[0]
    np.testing.assert_allclose(L @ C + C @ L.T, 0, atol=1e-6)
    assert (
        np.abs(unprojected.generators_[0] @ C + C @ unprojected.generators_[0].T).max()
        > 0.1
    )
    # Same training (the projection comes after it), and closer to the truth.
    np.testing.assert_allclose(
        unprojected.generators_, unprojected.net_.generator_.masked_basis().detach()
    )
    np.testing.assert_allclose(
        covariance_preserving_part(unprojected.generators_, C), est.generators_
    )
    truth = np.diag([2.0, 1.0]) @ group_basis("so2", 2) @ np.diag([0.5, 1.0])
    projected_similarity = generator_similarity(est.generators_, truth)
    assert projected_similarity > 0.999
    assert generator_similarity(unprojected.generators_, truth) < projected_similarity


def test_a_number_is_the_coefficient_of_one_generator(pendulum):
    est = small_discoverer().fit(pendulum.states)
    np.testing.assert_array_equal(
        est.apply_group(pendulum.states[:5], 0.5),
        est.apply_group(pendulum.states[:5], [0.5]),
    )
    np.testing.assert_array_equal(est.group_elements(0.5), est.group_elements([0.5]))
    with pytest.raises(ValueError, match="Input coefficients contains NaN"):
        est.group_elements(np.nan)


def test_thresholding_masks_small_entries(pendulum):
    est = small_discoverer(
        latent_dim=2, n_generators=2, threshold=0.5, threshold_every=1
    ).fit(pendulum.trajectories)
    for generator in est.generators_:
        nonzero = np.abs(generator[generator != 0])
        assert nonzero.min() >= 0.5 * nonzero.max() - 1e-6


def test_projection_keeps_the_entries_thresholding_removed():
    from symlearn.datasets import make_spheres

    X = make_spheres(n_samples=300, random_state=0).states
    est = small_discoverer(
        latent_dim=3,
        autoencoder="identity",
        threshold=0.4,
        threshold_every=1,
        max_epochs=5,
        batch_size=64,
        random_state=2,
    )
    # Here no generator that keeps the latents' covariance is zero where
    # thresholding made this one zero, so it stays unprojected.
    with pytest.warns(UserWarning, match="not projected.*zero where the mask"):
        est.fit(X)
    removed = est.net_.generator_.mask.numpy() == 0
    assert removed.any()
    assert np.all(est.generators_[removed] == 0)
    np.testing.assert_array_equal(
        est.generators_, est.net_.generator_.masked_basis().detach()
    )


def test_a_generator_that_cannot_be_projected_stops_no_other():
    est = LatentSymmetryDiscoverer(latent_dim=2, autoencoder="identity")
    est.center_ = np.zeros(2)
    latents = np.random.default_rng(0).normal(size=(500, 2)) * [2.0, 1.0]
    C = latents.T @ latents / len(latents)
    rotation = np.array([[0.1, -1.0], [1.0, 0.0]])
    # rotation-like too, but its thresholded diagonal rules out every
    # covariance-keeping generator of this non-diagonal C
    masked = np.array([[0.0, -1.0], [1.0, 0.0]])
    mask = np.stack([np.ones((2, 2)), np.array([[0.0, 1.0], [1.0, 0.0]])])
    with pytest.warns(UserWarning, match="generator 1 not projected"):
        out = est._keep_latent_covariance(np.stack([rotation, masked]), latents, mask)
    np.testing.assert_allclose(out[0], covariance_preserving_part(rotation, C)[0])
    np.testing.assert_array_equal(out[1], masked)


def test_thresholding_starts_after_threshold_every_epochs(pendulum):
    params = dict(latent_dim=2, n_generators=2, threshold=0.9, threshold_every=3)
    early = small_discoverer(max_epochs=2, **params).fit(pendulum.trajectories)
    assert early.net_.generator_.mask.all()
    later = small_discoverer(max_epochs=3, **params).fit(pendulum.trajectories)
    assert not later.net_.generator_.mask.all()


def test_history_records_losses_per_epoch(pendulum):
    est = small_discoverer(max_epochs=3).fit(pendulum.trajectories)
    assert len(est.history_) == 3
    for key in ("train_reconstruction", "train_discriminator", "generator_norm"):
        assert np.isfinite(est.history_[:, key]).all()


def test_score_prefers_a_symmetry_over_a_collapsed_or_trivial_group():
    data = make_circles(n_samples=1000, random_state=0)
    good = LatentSymmetryDiscoverer(
        latent_dim=2,
        autoencoder="identity",
        group=None,
        max_epochs=1,
        random_state=0,
    ).fit(data.states)
    good.generators_ = group_basis("so2", 2)
    collapsed = clone(good).fit(data.states)
    collapsed.generators_ = 1e-3 * np.eye(2)[None]  # a tiny scaling
    trivial = clone(good).fit(data.states)
    trivial.generators_ = np.zeros((1, 2, 2))
    assert good.score(data.states) > collapsed.score(data.states)
    assert trivial.score(data.states) == -np.inf


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]), "NaN"),
        (np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]), "infinity"),
        (np.zeros(5), "Expected 2D array"),
        (np.zeros((2, 3, 4, 5)), "dim 4"),
        ([np.zeros((5, 2)), np.zeros((5, 3))], "trajectory 1 has 3 features"),
        ([np.zeros((5, 2)), np.full((5, 2), np.nan)], "trajectory 1"),
        ([np.zeros((30, 2)), np.zeros((5, 2))], "trajectory 1 has 5 states"),
    ],
)
def test_bad_input_raises_a_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        small_discoverer().fit(X)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"latent_dim": 0}, "latent_dim"),
        ({"latent_dim": 3}, "latent_dim=3 is larger"),
        ({"hidden_sizes": (8, 1)}, r"latent_dim=2 is larger than hidden_sizes\[-1\]=1"),
        ({"group": "so7"}, "group='so7'"),
        ({"group": "so3"}, "group='so3'"),
        ({"autoencoder": "conv"}, "autoencoder"),
        ({"discriminator_standardize": "yes"}, "discriminator_standardize"),
        ({"device": "cuda"} if not torch.cuda.is_available() else {}, "cuda|"),
    ],
)
def test_bad_parameters_raise_a_clear_error(pendulum, params, match):
    if not params:
        pytest.skip("CUDA is available")
    with pytest.raises(ValueError, match=match):
        small_discoverer(**params).fit(pendulum.trajectories)


def test_wrong_feature_count_at_transform(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    with pytest.raises(ValueError, match="3 features"):
        est.transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="trajectory 0 has 3 features"):
        est.transform([np.zeros((4, 3))])
    with pytest.raises(ValueError, match="Z has 3 features"):
        est.inverse_transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="n_generators=1"):
        est.apply_group(pendulum.states, [0.1, 0.2])


def test_diverging_training_raises_and_leaves_no_model(pendulum):
    est = small_discoverer(lr=1e12, max_epochs=5)
    with pytest.raises(TrainingDivergedError, match="diverged at epoch.*no model"):
        est.fit(pendulum.trajectories)
    assert not hasattr(est, "net_")
    assert not hasattr(est, "generators_")


# --- training internals -------------------------------------------------------


def _grads(module):
    return [None if p.grad is None else p.grad.clone() for p in module.parameters()]


def _same(a, b):
    return all(
        (x is None and y is None)
        or (x is not None and y is not None and torch.equal(x, y))
        for x, y in zip(a, b, strict=True)
    )


def test_generator_and_discriminator_steps_do_not_share_gradients(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    net = est.net_
    windows = net.get_dataset(est._windows(pendulum.trajectories, reset=False))
    seen = {}
    step_generator = net.optimizer_.step
    step_discriminator = net.optimizer_discriminator_.step

    def generator_step(*args, **kwargs):
        seen["discriminator_at_generator_step"] = _grads(net.discriminator_)
        seen["autoencoder_after_generator_loss"] = _grads(net.module_)
        return step_generator(*args, **kwargs)

    def discriminator_step(*args, **kwargs):
        seen["autoencoder_at_discriminator_step"] = _grads(net.module_)
        return step_discriminator(*args, **kwargs)

    net.optimizer_.step = generator_step
    net.optimizer_discriminator_.step = discriminator_step
    before = _grads(net.discriminator_)
    net.train_step(windows.take(slice(0, 32)))
    # The generator loss left the discriminator's gradients as they were ...
    assert _same(seen["discriminator_at_generator_step"], before)
    # ... and the discriminator loss did not touch the autoencoder's.
    assert _same(
        seen["autoencoder_at_discriminator_step"],
        seen["autoencoder_after_generator_loss"],
    )
    assert any(g is not None for g in seen["autoencoder_after_generator_loss"])


def test_cosine_schedule_anneals_the_generator_lr(pendulum):
    est = small_discoverer(max_epochs=4, lr=1e-2, lr_schedule="cosine")
    est.fit(pendulum.trajectories)
    assert est.net_.optimizer_.param_groups[0]["lr"] < 1e-9
    assert est.net_.optimizer_discriminator_.param_groups[0]["lr"] == 1e-2
    constant = small_discoverer(lr_schedule="constant", lr=1e-2)
    constant.fit(pendulum.trajectories)
    assert constant.net_.optimizer_.param_groups[0]["lr"] == 1e-2


def test_auto_epochs_give_2000_optimiser_steps_and_at_least_25_epochs(
    pendulum, monkeypatch
):
    auto = LatentSymmetryDiscoverer()  # "auto" is the default
    assert auto._n_epochs(4096, 256) == 125  # the rotating object's 16 batches
    assert auto._n_epochs(10_000, 256) == 52  # reaction-diffusion's 39
    assert auto._n_epochs(100_000, 256) == 25  # 390 batches: the minimum
    # A fit, with 360 steps for speed: 8 x 50 = 400 windows (gap 10) make
    # 12 batches of 32, so 30 epochs, and a warm start 30 more.
    monkeypatch.setattr("symlearn.estimator._AUTO_STEPS", 360)
    est = small_discoverer(max_epochs="auto", refine_epochs=0, warm_start=True)
    assert len(est.fit(pendulum.trajectories).history_) == 30
    assert len(est.fit(pendulum.trajectories).history_) == 60
    with pytest.raises(ValueError, match="max_epochs"):
        LatentSymmetryDiscoverer(max_epochs="many").fit(pendulum.states)


def test_warm_start_restarts_the_cosine_schedule(pendulum):
    params = dict(lr=1e-2, lr_schedule="cosine", refine_epochs=0)
    fresh = small_discoverer(max_epochs=4, **params).fit(pendulum.trajectories)
    est = small_discoverer(max_epochs=2, warm_start=True, **params)
    est.fit(pendulum.trajectories).set_params(max_epochs=4).fit(pendulum.trajectories)
    lrs = est.history_[:, "event_lr"]
    assert len(lrs) == 6
    # the four continued epochs anneal from lr as the fresh 4-epoch fit does
    np.testing.assert_allclose(lrs[2:], fresh.history_[:, "event_lr"], rtol=1e-6)


def test_warm_start_keeps_the_first_fits_lr_schedule(pendulum):
    # The net is not rebuilt: a changed lr_schedule is not taken up, in
    # either direction.
    params = dict(lr=1e-2, refine_epochs=0, warm_start=True)
    est = small_discoverer(max_epochs=2, **params).fit(pendulum.trajectories)
    est.set_params(lr_schedule="cosine").fit(pendulum.trajectories)
    assert est.net_.optimizer_.param_groups[0]["lr"] == 1e-2
    fresh = small_discoverer(max_epochs=3, lr_schedule="cosine", **params)
    fresh.fit(pendulum.trajectories)
    est = small_discoverer(max_epochs=3, lr_schedule="cosine", **params)
    est.fit(pendulum.trajectories).set_params(lr_schedule="constant")
    lrs = est.fit(pendulum.trajectories).history_[:, "event_lr"]
    np.testing.assert_allclose(lrs[3:], fresh.history_[:, "event_lr"], rtol=1e-6)


def test_a_fitted_model_ignores_parameters_set_after_fit(pendulum):
    # Its methods read the fitted model, as a warm start keeps it too.
    X = pendulum.states
    est = small_discoverer(latent_dim=2, normalize_generators="action").fit(X)
    Z, score = est.transform(X), est.score(X)
    coefficients = est.sample_coefficients(5, random_state=0)
    est.set_params(latent_dim=1, normalize_generators=False, warm_start=True)
    assert list(est.get_feature_names_out()) == ["z0", "z1"]
    assert est.inverse_transform(Z).shape == X.shape
    assert est.score(X) == score
    assert est.apply_group(X, np.ones((len(X), 1))).shape == X.shape
    np.testing.assert_array_equal(
        est.sample_coefficients(5, random_state=0), coefficients
    )
    est.fit(X)  # continued with the fitted latent
    assert est.transform(X).shape == Z.shape


@pytest.mark.parametrize("normalize", [True, False, "action"])
def test_normalize_generators(pendulum, normalize):
    est = small_discoverer(n_generators=2, normalize_generators=normalize)
    norms = np.linalg.norm(est.fit(pendulum.trajectories).generators_, axis=(1, 2))
    assert np.allclose(norms, 1.0, atol=1e-5) == (normalize is not False)
    assert est.net_.generator_.unit_action == (normalize == "action")
    # float64 whether or not the generators were projected
    assert est.generators_.dtype == est.center_.dtype == np.float64


def test_score_of_a_group_that_overflows_is_minus_infinity(monkeypatch):
    X = np.random.default_rng(0).normal(size=(200, 4))
    est = small_discoverer(
        latent_dim=4, autoencoder="identity", project_generators=False
    ).fit(X)
    # a growing rotation beside a very slow one: the moves stop where the
    # growth would exceed e^(pi/2), before the slow plane's full period
    L = np.zeros((4, 4))
    L[:2, :2] = [[0.1, -1.0], [1.0, 0.1]]
    L[2:, 2:] = [[0.0, -1e-4], [1e-4, 0.0]]
    est.generators_ = (L / np.linalg.norm(L))[None]
    assert np.isfinite(est.score(X))
    # coefficients that do overflow (a range set by hand, say)
    monkeypatch.setattr(
        metrics,
        "full_group_coefficients",
        lambda L, n, random_state: np.full((n, 1), 1e5),
    )
    assert est.score(X) == -np.inf


def test_n_init_keeps_the_best_restart_by_score(pendulum):
    single = small_discoverer(random_state=5).fit(pendulum.trajectories)
    best_of_three = small_discoverer(random_state=5, n_init=3)
    best_of_three.fit(pendulum.trajectories)
    scores = best_of_three.init_scores_
    assert scores.shape == (3,)
    assert best_of_three.score(pendulum.trajectories) == pytest.approx(scores.max())
    # The first restart is the single fit with the same random_state.
    assert single.score(pendulum.trajectories) == pytest.approx(scores[0])
    assert not hasattr(single, "init_scores_")


def test_sample_coefficients_follow_the_training_distribution(pendulum):
    est = small_discoverer(coefficient_distribution="integer", coefficient_scale=2)
    est.fit(pendulum.trajectories)
    draws = est.sample_coefficients(500, random_state=0)
    assert set(np.unique(draws)) == {-2.0, -1.0, 0.0, 1.0, 2.0}
    np.testing.assert_array_equal(draws, est.sample_coefficients(500, random_state=0))
    normal = small_discoverer().fit(pendulum.trajectories)
    assert np.std(normal.sample_coefficients(4000, random_state=1)) == pytest.approx(
        3.0, rel=0.05
    )


def test_sample_coefficients_divide_by_the_action_as_training_does(pendulum):
    est = small_discoverer(n_generators=2, normalize_generators="action")
    est.fit(pendulum.states)
    # generator_action_ is the relative action on the training latents
    offsets = est.transform(pendulum.states) - est.center_
    moves = np.einsum("ckl,nl->cnk", est.generators_, offsets)
    expected = np.sqrt((moves**2).sum(-1).mean(1) / (offsets**2).sum(-1).mean())
    np.testing.assert_allclose(est.generator_action_, expected, rtol=1e-5)
    spread = est.sample_coefficients(20000, random_state=0).std(axis=0)
    np.testing.assert_allclose(spread * est.generator_action_, 3.0, rtol=0.03)


@pytest.mark.parametrize(
    "verbose, progress, table", [(0, False, False), (1, True, False), (2, False, True)]
)
def test_verbose_shows_a_progress_bar_or_a_table(
    pendulum, capsys, verbose, progress, table
):
    est = small_discoverer(max_epochs=3, verbose=verbose).fit(pendulum.trajectories)
    captured = capsys.readouterr()
    pickle.dumps(est)  # the display leaves nothing unpicklable behind
    # the bar ends at 3/3 epochs with the last epoch's losses
    assert ("3/3" in captured.err and "discriminator=" in captured.err) == progress
    assert ("train_reconstruction" in captured.out) == table
    if verbose == 0:
        assert captured.out == captured.err == ""


def test_progress_bars_name_each_restart_and_a_continuation(pendulum, capsys):
    est = small_discoverer(max_epochs=2, n_init=2, verbose=1, random_state=0)
    est.fit(pendulum.trajectories)
    bars = capsys.readouterr().err
    assert "restart 1/2" in bars and "restart 2/2" in bars
    pickle.dumps(est)
    est.set_params(warm_start=True).fit(pendulum.trajectories)
    bars = capsys.readouterr().err
    assert "continued" in bars and "restart" not in bars
