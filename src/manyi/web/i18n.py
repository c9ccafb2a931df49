"""Page language: the catalog of the web pages, the page's language, the template context.

The texts themselves are in the one catalog of :mod:`manyi.i18n` (English message ids,
``locale/zh_CN`` translating them). Templates say ``{{ _("Sign in") }}``; Python code
that needs a text outside a template (a form error, an error page's title) takes it
from :data:`TEXTS` through :func:`translator`, whose values are the catalog's
translations. docs/i18n.md says how to add a text or a language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from manyi.i18n import LANGUAGES, N_, gettext, negotiate
from manyi.i18n.jinja import template_context
from manyi.i18n.terms import TERMS

#: key → English message id, for texts chosen in Python code (form errors, error-page
#: titles); ``{name}`` placeholders are filled with ``str.format``. Templates do not use
#: these: they say ``{{ _("...") }}`` with their own texts.
TEXTS: Mapping[str, str] = {
    "bad_login": N_("Wrong e-mail or password"),
    "bad_csrf": N_("The page expired; please try again"),
    "too_many_logins": N_(
        "Too many failed sign-ins for this account or from this address. Try again in {minutes} min."
    ),
    "error_400": N_("Bad request"),
    "error_401": N_("Sign-in required"),
    "error_403": N_("Not allowed"),
    "error_404": N_("Not found"),
    "error_405": N_("Method not allowed"),
    "error_409": N_("Conflict"),
    "error_429": N_("Too many attempts"),
    "error_500": N_("Something went wrong"),
    "error_503": N_("Service unavailable"),
    "error_other": N_("Error {status}"),
    "error_details": N_("Details"),
}

#: Codes the pages show as words: survey states and where a comment came from.
WEB_TERMS: Mapping[str, str] = {
    "draft": N_("draft"),
    "scheduled": N_("scheduled"),
    "active": N_("active"),
    "paused": N_("paused"),
    "closed": N_("closed"),
    "feedback": N_("feedback"),
    "answer": N_("survey answer"),
}

#: Each language's name in itself, for the link that switches to it (not translated).
AUTONYMS: Mapping[str, str] = {"zh-CN": "中文", "en": "English"}


def translator(language: str) -> dict[str, str]:
    """Every key of :data:`TEXTS` (and the codes of :data:`WEB_TERMS` and
    :data:`manyi.i18n.terms.TERMS`) with its text in ``language``."""
    lang = language if language in LANGUAGES else "zh-CN"
    table = {**TERMS, **WEB_TERMS, **TEXTS}
    return {key: gettext(lang, message) for key, message in table.items()}


def term(code: str, lang: str) -> str:
    """A code (survey state, comment source, SERVQUAL dimension, sentiment) as a word."""
    message = WEB_TERMS.get(code) or TERMS.get(code)
    return code if message is None else gettext(lang, message)


def page_context(lang: str) -> dict[str, Any]:
    """What every page template gets for ``lang``: gettext callables, number and date
    formats (:func:`manyi.i18n.jinja.template_context`), ``term`` and the language switch.
    """
    other = next(x for x in LANGUAGES if x != lang)
    name: Callable[[str], str] = lambda code: term(code, lang)  # noqa: E731
    return {
        **template_context(lang),
        "term": name,
        "other_lang": other,
        "other_lang_name": AUTONYMS[other],
    }


def pick_language(query: str | None, cookie: str | None, accept: str | None, default: str) -> str:
    """The page language: ``?lang=``, else the ``manyi_lang`` cookie, else the browser's
    ``Accept-Language`` (weighed by its q values), else ``default``."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(accept, LANGUAGES) or default
