import pytest
import torch

# Two threads on two cores made tiny fits hundreds of times slower here.
torch.set_num_threads(1)


def small_discoverer(**params):
    """A discoverer small enough to fit in well under a second."""
    from symlearn import LatentSymmetryDiscoverer

    defaults = dict(
        hidden_sizes=(16, 16),
        discriminator_hidden_sizes=(16,),
        max_epochs=2,
        batch_size=32,
        random_state=0,
    )
    return LatentSymmetryDiscoverer(**(defaults | params))


@pytest.fixture
def pendulum():
    from symlearn.datasets import make_pendulum

    return make_pendulum(n_trajectories=8, n_steps=60, random_state=0)
