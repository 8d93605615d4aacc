"""Hostile input corpora: URL query values and uploaded CSV files (bytes made on demand, seeded).

`HOSTILE_QUERY_VALUES` feed tests/reliability/test_hostile.py (AppTest and a real browser). `CSV_CORPUS` maps
a name to a zero-argument function returning the file's bytes, so the 50 MB and 10^6-row files are only built
by the tests that use them. Point any upload validator at it via the `hostile_csv` fixture.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

# ---------------------------------------------------------------- URL query values

HUGE = "9" * 100_000  # 100 KB
HOSTILE_QUERY_VALUES: list[str | list[str]] = [
    "",
    " ",
    HUGE,
    "x" * 100_000,
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "-0",
    "0x1F",
    "1_000",
    "1e-400",
    "99999999999999999999999999999999999999",
    "-99999999999999999999999999999999999999",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    '{"__class__": 1}',
    "한국어",
    "ko-KR",
    "ＫＯ",
    "😀" * 200,
    "\u202eevil\u202c",
    "\u200b\ufeff\u2028\u2029",
    "\x00",
    "\x00\x01\x02\x1b[31mred\x7f",
    "\r\nSet-Cookie: a=b",
    "%00%0d%0a",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "**bold** [link](javascript:alert(1)) $$\\frac{1}{0}$$",
    "{0.__class__.__mro__}",
    "{lang}{}{{",
    "%s%s%s%n",
    "'; DROP TABLE users; --",
    "../../../../etc/passwd",
    "=cmd|' /C calc'!A0",
    "\ufffd\ufffe\uffff",
    ["1", "2"],  # a repeated parameter: ?k=1&k=2
    ["en", "ko", "en"],
    ["", HUGE],
    ["nan"] * 50,
]

# ---------------------------------------------------------------- CSV files


def _rows(n: int, seed: int = 0, delim: str = ",", header: str = "x1,x2,label") -> bytes:
    rng = random.Random(seed)
    lines = [header.replace(",", delim)]
    lines += [f"{rng.uniform(-5, 5):.3f}{delim}{rng.uniform(-5, 5):.3f}{delim}{i % 2}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def _megabytes(mb: int) -> bytes:
    row = b"1.234,-5.678,1\n"
    return b"x1,x2,label\n" + row * (mb * 1_000_000 // len(row))


CSV_CORPUS: dict[str, Callable[[], bytes]] = {
    "valid_small": lambda: _rows(40),
    "empty": lambda: b"",
    "whitespace_only": lambda: b" \n\n\t\r\n",
    "header_only": lambda: b"x1,x2,label\n",
    "binary_random": lambda: random.Random(1).randbytes(4096),
    "binary_png": lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "binary_zip_xlsx": lambda: b"PK\x03\x04" + random.Random(2).randbytes(2048),
    "nul_bytes": lambda: b"x1,x2,label\n1\x00,2,0\n3,4,1\n",
    "utf16": lambda: _rows(20).decode().encode("utf-16"),
    "bom_utf8": lambda: b"\xef\xbb\xbf" + _rows(20),
    "non_utf8_cp949": lambda: "x1,x2,label\n1,2,0\n3,4,1\n# 한글 주석,,\n".encode("cp949"),
    "non_utf8_latin1": lambda: "x1,x2,label\n1,2,0\n3,4,1\ncafé,ü,1\n".encode("latin-1"),
    "invalid_utf8": lambda: b"x1,x2,label\n\xff\xfe\xfa,2,0\n3,4,1\n",
    "semicolon_delimiter": lambda: _rows(20, delim=";"),
    "tab_delimiter": lambda: _rows(20, delim="\t"),
    "pipe_delimiter": lambda: _rows(20, delim="|"),
    "decimal_comma": lambda: b'x1;x2;label\n"1,5";"2,5";0\n"3,5";"-1,0";1\n',
    "no_header": lambda: b"1,2,0\n3,4,1\n5,6,0\n",
    "wrong_columns": lambda: b"a,b,c,d,e\n1,2,3,4,5\n",
    "one_column": lambda: b"x1\n1\n2\n",
    "ragged_rows": lambda: b"x1,x2,label\n1,2,0\n3,4\n5,6,1,7,8\n",
    "one_class": lambda: b"x1,x2,label\n" + b"".join(f"{i},{-i},0\n".encode() for i in range(50)),
    "labels_not_binary": lambda: b"x1,x2,label\n1,2,2\n3,4,-1\n5,6,0.5\n7,8,cat\n",
    "labels_bool_words": lambda: b"x1,x2,label\n1,2,true\n3,4,false\n",
    "nan_inf_cells": lambda: b"x1,x2,label\nnan,1,0\ninf,2,1\n-inf,3,0\n1e309,4,1\nNaN,NaN,NaN\n",
    "huge_numbers": lambda: b"x1,x2,label\n1e300,-1e300,0\n1e38,3.5e38,1\n" + b"9" * 400 + b",1,0\n",
    "formula_injection": lambda: (
        b"x1,x2,label\n=cmd|' /C calc'!A0,1,0\n+SUM(A1:A9),2,1\n-2+3,3,0\n@HYPERLINK(\"http://x\"),4,1\n"
        b'"=1+1",5,0\n\t=1,6,1\n\r=2,7,0\n'
    ),
    "quoted_newlines": lambda: b'x1,x2,label\n"1\n2",3,0\n"4",5,"1\n"\n',
    "unbalanced_quotes": lambda: b'x1,x2,label\n"1,2,0\n3,4,1\n',
    "html_markdown_cells": lambda: b"x1,x2,label\n<script>alert(1)</script>,**b**,0\n`x`,$$\\frac12$$,1\n",
    "control_chars": lambda: b"x1,x2,label\n1\x1b[31m,2,0\n3,4\x07,1\n\x7f,5,0\n",
    "unicode_digits": lambda: "x1,x2,label\n１,２,0\n٣,٤,1\n".encode(),
    "duplicate_header": lambda: b"x1,x1,label\n1,2,0\n3,4,1\n",
    "many_columns": lambda: b",".join(b"c%d" % i for i in range(10_000)) + b"\n" + b"1," * 9999 + b"1\n",
    "huge_single_line": lambda: b"x1,x2,label\n" + b"1" * 5_000_000,
    "huge_single_cell_quoted": lambda: b'x1,x2,label\n"' + b"a" * 2_000_000 + b'",1,0\n',
    "rows_1e6": lambda: _rows(1_000_000, seed=3),
    "size_50mb": lambda: _megabytes(50),
    "crlf_mixed": lambda: b"x1,x2,label\r\n1,2,0\r3,4,1\n5,6,0\r\n",
    "trailing_garbage": lambda: _rows(10) + b"\x00\xff" * 100,
}

LARGE = {"rows_1e6", "size_50mb", "huge_single_line", "huge_single_cell_quoted", "many_columns"}


@pytest.fixture(params=sorted(CSV_CORPUS))
def hostile_csv(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    """(name, bytes) of every file in the hostile CSV corpus."""
    return request.param, CSV_CORPUS[request.param]()
