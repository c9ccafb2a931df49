"""Texts the report picks in Python code (measure names, titles, the e-mail), by key.

Each key maps to an English message id of the one catalog (:mod:`manyi.i18n`); the
templates write their own texts with ``_()``. ``{name}`` placeholders are filled with
``str.format`` after translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from manyi.i18n import N_, gettext

if TYPE_CHECKING:
    from manyi.reporting.reports.build import RenderedReport

TEXTS: Mapping[str, str] = {
    # measures
    "nps": N_("NPS"),
    "csat": N_("CSAT"),
    "ces": N_("CES"),
    "csi": N_("CSI"),
    # titles: {scope} is the company's or the department's name
    "report_monthly": N_("Monthly report: {scope}"),
    "report_weekly": N_("Weekly report: {scope}"),
    "executive_monthly": N_("Executive summary, month: {scope}"),
    "executive_weekly": N_("Executive summary, week: {scope}"),
    "company": N_("whole company"),
    # how the numbers were made (the report's foot)
    "note_method": N_(
        "Intervals are 95%. Changes against the previous period are tested per measure and "
        "adjusted by Holm's method; steps in a trend by Benjamini–Hochberg; a ring in a trend "
        "marks a significant step or a point beyond the control limits."
    ),
    "note_flagged": N_("{count} responses with a quality flag nobody reviewed are left out."),
    # the e-mail of a scheduled report
    "mail_subject": N_("[manyi] {title}, {period}"),
    "mail_body": N_(
        "The attached PDF is the report {title} for {period}.\n\n"
        "It was sent by manyi because this address is on the report's schedule; "
        "ask a manager of manyi to change or pause the schedule."
    ),
}


def text(key: str, lang: str, **values: object) -> str:
    message = gettext(lang, TEXTS[key])
    return message.format(**values) if values else message


def mail_texts(report: RenderedReport) -> tuple[str, str]:
    """(subject, plain text) of the e-mail that carries ``report`` as a PDF."""
    lang = report.language
    period = report.period_text
    return (
        text("mail_subject", lang, title=report.title, period=period),
        text("mail_body", lang, title=report.title, period=period),
    )
