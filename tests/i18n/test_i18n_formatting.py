"""Numbers and dates in the page language, checked against CLDR's patterns.

CLDR 44+ (Unicode Common Locale Data Repository, https://cldr.unicode.org), as shipped
with Babel: decimal pattern "#,##0.###" and percent "#,##0%" for both en and zh_Hans; medium
date "MMM d, y" (en) and "y年M月d日" (zh); short time "h:mm a" (en, with a narrow
no-break space before AM/PM) and "HH:mm" (zh); date-time glue "{1}, {0}" (en) and
"{1} {0}" (zh).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from manyi.errors import InvalidInput
from manyi.i18n import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    gettext,
    pgettext,
    translations,
)
from manyi.i18n.terms import term


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_numbers_group_thousands_in_both_languages(lang: str) -> None:
    assert format_number(1234, lang) == "1,234"
    assert format_number(1234567.891, lang, 2) == "1,234,567.89"
    assert format_number(40.0, lang, 1, signed=True) == "+40.0"
    assert format_number(-56.25, lang, 1, signed=True) == "-56.2"  # half to even
    assert format_number(0.0, lang, 1, signed=True) == "+0.0"
    assert format_percent(0.3125, lang) == "31.2%"
    assert format_percent(1.0, lang, 0) == "100%"
    assert format_percent(-0.05, lang, 1, signed=True) == "-5.0%"


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf")])
def test_missing_numbers_show_a_dash(missing: float | None) -> None:
    assert format_number(missing, "en") == "—"
    assert format_percent(missing, "zh-CN") == "—"


def test_dates_follow_the_language() -> None:
    day = date(2026, 12, 5)
    assert format_date(day, "zh-CN") == "2026年12月5日"
    assert format_date(day, "en") == "Dec 5, 2026"
    assert format_date(day, "en", "long") == "December 5, 2026"
    moment = datetime(2026, 12, 5, 14, 3)
    assert format_datetime(moment, "zh-CN") == "2026年12月5日 14:03"
    assert format_datetime(moment, "en") == "Dec 5, 2026, 2:03\u202fPM"
    # an aware time is shown as stored, not moved to another zone
    aware = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    assert format_datetime(aware, "zh-CN") == "2026年12月5日 23:30"
    assert format_date(None, "en") == format_datetime(None, "en") == "—"


def test_bad_arguments_get_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="unknown language 'fr'"):
        format_number(1, "fr")
    with pytest.raises(InvalidInput, match="unknown language"):
        translations("zh_CN")
    with pytest.raises(ValueError, match="digits must be between 0 and 12"):
        format_number(1.0, "en", -1)


def test_gettext_pgettext_and_terms() -> None:
    assert gettext("zh-CN", "Sign in") == "登录"
    assert gettext("en", "Sign in") == "Sign in"
    assert gettext("zh-CN", "a text not in the catalog") == "a text not in the catalog"
    # the same English, two meanings: confidence interval and AHP consistency index
    assert gettext("zh-CN", "CI") == "置信区间"
    assert pgettext("zh-CN", "AHP consistency index", "CI") == "CI"
    assert [term(d, "zh-CN") for d in ("tangibles", "Reliability", "EMPATHY")] == [
        "有形性",
        "可靠性",
        "移情性",
    ]
    assert term("Endogenous", "zh-CN") == "内生" and term("speed", "zh-CN") == "speed"
