"""enrich_texts: one batch call gives language, sentiment, aspects and redacted text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from manyi.text import enrich
from manyi.text.aspects import aspects
from manyi.text.sentiment import sentiment

TEXTS = [
    "菜很好吃，但是服务太慢，电话13812345678",
    "价格是多少",  # a mention without opinion words: the whole comment decides
    "The waiter was rude.",
    "",
    None,
    b"\xff\xfe binary",
]


def test_batch_matches_the_library_functions() -> None:
    results = enrich.enrich_texts(TEXTS)
    assert len(results) == len(TEXTS)
    assert "13812345678" not in results[0].redacted_text
    analysed = [enrich.normalize(r.redacted_text) for r in results]
    expected = aspects(analysed)
    feelings = sentiment(analysed)
    for result, mentions, feeling in zip(results, expected, feelings, strict=True):
        assert result.error is None
        assert result.sentiment_label == feeling.label
        assert [(a["code"], a["label"]) for a in result.aspects] == [
            (m.code, m.label) for m in mentions
        ]
    assert [(a["code"], a["label"]) for a in results[0].aspects] == [
        ("food_taste", "positive"),
        ("waiting_time", "negative"),
    ]


def test_whole_comments_are_scored_by_the_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> list[Any]:
        calls.append(list(texts))
        return sentiment(texts)

    import sys

    monkeypatch.setattr(enrich, "sentiment", counting)
    # aspects' default scorer imports it from the module at call time
    monkeypatch.setattr(sys.modules["manyi.text.sentiment"], "sentiment", counting)
    enrich.enrich_texts(TEXTS)
    # one batch call; the fallback of "价格是多少" reuses its score instead of a second call
    assert len(calls) == 1


def test_version_changes_with_the_taxonomy() -> None:
    from manyi.text.taxonomy import default_taxonomy

    wider = default_taxonomy().extend(
        "wifi", keywords=["无线网"], names={"zh": "网络", "en": "wifi"}
    )
    assert enrich.enrichment_version(wider) != enrich.enrichment_version()
