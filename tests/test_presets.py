import pytest

from symlearn import LatentSymmetryDiscoverer
from symlearn.presets import paper_preset


@pytest.mark.parametrize("system", ["pendulum", "lotka_volterra"])
def test_paper_presets_are_valid_parameters(system):
    params = paper_preset(system)
    est = LatentSymmetryDiscoverer(**params)
    assert est.get_params()["hidden_sizes"] == (512,) * 5
    est._validate_params()


@pytest.mark.parametrize(
    "system, make, group",
    [
        ("double_bump", "make_double_bump", "so2+so2"),
        ("rotating_object", "make_rotating_object", "so3"),
    ],
)
def test_fixed_group_presets_fit_their_data(system, make, group):
    from symlearn import datasets

    data = getattr(datasets, make)(n_samples=64, random_state=0)
    preset = paper_preset(system)
    est = LatentSymmetryDiscoverer(
        **(preset | {"max_epochs": 1, "batch_size": 32}),
        input_shape=data.state_shape,
        random_state=0,
    )
    assert preset["group"] == group
    assert est.fit(data.states).transform(data.states).shape == (
        64,
        preset["latent_dim"],
    )
    # As in the reference code, the discriminator sees the free latent
    # unscaled ("auto" would standardise it for latent_norm="none").
    assert est.net_.discriminator_.standardize is False


def test_unknown_preset():
    with pytest.raises(ValueError, match="no paper preset for 'heat'"):
        paper_preset("heat")
