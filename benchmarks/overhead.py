"""Training-loop overhead: the skorch net's epoch against a bare PyTorch loop
over the same modules, the same train step and the same device batches.

    python benchmarks/overhead.py

Both loops run the same number of epochs on the same pendulum windows, one
torch thread, alternating several times; the table reports the median seconds
per epoch of each and their ratio.
"""

import statistics
import time

import torch
from _common import markdown_table, write_results

from symlearn import LatentSymmetryDiscoverer
from symlearn.datasets import make_pendulum
from symlearn.training.net import DeviceBatches
from symlearn.windows import StateWindows

EPOCHS = 3
REPEATS = 3


def bare_epoch(net, data: StateWindows) -> None:
    """What a hand-written loop does: batches, the step, nothing else."""
    net._set_training(True)
    for batch in DeviceBatches(data, net.batch_size, shuffle=True):
        net.train_step(batch)


def main() -> None:
    torch.set_num_threads(1)
    data = make_pendulum(random_state=0)
    est = LatentSymmetryDiscoverer(random_state=0, max_epochs=EPOCHS)
    windows = est._windows(data.trajectories, reset=True)
    net = est._build_net(
        windows.shape, est._batch_size(len(windows)), EPOCHS, None, "cpu"
    )
    net.initialize()
    tensor = net.get_dataset(windows)

    skorch_times, bare_times = [], []
    for _ in range(REPEATS):
        start = time.perf_counter()
        net.partial_fit(tensor)
        skorch_times.append((time.perf_counter() - start) / EPOCHS)
        start = time.perf_counter()
        for _ in range(EPOCHS):
            bare_epoch(net, tensor)
        bare_times.append((time.perf_counter() - start) / EPOCHS)

    skorch_epoch = statistics.median(skorch_times)
    bare_epoch_s = statistics.median(bare_times)
    rows = [
        {
            "windows": len(windows),
            "batches_per_epoch": len(DeviceBatches(tensor, net.batch_size, True)),
            "skorch_s_per_epoch": skorch_epoch,
            "bare_s_per_epoch": bare_epoch_s,
            "overhead_ratio": skorch_epoch / bare_epoch_s,
        }
    ]
    body = (
        f"Median over {REPEATS} alternating runs of {EPOCHS} epochs each "
        "(default estimator, pendulum windows, CPU).\n\n"
        + markdown_table(rows, list(rows[0]))
        + f"\n\nOverhead: {100 * (skorch_epoch / bare_epoch_s - 1):+.1f} % per epoch."
    )
    write_results("overhead", "Training-loop overhead", body, rows)
    print(body)


if __name__ == "__main__":
    main()
