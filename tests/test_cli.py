from symlearn.cli import main


def test_demo_runs_and_reports(capsys):
    assert (
        main(["demo", "--epochs", "1", "--trajectories", "10", "--verbose", "0"]) == 0
    )
    out = capsys.readouterr().out
    for expected in ("generator", "eigenvalues", "energy invariance error", "fit time"):
        assert expected in out
