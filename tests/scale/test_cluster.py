"""Past one server without a browser: the nginx template, PostgreSQL, and nginx's routing of plain HTTP and
of Streamlit's websocket over two real replicas (protocol-level sessions, benchmarks/stclient.py)."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT
from scale.servers import (
    DB_ENV,
    ROUTE_COOKIE,
    check_nginx_conf,
    cluster,
    postgres,
    render_nginx_conf,
    require_cluster_tools,
    stop,
)

sys.path.insert(0, str(ROOT / "benchmarks"))

from stclient import Session  # noqa: E402

pytestmark = pytest.mark.usefixtures("_tools")


@pytest.fixture(scope="module")
def _tools() -> None:
    require_cluster_tools()


def get(url: str, route: str | None = None) -> tuple[int, str, str]:
    """GET through nginx with (or without) a route cookie: (status, X-Replica, the route cookie set)."""
    headers = {"Cookie": f"{ROUTE_COOKIE}={route}"} if route else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        cookies = " ".join(r.headers.get_all("Set-Cookie") or [])
        m = re.search(rf"{ROUTE_COOKIE}=(\w+)", cookies)
        return r.status, r.headers.get("X-Replica", ""), m.group(1) if m else ""


def test_the_template_renders_for_three_replicas_and_nginx_accepts_it() -> None:
    with tempfile.TemporaryDirectory() as d:
        addrs = {"r1": "127.0.0.1:9101", "r2": "127.0.0.1:9102", "r3": "127.0.0.1:9103"}
        text = render_nginx_conf(d, "127.0.0.1:9100", addrs)
        conf = Path(d) / "nginx.conf"
        conf.write_text(text)
        t = check_nginx_conf(conf, Path(d))
        assert t.returncode == 0, t.stderr
    # each replica's own upstream lists the two others as backups; the first visit's lists all three
    for name, addr in addrs.items():
        block = re.search(rf"upstream nnlab_{name} \{{(.*?)\}}", text, re.S).group(1)
        assert f"server {addr} max_fails" in block
        assert sorted(re.findall(r"server (\S+) backup;", block)) == sorted(set(addrs.values()) - {addr})
    new = re.search(r"upstream nnlab_new \{(.*?)\}", text, re.S).group(1)
    assert sorted(re.findall(r"server (\S+) max_fails", new)) == sorted(addrs.values())
    assert "ip_hash" not in text.split("http {", 1)[1]  # sticky by cookie: every client may share one IP
    assert "Upgrade $http_upgrade" in text and "proxy_read_timeout 1d" in text


def test_the_compose_config_is_the_template_rendered_for_the_compose_network() -> None:
    addrs = {"r1": "172.28.0.11:8501", "r2": "172.28.0.12:8501"}
    rendered = render_nginx_conf("/var/cache/nginx", "0.0.0.0:8080", addrs)  # noqa: S104
    assert (ROOT / "deploy" / "nginx.compose.conf").read_text() == rendered
    compose = (ROOT / "deploy" / "compose.yaml").read_text()
    for addr in addrs.values():
        assert f"ipv4_address: {addr.split(':')[0]}" in compose


def test_postgres_takes_concurrent_writers_and_is_gone_afterwards() -> None:
    import sqlalchemy as sa

    with postgres() as url:
        assert url.startswith("postgresql+psycopg://nnlab@127.0.0.1:")
        engine = sa.create_engine(url)
        with engine.begin() as c:
            c.execute(sa.text("CREATE TABLE answers (student int PRIMARY KEY, value int)"))

        def write(i: int) -> None:
            with engine.begin() as c:
                c.execute(sa.text("INSERT INTO answers VALUES (:i, :i)"), {"i": i})

        with ThreadPoolExecutor(10) as ex:  # ten connections at once
            list(ex.map(write, range(20)))
        with engine.connect() as c:
            assert c.execute(sa.text("SELECT count(*), sum(value) FROM answers")).one() == (20, 190)
            assert "PostgreSQL" in c.execute(sa.text("SELECT version()")).scalar()
        engine.dispose()
    with pytest.raises(sa.exc.OperationalError):
        sa.create_engine(url, connect_args={"connect_timeout": 2}).connect()


async def _sessions(url: str, routes: list[str | None]) -> list[tuple[int, int]]:
    """One protocol-level student per route cookie (None: none), one after the other: opens the
    Perceptron page and moves w1; (widgets drawn, exceptions shown) of the rerun."""
    out = []
    for route in routes:
        headers = {"Cookie": f"{ROUTE_COOKIE}={route}"} if route else {}
        async with Session(url, "perceptron", headers=headers, timeout=120) as s:
            first = await s.open()
            assert "perceptron.w1" in first.widgets, sorted(first.widgets)
            moved = await s.set("perceptron.w1", first.widgets["perceptron.w1"].proto.default[0] + 0.5)
            out.append((len(moved.widgets), moved.exceptions + first.exceptions))
    return out


def _stream_rows(c) -> list[dict[str, str]]:
    return [r for r in c.proxy.routes() if "/_stcore/stream" in r["request"]]


def test_nginx_spreads_first_visits_keeps_returning_ones_and_fails_over() -> None:
    with cluster(2) as c:
        # each replica has the one database URL
        for r in c.replicas:
            env = Path(f"/proc/{r.proc.pid}/environ").read_bytes().split(b"\0")
            assert f"{DB_ENV}={c.db_url}".encode() in env
        # first visits (no cookie): round robin, and the response names the replica in the cookie
        firsts = [get(c.url + "/") for _ in range(4)]
        assert all(status == 200 for status, _, _ in firsts)
        served = [replica for _, replica, _ in firsts]
        assert sorted(served[:2]) == ["r1", "r2"] and served[2:] == served[:2], served
        assert [cookie for _, _, cookie in firsts] == served
        # a returning browser: always its replica (a stale or unknown cookie counts as a first visit)
        for route in ("r1", "r2", "r2", "r1", "r2"):
            assert get(c.url + "/_stcore/health", route) == (200, route, route)
        assert get(c.url + "/_stcore/health", "r9")[1] in ("r1", "r2")
        # a request body larger than nginx's memory buffer (an uploaded CSV) goes through its temp file
        # to the replica: Streamlit's answer (405: health takes no POST), not nginx's 500
        big = urllib.request.Request(c.url + "/_stcore/health", data=b"x" * 300_000, method="POST")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(big, timeout=30)
        assert answer.value.code == 405, answer.value
        assert "Permission denied" not in (c.proxy.dir / "error.log").read_text()

        # websockets through nginx: a page runs and a slider reruns it, pinned or round robin
        n0 = len(_stream_rows(c))
        results = asyncio.run(_sessions(c.url, ["r2", "r1", "r2", None, None]))
        assert all(widgets > 0 and exceptions == 0 for widgets, exceptions in results), results
        rows = _stream_rows(c)[n0:]  # a websocket is logged when it closes: in order here
        assert [r["status"] for r in rows] == ["101"] * 5, rows
        assert [r["served"] for r in rows[:3]] == ["r2", "r1", "r2"], rows
        assert sorted(r["served"] for r in rows[3:]) == ["r1", "r2"], rows  # unpinned: one each

        # r2 dies: browsers pinned to it land on r1 and are re-pinned there; new ones all go to r1
        stop(c.replica("r2").proc)
        assert get(c.url + "/_stcore/health", "r2") == (200, "r1", "r1")
        assert [get(c.url + "/")[1] for _ in range(3)] == ["r1"] * 3
        results = asyncio.run(_sessions(c.url, ["r2", None]))
        assert all(widgets > 0 and exceptions == 0 for widgets, exceptions in results), results
        assert [r["served"] for r in _stream_rows(c)[-2:]] == ["r1", "r1"]


def test_the_class_cluster_hook_yields_a_database_nginx_and_each_replica(class_cluster) -> None:
    """The fixture the class tests use (tests/scale/conftest.py): every URL it gives answers."""
    import sqlalchemy as sa

    with sa.create_engine(class_cluster.db_url).connect() as conn:
        assert conn.execute(sa.text("SELECT current_database()")).scalar() == "nnlab"
    assert len(class_cluster.replica_urls) == 2
    for i, url in enumerate(class_cluster.replica_urls, start=1):
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as r:
            assert r.status == 200
        assert get(class_cluster.url + "/_stcore/health", f"r{i}") == (200, f"r{i}", f"r{i}")
        assert class_cluster.replica(f"r{i}").url == url
