"""Past one server, for real on this machine: a PostgreSQL, N lab replicas and nginx in front of them.

Self-contained (no import from the rest of tests/) so that `scripts/serve_replicas.py` and
`benchmarks/bench_class.py` use the same code. Everything binds to 127.0.0.1 on free ports, lives in
its own temporary directory and is stopped by the process id this module started, even when the
test fails (context managers). Debian packages: `postgresql` (/usr/lib/postgresql/<major>/bin) and
`nginx` (/usr/sbin/nginx); `.ci/run` installs both.

    with cluster(replicas=2) as c:      # PostgreSQL + 2 replicas + nginx
        c.url, c.db_url, c.replica_urls

As root (CI containers), PostgreSQL runs as the `postgres` user: initdb refuses root.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"


def _pg_bin() -> Path:
    """Debian's PostgreSQL binaries: $NNLAB_PG_BIN, else the newest /usr/lib/postgresql/<major>/bin."""
    if os.environ.get("NNLAB_PG_BIN"):
        return Path(os.environ["NNLAB_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
NGINX = os.environ.get("NNLAB_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
DB_ENV = "NNLAB_CLASS_DB_URL"  # where the class store reads its database URL (after st.secrets)
ROUTE_COOKIE = "nnlab_route"  # nginx's sticky cookie: its value is a replica's name (r1, r2, ...)


def missing() -> list[str]:
    """What this machine lacks to run a cluster (empty: everything is there)."""
    out = [str(PG_BIN / b) for b in ("initdb", "postgres") if not (PG_BIN / b).exists()]
    return out + ([] if Path(NGINX).exists() else [NGINX])


def require_cluster_tools() -> None:
    """Skip (fail on CI) when PostgreSQL or nginx is not installed."""
    import pytest

    lacking = missing()
    if lacking:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {lacking}")
        pytest.skip(f"not installed: {lacking} (CI installs postgresql and nginx and never skips)")


def pin(context, c: Cluster, replica: str) -> None:
    """Send a browser context's requests to one replica (nginx's route cookie, as if it had been there)."""
    context.add_cookies([{"name": ROUTE_COOKIE, "value": replica, "url": c.url}])


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process this module started and everything in its process group: `sig`, then KILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # children left in the group (a PostgreSQL backend, a Streamlit helper): gone too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def wait_for(
    check, what: str, proc: subprocess.Popen, timeout: float = 90, log: Path | None = None, errors=OSError
) -> None:
    """Poll `check()` until it is true (`errors` count as not yet); fail with the log's tail if `proc`
    exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(errors):
            if check():
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            state = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
            raise RuntimeError(f"{what} {state}\n{tail}")
        time.sleep(0.1)


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as r:
        return r.status == 200


# ---- PostgreSQL ---------------------------------------------------------------------------------------


def _as_postgres() -> dict:
    """Popen arguments that run a PostgreSQL binary as the `postgres` user when we are root."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


@contextlib.contextmanager
def postgres(durable: bool = False) -> Iterator[str]:
    """A fresh PostgreSQL cluster on a free loopback port, database `nnlab`; yields its SQLAlchemy URL
    (`postgresql+psycopg://nnlab@127.0.0.1:PORT/nnlab`). Trust authentication, loopback only: a
    throwaway test database. `durable=False` turns fsync off (tests); the benchmark keeps it on."""
    import psycopg

    base = Path(tempfile.mkdtemp(prefix="nnlab-scale-pg-"))
    data, log = base / "data", base / "postgres.log"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    run = _as_postgres()
    proc = None
    try:
        init = subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "nnlab", "--auth=trust", "-E", "UTF8"]
            + ["--locale=C", "--no-instructions"],
            capture_output=True,
            text=True,
            **run,
        )
        if init.returncode:
            raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        port = free_port()
        opts = ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={base}"]
        if not durable:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        with open(log, "w") as out:
            if os.geteuid() == 0:
                shutil.chown(log, "postgres", "postgres")
            proc = subprocess.Popen(
                [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), *opts],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **run,
            )
        dsn = f"host=127.0.0.1 port={port} user=nnlab dbname=postgres connect_timeout=2"
        wait_for(lambda: psycopg.connect(dsn).close() is None, "PostgreSQL", proc, 60, log, psycopg.Error)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE DATABASE nnlab")
        yield f"postgresql+psycopg://nnlab@127.0.0.1:{port}/nnlab"
    finally:
        if proc is not None:
            stop(proc, signal.SIGINT)  # SIGINT: PostgreSQL's "fast" shutdown (clients are cut off)
        shutil.rmtree(base, ignore_errors=True)


# ---- lab replicas -------------------------------------------------------------------------------------


@dataclass
class Replica:
    """One `streamlit run streamlit_app.py` process of the cluster."""

    name: str  # r1, r2, ...: nginx's name for it (the route cookie's value, the X-Replica header)
    url: str
    proc: subprocess.Popen
    log: Path

    @property
    def addr(self) -> str:
        return self.url.removeprefix("http://")


def start_replica(name: str, db_url: str, logdir: Path, cookie_secret: str, port: int = 0) -> Replica:
    """Start one replica (not waiting for it): its database URL in the environment, the cluster's shared
    cookie secret (Streamlit signs its XSRF cookie with it: a browser moved to another replica after a
    failover keeps a valid one)."""
    port = port or free_port()
    env = {**os.environ, DB_ENV: db_url, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
    log = logdir / f"{name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Replica(name, f"http://127.0.0.1:{port}", proc, log)


@contextlib.contextmanager
def replicas(
    n: int, db_url: str, logdir: Path, cookie_secret: str | None = None, ports: list[int] | None = None
) -> Iterator[list[Replica]]:
    """`n` replicas on one database (on `ports`, else free ones), started together, healthy when
    yielded; always stopped."""
    secret = cookie_secret or secrets.token_hex(32)
    started: list[Replica] = []
    try:
        for i in range(n):
            started.append(start_replica(f"r{i + 1}", db_url, logdir, secret, ports[i] if ports else 0))
        for r in started:
            wait_for(lambda r=r: http_ok(r.url + "/_stcore/health"), f"replica {r.name}", r.proc, 120, r.log)
        yield started
    finally:
        for r in started:
            stop(r.proc)


# ---- nginx --------------------------------------------------------------------------------------------


def render_nginx_conf(prefix: Path | str, listen: str, replica_addrs: dict[str, str]) -> str:
    """deploy/nginx.conf with its placeholders filled: `replica_addrs` maps a replica's name (r1, ...)
    to its host:port; `#@each replica` ... `#@end` blocks are repeated per replica."""
    text = TEMPLATE.read_text()

    def each(m: re.Match) -> str:
        block = m.group(1)
        out = []
        for name, addr in replica_addrs.items():
            backups = "\n        ".join(
                f"server {other} backup;" for n2, other in replica_addrs.items() if n2 != name
            )
            out.append(
                block.replace("${NAME}", name)
                .replace("${ADDR_RE}", re.escape(addr))
                .replace("${ADDR}", addr)
                .replace("${BACKUPS}", backups)
            )
        return "".join(out)

    text = re.sub(r"^#@each replica\n(.*?)^#@end\n", each, text, flags=re.S | re.M)
    text = text.replace("${PREFIX}", str(prefix)).replace("${LISTEN}", listen)
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    left = re.findall(r"\$\{[A-Z_]+\}", code)
    if left:
        raise ValueError(f"unfilled placeholders in {TEMPLATE}: {sorted(set(left))}")
    return (
        "# RENDERED from deploy/nginx.conf (scripts/serve_replicas.py --print-config): edit that, not this\n"
        + text
    )


@dataclass
class Nginx:
    url: str
    proc: subprocess.Popen
    dir: Path

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    def routes(self) -> list[dict[str, str]]:
        """The access log so far, one dict per request: route (cookie sent), served (replica that
        answered), upstream, status, request ("GET /path HTTP/1.1")."""
        pat = re.compile(r'(\S+) route="([^"]*)" served="([^"]*)" upstream="([^"]*)" status=(\d+) "([^"]*)"')
        rows = []
        for line in self.access_log.read_text().splitlines():
            m = pat.match(line)
            if m:
                t, route, served, upstream, status, request = m.groups()
                rows.append(
                    dict(t=t, route=route, served=served, upstream=upstream, status=status, request=request)
                )
        return rows


def check_nginx_conf(conf: Path, prefix: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a rendered config."""
    return subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)


@contextlib.contextmanager
def nginx(
    replica_addrs: dict[str, str], workdir: Path, port: int = 0, host: str = "127.0.0.1"
) -> Iterator[Nginx]:
    """nginx on `host`:`port` (a free loopback port by default) in front of `replica_addrs` (name ->
    host:port); stopped by its pid."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)  # nginx makes its temp directories in it (for its workers)
    if os.geteuid() == 0:
        # as root, nginx's workers run as nobody: they write request bodies (a CSV upload) to
        # <workdir>/body_temp, so they must be able to reach it (mkdtemp made its parents 0700)
        for d in [workdir, *workdir.parents]:
            if d == Path(tempfile.gettempdir()) or d == d.parent:
                break
            d.chmod(d.stat().st_mode | 0o011)  # search (x) only for group and others, no listing
    conf = workdir / "nginx.conf"
    conf.write_text(render_nginx_conf(workdir, f"{host}:{port}", replica_addrs))
    t = check_nginx_conf(conf, workdir)
    if t.returncode:
        raise RuntimeError(f"nginx -t failed:\n{t.stderr}")
    out = open(workdir / "nginx.out", "w")
    proc = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf)],
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    near = "127.0.0.1" if host in ("0.0.0.0", "*") else host  # noqa: S104  (what to probe, not to bind)
    url = f"http://{near}:{port}"
    try:
        wait_for(lambda: socket.create_connection((near, port), 1).close() is None, "nginx", proc, 30)
        yield Nginx(url, proc, workdir)
    finally:
        stop(proc, signal.SIGQUIT)  # SIGQUIT: graceful; websockets are then cut by the KILL after 15 s
        out.close()


# ---- all of it ----------------------------------------------------------------------------------------


@dataclass
class Cluster:
    """What `cluster()` yields (the `class_cluster` fixture too)."""

    db_url: str  # SQLAlchemy URL every replica has in NNLAB_CLASS_DB_URL
    url: str  # nginx: what a browser opens
    replicas: list[Replica]
    proxy: Nginx
    dir: Path
    extra: dict = field(default_factory=dict)

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)


@contextlib.contextmanager
def cluster(n: int = 2, db: str = "postgres", durable: bool = False) -> Iterator[Cluster]:
    """PostgreSQL (or `db="sqlite"`: one SQLite file, for one replica) + `n` replicas + nginx."""
    work = Path(tempfile.mkdtemp(prefix="nnlab-scale-"))
    try:
        with contextlib.ExitStack() as stack:
            if db == "postgres":
                db_url = stack.enter_context(postgres(durable=durable))
            elif db == "sqlite":
                db_url = f"sqlite:///{work / 'class.db'}"
            else:
                raise ValueError(db)
            reps = stack.enter_context(replicas(n, db_url, work))
            proxy = stack.enter_context(nginx({r.name: r.addr for r in reps}, work / "nginx"))
            yield Cluster(db_url, proxy.url, reps, proxy, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
