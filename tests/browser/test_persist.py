"""Real browser: every page's settings survive page changes made by clicking the sidebar (issue 18, item 1).

For each lesson page the test changes widgets of every kind the page has (sliders by keyboard, select
boxes, radio and segmented buttons, pills, number inputs, toggles), inside the page's sections (fragments),
expanders and tabs, then leaves by the sidebar twice (once to the next lesson, once via Home and another
lesson), comes back by the sidebar and reads every widget's shown value and the URL: all must be as left.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from live import errors, wait_idle

pytestmark = pytest.mark.browser


LESSONS = (
    "perceptron",
    "activations",
    "losses",
    "training",
    "backprop",
    "minibatch",
    "landscape",
    "beyond",
    "many_classes",
)

# The shown value of every keyed widget in the main area: {key, dots as dashes: [widget kind, value]}.
# Hidden ones too (a closed expander): Streamlit keeps them in the DOM (a closed tab is not drawn).
SHOWN = """() => {
  const kinds = ["stSlider", "stSelectbox", "stButtonGroup", "stRadio", "stNumberInput", "stCheckbox",
                 "stMultiSelect"];
  const texts = (w, sel) => [...w.querySelectorAll(sel)].map((e) => e.textContent.trim());
  const out = {};
  for (const box of document.querySelectorAll("[data-testid=stMain] [data-testid=stElementContainer]")) {
    const cls = [...box.classList].find((c) => c.startsWith("st-key-"));
    const w = cls && box.querySelector(kinds.map((k) => `[data-testid=${k}]`).join(","));
    if (!w) continue;
    const kind = w.dataset.testid;
    let v;
    if (kind === "stSlider") v = texts(w, "[data-testid=stSliderThumbValue]").join("~");
    else if (kind === "stSelectbox") v = w.querySelector("input[role=combobox]").value;
    else if (kind === "stButtonGroup") v = texts(w, "button[data-selected=true]").join(",");
    else if (kind === "stRadio") v = texts(w, "[data-testid=stRadioOption][data-selected=true]").join(",");
    else if (kind === "stNumberInput") v = w.querySelector("input").value;
    else if (kind === "stCheckbox") v = String(w.querySelector("input").checked);
    else v = texts(w, "[data-baseweb=tag], [role=listitem]").join(",");
    out[cls.slice("st-key-".length)] = [kind, v];
  }
  return out;
}"""


@dataclass(frozen=True)
class Move:
    """One change a student makes: `how` is "keys" (slider), "choose" (select box), "click" (segmented
    button or pill), "radio", "type" (number input) or "toggle"; `arg` the keys, option or text;
    `tab` a tab to open first; `shows` the value the widget must show afterwards, where the bug report
    names one."""

    key: str
    how: str
    arg: object = None
    tab: int | None = None
    shows: str | None = None

    @property
    def name(self) -> str:
        """The widget's name in SHOWN: its key with dots as dashes (Streamlit's `st-key-<name>` class)."""
        return self.key.replace(".", "-")


def keys(key: str, *presses: str, **kw) -> Move:
    return Move(key, "keys", presses, **kw)


def times(n: int, key: str) -> tuple[str, ...]:
    return (key,) * n


# Every lesson page: widgets of each kind it has, in its sections (all pages' bodies are fragments),
# its expanders (Initial weights, Weights where the gradient is taken, Take it home, Training) and tabs.
MOVES: dict[str, list[Move]] = {
    "perceptron": [
        Move("perceptron.dataset", "choose", "XOR"),
        keys("perceptron.w1", *times(20, "ArrowRight"), shows="1.50"),  # the report: 0.5 -> 1.5 (step 0.05)
        keys("perceptron.px", *times(3, "ArrowLeft")),
        Move("perceptron.seed", "type", "7"),
        keys("perceptron.lr", "ArrowRight"),  # select slider, outside the section
        keys("perceptron.epochs", "End"),
        Move("preview_perceptron", "toggle"),  # in the "Take it home" expander
        Move("perceptron.view", "click", "Trained weights"),  # segmented: last (a weight move resets it)
    ],
    "activations": [
        Move("activations.fn", "choose", "LeakyReLU"),
        keys("activations.slope", *times(3, "ArrowRight")),  # reruns two sections
        keys("activations.range", *times(2, "ArrowRight")),  # a range slider: its first thumb
        keys("activations.depth", "End"),
        Move("activations.depth_seed", "type", "5"),
        keys("activations.lr", "Home"),
        keys("activations.k", "ArrowRight"),
        keys("activations.temp", *times(4, "ArrowRight")),
    ],
    "losses": [
        keys("losses.slope", *times(4, "ArrowRight")),
        Move("losses.outlier", "toggle"),
        keys("losses.p", *times(5, "ArrowLeft")),
        Move("losses.y", "radio", "0"),
        keys("losses.z", "End"),
        Move("losses.sy", "radio", "1"),
        Move("losses.seed", "type", "3"),
    ],
    "training": [
        Move("training.dataset", "choose", "XOR", shows="XOR"),
        Move("training.optimizer", "click", "Adam", shows="Adam"),
        keys("training.epochs", *times(5, "PageUp"), *times(2, "ArrowRight"), shows="302"),
        keys("training.noise", *times(2, "ArrowLeft")),
        Move("training.seed", "type", "11"),
        keys("training.lr", "ArrowRight"),
        keys("training.batch_size", "ArrowRight"),
        keys("training.w1", *times(3, "ArrowRight")),  # in the "Initial weights" expander
        Move("preview_training", "toggle"),  # in the "Take it home" expander
        keys("training.epoch", *times(3, "ArrowLeft")),  # the replay: last (a new run starts at its end)
    ],
    "backprop": [
        Move("backprop.dataset", "choose", "Circle"),
        keys("backprop.i", *times(5, "ArrowRight")),
        keys("backprop.w1", *times(10, "ArrowRight")),
        keys("backprop.b", *times(5, "ArrowLeft")),
        Move("backprop.loss", "radio", "Mean squared error (MSE)"),
        keys("backprop.lr", *times(2, "ArrowLeft")),
        Move("backprop.seed", "type", "4"),
    ],
    "minibatch": [
        Move("minibatch.dataset", "choose", "XOR"),
        keys("minibatch.n", *times(3, "ArrowRight")),
        Move("minibatch.seed", "type", "2"),
        keys("minibatch.batch_size", "ArrowRight"),
        keys("minibatch.w1", *times(3, "ArrowRight")),  # in the "Weights where ..." expander
        keys("minibatch.lr", "ArrowRight"),  # the comparison section
        keys("minibatch.epochs", *times(5, "ArrowLeft")),
    ],
    "landscape": [
        Move("landscape.dataset", "choose", "XOR"),
        Move("landscape.seed", "type", "1"),
        keys("landscape.lr", "ArrowLeft"),
        keys("landscape.epochs", *times(2, "ArrowRight")),
        Move("landscape.optimizers", "click", "Adam"),  # pills: Adam off
        keys("landscape.w1", *times(2, "ArrowRight")),  # in the "Initial weights" expander
    ],
    "beyond": [
        Move("beyond.dataset", "choose", "Circle"),
        keys("beyond.noise", *times(2, "ArrowRight")),
        Move("beyond.features", "click", "x₁²"),  # pills: one more feature
        keys("beyond.layers", "ArrowRight"),  # one hidden layer: its width appears
        Move("beyond.h1", "type", "3"),
        Move("beyond.activation", "click", "ReLU"),
        keys("beyond.epochs", *times(5, "ArrowLeft")),  # in the "Training" expander
        Move("beyond.optimizer", "click", "Adam"),
        Move("beyond.seed", "type", "6"),
        Move("beyond.discrete", "toggle"),  # Playground's toggles
    ],
    "many_classes": [
        keys("many_classes.classes.k", "ArrowRight"),
        Move("many_classes.classes.seed", "type", "9"),
        Move("many_classes.classes.optimizer", "click", "Adam"),
        keys("many_classes.classes.px", *times(3, "ArrowRight")),
        Move("many_classes.regression.dataset", "click", "2-D hill and valley", tab=1),  # the second tab
        Move("many_classes.regression.h1", "type", "6", tab=1),
        Move("many_classes.regression.activation", "click", "ReLU", tab=1),
        keys("many_classes.regression.epochs", *times(5, "ArrowLeft"), tab=1),
    ],
}

# Where each round trip goes: the next lesson, then Home and the lesson before.
TRIPS = {p: ([LESSONS[(i + 1) % len(LESSONS)]], ["home", LESSONS[i - 1]]) for i, p in enumerate(LESSONS)}


def exact(text: str) -> re.Pattern:
    return re.compile(f"^{re.escape(text)}$")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # one session per test
    yield context.new_page()
    context.close()


def shown(page) -> dict[str, list[str]]:
    return page.evaluate(SHOWN)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def no_exception(page) -> None:
    assert errors(page) == []


def open_page(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}?lang=en")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=90_000)
    page.wait_for_selector(f"[data-testid=stMain] .st-key-{MOVES[path][0].name}", timeout=90_000)
    wait_idle(page, timeout=90_000)
    # a loaded machine paints the last widgets (a closed expander's) after the run: wait until none appears
    seen, deadline = shown(page), time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(400)
        now = shown(page)
        if set(now) == set(seen):
            break
        seen = now
    no_exception(page)


def go(page, server: str, path: str) -> None:
    """Click the page's entry in the sidebar navigation (no reload) and wait until it has run."""
    href = f"{server}/" if path == "home" else f"{server}/{path}"
    page.locator(f'[data-testid=stSidebarNav] a[href="{href}"]').click()
    page.wait_for_function("(p) => location.pathname === p", arg=urlsplit(href).path, timeout=30_000)
    page.wait_for_selector("[data-testid=stMain] h1", timeout=60_000)
    wait_idle(page, timeout=90_000)
    no_exception(page)


def open_tab(page, tab: int | None) -> None:
    """Click one of the page's tabs (a rerun draws it: only the open tab is drawn) and wait for it."""
    if tab is None:
        return
    box = page.locator("[data-testid=stMain] [role=tab]").nth(tab)
    if box.get_attribute("aria-selected") != "true":
        box.click()
        page.wait_for_function(
            "(t) => document.querySelectorAll('[data-testid=stMain] [role=tab]')[t]"
            ".getAttribute('aria-selected') === 'true'",
            arg=tab,
            timeout=30_000,
        )
        page.wait_for_timeout(300)
        wait_idle(page, timeout=90_000)


def every_tab(page, path: str) -> list[tuple[int | None, dict, dict]]:
    """(tab, what it shows, the URL) for each tab the moves used, the one open now last; (None, ...) on a
    page without tabs."""
    tabs = sorted({m.tab or 0 for m in MOVES[path]}) if any(m.tab for m in MOVES[path]) else [None]
    now = page.locator("[data-testid=stMain] [role=tab][aria-selected=true]")
    last = None if tabs == [None] else int(now.first.evaluate("(e) => [...e.parentNode.children].indexOf(e)"))
    out = []
    for tab in [t for t in tabs if t != last] + [last]:
        open_tab(page, tab)
        out.append((tab, shown(page), query(page)))
    return out


def reveal(page, move: Move) -> None:
    """Open the tab, and the expander, that hold the widget."""
    open_tab(page, move.tab)
    widget = page.locator(f".st-key-{move.name}")
    widget.first.wait_for(state="attached", timeout=30_000)
    expander = page.locator("[data-testid=stMain] [data-testid=stExpander] details").filter(has=widget)
    if expander.count() and expander.first.get_attribute("open") is None:
        expander.first.locator("summary").click()
        page.wait_for_timeout(300)
    widget.scroll_into_view_if_needed()


def make(page, move: Move) -> None:
    w = page.locator(f".st-key-{move.name}")
    if move.how == "keys":
        w.locator("input[type=range]").first.focus()
        for k in move.arg:
            page.keyboard.press(k)
    elif move.how == "choose":
        w.locator("button[aria-haspopup=listbox]").click()
        page.get_by_role("option", name=exact(move.arg)).click()
    elif move.how == "click":
        w.locator("button").filter(has_text=exact(move.arg)).click()
    elif move.how == "radio":
        w.locator("[data-testid=stRadioOption]").filter(has_text=exact(move.arg)).click()
    elif move.how == "type":
        box = w.locator("input")
        box.fill(move.arg)
        box.press("Enter")
    elif move.how == "toggle":
        w.locator("label").first.click()
    else:
        raise ValueError(move.how)


def change(page, move: Move) -> str:
    """Make the move; wait until the widget shows a new value and the app has rerun; return that value."""
    name = move.name
    reveal(page, move)  # also waits (up to 30 s) for the widget to be drawn
    before = shown(page)[name][1]
    url = page.url
    make(page, move)
    page.wait_for_function(f"(old) => ({SHOWN})()[{name!r}]?.[1] !== old", arg=before, timeout=30_000)
    if "." in move.key:  # a setting of the page's link: the rerun writes it into the URL
        page.wait_for_function("(old) => location.href !== old", arg=url, timeout=30_000)
    wait_idle(page, timeout=90_000)
    no_exception(page)
    now = shown(page)[name][1]
    assert now != before, (move, before)
    if move.shows is not None:
        assert now == move.shows, (move, now)
    return now


def same_view(page, want: dict, want_query: dict, where: str) -> None:
    """The page shows every widget as it was left (waits for a late paint), and the URL says so too."""
    same = "(want) => { const now = (" + SHOWN + ")(); const s = JSON.stringify;"
    same += " return Object.keys(want).every((k) => s(now[k]) === s(want[k])); }"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what differs
        page.wait_for_function(same, arg=want, timeout=15_000)
    now = shown(page)
    diff = {k: (v, now.get(k)) for k, v in want.items() if now.get(k) != v}
    assert not diff, f"after {where}: widget -> (left as, shown now): {diff}"
    assert set(now) == set(want), (where, sorted(set(now) ^ set(want)))
    assert query(page) == want_query, (where, want_query, query(page))


def test_every_lesson_page_is_listed() -> None:
    import ui

    pages = {p.stem for p in (Path(__file__).resolve().parents[2] / "pages").glob("*.py")}
    # class mode (pages/classroom.py) is no lesson: it has no settings to carry (tests/*/test_classroom.py)
    # a renamed lesson's old path (ui.MOVED) keeps a file that forwards to it: no lesson either
    assert pages == {*LESSONS, "home", "classroom", *ui.MOVED}, "a new page needs its moves in MOVES"
    assert set(MOVES) == set(LESSONS)


@pytest.mark.parametrize("path", LESSONS)
def test_settings_survive_page_changes(page, server, path: str) -> None:
    open_page(page, server, path)
    first, first_query = shown(page), query(page)
    moved = {m.name for m in MOVES[path]}
    for kind in {kind for kind, _ in first.values()}:  # a widget of each kind the page has is changed
        assert any(first.get(name, [None])[0] == kind for name in moved), f"{path}: no move changes a {kind}"
    for move in MOVES[path]:
        change(page, move)
    views = every_tab(page, path)  # [(tab, shown, query)], ending on the tab the moves ended on
    want, want_query = {}, views[-1][2]
    for _tab, seen, _q in views:
        want |= seen
    for move in MOVES[path]:
        assert want[move.name] != first.get(move.name), (move, "a later move undid it")
        if "." in move.key:
            param = move.key.split(".", 1)[1]
            assert want_query.get(param) != first_query.get(param), (move, want_query.get(param))
    for n, trip in enumerate(TRIPS[path], 1):
        for other in trip:
            go(page, server, other)
        go(page, server, path)
        for tab, seen, q in views[-1:] + views[:-1] + views[-1:]:  # the tab left open first, then each
            open_tab(page, tab)
            same_view(page, seen, q, f"round trip {n} via {' and '.join(trip)}, tab {tab}")


def test_the_reported_training_settings_survive_backpropagation_and_back(page, server) -> None:
    """Issue 18's exact steps: Training, dataset XOR, optimizer Adam, 302 epochs; Backpropagation in the
    sidebar; Training again."""
    open_page(page, server, "training")
    for move in MOVES["training"][:3]:
        change(page, move)
    go(page, server, "backprop")
    go(page, server, "training")
    now = shown(page)
    assert now["training-dataset"][1] == "XOR"
    assert now["training-optimizer"][1] == "Adam"
    assert now["training-epochs"][1] == "302"
    q = query(page)
    assert (q["dataset"], q["optimizer"], q["epochs"]) == (["xor"], ["adam"], ["302"]), q


CE_METRIC = "[data-testid=stMetric]:has-text('CrossEntropyLoss(logits)') [data-testid=stMetricValue]"
CE_CHANGED = """(old) => [...document.querySelectorAll("[data-testid=stMetric]")].some(
  (m) => m.innerText.includes("CrossEntropyLoss(logits)") &&
    m.querySelector("[data-testid=stMetricValue]").innerText !== old)"""


def torch_ce(cells: dict[tuple[int, int], float]) -> str:
    """CrossEntropyLoss of seed 0's table with some cells replaced, as the page prints it."""
    import torch

    from core.maths import losses

    logits = losses.seed_logits(0)
    for (row, col), value in cells.items():
        logits[row, col] = value
    target = torch.tensor(losses.SEED_CLASSES)
    return f"{float(torch.nn.functional.cross_entropy(logits, target)):.8f}"


def edit_cell(page, row: int, text: str) -> None:
    """Type a new value into the cross-entropy table's "class 0" cell of a row (the grid is a canvas)."""
    grid = page.locator(".st-key-ce_table_0 [data-testid=data-grid-canvas]")
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    old = page.locator(CE_METRIC).inner_text()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 80, box["y"] + 36 + 35 * row + 17)  # below the 36 px header, 35 px rows
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # open the cell's editor
    editor = page.locator("input.gdg-input")  # the cell's editor (glide data grid)
    editor.fill(text)
    editor.press("Enter")
    page.wait_for_function(CE_CHANGED, arg=old, timeout=30_000)
    wait_idle(page, timeout=90_000)


def test_cross_entropy_table_edits_survive_page_changes(page, server) -> None:
    """Losses' st.data_editor takes no persist_state: the page keeps the edited table itself."""
    open_page(page, server, "losses")
    assert page.locator(CE_METRIC).inner_text() == torch_ce({})
    edit_cell(page, 0, "9")
    assert page.locator(CE_METRIC).inner_text() == torch_ce({(0, 0): 9.0})
    go(page, server, "perceptron")
    go(page, server, "losses")
    page.locator(CE_METRIC).wait_for(timeout=30_000)
    assert page.locator(CE_METRIC).inner_text() == torch_ce({(0, 0): 9.0})
    edit_cell(page, 1, "-9")  # a second edit, on top of the kept one
    both = torch_ce({(0, 0): 9.0, (1, 0): -9.0})
    assert page.locator(CE_METRIC).inner_text() == both
    go(page, server, "home")
    go(page, server, "training")
    go(page, server, "losses")
    page.locator(CE_METRIC).wait_for(timeout=30_000)
    assert page.locator(CE_METRIC).inner_text() == both
