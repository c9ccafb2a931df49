"""The message catalogs: which languages exist and their gettext translations.

Message ids are the English source texts; ``locale/zh_CN`` translates them and
``locale/en`` lists the same ids with an empty ``msgstr`` (gettext then shows the id
itself), so English needs no second copy of every text but a missing entry is still
visible to the catalog test. The compiled ``.mo`` files sit beside the ``.po`` files and
are committed, so an installed package needs no build step (see docs/i18n.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.core import Locale
from babel.support import NullTranslations, Translations

from manyi.errors import InvalidInput

#: Page and report languages, as the web pages name them (``?lang=``, the cookie, ``<html lang>``).
LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
#: gettext domain: the ``.po``/``.mo`` file name.
DOMAIN = "manyi"
LOCALE_DIR = Path(__file__).with_name("locale")


def check_language(lang: str) -> str:
    """``lang`` itself when it is one of :data:`LANGUAGES`, else a clear error."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def locale_id(lang: str) -> str:
    """The catalog folder and Babel locale of a language: "zh-CN" → "zh_CN".

    Examples
    --------
    >>> locale_id("zh-CN"), locale_id("en")
    ('zh_CN', 'en')
    """
    return check_language(lang).replace("-", "_")


@cache
def babel_locale(lang: str) -> Locale:
    """The Babel :class:`~babel.core.Locale` of a language (number and date formats)."""
    return Locale.parse(locale_id(lang))


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of ``lang``, loaded once and shared (they are read-only).

    Raises
    ------
    InvalidInput
        When ``lang`` is not one of :data:`LANGUAGES`.
    FileNotFoundError
        When the compiled catalog is missing (run ``pybabel compile``, docs/i18n.md).

    Examples
    --------
    >>> translations("zh-CN").gettext("Sign in"), translations("en").gettext("Sign in")
    ('登录', 'Sign in')
    """
    folder = LOCALE_DIR / locale_id(lang) / "LC_MESSAGES"
    if not (folder / f"{DOMAIN}.mo").is_file():
        # Translations.load would quietly fall back to showing the English ids.
        raise FileNotFoundError(f"no compiled catalog {folder / (DOMAIN + '.mo')}")
    return Translations.load(str(LOCALE_DIR), [locale_id(lang)], DOMAIN)


def gettext(lang: str, message: str) -> str:
    """``message`` (an English message id) in ``lang``."""
    return translations(lang).gettext(message)


def pgettext(lang: str, context: str, message: str) -> str:
    """``message`` in ``lang``, for an English text that needs another translation in
    ``context`` (e.g. "CI": confidence interval, or the AHP consistency index)."""
    return str(translations(lang).pgettext(context, message))


def N_(message: str) -> str:
    """Mark a text for the catalog without translating it here (``gettext_noop``)."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark a text with a context for the catalog; the pair goes to :func:`pgettext`."""
    return context, message


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "babel_locale",
    "check_language",
    "gettext",
    "locale_id",
    "pgettext",
    "translations",
]
