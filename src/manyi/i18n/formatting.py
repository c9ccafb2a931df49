"""Numbers, percentages and dates in the conventions of the page language (Babel, CLDR).

Chinese and English group thousands the same way ("1,234"), but dates differ
("2026年12月5日" and "Dec 5, 2026") and a future language may not; every number shown on a
page or in the report goes through here so that a language is added in one place.
Not-a-number and None are shown as "—", the report's sign for "no value".
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date as _babel_date
from babel.dates import format_time, get_datetime_format
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

from manyi.i18n.catalog import babel_locale

MISSING = "—"


def _pattern(digits: int, signed: bool, suffix: str = "") -> str:
    if not 0 <= digits <= 12:
        raise ValueError(f"digits must be between 0 and 12, not {digits}")
    body = "#,##0" + ("." + "0" * digits if digits else "") + suffix
    return f"+{body};-{body}" if signed else body


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: float | None, lang: str, digits: int = 0, signed: bool = False) -> str:
    """``value`` with grouped thousands and exactly ``digits`` decimals.

    Examples
    --------
    >>> format_number(1234, "zh-CN"), format_number(40.0, "en", 1, signed=True)
    ('1,234', '+40.0')
    >>> format_number(float("nan"), "en")
    '—'
    """
    if value is None or _missing(value):
        return MISSING
    return _babel_decimal(value, format=_pattern(digits, signed), locale=babel_locale(lang))


def format_percent(share: float | None, lang: str, digits: int = 1, signed: bool = False) -> str:
    """A share (0–1) as a percentage with ``digits`` decimals: 0.3125 → "31.2%".

    Examples
    --------
    >>> format_percent(0.3125, "zh-CN"), format_percent(-0.05, "en", signed=True)
    ('31.2%', '-5.0%')
    """
    if share is None or _missing(share):
        return MISSING
    pattern = _pattern(digits, signed, "%")
    return _babel_percent(share, format=pattern, locale=babel_locale(lang))


def format_date(value: date | None, lang: str, width: str = "medium") -> str:
    """A date in the language's ``width`` form ("short", "medium", "long", "full").

    Examples
    --------
    >>> from datetime import date
    >>> format_date(date(2026, 12, 5), "zh-CN"), format_date(date(2026, 12, 5), "en")
    ('2026年12月5日', 'Dec 5, 2026')
    """
    if value is None:
        return MISSING
    return _babel_date(value, format=width, locale=babel_locale(lang))


def format_datetime(value: datetime | None, lang: str) -> str:
    """A date with hours and minutes, as written in the language; no time-zone shift.

    Examples
    --------
    >>> from datetime import datetime
    >>> format_datetime(datetime(2026, 12, 5, 14, 3), "zh-CN")
    '2026年12月5日 14:03'
    >>> format_datetime(datetime(2026, 12, 5, 14, 3), "en")
    'Dec 5, 2026, 2:03\\u202fPM'
    """
    if value is None:
        return MISSING
    locale = babel_locale(lang)
    # The stored time is shown as stored: a naive value is not shifted to another zone.
    naive = value.replace(tzinfo=None)
    day = _babel_date(naive, format="medium", locale=locale)
    time = format_time(naive, format="short", locale=locale)
    joined = str(get_datetime_format("short", locale=locale))
    return joined.replace("{1}", day).replace("{0}", time)


__all__ = ["MISSING", "format_date", "format_datetime", "format_number", "format_percent"]
