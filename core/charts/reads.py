"""What a chart's drawing reads besides its datasets, as a digest: the check of kept specs in the tests
(core.charts.figure, NNLAB_CHECK_CHARTS) draws a chart afresh only for inputs it has not compared yet.

A drawing (`draw(d)`) is a function: what it makes depends on its `Refs` (dataset names and domains, all in
the figure's key) and on what its code can reach: the values its closure holds, its default arguments, and
the module-level names its code uses, through the functions it calls too. Two calls whose digests are equal
draw the same spec, so comparing one of them is enough. A value this module cannot digest (an object of
an unknown class) gives no digest: the check then draws afresh every time, as it would without it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import types
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd


class _Opaque(Exception):
    """A value whose content cannot be digested."""


_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def digest(draw: Callable[..., Any]) -> bytes | None:
    """A digest of everything `draw` reads besides its argument, or None if some of it cannot be digested."""
    h = hashlib.blake2b(digest_size=16)
    try:
        _feed(h, draw, {})
    except _Opaque:
        return None
    return h.digest()


@functools.cache  # a code object never changes (and lives as long as its module)
def _names(code: types.CodeType) -> tuple[str, ...]:
    """The global names `code` and the code nested in it (lambdas, comprehensions) may read."""
    out = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out += _names(const)
    return tuple(dict.fromkeys(out))


def _feed(h: Any, v: Any, seen: dict[int, Any]) -> None:
    # `seen` holds the values themselves, not only their ids: a temporary (a tuple made here) freed during
    # the digest could otherwise hand its id to a later value, which would then count as "met before"
    if isinstance(v, _SCALARS):
        h.update(f"{type(v).__name__}:{v!r};".encode())
        return
    if id(v) in seen:  # a value met before in this digest (a cycle, or shared): its place is enough
        h.update(b"@;")
        return
    seen[id(v)] = v
    if isinstance(v, list | tuple):
        h.update(f"{type(v).__name__}[{len(v)}".encode())
        for x in v:
            _feed(h, x, seen)
        h.update(b"]")
    elif isinstance(v, Mapping):
        h.update(f"{type(v).__name__}{{{len(v)}".encode())
        for k, x in v.items():
            _feed(h, k, seen)
            _feed(h, x, seen)
        h.update(b"}")
    elif isinstance(v, set | frozenset):
        h.update(b"set")
        _feed(h, sorted(repr(x) for x in v), seen)
    elif isinstance(v, np.ndarray):
        h.update(f"nd{v.dtype.str}{v.shape}".encode())
        if v.dtype.kind == "O":
            _feed(h, v.tolist(), seen)
        else:
            h.update(np.ascontiguousarray(v).tobytes())
    elif isinstance(v, np.generic):
        _feed(h, v.item(), seen)
    elif isinstance(v, pd.DataFrame):
        h.update(b"df")
        _feed(h, [str(c) for c in v.columns], seen)
        _feed(h, v.index.to_numpy(), seen)
        for c in v.columns:
            _feed(h, str(v[c].dtype), seen)
            _feed(h, v[c].to_numpy(), seen)
    elif isinstance(v, pd.Series):
        h.update(b"series")
        _feed(h, (str(v.name), str(v.dtype)), seen)
        _feed(h, v.index.to_numpy(), seen)
        _feed(h, v.to_numpy(), seen)
    elif isinstance(v, types.FunctionType):
        code = v.__code__
        # the same code object (kept alive by its module): the same body
        h.update(f"fn{id(code)}:{code.co_filename}:{code.co_firstlineno}:{code.co_qualname}".encode())
        _feed(h, (v.__defaults__, v.__kwdefaults__), seen)
        for cell in v.__closure__ or ():
            try:
                _feed(h, cell.cell_contents, seen)
            except ValueError:  # a cell not filled yet
                h.update(b"empty;")
        for name in _names(code):
            if name in v.__globals__:
                _feed(h, name, seen)
                _feed(h, v.__globals__[name], seen)
    elif isinstance(v, types.MethodType):
        _feed(h, (v.__func__, v.__self__), seen)
    elif isinstance(v, functools.partial):
        _feed(h, (v.func, v.args, v.keywords), seen)
    elif isinstance(v, types.ModuleType | types.BuiltinFunctionType | type):
        h.update(f"{type(v).__name__}:{getattr(v, '__module__', '')}.{v.__name__};".encode())
    elif isinstance(v, enum.Enum):
        h.update(f"enum:{v!r};".encode())
    elif dataclasses.is_dataclass(v):
        h.update(f"dc:{type(v).__qualname__}".encode())
        _feed(h, [(f.name, getattr(v, f.name)) for f in dataclasses.fields(v)], seen)
    else:
        raise _Opaque(type(v).__qualname__)
