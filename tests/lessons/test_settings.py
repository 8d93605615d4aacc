"""The one table of page settings (core/classroom/settings.py) and the one validator (core.param.Param.check).

Every settings widget on every page takes its label, help, range, step, choices and first value from its
table entry; no page or playground draws one with its own numbers; and one validator refuses bad values,
with the same reasons, for the links, the maths' configs and the presets.
"""

from __future__ import annotations

import ast
import math
import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import LANGS, ROOT, no_errors
from core.classroom import urlstate
from core.classroom.presets import BUTTONS, PRESETS, Preset
from core.classroom.settings import PAGE_SPECS
from core.classroom.text import t
from core.maths.networks import FEATURE_LABELS, NET_SPECS, NetConfig
from core.maths.train import SPECS, TrainConfig
from core.param import ConfigError, Param
from lessons_helpers import app, open_tab, whole

# Widgets whose range or choices depend on the data or the run (the page passes them; the table's range
# bounds what a link may carry): the probes (the data's window), the example (the dataset's size), the
# batch sizes (the training set's size), the replay sliders (the run's length), the feature crosses
# (those of the chosen dataset) and the dataset choice of pages that take an upload ("my data").
DATA_BOUNDED = re.compile(r"\.(px|py|i|batch_size|epoch|step|features)$|^(perceptron|training)\.dataset$")
WIDGETS = ("slider", "select_slider", "number_input", "selectbox", "radio", "button_group", "toggle")


def _entry(page: str, key: str) -> Param | None:
    name = key.removeprefix(f"{page}.")
    return PAGE_SPECS[page].get(name) if key.startswith(f"{page}.") else None


def _text(key: str, lang: str, args: dict | None = None) -> re.Pattern[str]:
    """The locale text of `key` as a pattern: placeholders the page fills from the data match any text."""
    raw = t(key, lang)
    parts = re.split(r"(\{\w+\})", raw)
    filled = [
        re.escape(str(args[p[1:-1]]))
        if args and p[1:-1] in args
        else ".+"
        if p.startswith("{")
        else re.escape(p)
        for p in parts
    ]
    return re.compile("".join(filled), re.S)


def _choice_texts(key: str, p: Param, lang: str) -> list[str]:
    if key.endswith(".features"):  # maths labels, the same in every language
        return [FEATURE_LABELS[c] for c in p.choices]
    return [t(f"{p.names}{c}", lang) if p.names else str(c) for c in p.choices]


def _check_widget(page: str, kind: str, w, lang: str) -> str:
    key = w.key
    p = _entry(page, key)
    assert p is not None, f"{key}: a settings widget whose key is not in PAGE_SPECS['{page}']"
    label, help_ = w.proto.label, w.proto.help
    assert _text(p.label, lang, dict(p.label_args)).fullmatch(label), (key, label)
    if p.help:
        assert _text(p.help, lang).fullmatch(help_), (key, help_)
    else:
        assert help_ == "", (key, help_)
    bounded = DATA_BOUNDED.search(key) is not None
    if kind in ("slider", "number_input"):
        if bounded:
            assert p.lo <= w.min <= w.max <= p.hi, (key, w.min, w.max)
        else:
            assert (w.min, w.max) == (p.lo, p.hi), (key, w.min, w.max)
        assert w.step == (p.step or 1), (key, w.step)
    elif kind != "toggle":
        options = list(w.options)
        if key.endswith(".batch_size"):  # sizes up to the training set's, within the table's range
            assert all(p.lo <= int(o) <= p.hi for o in options), (key, options)
        elif bounded:  # a subset of the table's choices
            assert len(options) == len(set(options)) and set(options) <= set(_choice_texts(key, p, lang)), key
        elif kind == "select_slider":  # numbers: shown by Streamlit's own format
            assert [float(o) for o in options] == [float(c) for c in p.choices], (key, options)
        else:
            assert options == _choice_texts(key, p, lang), (key, options)
    if p.default is not None and not bounded:
        got = w.value
        assert (list(got) if p.kind is list else got) == p.first_value(), (key, got)
        assert type(got if not p.pair else got[0]) is p.kind or p.kind is list, (key, got)
    return key


def _widgets(at: AppTest):
    for kind in WIDGETS:
        for w in getattr(at, kind):
            if w.key and "." in w.key and not w.key.startswith(("app.", "lang")):
                yield kind, w


# Widgets drawn as many times as another setting says: the neurons of the chosen number of hidden layers
# (h1 …), the chosen number of logits (z0 …).
COUNTED = ((re.compile(r"(.*)\.h(\d)$"), "{}.layers", 0), (re.compile(r"(activations)\.z(\d)$"), "{}.k", 1))


def _tabs(page: str) -> tuple[str | None, ...]:
    """A page's tabs (its "tab" setting's choices; only the open one is drawn), or (None,)."""
    tabs = PAGE_SPECS[page].get("tab")
    return tabs.choices if tabs is not None else (None,)


def _shown_keys(page: str, at: AppTest, tab: str | None = None) -> set[str]:
    """The table's settings this view draws: those with a label, as many of the counted ones as chosen,
    none of a closed tab's."""
    out = set()
    for name, p in PAGE_SPECS[page].items():
        key = f"{page}.{name}"
        if name.split(".")[0] in set(_tabs(page)) - {tab}:
            continue
        counted = [(m, count, first) for rx, count, first in COUNTED if (m := rx.match(key))]
        if any(int(m[2]) + first > at.session_state[count.format(m[1])] for m, count, first in counted):
            continue
        if p.label is not None:
            out.add(key)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", sorted(PAGE_SPECS))
def test_every_settings_widget_reads_its_table_entry(page: str, lang: str) -> None:
    at = app(page, lang=lang)
    for tab in _tabs(page):
        if tab is not None:  # each tab in turn; the tabs are named by the tab setting's choices
            open_tab(at, page, tab)
            p = PAGE_SPECS[page]["tab"]
            assert [t.label for t in at.tabs] == _choice_texts(f"{page}.tab", p, lang)
        no_errors(at)
        checked = {_check_widget(page, kind, w, lang) for kind, w in _widgets(at)}
        checked |= {f"{page}.tab"} if tab is not None else set()
        assert checked == _shown_keys(page, at, tab), set(checked) ^ _shown_keys(page, at, tab)


def test_a_changed_table_entry_changes_the_widget(monkeypatch) -> None:
    """The widget has no numbers of its own: narrowing the table's entry narrows the slider."""
    entry = PAGE_SPECS["training"]["epochs"]
    monkeypatch.setitem(PAGE_SPECS["training"], "epochs", entry.narrow(hi=80, step=2, default=40))
    at = app("training")
    slider = at.slider(key="training.epochs")
    assert (slider.min, slider.max, slider.step, slider.value) == (1, 80, 2, 40)


WIDGET_CALLS = {"slider", "select_slider", "number_input", "selectbox", "radio", "segmented_control", "pills"}
WIDGET_CALLS |= {"toggle", "multiselect", "text_input", "checkbox"}


@pytest.mark.parametrize("path", [*sorted((ROOT / "pages").glob("*.py")), ROOT / "ui" / "nets.py"], ids=str)
def test_pages_draw_settings_widgets_only_through_the_table(path) -> None:
    """No page (nor the network playgrounds) calls st.slider & co. itself: ranges, steps and labels typed
    at a widget would be a second declaration of the setting."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WIDGET_CALLS
        ):
            owner = node.func.value
            assert isinstance(owner, ast.Name) and owner.id == "ui", f"{path.name}:{node.lineno}"


# ---- the one validator -------------------------------------------------------------------------------

REFUSALS = [  # (setting, raw value, code, English reason)
    (Param(str, "a", choices=("a", "b")), "c" * 65, "long", "expected at most 64 characters"),
    (Param(int, 0, 0, 10), "abc", "number", "expected a number"),
    (Param(int, 0, 0, 10), True, "number", "expected a number"),
    (Param(int, 0, 0, 10), 10**400, "number", "expected a number"),
    (Param(float, 0.0, 0.0, 1.0), "nan", "finite", "expected a finite number"),
    (Param(float, 0.0, 0.0, 1.0), math.inf, "finite", "expected a finite number"),
    (Param(int, 0, 0, 10), 2.5, "whole", "expected a whole number"),
    (Param(float, 0.5, 0.0, 1.0), "1.5", "range", "expected a value from 0 to 1"),
    (Param(float, 0.5, 0.0, 1.0, 0.1), "0.15", "step", "expected a multiple of 0.1"),
    (Param(float, 0.5, choices=(0.1, 0.5)), "0.2", "choice", "expected one of 0.1, 0.5"),
    (Param(str, "a", choices=("a", "b")), "A", "choice", "expected one of a, b"),
    (Param(float, (0.0, 1.0), 0.0, 1.0, pair=True), "1~2~3", "pair", "expected two numbers like 0~1"),
    (Param(float, (0.0, 1.0), 0.0, 1.0, pair=True), "1~0", "order", "expected the smaller number first"),
    (Param(list, ("a",), choices=("a", "b")), "a,a", "choice", "expected one of a, b"),
    (Param(list, (), 0, 2, item=Param(int, None, 1, 8)), 5, "list", "expected a list"),
    (Param(list, (), 0, 2, item=Param(int, None, 1, 8)), (1, 2, 3), "count", "expected 0 to 2 entries"),
    (Param(list, (), 0, 2, item=Param(int, None, 1, 8)), (1, 9), "range", "expected a value from 1 to 8"),
]


@pytest.mark.parametrize(("p", "raw", "code", "reason"), REFUSALS, ids=[r[2] for r in REFUSALS])
def test_the_validator_names_the_setting_and_why(p: Param, raw, code: str, reason: str) -> None:
    with pytest.raises(ConfigError) as err:
        p.check(raw, "setting")
    e = err.value
    assert (e.field, e.code, e.reason) == ("setting", code, reason)
    assert str(e).startswith("setting=") and str(e).endswith(f": {reason}")
    text = t(f"share.url.{code}", "en", **e.detail)  # every reason has its link-notice text
    assert text != f"share.url.{code}" and "{" not in text


def test_links_and_configs_refuse_with_the_same_validator() -> None:
    """A link's notice and TrainConfig's error come from the same check: same code, same detail."""
    _, problems = urlstate.parse("training", {"epochs": "0", "noise": "nan"})
    by_name = {p.name: p for p in problems}
    for name, raw in (("epochs", "0"), ("noise", "nan")):
        with pytest.raises(ConfigError) as err:
            PAGE_SPECS["training"][name].check(raw, name)
        assert (by_name[name].code, by_name[name].detail) == (err.value.code, err.value.detail)
    with pytest.raises(ConfigError) as err:
        TrainConfig(epochs=0)
    assert (err.value.field, err.value.code, err.value.reason) == (
        "epochs",
        "range",
        "expected a value from 1 to 1000",
    )
    with pytest.raises(ConfigError) as err:
        NetConfig(hidden=(4, 9))
    assert (err.value.field, err.value.code, err.value.detail) == ("hidden", "range", {"lo": "1", "hi": "8"})


def test_the_maths_takes_more_than_a_widget_offers() -> None:
    """A page's entry narrows TrainConfig's: what a widget offers, the maths accepts (not the reverse)."""
    # the pages that build a TrainConfig or a NetConfig
    configs = {"beyond": NET_SPECS, "many_classes": NET_SPECS}
    configs |= dict.fromkeys(("perceptron", "training", "backprop", "minibatch", "landscape"), SPECS)
    for page, maths in configs.items():
        for name, p in PAGE_SPECS[page].items():
            field = {"k": "classes"}.get(name.rsplit(".", 1)[-1], name.rsplit(".", 1)[-1])
            wide = maths.get(field)
            if wide is None or p.replay or wide.kind is not p.kind or p.kind in (str, list):
                continue
            values = p.choices or [v for v in (p.lo, p.hi, p.default) if v is not None]
            for v in values:
                assert wide.check(v, field) == v, (page, name, v)
    assert TrainConfig(epochs=1000).epochs == 1000 and PAGE_SPECS["training"]["epochs"].hi == 500


def test_presets_are_checked_by_the_validator_when_made() -> None:
    with pytest.raises(ConfigError) as err:
        Preset("bad", "training", (("lr", 0.3),))  # between two of the widget's steps
    assert err.value.field == "training.lr" and err.value.code == "choice"
    with pytest.raises(KeyError):
        Preset("bad", "training", (("no_such_setting", 1),))
    for preset in [*PRESETS, *(b for page in BUTTONS.values() for b in page)]:
        values = preset.values()
        assert set(values) == set(PAGE_SPECS[preset.page])
        for name, v in values.items():
            spec = PAGE_SPECS[preset.page][name]
            expected = (
                spec.check(dict(preset.params)[name], name) if name in preset.settings else spec.first_value()
            )
            assert v == expected, (preset.id, name)


def test_a_scenario_button_sets_every_setting_of_the_page() -> None:
    """Beyond's scenario buttons are presets (core/classroom/presets.py): a button sets the preset's values
    and every other setting of the table back to its default, the seed too."""
    at = app("beyond")
    whole(at.number_input(key="beyond.seed").set_value(7).run())
    whole(at.slider(key="beyond.noise").set_value(2.0).run())
    next(b for b in at.button if b.label == "XOR with x₁x₂").click().run()
    no_errors(at)
    values = BUTTONS["beyond"][1].values()
    for name, v in values.items():
        if v is not None:
            got = at.session_state[f"beyond.{name}"]
            assert (list(got) if isinstance(got, tuple) else got) == v, name
    assert at.session_state["beyond.seed"] == 0 and at.session_state["beyond.noise"] == 0.5
