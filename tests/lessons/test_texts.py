"""The locale texts: every string in both languages with the same placeholders, the Korean terms of
SYLLABUS.md (one term per concept), and sentences that state their claims with the right qualifiers."""

from __future__ import annotations

import re

from core.classroom import text
from core.classroom.text import LANGS, strings, t

EN, KO = text.strings("en"), text.strings("ko")


def test_qualified_sentences() -> None:
    assert "checked against PyTorch" in EN["home.intro"] and "computed by PyTorch," not in EN["home.intro"]
    assert "대조" in KO["home.intro"]
    assert "many classes" not in EN["home.pages.beyond"] and "여러 클래스" not in KO["home.pages.beyond"]
    assert "inputs are fixed" in EN["activations.dead_intro"]
    assert "입력이 고정" in KO["activations.dead_intro"]
    assert "first hidden layer draws its own line" in EN["beyond.look_for"]
    assert "첫 번째 은닉층의 뉴런마다" in KO["beyond.look_for"]
    # sin x₁ is an extra feature, not a feature cross
    assert "or other functions such as sin x₁" in EN["beyond.intro"]
    assert "sin x₁ 같은 다른 함수" in KO["beyond.intro"]
    assert "(feature crosses)" not in EN["beyond.features"]


BANNED = ("장난감 데이터", "교차 특성", "한 걸음", "걸음", "보폭", "시끄러운", "시끄럽", "탐침", "그레디언트")


# 예제 means a worked example of the seed notes ("원문 예제"), never one data point (샘플)
EXAMPLE_OK = ("원문 예제", "원문의 예제", "원문의 이진 크로스 엔트로피 예제")


# 네트워크 only inside fixed names; the network itself is 신경망
NETWORK_OK = ("피드포워드 네트워크", "잔차 네트워크")


def test_korean_uses_one_term_per_concept() -> None:
    bad = []
    for key, value in KO.items():
        for word in BANNED:
            if word in value:
                bad.append((key, word))
        rest = value
        for ok in EXAMPLE_OK:
            rest = rest.replace(ok, "")
        if "예제" in rest:
            bad.append((key, "예제"))
        rest = value
        for ok in NETWORK_OK:
            rest = rest.replace(ok, "")
        if "네트워크" in rest:
            bad.append((key, "네트워크"))
        # 기울기 is a curve's slope; a gradient (of a loss, an arrow) is 그레이디언트
        if re.search(r"기울기 화살표|손실의 기울기|기울기 벡터", value):
            bad.append((key, "기울기 for a gradient"))
    assert not bad, bad
    assert "토이 데이터" in KO["share.preset.book_toy.title"]
    assert "특성 교차" in KO["beyond.intro"]
    assert KO["backprop.step"] == "한 단계"
    assert "잡음이 섞인" in KO["minibatch.title"]
    assert "확인용 점" in KO["perceptron.probe"] and "확인용 점" in KO["many_classes.probe"]


def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    ko, en = strings("ko"), strings("en")
    assert set(ko) == set(en), set(ko) ^ set(en)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", ko[key])), key
    assert t("app.nav.training", "ko") == "훈련" and t("app.nav.training", "en-US") == "Training"
    assert t("no.such.key", "ko") == "no.such.key"
    assert set(LANGS) == {"ko", "en"}


def test_korean_uses_the_books_terms() -> None:
    ko = "\n".join(strings("ko").values())
    for term in (
        "퍼셉트론",
        "활성화 함수",
        "손실 함수",
        "역전파",
        "미니배치",
        "학습률",
        "결정 경계",
        "그레이디언트",
    ):
        assert term in ko, term
    assert "그레디언트" not in ko  # the seed's spelling; the lab uses 그레이디언트


def test_each_navigation_label_names_its_page_as_the_title_does() -> None:
    """The sidebar's name of a lesson is its title or part of it ("Loss landscape" in "The loss landscape:
    ..."): a student who clicks "Many classes & regression" should not land on "Many classes and
    regression"."""
    for lang, texts in (("en", EN), ("ko", KO)):
        for key, label in texts.items():
            page = key.removeprefix("app.nav.")
            if key.startswith("app.nav.") and f"{page}.title" in texts:
                assert label.lower() in texts[f"{page}.title"].lower(), (lang, label, texts[f"{page}.title"])
