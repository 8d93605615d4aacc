"""AppTest: class mode's page (pages/classroom.py, ui/classroom.py) in both languages, teacher and students
as separate sessions on one database: start, join, Follow me, ask, answer, the live panel, reveal, the
challenge and its leaderboard, end; nicknames as plain text; a database that is down; a page change."""

from __future__ import annotations

import itertools
import json

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from conftest import LANGS, ROOT, no_errors, shown_text, valid_vega_lite
from core.charts import figure
from core.classroom import classes
from core.classroom.questions import QUESTIONS
from core.classroom.text import t
from qr_check import drawn_modules, qr_modules, svg_of

_dbs = itertools.count()


@pytest.fixture(autouse=True)
def class_db(tmp_path, monkeypatch) -> str:
    """A fresh SQLite class database for each test (its own URL: a server's store is per URL)."""
    url = f"sqlite:///{tmp_path / f'class{next(_dbs)}.sqlite'}"
    monkeypatch.setenv("NNLAB_CLASS_DB_URL", url)
    return url


def classroom(lang: str = "en", params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "classroom.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def entry(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    no_errors(at)
    return at


def start(lang: str = "en") -> tuple[AppTest, str, str]:
    """A teacher who started a class: (their AppTest, code, key)."""
    at = click(classroom(lang), "class_start")
    return at, at.session_state["_class_code"], at.session_state["_class_key"]


def join(code: str, nick: str, lang: str = "en") -> AppTest:
    """A student who opened the join link and joined with `nick`."""
    at = classroom(lang, {"class": code})
    assert at.text_input(key="class_code_in").value == code.upper()  # the link filled in the code
    at.text_input(key="class_nick_in").input(nick)
    return click(at, "class_join")


def join_in_the_app(code: str, nick: str) -> AppTest:
    """A student who joined from the class page inside the whole app (the entry file), so that a push
    can send them to another page."""
    at = entry("en")
    at.switch_page("pages/classroom.py").run()
    at.text_input(key="class_code_in").input(code)
    at.text_input(key="class_nick_in").input(nick)
    return click(at, "class_join")


def bars(at: AppTest) -> list[int]:
    """The counts the live panel's histogram draws (its bars' data)."""
    (chart,) = at.get("vega_lite_chart")
    (data,) = [d for d in chart.proto.datasets if d.name == "bars"]
    return [int(v) for v in pa.ipc.open_stream(data.data.data).read_pandas()["value"]]


def texts(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.text]


def markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


@pytest.mark.parametrize("lang", LANGS)
def test_a_teacher_starts_a_class_and_gets_code_qr_and_links(lang: str) -> None:
    at = classroom(lang)
    no_errors(at)
    assert [b.label for b in at.button] == [t("classroom.join", lang), t("classroom.start", lang)]
    at = click(at, "class_start")
    code, key = at.session_state["_class_code"], at.session_state["_class_key"]
    assert len(code) == classes.CODE_LENGTH
    assert {m.label: m.value for m in at.metric}[t("classroom.code", lang)] == code
    codes = [str(c.value) for c in at.code]
    assert f"/classroom?class={code}" in codes and f"/classroom?class={code}&key={key}" in codes
    (img,) = at.get("image")  # the QR code of the join link, module by module
    assert drawn_modules(svg_of(img.proto.imgs[0].url)) == qr_modules(f"/classroom?class={code}")
    assert at.query_params["class"] in (code, [code]) and "key" not in at.query_params  # not on a projector
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in shown_text(at))
    assert hangul == (lang == "ko")


@pytest.mark.parametrize("lang", LANGS)
def test_a_whole_lesson_predict_then_reveal(lang: str) -> None:
    teacher, code, _key = start(lang)
    ana, bo = join(code, "Ana", lang), join(code.lower(), "Bo", "en")
    assert texts(ana) == ["Ana"] and ana.session_state["_class_role"] == "student"
    assert any(t("classroom.wait_question", lang) in str(i.value) for i in ana.info)

    teacher.selectbox(key="class_question").set_value("softmax_temperature")
    click(teacher, "class_ask")
    assert f"{t('classroom.answered', lang)}=0 / 2" in shown_text(teacher)
    assert "Ana, Bo" in texts(teacher)  # who has not answered, as plain text

    ana.run()
    radio = ana.radio(key="class_answer_1")
    assert radio.value is None and list(radio.options) == [
        t(f"share.preset.softmax_temperature.choice.{c}", lang) for c in ("up", "down", "same")
    ]
    radio.set_value("up")
    click(ana, "class_send")
    assert t(
        "classroom.change", lang, answer=t("share.preset.softmax_temperature.choice.up", lang)
    ) in shown_text(ana)

    assert bars(teacher) == [0, 0, 0]
    teacher.run()  # the live panel's next frame
    assert f"{t('classroom.answered', lang)}=1 / 2" in shown_text(teacher)
    assert "Bo" in texts(teacher) and "Ana, Bo" not in texts(teacher)
    assert bars(teacher) == [1, 0, 0]  # up, down, same
    (spec,) = [json.loads(c.proto.spec) for c in teacher.get("vega_lite_chart")]
    valid_vega_lite(spec)  # a valid, kept figure: its data by name, none inline
    assert not figure._inline_data(spec)

    ana.radio(key="class_answer_1").set_value("same")  # a change replaces the answer
    click(ana, "class_send")
    bo.run()
    bo.radio(key="class_answer_1").set_value("down")
    click(bo, "class_send")
    teacher.run()
    assert f"{t('classroom.answered', lang)}=2 / 2" in shown_text(teacher)

    click(teacher, "class_reveal")
    truth = QUESTIONS["softmax_temperature"].outcome()
    assert t(f"share.preset.softmax_temperature.choice.{truth}", lang) in "".join(
        str(s.value) for s in teacher.success
    )
    for student, said, right in ((ana, "same", False), (bo, "down", True)):
        student.run()
        no_errors(student)
        m = {x.label: x.value for x in student.metric}
        lang_s = student.session_state["lang"]
        assert m[t("classroom.your_prediction", lang_s)] == t(
            f"share.preset.softmax_temperature.choice.{said}", lang_s
        )
        assert m[t("classroom.outcome", lang_s)] == t(
            f"share.preset.softmax_temperature.choice.{truth}", lang_s
        )
        verdict = t("classroom.right" if right else "classroom.wrong", lang_s).split(" ", 1)[1]  # no icon
        assert verdict in shown_text(student)
        assert not student.radio  # answers are closed


def test_nicknames_show_as_plain_text_never_markdown() -> None:
    teacher, code, _key = start()
    evil = "<b>**Eve**</b> [x](javascript:alert(1))"[: classes.NICK_MAX]
    student = join(code, evil)
    assert texts(student) == [evil]
    assert "Eve" not in markdown(student)
    teacher.selectbox(key="class_question").set_value("softmax_temperature")
    click(teacher, "class_ask")
    assert evil in texts(teacher) and "Eve" not in markdown(teacher)


def test_a_wrong_nickname_or_code_says_why() -> None:
    _teacher, code, _key = start()
    join(code, "Ana")
    at = classroom("ko", {"class": code})
    at.text_input(key="class_nick_in").input("Ana")
    click(at, "class_join")
    assert t("classroom.error.nickname_taken", "ko") in [str(e.value) for e in at.error]
    assert at.session_state["_class_role"] is None if "_class_role" in at.session_state else True
    at = classroom("en")
    at.text_input(key="class_code_in").input("ZZZZZZ")
    click(at, "class_join")
    assert t("classroom.error.no_class", "en") in [str(e.value) for e in at.error]


def test_the_teacher_link_opens_the_class_and_a_wrong_key_does_not() -> None:
    _teacher, code, key = start()
    again = classroom("en", {"class": code, "key": key})  # another browser (or after a restart)
    no_errors(again)
    assert again.session_state["_class_role"] == "teacher" and "key" not in again.query_params
    wrong = classroom("en", {"class": code, "key": key[:-2] + "xx"})
    assert "_class_role" not in wrong.session_state or wrong.session_state["_class_role"] is None
    assert t("classroom.error.key", "en") in [str(e.value) for e in wrong.error]
    assert t("classroom.start", "en") in [b.label for b in wrong.button]  # the lobby, not the class


def test_a_student_link_resumes_the_student() -> None:
    _teacher, code, _key = start()
    ana = join(code, "Ana")
    me = ana.session_state["_class_me"]
    assert ana.query_params["me"] in (me, [me])
    back = classroom("en", {"class": code, "me": me})  # a new session (a reload, a restart)
    assert back.session_state["_class_role"] == "student" and texts(back) == ["Ana"]
    other = classroom("en", {"class": code, "me": "not-a-student"})
    assert "_class_role" not in other.session_state or other.session_state["_class_role"] is None


def test_the_challenge_scores_on_the_server_and_fills_the_leaderboard() -> None:
    teacher, code, key = start()
    teacher.selectbox(key="class_dataset").set_value("toy")
    teacher.number_input(key="class_seed").set_value(3)
    click(teacher, "class_challenge")
    ana = join(code, "Ana")
    for name, value in zip(("w1", "w2", "b"), (0.0, -4.0, 2.0)):
        ana.session_state[f"perceptron.{name}"] = value  # her Perceptron sliders
    ana.run()
    assert ana.button(key="class_submit").label == t("classroom.submit", "en", w1="0", w2="-4", b="2")
    click(ana, "class_submit")
    _w, acc, loss = classes.score({"dataset": "toy", "seed": 3}, (0.0, -4.0, 2.0))
    assert t("classroom.scored", "en", acc=f"{acc:.1%}", loss=f"{loss:.4f}") in shown_text(ana)
    teacher.run()
    board = teacher.dataframe[0].value
    assert list(board[t("classroom.nick", "en")]) == ["Ana"]
    assert list(board[t("classroom.loss", "en")]) == [round(loss, 4)]
    csv_text = classes.ClassStore(classes.sa.create_engine(teacher_db_url())).export_csv(
        code, key, "leaderboard"
    )
    assert "Ana" in csv_text


def teacher_db_url() -> str:
    import os

    return os.environ["NNLAB_CLASS_DB_URL"]


def test_ending_the_class_deletes_it_and_students_are_told() -> None:
    teacher, code, _key = start()
    ana = join(code, "Ana")
    click(teacher, "class_end")
    assert "_class_code" not in teacher.session_state
    assert t("classroom.ended", "en") in [str(i.value) for i in teacher.info]
    ana.run()
    no_errors(ana)
    assert t("classroom.error.no_class", "en") in [str(e.value) for e in ana.error]
    assert t("classroom.join", "en") in [b.label for b in ana.button]  # back in the lobby


def test_a_database_that_is_down_gives_a_message_and_the_lab_keeps_working(monkeypatch) -> None:
    monkeypatch.setenv("NNLAB_CLASS_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    at = classroom("ko")
    no_errors(at)
    assert any(t("classroom.db_down", "ko").split("(")[0] in str(e.value) for e in at.error)
    # a student in a class whose database went down: the lessons still run (through the entry)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["_class_role"], at.session_state["_class_code"] = "student", "ABCDEF"
    at.session_state["_class_me"], at.session_state["_class_nick"] = "x" * 24, "Ana"
    at.run()
    at.switch_page("pages/perceptron.py").run()
    no_errors(at)
    assert at.title and at.title[0].value == t("perceptron.title", "en")
    assert at.metric  # the lesson's numbers are there


def test_follow_me_sends_following_students_and_one_click_stops_it() -> None:
    teacher, code, key = start()
    student = join_in_the_app(code, "Ana")
    # the teacher sends a preset's view
    teacher.selectbox(key="class_preset").set_value("dying_relu")
    click(teacher, "class_send_preset")
    student.run()  # the watcher's rerun
    no_errors(student)
    assert student.title[0].value == t("activations.title", "en")
    assert (
        student.session_state["activations.fn"] == "relu" and student.session_state["activations.lr"] == 10.0
    )
    # AppTest's next run() would start from the page it last opened itself: open the one followed to
    student.switch_page("pages/activations.py").run()
    assert student.title[0].value == t("activations.title", "en")
    # stop following (one click) and the next push does not move the student
    student.toggle(key="class_follow").set_value(False).run()
    classes.ClassStore(classes.sa.create_engine(teacher_db_url())).push(code, key, "losses", {"p": "0.3"})
    student.run()
    assert student.title[0].value == t("activations.title", "en")
    # follow again: back to where the class is
    student.toggle(key="class_follow").set_value(True).run()  # this very run goes there
    assert student.title[0].value == t("losses.title", "en") and student.session_state["losses.p"] == 0.3
    student.switch_page("pages/losses.py").run()
    # a new question brings a follower to the class page
    teacher.selectbox(key="class_question").set_value("softmax_temperature")
    click(teacher, "class_ask")
    student.run()
    no_errors(student)
    assert student.title[0].value == t("classroom.title", "en") and student.radio(key="class_answer_1")


def test_a_push_stored_before_its_lesson_was_renamed_still_sends_students_there() -> None:
    """A class's database outlives a deploy: a push of Many classes under its old url path (ui.MOVED)."""
    _teacher, code, key = start()
    student = join_in_the_app(code, "Ana")
    store = classes.ClassStore(classes.sa.create_engine(teacher_db_url()))
    seq = store.push(code, key, "many_classes", {"classes.k": "5"})
    with store.engine.begin() as conn:  # as the old app wrote it
        conn.execute(classes.classes.update().where(classes.classes.c.code == code).values(page="tasks"))
    assert store.view(code).page == "tasks" and store.view(code).push_seq == seq
    student.run()  # the watcher's rerun
    no_errors(student)
    assert student.title[0].value == t("many_classes.title", "en")
    assert student.session_state["many_classes.classes.k"] == 5


def test_what_a_student_did_survives_a_page_change() -> None:
    teacher, code, _key = start()
    teacher.selectbox(key="class_question").set_value("softmax_temperature")
    click(teacher, "class_ask")
    student = join_in_the_app(code, "Ana")
    student.radio(key="class_answer_1").set_value("down").run()  # chosen, not sent yet
    student.toggle(key="class_follow").set_value(False).run()
    student.switch_page("pages/perceptron.py").run()
    no_errors(student)
    assert student.title[0].value == t("perceptron.title", "en")  # not following: stays
    assert "Ana" in [str(e.value) for e in student.sidebar.text]  # the class panel
    student.switch_page("pages/classroom.py").run()
    no_errors(student)
    assert (
        student.radio(key="class_answer_1").value == "down" and not student.toggle(key="class_follow").value
    )
    assert [str(e.value) for e in student.main.text] == ["Ana"]


def test_the_teachers_follow_me_button_sends_the_page_with_its_settings() -> None:
    teacher = entry("en")
    teacher.switch_page("pages/classroom.py").run()
    click(teacher, "class_start")
    code = teacher.session_state["_class_code"]
    ana = join(code, "Ana")
    teacher.switch_page("pages/activations.py").run()
    teacher.session_state["activations.fn"] = "tanh"  # the teacher's view: tanh
    teacher.run()
    follow_me = next(b for b in teacher.sidebar.button if b.label == t("classroom.follow_me", "en"))
    follow_me.click().run()
    no_errors(teacher)
    sent = t("classroom.sent", "en", page=t("app.nav.activations", "en"))
    assert sent in [str(s.value) for s in teacher.toast]  # a lesson page: the message is a toast
    v = classes.ClassStore(classes.sa.create_engine(teacher_db_url())).view(code)
    assert v.page == "activations" and v.query["fn"] == "tanh" and v.push_seq == 1
    assert ana.session_state["_class_pushed"] == 0  # she joined before: she will follow it


def test_a_number_question_gets_a_number_box_and_a_histogram(monkeypatch) -> None:
    q = QUESTIONS["softmax_temperature"]
    number = type(q)("softmax_temperature", "number", lambda: 0.2, lo=0.0, hi=1.0, step=0.01)
    monkeypatch.setitem(QUESTIONS, "softmax_temperature", number)
    teacher, code, _key = start()
    ana = join(code, "Ana")
    teacher.selectbox(key="class_question").set_value("softmax_temperature")
    click(teacher, "class_ask")
    ana.run()
    box = ana.number_input(key="class_answer_1")
    assert (box.min, box.max, box.step, box.value) == (0.0, 1.0, 0.01, None)
    box.set_value(0.35)
    click(ana, "class_send")
    teacher.run()
    assert bars(teacher) == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]  # 0.35 in the bin 0.3–0.4
    click(teacher, "class_reveal")
    ana.run()
    m = {x.label: x.value for x in ana.metric}
    assert (m[t("classroom.your_prediction", "en")], m[t("classroom.outcome", "en")]) == ("0.35", "0.2")


def test_the_database_url_comes_from_secrets_before_the_environment(tmp_path) -> None:
    secret = f"sqlite:///{tmp_path / 'from-secrets.sqlite'}"
    at = AppTest.from_file(str(ROOT / "pages" / "classroom.py"), default_timeout=60)
    at.secrets["connections"] = {"classroom": {"url": secret}}
    at.run()
    click(at, "class_start")
    code = at.session_state["_class_code"]
    # in the secrets' database
    assert classes.ClassStore(classes.sa.create_engine(secret)).view(code).code == code
    env_store = classes.ClassStore(classes.sa.create_engine(teacher_db_url()))
    env_store.setup()
    assert err_code(lambda: env_store.view(code)) == "no_class"  # not in the environment's


def err_code(fn) -> str:
    with pytest.raises(classes.ClassError) as e:
        fn()
    return e.value.code


def test_the_page_runs_on_postgresql_through_st_connection(monkeypatch) -> None:
    from servers import postgres

    with postgres() as url:
        monkeypatch.setenv("NNLAB_CLASS_DB_URL", url)
        teacher, code, _key = start("ko")
        ana = join(code, "Ana")
        teacher.selectbox(key="class_question").set_value("softmax_temperature")
        click(teacher, "class_ask")
        ana.run()
        ana.radio(key="class_answer_1").set_value("down")
        click(ana, "class_send")
        teacher.run()
        assert f"{t('classroom.answered', 'ko')}=1 / 1" in shown_text(teacher)
        assert classes.ClassStore(classes.sa.create_engine(url)).version() == classes.SCHEMA_VERSION
        click(teacher, "class_end")
