"""Checking the list of comments every batch function of manyi.text takes."""

from __future__ import annotations

from collections.abc import Sequence

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
