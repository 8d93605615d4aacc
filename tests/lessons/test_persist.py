"""AppTest: what a student typed into the Losses page's cross-entropy table survives page changes.

`st.data_editor` takes no `persist_state`, so pages/losses.py keeps the edited table per seed in session
state and gives it back to the editor. Page changes are made as the sidebar makes them: another page,
with the URL's query string gone (the pages write their own).
"""

from __future__ import annotations

from conftest import entry_app, no_errors

CE = "CrossEntropyLoss(logits)"


def visit(at, page: str):
    at.switch_page(f"pages/{page}.py")
    at.query_params.clear()
    at.run()
    no_errors(at)
    return at


def ce(at) -> str:
    return {m.label: m.value for m in at.metric}[CE]


def edit(at, rows: dict) -> None:
    at.session_state[at.data_editor[0].key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()
    no_errors(at)


def test_cross_entropy_table_edits_survive_page_changes() -> None:
    at = visit(entry_app("en"), "losses")
    unedited = ce(at)
    edit(at, {0: {"c1": 5.0}, 2: {"target": 4}})
    edited = ce(at)
    assert edited != unedited
    for trip in (["perceptron"], ["home", "training"]):
        for page in trip:
            visit(at, page)
        visit(at, "losses")
        assert ce(at) == edited, trip
        shown = at.data_editor[0].value
        assert shown.loc[0, "c1"] == 5.0 and shown.loc[2, "target"] == 4, shown


def test_each_seed_keeps_its_own_edits() -> None:
    at = visit(entry_app("en"), "losses")
    edit(at, {1: {"c0": -3.0}})
    edited = ce(at)
    at.number_input(key="losses.seed").set_value(1).run()
    other = ce(at)
    assert other != edited
    visit(at, "backprop")
    visit(at, "losses")
    assert ce(at) == other  # seed 1, unedited
    at.number_input(key="losses.seed").set_value(0).run()
    assert ce(at) == edited


def test_the_replay_epoch_and_the_preview_survive_page_changes_too() -> None:
    """Not only the settings: the replay slider (`training.epoch`) and the script preview toggle
    (`preview_training`, a key without a dot) keep their values too: every keyed widget declares
    persist_state."""
    at = visit(entry_app("en"), "training")
    at.slider(key="training.epochs").set_value(120).run()
    at.slider(key="training.epoch").set_value(17).run()
    at.toggle(key="preview_training").set_value(True).run()
    no_errors(at)
    for trip in (["backprop"], ["home", "perceptron"]):
        for page in trip:
            visit(at, page)
        visit(at, "training")
        assert at.slider(key="training.epochs").value == 120, trip
        assert at.slider(key="training.epoch").value == 17, trip
        assert at.toggle(key="preview_training").value is True, trip
        assert any("nn.Linear" in c.value for c in at.code), trip  # the preview is shown
