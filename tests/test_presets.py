import pytest

from symlearn import LatentSymmetryDiscoverer
from symlearn.presets import paper_preset


@pytest.mark.parametrize("system", ["pendulum", "lotka_volterra"])
def test_paper_presets_are_valid_parameters(system):
    params = paper_preset(system)
    est = LatentSymmetryDiscoverer(**params)
    assert est.get_params()["hidden_sizes"] == (512,) * 5
    est._validate_params()


def test_unknown_preset():
    with pytest.raises(ValueError, match="no paper preset for 'heat'"):
        paper_preset("heat")
