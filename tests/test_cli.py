import re

import joblib
import numpy as np
import pytest

from symlearn.cli import build_parser, load_data, main

# Tiny networks and two epochs keep a `discover` run well under a second.
FAST = ["--epochs", "2", "--hidden-sizes", "16", "16", "--batch-size", "32"]
FAST += ["--verbose", "0"]


def test_demo_runs_and_reports(capsys):
    assert (
        main(["demo", "--epochs", "1", "--trajectories", "10", "--verbose", "0"]) == 0
    )
    out = capsys.readouterr().out
    for expected in ("generator", "eigenvalues", "energy invariance error", "fit time"):
        assert expected in out


@pytest.mark.parametrize("n", [1, 5])
def test_demo_with_too_few_trajectories_is_a_one_line_error(capsys, n):
    assert main(["demo", "--trajectories", str(n), "--verbose", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"symlearn demo: error: --trajectories must be at least 6, got {n}"
    )
    assert err.count("\n") == 1


@pytest.fixture
def trajectories_npz(pendulum, tmp_path):
    path = tmp_path / "trajectories.npz"
    np.savez(path, *pendulum.trajectories)
    return path


def test_discover_reports_saves_and_plots(trajectories_npz, tmp_path, capsys):
    model, plots = tmp_path / "model.joblib", tmp_path / "plots"
    argv = ["discover", str(trajectories_npz), *FAST]
    assert main([*argv, "--out", str(model), "--plots", str(plots)]) == 0
    out = capsys.readouterr().out
    for expected in (
        "8 trajectories",
        "generator L0",
        "eigenvalues of L0",
        "Lie algebra identified",
        "relative reconstruction error",
        "fit time",
    ):
        assert expected in out
    est = joblib.load(model)
    trajectories = load_data(trajectories_npz)
    # the saved model is the one reported on
    assert f"higher is better): {est.score(trajectories):.4f}" in out
    assert est.hidden_sizes == [16, 16] and est.max_epochs == 2
    for name in ("latent", "generators", "history"):
        assert (plots / f"{name}.png").stat().st_size > 0


@pytest.mark.parametrize(
    "shape, suffix, expected",
    [((3, 40, 2), ".npz", "trajectories"), ((50, 2), ".npy", "states")],
)
def test_load_data_single_array_forms(tmp_path, shape, suffix, expected):
    path = tmp_path / f"data{suffix}"
    array = np.random.RandomState(0).normal(size=shape)
    (np.savez if suffix == ".npz" else np.save)(path, array)
    data = load_data(path)
    if expected == "trajectories":
        assert isinstance(data, list) and len(data) == 3
        np.testing.assert_array_equal(data[1], array[1])
    else:
        np.testing.assert_array_equal(data, array)


def _bad_files(tmp_path):
    good = np.zeros((40, 2))
    nan = good.copy()
    nan[5, 1] = np.nan
    np.savez(tmp_path / "nan.npz", good, nan)
    np.savez(tmp_path / "widths.npz", good, np.zeros((40, 3)))
    np.save(tmp_path / "rank1.npy", np.zeros(40))
    np.savez(tmp_path / "rank1_trajectory.npz", good, np.zeros(40))
    (tmp_path / "text.npz").write_text("not an array")


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.npz", "no such file"),
        ("text.npz", "cannot read"),
        ("rank1.npy", r"has shape \(40,\)"),
        ("rank1_trajectory.npz", r"trajectory 'arr_1' has shape \(40,\)"),
        ("nan.npz", "trajectory 1: Input contains NaN"),
        ("widths.npz", "trajectory 1 has 3 features, expected 2"),
    ],
)
def test_discover_bad_data_is_a_one_line_error(tmp_path, capsys, name, message):
    _bad_files(tmp_path)
    assert main(["discover", str(tmp_path / name), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symlearn discover: error: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(message, err)


def test_unknown_option_exits_with_usage(trajectories_npz, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["discover", str(trajectories_npz), "--no-such-option"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_discover_images_with_a_conv_autoencoder_and_a_fixed_group(tmp_path, capsys):
    images = tmp_path / "images.npy"
    np.save(images, np.random.RandomState(0).normal(size=(64, 2 * 6 * 6)))
    plots = tmp_path / "plots"
    argv = ["discover", str(images), *FAST, "--autoencoder", "conv"]
    argv += ["--input-shape", "2", "6", "6", "--group", "so2", "--plots", str(plots)]
    assert main(argv) == 0
    assert "Lie algebra identified: so2" in capsys.readouterr().out
    assert (plots / "frames.png").stat().st_size > 0


def test_discover_wrong_input_shape_is_a_one_line_error(tmp_path, capsys):
    images = tmp_path / "images.npy"
    np.save(images, np.random.RandomState(0).normal(size=(16, 72)))
    argv = ["discover", str(images), *FAST, "--autoencoder", "conv"]
    assert main([*argv, "--input-shape", "2", "6", "5"]) == 2
    error = capsys.readouterr().err
    assert "holds 60 values, but the data has n_features=72" in error


def test_epochs_take_auto_or_a_positive_integer(capsys):
    parser = build_parser()
    assert parser.parse_args(["demo", "--epochs", "auto"]).epochs == "auto"
    assert parser.parse_args(["demo", "--epochs", "7"]).epochs == 7
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--epochs", "0"])
    assert "--epochs: must be an integer >= 1, got '0'" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", str(2**32), "x"])
def test_a_seed_numpy_cannot_take_exits_with_usage(capsys, seed):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--seed", seed])
    assert exit_info.value.code == 2
    assert f"--seed: must be an integer from 0 to 2**32 - 1, got '{seed}'" in (
        capsys.readouterr().err
    )


def test_discover_passes_its_options_to_the_estimator(trajectories_npz, tmp_path):
    options = ["--latent-dim", "1", "--n-generators", "2", "--window-size", "3"]
    options += ["--window-gap", "4", "--seed", "5"]
    models = [tmp_path / "model.joblib", tmp_path / "again.joblib"]
    for model in models:
        argv = ["discover", str(trajectories_npz), *FAST, *options]
        assert main([*argv, "--out", str(model)]) == 0
    est, again = (joblib.load(model) for model in models)
    assert (est.latent_dim, est.n_generators) == (1, 2)
    assert (est.window_size, est.window_gap, est.random_state) == (3, 4, 5)
    assert est.generators_.shape == (2, 1, 1)
    # the same seed gives the same model
    np.testing.assert_array_equal(again.generators_, est.generators_)


@pytest.mark.parametrize("command", ["demo", "discover"])
def test_threads_below_one_exit_with_usage(trajectories_npz, capsys, command):
    data = [str(trajectories_npz)] if command == "discover" else []
    with pytest.raises(SystemExit) as exit_info:
        main([command, *data, "--threads", "0"])
    assert exit_info.value.code == 2
    assert "--threads: must be an integer >= 1, got '0'" in capsys.readouterr().err


def test_unwritable_outputs_are_refused_before_the_fit(
    trajectories_npz, tmp_path, capsys
):
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    for option, path, message in [
        ("--plots", a_file, "a_file is not a directory"),
        ("--plots", a_file / "sub", "a_file is not a directory"),
        ("--out", tmp_path / "missing" / "m.joblib", "its directory does not exist"),
        ("--out", tmp_path, "is a directory; give a file name"),
    ]:
        assert main(["discover", str(trajectories_npz), option, str(path)]) == 2
        captured = capsys.readouterr()
        assert message in captured.err
        assert captured.out == ""  # refused before loading and fitting
