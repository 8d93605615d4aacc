"""The code samples the pages show, run for real: what the page prints under a sample is what it prints.

The server never runs a sample (no exec): core computes each sample's output with the same torch calls
(`activations.shown_output`, `softmax_output`, `dim_output`, `losses.bce_output`, `ce_output`). Here every
sample runs in a fresh Python process, exactly as a student would paste it, and its output must equal
core's, character for character.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap

import pytest
import torch

from core.maths import activations, losses

SEP = "----- end of sample -----"


def run_samples(codes: list[str]) -> list[str]:
    """Run each sample as its own function in one fresh Python process; what each printed, in order."""
    script = "".join(
        f"def sample_{i}():\n{textwrap.indent(code, '    ')}\n\nsample_{i}()\nprint({SEP!r})\n"
        for i, code in enumerate(codes)
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    parts = out.stdout.split(SEP + "\n")
    assert parts[-1] == "" and len(parts) == len(codes) + 1, out.stdout[-500:]
    return parts[:-1]


# every function, ranges with odd ends and a wide one, slopes the slider offers (0.00..0.50 by 0.01)
SHAPES = [
    (name, lo, hi, slope)
    for name, (lo, hi), slope in itertools.product(
        activations.ACTIVATIONS, [(-5.0, 5.0), (-3.0, 2.0), (-10.0, 10.0), (-0.5, 1.5)], [0.01, 0.07, 0.33]
    )
]


def test_every_shown_output_equals_a_fresh_run_of_its_sample() -> None:
    codes = [activations.shown_code(*s) for s in SHAPES]
    codes += [activations.SOFTMAX_CODE, activations.DIM_CODE, losses.BCE_CODE]
    seeds = [0, 1, 42, 999_999]
    codes += [losses.CE_CODE.format(seed=s) for s in seeds]
    expected = [activations.shown_output(*s) for s in SHAPES]
    expected += [activations.softmax_output(), activations.dim_output(), losses.bce_output()]
    expected += [losses.ce_output(s) for s in seeds]
    got = run_samples(codes)
    for code, out, want in zip(codes, got, expected):
        assert out == want, (code, out, want)


def test_the_comparison_can_fail() -> None:
    """A sample whose output differs from core's is caught (the harness compares real output)."""
    (out,) = run_samples([activations.shown_code("relu", -5.0, 5.0, 0.01)])
    assert out != activations.shown_output("tanh", -5.0, 5.0, 0.01)
    assert out == activations.shown_output("relu", -5.0, 5.0, 0.01)


def test_outputs_leave_the_global_generator_alone() -> None:
    """Core's twin of the cross-entropy sample draws from its own generator, not the process's."""
    torch.manual_seed(12345)
    state = torch.get_rng_state()
    assert losses.ce_output(7) == losses.ce_output(7)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
def test_shown_code_prints_what_the_chart_draws(name: str) -> None:
    c = activations.curve(name, -3.0, 2.0, 0.1)
    out = activations.shown_output(name, -3.0, 2.0, 0.1)
    assert str(c.dy[::10]) in out, (out, c.dy[::10])
