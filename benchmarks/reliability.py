"""Reliability report (issue 6): every bad input tried with the error it gets,
the property-based examples run, and the divergence, persistence, resume and
reproducibility checks.

    python benchmarks/reliability.py

Tiny fits (``tests/conftest.py``'s ``small_discoverer``) on a small pendulum
data set; takes about a minute on one CPU core.
"""

import pickle
import sys
import time
import warnings
from pathlib import Path
from unittest import mock

import joblib
import numpy as np
import torch
from skorch import NeuralNet

ROOT = Path(__file__).resolve().parents[1]
# This checkout's symlearn (not an installed one) and the tests' helpers.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from _common import markdown_table, write_results  # noqa: E402
from conftest import small_discoverer  # noqa: E402
from test_properties import PROPERTIES, run_property  # noqa: E402
from test_reliability import _fit_in_worker, _InterruptOnce  # noqa: E402

from symlearn.datasets import make_pendulum  # noqa: E402

PROPERTY_EXAMPLES = 100


def _outcome(call) -> tuple[str, str]:
    """The exception type and first message line of ``call()``, or "none"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except Exception as error:  # noqa: BLE001 - the report lists any type
        return type(error).__name__, str(error).splitlines()[0][:160]
    return "none", ""


def bad_inputs(data) -> list[dict]:
    fitted = small_discoverer().fit(data.trajectories)
    states = data.states
    fit_inputs = {
        "empty list": [],
        "empty array (0, 2)": np.zeros((0, 2)),
        "one sample": np.zeros((1, 2)),
        "rank 1": np.zeros(5),
        "rank 4": np.zeros((2, 3, 4, 5)),
        "NaN": np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]),
        "inf": np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]),
        "NaN in windows (3-D)": np.full((4, 2, 2), np.nan),
        "1e300 (beyond float32)": np.full((5, 2), 1e300),
        "complex": np.zeros((5, 2), dtype=complex),
        "ragged features (trajectory 1)": [np.zeros((30, 2)), np.zeros((30, 3))],
        "NaN in trajectory 1": [np.zeros((30, 2)), np.full((30, 2), np.nan)],
        "trajectory 1 too short": [np.zeros((30, 2)), np.zeros((5, 2))],
        "trajectory 1 of rank 3": [np.zeros((30, 2)), np.zeros((30, 2, 1))],
    }
    rows = [
        {
            "call": f"fit({name})",
            **dict(
                zip(
                    ("exception", "message"),
                    _outcome(lambda X=X: small_discoverer().fit(X)),
                    strict=True,
                )
            ),
        }
        for name, X in fit_inputs.items()
    ]
    bad_params = {
        "latent_dim=0": {"latent_dim": 0},
        "latent_dim=3 > 2 features": {"latent_dim": 3},
        "n_generators=0": {"n_generators": 0},
        "group='so7'": {"group": "so7"},
        "group='so3' in 2-D": {"group": "so3"},
        "autoencoder='transformer'": {"autoencoder": "transformer"},
        "autoencoder='conv' without input_shape": {"autoencoder": "conv"},
        "input_shape=(3, 5) for 2 features": {
            "autoencoder": "conv",
            "input_shape": (3, 5),
        },
        "reconstruction_weight=-1": {"reconstruction_weight": -1.0},
        "batch_size=1000 > 400 windows": {"batch_size": 1000},
        "hidden_sizes=(16, 0)": {"hidden_sizes": (16, 0)},
        "identity, latent_dim=1": {"autoencoder": "identity", "latent_dim": 1},
        "device='gpu0'": {"device": "gpu0"},
    }
    rows += [
        {
            "call": f"fit, {name}",
            **dict(
                zip(
                    ("exception", "message"),
                    _outcome(
                        lambda p=params: small_discoverer(**p).fit(data.trajectories)
                    ),
                    strict=True,
                )
            ),
        }
        for name, params in bad_params.items()
    ]
    inference = {
        "transform(3 features)": lambda: fitted.transform(np.zeros((4, 3))),
        "transform(trajectory 0 with 3 features)": lambda: fitted.transform(
            [np.zeros((4, 3))]
        ),
        "inverse_transform(3 latents)": lambda: fitted.inverse_transform(
            np.zeros((4, 3))
        ),
        "inverse_transform(1e40)": lambda: fitted.inverse_transform(
            np.full((3, 2), 1e40)
        ),
        "apply_group(2 coefficients, 1 generator)": lambda: fitted.apply_group(
            states, [0.1, 0.2]
        ),
        "apply_group(coefficient 1e300)": lambda: fitted.apply_group(states, [1e300]),
        "score(3 features)": lambda: fitted.score(np.zeros((40, 3))),
        "transform before fit": lambda: small_discoverer().transform(states),
    }
    rows += [
        {
            "call": name,
            **dict(zip(("exception", "message"), _outcome(call), strict=True)),
        }
        for name, call in inference.items()
    ]
    return rows


def properties() -> list[dict]:
    rows = []
    for name in PROPERTIES:
        start = time.perf_counter()
        outcomes = run_property(name, PROPERTY_EXAMPLES)
        rows.append(
            {
                "property": name,
                "examples": sum(outcomes.values()),
                "outcomes": ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())),
                "seconds": time.perf_counter() - start,
            }
        )
    return rows


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def checks(data) -> list[dict]:
    X, states = data.trajectories, data.states
    rows = []

    def add(section, check, result):
        rows.append({"section": section, "check": check, "result": result})

    # Divergence.
    kind, message = _outcome(lambda: small_discoverer(lr=1e12, max_epochs=5).fit(X))
    add("divergence", "lr=1e12", f"{kind}: {message}")
    exploding = dict(
        autoencoder="identity",
        normalize_generators=False,
        norm_weight=1.0,
        norm_cap=1e9,
        coefficient_scale=1e-6,
        lr=100.0,
        lr_discriminator=1e-3,
    )
    kind, message = _outcome(lambda: small_discoverer(**exploding).fit(X))
    add("divergence", "exploding generator norm", f"{kind}: {message}")
    est = small_discoverer().fit(X)
    _outcome(lambda: est.set_params(lr=1e12, max_epochs=5).fit(X))
    left = [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]
    add("divergence", "fitted attributes left after a refit diverged", left)

    # Persistence.
    est = small_discoverer(n_generators=2).fit(X)
    loaded = pickle.loads(pickle.dumps(est))
    add(
        "persistence",
        "pickle: transform, inverse_transform, generators_, "
        "apply_group, score identical",
        bool(
            np.array_equal(loaded.transform(states), est.transform(states))
            and np.array_equal(
                loaded.inverse_transform(states), est.inverse_transform(states)
            )
            and np.array_equal(loaded.generators_, est.generators_)
            and _same(
                loaded.apply_group(X, random_state=1),
                est.apply_group(X, random_state=1),
            )
            and loaded.score(X) == est.score(X)
        ),
    )
    sizes = {}
    for n in (4, 200):
        small = make_pendulum(n_trajectories=n, n_steps=60, random_state=0)
        fit = small_discoverer(max_epochs=1, refine_epochs=1).fit(small.trajectories)
        sizes[n] = len(pickle.dumps(fit))
    add(
        "persistence",
        "pickle bytes, 4 vs 200 training trajectories",
        f"{sizes[4]} vs {sizes[200]}",
    )
    getstate = NeuralNet.__getstate__

    def on_cuda(net):
        with mock.patch("torch.serialization.location_tag", lambda _: "cuda:0"):
            return getstate(net)

    est.net_.device = "cuda"
    with mock.patch.object(NeuralNet, "__getstate__", on_cuda):
        blob = pickle.dumps(est)
    est.net_.device = "cpu"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = pickle.loads(blob)
    add(
        "persistence",
        "CUDA-tagged pickle loaded without CUDA (simulated)",
        f"device {loaded.net_.device}, transform identical: "
        f"{np.array_equal(loaded.transform(states), est.transform(states))}, "
        f"warnings: {sorted({type(w.message).__name__ for w in caught})}",
    )

    # Resume.
    once = small_discoverer(max_epochs=5).fit(X)
    twice = small_discoverer(max_epochs=3, warm_start=True).fit(X)
    twice.set_params(max_epochs=2).fit(X)
    add(
        "resume",
        "3 + 2 epochs (warm_start) == 5 epochs, bit for bit",
        bool(
            np.array_equal(once.generators_, twice.generators_)
            and np.array_equal(once.transform(states), twice.transform(states))
            and np.array_equal(
                once.history_[:, "train_loss"], twice.history_[:, "train_loss"]
            )
        ),
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = small_discoverer(max_epochs=5, callbacks=[_InterruptOnce(True)]).fit(X)
    add(
        "resume",
        "Ctrl-C at the end of epoch 2 of 5",
        f"{len(est.history_)} epochs kept, finite transform: "
        f"{bool(np.isfinite(est.transform(states)).all())}, warning: "
        f"{[str(w.message) for w in caught if 'interrupted' in str(w.message)]}",
    )

    # Reproducibility.
    a = small_discoverer(random_state=7).fit(X)
    b = small_discoverer(random_state=7).fit(X)
    add(
        "reproducibility",
        "same random_state, two fits identical",
        bool(
            np.array_equal(a.generators_, b.generators_)
            and np.array_equal(a.transform(states), b.transform(states))
        ),
    )
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_in_worker)(small_discoverer(random_state=7), X, states)
        for _ in range(2)
    )
    add(
        "reproducibility",
        "same random_state in 2 loky workers identical",
        all(
            np.array_equal(g, a.generators_) and np.array_equal(Z, a.transform(states))
            for _, g, Z in results
        ),
    )
    c = small_discoverer(random_state=None).fit(X)
    d = small_discoverer(random_state=None).fit(X)
    add(
        "reproducibility",
        "random_state=None, two fits differ",
        not np.array_equal(c.generators_, d.generators_),
    )
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    small_discoverer(random_state=None).fit(X)
    numpy_after = np.random.get_state()[1]  # noqa: NPY002
    add(
        "reproducibility",
        "global torch and numpy RNG untouched by fit",
        bool(
            torch.equal(torch.get_rng_state(), torch_state)
            and np.array_equal(numpy_after, numpy_state)
        ),
    )
    return rows


def main() -> None:
    start = time.perf_counter()
    data = make_pendulum(n_trajectories=8, n_steps=60, random_state=0)
    inputs = bad_inputs(data)
    props = properties()
    results = checks(data)
    body = (
        "## Bad input\n\nEvery bad input tried, the exception and its message.\n\n"
        + markdown_table(inputs, ["call", "exception", "message"])
        + "\n\n## Property-based tests (hypothesis)\n\n"
        f"Each property run programmatically with max_examples={PROPERTY_EXAMPLES} "
        "(tests/test_properties.py: 15 in the default test run, 300 under "
        "`-m slow`). Outcomes: a finite result of the right shape and dtype, "
        "or a clean ValueError / TrainingDivergedError raised outside torch.\n\n"
        + markdown_table(props, ["property", "examples", "outcomes", "seconds"])
        + "\n\n## Divergence, persistence, resume, reproducibility\n\n"
        + markdown_table(results, ["section", "check", "result"])
        + f"\n\nTotal time: {time.perf_counter() - start:.0f} s."
    )
    rows = (
        [{"kind": "bad_input", **row} for row in inputs]
        + [{"kind": "property", **row} for row in props]
        + [{"kind": "check", **row} for row in results]
    )
    write_results("reliability", "Reliability report", body, rows)


if __name__ == "__main__":
    main()
