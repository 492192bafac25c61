"""Windows of states stored once (``StateWindows``) and their device batches."""

import numpy as np
import pytest
import torch

from symlearn.training.net import DeviceBatches
from symlearn.windows import StateWindows, time_step


def _trajectories():
    rng = np.random.RandomState(0)
    return [rng.normal(size=(n, 3)) for n in (25, 31)]


def test_windows_are_every_gapped_slice_of_each_trajectory():
    trajectories = _trajectories()
    windows = StateWindows.from_trajectories(trajectories, window_size=3, window_gap=4)
    expected = [
        trajectory[start : start + 9 : 4]
        for trajectory in trajectories
        for start in range(len(trajectory) - 8)
    ]
    np.testing.assert_array_equal(windows.take(), np.stack(expected))
    assert windows.shape == (len(expected), 3, 3)


def test_each_state_is_stored_once_in_the_requested_dtype():
    trajectories = _trajectories()
    windows = StateWindows.from_trajectories(trajectories, 2, 10, dtype=np.float32)
    assert windows.states.shape == (56, 3)
    assert windows.states.dtype == np.float32
    expected = np.concatenate(trajectories).astype(np.float32)
    np.testing.assert_array_equal(windows.states, expected)


def test_a_trajectory_shorter_than_a_window_is_named():
    with pytest.raises(ValueError, match="trajectory 0 has 25 states"):
        StateWindows.from_trajectories(_trajectories(), window_size=2, window_gap=40)


def test_ready_windows_round_trip():
    array = np.arange(24.0).reshape(4, 2, 3)
    np.testing.assert_array_equal(StateWindows.from_array(array).take(), array)


def test_device_batches_gather_whole_windows_and_drop_the_last_partial_batch():
    windows = StateWindows.from_trajectories(_trajectories(), 2, 5)
    on_device = StateWindows(
        torch.as_tensor(windows.states), torch.as_tensor(windows.index)
    )
    batches = list(DeviceBatches(on_device, batch_size=8, shuffle=True))
    assert len(batches) == len(windows) // 8
    real = {window.tobytes() for window in windows.take()}
    for batch in batches:
        assert batch.shape == (8, 2, 3)
        assert all(window.numpy().tobytes() in real for window in batch)


def test_training_holds_each_state_once_in_float32(monkeypatch):
    from conftest import small_discoverer

    from symlearn.training import LaLiGANNet

    trajectories = [x.astype(np.float32) for x in _trajectories()]
    seen = []
    original = LaLiGANNet.get_dataset

    def spy(self, X, y=None):
        dataset = original(self, X, y)
        seen.append(dataset)
        return dataset

    monkeypatch.setattr(LaLiGANNet, "get_dataset", spy)
    est = small_discoverer(window_size=3, window_gap=2, refine_epochs=1)
    est.fit(trajectories)
    assert len(seen) == 2  # adversarial training, then the decoder refinement
    for dataset in seen:
        # 56 states, not (n_windows x window_size) rows
        assert dataset.states.shape == (56, 3)
        assert dataset.states.dtype == torch.float32
        assert dataset.index.shape == (56 - 2 * 4, 3)


@pytest.mark.parametrize("unit", [1e-6, 1.0, 1e6])
def test_time_step_judges_uniformity_in_any_time_unit(unit):
    assert time_step(np.arange(10) * unit) == pytest.approx(unit)
    with pytest.raises(ValueError, match="uniformly sampled"):
        time_step(np.cumsum([0.0, 1.0, 1.009, 1.0]) * unit)


def test_time_step_needs_two_time_points():
    with pytest.raises(ValueError, match="t has 1 time point"):
        time_step(np.array([0.0]))


@pytest.mark.parametrize("form", ["list", "stack"])
def test_trajectories_too_short_are_named_in_every_form(form):
    from symlearn.forecasting import LatentForecaster
    from symlearn.sindy import LatentSINDy

    Z = [np.zeros((1, 2)), np.zeros((1, 2))]
    Z = Z if form == "list" else np.stack(Z)
    with pytest.raises(ValueError, match="trajectory 0 has 1 state.*the 2 needed"):
        LatentSINDy().fit(Z, t=0.1)
    with pytest.raises(ValueError, match="trajectory 0 has 1 state.*the 2 needed"):
        LatentForecaster(prefit=False).fit(Z, t=np.array([0.0]))


def test_ready_windows_keep_their_dtype_by_default():
    windows = np.zeros((3, 2, 4), dtype=np.float32)
    assert StateWindows.from_array(windows).states.dtype == np.float32
    assert StateWindows.from_array(windows, dtype=np.float64).states.dtype == np.float64


def test_a_transposed_trajectory_is_suspected():
    with pytest.raises(ValueError, match="has 2 states.*is it transposed"):
        StateWindows.from_trajectories([np.zeros((2, 60))], 2, 10)
    with pytest.raises(ValueError, match="needs$"):
        StateWindows.from_trajectories([np.zeros((5, 2))], 2, 10)
