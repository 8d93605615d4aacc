"""Database servers for tests: a throw-away PostgreSQL on a free loopback port (Debian's postgresql 15).

`postgres()` runs `initdb` in a temporary directory, starts the server with `pg_ctl` (listening on
127.0.0.1 only, its socket in the same directory; as the `postgres` user when the tests run as root, which
initdb refuses), yields a SQLAlchemy URL (`postgresql+psycopg://...`)
and always stops the server it started (by the postmaster's process id), then removes the directory.
Without the binaries it skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from live import free_port

PG_BIN = Path(os.environ.get("NNLAB_PG_BIN", "/usr/lib/postgresql/15/bin"))


def require_postgres() -> None:
    """Skip without PostgreSQL's binaries; under CI=true that is a failure."""
    if not (PG_BIN / "initdb").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI (no {PG_BIN / 'initdb'})")
        pytest.skip(f"no PostgreSQL at {PG_BIN}")


def _as_owner(tmp: str) -> list[str]:
    """The command prefix that runs PostgreSQL's tools as a normal user (root: `runuser -u postgres`,
    the directory handed to that user); nothing when the tests run as a normal user already."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres")
    shutil.chown(tmp, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


def _stop(pid: int, timeout: float = 20.0) -> None:
    """Stop the postmaster `pid` (fast shutdown: SIGINT), then SIGKILL it if it does not go."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def postgres(max_connections: int = 100) -> Iterator[str]:
    """A fresh PostgreSQL server; yields its URL (database `postgres`, user `nnlab`, trust on loopback)."""
    require_postgres()
    with tempfile.TemporaryDirectory(prefix="nnlab-pg-") as tmp:
        data = Path(tmp) / "data"
        owner = _as_owner(tmp)
        subprocess.run(
            [
                *owner,
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "nnlab",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        port = free_port()
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={tmp} "
            f"-c max_connections={max_connections} -c fsync=off"
        )
        subprocess.run(
            [
                *owner,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(Path(tmp) / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        pid = int((data / "postmaster.pid").read_text().split()[0])
        try:
            yield f"postgresql+psycopg://nnlab@127.0.0.1:{port}/postgres"
        finally:
            _stop(pid)
