"""Time to solve circle and XOR like TF Playground: python benchmarks/bench_beyond.py [repeats] [--quick].

Hidden layers 4, 2 with tanh, lr 0.03, batch 10, 250 training points (n = 500, half held out), trained by
core.maths.networks.fit until the test loss is below 0.05.
(TF Playground needs ~68 epochs / 1.2-1.3 s for these.)
"""

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.maths.networks import NetConfig, epochs_to_loss  # noqa: E402

torch.set_num_threads(1)


def main(repeats: int = 3, quick: bool = False) -> list[tuple[str, int, float]]:
    """Print and return (dataset, epochs, CPU s) per run; `quick` is the smoke run (circle, 5 epochs)."""
    out: list[tuple[str, int, float]] = []
    for name in ("circle",) if quick else ("circle", "xor"):
        for noise in (0.0,) if quick else (0.0, 0.5):
            for seed in range(1 if quick else 3):
                cfg = NetConfig(
                    dataset=name,
                    n=500,
                    test_ratio=0.5,
                    noise=noise,
                    seed=seed,
                    hidden=(4, 2),
                    activation="tanh",
                    lr=0.03,
                    batch_size=10,
                    epochs=5 if quick else 1000,
                )
                best, cpu = float("inf"), float("inf")
                for _ in range(repeats):
                    t, c = time.perf_counter(), time.process_time()
                    hist = epochs_to_loss(cfg, 0.05)
                    best = min(best, time.perf_counter() - t)
                    cpu = min(cpu, time.process_time() - c)
                ok = hist.test_loss[-1] < 0.05
                print(
                    f"{name:6s} noise {noise:.1f} seed {seed}: {hist.epochs_run:4d} epochs, "
                    f"{best:.2f} s wall, "
                    f"{cpu:.2f} s CPU ({1000 * cpu / hist.epochs_run:.1f} ms/epoch), "
                    f"test loss {hist.test_loss[-1]:.4f}" + ("" if ok else "  (not reached)"),
                    flush=True,
                )
                out.append((name, hist.epochs_run, cpu))
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--quick"]
    main(int(args[0]) if args else 3, quick="--quick" in sys.argv)
