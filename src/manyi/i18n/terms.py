"""Names of the things the statistics and the text analysis return as codes.

SERVQUAL dimensions, sentiment labels, PLS latent types... reach the pages and the
report as codes (``"tangibles"``, ``"negative"``, ``"Endogenous"``); :func:`term` shows
them in the page language, so the web pages and the report name them alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from manyi.i18n.catalog import N_, gettext

#: code → English message id.
TERMS: Mapping[str, str] = {
    # SERVQUAL's five dimensions (Parasuraman, Zeithaml & Berry 1988)
    "tangibles": N_("Tangibles"),
    "reliability": N_("Reliability"),
    "responsiveness": N_("Responsiveness"),
    "assurance": N_("Assurance"),
    "empathy": N_("Empathy"),
    # sentiment labels of manyi.text
    "positive": N_("Positive"),
    "neutral": N_("Neutral"),
    "negative": N_("Negative"),
    # PLS latent variables (manyi.stats.pls)
    "Exogenous": N_("Exogenous"),
    "Endogenous": N_("Endogenous"),
}


def term(code: str, lang: str) -> str:
    """The name of ``code`` in ``lang``; an unknown code is shown as it is.

    The lookup ignores case, so a spec that writes ``Tangibles`` is named alike.

    Examples
    --------
    >>> term("tangibles", "zh-CN"), term("Tangibles", "en"), term("speed", "zh-CN")
    ('有形性', 'Tangibles', 'speed')
    """
    message = TERMS.get(code) or _LOWER.get(code.lower())
    return code if message is None else gettext(lang, message)


_LOWER = {code.lower(): message for code, message in TERMS.items()}

__all__ = ["TERMS", "term"]
