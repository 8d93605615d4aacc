"""Class mode's store (#21): classes, students, answers and challenge submissions in one SQL database.

Pure SQLAlchemy Core (no streamlit): the UI opens `st.connection("classroom", type="sql", url=...)` and
hands its engine to `ClassStore(engine)`. A SQLite file by default, PostgreSQL by one URL; the same
statements run on both (the upserts use each dialect's `ON CONFLICT`).

One class, `ClassStore`:
- teacher: `start(now) -> (code, key)`; `push(code, key, page, query)` (Follow me); `ask(code, key,
  preset_id)`, `answers(code, key)`, `reveal(code, key)`; `challenge(code, key, dataset, seed)`;
  `export_csv(code, key, what)`; `end(code, key)`. Every teacher action checks the teacher key
  (`hmac.compare_digest` of SHA-256 digests: the key itself is never stored).
- student: `join(code, nickname) -> student id` (an unguessable token: whoever holds it is that student);
  `view(code)` (what every member may see: the page pushed, the question asked, whether it is revealed,
  the challenge; never the answers); `answer(code, student, value)` (one per student per question, a
  change replaces it; closed at the reveal); `mine(code, student)` (the student's own answer, and the
  outcome once revealed); `submit(code, student, weights)` (the server computes the score itself);
  `leaderboard(code)` (nicknames and scores: public in the class).
- housekeeping: `setup()` creates or upgrades the schema (`schema_version`); `expire(now)` deletes classes
  idle for `IDLE_SECONDS` (12 hours).

Everything a caller may get wrong raises `ClassError(code, **detail)`: the UI shows `classroom.error.<code>`.
Students' actions (answers, submissions) are rate-limited per student: at most `RATE_MAX` in
`RATE_WINDOW` seconds.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from core.classroom.questions import QUESTIONS
from core.classroom.settings import PAGE_SPECS
from core.classroom.urlstate import parse
from core.maths.data import DATASETS
from core.maths.perceptron import fit
from core.maths.train import TrainConfig, data_for
from core.param import ConfigError

SCHEMA_VERSION = 2
IDLE_SECONDS = 12 * 3600  # a class nobody has used for 12 hours is deleted (expire)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
NICK_MAX = 24
RATE_MAX, RATE_WINDOW = 10, 10.0  # a student's answers and submissions: at most 10 in 10 seconds
TOUCH_EVERY = 60.0  # a student's action marks the class as used at most this often (one row, many writers)
CHALLENGE_TEST_RATIO = 0.3  # the challenge scores on a held-out test split of n=200 points
CHALLENGE_N = 200
CHALLENGE_ACCURACY = 0.95  # "test accuracy ≥ 95 % and the lowest loss"
CHALLENGE_WEIGHTS = ("w1", "w2", "b")  # the Perceptron page's sliders (their PAGE_SPECS entries validate)


class ClassError(Exception):
    """What went wrong, for the user: `code` is a key of `classroom.error.*` in the locales."""

    def __init__(self, code: str, **detail: Any):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


# ---- the schema -----------------------------------------------------------------------------------------

meta = sa.MetaData()
version_table = sa.Table("schema_version", meta, sa.Column("version", sa.Integer, nullable=False))
classes = sa.Table(
    "classes",
    meta,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("touched", sa.Float, nullable=False),
    sa.Column("page", sa.String(32)),
    sa.Column("query", sa.Text),  # JSON: the pushed page's query parameters
    sa.Column("push_seq", sa.Integer, nullable=False, default=0),
    sa.Column("preset", sa.String(64)),  # the question asked (a preset id), or NULL
    sa.Column("question_seq", sa.Integer, nullable=False, default=0),
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
    sa.Column("challenge", sa.Text),  # version 2: JSON {"dataset", "seed"}, or NULL
)
students = sa.Table(
    "students",
    meta,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(8), sa.ForeignKey("classes.code", ondelete="CASCADE"), nullable=False),
    sa.Column("nickname", sa.String(NICK_MAX * 4), nullable=False),
    sa.Column("joined", sa.Float, nullable=False),
    sa.Column("rate_start", sa.Float, nullable=False, default=0.0),
    sa.Column("rate_count", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("code", "nickname", name="uq_students_nickname"),
)
answers_table = sa.Table(
    "answers",
    meta,
    sa.Column("code", sa.String(8), sa.ForeignKey("classes.code", ondelete="CASCADE"), primary_key=True),
    sa.Column("question_seq", sa.Integer, primary_key=True),
    sa.Column("student", sa.String(64), sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("preset", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),  # JSON: a choice id or a number
    sa.Column("at", sa.Float, nullable=False),
)
submissions = sa.Table(
    "submissions",
    meta,
    sa.Column("code", sa.String(8), sa.ForeignKey("classes.code", ondelete="CASCADE"), primary_key=True),
    sa.Column("student", sa.String(64), sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("challenge", sa.Text, nullable=False),  # the challenge it was scored on (JSON)
    sa.Column("weights", sa.Text, nullable=False),  # JSON [w1, w2, b]
    sa.Column("accuracy", sa.Float, nullable=False),
    sa.Column("loss", sa.Float, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
# version 2: the live panel counts one question's answers
answers_index = sa.Index("ix_answers_question", answers_table.c.code, answers_table.c.question_seq)
TABLES = (version_table, classes, students, answers_table, submissions)


def _create_v1(conn: Connection) -> None:
    """Schema version 1 (kept for the upgrade test and for databases made by it): no `challenge` column
    and no answers index."""
    conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.exec_driver_sql(
        "CREATE TABLE classes (code VARCHAR(8) PRIMARY KEY, key_hash VARCHAR(64) NOT NULL, "
        "created FLOAT NOT NULL, touched FLOAT NOT NULL, page VARCHAR(32), query TEXT, "
        "push_seq INTEGER NOT NULL, preset VARCHAR(64), question_seq INTEGER NOT NULL, "
        "revealed BOOLEAN NOT NULL)"
    )
    for table in (students, submissions):
        table.create(conn)
    conn.exec_driver_sql(
        "CREATE TABLE answers (code VARCHAR(8) NOT NULL REFERENCES classes (code) ON DELETE CASCADE, "
        "question_seq INTEGER NOT NULL, "
        "student VARCHAR(64) NOT NULL REFERENCES students (id) ON DELETE CASCADE, "
        "preset VARCHAR(64) NOT NULL, value TEXT NOT NULL, at FLOAT NOT NULL, "
        "PRIMARY KEY (code, question_seq, student))"
    )
    conn.execute(version_table.insert().values(version=1))


def _upgrade_1_to_2(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE classes ADD COLUMN challenge TEXT")
    answers_index.create(conn)


UPGRADES = {1: _upgrade_1_to_2}  # version -> the step to the next one


# ---- what callers get back --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassView:
    """What every member of a class may see."""

    code: str
    page: str | None
    query: dict[str, str]
    push_seq: int
    preset: str | None
    question_seq: int
    revealed: bool
    challenge: dict[str, Any] | None
    students: int


@dataclass(frozen=True)
class Answers:
    """The teacher's live panel: the current question's answers by nickname, and who has not answered."""

    preset: str | None
    question_seq: int
    revealed: bool
    by_nickname: dict[str, str | float]
    missing: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)  # choice id -> answers (a choice question)


@dataclass(frozen=True)
class Mine:
    """A student's own answer to the current question, and the true outcome once the teacher revealed it."""

    preset: str | None
    question_seq: int
    value: str | float | None
    revealed: bool
    outcome: str | float | None


@dataclass(frozen=True)
class Score:
    """A challenge submission as the server scored it."""

    nickname: str
    weights: tuple[float, float, float]
    accuracy: float
    loss: float

    @property
    def qualifies(self) -> bool:
        return self.accuracy >= CHALLENGE_ACCURACY


# ---- validation -------------------------------------------------------------------------------------------


def check_nickname(raw: Any) -> str:
    """A nickname: text of 1 to NICK_MAX characters after trimming, no control or format characters
    (newlines, zero-width, bidi overrides). Markdown or HTML in it is kept as text: the UI shows it
    plainly."""
    if not isinstance(raw, str):
        raise ClassError("nickname_type")
    nick = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not nick:
        raise ClassError("nickname_empty")
    if len(nick) > NICK_MAX:
        raise ClassError("nickname_long", limit=NICK_MAX)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in nick):
        raise ClassError("nickname_chars")
    return nick


def check_code(raw: Any) -> str:
    """A class code as typed (case and spaces forgiven), or ClassError("no_class")."""
    if not isinstance(raw, str):
        raise ClassError("no_class")
    code = "".join(raw.split()).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise ClassError("no_class")
    return code


def _digest(key: Any) -> str:
    return hashlib.sha256(key.encode("utf-8") if isinstance(key, str) else b"").hexdigest()


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet shows it, never as a formula (a nickname "=HYPERLINK(...)" stays text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def score(challenge: dict[str, Any], weights: Any) -> tuple[tuple[float, float, float], float, float]:
    """(weights, test accuracy, test loss) of Perceptron weights on the challenge's test split, computed
    here with core.maths (a client's number is never trusted). Weights are checked by the Perceptron
    page's sliders' entries (range and step)."""
    if not isinstance(weights, list | tuple) or len(weights) != 3:
        raise ClassError("weights")
    specs = PAGE_SPECS["perceptron"]
    try:
        w = tuple(specs[n].check(v, f"perceptron.{n}") for n, v in zip(CHALLENGE_WEIGHTS, weights))
    except ConfigError as e:
        raise ClassError("weights", reason=e.reason) from None
    cfg = TrainConfig(
        dataset=challenge["dataset"], n=CHALLENGE_N, seed=challenge["seed"], test_ratio=CHALLENGE_TEST_RATIO
    )
    test = data_for(cfg)[1]
    got = fit(*w, test.X, test.y)
    return (w[0], w[1], w[2]), got.accuracy, got.loss


HISTOGRAM_BINS = 10  # a number question's answers, counted in this many equal bins over [lo, hi]


def tally(question: Any, values: list[Any]) -> tuple[list[str], list[int]]:
    """The live panel's bars: (labels, counts). A choice question: one bar per choice id, in its order; a
    number question: HISTOGRAM_BINS equal bins over [lo, hi] (the last one closed), labelled "a–b"."""
    if question.kind == "choice":
        return list(question.choices), [sum(1 for v in values if v == c) for c in question.choices]
    lo, hi = question.lo, question.hi
    width = (hi - lo) / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for v in values:
        counts[min(HISTOGRAM_BINS - 1, max(0, int((float(v) - lo) // width)))] += 1
    labels = [f"{lo + i * width:g}–{lo + (i + 1) * width:g}" for i in range(HISTOGRAM_BINS)]
    return labels, counts


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """SQLite: transactions begin IMMEDIATE (below), so the driver must not open its own; writers wait
    for each other (busy timeout) instead of failing; WAL lets readers run beside one writer."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash of the app loses nothing committed
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """SQLite: take the write lock when a transaction starts (a read that turns into a write would
    otherwise fail with "database is locked" when another writer came first)."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# ---- the store --------------------------------------------------------------------------------------------


class ClassStore:
    """Classes in one database (see the module docstring). Safe to use from many threads and processes:
    every method is one transaction. It keeps no state of its own besides the engine (its slots): what a
    class holds is in the database, so one store (st.cache_resource) serves every session."""

    __slots__ = ("engine", "sqlite")

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        if self.sqlite and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            engine.dispose()  # connections made before the listeners get them on their next connect

    def __repr__(self) -> str:
        return f"ClassStore({self.engine.dialect.name})"

    # -- schema --

    def version(self) -> int:
        """The schema version of the database (0: no schema yet)."""
        with self.engine.begin() as conn:
            if not sa.inspect(conn).has_table("schema_version"):
                return 0
            return int(conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar() or 0)

    def setup(self) -> None:
        """Create the schema, or upgrade it step by step to SCHEMA_VERSION (idempotent)."""
        with self.engine.begin() as conn:
            if not sa.inspect(conn).has_table("schema_version"):
                meta.create_all(conn)
                conn.execute(version_table.insert().values(version=SCHEMA_VERSION))
                return
            v = int(conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar() or 0)
            if v > SCHEMA_VERSION:
                raise ClassError("schema_newer", version=v)
            while v < SCHEMA_VERSION:
                UPGRADES[v](conn)
                v += 1
                conn.execute(version_table.update().values(version=v))

    # -- helpers --

    def _insert(self, table: sa.Table) -> Any:
        if self.sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert(table)

    def _class(self, conn: Connection, code: Any, lock: bool = False) -> Any:
        code = check_code(code)
        q = sa.select(classes).where(classes.c.code == code)
        row = conn.execute(q.with_for_update() if lock and not self.sqlite else q).first()
        if row is None:
            raise ClassError("no_class")
        return row

    def _teacher(self, conn: Connection, code: Any, key: Any, lock: bool = False) -> Any:
        row = self._class(conn, code, lock)
        if not hmac.compare_digest(_digest(key), row.key_hash):
            raise ClassError("key")
        return row

    def _student(self, conn: Connection, code: str, student: Any, lock: bool = False) -> Any:
        if not isinstance(student, str):
            raise ClassError("student")
        q = sa.select(students).where(students.c.id == student, students.c.code == code)
        row = conn.execute(q.with_for_update() if lock and not self.sqlite else q).first()
        if row is None:
            raise ClassError("student")
        return row

    def _rate(self, conn: Connection, row: Any, now: float) -> None:
        """Count one action of a student (row locked); ClassError("rate") past RATE_MAX per window."""
        if now - row.rate_start >= RATE_WINDOW:
            start, count = now, 1
        else:
            start, count = row.rate_start, row.rate_count + 1
            if count > RATE_MAX:
                raise ClassError("rate", seconds=math.ceil(RATE_WINDOW - (now - row.rate_start)))
        conn.execute(
            students.update().where(students.c.id == row.id).values(rate_start=start, rate_count=count)
        )

    def _touch(self, conn: Connection, code: str, now: float, every: float = 0.0) -> None:
        conn.execute(
            classes.update()
            .where(classes.c.code == code, classes.c.touched <= now - every)
            .values(touched=now)
        )

    # -- teacher --

    def start(self, now: float | None = None) -> tuple[str, str]:
        """A new class: (its code for the students, the teacher's secret key)."""
        now = time.time() if now is None else now
        key = secrets.token_urlsafe(24)
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        classes.insert().values(
                            code=code,
                            key_hash=_digest(key),
                            created=now,
                            touched=now,
                            query="{}",
                            push_seq=0,
                            question_seq=0,
                            revealed=False,
                        )
                    )
                return code, key
            except sa.exc.IntegrityError:  # that code is taken: draw another
                continue
        raise ClassError("full")

    def is_teacher(self, code: Any, key: Any) -> bool:
        """Whether `key` is this class's teacher key (constant-time)."""
        try:
            with self.engine.begin() as conn:
                self._teacher(conn, code, key)
            return True
        except ClassError:
            return False

    def push(self, code: Any, key: Any, page: Any, query: Any, now: float | None = None) -> int:
        """Follow me: send every following student to `page` with these query parameters (a page's own
        settings, checked like a link). Returns the push number."""
        now = time.time() if now is None else now
        if not isinstance(page, str) or page not in PAGE_SPECS:
            raise ClassError("page")
        if not isinstance(query, dict) or len(query) > 64:
            raise ClassError("settings")
        values, problems = parse(page, query)
        if problems:
            raise ClassError("settings", names=", ".join(p.name for p in problems[:5]))
        clean = {k: str(query[k]) for k in values if k in PAGE_SPECS[page] or k == "preset"}
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key, lock=True)
            seq = row.push_seq + 1
            conn.execute(
                classes.update()
                .where(classes.c.code == row.code)
                .values(page=page, query=json.dumps(clean), push_seq=seq, touched=now)
            )
        return seq

    def ask(
        self, code: Any, key: Any, preset: Any, now: float | None = None, after: int | None = None
    ) -> int:
        """Ask the question of a preset (core.classroom.questions); answers open. Returns its number.

        `after`: the number of the question the teacher's screen showed when Ask was pressed. An Ask whose
        question has come since (the same press taken twice: a replayed button callback, a double click)
        asks nothing and returns the current number."""
        now = time.time() if now is None else now
        if not isinstance(preset, str) or preset not in QUESTIONS:
            raise ClassError("question")
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key, lock=True)
            if after is not None and row.question_seq != after:
                return row.question_seq
            seq = row.question_seq + 1
            conn.execute(
                classes.update()
                .where(classes.c.code == row.code)
                .values(preset=preset, question_seq=seq, revealed=False, touched=now)
            )
        return seq

    def answers(self, code: Any, key: Any) -> Answers:
        """The current question's answers (the teacher only: students never read others' answers)."""
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key)
            nicks = dict(
                conn.execute(
                    sa.select(students.c.id, students.c.nickname).where(students.c.code == row.code)
                ).all()
            )
            got = conn.execute(
                sa.select(answers_table.c.student, answers_table.c.value).where(
                    answers_table.c.code == row.code, answers_table.c.question_seq == row.question_seq
                )
            ).all()
        by = {nicks[s]: json.loads(v) for s, v in got if s in nicks}
        missing = tuple(sorted(n for n in nicks.values() if n not in by))
        counts: dict[str, int] = {}
        q = QUESTIONS.get(row.preset or "")
        if q is not None and q.kind == "choice":
            counts = {c: sum(1 for v in by.values() if v == c) for c in q.choices}
        return Answers(row.preset, row.question_seq, bool(row.revealed), by, missing, counts)

    def reveal(self, code: Any, key: Any, now: float | None = None) -> str | float:
        """Close the answers and show everyone the outcome (computed: Question.outcome). Returns it."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key, lock=True)
            if row.preset not in QUESTIONS:
                raise ClassError("no_question")
            conn.execute(
                classes.update().where(classes.c.code == row.code).values(revealed=True, touched=now)
            )
        return QUESTIONS[row.preset].outcome()

    def challenge(self, code: Any, key: Any, dataset: Any, seed: Any, now: float | None = None) -> None:
        """Set the challenge: Perceptron weights on `dataset` (its seed shown); earlier submissions go."""
        now = time.time() if now is None else now
        spec = PAGE_SPECS["perceptron"]["seed"]
        if dataset not in DATASETS:
            raise ClassError("dataset")
        try:
            seed = spec.check(seed, "seed")
        except ConfigError:
            raise ClassError("seed") from None
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key, lock=True)
            conn.execute(submissions.delete().where(submissions.c.code == row.code))
            conn.execute(
                classes.update()
                .where(classes.c.code == row.code)
                .values(challenge=json.dumps({"dataset": dataset, "seed": seed}), touched=now)
            )

    def export_csv(self, code: Any, key: Any, what: str = "answers") -> str:
        """CSV text: every answer of the class ("answers": question number, preset, nickname, answer) or the
        leaderboard ("leaderboard"). Cells that a spreadsheet would run as formulas are quoted as text."""
        out = io.StringIO()
        w = csv.writer(out)
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key)
            if what == "answers":
                w.writerow(["question", "preset", "nickname", "answer"])
                got = conn.execute(
                    sa.select(
                        answers_table.c.question_seq,
                        answers_table.c.preset,
                        students.c.nickname,
                        answers_table.c.value,
                    )
                    .join(students, students.c.id == answers_table.c.student)
                    .where(answers_table.c.code == row.code)
                    .order_by(answers_table.c.question_seq, students.c.nickname)
                ).all()
                for seq, preset, nick, value in got:
                    w.writerow([seq, preset, csv_cell(nick), csv_cell(json.loads(value))])
            elif what == "leaderboard":
                w.writerow(["rank", "nickname", "test_accuracy", "test_loss", "w1", "w2", "b", "qualifies"])
                for rank, s in enumerate(self._board(conn, row.code), 1):
                    w.writerow([rank, csv_cell(s.nickname), s.accuracy, s.loss, *s.weights, int(s.qualifies)])
            else:
                raise ClassError("export")
        return out.getvalue()

    def end(self, code: Any, key: Any) -> None:
        """End the class: its students, answers and submissions are deleted."""
        with self.engine.begin() as conn:
            row = self._teacher(conn, code, key, lock=True)
            self._delete(conn, [row.code])

    def _delete(self, conn: Connection, codes: list[str]) -> None:
        if not codes:
            return
        for table in (submissions, answers_table, students):
            conn.execute(table.delete().where(table.c.code.in_(codes)))
        conn.execute(classes.delete().where(classes.c.code.in_(codes)))

    def expire(self, now: float | None = None) -> int:
        """Delete the classes idle for IDLE_SECONDS or more; how many."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            codes = list(
                conn.execute(
                    sa.select(classes.c.code).where(classes.c.touched <= now - IDLE_SECONDS)
                ).scalars()
            )
            self._delete(conn, codes)
        return len(codes)

    # -- students --

    def join(self, code: Any, nickname: Any = "", now: float | None = None) -> str:
        """Join a class; the student's id (an unguessable token). An empty nickname gets a number
        ("#7"); a nickname taken in this class is refused."""
        now = time.time() if now is None else now
        empty = nickname is None or (isinstance(nickname, str) and nickname.strip() == "")
        nick = None if empty else check_nickname(nickname)
        student = secrets.token_urlsafe(18)
        for attempt in range(20):
            with self.engine.begin() as conn:
                row = self._class(conn, code, lock=True)
                if nick is None:
                    n = conn.execute(sa.select(sa.func.count()).where(students.c.code == row.code)).scalar()
                    name = f"#{int(n) + 1 + attempt}"
                else:
                    name = nick
                try:
                    with conn.begin_nested():
                        conn.execute(
                            students.insert().values(
                                id=student,
                                code=row.code,
                                nickname=name,
                                joined=now,
                                rate_start=0.0,
                                rate_count=0,
                            )
                        )
                except sa.exc.IntegrityError:
                    if nick is not None:
                        raise ClassError("nickname_taken") from None
                    continue
                self._touch(conn, row.code, now, TOUCH_EVERY)
                return student
        raise ClassError("full")

    def nickname(self, code: Any, student: Any) -> str:
        """The student's nickname (ClassError("student") for anyone not in this class)."""
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            return self._student(conn, row.code, student).nickname

    def view(self, code: Any) -> ClassView:
        """What every member of the class may see (never the answers)."""
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            n = conn.execute(sa.select(sa.func.count()).where(students.c.code == row.code)).scalar()
        return ClassView(
            row.code,
            row.page,
            json.loads(row.query or "{}"),
            row.push_seq,
            row.preset,
            row.question_seq,
            bool(row.revealed),
            json.loads(row.challenge) if row.challenge else None,
            int(n or 0),
        )

    def answer(self, code: Any, student: Any, value: Any, now: float | None = None) -> str | float:
        """The student's answer to the current question (checked by Question.check); a new one replaces
        theirs. Closed once the teacher reveals. Returns the answer as stored."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            me = self._student(conn, row.code, student, lock=True)
            self._rate(conn, me, now)
            q = QUESTIONS.get(row.preset or "")
            if q is None:
                raise ClassError("no_question")
            if row.revealed:
                raise ClassError("closed")
            try:
                value = q.check(value)
            except ConfigError as e:
                raise ClassError("answer", reason=e.reason) from None
            stmt = self._insert(answers_table).values(
                code=row.code,
                question_seq=row.question_seq,
                student=me.id,
                preset=row.preset,
                value=json.dumps(value),
                at=now,
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["code", "question_seq", "student"],
                    set_={"value": stmt.excluded.value, "at": stmt.excluded.at},
                )
            )
            self._touch(conn, row.code, now, TOUCH_EVERY)
        return value

    def mine(self, code: Any, student: Any) -> Mine:
        """The student's own answer to the current question, and the outcome once it is revealed."""
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            me = self._student(conn, row.code, student)
            got = conn.execute(
                sa.select(answers_table.c.value).where(
                    answers_table.c.code == row.code,
                    answers_table.c.question_seq == row.question_seq,
                    answers_table.c.student == me.id,
                )
            ).scalar()
        q = QUESTIONS.get(row.preset or "")
        outcome = q.outcome() if q is not None and row.revealed else None
        value = json.loads(got) if got is not None else None
        return Mine(row.preset, row.question_seq, value, bool(row.revealed), outcome)

    def submit(self, code: Any, student: Any, weights: Any, now: float | None = None) -> Score:
        """A challenge submission: Perceptron weights (w1, w2, b), scored here on the challenge's test
        split. The student's best (qualifying first, then lowest loss) stays on the leaderboard."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            me = self._student(conn, row.code, student, lock=True)
            self._rate(conn, me, now)
            if not row.challenge:
                raise ClassError("no_challenge")
            ch = json.loads(row.challenge)
            w, acc, loss = score(ch, weights)
            new = Score(me.nickname, w, acc, loss)
            old = conn.execute(
                sa.select(submissions).where(submissions.c.code == row.code, submissions.c.student == me.id)
            ).first()
            values = dict(
                challenge=row.challenge, weights=json.dumps(list(w)), accuracy=acc, loss=loss, at=now
            )
            if old is None:
                conn.execute(submissions.insert().values(code=row.code, student=me.id, **values))
            elif _rank_key(new) < _rank_key(Score(me.nickname, (0, 0, 0), old.accuracy, old.loss)):
                conn.execute(
                    submissions.update()
                    .where(submissions.c.code == row.code, submissions.c.student == me.id)
                    .values(**values)
                )
            self._touch(conn, row.code, now, TOUCH_EVERY)
        return new

    def leaderboard(self, code: Any) -> list[Score]:
        """The challenge's leaderboard: qualifying submissions (test accuracy ≥ 95 %) by lowest loss first,
        then the others by accuracy. Public within the class (nicknames and scores)."""
        with self.engine.begin() as conn:
            row = self._class(conn, code)
            return self._board(conn, row.code)

    def _board(self, conn: Connection, code: str) -> list[Score]:
        got = conn.execute(
            sa.select(students.c.nickname, submissions.c.weights, submissions.c.accuracy, submissions.c.loss)
            .join(students, students.c.id == submissions.c.student)
            .where(submissions.c.code == code)
        ).all()
        board = [Score(n, tuple(json.loads(w)), a, loss) for n, w, a, loss in got]
        return sorted(board, key=lambda s: (*_rank_key(s), s.nickname))


def _rank_key(s: Score) -> tuple[int, float, float]:
    """Qualifying first, then lowest loss; then the highest accuracy."""
    return (0 if s.qualifies else 1, s.loss if s.qualifies else -s.accuracy, -s.accuracy)
