"""Hashed n-gram features: comment rows are the sum of clause rows; kinds are checked."""

from __future__ import annotations

import numpy as np
import pytest

from manyi.errors import InvalidInput
from manyi.text.sentiment_features import Featurizer


def test_comment_row_is_sum_of_its_clause_rows() -> None:
    f = Featurizer("zh-char1-3+jieba1-2", 2**12)
    out = f.featurize(["不错，但是太贵了", "很好", "!!"])
    assert out.owner.tolist() == [0, 0, 1]
    np.testing.assert_array_equal(out.documents[0].toarray(), out.clauses[:2].sum(axis=0))
    # "!!" has no clause: its row comes from the whole text, and it has no clause row.
    assert out.documents[2].sum() > 0 and out.clause_lists[2] == []


def test_chinese_counts_characters_and_words() -> None:
    f = Featurizer("zh-char1-3+jieba1-2", 2**16)
    # 不好: chars 不, 好, 不好 (3) + jieba word(s): 不好 is one word in jieba's dictionary.
    assert f.transform(["不好"]).sum() == 4


def test_english_mentions_are_one_feature() -> None:
    f = Featurizer("en-word1-2+charwb2-5", 2**16)
    a, b = f.transform(["@united thanks", "@delta thanks"]).toarray()
    np.testing.assert_array_equal(a, b)


def test_empty_batch() -> None:
    out = Featurizer("en-word1-2+charwb2-5", 2**10).featurize([])
    assert out.documents.shape == (0, 2**10) and out.clauses.shape == (0, 2**10)


@pytest.mark.parametrize(("kind", "size"), [("fr-words", 2**10), ("zh-char1-3+jieba1-2", 1000)])
def test_bad_configuration(kind: str, size: int) -> None:
    with pytest.raises(InvalidInput):
        Featurizer(kind, size)
