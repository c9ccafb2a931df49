"""Analysis of the responses stored in the database (issue #11, item 2).

The same sections as ``manyi analyze FILE`` (:mod:`manyi.reporting.analysis`), on a
survey's stored responses in a period with filters, with the spec derived from the
survey's questions, plus the journey view and the text explorer; see docs/analysis.md.
"""

from manyi.reporting.stored.plan import DEFAULT_BOOTSTRAP, StoredPlan, add_derived, derive_plan
from manyi.reporting.stored.service import (
    AnalysisChoices,
    AnalysisQuery,
    Choice,
    StoredAnalysis,
    analysis_choices,
    analysis_to_dict,
    analyze_survey,
    clear_cache,
    parse_period,
    resolve_survey,
    segment_p_holm,
)

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "AnalysisChoices",
    "AnalysisQuery",
    "Choice",
    "StoredAnalysis",
    "StoredPlan",
    "add_derived",
    "analysis_choices",
    "analysis_to_dict",
    "analyze_survey",
    "clear_cache",
    "derive_plan",
    "parse_period",
    "resolve_survey",
    "segment_p_holm",
]
