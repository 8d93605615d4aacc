"""Isolation: sessions never see each other's data, weights or language, and nothing cached is mutated.

- Two real browsers (separate Playwright contexts) change settings and train at the same time.
- Every st.cache_resource / st.cache_data entry and every functools cache in core is fingerprinted
  before and after pages are walked and trained; entries present both times must be identical.
- train() never mutates the tensors it is given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import re
from typing import Any

import numpy as np
import pytest
import torch
from sqlalchemy.engine import Engine
from streamlit.connections import BaseConnection

import ui
from core.classroom import text
from core.maths.data import make_dataset, split
from core.maths.train import TrainConfig, data_for, train
from live import CHROMIUM_ARGS, chromium_path, errors, played_to_end, streamlit_server, wait_idle
from walker import FULL, PAGE_FILES, figure, move, open_page, problems, run

# ---------------------------------------------------------------- fingerprints


def fingerprint(x: Any, depth: int = 0) -> str:
    """A content hash of (almost) anything a cache might hold: tensors, arrays, dataclasses, containers."""
    h = hashlib.sha256()
    if depth > 20:
        return "deep"
    if isinstance(x, BaseConnection | Engine):  # class mode's database (st.connection): its data is in the
        h.update(f"DB {type(x).__name__}".encode())  # database, not in the cache; its pool changes by design
    elif isinstance(x, torch.Tensor):
        h.update(f"T{x.dtype}{tuple(x.shape)}".encode())
        h.update(x.detach().cpu().contiguous().numpy().tobytes())
    elif isinstance(x, np.ndarray):
        h.update(f"A{x.dtype}{x.shape}".encode())
        h.update(np.ascontiguousarray(x).tobytes() if x.dtype != object else repr(x.tolist()).encode())
    elif isinstance(x, (bytes, bytearray, memoryview)):
        h.update(bytes(x))
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        for f in dataclasses.fields(x):
            h.update(f"{f.name}={fingerprint(getattr(x, f.name), depth + 1)}".encode())
    elif isinstance(x, dict):
        for k in sorted(x, key=repr):
            h.update(f"{k!r}:{fingerprint(x[k], depth + 1)}".encode())
    elif isinstance(x, (list, tuple, set, frozenset)):
        items = sorted(x, key=repr) if isinstance(x, (set, frozenset)) else x
        for v in items:
            h.update(fingerprint(v, depth + 1).encode())
    elif hasattr(x, "to_json") and callable(x.to_json):  # altair charts, pandas frames
        h.update(str(x.to_json()).encode())
    elif hasattr(x, "__dict__") and not callable(x):
        h.update(type(x).__qualname__.encode())
        h.update(fingerprint(vars(x), depth + 1).encode())
    else:
        h.update(repr(x).encode())
    return h.hexdigest()


def _mem_cache(storage: Any) -> dict:
    for _ in range(5):  # storage wrappers nest
        if hasattr(storage, "_mem_cache"):
            return dict(storage._mem_cache.items())
        storage = getattr(storage, "storage", None) or getattr(storage, "_persist_storage", None)
    return {}


def cache_snapshot() -> dict[str, str]:
    """Fingerprints of every cached value: st.cache_resource, st.cache_data, functools caches in core."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    snap: dict[str, str] = {}
    for scope, caches in cache_resource_api._resource_caches._function_caches.items():
        for cache in caches.values():
            for k, result in dict(cache._mem_cache.items()).items():
                snap[f"resource/{scope}/{cache.display_name}/{k}"] = fingerprint(
                    getattr(result, "value", result)
                )
    for scope, caches in cache_data_api._data_caches._function_caches.items():
        for cache in caches.values():
            for k, blob in _mem_cache(cache.storage).items():
                snap[f"data/{scope}/{cache.display_name}/{k}"] = fingerprint(blob)
    for lang in text.LANGS:
        snap[f"functools/text.strings/{lang}"] = fingerprint(text.strings(lang))
    return snap


def exercise(rng: random.Random, steps: int) -> int:
    """Open every page, move widgets at random, click buttons; returns how many runs happened."""
    runs = 0
    for page in PAGE_FILES:
        at = open_page(page, rng.choice(["en", "ko"]))
        runs += 1
        for _ in range(steps):
            move(at, rng, click_p=0.3)
            run(at)
            runs += 1
            assert not problems(at), problems(at)
    return runs


@pytest.mark.timeout(3600 if FULL else 300)
def test_nothing_cached_is_ever_mutated() -> None:
    rng = random.Random(8)
    runs = exercise(rng, 3)
    before = cache_snapshot()
    runs += exercise(rng, 12 if FULL else 4)
    after = cache_snapshot()
    shared = before.keys() & after.keys()
    changed = sorted(k for k in shared if before[k] != after[k])
    assert not changed, changed
    assert any(k.startswith("data/") for k in shared)  # the check did look at real cache entries
    figure("cache fingerprints", entries_checked=len(shared), entries_total=len(after), page_runs=runs)


def test_cached_runs_are_pure() -> None:
    """What the cache hands out equals a fresh computation (so sharing it between students is safe)."""
    for cfg in (
        TrainConfig(),
        TrainConfig(dataset="xor", seed=5, epochs=7, optimizer="adam", test_ratio=0.0),
    ):
        fresh_tr, fresh_te = data_for(cfg)
        tr, te = ui.dataset(cfg)
        assert torch.equal(tr.X, fresh_tr.X) and torch.equal(te.y, fresh_te.y)
        assert fingerprint(ui.trained(cfg)) == fingerprint(train(cfg))
        tr.X.mul_(0)  # a page mutating its copy...
        assert torch.equal(ui.dataset(cfg)[0].X, fresh_tr.X)  # ...cannot reach the next student


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_train_never_mutates_its_inputs(optimizer: str) -> None:
    cfg = TrainConfig(dataset="moons", n=80, epochs=5, batch_size=8, optimizer=optimizer, lr=5.0)
    tr, te = split(make_dataset("moons", 80, 1.0, 0), 0.25, 0)
    before = fingerprint((tr, te, cfg))
    train(cfg, data=(tr, te))
    assert fingerprint((tr, te, cfg)) == before


# ---------------------------------------------------------------- two real browsers


def _chromium_or_skip() -> None:
    if not chromium_path() and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed (CI installs it and never skips)")


def expected_weights(cfg: TrainConfig) -> str:
    w1, w2, b = train(cfg).weights(cfg.epochs)
    return f"w₁ = {w1:.3f}, w₂ = {w2:.3f}, b = {b:.3f}"


def _weights_shown(page) -> str:
    body = page.locator("[data-testid=stMain]").inner_text()
    m = re.findall(r"w₁ = -?\d+\.\d{3}, w₂ = -?\d+\.\d{3}, b = -?\d+\.\d{3}", body)
    return m[-1] if m else ""


def _what_shows(*pages) -> list[dict]:
    """For a failure's message: every weights line and counter on each page, and its stale elements."""
    out = []
    for page in pages:
        body = page.locator("[data-testid=stMain]").inner_text()
        out.append(
            {
                "weights": re.findall(r"[^\n]*w₁ = -?\d+\.\d{3}, w₂ = [^\n]*", body),
                "counters": re.findall(r"[^\n]*(?:Epoch|epoch|에포크) \*?\*?\d+[^\n]*", body)[:4],
                "stale": page.locator("[data-stale=true]").count(),
            }
        )
    return out


def _set_number(page, key: str, value: int) -> None:
    box = page.locator(f".st-key-{key.replace('.', '-')} input")
    box.fill(str(value))
    box.press("Enter")


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_two_browsers_training_at_once_never_see_each_other() -> None:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with streamlit_server() as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            a = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            b = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            for pg in (a, b):
                pg.goto(f"{url}/training?lang=en")
                pg.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
            wait_idle(a)
            wait_idle(b)
            a.get_by_text("한국어").click(timeout=90_000)  # A switches to Korean; B must stay English
            _set_number(b, "training.seed", 3)
            wait_idle(a)
            _set_number(a, "training.seed", 7)
            wait_idle(a)
            a.locator(".st-key-training-optimizer button", has_text="Adam").click()
            wait_idle(a)
            wait_idle(b)
            # both press Play at the same moment: two live runs on the server at once, frame after frame
            a.get_by_role("button", name=text.t("live.play", "ko"), exact=True).click(no_wait_after=True)
            b.get_by_role("button", name=text.t("live.play", "en"), exact=True).click(no_wait_after=True)
            played_to_end("training_counter", (a, "ko"), (b, "en"))
            want_a = expected_weights(TrainConfig(seed=7, optimizer="adam"))
            want_b = expected_weights(TrainConfig(seed=3))
            assert want_a != want_b
            assert _weights_shown(a) == want_a and _weights_shown(b) == want_b, _what_shows(a, b)
            assert "훈련" in a.locator("h1").first.inner_text()
            assert "Training" in b.locator("h1").first.inner_text()
            assert a.locator(".st-key-training-seed input").input_value() == "7"
            assert b.locator(".st-key-training-seed input").input_value() == "3"
            body_a = a.locator("[data-testid=stMain]").inner_text()
            body_b = b.locator("[data-testid=stMain]").inner_text()
            assert want_b not in body_a and want_a not in body_b
            # a reload of B is a new session: its own link (settings and language) brings back its view
            b.reload()
            b.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
            wait_idle(b)
            assert b.locator(".st-key-training-seed input").input_value() == "3"
            assert _weights_shown(b) == want_b
            assert "Training" in b.locator("h1").first.inner_text()
            assert _weights_shown(a) == want_a  # A is untouched by B's new session
            for pg in (a, b):
                assert errors(pg) == []
        finally:
            browser.close()
