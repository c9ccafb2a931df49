"""Contact details as customers give them: phone numbers, e-mail addresses, yes/no consent.

Pure functions shared by the contact-file import and the events API, so that a number or
address is checked and stored the same way whichever way it arrives.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

YES = frozenset({"1", "true", "yes", "y", "t", "on", "是", "同意", "已同意", "√", "✓", "对"})
NO = frozenset({"0", "false", "no", "n", "f", "off", "否", "不同意", "拒绝", "×", "✗", "不"})

#: One address, no display name, no spaces, commas or line breaks (as e-mail sends need).
_EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.][^@\s<>,;\"']*")
_MOBILE_CN = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE_CN = re.compile(r"0\d{9,11}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")


def normalise_phone(value: Any) -> str:
    """A phone number as stored: a mainland mobile as its 11 digits, a landline with its
    area code as digits, any other as +country digits. Raises ValueError with the reason.

    >>> normalise_phone("+86 138-1234-5678"), normalise_phone(13812345678.0), normalise_phone("010-6275 1234")
    ('13812345678', '13812345678', '01062751234')
    """
    text = cell_text(value)
    compact = re.sub(r"[\s\-().]", "", unicodedata.normalize("NFKC", text))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    mobile = _MOBILE_CN.fullmatch(compact)
    if mobile:
        return mobile.group(1)
    if _LANDLINE_CN.fullmatch(compact) or _INTERNATIONAL.fullmatch(compact):
        return compact
    raise ValueError(
        f"not a phone number: {text!r} (a mobile 1xxxxxxxxxx, a landline with its area code "
        "0xx…, or an international number +country…)"
    )


def normalise_email(value: Any) -> str:
    """One e-mail address (full-width ＠ and letters made half-width); ValueError if not one.

    >>> normalise_email(" Li.Lei＠Example.com ")
    'Li.Lei@Example.com'
    """
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if len(text) > 320 or not _EMAIL.fullmatch(text):
        raise ValueError(f"not an e-mail address: {cell_text(value)!r}")
    return text


def parse_consent(value: Any) -> bool:
    """yes/no, 1/0, true/false, 是/否, 同意/不同意 … as a bool; ValueError otherwise."""
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"not a yes or no: {cell_text(value)!r} (use 是/否, yes/no or 1/0)")


def cell_text(value: Any) -> str:
    """A cell as text; Excel keeps long digit strings (ids, phones) as numbers, 1.38e10."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
