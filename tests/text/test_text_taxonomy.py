"""Tests for manyi.text.taxonomy: the bundled taxonomy, extension and YAML loading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manyi.errors import InvalidInput
from manyi.text.taxonomy import (
    REGEX_PREFIX,
    SERVQUAL_DIMENSIONS,
    Aspect,
    Taxonomy,
    default_taxonomy,
    load_taxonomy,
    parse_taxonomy,
)

BUSINESS = (
    "price",
    "product_quality",
    "delivery",
    "staff_attitude",
    "waiting_time",
    "environment",
    "food_taste",
    "billing",
    "app_usability",
    "after_sales",
)


def test_default_taxonomy_has_servqual_dimensions_and_business_aspects() -> None:
    tax = default_taxonomy()
    # Parasuraman, Zeithaml & Berry (1988): the five SERVQUAL dimensions.
    assert SERVQUAL_DIMENSIONS == (
        "tangibles",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
    )
    for code in (*SERVQUAL_DIMENSIONS, *BUSINESS):
        assert code in tax
    for code in SERVQUAL_DIMENSIONS:
        assert tax.get(code).dimension == code
    assert tax.get("waiting_time").dimension == "responsiveness"
    assert tax.get("price").dimension is None
    assert tax.get("food_taste").parent == "product_quality"


def test_default_taxonomy_is_rich_and_bilingual() -> None:
    for aspect in default_taxonomy():
        assert aspect.names["zh"] and aspect.names["en"]
        for lang in ("zh", "en"):
            assert len(aspect.keywords[lang]) >= 15, (aspect.code, lang)
            assert len(aspect.examples[lang]) >= 3, (aspect.code, lang)
        for lang in ("zh", "en"):
            for term in aspect.keywords[lang] + aspect.negative_keywords[lang]:
                if term.startswith(REGEX_PREFIX):
                    re.compile(term[len(REGEX_PREFIX) :])


def test_default_taxonomy_is_cached_and_round_trips() -> None:
    tax = default_taxonomy()
    assert default_taxonomy() is tax
    assert parse_taxonomy(tax.to_dict()) == tax
    assert tax.get("price").name("mixed") == tax.get("price").names["zh"]
    assert tax.get("price").name("en") == "price and value"


def test_extend_adds_an_aspect_splitting_a_flat_list_by_script() -> None:
    tax = default_taxonomy().extend(
        "wifi",
        keywords=["wifi", "无线网", "网速", "wifi"],
        examples=["酒店的网络信号太差了", "The wifi kept dropping"],
        dimension="tangibles",
    )
    wifi = tax.get("wifi")
    assert wifi.keywords == {"zh": ("无线网", "网速"), "en": ("wifi",)}
    assert wifi.examples["en"] == ("The wifi kept dropping",)
    assert wifi.names == {"zh": "wifi", "en": "wifi"}
    assert tax.codes[-1] == "wifi"
    assert "wifi" not in default_taxonomy()  # the original is immutable


def test_extend_merges_into_an_existing_aspect() -> None:
    tax = default_taxonomy().extend("price", keywords={"zh": ["价格", "收费标准"]})
    zh = tax.get("price").keywords["zh"]
    assert zh.count("价格") == 1
    assert zh[-1] == "收费标准"
    assert tax.get("price").dimension is None
    assert len(tax) == len(default_taxonomy())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "Bad Code", "keywords": ["x"]}, "lower-case"),
        ({"code": "new", "keywords": None}, "at least one keyword"),
        ({"code": "new", "keywords": ["re:(unclosed"]}, "regular expression"),
        ({"code": "new", "keywords": ["ok"], "dimension": "speed"}, "SERVQUAL"),
        ({"code": "new", "keywords": ["ok"], "parent": "nope"}, "parent"),
        ({"code": "new", "keywords": "one string"}, "list of strings"),
        ({"code": "new", "keywords": {"fr": ["prix"]}}, "language key"),
        ({"code": "new", "keywords": ["  "]}, "empty"),
        ({"code": "new", "keywords": [None]}, "non-text"),
    ],
)
def test_extend_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    code = kwargs.pop("code")
    with pytest.raises(InvalidInput, match=message):
        default_taxonomy().extend(code, **kwargs)  # type: ignore[arg-type]


def test_taxonomy_validation() -> None:
    a = Aspect(code="a", names={"zh": "a", "en": "a"}, keywords={"zh": (), "en": ("x",)})
    with pytest.raises(InvalidInput, match="twice"):
        Taxonomy(aspects=(a, a))
    with pytest.raises(InvalidInput, match="at least one aspect"):
        Taxonomy(aspects=())
    loop_a = Aspect(code="a", names={}, keywords={"en": ("x",)}, parent="b")
    loop_b = Aspect(code="b", names={}, keywords={"en": ("y",)}, parent="a")
    with pytest.raises(InvalidInput, match="cycle"):
        Taxonomy(aspects=(loop_a, loop_b))
    with pytest.raises(InvalidInput, match="unknown aspect"):
        default_taxonomy().get("nope")


def test_without_drops_aspects_and_reparents_children() -> None:
    tax = default_taxonomy().without("product_quality", "tangibles")
    assert "product_quality" not in tax and "tangibles" not in tax
    assert tax.get("food_taste").parent is None
    with pytest.raises(InvalidInput):
        tax.without("product_quality")


def test_load_taxonomy_extends_the_default(tmp_path: Path) -> None:
    path = tmp_path / "tax.yaml"
    path.write_text(
        "version: mine-1\n"
        "extends: default\n"
        "remove: [app_usability]\n"
        "aspects:\n"
        "  - code: wifi\n"
        "    names: {zh: 无线网络, en: Wi-Fi}\n"
        "    dimension: tangibles\n"
        "    keywords: {zh: [无线网, 网速], en: [wifi]}\n"
        "    examples: {zh: [房间里的网络信号太差了]}\n"
        "  - code: price\n"
        "    keywords: {zh: [收费标准]}\n",
        encoding="utf-8",
    )
    tax = load_taxonomy(path)
    assert tax.version == "mine-1"
    assert "app_usability" not in tax
    assert tax.get("wifi").names == {"zh": "无线网络", "en": "Wi-Fi"}
    assert tax.get("price").keywords["zh"][-1] == "收费标准"
    assert tax.get("price").names == default_taxonomy().get("price").names


def test_load_taxonomy_standalone_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "own.yaml"
    good.write_text("aspects:\n  - code: noise\n    keywords: [吵, noisy]\n", encoding="utf-8")
    assert load_taxonomy(good).codes == ("noise",)
    bad = tmp_path / "bad.yaml"
    bad.write_text("aspects: [code: {", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_taxonomy(bad)
    with pytest.raises(InvalidInput, match="cannot read"):
        load_taxonomy(tmp_path / "missing.yaml")
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="mapping"):
        load_taxonomy(listed)
    with pytest.raises(InvalidInput, match="unknown field"):
        parse_taxonomy({"aspects": [{"code": "x", "keyword": ["typo"]}]})
    with pytest.raises(InvalidInput, match="extends"):
        parse_taxonomy({"extends": "other", "aspects": []})
