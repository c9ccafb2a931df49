"""Languages of the pages and the report: one gettext catalog, negotiation, formats.

Pure (no web framework, no storage), so the web pages, the ``manyi analyze`` report and
any other output share one catalog in ``locale/``. How to add a text or a language, and
the ``pybabel`` commands that re-extract, update and compile the catalogs: docs/i18n.md.
"""

from manyi.i18n.catalog import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    NC_,
    babel_locale,
    check_language,
    gettext,
    pgettext,
    translations,
)
from manyi.i18n.formatting import format_date, format_datetime, format_number, format_percent
from manyi.i18n.negotiation import negotiate, parse_accept_language

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "NC_",
    "N_",
    "babel_locale",
    "check_language",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "gettext",
    "negotiate",
    "parse_accept_language",
    "pgettext",
    "translations",
]
