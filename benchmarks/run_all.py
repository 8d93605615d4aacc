"""Run every benchmark, one after the other, and print their tables and a summary against the targets.

    python benchmarks/run_all.py            # full runs (about 20-30 minutes on 2 busy cores)
    python benchmarks/run_all.py --quick    # smoke runs of everything (a few minutes)

Each benchmark is also runnable on its own (`python benchmarks/bench_<name>.py [--quick]`). Every
figure is a ratio against a baseline measured in the same run; the targets are for reading, the
tests never assert timings.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHES = ("bench_train", "bench_slider", "bench_visitor", "bench_cold", "bench_classroom", "bench_live")

# (benchmark, figure, target, "<=" or ">=")
TARGETS = [
    *[("bench_train", f"lean/numpy@{bs}", 3.0, "<=") for bs in (1, 32, 1000)],
    *[("bench_train", f"book/lean@{bs}", 6.0, ">=") for bs in (1, 32, 1000)],
    ("bench_train", "default_page_ms", 100.0, "<="),
    ("bench_classroom", "slider+train_p95_s", 2.0, "<="),
    ("bench_classroom", "mb_per_session", 10.0, "<="),
    ("bench_classroom", "soak_growth_mb", 20.0, "<="),
    # TF Playground's task on Beyond, Play -> boundary with test loss < 0.05 painted (the Playground: 0.80 s
    # circle, 1.14 s XOR), epochs per second shown (the Playground: ~54), the boundary's lag behind training
    *[("bench_live", f"playground {d}@p50_ms", 400.0, "<=") for d in ("circle", "xor")],
    *[("bench_live", f"playground {d}@epochs_per_s", 54.0, ">=") for d in ("circle", "xor")],
    *[("bench_live", f"playground {d}@lag_ms", 100.0, "<=") for d in ("circle", "xor")],
    # Play -> first live frame painted, in bare-app slider presses (as a slider move: bench_slider's target)
    *[("bench_live", f"{p}/bare@p50", 2.0, "<=") for p in ("training", "perceptron", "beyond")],
]


def main(quick: bool = False, only: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Run the benchmarks; returns {benchmark: figures}."""
    figures: dict[str, dict[str, float]] = {}
    for name in only or BENCHES:
        print(f"\n=== {name}{' --quick' if quick else ''} ===", flush=True)
        t = time.perf_counter()
        try:
            figures[name] = importlib.import_module(name).main(quick=quick)
        except Exception:
            traceback.print_exc()
            figures[name] = {}
        print(f"[{name}: {time.perf_counter() - t:.0f} s]", flush=True)
    print("\n=== summary against the targets ===")
    for bench, key, target, op in TARGETS:
        if key in figures.get(bench, {}):
            v = figures[bench][key]
            ok = v <= target if op == "<=" else v >= target
            print(f"{'ok  ' if ok else 'MISS'} {bench:<16} {key:<30} {v:9.2f} (target {op} {target:g})")
    for key, v in figures.get("bench_slider", {}).items():
        if "/bare@" in key:
            print(f"{'ok  ' if v <= 2.0 else 'MISS'} {'bench_slider':<16} {key:<22} {v:9.2f} (target <= 2)")
    for key, v in figures.get("bench_visitor", {}).items():  # a new visitor's first chart (issue 19)
        if "/bare@" in key and not key.startswith("bare"):
            mark = "ok  " if v <= 1.3 else "MISS"
            print(f"{mark} {'bench_visitor':<16} {key:<22} {v:9.2f} (target <= 1.3)")
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke runs")
    ap.add_argument("--only", action="append", choices=BENCHES, help="run only these (repeatable)")
    a = ap.parse_args()
    main(a.quick, a.only)
