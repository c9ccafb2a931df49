"""sentiment() remembers the results of short comments: same answers, less work."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from manyi.text.sentiment import MEMO_CHARS, SentimentModels, clear_memo, load_models, sentiment

# the module (manyi.text re-exports the function under the same name)
sentiment_module = importlib.import_module("manyi.text.sentiment")


def test_repeated_short_comments_are_scored_once_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clear_memo()
    texts = ["好评", "很满意！", "好评", "Great crew, thanks!", "好评", "x" * (MEMO_CHARS + 1)]
    first = sentiment(texts)
    calls: list[list[str]] = []
    real = sentiment_module._score_texts

    def counting(items: list[str], chosen: SentimentModels):  # type: ignore[no-untyped-def]
        calls.append(list(items))
        return real(items, chosen)

    monkeypatch.setattr(sentiment_module, "_score_texts", counting)
    second = sentiment(texts)
    assert second == first
    assert second[0] is second[2] is second[4]
    # only the comment longer than MEMO_CHARS is scored again
    assert calls == [["x" * (MEMO_CHARS + 1)]]
    clear_memo()
    assert sentiment(texts) == first
    assert calls[-1] == ["好评", "很满意！", "Great crew, thanks!", "x" * (MEMO_CHARS + 1)]


def test_models_passed_in_are_not_memoised(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = load_models()
    mine = SentimentModels(zh=bundled.zh, en=dataclasses.replace(bundled.en, encoder_head=None))
    calls: list[int] = []
    real = sentiment_module._score_texts

    def counting(items: list[str], chosen: SentimentModels):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return real(items, chosen)

    monkeypatch.setattr(sentiment_module, "_score_texts", counting)
    sentiment(["好评"], models=mine)
    sentiment(["好评"], models=mine)
    assert calls == [1, 1]


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = sentiment_module._ResultMemo(2)
    result = sentiment(["好评"])[0]
    for key in ("a", "b", "c"):
        memo.put((1, key), result)
    assert memo.get((1, "a")) is None
    assert memo.get((1, "b")) is result
    memo.put((1, "d"), result)  # "b" was used last, so "c" goes
    assert memo.get((1, "c")) is None
    assert memo.get((1, "b")) is result
