"""Fixtures of the scale-out tests: PostgreSQL, lab replicas and nginx, started for real (scale/servers.py).

Without PostgreSQL or nginx installed these tests skip, except under CI=true (`.ci/run` installs both),
where they fail: the same rule as Chromium's (live.require_chromium).

HOOK FOR THE CLASS TESTS: `class_cluster` (one per test module) yields a `scale.servers.Cluster`:
    class_cluster.db_url        PostgreSQL URL every replica reads from NNLAB_CLASS_DB_URL
    class_cluster.url           nginx: what browser contexts open (`/classroom?class=CODE[&key=KEY]`)
    class_cluster.replica_urls  each replica directly (r1, r2, ...)
Put a browser context on a chosen replica (the teacher on r1, students on r2) with `scale.servers.pin(context,
class_cluster, "r2")` before its first page load; unpinned contexts alternate between replicas.
`class_cluster` is shared by a module's tests: a test that stops a replica starts its own `cluster()`.
"""

from __future__ import annotations

import pytest

from scale.servers import cluster, require_cluster_tools


@pytest.fixture(scope="module")
def class_cluster():
    """PostgreSQL + 2 lab replicas + nginx, for one test module; stopped by pid afterwards."""
    require_cluster_tools()
    with cluster(2, db="postgres") as c:
        yield c
