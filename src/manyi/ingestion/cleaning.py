"""Cleaning at intake: normalise text, fingerprint content, flag low-quality responses.

Flags mark a response for analysts to review or exclude; nothing is ever deleted here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from manyi.domain.enums import QualityFlag
from manyi.domain.questions import kind_spec
from manyi.domain.survey import SurveyDefinition

# Full-width letters, digits and the ideographic space become ASCII; full-width punctuation
# such as ，！？ is kept because it is ordinary Chinese punctuation, not a width accident.
_FULLWIDTH = {
    cp: cp - 0xFEE0
    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for cp in range(r[0], r[1] + 1)
}
_FULLWIDTH[0x3000] = 0x20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# Fewer items are too often answered honestly alike (a delighted customer gives five 5s).
MIN_STRAIGHT_LINE_ITEMS = 8


def normalize_text(text: str) -> str:
    """Full-width letters/digits to ASCII, control characters removed, whitespace collapsed."""
    text = text.translate(_FULLWIDTH).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def fingerprint(*parts: Any) -> str:
    """A stable SHA-256 of JSON-serialisable parts (key order does not matter)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORDISH = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def is_empty_text(text: str) -> bool:
    """Only whitespace, punctuation or symbols: nothing a reader could use."""
    return _WORDISH.search(text) is None and not any(ch.isdigit() for ch in text)


_ADJACENT = {row[i : i + 2] for row in _KEYBOARD_ROWS for i in range(len(row) - 1)}
_ADJACENT |= {pair[::-1] for pair in _ADJACENT}


def _keyboard_share(word: str) -> float:
    """Share of letter pairs that are neighbouring keys on one keyboard row ("asdf" → 1.0)."""
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    return sum(p in _ADJACENT for p in pairs) / len(pairs)


def is_gibberish(text: str) -> bool:
    """Heuristics for keyboard mashing and filler answers ("asdfgh", "111", "。。。。", "哈哈哈哈哈哈")."""
    stripped = re.sub(r"\s+", "", text)
    if not stripped:
        return False
    if _WORDISH.search(stripped) is None:
        return True  # digits and punctuation only
    if len(stripped) >= 4 and len(set(stripped)) / len(stripped) < 0.25:
        return True  # one or two characters repeated
    if _CJK.search(stripped):
        return False
    words = _LATIN_WORD.findall(text.lower())
    if not words:
        return True
    mashed = 0
    for word in words:
        if (len(word) >= 4 and _keyboard_share(word) >= 0.7) or (
            len(word) >= 6 and not re.search(r"[aeiouy]", word)
        ):
            mashed += 1
    return mashed == len(words)


def _straight_line_scores(definition: SurveyDefinition, answers: dict[str, Any]) -> list[float]:
    """The scores that count towards straight-lining; each question's kind says which."""
    values: list[float] = []
    for q in definition.questions:
        answer = answers.get(q.code)
        if answer is not None:
            values.extend(kind_spec(q.kind).straight_line_scores(q, answer))
    return values


def quality_flags(
    definition: SurveyDefinition,
    answers: dict[str, Any],
    *,
    duration_s: float | None = None,
    reference_s: float | None = None,
    speeder_fraction: float = 0.3,
) -> list[str]:
    """Flags for one response (already validated).

    - speeder: took less than ``speeder_fraction`` of the reference time (the survey's
      median completion time, or its ``expected_seconds`` until enough responses exist);
    - straight_liner: at least eight rating items, all with the same score;
    - gibberish / empty_open: an open answer that is mashing, filler or no words at all.
    """
    flags: list[str] = []
    if duration_s is not None and reference_s and duration_s < speeder_fraction * reference_s:
        flags.append(QualityFlag.SPEEDER.value)
    values = _straight_line_scores(definition, answers)
    if len(values) >= MIN_STRAIGHT_LINE_ITEMS and len(set(values)) == 1:
        flags.append(QualityFlag.STRAIGHT_LINER.value)
    open_texts = [
        answers[q.code]
        for q in definition.questions
        if kind_spec(q.kind).is_open_text and q.code in answers
    ]
    if any(isinstance(t, str) and is_empty_text(t) for t in open_texts):
        flags.append(QualityFlag.EMPTY_OPEN.value)
    elif any(isinstance(t, str) and is_gibberish(t) for t in open_texts):
        flags.append(QualityFlag.GIBBERISH.value)
    return flags


def clean_answers(answers: Any) -> Any:
    """Normalise every string inside an answers payload (recursively)."""
    if isinstance(answers, str):
        if answers.isascii() and answers.isalnum():
            return answers  # codes and numbers: nothing to normalise
        return normalize_text(answers)
    if isinstance(answers, dict):
        return {str(k): clean_answers(v) for k, v in answers.items()}
    if isinstance(answers, list):
        return [clean_answers(v) for v in answers]
    return answers


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
