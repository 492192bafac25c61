"""End-to-end discovery on the pendulum with defaults (minutes: marked slow,
run with ``python -m pytest -m slow``; the benchmark covers many seeds)."""

import pytest

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_pendulum
from symlearn.metrics import (
    displacement,
    full_group_coefficients,
    invariance_error,
    rotation_likeness,
)


@pytest.mark.slow
def test_pendulum_symmetry_is_found_with_defaults():
    data = make_pendulum(random_state=8)
    train, test = data.split(test_size=0.2, random_state=8)
    est = LatentSymmetryDiscoverer(latent_dim=2, n_generators=1, random_state=8)
    est.fit(train.trajectories)
    X = test.states
    moved = est.apply_group(X, full_group_coefficients(est.generators_, len(X), 8))
    assert rotation_likeness(est.generators_[0]) < 0.05
    assert displacement(X, moved) > 0.3
    assert invariance_error(data.invariant, X, moved) < 0.15
