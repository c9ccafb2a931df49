"""Checking the list of comments every batch function of manyi.text takes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

from manyi.errors import InvalidInput


def comment_list(texts: Sequence[str], function: str) -> list[str]:
    """Return ``texts`` as a list of str, or raise InvalidInput naming the first bad item.

    A bare string is refused (it would be read as a list of characters), and so is a
    missing value: the caller decides what a missing comment means.
    """
    if isinstance(texts, str | bytes):
        raise InvalidInput(f"{function}() takes a list of comments; wrap one comment as [text]")
    try:
        items = list(texts)
    except TypeError:
        raise InvalidInput(
            f"{function}() takes a list of comments, got {type(texts).__name__}"
        ) from None
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidInput(
                f"texts[{i}] is {type(item).__name__}, not str (comment #{i}); "
                "pass '' for a missing comment (pandas: .fillna(''))"
            )
    return items


def corpus_texts(texts: Iterable[str] | pd.Series, name: str = "texts") -> list[str]:
    """Return a corpus as a list of str, a missing answer (None/NaN) as ``""``.

    Corpus statistics (frequencies, key phrases, topics) count an unanswered open question
    as an empty document; anything else that is not a string is refused.
    """
    if isinstance(texts, str):
        raise InvalidInput(f"{name} must be a list of comments, not one string")
    out: list[str] = []
    for t in texts:
        if t is None or (isinstance(t, float) and math.isnan(t)):
            out.append("")
        elif isinstance(t, str):
            out.append(t)
        else:
            raise InvalidInput(f"every text in {name} must be a string, got {type(t).__name__}")
    return out
