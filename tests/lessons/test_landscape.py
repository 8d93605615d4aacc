"""Loss landscape page (AppTest): what its widgets show."""

from __future__ import annotations

import math

import pytest

from conftest import no_errors, page_app


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_landscape_metric_names_the_epoch_of_the_update(lang: str) -> None:
    at = page_app("landscape.py", lang)
    no_errors(at)
    k = math.ceil(300 / at.select_slider(key="landscape.batch_size").value)  # N = 300 on this page
    assert k > 2
    for u, e in ((1, 1), (k - 1, 1), (k, 1), (k + 1, 2), (0, 0)):
        at.slider(key="landscape.step").set_value(u).run()
        assert at.slider(key="landscape.step").value == u
        no_errors(at)
        label = f"update of epoch {e} (" if lang == "en" else f"에포크 {e}의 업데이트"
        helps = [m.help for m in at.metric]
        assert helps and all(label in h for h in helps), (u, helps)
