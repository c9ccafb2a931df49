"""Accept-Language with q values (RFC 9110 §12.5.4) and the page language's precedence."""

from __future__ import annotations

import pytest

from manyi.i18n import negotiate, parse_accept_language
from manyi.i18n.negotiation import LanguageRange
from manyi.web.i18n import pick_language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # the weight decides, not the order: Traditional Chinese takes our only Chinese
        ("en;q=0.1, zh-TW;q=0.9", "zh-CN"),
        ("zh-TW;q=0.1, en;q=0.9", "en"),
        # RFC 9110's own example: Danish first, then British English, then any English
        ("da, en-gb;q=0.8, en;q=0.7", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("EN-us", "en"),
        ("zh-Hant-HK", "zh-CN"),
        # q=0 means "not this one", for the exact tag and, for a bare language, all its tags
        ("zh;q=0, en;q=0.5", "en"),
        ("en;q=0, zh-TW;q=0.2", "zh-CN"),
        ("zh-CN;q=0, zh", None),
        ("en;q=0", None),
        # equal weights keep the header's order
        ("en, zh", "en"),
        ("zh, en", "zh-CN"),
        # "*" is any language the header does not name otherwise
        ("fr, *;q=0.1", "zh-CN"),
        ("zh;q=0, *", "en"),
        # nothing usable
        ("fr, de-AT", None),
        ("", None),
        (None, None),
        # malformed weights and tags are skipped, the rest still counts
        ("zh;q=2, en;q=0.5", "en"),
        ("zh;q=abc, en;q=0.5", "en"),
        ("zh;q=0.1234, en;q=0.001", "en"),
        ("<script>, en", "en"),
    ],
)
def test_negotiate(header: str | None, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_parse_keeps_order_of_equal_weights_and_sorts_by_weight() -> None:
    assert parse_accept_language("fr;q=0.5, de, en;q=0.5, zh;q=0") == [
        LanguageRange("de", 1.0),
        LanguageRange("fr", 0.5),
        LanguageRange("en", 0.5),
        LanguageRange("zh", 0.0),
    ]


def test_negotiate_with_other_available_languages() -> None:
    assert negotiate("de-CH;q=0.9, fr;q=0.8", ["fr", "de"]) == "de"
    assert negotiate("de-CH;q=0.7, fr;q=0.8", ["fr", "de"]) == "fr"


def test_a_huge_header_is_cut_not_an_error() -> None:
    assert negotiate("x-" * 100_000 + ", en") is None
    assert negotiate("en, " + "fr;q=0.5, " * 10_000) == "en"


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "zh-CN", "zh", "en"),  # ?lang= first
        (None, "en", "zh", "en"),  # then the cookie
        ("fr", "en", "zh", "en"),  # an unknown ?lang= is ignored
        (None, None, "en;q=0.1, zh-TW;q=0.9", "zh-CN"),  # then the header, by weight
        (None, None, "fr", "en"),  # then the default
        (None, None, None, "en"),
    ],
)
def test_pick_language_precedence(
    query: str | None, cookie: str | None, accept: str | None, expected: str
) -> None:
    assert pick_language(query, cookie, accept, default="en") == expected
