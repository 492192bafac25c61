"""Reliability (issue 6): validation at the door, divergence, persistence,
resumable training and reproducibility."""

import os
import pickle
import signal
import warnings
from unittest import mock

import joblib
import numpy as np
import pytest
import sklearn
import torch
from conftest import small_discoverer
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from skorch import NeuralNet
from skorch.callbacks import Callback, Checkpoint, EarlyStopping, TrainEndCheckpoint
from skorch.exceptions import DeviceWarning

import symlearn
from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_pendulum
from symlearn.training import TrainingDivergedError

# --- validation at the door ---------------------------------------------------


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ([], "X is an empty list"),
        (np.zeros((0, 2)), "0 sample"),
        (np.zeros((1, 2)), "minimum of 2"),
        ([np.zeros((30, 2)), np.zeros((30, 2, 1))], "trajectory 1: .*dim 3"),
        (np.full((5, 2), 1e300), "X has values up to 1e\\+300, beyond the float32"),
        ([np.zeros((30, 2)), np.full((30, 2), -1e39)], "trajectory 1 has values"),
        (np.full((4, 2, 2), np.nan), "Input X contains NaN"),
        (np.zeros((5, 2), dtype=complex), "Complex data"),
        (np.zeros((10, 0, 3)), "X has windows of shape \\(0, 3\\); each needs"),
        (np.zeros((10, 2, 0)), "X has windows of shape \\(2, 0\\)"),
        (np.ones((50, 2)), "X is constant"),
        (np.full((30, 2), 0.1), "X is constant"),
        ([np.ones((30, 2)), np.ones((30, 2))], "X is constant"),
        # distinct in float64, equal in float32
        (1e8 + np.arange(60.0).reshape(30, 2) % 3, "X is constant: .* in float32"),
    ],
)
def test_more_bad_input_raises_a_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        small_discoverer().fit(X)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_generators": 0}, "n_generators"),
        ({"reconstruction_weight": -1.0}, "reconstruction_weight"),
        ({"anchor_weight": -0.1}, "anchor_weight"),
        ({"coefficient_scale": 0.0}, "coefficient_scale"),
        ({"batch_size": 1}, "batch_size"),
        ({"batch_size": "big"}, "batch_size"),
        ({"batch_size": 1000}, "batch_size=1000 is larger than the 400 windows"),
        ({"hidden_sizes": (16, 0)}, "hidden_sizes=\\(16, 0\\)"),
        ({"hidden_sizes": (True,)}, "hidden_sizes=\\(True,\\) must hold positive"),
        ({"discriminator_hidden_sizes": (-2,)}, "discriminator_hidden_sizes"),
        ({"autoencoder": "identity", "latent_dim": 1}, "latent_dim=1 and n_f"),
        ({"group": "so2", "autoencoder": "identity"}, "fixed group"),
        ({"device": "gpu0"}, "device='gpu0' is not a torch device"),
        ({"window_size": 40}, "trajectory 0 has 60 states"),
        (
            {"coefficient_distribution": "integer", "coefficient_scale": 0.4},
            "coefficient_scale=0.4 leaves only 0",
        ),
        ({"norm_weight": 1.0}, "norm_weight=1 .* normalize_generators=True holds"),
        (
            {"norm_weight": 1.0, "group": "so2"},
            "norm_weight=1 .* group='so2' fixes them",
        ),
    ],
)
def test_more_bad_parameters_raise_a_clear_error(pendulum, params, match):
    est = small_discoverer(max_epochs=1).fit(pendulum.trajectories)
    with pytest.raises(ValueError, match=match):
        est.set_params(**params).fit(pendulum.trajectories)
    # Neither the earlier model nor a part of the failed fit is left behind.
    assert _fitted_attributes(est) == []
    with pytest.raises(NotFittedError):
        est.transform(pendulum.states)


def test_auto_batch_size_is_capped_by_the_number_of_windows(pendulum):
    few = small_discoverer(batch_size="auto").fit(pendulum.states[:20])
    assert few.net_.batch_size == 20
    many = small_discoverer(batch_size="auto", max_epochs=1, refine_epochs=0)
    many.fit(np.tile(pendulum.states, (2, 1)))
    assert many.net_.batch_size == 256


def test_integer_float32_and_float64_input(pendulum):
    integers = np.round(10 * pendulum.states).astype(np.int64)
    est = small_discoverer().fit(integers)
    assert est.transform(integers).dtype == np.float64
    for dtype in (np.float32, np.float64):
        X = pendulum.states.astype(dtype)
        est = small_discoverer().fit(X)
        Z = est.transform(X)
        assert Z.dtype == dtype
        assert est.inverse_transform(Z).dtype == dtype
        assert est.apply_group(X).dtype == dtype
        trajectories = [t.astype(dtype) for t in pendulum.trajectories]
        assert all(z.dtype == dtype for z in est.transform(trajectories))
        assert all(x.dtype == dtype for x in est.apply_group(trajectories))


def test_pandas_input(pendulum):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(pendulum.states, columns=["angle", "velocity"])
    est = small_discoverer().fit(frame)
    assert list(est.feature_names_in_) == ["angle", "velocity"]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = est.transform(frame.values)
    np.testing.assert_array_equal(est.transform(frame), from_array)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform(frame.rename(columns={"angle": "theta"}))
    frames = [pd.DataFrame(t) for t in pendulum.trajectories]
    est = small_discoverer().fit(frames)
    assert [z.shape for z in est.transform(frames)] == [(60, 2)] * 8
    # a list of DataFrames keeps and checks their names, as one DataFrame does
    named = [
        pd.DataFrame(t, columns=["angle", "velocity"]) for t in pendulum.trajectories
    ]
    est = small_discoverer().fit(named)
    assert list(est.feature_names_in_) == ["angle", "velocity"]
    swapped = [frame[["velocity", "angle"]] for frame in named]
    for method in (est.transform, est.score, lambda X: est.apply_group(X, 0.1)):
        with pytest.raises(ValueError, match="feature names should match"):
            method(swapped)
    with pytest.raises(ValueError, match="feature names should match"):
        est.transform_derivatives(swapped, swapped)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est.transform(pendulum.trajectories)


def test_apply_group_under_pandas_output(pendulum):
    pytest.importorskip("pandas")
    est = small_discoverer().fit(pendulum.states)
    expected = est.apply_group(pendulum.states[:5], [0.3])
    est.set_output(transform="pandas")
    assert type(est.transform(pendulum.states)).__name__ == "DataFrame"
    np.testing.assert_array_equal(est.apply_group(pendulum.states[:5], [0.3]), expected)


def test_pandas_output_for_every_input_form(pendulum):
    pd = pytest.importorskip("pandas")
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from symlearn.preprocessing import TrajectoryTransformer

    X = pendulum.trajectories
    est = small_discoverer().fit(X).set_output(transform="pandas")
    frames = [pd.DataFrame(x, index=np.arange(100, 160)) for x in X]
    latents = est.transform(frames)  # one DataFrame per trajectory, its index
    assert len(latents) == len(X) and list(latents[0].columns) == ["z0", "z1"]
    assert latents[0].index[0] == 100
    np.testing.assert_array_equal(latents[3], est.transform(X[3]))
    assert isinstance(est.transform(np.stack(X)[:, :5]), np.ndarray)  # 3-D
    assert clone(est)._sklearn_output_config == {"transform": "pandas"}
    with pytest.raises(ValueError, match="transform='csv' is not one of"):
        est.set_output(transform="csv")
    pipe = make_pipeline(TrajectoryTransformer(StandardScaler()), small_discoverer())
    latents = pipe.set_output(transform="pandas").fit(X).transform(X)
    assert isinstance(latents[0], pd.DataFrame)
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(small_discoverer().fit(X).transform(X)[0], pd.DataFrame)
        assert isinstance(
            est.set_output(transform="default").transform(X)[0], np.ndarray
        )
        # an inner transformer's own DataFrame keeps its values, relabelled
        scaler = TrajectoryTransformer(StandardScaler()).fit(X)
        scaled = scaler.transform(frames)[0]
        assert scaled.index[0] == 100 and np.isfinite(scaled.to_numpy()).all()

    class Discoverer(type(est)):  # a subclass overriding transform
        def transform(self, X):
            return super().transform(X)

    sub = Discoverer(**est.get_params()).fit(X).set_output(transform="pandas")
    assert isinstance(sub.transform(X)[0], pd.DataFrame)


def test_read_only_memmap_input(pendulum, tmp_path):
    path = tmp_path / "states.dat"
    writable = np.memmap(path, dtype=np.float64, mode="w+", shape=(480, 2))
    writable[:] = pendulum.states
    writable.flush()
    X = np.memmap(path, dtype=np.float64, mode="r", shape=(480, 2))
    est = small_discoverer().fit(X)
    reference = small_discoverer().fit(pendulum.states)
    np.testing.assert_array_equal(est.transform(X), reference.transform(X))
    assert est.apply_group(X, [0.5]).shape == X.shape
    trajectories = [X[:240], X[240:]]
    assert len(small_discoverer().fit(trajectories).transform(trajectories)) == 2


def test_feature_count_mismatch_in_every_form(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    with pytest.raises(ValueError, match="X has 3 features, expected 2"):
        est.transform(np.zeros((4, 5, 3)))
    with pytest.raises(ValueError, match="trajectory 1 has 3 features, expected 2"):
        est.inverse_transform([np.zeros((4, 2)), np.zeros((4, 3))])
    with pytest.raises(ValueError, match="trajectory 0 has 1 features, expected 2"):
        est.apply_group([np.zeros((4, 1))])
    with pytest.raises(ValueError, match="expecting 2 features"):
        est.score(np.zeros((40, 3)))
    with pytest.raises(ValueError, match="X has windows of shape \\(0, 2\\)"):
        est.transform(np.zeros((4, 0, 2)))


def test_inference_refuses_what_float32_cannot_hold(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    with pytest.raises(ValueError, match="Z has values up to 1e\\+40"):
        est.inverse_transform(np.full((3, 2), 1e40))
    with pytest.raises(ValueError, match="coefficients up to 1e\\+300"):
        est.apply_group(pendulum.states, [1e300])
    with pytest.raises(ValueError, match="n"):
        est.sample_coefficients(-1)


def test_unfitted_estimator_raises_not_fitted(pendulum):
    est = small_discoverer()
    for method in (est.transform, est.inverse_transform, est.apply_group, est.score):
        with pytest.raises(NotFittedError):
            method(pendulum.states)


# --- divergence ----------------------------------------------------------------


def _fitted_attributes(est):
    return sorted(k for k in vars(est) if k.endswith("_") and not k.startswith("_"))


def test_divergence_after_a_successful_fit_removes_the_earlier_model(pendulum):
    est = small_discoverer().fit(pendulum.trajectories)
    assert _fitted_attributes(est)
    est.set_params(lr=1e12, max_epochs=5)
    with pytest.raises(TrainingDivergedError, match="epoch 1: .*no model was kept"):
        est.fit(pendulum.trajectories)
    assert _fitted_attributes(est) == []
    with pytest.raises(NotFittedError):
        est.transform(pendulum.states)


def test_exploding_generator_norm_is_detected(pendulum):
    est = small_discoverer(
        autoencoder="identity",
        normalize_generators=False,
        norm_weight=1.0,
        norm_cap=1e9,
        coefficient_scale=1e-6,  # keeps expm finite while the norm grows
        lr=100.0,
        lr_discriminator=1e-3,
        max_epochs=3,
    )
    with pytest.raises(TrainingDivergedError, match="epoch 1: the generator norm"):
        est.fit(pendulum.trajectories)
    assert _fitted_attributes(est) == []


def test_diverging_warm_start_removes_the_model_it_changed(pendulum):
    est = small_discoverer(warm_start=True).fit(pendulum.trajectories)
    est.net_.set_params(optimizer__lr=1e12)  # the net is continued as it is
    with pytest.raises(TrainingDivergedError, match="no model was kept"):
        est.fit(pendulum.trajectories)
    assert _fitted_attributes(est) == []


def test_divergence_in_the_last_step_is_caught(pendulum):
    # One step per fit: the guard sees only the loss before it.
    params = dict(lr=1e20, max_epochs=1, batch_size=480, refine_epochs=0, group="so2")
    est = small_discoverer(**params)
    with pytest.raises(TrainingDivergedError, match="not finite.*no model was kept"):
        est.fit(pendulum.states)
    assert _fitted_attributes(est) == []
    est.set_params(n_init=2)
    with pytest.raises(TrainingDivergedError, match="all 2 restarts diverged"):
        with pytest.warns(UserWarning, match="restart 0 diverged"):
            est.fit(pendulum.states)


class _OverflowSecondDecoder(Callback):
    """Finite decoder weights that overflow float32 outputs, in the second
    restart only (the callback is copied per restart: count on the class)."""

    trained = 0

    def on_train_end(self, net, **kwargs):
        type(self).trained += 1
        if type(self).trained == 2:
            with torch.no_grad():
                next(net.module_.decoder.parameters()).fill_(3e38)


def test_a_restart_failing_after_training_is_not_kept(pendulum):
    _OverflowSecondDecoder.trained = 0
    est = small_discoverer(
        n_init=2, refine_epochs=0, callbacks=[_OverflowSecondDecoder()]
    )
    with pytest.warns(UserWarning, match="restart 1 diverged: .*outputs"):
        est.fit(pendulum.trajectories)
    assert est.init_scores_[1] == -np.inf
    assert est.net_.parameters_are_finite()
    assert next(est.net_.module_.decoder.parameters()).abs().max() < 1e3
    assert np.isfinite(est.inverse_transform(est.transform(pendulum.states))).all()


def test_divergence_in_the_decoder_refinement_is_caught(pendulum):
    est = small_discoverer(warm_start=True).fit(pendulum.trajectories)
    est.set_params(max_epochs=1, lr=1e30)  # the continued fit's refinement lr
    with pytest.raises(TrainingDivergedError, match="not finite.*no model was kept"):
        est.fit(pendulum.trajectories)
    assert _fitted_attributes(est) == []


class _RaiseAtEpoch(Callback):
    def __init__(self, epoch=None):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise RuntimeError("raised by a callback")


def test_any_error_in_a_warm_start_removes_the_model_it_changed(pendulum):
    est = small_discoverer(warm_start=True, callbacks=[_RaiseAtEpoch()])
    est.fit(pendulum.trajectories)
    dict(est.net_.callbacks_)["_RaiseAtEpoch"].epoch = 3  # the trained copy
    with pytest.raises(RuntimeError, match="raised by a callback"):
        est.fit(pendulum.trajectories)
    assert _fitted_attributes(est) == []


def test_a_failed_fit_closes_its_progress_bar(pendulum):
    from tqdm import tqdm

    open_before = len(tqdm._instances)
    est = small_discoverer(verbose=1, callbacks=[_RaiseAtEpoch(1)])
    # the traceback, held as a notebook holds the last one, keeps the net
    with pytest.raises(RuntimeError, match="raised by a callback") as raised:
        est.fit(pendulum.trajectories)
    assert raised.traceback
    assert len(tqdm._instances) == open_before


def test_input_error_on_warm_start_keeps_the_model(pendulum):
    est = small_discoverer(warm_start=True).fit(pendulum.trajectories)
    generators = est.generators_.copy()
    with pytest.raises(ValueError, match="X has 3 features"):
        est.fit(np.zeros((40, 3)))
    with pytest.raises(ValueError, match="windows of 1 states, the fitted model 2"):
        est.fit(pendulum.states)
    np.testing.assert_array_equal(est.generators_, generators)
    assert est.transform(pendulum.states).shape == (480, 2)


def test_reconstruction_error_is_the_round_trip_error_on_the_training_states(
    pendulum,
):
    est = small_discoverer(max_epochs=5).fit(pendulum.trajectories)
    X = pendulum.states
    R = est.inverse_transform(est.transform(X))
    expected = np.sum((R - X) ** 2) / np.sum((X - X.mean(axis=0)) ** 2)
    assert est.reconstruction_error_ < 0.5
    assert est.reconstruction_error_ == pytest.approx(expected, rel=1e-4)


def test_reconstruction_error_does_not_depend_on_the_chunk_size(pendulum, monkeypatch):
    # Large data are measured chunk by chunk: 15 values are 7 two-feature
    # states, so the 480 states end with a partial chunk, which must count
    # too. Decoding in float32 batches of another size moves the result by
    # about 1e-8 (relative).
    whole = small_discoverer().fit(pendulum.trajectories).reconstruction_error_
    monkeypatch.setattr(symlearn.estimator, "_ERROR_CHUNK_VALUES", 15)
    chunked = small_discoverer().fit(pendulum.trajectories).reconstruction_error_
    assert chunked == pytest.approx(whole, rel=1e-6)


def test_an_autoencoder_that_reconstructs_nothing_is_reported(pendulum):
    # Without the reconstruction loss the decoder never learns the states.
    est = small_discoverer(reconstruction_weight=0.0, refine_epochs=0)
    with pytest.warns(ConvergenceWarning, match="reconstructs the training states"):
        est.fit(pendulum.trajectories)
    assert est.reconstruction_error_ > 0.5


def test_the_poor_reconstruction_warning_gives_the_states_variance(pendulum):
    # States scaled down 100 times vary 1e-4 as much: the same weight then
    # weighs their reconstruction 1e4 times less, and the warning says so.
    X = [x / 100 for x in pendulum.trajectories]
    variance = np.var(np.concatenate(X), axis=0).mean()
    est = small_discoverer(reconstruction_weight=1.0, refine_epochs=0)
    with pytest.warns(ConvergenceWarning) as record:
        est.fit(X)
    message = str(record[0].message)
    assert f"vary {variance:.3g} per feature" in message
    assert f"; {1.0 / variance:.3g} would weigh it as 1 does" in message
    # 2 epochs of 12 batches
    assert "Training made 24 optimiser steps; max_epochs='auto'" in message


def test_the_poor_reconstruction_warning_gives_no_rescaling_near_unit_variance(
    pendulum,
):
    spread = np.var(np.concatenate(pendulum.trajectories), axis=0).mean()
    X = [x / np.sqrt(spread) for x in pendulum.trajectories]  # unit variance
    est = small_discoverer(reconstruction_weight=1e-6, refine_epochs=0)
    with pytest.warns(ConvergenceWarning) as record:
        est.fit(X)
    assert "would weigh" not in str(record[0].message)


# --- persistence ---------------------------------------------------------------


def test_pickle_round_trip_keeps_score_and_apply_group(pendulum):
    est = small_discoverer(n_generators=2).fit(pendulum.trajectories)
    loaded = pickle.loads(pickle.dumps(est))
    X = pendulum.trajectories
    assert loaded.score(X) == est.score(X)
    np.testing.assert_array_equal(
        loaded.inverse_transform(pendulum.states),
        est.inverse_transform(pendulum.states),
    )
    for a, b in zip(
        loaded.apply_group(X, random_state=1),
        est.apply_group(X, random_state=1),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_pickle_size_does_not_depend_on_the_training_data():
    sizes = []
    for n_trajectories in (4, 200):
        data = make_pendulum(n_trajectories=n_trajectories, n_steps=60, random_state=0)
        est = small_discoverer(max_epochs=1, refine_epochs=1).fit(data.trajectories)
        sizes.append(len(pickle.dumps(est)))
    # 196 more trajectories are 188 kB of float64 states.
    assert abs(sizes[1] - sizes[0]) < 2000, sizes


def test_model_fitted_on_cuda_loads_on_a_cpu_only_machine(pendulum):
    """Simulated: the tensors skorch pickles as device dependent (modules and
    optimizers, ours included) are tagged as CUDA storages, as on a GPU."""
    if torch.cuda.is_available():
        pytest.skip("simulates a machine without CUDA")
    est = small_discoverer().fit(pendulum.trajectories)
    names = {"module_", "generator_", "discriminator_", "optimizer_discriminator_"}
    assert names <= set(est.net_.cuda_dependent_attributes_)
    getstate = NeuralNet.__getstate__

    def getstate_on_cuda(net):
        with mock.patch("torch.serialization.location_tag", lambda _: "cuda:0"):
            return getstate(net)

    est.net_.device = "cuda"
    with mock.patch.object(NeuralNet, "__getstate__", getstate_on_cuda):
        blob = pickle.dumps(est)
        cuda_part = getstate_on_cuda(est.net_)["__cuda_dependent_attributes__"]
    est.net_.device = "cpu"
    with pytest.raises(RuntimeError, match="CUDA"):
        pickle.loads(cuda_part)  # really tagged CUDA: a plain load fails
    with pytest.warns(DeviceWarning, match="CUDA devices are available|not available"):
        loaded = pickle.loads(blob)
    assert str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(
        loaded.transform(pendulum.states), est.transform(pendulum.states)
    )
    loaded.set_params(warm_start=True, max_epochs=1).fit(pendulum.trajectories)


# --- resumable training -----------------------------------------------------------


@pytest.mark.parametrize(
    "params", [{}, {"autoencoder": "identity"}, {"threshold": 0.3, "n_generators": 2}]
)
def test_warm_start_continues_bit_identically(pendulum, params):
    X = pendulum.trajectories
    once = small_discoverer(max_epochs=5, **params).fit(X)
    twice = small_discoverer(max_epochs=3, warm_start=True, **params).fit(X)
    twice.set_params(max_epochs=2).fit(X)
    np.testing.assert_array_equal(twice.generators_, once.generators_)
    np.testing.assert_array_equal(
        twice.transform(pendulum.states), once.transform(pendulum.states)
    )
    np.testing.assert_array_equal(
        twice.inverse_transform(pendulum.states),
        once.inverse_transform(pendulum.states),
    )
    for key in ("train_loss", "train_discriminator", "generator_norm"):
        np.testing.assert_array_equal(twice.history_[:, key], once.history_[:, key])


def test_warm_start_keeps_the_first_fits_keep_origin(pendulum):
    est = small_discoverer(warm_start=True).fit(pendulum.trajectories)
    est.set_params(keep_origin=True, max_epochs=1).fit(pendulum.trajectories)
    assert not est.net_.keep_origin
    assert np.abs(est.center_).max() > 0  # the mean latent, as the net acts


def test_warm_start_false_refits_from_scratch(pendulum):
    X = pendulum.trajectories
    est = small_discoverer(max_epochs=3).fit(X).fit(X)
    assert len(est.history_) == 3
    np.testing.assert_array_equal(
        est.generators_, small_discoverer(max_epochs=3).fit(X).generators_
    )


def test_warm_start_after_n_init_continues_the_kept_model(pendulum):
    X = pendulum.trajectories
    est = small_discoverer(n_init=2, warm_start=True).fit(X)
    kept = est.net_
    est.fit(X)
    assert est.net_ is kept and len(est.history_) == 4


class _InterruptOnce(Callback):
    """Ctrl-C at the end of epoch 2, or in epoch 3 (which is then dropped)."""

    def __init__(self, at_epoch_end: bool):
        self.at_epoch_end = at_epoch_end
        self.done = False

    def _interrupt(self, net, epoch):
        if len(net.history) == epoch and not self.done:
            self.done = True
            raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        if self.at_epoch_end:
            self._interrupt(net, 2)

    def on_batch_end(self, net, **kwargs):
        if not self.at_epoch_end:
            self._interrupt(net, 3)


@pytest.mark.parametrize("at_epoch_end", [True, False], ids=["epoch-end", "mid-epoch"])
def test_interrupt_leaves_a_usable_model(pendulum, at_epoch_end):
    est = small_discoverer(max_epochs=5, callbacks=[_InterruptOnce(at_epoch_end)])
    with pytest.warns(UserWarning, match="interrupted after 2 of 5 epochs"):
        est.fit(pendulum.trajectories)
    assert len(est.history_) == 2
    assert np.isfinite(est.transform(pendulum.states)).all()
    assert np.isfinite(est.score(pendulum.trajectories))
    est.set_params(warm_start=True, max_epochs=1)
    assert len(est.fit(pendulum.trajectories).history_) == 3


@pytest.fixture
def sigint_raises():
    """SIGINT raises KeyboardInterrupt, as in an interactive Python; a
    background job (a CI runner, say) may start with SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


class _InterruptInFirstEpoch(Callback):
    """Ctrl-C (SIGINT) or a callback's own interrupt in the first epoch of
    training run ``run`` (counted from 1)."""

    runs = 0

    def __init__(self, ctrl_c: bool, run: int = 1):
        self.ctrl_c = ctrl_c
        self.run = run

    def on_train_begin(self, net, **kwargs):
        type(self).runs += 1

    def on_batch_end(self, net, **kwargs):
        if type(self).runs == self.run:
            if self.ctrl_c:
                os.kill(os.getpid(), signal.SIGINT)
            raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("ctrl_c", "error"),
    [(True, KeyboardInterrupt), (False, RuntimeError)],
    ids=["ctrl-c", "callback"],
)
def test_an_interrupt_before_the_first_epoch_ends_keeps_no_model(
    sigint_raises, pendulum, ctrl_c, error
):
    _InterruptInFirstEpoch.runs = 0
    est = small_discoverer(callbacks=[_InterruptInFirstEpoch(ctrl_c)])
    with pytest.raises(error, match="before its first epoch ended"):
        est.fit(pendulum.trajectories)
    assert not hasattr(est, "net_")


def test_a_restart_a_callback_stops_in_its_first_epoch_is_skipped(pendulum):
    _InterruptInFirstEpoch.runs = 0
    callback = _InterruptInFirstEpoch(ctrl_c=False, run=2)
    est = small_discoverer(n_init=3, callbacks=[callback])
    with pytest.warns(UserWarning, match="restart 1: training was interrupted"):
        est.fit(pendulum.trajectories)
    assert np.isfinite(est.init_scores_[[0, 2]]).all()
    assert est.init_scores_[1] == -np.inf


def test_ctrl_c_while_scoring_keeps_the_best_restart_so_far(
    sigint_raises, pendulum, monkeypatch
):
    est = small_discoverer(n_init=3)
    adopted = []  # (net, generators_) as each restart was adopted

    def score_then_ctrl_c(windows):
        adopted.append((est.net_, est.generators_.copy()))
        if len(adopted) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # raises here, in the handler
        return -1.0

    monkeypatch.setattr(est, "_score_windows", score_then_ctrl_c)
    with pytest.warns(UserWarning, match="skipped restarts 2 to 3"):
        est.fit(pendulum.trajectories)
    assert list(est.init_scores_) == [-1.0, -np.inf, -np.inf]
    # restart 0 whole, not restart 1's net beside restart 0's generators
    assert est.net_ is adopted[0][0]
    np.testing.assert_array_equal(est.generators_, adopted[0][1])


class _StopRestart(Callback):
    """At the end of epoch 1 of the second training run: Ctrl-C (SIGINT), or a
    callback's own interrupt, as skorch's EarlyStopping raises."""

    runs = 0

    def __init__(self, ctrl_c: bool):
        self.ctrl_c = ctrl_c

    def on_train_begin(self, net, **kwargs):
        type(self).runs += 1

    def on_epoch_end(self, net, **kwargs):
        if type(self).runs == 2 and len(net.history) == 1:
            if self.ctrl_c:
                os.kill(os.getpid(), signal.SIGINT)
            raise KeyboardInterrupt


@pytest.mark.parametrize("ctrl_c", [True, False], ids=["ctrl-c", "callback"])
def test_ctrl_c_ends_the_remaining_restarts_a_callback_only_its_own(
    sigint_raises, pendulum, ctrl_c
):
    _StopRestart.runs = 0
    est = small_discoverer(n_init=3, max_epochs=2, callbacks=[_StopRestart(ctrl_c)])
    with pytest.warns(UserWarning, match="interrupted after 1 of 2 epochs"):
        est.fit(pendulum.trajectories)
    assert np.isfinite(est.init_scores_[:2]).all()
    assert np.isfinite(est.init_scores_[2]) != ctrl_c
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class _GradientsSeen(Callback):
    def initialize(self):
        self.names_ = set()
        self.calls_ = 0
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.calls_ += 1
        self.names_ |= {name.split(".")[0] for name, _ in named_parameters}


def test_gradient_callbacks_see_both_steps_and_act(pendulum):
    from skorch.callbacks import GradientNormClipping

    est = small_discoverer(callbacks=[_GradientsSeen()]).fit(pendulum.trajectories)
    seen = dict(est.net_.callbacks_)["_GradientsSeen"]
    n_batches = sum(est.history_[:, "train_batch_count"])
    assert seen.calls_ == 2 * n_batches  # generator step, discriminator step
    assert seen.names_ == {"module", "generator", "discriminator"}
    plain = small_discoverer().fit(pendulum.trajectories)
    clipped = small_discoverer(callbacks=[GradientNormClipping(1e-12)])
    clipped.fit(pendulum.trajectories)
    assert not np.allclose(plain.generators_, clipped.generators_)


def test_skorch_checkpoints_save_loadable_weights(pendulum, tmp_path):
    names = {
        f"f_{name}": f"{name}.pt"
        for name in ("generator", "discriminator", "optimizer_discriminator")
    }
    every_epoch = Checkpoint(monitor=None, dirname=str(tmp_path / "every"), **names)
    at_end = TrainEndCheckpoint(dirname=str(tmp_path / "end"))
    est = small_discoverer(max_epochs=3, callbacks=[every_epoch, at_end])
    est.fit(pendulum.trajectories)
    assert (tmp_path / "every" / "generator.pt").exists()
    other = small_discoverer(max_epochs=3, random_state=1).fit(pendulum.trajectories)
    other.net_.load_params(checkpoint=every_epoch)  # torch.load(weights_only=True)
    np.testing.assert_array_equal(
        other.net_.generator_.masked_basis().detach(),
        est.net_.generator_.masked_basis().detach(),
    )
    # The end checkpoint is taken before the decoder refinement.
    # Fitting trains a copy of the callback (the instance passed is unchanged).
    trained_end = dict(est.net_.callbacks_)["TrainEndCheckpoint"]
    other.net_.load_params(checkpoint=trained_end.checkpoint_)
    with torch.random.fork_rng():  # restoring also sets the RNG
        est.net_.restore_training_state()
    parameters = zip(
        other.net_.module_.parameters(), est.net_.module_.parameters(), strict=True
    )
    for a, b in parameters:
        assert torch.equal(a, b)


def test_fit_leaves_the_callbacks_passed_unchanged(pendulum):
    stopping = EarlyStopping(monitor="train_loss", patience=100)
    before = joblib.hash(stopping)
    est = small_discoverer(callbacks=[stopping], n_init=2).fit(pendulum.trajectories)
    assert joblib.hash(stopping) == before
    assert not hasattr(stopping, "best_epoch_")
    trained = dict(est.net_.callbacks_)["EarlyStopping"]
    assert trained is not stopping and trained.best_epoch_ >= 1


# --- reproducibility -------------------------------------------------------------


def _fit_in_worker(est, X, states):
    torch.set_num_threads(1)
    est.fit(X)
    return symlearn.__file__, est.generators_, est.transform(states)


def test_same_random_state_across_processes(pendulum):
    est = small_discoverer(random_state=7)
    here = est.fit(pendulum.trajectories)
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_in_worker)(
            small_discoverer(random_state=7), pendulum.trajectories, pendulum.states
        )
        for _ in range(2)
    )
    for path, generators, Z in results:
        assert path == symlearn.__file__  # the worker ran this code
        np.testing.assert_array_equal(generators, here.generators_)
        np.testing.assert_array_equal(Z, here.transform(pendulum.states))


def test_random_state_none_varies(pendulum):
    a = small_discoverer(random_state=None).fit(pendulum.trajectories)
    b = small_discoverer(random_state=None).fit(pendulum.trajectories)
    assert not np.array_equal(a.generators_, b.generators_)
    assert not np.array_equal(
        a.transform(pendulum.states), b.transform(pendulum.states)
    )


def test_small_data_fits_without_warnings_by_default():
    # batch_size="auto" replaced the clipping warning: small data fits silently.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # One epoch cannot learn to reconstruct; that warning is tested above.
        warnings.simplefilter("ignore", ConvergenceWarning)
        LatentSymmetryDiscoverer(
            hidden_sizes=(4,), discriminator_hidden_sizes=(4,), max_epochs=1
        ).fit(np.random.default_rng(0).normal(size=(10, 2)))
