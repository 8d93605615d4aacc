"""Serve the lab past one server: N Streamlit replicas on one database, behind nginx (deploy/nginx.conf).

    # your PostgreSQL (one URL for every replica; the class store reads NNLAB_CLASS_DB_URL):
    python scripts/serve_replicas.py --replicas 3 --listen 0.0.0.0 --port 8080 \\
        --db-url postgresql+psycopg://USER:PASSWORD@HOST:5432/nnlab
    # a throwaway PostgreSQL on this machine (Debian's `postgresql` package; deleted on exit):
    python scripts/serve_replicas.py --replicas 2 --port 8080 --local-postgres
    # only print the rendered nginx config (to install it in your own nginx):
    python scripts/serve_replicas.py --print-config --replicas 2 --port 8080 --replica-ports 8501,8502
    # deploy/nginx.compose.conf (deploy/compose.yaml's nginx) is this, for the compose network:
    python scripts/serve_replicas.py --print-config --listen 0.0.0.0 --port 8080 --prefix /var/cache/nginx \
        --replica-addrs 172.28.0.11:8501,172.28.0.12:8501 > deploy/nginx.compose.conf

Students open http://<this machine>:<port>/. Everything started here is stopped by its process id on
Ctrl-C (replicas, nginx, the local PostgreSQL). Add a replica per ~30 students (README, "Scaling").
The processes and the config are the ones tests/scale starts and checks (tests/scale/servers.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scale.servers import nginx, postgres, render_nginx_conf, replicas  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080, help="nginx's port (what students open)")
    ap.add_argument(
        "--listen", default="127.0.0.1", help="nginx's address (0.0.0.0: the classroom's network)"
    )
    ap.add_argument("--replica-ports", default="", help="comma-separated (default: 8501, 8502, ...)")
    db = ap.add_mutually_exclusive_group()
    db.add_argument("--db-url", default=os.environ.get("NNLAB_CLASS_DB_URL", ""), help="SQLAlchemy URL")
    db.add_argument("--local-postgres", action="store_true", help="start a throwaway PostgreSQL here")
    ap.add_argument("--print-config", action="store_true", help="print the nginx config and exit")
    ap.add_argument(
        "--replica-addrs", default="", help="--print-config: host:port,... (default: loopback ports)"
    )
    ap.add_argument("--prefix", default="/var/lib/nnlab-nginx", help="--print-config: nginx's directory")
    a = ap.parse_args()
    ports = [int(p) for p in a.replica_ports.split(",") if p] or [8501 + i for i in range(a.replicas)]
    if len(ports) != a.replicas:
        ap.error("--replica-ports needs one port per replica")
    addrs = [x for x in a.replica_addrs.split(",") if x] or [f"127.0.0.1:{port}" for port in ports]
    names = {f"r{i + 1}": addr for i, addr in enumerate(addrs)}
    if a.print_config:
        print(render_nginx_conf(a.prefix, f"{a.listen}:{a.port}", names), end="")
        return
    if not a.db_url and not a.local_postgres:
        ap.error("give --db-url (every replica must share one database) or --local-postgres")
    work = Path(tempfile.mkdtemp(prefix="nnlab-serve-"))
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres(durable=True)) if a.local_postgres else a.db_url
        reps = stack.enter_context(
            replicas(a.replicas, url, work, os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET"), ports)
        )
        proxy = stack.enter_context(nginx({r.name: r.addr for r in reps}, work / "nginx", a.port, a.listen))
        print(f"lab: {proxy.url}/  ({a.replicas} replicas: {', '.join(r.url for r in reps)})")
        print(f"logs: {work} (nginx/access.log says which replica served whom); Ctrl-C stops everything")
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
        with contextlib.suppress(KeyboardInterrupt):
            while not stopping and all(r.proc.poll() is None for r in reps) and proxy.proc.poll() is None:
                time.sleep(1)
        dead = [r.name for r in reps if r.proc.poll() is not None]
        if dead:
            print(f"replica(s) {dead} exited: stopping (see {work})", file=sys.stderr)


if __name__ == "__main__":
    main()
