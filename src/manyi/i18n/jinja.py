"""Jinja2 templates in the page language: ``{{ _("...") }}``, ``{% trans %}`` and formats.

The web pages share one Jinja environment between requests (and threads), so the
translations are never installed on it: :func:`enable_i18n` adds ``jinja2.ext.i18n`` in
"newstyle" mode once, and every render passes :func:`template_context` for its own
language. Newstyle gettext fills ``%(name)s`` placeholders from keyword arguments and
escapes them under autoescaping: ``{{ _("Page %(page)s of %(pages)s", page=1, pages=3) }}``;
a literal percent sign in a message id is written ``%%``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from manyi.i18n.catalog import check_language, translations
from manyi.i18n.formatting import format_date, format_datetime, format_number, format_percent


def enable_i18n(env: Environment) -> Environment:
    """Add ``jinja2.ext.i18n`` in newstyle mode, without translations of any language.

    Templates rendered without :func:`template_context` show the English ids (the
    extension's null translations), never an error.
    """
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def _escaped(context: Context, text: str, variables: dict[str, Any]) -> str:
    # As jinja2.ext's newstyle gettext: under autoescape the variables are escaped, the
    # translated text (ours, trusted) is not.
    if context.eval_ctx.autoescape:
        return Markup(text) % variables
    return text % variables


def template_context(lang: str) -> dict[str, Callable[..., Any]]:
    """The per-render names of a template in ``lang``: gettext callables and formats.

    ``_``/``gettext``, ``ngettext``, ``pgettext`` (the names ``jinja2.ext.i18n`` and the
    extractor know), and ``number``, ``percent``, ``date``, ``datetime`` bound to the
    language (see :mod:`manyi.i18n.formatting`).
    """
    catalog = translations(check_language(lang))

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        return _escaped(context, catalog.gettext(message), variables)

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, count: int, /, **variables: Any
    ) -> str:
        # ``num=`` may be passed to show the count formatted (thousands separators)
        variables.setdefault("num", count)
        return _escaped(context, catalog.ngettext(singular, plural, count), variables)

    @pass_context
    def pgettext(context: Context, ctx: str, message: str, **variables: Any) -> str:
        return _escaped(context, str(catalog.pgettext(ctx, message)), variables)

    def number(value: float | None, digits: int = 0, signed: bool = False) -> str:
        return format_number(value, lang, digits, signed)

    def percent(share: float | None, digits: int = 1, signed: bool = False) -> str:
        return format_percent(share, lang, digits, signed)

    def day(value: date | None, width: str = "medium") -> str:
        return format_date(value, lang, width)

    def moment(value: datetime | None) -> str:
        return format_datetime(value, lang)

    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        "pgettext": pgettext,
        "number": number,
        "percent": percent,
        "date": day,
        "datetime": moment,
    }


__all__ = ["enable_i18n", "template_context"]
