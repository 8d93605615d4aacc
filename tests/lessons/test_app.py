"""AppTest: every page runs in both languages, and every slider changes what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LANGS, ROOT, chart_specs, entry_app, no_errors, page_app, shown_text

PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_in_both_languages(page: str, lang: str) -> None:
    at = page_app(page, lang)
    no_errors(at)
    text = shown_text(at)
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in text)
    assert hangul == (lang == "ko") or (lang == "en" and page == "home.py")


@pytest.mark.parametrize("lang", LANGS)
def test_entry_shows_navigation_and_language_switch(lang: str) -> None:
    at = entry_app(lang)
    no_errors(at)
    radio = at.sidebar.radio[0]
    assert radio.value == lang and list(radio.options) == ["한국어", "English"]
    assert ("신경망 기초 실험실" if lang == "ko" else "Neural Net Basics Lab") in shown_text(at)


def test_language_switch_changes_the_page_and_the_link() -> None:
    at = entry_app("en")
    at.sidebar.radio[0].set_value("ko").run()
    no_errors(at)
    assert "신경망 기초 실험실" in shown_text(at)
    assert at.query_params["lang"] in ("ko", ["ko"])


def _changes(at, widget, value) -> None:
    before = (shown_text(at), chart_specs(at))
    widget.set_value(value).run()
    no_errors(at)
    assert (shown_text(at), chart_specs(at)) != before, widget.key


PERCEPTRON_MOVES = [
    ("perceptron.w1", -1.5),
    ("perceptron.w2", 2.0),
    ("perceptron.b", 3.0),
    ("perceptron.px", 1.0),
    ("perceptron.py", -1.0),
]


@pytest.mark.parametrize(("key", "value"), PERCEPTRON_MOVES)
def test_perceptron_sliders_change_what_is_shown(key: str, value: float) -> None:
    at = page_app("perceptron.py")
    _changes(at, at.slider(key=key), value)


def test_perceptron_shows_loss_accuracy_and_probe_math() -> None:
    at = page_app("perceptron.py")
    at.slider(key="perceptron.w1").set_value(0.0).run()
    at.slider(key="perceptron.w2").set_value(-2.0).run()
    at.slider(key="perceptron.b").set_value(1.0).run()
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Loss (binary cross-entropy)"]) < 0.2
    assert metrics["Accuracy"].endswith("%") and float(metrics["Accuracy"][:-1]) > 95
    assert any("= -1.000" in str(e.value) for e in at.latex)  # z = 0·3 − 2·1 + 1 at the probe (3, 1)


def test_scaling_w_and_b_keeps_accuracy_but_changes_loss() -> None:
    at = page_app("perceptron.py")
    at.slider(key="perceptron.w2").set_value(-1.0).run()
    at.slider(key="perceptron.b").set_value(0.5).run()
    before = {m.label: m.value for m in at.metric}
    at.button[0].click().run()  # w, b ×2
    after = {m.label: m.value for m in at.metric}
    assert after["Accuracy"] == before["Accuracy"]
    assert after["Loss (binary cross-entropy)"] != before["Loss (binary cross-entropy)"]
    assert at.slider(key="perceptron.w2").value == -2.0


def test_perceptron_train_from_here_and_use_weights() -> None:
    at = page_app("perceptron.py")
    train = next(b for b in at.button if b.label == "Train")
    train.click().run()
    no_errors(at)
    assert at.success and "Trained weights" in at.success[0].value
    use = next(b for b in at.button if b.label.startswith("Put the trained"))
    use.click().run()
    assert at.slider(key="perceptron.w2").value != 0.5
    acc = {m.label: m.value for m in at.metric}["Accuracy"]
    assert float(acc[:-1]) > 95


@pytest.mark.parametrize("dataset", ["xor", "spiral", "circle"])
def test_perceptron_dataset_choice(dataset: str) -> None:
    at = page_app("perceptron.py")
    _changes(at, at.selectbox(key="perceptron.dataset"), dataset)


TRAINING_MOVES = [
    ("training.n", 600),
    ("training.noise", 2.0),
    ("training.test_ratio", 0.4),
    ("training.lr", 1.0),
    ("training.batch_size", 8),
    ("training.epochs", 20),
    ("training.w1", -2.0),
    ("training.w2", 1.0),
    ("training.b", 2.0),
]


@pytest.mark.parametrize(("key", "value"), TRAINING_MOVES)
def test_training_sliders_change_what_is_shown(key: str, value: float) -> None:
    at = page_app("training.py")
    widget = (
        at.select_slider(key=key) if key in ("training.lr", "training.batch_size") else at.slider(key=key)
    )
    _changes(at, widget, value)


def test_training_trains_on_load_and_replays_any_epoch() -> None:
    at = page_app("training.py")
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 98
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 50
    epoch.set_value(0).run()
    metrics0 = {m.label: m.value for m in at.metric}
    assert float(metrics0["Train loss"]) > float(metrics["Train loss"])


def test_training_button_seed_and_optimizer() -> None:
    at = page_app("training.py")
    _changes(at, at.number_input(key="training.seed"), 3)
    at.button[0].click().run()
    no_errors(at)
    assert not at.error
    before = {m.label: m.value for m in at.metric}
    at.button_group[0].set_value("adam").run()
    no_errors(at)
    assert {m.label: m.value for m in at.metric} != before


def test_training_reports_divergence_with_curves() -> None:
    at = page_app("training.py")
    at.selectbox(key="training.dataset").set_value("xor").run()
    at.select_slider(key="training.lr").set_value(10.0).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    at.slider(key="training.epochs").set_value(30).run()
    at.button[0].click().run()
    no_errors(at)
    assert at.error and "diverged" in at.error[0].value
    assert len(chart_specs(at)) == 3  # boundary + both curves up to the divergence


def test_large_runs_wait_for_the_train_button() -> None:
    at = page_app("training.py")
    at.slider(key="training.n").set_value(2000).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    no_errors(at)
    assert at.info and "Train" in at.info[-1].value


def test_the_page_list_is_fixed_and_complete() -> None:
    """ui.PAGES names every file in pages/ and nothing else: a deleted page fails here, never hides."""
    import ui

    listed = sorted(path for path, _url, _icon in ui.PAGES)
    on_disk = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert listed == on_disk
    assert [url for _p, url, _i in ui.PAGES] == [Path(p).stem for p, _u, _i in ui.PAGES]
