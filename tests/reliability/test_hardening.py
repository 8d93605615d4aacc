"""Hardening: server config (XSRF on, upload limit, no error details), no eval/exec/pickle of anything,
ruff's security rules on, and a failing app shown through the real server without its details."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import tomllib
import urllib.error
import urllib.request

import pytest

from conftest import ROOT
from live import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_idle

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SOURCES = sorted(
    p for p in ROOT.rglob("*.py") if not ({".git", ".venv", "venv", "node_modules"} & set(p.parts))
)


def test_server_config_is_hardened() -> None:
    server, client = CONFIG["server"], CONFIG["client"]
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True  # not switched off (it would weaken XSRF)
    assert 1 <= server["maxUploadSize"] <= 10  # MB
    assert server.get("maxMessageSize", 200) <= 200
    assert client["showErrorDetails"] in ("none", False)
    assert server.get("runOnSave") is not True and server.get("headless") is True
    assert CONFIG.get("global", {}).get("developmentMode") is not True
    assert CONFIG.get("browser", {}).get("gatherUsageStats") is False


def test_ruff_security_rules_are_on_and_never_waived() -> None:
    lint = PYPROJECT["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    banned = {"S102", "S301", "S307", "S403", "S506", "S614", "S701", "S", "S1", "S3", "S30"}
    waived = set(lint.get("ignore", [])) | {c for v in lint.get("per-file-ignores", {}).values() for c in v}
    assert not banned & waived, banned & waived
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.search(r"noqa:([^#]*)", line)
            assert not (m and banned & {c.strip() for c in m.group(1).split(",")}), (path, line)


def test_ruff_finds_no_eval_exec_or_pickle() -> None:
    out = subprocess.run(
        [
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "S102,S301,S307,S403,S506",
            "--output-format",
            "concise",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


DANGEROUS_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
DANGEROUS_ATTRS = {
    ("pickle", "loads"),
    ("pickle", "load"),
    ("pickle", "Unpickler"),
    ("cPickle", "loads"),
    ("dill", "loads"),
    ("marshal", "loads"),
    ("marshal", "load"),
    ("shelve", "open"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("torch", "load"),
    ("np", "load"),
    ("numpy", "load"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
    ("os", "system"),
    ("os", "popen"),
    ("subprocess", "getoutput"),
}


def test_no_eval_exec_or_unpickling_anywhere() -> None:
    """The source (app, core, pages, tests, scripts) never calls eval/exec/pickle loaders (AST, not regex:
    `model.eval()` is torch, not Python's eval)."""
    found = []
    for path in SOURCES:
        src = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src, str(path))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Name) and f.id in DANGEROUS_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {f.id}(")
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                if (f.value.id, f.attr) in DANGEROUS_ATTRS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {f.value.id}.{f.attr}(")
        for m in re.finditer(r"^\s*(import|from)\s+(pickle|cPickle|dill|marshal|shelve)\b", src, re.M):
            found.append(f"{path.relative_to(ROOT)}: {m.group(0).strip()}")
    assert not found, found


def test_the_translations_are_data_not_code() -> None:
    """Strings live in TOML and are only str.format-ed with values from code; no {x.attr} or {x[0]}."""
    from core.classroom.text import LANGS, strings

    for lang in LANGS:
        for key, s in strings(lang).items():
            assert not re.search(r"\{[^}]*[.\[!]", s), (lang, key, s)


def _chromium_or_skip() -> None:
    if not chromium_path() and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed (CI installs it and never skips)")


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_a_failing_app_shows_a_friendly_message_without_details() -> None:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with streamlit_server("tests/apps/raises.py") as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector("h1", timeout=60_000)
            wait_idle(page)
            page.wait_for_selector("[data-testid=stException], [data-testid=stAlert]", timeout=30_000)
            body = page.locator("body").inner_text()
            html = page.content()
            assert "Before the error" in body
            for secret in ("SECRET-DETAIL-4f2a", "hunter2", "Traceback", "raises.py", "RuntimeError"):
                assert secret not in body and secret not in html, secret
            assert re.search(r"error|오류", body, re.I), body[-500:]  # a friendly message is shown
        finally:
            browser.close()


@pytest.mark.timeout(120)
def test_the_server_refuses_uploads_without_the_xsrf_token() -> None:
    with streamlit_server() as (url, _proc):
        req = urllib.request.Request(
            f"{url}/_stcore/upload_file/session/file",
            data=b"--b\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\n1,2,0\r\n"
            b"--b--\r\n",
            method="PUT",
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code in (400, 403), err.value.code
