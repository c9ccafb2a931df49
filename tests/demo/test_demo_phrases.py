"""The demo phrase banks and name lists: package data, checked, and read only on use.

Issue #9 point 7: the demo's phrase data left the Python import path; these tests hold
the YAML banks to the shape the composer needs and check that importing any demo module
reads none of it.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from datetime import datetime
from itertools import chain
from typing import Any

import pytest

from manyi.demo.compose import PRODUCT_TAGS, Composer
from manyi.demo.feedback_aspects import ASPECTS_BY_CODE
from manyi.demo.names import name_parts, parse_name_parts
from manyi.demo.phrases import ASPECT_PARTS, LANGUAGES, PhraseBank, phrase_bank
from manyi.errors import InvalidInput

PRODUCTS = sorted(PRODUCT_TAGS.values())
_SLOT = re.compile(r"\{(\w+)\}")


def _filled_groups(bank: PhraseBank) -> dict[str, tuple[str, ...]]:
    """Every group of phrases whose slots the composer fills, by a readable name."""
    groups = {
        f"aspects.{code}.{part}": tuple(text for _, text in phrases)
        for code, parts in bank.aspects.items()
        for part, phrases in parts.items()
    }
    for name in (
        "incident_neg",
        "incident_note",
        "neg_extras",
        "pos_extras",
        "call_openers",
        "call_openers_verb",
        "call_actions",
        "call_outcomes",
        "pii_phone",
        "pii_email",
    ):
        groups[name] = getattr(bank, name)
    for name in ("openings", "closings", "call_routes"):
        for key, texts in getattr(bank, name).items():
            groups[f"{name}.{key}"] = texts
    return groups


def _composer(language: str, product: str) -> Composer:
    return Composer(random.Random(0), language, product, datetime(2026, 6, 1, 10, 0))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_aspect_has_complaint_praise_and_note_phrases(language: str) -> None:
    bank = phrase_bank(language)
    assert list(bank.aspects) == list(ASPECTS_BY_CODE)
    for code, parts in bank.aspects.items():
        assert set(parts) <= set(ASPECT_PARTS), code
        for part in ("neg", "pos", "note"):
            assert len(parts[part]) >= 2, (code, part)


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_openings_and_closings_hold_the_empty_choice(language: str) -> None:
    # An empty opening or closing means "none" and is drawn on purpose; anywhere else an
    # empty phrase would make a clause vanish from a text whose truth still names it.
    bank = phrase_bank(language)
    groups = _filled_groups(bank)
    for name in ("staff_names", "agent_names", "times", "gibberish", "additive", "contrast"):
        groups[name] = getattr(bank, name)
    for product, words in bank.product_words.items():
        groups[f"product_words.{product}"] = words
    for name, texts in groups.items():
        assert texts, f"{name} is empty"
        if not name.startswith(("openings.", "closings.")):
            assert all(t.strip() for t in texts), f"{name} holds an empty phrase"
    assert all(t for t in bank.gibberish)


@pytest.mark.parametrize("language", LANGUAGES)
def test_product_tags_and_words_name_the_demo_products(language: str) -> None:
    bank = phrase_bank(language)
    tags = {tag for parts in bank.aspects.values() for p in parts.values() for tag, _ in p}
    assert tags - {None} <= set(PRODUCTS)
    assert sorted(bank.product_words) == PRODUCTS
    # the tag is stripped from the text
    assert not any(
        t.startswith("[") for p in bank.aspects.values() for v in p.values() for _, t in v
    )


def test_both_languages_have_the_same_groups() -> None:
    zh, en = phrase_bank("zh"), phrase_bank("en")
    for name in ("openings", "closings", "call_routes", "product_words"):
        assert list(getattr(zh, name)) == list(getattr(en, name)), name
    departments = {aspect.department for aspect in ASPECTS_BY_CODE.values()}
    assert departments <= set(zh.call_routes)
    # Only Chinese notes start with a verb; the English bank leaves both keys out.
    assert zh.note_verbs and en.note_verbs == ()
    assert en.call_openers_verb == en.call_openers


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("product", PRODUCTS)
def test_every_slot_is_one_the_composer_fills(language: str, product: str) -> None:
    bank = phrase_bank(language)
    for name, texts in _filled_groups(bank).items():
        for text in texts:
            filled = _composer(language, product).fill(text)
            assert "{" not in filled and "}" not in filled, (name, text, filled)
    for agent in bank.agent_names:
        assert set(_SLOT.findall(agent)) <= {"agent_id"}, agent
    for text in chain(bank.staff_names, bank.times, bank.gibberish, bank.additive):
        assert not _SLOT.search(text), text


def test_an_unknown_slot_is_refused() -> None:
    with pytest.raises(KeyError, match="colour"):
        _composer("en", "tv").fill("my {colour} TV")


def test_phrase_counts_match_docs_demo() -> None:
    # docs/demo.md, "Phrase banks": 495 Chinese and 384 English phrases, the same
    # counts as the Python literals they were generated from (issue #9).
    assert phrase_bank("zh").phrase_count() == 495
    assert phrase_bank("en").phrase_count() == 384


def test_name_lists() -> None:
    parts = name_parts()
    assert (
        len(parts.surnames_zh),
        len(parts.given_chars_zh),
        len(parts.first_names_en),
        len(parts.last_names_en),
    ) == (64, 90, 72, 64)
    assert parts.surnames_zh[:3] == (("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7))
    assert all(weight > 0 for _, _, weight in parts.surnames_zh)
    assert all(re.fullmatch(r"[a-z]+", py) for _, py, _ in parts.surnames_zh)
    assert all(re.fullmatch(r"[a-z]+", py) for _, py in parts.given_chars_zh)


_PROBE = """
import importlib, json, pkgutil, sys

opened = []


def record(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".yaml"):
        opened.append(args[0].replace("\\\\", "/").rsplit("/", 2)[-2:])


sys.addaudithook(record)
import manyi.demo

for info in pkgutil.walk_packages(manyi.demo.__path__, "manyi.demo."):
    importlib.import_module(info.name)
from manyi.demo.names import name_parts
from manyi.demo.phrases import phrase_bank

state = {"imported": [list(p) for p in opened], "cached": phrase_bank.cache_info().currsize,
         "names_cached": name_parts.cache_info().currsize}
from manyi.demo.feedback import generate_feedback

generate_feedback(seed=3, n=20, english_share=0.5)
state["after_composing"] = sorted({"/".join(p) for p in opened})
state["cached_after"] = phrase_bank.cache_info().currsize
print(json.dumps(state))
"""


def test_importing_the_demo_reads_no_phrase_data() -> None:
    # A fresh interpreter: this test session has long filled the caches.
    run = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    state: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    assert state["imported"] == []
    assert state["cached"] == 0 and state["names_cached"] == 0
    # ...and composing a text does read them, so the probe can see a read.
    assert {
        "resources/phrases_zh.yaml",
        "resources/phrases_en.yaml",
        "resources/names.yaml",
    } <= set(state["after_composing"])
    assert state["cached_after"] == 2


def _good_bank() -> dict[str, Any]:
    return {
        "aspects": {"price": {"neg": ["too dear"], "pos": ["[tv]cheap"], "note": ["price"]}},
        **{
            key: ["x"]
            for key in (
                "incident_neg",
                "incident_note",
                "neg_extras",
                "pos_extras",
                "additive",
                "contrast",
                "call_openers",
                "call_actions",
                "call_outcomes",
                "pii_phone",
                "pii_email",
                "staff_names",
                "agent_names",
                "times",
                "gibberish",
            )
        },
        **{key: {"a": ["x"]} for key in ("openings", "closings", "call_routes", "product_words")},
    }


def test_a_well_formed_mapping_loads() -> None:
    bank = PhraseBank.from_mapping("en", _good_bank(), "test.yaml")
    assert bank.aspects["price"]["pos"] == (("tv", "cheap"),)
    assert bank.call_openers_verb == ("x",) and bank.note_verbs == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("closings"), r"missing key\(s\) \['closings'\]"),
        (lambda d: d.update(closing=["x"]), r"unknown key\(s\) \['closing'\]"),
        (lambda d: d.update(times=["ok", 3]), r"times must be a list of strings"),
        (lambda d: d.update(times="7 pm"), r"times must be a list of strings"),
        (lambda d: d.update(openings=["x"]), r"openings must map names"),
        (lambda d: d["aspects"]["price"].pop("pos"), r"aspects.price: missing part\(s\) \['pos'\]"),
        (lambda d: d["aspects"]["price"].update(praise=["x"]), r"unknown part\(s\) \['praise'\]"),
        (lambda d: d["aspects"]["price"].update(neg=[None]), r"aspects.price.neg must be a list"),
    ],
)
def test_a_malformed_bank_is_refused_with_the_key(change: Any, message: str) -> None:
    data = _good_bank()
    change(data)
    with pytest.raises(InvalidInput, match=message):
        PhraseBank.from_mapping("en", data, "test.yaml")


def test_a_bank_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"test\.yaml: a phrase bank is a mapping"):
        PhraseBank.from_mapping("en", ["not", "a", "mapping"], "test.yaml")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no demo phrase bank for language 'fr'"):
        phrase_bank("fr")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("last_names_en"), "expected exactly the keys"),
        (
            lambda d: d.update(surnames_zh=[["王", "wang", 0]]),
            r"is not \[surname, pinyin, weight>0\]",
        ),
        (lambda d: d.update(surnames_zh=[["王", "wang", True]]), "weight>0"),
        (lambda d: d.update(given_chars_zh=[["伟"]]), r"is not \[character, pinyin\]"),
        (lambda d: d.update(first_names_en=["Ann", ""]), "non-empty strings"),
        (lambda d: d.update(last_names_en=[]), "must be a non-empty list"),
    ],
)
def test_malformed_name_lists_are_refused(change: Any, message: str) -> None:
    data: dict[str, Any] = {
        "surnames_zh": [["王", "wang", 7.1]],
        "given_chars_zh": [["伟", "wei"]],
        "first_names_en": ["Ann"],
        "last_names_en": ["Lee"],
    }
    assert parse_name_parts(data, "n.yaml").surnames_zh == (("王", "wang", 7.1),)
    change(data)
    with pytest.raises(InvalidInput, match=message):
        parse_name_parts(data, "n.yaml")
