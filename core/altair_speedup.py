"""Make Altair's string shorthands cheap: build its schema-to-class table once, not on every call.

Altair (6.x) turns a string channel such as ``x2="x2:Q"`` or a tooltip ``"series:N"`` into an object via
``SchemaBase.from_dict``, and every such call re-hashes the JSON schema of ~700 wrapper classes (about
4 ms each; a decision chart made 40 of them). The table depends only on the set of classes, so we keep
the first one per set. Specs come out identical (tests/test_core.py checks); if Altair's internals ever
change shape, this does nothing.
"""

from __future__ import annotations

from typing import Any


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


ACTIVE = install()
