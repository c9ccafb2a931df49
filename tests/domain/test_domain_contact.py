"""Phone numbers, e-mail addresses and yes/no consent as contact files and events give them."""

from __future__ import annotations

import pytest

from manyi.domain.contact import normalise_email, normalise_phone, parse_consent


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("８６１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),  # Excel keeps a long number as a float
        ("(010) 6275-1234", "01062751234"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_are_stored_in_one_form(given: object, stored: str) -> None:
    assert normalise_phone(given) == stored


@pytest.mark.parametrize(
    "given", ["12345", "1381234567", "23812345678", "phone", "+0123456789", ""]
)
def test_what_is_no_phone_number_is_refused_with_the_value(given: str) -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        normalise_phone(given)


def test_email_addresses() -> None:
    assert normalise_email(" li.lei＠example.com ") == "li.lei@example.com"
    for bad in [
        "li",
        "li@",
        "@example.com",
        "a b@example.com",
        "a@example",
        "a@b.com, c@d.com",
        "a@b.com\nBcc: x@y.com",
    ]:
        with pytest.raises(ValueError, match="not an e-mail address"):
            normalise_email(bad)


def test_consent_values_in_chinese_and_english() -> None:
    assert [parse_consent(v) for v in ["是", "同意", "yes", "Y", "1", 1, True, "√"]] == [True] * 8
    assert [parse_consent(v) for v in ["否", "不同意", "no", "N", "0", 0, False]] == [False] * 7
    with pytest.raises(ValueError, match="not a yes or no"):
        parse_consent("maybe")
