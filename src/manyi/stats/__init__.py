"""manyi.stats: the measurement and statistics engine, a pure library.

Usable on a pandas DataFrame in a notebook; imports neither a database nor a web
framework. Every public function returns a documented dataclass or pandas object and is
checked against a published source (see docs/metrics.md).

>>> import manyi.stats as ms
>>> round(ms.nps([10, 9, 9, 8, 3]).score, 1)
40.0
"""

from manyi.stats.agreement import KappaResult, KrippendorffResult, cohen_kappa, krippendorff_alpha
from manyi.stats.ahp import AhpHierarchyResult, AhpResult, ahp, ahp_hierarchy, pairwise_matrix
from manyi.stats.change_effect import ChangeEffect, DifferenceInDifferences, effect_of_change
from manyi.stats.comparisons import GroupComparison, compare_groups
from manyi.stats.csi import CsiResult, csi
from manyi.stats.drivers import (
    BetaResult,
    ImportanceResult,
    correlations,
    relative_weights,
    shapley_r2,
    standardized_betas,
)
from manyi.stats.entropy import EntropyResult, entropy_weights
from manyi.stats.factor import (
    BartlettResult,
    EfaResult,
    KmoResult,
    ParallelResult,
    bartlett_sphericity,
    efa,
    kmo,
    parallel_analysis,
)
from manyi.stats.fuzzy import FuzzyResult, fuzzy_evaluation, membership_matrix
from manyi.stats.index_models import (
    ACSI_MODEL,
    ECSI_MODEL,
    PathModelSpec,
    blocks_from_prefixes,
    index_scores,
)
from manyi.stats.ipa import IpaResult, derived_importance, ipa, ipa_from_data
from manyi.stats.kano import KanoResult, kano, kano_category
from manyi.stats.metrics import (
    CesResult,
    CsatResult,
    NpsResult,
    ces,
    csat,
    nps,
    two_proportion_z,
    wilson_interval,
)
from manyi.stats.multiple_testing import adjust_p_values, benjamini_hochberg, holm
from manyi.stats.pls import PLSBootstrap, PLSResult, pls_path_model
from manyi.stats.reliability import (
    AlphaResult,
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    item_analysis,
)
from manyi.stats.screening import screen_indicators
from manyi.stats.servqual import ServqualResult, servqual
from manyi.stats.trends import ControlChart, control_chart
from manyi.stats.trends_change import ChangePoints, change_points
from manyi.stats.value_curve import ValueCurveResult, value_curve

__all__ = [
    "ACSI_MODEL",
    "ECSI_MODEL",
    "AhpHierarchyResult",
    "AhpResult",
    "AlphaResult",
    "BartlettResult",
    "BetaResult",
    "CesResult",
    "ChangeEffect",
    "ChangePoints",
    "ControlChart",
    "CsatResult",
    "CsiResult",
    "DifferenceInDifferences",
    "EfaResult",
    "EntropyResult",
    "FuzzyResult",
    "GroupComparison",
    "ImportanceResult",
    "IpaResult",
    "KanoResult",
    "KappaResult",
    "KmoResult",
    "KrippendorffResult",
    "NpsResult",
    "PLSBootstrap",
    "PLSResult",
    "ParallelResult",
    "PathModelSpec",
    "ServqualResult",
    "ValueCurveResult",
    "adjust_p_values",
    "ahp",
    "ahp_hierarchy",
    "average_variance_extracted",
    "bartlett_sphericity",
    "benjamini_hochberg",
    "blocks_from_prefixes",
    "ces",
    "change_points",
    "cohen_kappa",
    "compare_groups",
    "composite_reliability",
    "control_chart",
    "correlations",
    "cronbach_alpha",
    "csat",
    "csi",
    "derived_importance",
    "efa",
    "effect_of_change",
    "entropy_weights",
    "fuzzy_evaluation",
    "holm",
    "index_scores",
    "ipa",
    "ipa_from_data",
    "item_analysis",
    "kano",
    "kano_category",
    "kmo",
    "krippendorff_alpha",
    "membership_matrix",
    "nps",
    "pairwise_matrix",
    "parallel_analysis",
    "pls_path_model",
    "relative_weights",
    "screen_indicators",
    "servqual",
    "shapley_r2",
    "standardized_betas",
    "two_proportion_z",
    "value_curve",
    "wilson_interval",
]
