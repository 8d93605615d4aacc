"""The lab uses its libraries through their public APIs only: importing and running it changes nothing
inside Altair, Streamlit, pandas or torch (no function, class attribute or module flag replaced)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import ROOT

# Runs in a fresh interpreter: snapshot every loaded library module (its functions, classes, flags and
# the classes' own attributes), import every app module and run every page once, then compare. Streamlit
# keeps its own run-time state in module and class values (counters, PagesManager.uses_pages_directory,
# which st.navigation itself sets), so only its functions and classes are compared.
PROBE = textwrap.dedent(
    """
    import sys, types
    sys.path.insert(0, {root!r})
    LIBS = ("altair", "streamlit", "pandas", "torch", "vega_datasets", "narwhals")

    import altair, pandas, streamlit, torch
    import altair.utils.schemapi  # (the modules the lab once patched load with altair)
    from streamlit.testing.v1 import AppTest

    FLAGS = (bool, int, float, str, type(None))

    def snapshot():
        out = {{}}
        for name, mod in list(sys.modules.items()):
            if not isinstance(mod, types.ModuleType) or not name.startswith(LIBS):
                continue
            for attr, value in list(vars(mod).items()):
                if callable(value) or isinstance(value, type):
                    out[(name, attr)] = id(value)
                elif isinstance(value, (bool, int, float, str)) and not name.startswith("streamlit"):
                    out[(name, attr)] = repr(value)  # a flag (Streamlit keeps its run-time counters here)
                if isinstance(value, type) and value.__module__ == name:
                    for k, v in list(vars(value).items()):
                        if callable(v) or isinstance(v, (classmethod, staticmethod, property)):
                            out[(name, attr + "." + k)] = id(v)
                        elif isinstance(v, FLAGS) and not name.startswith("streamlit"):
                            out[(name, attr + "." + k)] = repr(v)  # a class's flag
        return out

    before = snapshot()
    import core.charts.decision, core.charts.functions, core.charts.gradients, core.charts.networks, ui
    for page in [p for p, *_ in ui.PAGES]:
        at = AppTest.from_file({root!r} + "/" + page, default_timeout=120).run()
        assert not at.exception, (page, [e.value for e in at.exception][:1])
    after = snapshot()
    changed = sorted(k for k in before if k in after and before[k] != after[k])
    import json
    print("CHANGED", json.dumps(changed))
    """
)


def test_running_every_page_changes_nothing_inside_the_libraries() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("CHANGED"))
    changed = [tuple(k) for k in json.loads(line.removeprefix("CHANGED "))]
    assert changed == [], changed
