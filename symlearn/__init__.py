"""symlearn: latent space symmetry discovery (LaLiGAN) as scikit-learn estimators."""

from symlearn.estimator import LatentSymmetryDiscoverer

__all__ = ["LatentSymmetryDiscoverer"]
__version__ = "0.1.0"
