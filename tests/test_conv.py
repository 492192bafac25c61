"""Convolutional autoencoders for signals and images, alone and in the estimator."""

import math

import numpy as np
import pytest
import torch
from conftest import small_discoverer
from torch import nn

from symlearn.nn import ConvAutoencoder


@pytest.mark.parametrize(
    "shape, conv",
    [((1, 64), nn.Conv1d), ((1, 7), nn.Conv1d), ((2, 51, 51), nn.Conv2d)],
)
def test_conv_autoencoder_round_trips_odd_and_even_shapes(shape, conv):
    n_features = math.prod(shape)
    ae = ConvAutoencoder(n_features, 3, shape, channels=(4, 8), hidden_sizes=(16,))
    x = torch.randn(5, 2, n_features)  # any leading axes, as windows have
    assert ae.encode(x).shape == (5, 2, 3)
    assert ae(x).shape == x.shape
    assert any(isinstance(layer, conv) for layer in ae.encoder)


def test_conv_autoencoder_without_convolutions_decodes_linearly():
    # the activation before the first transposed convolution must not become
    # the output's: SiLU would bound every decoded value below by -0.28
    torch.manual_seed(0)
    ae = ConvAutoencoder(4, 2, (1, 4), channels=(), hidden_sizes=(8,))
    decoded = ae.decode(100 * torch.randn(500, 2))
    assert decoded.min() < -1 and decoded.max() > 1
    assert ae.encode(torch.randn(3, 4)).shape == (3, 2)


def test_conv_autoencoder_learns_shifted_bumps():
    torch.manual_seed(0)
    grid = torch.arange(32.0)
    centers = torch.arange(0.0, 32.0, 0.5)[:, None]
    # circular distance, so the bumps form one closed loop
    gap = torch.remainder(grid - centers + 16, 32) - 16
    x = torch.exp(-(gap**2) / 8)
    ae = ConvAutoencoder(32, 2, (1, 32), channels=(8, 16), hidden_sizes=(32,))
    optimizer = torch.optim.Adam(ae.parameters(), lr=3e-3)
    ae.train()
    first = None
    for _ in range(300):
        loss = nn.functional.mse_loss(ae(x), x)
        first = loss.item() if first is None else first
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.2 * first


def test_discoverer_with_a_conv_autoencoder_keeps_flat_rows():
    X = np.random.RandomState(0).normal(size=(64, 2 * 6 * 6)).astype(np.float32)
    est = small_discoverer(
        autoencoder="conv", input_shape=(2, 6, 6), conv_channels=(4,)
    ).fit(X)
    assert est.transform(X).shape == (64, 2)
    assert est.inverse_transform(est.transform(X)).shape == X.shape
    assert est.apply_group(X, [0.5]).shape == X.shape
    assert isinstance(est.net_.module_, ConvAutoencoder)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"input_shape": (2, 6, 5)}, "holds 60 values, but the data has n_features=72"),
        ({"input_shape": None}, "autoencoder='conv' needs input_shape"),
        ({"input_shape": (72,)}, r"must be \(channels, length\)"),
        ({"input_shape": (2, 0, 36)}, "positive integers"),
        ({"input_shape": (2, 36), "conv_channels": (4, 0)}, "conv_channels"),
    ],
)
def test_bad_input_shape_is_named(params, message):
    X = np.zeros((16, 72))
    with pytest.raises(ValueError, match=message):
        small_discoverer(autoencoder="conv", **params).fit(X)


def test_input_shape_is_checked_for_the_mlp_too():
    with pytest.raises(ValueError, match="holds 4 values"):
        small_discoverer(input_shape=(1, 4)).fit(np.zeros((16, 5)))
