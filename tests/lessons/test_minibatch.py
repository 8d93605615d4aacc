"""AppTest: the Mini-batch page; every widget and button acts, batch noise, epochs and the comparison."""

from __future__ import annotations

import pytest

from conftest import LANGS, chart_specs, no_errors, page_app, shown_text, tables
from lessons_helpers import acts as _changes
from lessons_helpers import button as _button
from lessons_helpers import whole


@pytest.mark.parametrize("lang", LANGS)
def test_minibatch_every_widget_and_button(lang: str) -> None:
    at = page_app("minibatch.py", lang)
    no_errors(at)
    nxt, restart = (b.label for b in at.button)
    _changes(at, _button(at, nxt), None)
    _changes(at, _button(at, restart), None)
    _changes(at, at.select_slider(key="minibatch.batch_size"), 1)
    _changes(at, at.selectbox(key="minibatch.dataset"), "toy")
    _changes(at, at.slider(key="minibatch.n"), 120)
    _changes(at, at.number_input(key="minibatch.seed"), 9)
    _changes(at, at.slider(key="minibatch.w1"), 1.5)
    _changes(at, at.slider(key="minibatch.w2"), 0.5)
    _changes(at, at.slider(key="minibatch.b"), -1.0)
    _changes(at, at.select_slider(key="minibatch.lr"), 0.5)
    _changes(at, at.slider(key="minibatch.epochs"), 5)


def test_minibatch_small_batches_are_noisier_and_full_batch_is_exact() -> None:
    at = page_app("minibatch.py")

    def err() -> float:
        return float(at.metric[2].value.rstrip("%"))

    at.select_slider(key="minibatch.batch_size").set_value(1).run()
    one = err()
    at.select_slider(key="minibatch.batch_size").set_value(32).run()
    mid = err()
    at.select_slider(key="minibatch.batch_size").set_value(200).run()
    assert one > mid > err() == 0.0
    assert at.metric[0].value == "1.000" and at.metric[3].value == "1"
    assert len(chart_specs(at)) == 4  # data, arrows, per-epoch and per-update curves


def test_minibatch_next_batch_walks_through_epochs() -> None:
    at = page_app("minibatch.py")
    at.slider(key="minibatch.n").set_value(40).run()
    at.select_slider(key="minibatch.batch_size").set_value(16).run()  # 3 batches per epoch
    for _ in range(3):
        whole(_button(at, "Next batch").click().run())  # it reruns only the output
    assert "Mini-batch 1 of 3 in epoch 2" in shown_text(at)
    _button(at, "Restart").click().run()
    assert "Mini-batch 1 of 3 in epoch 1" in shown_text(at)


def test_minibatch_comparison_ignores_the_batch_size_and_follows_the_data() -> None:
    """The comparison trains batch sizes 1, middle and full: the batch-size slider above must not retrain
    it (its cache key leaves the shown batch size out), the number of points must."""
    at = page_app("minibatch.py", "en")
    table = tables(at)[0].to_csv()
    at.select_slider(key="minibatch.batch_size").set_value(8).run()
    no_errors(at)
    assert tables(at)[0].to_csv() == table
    at.slider(key="minibatch.n").set_value(100).run()
    no_errors(at)
    assert tables(at)[0].to_csv() != table and at.query_params["n"] == "100"


def test_minibatch_moving_the_number_of_points_changes_only_the_charts_data() -> None:
    """A wider window for more points and legend names with the count ("full batch (220)") are domains
    read from the data: the four charts' specs are the same text after the slider moves, their data not."""

    def shown() -> tuple[list[str], list[list[bytes]]]:
        charts = at.get("vega_lite_chart")
        return [e.proto.spec for e in charts], [[d.data.data for d in e.proto.datasets] for e in charts]

    at = page_app("minibatch.py", "en")
    specs, data = shown()
    at.slider(key="minibatch.n").set_value(220).run()
    no_errors(at)
    new_specs, new_data = shown()
    assert len(specs) == 4 and new_specs == specs
    assert all(new != old for new, old in zip(new_data, data))
    for curves in new_data[2:]:  # the legend's names moved with the data
        assert any(b"full batch (220)" in d for d in curves) and not any("(220)" in s for s in specs)
