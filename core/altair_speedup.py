"""Make Altair cheap on every rerun: its schema-to-class table built once, schema validation left to tests.

1. String shorthands.

Altair (6.x) turns a string channel such as ``x2="x2:Q"`` or a tooltip ``"series:N"`` into an object via
``SchemaBase.from_dict``, and every such call re-hashes the JSON schema of ~700 wrapper classes (about
4 ms each; a decision chart made 40 of them). The table depends only on the set of classes, so we keep
the first one per set. Specs come out identical (tests/test_core.py checks); if Altair's internals ever
change shape, this does nothing.

2. Validation. ``st.altair_chart`` calls ``chart.to_dict()``, which checks the whole spec against the
Vega-Lite JSON schema: about half of a chart-heavy page's server time (measured: 95 of 195 ms per
rerun of the Mini-batches page). The charts are built by the same code on every rerun, so the check
belongs in the tests: ``tests/conftest.py`` sets ``NNLAB_VALIDATE_CHARTS=1`` and every chart that any
test or AppTest run draws is validated. Elsewhere (the server) ``to_dict()`` skips it unless asked
with ``validate=True``; an explicit argument always wins. Altair's
"debug mode" (the same check on every part at creation) follows the same switch.
"""

from __future__ import annotations

import functools
import os
from typing import Any

VALIDATE = os.environ.get("NNLAB_VALIDATE_CHARTS") == "1"


def install() -> bool:
    """Patch altair.utils.schemapi._FromDict once; returns whether the patch is active."""
    try:
        from altair.utils import schemapi

        cls: Any = schemapi._FromDict
    except (ImportError, AttributeError):  # pragma: no cover - another Altair
        return False
    if getattr(cls, "_nnlab_memo", None) is not None:
        return True
    original = cls.__init__
    memo: dict[tuple[type, ...], Any] = {}

    def __init__(self: Any, wrapper_classes: Any, /) -> None:
        classes = tuple(wrapper_classes)
        table = memo.get(classes)
        if table is None:
            original(self, classes)
            memo[classes] = self.class_dict
        else:
            self.class_dict = table

    cls.__init__ = __init__
    cls._nnlab_memo = memo
    return True



def _default_validation(fn: Any) -> Any:
    @functools.wraps(fn)
    def to_dict(self: Any, validate: bool | None = None, **kw: Any) -> Any:
        return fn(self, VALIDATE if validate is None else validate, **kw)

    to_dict._nnlab_wrapped = True  # type: ignore[attr-defined]
    return to_dict


def install_validation() -> bool:
    """Make ``VALIDATE`` the default of every Altair top-level chart's ``to_dict``; returns whether active."""
    try:
        import altair as alt
    except ImportError:  # pragma: no cover
        return False
    from altair.utils import schemapi

    schemapi.DEBUG_MODE = VALIDATE  # its check of every part at creation time, too
    todo = [alt.TopLevelMixin]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        fn = cls.__dict__.get("to_dict")
        if fn is not None and not getattr(fn, "_nnlab_wrapped", False):
            cls.to_dict = _default_validation(fn)
    return True


ACTIVE = install()
VALIDATION_PATCHED = install_validation()
