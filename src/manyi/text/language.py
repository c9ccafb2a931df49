"""Tell Chinese, English, mixed and other comments apart by the scripts they use.

Feedback in manyi is Chinese or English, often both in one comment ("iPhone 的屏幕很好",
"the 客服 was rude"). A statistical language identifier is overkill for that choice and
unreliable on five-word comments; counting scripts is exact, fast and explainable.

Rule (:func:`detect_language`), on the characters of the text:

- *ideographs* ``h``: CJK Unified Ideographs (U+4E00–9FFF, extension A U+3400–4DBF,
  compatibility U+F900–FAFF, extensions B+ U+20000–3134F);
- *Latin letters* ``l``: a–z, A–Z and Latin letters with diacritics (U+00C0–024F);
- *kana* ``k`` (Japanese), *hangul* ``g`` (Korean), and *other letters* ``o`` (any other
  alphabetic character: Cyrillic, Arabic, Thai, Greek …).

Web addresses and e-mail addresses are ignored (an address in a Chinese comment does not
make it English). One ideograph carries about as much as three Latin letters (a Chinese word averages
1.5–2 characters, an English word 4.5–5 letters), so the Chinese share is
``z = h / (h + l / 3)``.

==========  =================================================================
result      when
==========  =================================================================
``empty``   no letter of any script (blank, digits, punctuation, emoji only)
``other``   ``k >= 2`` and ``k >= 0.1 (h + k)`` (kana: Japanese, which also uses
            ideographs; one kana in Chinese is slang, 我の),
            or ``g + o`` is at least half of all letters
``zh``      ``z >= 0.6``
``en``      ``z <= 0.2``
``mixed``   otherwise
==========  =================================================================

``en`` means "Latin script": French or German text is reported as ``en``.
"""

from __future__ import annotations

import re
from typing import Literal

from manyi.errors import InvalidInput
from manyi.text.normalize import URL_PATTERN

__all__ = ["LANGUAGES", "Language", "detect_language", "script_counts"]

Language = Literal["zh", "en", "mixed", "other", "empty"]
LANGUAGES: tuple[Language, ...] = ("zh", "en", "mixed", "other", "empty")

_LATIN_PER_IDEOGRAPH = 3.0
ZH_THRESHOLD = 0.6
EN_THRESHOLD = 0.2
KANA_SHARE = 0.1
# One kana in a Chinese comment is slang (我の); two or more with 10 % is Japanese.
MIN_KANA = 2
OTHER_SCRIPT_SHARE = 0.5

_IDEOGRAPHS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_KANA = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+")
# A Unicode letter: a word character that is neither a digit nor the underscore.
_LETTERS = re.compile(r"[^\W\d_]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def script_counts(text: str) -> dict[str, int]:
    """Count the letters of each script in ``text``.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    dict
        ``{"ideograph": h, "latin": l, "kana": k, "hangul": g, "other": o}``; ``other``
        counts letters (Unicode word characters that are not digits) of any further script.

    Examples
    --------
    >>> script_counts("iPhone 的屏幕很好")
    {'ideograph': 5, 'latin': 6, 'kana': 0, 'hangul': 0, 'other': 0}
    """
    h = _count(_IDEOGRAPHS, text)
    latin = _count(_LATIN, text)
    k = _count(_KANA, text)
    g = _count(_HANGUL, text)
    alpha = latin if text.isascii() else _count(_LETTERS, text)
    # Letters of every script match _LETTERS, ideographs, kana and hangul included;
    # whatever is left once those are taken away is "other".
    o = max(alpha - h - latin - k - g, 0)
    return {"ideograph": h, "latin": latin, "kana": k, "hangul": g, "other": o}


def detect_language(text: str) -> Language:
    """Classify a comment as ``"zh"``, ``"en"``, ``"mixed"``, ``"other"`` or ``"empty"``.

    With ``h`` ideographs and ``l`` Latin letters, the Chinese share is
    ``z = h / (h + l / 3)``; ``zh`` when ``z >= 0.6``, ``en`` when ``z <= 0.2``, else
    ``mixed``. Japanese (two or more kana, at least 10 % of kana + ideographs), Korean, other
    scripts (at least half of all letters) give ``other``; no letters at all gives
    ``empty``. See the module docstring for the reasoning.

    Parameters
    ----------
    text : str
        The comment (raw or normalised). ``None``/NaN count as empty.

    Returns
    -------
    str
        One of :data:`LANGUAGES`.

    Raises
    ------
    InvalidInput
        When ``text`` is not a string (or missing value).

    References
    ----------
    Unicode Standard Annex #24, "Unicode Script Property".

    Examples
    --------
    >>> detect_language("服务态度很好"), detect_language("Great service!")
    ('zh', 'en')
    >>> detect_language("iPhone 的屏幕很好"), detect_language("the 客服 was so rude to me")
    ('zh', 'mixed')
    >>> detect_language("とても良いサービス"), detect_language("👍👍 !!")
    ('other', 'empty')
    """
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and text != text):
            return "empty"
        raise InvalidInput(f"detect_language() needs a str, got {type(text).__name__}")
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "://" in text or "www." in text.lower():
        # An address in a Chinese comment is not English.
        text = URL_PATTERN.sub(" ", text)
    c = script_counts(text)
    h, latin, k = c["ideograph"], c["latin"], c["kana"]
    total = h + latin + k + c["hangul"] + c["other"]
    if total == 0:
        return "empty"
    if k >= MIN_KANA and k >= KANA_SHARE * (h + k):
        return "other"
    if c["hangul"] + c["other"] >= OTHER_SCRIPT_SHARE * total:
        return "other"
    if h + latin == 0:  # letters, but neither Chinese nor Latin (e.g. one lone kana)
        return "other"
    z = h / (h + latin / _LATIN_PER_IDEOGRAPH)
    if z >= ZH_THRESHOLD:
        return "zh"
    if z <= EN_THRESHOLD:
        return "en"
    return "mixed"
