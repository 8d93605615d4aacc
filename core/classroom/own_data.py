"""A student's own data: a CSV file with columns x1, x2, label, validated strictly and explained clearly.

`read_csv(raw)` never raises: it returns the points or one `CsvError` whose `code` names a message in
core/classroom/locales/*/share.toml (`share.csv.<code>`, with `detail` as placeholders).
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import torch

from core.maths.data import Dataset

MAX_BYTES = 1_000_000  # 1 MB (the server allows 5 MB uploads; data for a 2-D perceptron is far smaller)
MAX_ROWS = 5000
MAX_ABS = 1e4  # coordinates beyond this are almost certainly a unit or column mistake
COLUMNS = ("x1", "x2", "label")
OPTIONAL = ("set",)  # the lab's own data download adds train/test; ignored on upload
EXTRA_SHOWN = 3  # other columns are read around; the note names this many of them
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvError:
    """Why a file was refused: a message code and its placeholders."""

    code: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CsvData:
    """Accepted points, with notes worth telling the student (e.g. the delimiter that was detected)."""

    data: Dataset
    notes: tuple[CsvError, ...] = ()

    @property
    def digest(self) -> str:
        """A short fingerprint of the points (a cache key)."""
        h = hashlib.sha256(self.data.X.numpy().tobytes() + self.data.y.numpy().tobytes())
        return h.hexdigest()[:16]


def _decode(raw: bytes) -> str | None:
    if b"\x00" in raw:
        return None
    for enc in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as cp949
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _cell(text: str) -> str:
    """A cell for display inside a message: short, one line, no markdown code fences."""
    s = text.replace("`", "'").replace("\n", " ").replace("\r", " ")
    return s if len(s) <= 24 else s[:23] + "…"


def _number(text: str) -> float | None:
    s = text.strip()
    if not s or any(ch.isspace() for ch in s) or not s.isascii():
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _names(cells: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff").lower() for c in cells]


def _named_delimiter(header: str) -> str | None:
    """The delimiter that splits the header into cells naming x1, x2 and label once each (other columns
    may come too), or None."""
    for d in DELIMITERS:
        names = _names(next(csv.reader([header], delimiter=d)))
        if all(names.count(c) == 1 for c in COLUMNS):
            return d
    return None


def read_csv(raw: bytes) -> CsvData | CsvError:
    """Parse and validate an uploaded CSV (x1, x2, label with 0/1 labels, both classes present; other
    columns are left out with a note naming them)."""
    if len(raw) > MAX_BYTES:
        return CsvError("too_large", {"size": f"{len(raw) / 1e6:.1f}", "limit": f"{MAX_BYTES / 1e6:g}"})
    if not raw.strip():
        return CsvError("empty")
    text = _decode(raw)
    if text is None:
        return CsvError("binary")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return CsvError("empty")
    header = lines[0]
    delim = _named_delimiter(header)
    notes: list[CsvError] = []
    if delim is None:
        found = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
        cols = next(csv.reader([header], delimiter=max(DELIMITERS, key=lambda d: found[d])))
        if all(_number(c) is not None for c in cols):
            return CsvError("no_header")
        return CsvError("columns", {"found": _cell(", ".join(c.strip() for c in cols))})
    if delim != ",":
        notes.append(CsvError("delimiter", {"delimiter": DELIMITERS[delim]}))
    rows = list(csv.reader(lines, delimiter=delim))
    names = _names(rows[0])
    extra = [c.strip() for c, name in zip(rows[0], names) if name not in COLUMNS and name not in OPTIONAL]
    if extra:  # a spreadsheet's notes or ids: read around them, and say which columns were left out
        shown = ", ".join(c or '""' for c in extra[:EXTRA_SHOWN]) + (
            ", …" if len(extra) > EXTRA_SHOWN else ""
        )
        notes.append(CsvError("extra_columns", {"count": len(extra), "names": _cell(shown)}))
    body = rows[1:]
    if not body:
        return CsvError("no_rows")
    if len(body) > MAX_ROWS:
        return CsvError("too_many_rows", {"rows": len(body), "limit": MAX_ROWS})
    where = [names.index(c) for c in COLUMNS]
    values: list[list[float]] = []
    for i, row in enumerate(body, start=2):  # line numbers as a spreadsheet shows them
        if len(row) != len(names):
            return CsvError("row_length", {"row": i, "found": len(row), "expected": len(names)})
        nums = []
        for j in where:
            cell = row[j]
            num = _number(cell)
            if num is None:
                code = "formula" if cell.strip().startswith(FORMULA_START) else "not_number"
                if code == "not_number" and _number(cell.replace(",", ".", 1)) is not None:
                    code = "decimal_comma"
                return CsvError(code, {"row": i, "column": names[j], "value": _cell(cell)})
            if not math.isfinite(num):
                return CsvError("not_finite", {"row": i, "column": names[j], "value": _cell(cell)})
            nums.append(num)
        if nums[2] not in (0.0, 1.0):
            return CsvError("label", {"row": i, "value": _cell(row[where[2]].strip())})
        if abs(nums[0]) > MAX_ABS or abs(nums[1]) > MAX_ABS:
            return CsvError("too_far", {"row": i, "limit": f"{MAX_ABS:g}"})
        values.append(nums)
    t = torch.tensor(values, dtype=torch.float32)
    counts = [int((t[:, 2] == c).sum()) for c in (0, 1)]
    if min(counts) == 0:
        return CsvError("one_class", {"label": 0 if counts[0] else 1})
    return CsvData(Dataset(t[:, :2].contiguous(), t[:, 2].contiguous()), tuple(notes))
