"""Server time per rerun that is not the lab's own code: the collector and the file watcher."""

from __future__ import annotations


def test_settle_heap_freezes_what_the_imports_built_and_refreezes_after_new_imports() -> None:
    """Streamlit's full gc.collect(2) after every rerun must not walk torch's objects each time."""
    import gc
    import sys
    import types

    import torch

    import ui
    from conftest import entry_app

    try:
        entry_app()  # the entry file settles the heap after its page has run
        assert ui._settled_modules == len(sys.modules)
        frozen = gc.get_freeze_count()
        young = {id(o) for o in gc.get_objects()}
        assert frozen > 100_000, frozen  # torch alone holds ~165,000 tracked objects
        assert id(torch.nn.Linear) not in young and id(torch.nn.Linear.forward) not in young
        junk = [[i] for i in range(1000)]  # lists are always tracked by the collector
        ui.settle_heap()  # no new module: nothing more is frozen
        assert gc.get_freeze_count() == frozen
        assert id(junk[0]) in {id(o) for o in gc.get_objects()}
        sys.modules["_nnlab_new_module"] = types.ModuleType("_nnlab_new_module")
        ui.settle_heap()  # a new import: freeze again, taking in what was built since
        assert gc.get_freeze_count() > frozen and ui._settled_modules == len(sys.modules)
    finally:
        sys.modules.pop("_nnlab_new_module", None)


def test_the_server_does_not_watch_every_imported_module_per_session() -> None:
    """With a file watcher, each new session walks all of sys.modules (torch included) and resolves
    every path: 250 ms of a first page load's 500 ms of server time (py-spy, session 5)."""
    import tomllib

    from conftest import ROOT

    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
