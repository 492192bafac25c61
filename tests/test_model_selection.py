"""Model selection over a list of trajectories, sequential and scaled out.

Each fit runs on one torch thread: loky workers get it from
``joblib.parallel_config(inner_max_num_threads=1)``, Dask workers from
``client.run(torch.set_num_threads, 1)``. Most of the time here is spent
starting worker processes, which import torch.
"""

import joblib
import numpy as np
import pytest
import torch
from conftest import small_discoverer
from joblib import Parallel, delayed
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils import _safe_indexing

from symlearn.datasets import make_pendulum
from symlearn.windows import window_span

PARAM_GRID = {"lr": [1e-3, 1e-2], "hidden_sizes": [(8,), (16, 16)]}
CV = KFold(n_splits=3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def trajectories():
    return make_pendulum(n_trajectories=8, n_steps=60, random_state=0).trajectories


def _search(trajectories, n_jobs: int) -> GridSearchCV:
    estimator = small_discoverer(refine_epochs=1)
    return GridSearchCV(estimator, PARAM_GRID, cv=CV, n_jobs=n_jobs).fit(trajectories)


@pytest.fixture(scope="module")
def sequential(trajectories):
    return _search(trajectories, n_jobs=1)


def _assert_same_search(search, sequential):
    assert search.best_params_ == sequential.best_params_
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )


def test_kfold_over_trajectories_keeps_test_states_out_of_training(trajectories):
    est = small_discoverer()
    span = window_span(est.window_size, est.window_gap)
    for train, test in CV.split(trajectories):
        # what fit sees of the training fold: windows cut from it alone
        windows = est._windows(_safe_indexing(trajectories, train), reset=True)
        seen = {row.tobytes() for row in windows.states}
        held_out = np.concatenate([trajectories[i] for i in test]).astype(np.float32)
        assert not seen & {row.tobytes() for row in held_out}
        assert len(windows) == sum(len(trajectories[i]) - span + 1 for i in train)


def test_grid_search_over_trajectories_makes_a_real_choice(sequential):
    scores = sequential.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.all(np.isfinite(scores))
    assert len(np.unique(scores)) == len(scores)  # no ties to break arbitrarily


def test_grid_search_with_loky_workers_matches_sequential(trajectories, sequential):
    with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
        threads = Parallel(n_jobs=2)(delayed(torch.get_num_threads)() for _ in "ab")
        assert threads == [1, 1]
        _assert_same_search(_search(trajectories, n_jobs=2), sequential)


def test_grid_search_on_a_dask_cluster_matches_sequential(trajectories, sequential):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(torch.set_num_threads, 1)
        assert set(client.run(torch.get_num_threads).values()) == {1}
        with joblib.parallel_config(backend="dask"):
            search = _search(trajectories, n_jobs=2)
    assert cluster.status == distributed.core.Status.closed
    assert client.status == "closed"
    _assert_same_search(search, sequential)
