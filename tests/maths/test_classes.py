"""Class mode's store (core/classroom/classes.py) on SQLite and on a real PostgreSQL (tests/servers.py):
every operation, the teacher key, what a student may not do, validation, one answer per student per
question, the rate limit, 60 students answering at once, expiry, restart safety and the schema upgrade."""

from __future__ import annotations

import csv
import io
import itertools
import threading
import time

import pytest
import sqlalchemy as sa
import torch
import torch.nn.functional as F

from core.classroom import classes
from core.classroom.classes import ClassError, ClassStore
from core.classroom.questions import QUESTIONS
from core.maths.train import TrainConfig, data_for
from servers import postgres

T0 = 1_800_000_000.0
_db_numbers = itertools.count()


@pytest.fixture(scope="module")
def pg_server():
    with postgres() as url:
        yield url


def _pg_database(server: str) -> str:
    """A new, empty database on the test server; its URL."""
    name = f"t{next(_db_numbers)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    return _pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def engine(url):
    e = (
        sa.create_engine(url, pool_size=20, max_overflow=60)
        if url.startswith("postgresql")
        else sa.create_engine(url)
    )
    yield e
    e.dispose()


@pytest.fixture
def store(engine) -> ClassStore:
    s = ClassStore(engine)
    s.setup()
    return s


def err(fn, *args, **kw) -> str:
    """The ClassError code `fn(*args)` raises (fails if it raises none)."""
    with pytest.raises(ClassError) as e:
        fn(*args, **kw)
    return e.value.code


# ---- a whole lesson ----------------------------------------------------------------------------------------


def test_a_class_runs_start_to_end(store: ClassStore) -> None:
    code, key = store.start(T0)
    assert len(code) == classes.CODE_LENGTH and set(code) <= set(classes.CODE_ALPHABET) and len(key) >= 32
    ana = store.join(code.lower(), "Ana", now=T0)  # a code typed in lower case still finds the class
    bo = store.join(f" {code[:3]} {code[3:]} ", "Bo", now=T0)
    anon = store.join(code, "", now=T0)
    assert len({ana, bo, anon}) == 3 and all(len(s) >= 24 for s in (ana, bo, anon))
    assert store.nickname(code, anon) == "#3"
    v = store.view(code)
    assert (v.page, v.push_seq, v.preset, v.revealed, v.challenge, v.students) == (
        None,
        0,
        None,
        False,
        None,
        3,
    )

    assert store.push(code, key, "activations", {"fn": "relu", "depth": "4"}, now=T0) == 1
    v = store.view(code)
    assert (v.page, v.query, v.push_seq) == ("activations", {"fn": "relu", "depth": "4"}, 1)

    assert store.ask(code, key, "softmax_temperature", now=T0, after=0) == 1
    # the same press taken twice (a replayed button callback): it asks once
    assert store.ask(code, key, "softmax_temperature", now=T0, after=0) == 1
    assert store.view(code).question_seq == 1
    assert store.answer(code, ana, "up", now=T0) == "up"
    store.answer(code, bo, "down", now=T0)
    got = store.answers(code, key)
    assert got.by_nickname == {"Ana": "up", "Bo": "down"} and got.missing == ("#3",)
    assert got.counts == {"up": 1, "down": 1, "same": 0} and not got.revealed
    assert store.mine(code, ana).value == "up" and store.mine(code, ana).outcome is None

    truth = QUESTIONS["softmax_temperature"].outcome()
    assert store.reveal(code, key, now=T0) == truth == "down"  # T = 5 flattens the softmax: its top falls
    mine = store.mine(code, ana)
    assert (mine.value, mine.revealed, mine.outcome) == ("up", True, "down")
    assert store.mine(code, anon).value is None and store.mine(code, anon).outcome == "down"

    store.challenge(code, key, "toy", 7, now=T0)
    assert store.view(code).challenge == {"dataset": "toy", "seed": 7}
    good = store.submit(code, ana, (0.0, -1.0, 0.5), now=T0)
    bad = store.submit(code, bo, (1.0, 1.0, 0.0), now=T0)
    board = store.leaderboard(code)
    assert [s.nickname for s in board] == ["Ana", "Bo"] and good.qualifies and not bad.qualifies

    answers_csv = list(csv.reader(io.StringIO(store.export_csv(code, key, "answers"))))
    assert answers_csv == [
        ["question", "preset", "nickname", "answer"],
        ["1", "softmax_temperature", "Ana", "up"],
        ["1", "softmax_temperature", "Bo", "down"],
    ]
    board_csv = list(csv.DictReader(io.StringIO(store.export_csv(code, key, "leaderboard"))))
    assert [r["nickname"] for r in board_csv] == ["Ana", "Bo"] and board_csv[0]["qualifies"] == "1"
    assert float(board_csv[0]["test_loss"]) == pytest.approx(good.loss)

    store.end(code, key)
    assert err(store.view, code) == "no_class"
    with store.engine.begin() as conn:  # its data is gone, not just hidden
        for table in classes.TABLES[1:]:
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_the_challenge_score_is_the_servers_own_and_matches_pytorch(store: ClassStore) -> None:
    code, key = store.start(T0)
    s = store.join(code, "Ana", now=T0)
    assert err(store.submit, code, s, (0.5, 0.5, 0.0), now=T0) == "no_challenge"
    store.challenge(code, key, "toy", 3, now=T0)
    got = store.submit(code, s, [0.5, -1.5, 0.25], now=T0)
    assert got.qualifies and 0.95 <= got.accuracy < 1.0
    test = data_for(TrainConfig(dataset="toy", n=200, seed=3, test_ratio=classes.CHALLENGE_TEST_RATIO))[1]
    z = test.X @ torch.tensor([0.5, -1.5]) + 0.25
    assert got.loss == pytest.approx(F.binary_cross_entropy_with_logits(z, test.y).item(), rel=1e-6)
    assert got.accuracy == pytest.approx(((z > 0).float() == test.y).float().mean().item())
    # off the sliders' grid or range, or not three numbers: refused
    for w in ((0.51, 0, 0), (11.0, 0, 0), (0, 0), "0.5,0.5,0", (float("nan"), 0, 0), ("1e400", 0, 0)):
        assert err(store.submit, code, s, w, now=T0 + 20) == "weights", w
    # a worse submission does not replace the best (not qualifying; qualifying with a higher loss)
    store.submit(code, s, (0.0, 0.0, 0.0), now=T0 + 40)
    worse = store.submit(code, s, (0.0, -1.0, 0.5), now=T0 + 40)
    assert worse.qualifies and worse.loss > got.loss
    assert store.leaderboard(code)[0].weights == (0.5, -1.5, 0.25)
    better = store.submit(code, s, (0.0, -4.0, 2.0), now=T0 + 40)  # a lower loss replaces it
    assert [(b.weights, b.loss) for b in store.leaderboard(code)] == [((0.0, -4.0, 2.0), better.loss)]
    # a new challenge clears the board
    store.challenge(code, key, "toy", 1, now=T0)
    assert store.leaderboard(code) == []
    assert err(store.challenge, code, key, "nope", 1) == "dataset"
    assert err(store.challenge, code, key, "toy", -1) == "seed"


# ---- safety ------------------------------------------------------------------------------------------------


def test_every_teacher_action_needs_the_teacher_key(store: ClassStore) -> None:
    code, key = store.start(T0)
    other, other_key = store.start(T0)
    student = store.join(code, "Ana", now=T0)
    store.ask(code, key, "softmax_temperature", now=T0)
    actions = [
        lambda k: store.push(code, k, "activations", {}, now=T0),
        lambda k: store.ask(code, k, "softmax_temperature", now=T0),
        lambda k: store.answers(code, k),
        lambda k: store.reveal(code, k, now=T0),
        lambda k: store.challenge(code, k, "toy", 1, now=T0),
        lambda k: store.export_csv(code, k, "answers"),
        lambda k: store.export_csv(code, k, "leaderboard"),
        lambda k: store.end(code, k),
    ]
    for wrong in (None, "", key[:-1], key + "x", key.upper(), other_key, student, 12345, b"k"):
        for act in actions:
            assert err(act, wrong) == "key", (wrong, act)
    assert store.is_teacher(code, key) and not store.is_teacher(code, other_key)
    assert not store.is_teacher(other, key)
    # the key is kept only as its digest
    with store.engine.begin() as conn:
        assert key not in repr(conn.execute(sa.select(classes.classes)).all())


def test_the_key_is_compared_in_constant_time(store: ClassStore, monkeypatch) -> None:
    """Every check goes through hmac.compare_digest, over SHA-256 digests (one length whatever was sent)."""
    import hmac

    seen, real = [], hmac.compare_digest

    def compare(a, b):
        seen.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(classes.hmac, "compare_digest", compare)
    code, key = store.start(T0)
    for given in (key, "x", "y" * 5000, None):
        assert store.is_teacher(code, given) == (given == key)
    assert seen == [(64, 64)] * 4


def test_a_student_cannot_read_answers_act_as_teacher_or_touch_another_class(store: ClassStore) -> None:
    code, key = store.start(T0)
    other, other_key = store.start(T0)
    ana = store.join(code, "Ana", now=T0)
    zed = store.join(other, "Zed", now=T0)
    store.ask(code, key, "softmax_temperature", now=T0)
    store.ask(other, other_key, "softmax_temperature", now=T0)
    store.answer(code, ana, "same", now=T0)
    # what a student can read: the view (no answers in it) and their own answer
    assert "same" not in repr(store.view(code))
    assert store.mine(code, ana).value == "same"
    # another class's student id works only in that class
    assert err(store.answer, code, zed, "up", now=T0) == "student"
    assert err(store.mine, code, zed) == "student"
    assert err(store.nickname, code, zed) == "student"
    assert err(store.answer, other, ana, "up", now=T0) == "student"
    assert err(store.submit, other, ana, (0, 0, 0), now=T0) == "student"
    for fake in (None, "", "x" * 24, ana[:-1], 42):
        assert err(store.answer, code, fake, "up", now=T0) == "student"
    # a student's id is not the teacher key
    assert err(store.answers, code, ana) == "key" and err(store.reveal, code, ana) == "key"
    assert store.answers(other, other_key).by_nickname == {}  # untouched
    # codes that are not a class
    for bad in ("", "AAAAAA", "12345", "ABCDEFG", None, 7, "ABC-12"):
        assert err(store.view, bad) == "no_class"
        assert err(store.join, bad, "x") == "no_class"


def test_nicknames_are_validated_and_kept_as_text(store: ClassStore) -> None:
    code, _ = store.start(T0)
    for bad, why in (
        ("x" * (classes.NICK_MAX + 1), "nickname_long"),
        ("a\u202eb", "nickname_chars"),
        ("a\u200bb", "nickname_chars"),
        ("a\x00b", "nickname_chars"),
        (123, "nickname_type"),
        (["Ana"], "nickname_type"),
    ):
        assert err(store.join, code, bad) == why, bad
    html = store.join(code, "<b>**Ana**</b>", now=T0)
    assert store.nickname(code, html) == "<b>**Ana**</b>"  # kept as typed: the UI shows it as plain text
    s = store.join(code, "  Bo \n  Lee ", now=T0)
    assert store.nickname(code, s) == "Bo Lee"  # runs of white space (newlines too) become one space
    assert err(store.join, code, "Bo Lee") == "nickname_taken"
    assert store.join(code, "x" * classes.NICK_MAX, now=T0)


def test_answers_are_validated_and_one_per_student_per_question(store: ClassStore) -> None:
    code, key = store.start(T0)
    s = store.join(code, "Ana", now=T0)
    assert err(store.answer, code, s, "up", now=T0) == "no_question"
    assert err(store.ask, code, key, "no_such_preset") == "question"
    assert err(store.ask, code, key, "line_xor") == "question"  # a scenario button: no question
    store.ask(code, key, "softmax_temperature", now=T0)
    for bad in ("sideways", "", None, 1, ["up"], "UP", "up " * 100):
        assert err(store.answer, code, s, bad, now=T0) == "answer", bad
    t = T0 + 100
    store.answer(code, s, "up", now=t)
    store.answer(code, s, "same", now=t + 20)  # a change replaces it
    assert store.answers(code, key).by_nickname == {"Ana": "same"}
    with store.engine.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(classes.answers_table)).scalar() == 1
    store.reveal(code, key, now=t)
    assert err(store.answer, code, s, "down", now=t + 40) == "closed"  # closed at the reveal
    store.ask(code, key, "softmax_temperature", now=t)  # asked again: a new question, no answers yet
    got = store.answers(code, key)
    assert (got.question_seq, got.by_nickname, got.missing, got.revealed) == (2, {}, ("Ana",), False)
    assert store.mine(code, s).value is None


def test_a_number_question_checks_its_range(store: ClassStore, monkeypatch) -> None:
    q = classes.QUESTIONS["softmax_temperature"]
    number = type(q)("softmax_temperature", "number", lambda: 0.42, lo=0.0, hi=1.0, step=0.01)
    monkeypatch.setitem(classes.QUESTIONS, "softmax_temperature", number)
    code, key = store.start(T0)
    s = store.join(code, "Ana", now=T0)
    store.ask(code, key, "softmax_temperature", now=T0)
    for bad in (-0.1, 1.5, "nan", "inf", "x", None):
        assert err(store.answer, code, s, bad, now=T0) == "answer", bad
    assert store.answer(code, s, "0.25", now=T0) == 0.25
    assert store.reveal(code, key, now=T0) == 0.42
    assert (store.mine(code, s).value, store.mine(code, s).outcome) == (0.25, 0.42)


def test_a_student_is_rate_limited(store: ClassStore) -> None:
    code, key = store.start(T0)
    s = store.join(code, "Ana", now=T0)
    other = store.join(code, "Bo", now=T0)
    store.ask(code, key, "softmax_temperature", now=T0)
    for i in range(classes.RATE_MAX):
        store.answer(code, s, ("up", "down")[i % 2], now=T0 + i * 0.1)
    assert err(store.answer, code, s, "same", now=T0 + 1) == "rate"
    assert store.answers(code, key).by_nickname["Ana"] == "down"  # the refused one changed nothing
    store.answer(code, other, "same", now=T0 + 1)  # another student is not held up
    assert store.answer(code, s, "same", now=T0 + classes.RATE_WINDOW + 0.1) == "same"  # a new window


# ---- many at once, restarts, expiry, upgrades ------------------------------------------------------------


def test_sixty_students_answering_in_the_same_second_are_each_counted_once(store: ClassStore, engine) -> None:
    code, key = store.start(T0)
    n = 60
    ids = [store.join(code, f"s{i:02d}", now=T0) for i in range(n)]
    store.ask(code, key, "softmax_temperature", now=T0)
    choices = QUESTIONS["softmax_temperature"].choices
    barrier, errors = threading.Barrier(n), []

    def student(i: int) -> None:
        try:
            barrier.wait()
            # each through its own store (a server session each), all in the same second
            ClassStore(engine).answer(code, ids[i], choices[i % 3], now=time.time())
        except Exception as e:  # noqa: BLE001 - collected and reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    took = time.perf_counter() - start
    assert not errors, errors[:3]
    got = store.answers(code, key)
    assert len(got.by_nickname) == n and got.missing == ()
    assert got.counts == {c: n // 3 for c in choices}
    assert got.by_nickname == {f"s{i:02d}": choices[i % 3] for i in range(n)}
    with engine.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(classes.answers_table)).scalar() == n
    print(f"FIGURE 60 concurrent answers on {engine.dialect.name}: {took:.2f} s")


def test_a_restart_loses_nothing(url: str) -> None:
    first = sa.create_engine(url)
    a = ClassStore(first)
    a.setup()
    code, key = a.start(T0)
    s = a.join(code, "Ana", now=T0)
    a.push(code, key, "losses", {"p": "0.3"}, now=T0)
    a.ask(code, key, "softmax_temperature", now=T0)
    a.answer(code, s, "down", now=T0)
    first.dispose()  # the server stops

    second = sa.create_engine(url)  # a new server process on the same database
    b = ClassStore(second)
    b.setup()  # idempotent
    assert b.version() == classes.SCHEMA_VERSION
    v = b.view(code)
    assert (v.page, v.query, v.preset, v.students) == ("losses", {"p": "0.3"}, "softmax_temperature", 1)
    assert b.mine(code, s).value == "down" and b.is_teacher(code, key)
    assert b.answers(code, key).by_nickname == {"Ana": "down"}
    second.dispose()


def test_classes_expire_after_twelve_idle_hours(store: ClassStore) -> None:
    assert classes.IDLE_SECONDS == 12 * 3600
    old, old_key = store.start(T0)
    busy, busy_key = store.start(T0)
    s = store.join(old, "Ana", now=T0)
    store.ask(old, old_key, "softmax_temperature", now=T0)
    store.answer(old, s, "up", now=T0)
    store.push(busy, busy_key, "losses", {}, now=T0 + 6 * 3600)  # used six hours later
    assert store.expire(T0 + classes.IDLE_SECONDS - 1) == 0
    assert store.expire(T0 + classes.IDLE_SECONDS + 1) == 1
    assert err(store.view, old) == "no_class" and store.view(busy).page == "losses"
    with store.engine.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(classes.answers_table)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(classes.students)).scalar() == 0
    assert store.expire(T0 + 6 * 3600 + classes.IDLE_SECONDS + 1) == 1


def test_schema_version_1_upgrades_to_2_keeping_the_classes(engine) -> None:
    store = ClassStore(engine)
    with engine.begin() as conn:
        classes._create_v1(conn)
    assert store.version() == 1
    with engine.begin() as conn:  # a class made by version 1
        conn.execute(
            classes.classes.insert().values(
                code="ABCDEF",
                key_hash=classes._digest("k"),
                created=T0,
                touched=T0,
                query="{}",
                push_seq=0,
                question_seq=0,
                revealed=False,
            )
        )
    store.setup()
    assert store.version() == classes.SCHEMA_VERSION == 2
    cols = {c["name"] for c in sa.inspect(engine).get_columns("classes")}
    assert "challenge" in cols
    assert "ix_answers_question" in {i["name"] for i in sa.inspect(engine).get_indexes("answers")}
    assert store.view("ABCDEF").challenge is None
    store.challenge("ABCDEF", "k", "toy", 2, now=T0)  # the new column works
    assert store.view("ABCDEF").challenge == {"dataset": "toy", "seed": 2}
    store.setup()  # again: nothing to do
    assert store.version() == 2


def test_push_checks_the_page_and_its_settings(store: ClassStore) -> None:
    code, key = store.start(T0)
    assert err(store.push, code, key, "nope", {}) == "page"
    assert err(store.push, code, key, "activations", {"fn": "nope"}) == "settings"
    assert err(store.push, code, key, "activations", {"unknown": "1"}) == "settings"
    assert err(store.push, code, key, "activations", "fn=relu") == "settings"
    store.push(code, key, "perceptron", {"w1": "1.5", "preset": "hand_line"}, now=T0)
    assert store.view(code).query == {"w1": "1.5", "preset": "hand_line"}


def test_csv_export_never_makes_a_formula(store: ClassStore) -> None:
    code, key = store.start(T0)
    s = store.join(code, "=HYPERLINK(1)", now=T0)
    store.ask(code, key, "softmax_temperature", now=T0)
    store.answer(code, s, "up", now=T0)
    rows = list(csv.reader(io.StringIO(store.export_csv(code, key, "answers"))))
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert err(store.export_csv, code, key, "other") == "export"


def test_a_full_database_refuses_a_write_cleanly_and_keeps_the_class(tmp_path) -> None:
    """SQLite at its size limit (`PRAGMA max_page_count`, set on every connection): a join fails with the
    database's own error (an SQLAlchemyError, which the page shows as classroom.db_down), and the class and
    its students are as they were."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'full.sqlite'}")
    store = ClassStore(engine)
    store.setup()
    code, key = store.start(T0)
    ana = store.join(code, "Ana", now=T0)
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @sa.event.listens_for(engine, "connect")
    def _cap(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()  # new connections get the cap
    with pytest.raises(sa.exc.OperationalError) as got:
        for i in range(400):  # enough rows to need a new page
            store.join(code, f"student {i:03d} " + "x" * 12, now=T0)
    causes, e = [], got.value
    while e is not None:
        causes.append(str(e))
        e = e.__context__
    assert any("database or disk is full" in c for c in causes), causes  # what the page shows
    # reads still work: the class, its teacher key and every student who joined before the limit
    assert store.is_teacher(code, key)
    store.mine(code, ana)  # Ana is still in the class (ClassError "student" otherwise)
    store.ask(code, key, "softmax_temperature", now=T0)  # an update in place needs no new page
    joined = set(store.answers(code, key).missing)
    assert "Ana" in joined and len(joined) >= 2  # the joins before the limit, none half-written
