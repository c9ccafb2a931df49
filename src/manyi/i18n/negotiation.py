"""Accept-Language negotiation with quality values (RFC 9110 §12.5.4, RFC 4647 lookup).

The header lists language ranges with optional weights, ``"en;q=0.1, zh-TW;q=0.9"``. The
ranges are tried from the highest weight down (equal weights keep their order); a range
matches an available language exactly, or by its primary subtag (``zh-TW`` and
``zh-Hant-HK`` take ``zh-CN``, the only Chinese there is; ``en-GB`` takes ``en``); ``q=0``
means "not this one", and ``*`` any language not named otherwise. Malformed entries are
skipped rather than rejected: a browser's header must never turn a page into an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from manyi.i18n.catalog import LANGUAGES

# language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*"  (RFC 4647 §2.1)
_RANGE = re.compile(r"^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$")
# qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (RFC 9110 §12.4.2)
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")
#: Longer headers are cut: no browser sends more, and parsing stays cheap.
MAX_HEADER = 2000


@dataclass(frozen=True)
class LanguageRange:
    """One entry of the header: the range (lower case) and its weight."""

    tag: str
    q: float


def parse_accept_language(header: str | None) -> list[LanguageRange]:
    """The header's language ranges, highest weight first (stable for equal weights).

    Entries with ``q=0`` are kept (they exclude a language); malformed ones are dropped.

    Examples
    --------
    >>> parse_accept_language("en;q=0.1, zh-TW;q=0.9, fr")
    [LanguageRange(tag='fr', q=1.0), LanguageRange(tag='zh-tw', q=0.9), LanguageRange(tag='en', q=0.1)]
    """
    if not header:
        return []
    found: list[LanguageRange] = []
    for entry in header[:MAX_HEADER].split(","):
        tag, *params = (piece.strip() for piece in entry.split(";"))
        if not _RANGE.match(tag):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                q = float(value) if _QVALUE.match(value) else -1.0
        if q >= 0:
            found.append(LanguageRange(tag.lower(), q))
    return sorted(found, key=lambda r: -r.q)


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def negotiate(accept_language: str | None, available: Sequence[str] = LANGUAGES) -> str | None:
    """The available language the header prefers most, or None when it accepts none.

    Parameters
    ----------
    accept_language : str or None
        The ``Accept-Language`` header as sent.
    available : sequence of str
        Language tags in order of preference for ``*`` (default :data:`LANGUAGES`).

    Examples
    --------
    >>> negotiate("en;q=0.1, zh-TW;q=0.9")
    'zh-CN'
    >>> negotiate("zh;q=0, en-GB;q=0.5"), negotiate("fr, de"), negotiate("fr, *;q=0.2")
    ('en', None, 'zh-CN')
    """
    ranges = parse_accept_language(accept_language)
    excluded = {r.tag for r in ranges if r.q == 0}
    excluded_primary = {r.tag for r in ranges if r.q == 0 and "-" not in r.tag}

    def allowed(lang: str) -> bool:
        return lang.lower() not in excluded and _primary(lang) not in excluded_primary

    for wanted in (r for r in ranges if r.q > 0):
        if wanted.tag == "*":
            named = {_primary(r.tag) for r in ranges}
            rest = [a for a in available if _primary(a) not in named and allowed(a)]
            if rest:
                return rest[0]
            continue
        exact = [a for a in available if a.lower() == wanted.tag and allowed(a)]
        same_language = [a for a in available if _primary(a) == _primary(wanted.tag) and allowed(a)]
        for match in (*exact, *same_language):
            return match
    return None


__all__ = ["LanguageRange", "negotiate", "parse_accept_language"]
