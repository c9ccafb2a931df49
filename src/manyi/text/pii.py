"""Find and mask personal data in feedback text (PIPL / GDPR data minimisation).

Customers write phone numbers, e-mail addresses and even identity or bank card numbers
into comments ("请回电 138 1234 5678"). :func:`find_pii` finds them and :func:`redact`
replaces each with a label such as ``[手机号]`` before the text is stored, shown or
exported. Both work on the raw text (positions refer to it) and accept full-width
digits (１３８…).

What is recognised (``kind``: rule):

- ``email``: ``local@domain.tld`` (local part up to 64 characters, a dotted domain with
  a 2+ letter top-level label);
- ``id_cn``: an 18-character resident identity number (GB 11643-1999): a known province
  code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81–83), a real calendar date of
  birth between 1900-01-01 and today, three sequence digits and the ISO 7064 MOD 11-2
  check character (0–9 or X). Anything that fails one of these is *not* an ID number;
- ``bank_card``: 13–19 digits, written solid or in groups of four (and 4-6-5 for
  American Express), first digit 2–6 (the issuer ranges of UnionPay 62, Visa 4,
  Mastercard 2/5, Amex/JCB/Diners 3), passing the Luhn (ISO/IEC 7812-1) check;
- ``mobile_cn``: a mainland mobile number 1[3-9]x xxxx xxxx, optionally prefixed by +86,
  0086 or 86 and grouped 3-4-4 by spaces or hyphens;
- ``landline_cn``: an area code 0xx/0xxx and a 7–8 digit number, *separated* by a
  hyphen, space or parentheses (010-12345678, (0755)1234567); a solid 0-led digit run is
  left alone because order and tracking numbers look the same;
- ``phone``: a North-American number with separators or a +1 prefix ((555) 234-5678,
  555-234-5678, +1 555 234 5678; area and exchange codes start with 2–9) or any
  international number written with a leading ``+`` and 8–15 digits (E.164).

Numbers are only taken whole: a digit or Latin letter right before or after stops a
match, so a card number inside a longer order number is not found. Where two kinds
overlap the earlier kind in the list above wins (an ID number that also passes Luhn is
an ID number; a QQ e-mail 12345678@qq.com is an e-mail).

Limits: 15-digit first-generation ID numbers, passport numbers, names and street
addresses are not detected; a random order number of 13–19 digits that starts with 2–6
passes Luhn one time in ten and is then masked as a card (a false positive that is
safe: it only hides an order number).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric

from manyi.errors import InvalidInput

__all__ = [
    "LABELS_EN",
    "LABELS_ZH",
    "PII_KINDS",
    "PiiMatch",
    "find_pii",
    "is_valid_cn_id",
    "luhn_valid",
    "redact",
]

#: Kinds in priority order: on overlap, the earlier kind wins.
PII_KINDS: tuple[str, ...] = ("email", "id_cn", "bank_card", "mobile_cn", "landline_cn", "phone")

LABELS_ZH: Mapping[str, str] = {
    "email": "[邮箱]",
    "id_cn": "[身份证号]",
    "bank_card": "[银行卡号]",
    "mobile_cn": "[手机号]",
    "landline_cn": "[电话]",
    "phone": "[电话]",
}
LABELS_EN: Mapping[str, str] = {
    "email": "[EMAIL]",
    "id_cn": "[ID_NUMBER]",
    "bank_card": "[BANK_CARD]",
    "mobile_cn": "[PHONE]",
    "landline_cn": "[PHONE]",
    "phone": "[PHONE]",
}


@dataclass(frozen=True)
class PiiMatch:
    """One piece of personal data found in a text.

    Attributes
    ----------
    kind : str
        One of :data:`PII_KINDS`.
    start, end : int
        Position in the original text: ``text[start:end]`` is the match.
    text : str
        The matched characters, separators included.
    """

    kind: str
    start: int
    end: int
    text: str


# Boundaries: no digit or Latin letter right next to a match. Patterns run on a copy with
# full-width forms folded to ASCII, and re.ASCII keeps \d to 0-9 (not Arabic-Indic etc.).
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_NO_SIGN = r"(?<![0-9A-Za-z+])"  # a phone number does not start inside "+8613..."
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])",
    re.ASCII,
)
_ID_CN = re.compile(_B + r"\d{17}[\dXx]" + _E, re.ASCII)
_CARD = re.compile(
    _B + r"(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{5})" + _E,
    re.ASCII,
)
_MOBILE_CN = re.compile(
    _NO_SIGN + r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _E, re.ASCII
)
_LANDLINE_CN = re.compile(
    _NO_SIGN + r"(?:0\d{2,3}[ -]|\(0\d{2,3}\) ?)[1-9]\d{2,3}[ -]?\d{4}" + _E, re.ASCII
)
_PHONE = re.compile(
    _NO_SIGN + r"(?:"
    r"(?:\+1[ .-]?)?\([2-9]\d{2}\)[ .-]?[2-9]\d{2}[ .-]?\d{4}"  # (555) 234-5678
    r"|(?:\+1[ .-]?)?[2-9]\d{2}[ .-][2-9]\d{2}[ .-]\d{4}"  # 555-234-5678
    r"|\+1[2-9]\d{2}[2-9]\d{6}"  # +15552345678
    # Possessive quantifiers: one way to read the digits, so no catastrophic backtracking.
    r"|\+[1-9]\d{0,3}+(?:[ .-]?+(?:\(\d{1,4}+\)|\d{1,4}+)){1,6}+"  # +44 20 7946 0958
    r")" + _E,
    re.ASCII,
)

_ANY_DIGIT_OR_AT = re.compile(r"[0-9@]")
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


def _digits(s: str) -> str:
    # int() reads full-width and other Unicode decimal digits; keep X for the ID check
    # character. isdecimal, not isdigit: int() cannot read a superscript "²".
    return "".join(str(int(c)) if c.isdecimal() else c.upper() for c in s if c.isalnum())


def is_valid_cn_id(number: str, today: dt.date | None = None) -> bool:
    """Check a Chinese resident identity number (GB 11643-1999).

    The check character is ``"10X98765432"[sum(d_i * w_i) mod 11]`` with weights
    ``w = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2`` (ISO 7064 MOD 11-2); the province code
    must exist and the birth date (characters 7–14) must be a real date between
    1900-01-01 and ``today``. The check character is computed by python-stdnum
    (``stdnum.cn.ric.calc_check_digit``); the province and date rules are ours, because
    stdnum's own ``validate`` also demands a county code from its table and accepts any
    birth date.

    Parameters
    ----------
    number : str
        18 characters; separators are ignored, ``x`` may be lower case.
    today : datetime.date, optional
        Upper bound for the birth date (default: the current date).

    Returns
    -------
    bool

    References
    ----------
    GB 11643-1999, Citizen identification number; ISO 7064:2003, MOD 11-2.

    Examples
    --------
    >>> is_valid_cn_id("11010519491231002X"), is_valid_cn_id("110105194912310021")
    (True, False)
    """
    s = _digits(number)
    body = s[:17]
    if len(s) != 18 or not (body.isascii() and body.isdigit()) or s[17] not in "0123456789X":
        return False
    if int(s[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    return bool(ric.calc_check_digit(s) == s[17])


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10) check of a card number, separators ignored.

    Double every second digit from the right, subtract 9 from results above 9; the sum
    of all digits must be divisible by 10. Computed by python-stdnum (``stdnum.luhn``)
    after full-width digits are read and separators dropped.

    References
    ----------
    ISO/IEC 7812-1:2017, annex B; Luhn H.P. (1960), US patent 2,950,048.

    Examples
    --------
    >>> luhn_valid("4111 1111 1111 1111"), luhn_valid("4111 1111 1111 1112")
    (True, False)
    """
    # Anything but digits left after _digits (a letter) fails stdnum's check.
    return bool(luhn.is_valid(_digits(number)))


def _candidates(text: str, kind: str) -> Iterable[re.Match[str]]:
    if kind == "email":
        return _EMAIL.finditer(text) if "@" in text else ()
    if kind == "id_cn":
        return (m for m in _ID_CN.finditer(text) if is_valid_cn_id(m.group()))
    if kind == "bank_card":
        return (m for m in _CARD.finditer(text) if _plausible_card(m.group()))
    if kind == "mobile_cn":
        return _MOBILE_CN.finditer(text)
    if kind == "landline_cn":
        return _LANDLINE_CN.finditer(text)
    return (m for m in _PHONE.finditer(text) if 8 <= len(_digits(m.group())) <= 15)


def _plausible_card(s: str) -> bool:
    digits = _digits(s)
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)


def _check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return PII_KINDS
    chosen = tuple(kinds)
    unknown = [k for k in chosen if k not in PII_KINDS]
    if unknown:
        raise InvalidInput(
            f"unknown personal-data kind(s): {', '.join(unknown)}; known: {', '.join(PII_KINDS)}"
        )
    return tuple(k for k in PII_KINDS if k in chosen)


def find_pii(text: str, kinds: Iterable[str] | None = None) -> list[PiiMatch]:
    """Find e-mail addresses, phone, identity and bank card numbers in a text.

    Parameters
    ----------
    text : str
        Raw text (``None``/NaN give ``[]``).
    kinds : iterable of str, optional
        Restrict the search to these kinds (default: all of :data:`PII_KINDS`).

    Returns
    -------
    list of PiiMatch
        Non-overlapping matches ordered by position.

    Raises
    ------
    InvalidInput
        For an unknown kind or a ``text`` that is not a string.

    References
    ----------
    GB 11643-1999 (ID numbers); ISO/IEC 7812-1 (Luhn); ITU-T E.164 (phone numbers);
    MIIT numbering plan (mobile 13x–19x).

    Examples
    --------
    >>> [(m.kind, m.text) for m in find_pii("电话 +86 138-1234-5678, mail li@example.com")]
    [('mobile_cn', '+86 138-1234-5678'), ('email', 'li@example.com')]
    """
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return []
        raise InvalidInput(f"find_pii() needs a str, got {type(text).__name__}")
    chosen = _check_kinds(kinds)
    # Full-width digits, letters and signs map one-to-one to ASCII, so positions in the
    # folded copy are positions in the original.
    folded = text.translate(_FOLD)
    if not _ANY_DIGIT_OR_AT.search(folded):
        return []
    taken: list[PiiMatch] = []
    for kind in chosen:
        fresh: list[PiiMatch] = []
        j = 0  # taken[j] is the first earlier match that ends after this candidate starts
        for m in _candidates(folded, kind):
            start, end = m.span()
            while j < len(taken) and taken[j].end <= start:
                j += 1
            if j < len(taken) and taken[j].start < end:
                continue  # overlaps a match of a higher-priority kind
            fresh.append(PiiMatch(kind, start, end, text[start:end]))
        if fresh:
            taken = sorted(taken + fresh, key=lambda p: p.start)
    return taken


def redact(
    text: str,
    *,
    mask: str | None = None,
    language: str = "zh",
    kinds: Iterable[str] | None = None,
) -> str:
    """Replace every piece of personal data in ``text`` by a label or a fixed mask.

    Parameters
    ----------
    text : str
        Raw text (``None``/NaN give ``""``).
    mask : str, optional
        Put this string in place of every match (e.g. ``"***"``). Default: a label per
        kind from :data:`LABELS_ZH` or :data:`LABELS_EN`.
    language : {"zh", "en"}, default "zh"
        Which labels: ``[手机号] [电话] [邮箱] [身份证号] [银行卡号]`` or
        ``[PHONE] [EMAIL] [ID_NUMBER] [BANK_CARD]``.
    kinds : iterable of str, optional
        Only these kinds (default: all).

    Returns
    -------
    str
        The text with each match replaced; everything else unchanged.

    Raises
    ------
    InvalidInput
        For an unknown language or kind.

    Examples
    --------
    >>> redact("请回电13812345678或发邮件到 li@example.com")
    '请回电[手机号]或发邮件到 [邮箱]'
    >>> redact("call (555) 234-5678", language="en")
    'call [PHONE]'
    """
    if language not in ("zh", "en"):
        raise InvalidInput(f"redaction labels exist for 'zh' and 'en', not {language!r}")
    labels = LABELS_ZH if language == "zh" else LABELS_EN
    matches = find_pii(text, kinds)
    if not matches:
        return text if isinstance(text, str) else ""
    parts: list[str] = []
    pos = 0
    for m in matches:
        parts.append(text[pos : m.start])
        parts.append(labels[m.kind] if mask is None else mask)
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)
