"""Report texts: section titles, table headers and the names of values, by key.

Keys are the JSON keys the report uses (column names of the statistics' tables, value
names), so a table header is ``text(column, lang)``. Each key maps to an English message
id of the one catalog (:mod:`manyi.i18n`), which holds the Chinese; ``NC_`` gives an id a
context where the same English needs another translation ("CI"). A key without an entry is
shown as it is, which keeps new columns visible rather than hidden, and
:func:`display_name` names columns, indicators and codes (SERVQUAL dimensions, PLS types)
from the spec's labels, then the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

from manyi.i18n import LANGUAGES, N_, NC_, gettext, pgettext
from manyi.i18n.terms import term
from manyi.reporting.analysis.spec import AnalysisSpec

#: key → English message id, or (context, English message id).
TEXTS: Mapping[str, str | tuple[str, str]] = {
    # page
    "report": N_("Survey analysis report"),
    "contents": N_("Contents"),
    "rows": N_("rows"),
    "rows_used": N_("rows analysed"),
    "columns_n": N_("columns"),
    "generated_by": N_("Generated offline by manyi analyze"),
    "filter_note": N_("Rows used"),
    "not_computed": N_("not computed"),
    "partial": N_("some results could not be computed"),
    "chart_data_note": N_("The table below gives the chart's numbers."),
    "noscript": N_("Charts need JavaScript; every number is also in the tables."),
    "yes": N_("yes"),
    "name": N_("name"),
    "no": N_("no"),
    # sections
    "metrics": N_("Headline measures"),
    "reliability": N_("Reliability and validity"),
    "servqual": N_("SERVQUAL gaps"),
    "indicators": N_("Indicator weights and satisfaction index"),
    "pls": N_("Index model (PLS path model)"),
    "drivers": N_("Key drivers and importance–performance"),
    "kano": N_("Kano analysis"),
    "value_curve": N_("Value curve"),
    "segments": N_("Differences by segment"),
    # metrics
    "measure": N_("measure"),
    "nps": N_("NPS"),
    "csat": N_("CSAT"),
    "ces": N_("CES"),
    "estimate": N_("estimate"),
    "share": N_("share"),
    "ci": N_("CI"),
    "n": N_("n"),
    "n_missing": N_("missing"),
    "promoters": N_("promoters"),
    "passives": N_("passives"),
    "detractors": N_("detractors"),
    "score": N_("score"),
    "mean": N_("mean"),
    "sd": N_("SD"),
    "se": N_("SE"),
    "top_box_share": N_("top-box share"),
    "low_effort_share": N_("low-effort share"),
    "method": N_("method"),
    # reliability
    "construct": N_("construct"),
    "alpha": N_("Cronbach's α"),
    "standardized_alpha": N_("standardized α"),
    "k": N_("items"),
    "item": N_("item"),
    "item_total_r": N_("corrected item-total r"),
    "alpha_if_deleted": N_("α if deleted"),
    "kmo": N_("KMO"),
    "msa": N_("MSA"),
    "bartlett": N_("Bartlett's test"),
    "chi2": N_("χ²"),
    "df": N_("df"),
    "p_value": N_("p"),
    "p": N_("p"),
    "efa": N_("Exploratory factor analysis"),
    "n_factors": N_("factors"),
    "communality": N_("communality"),
    "scree": N_("Scree plot with parallel analysis"),
    "scree_description": N_("%(eigenvalues)s eigenvalues; %(factors)s factor(s) retained."),
    "eigenvalue": N_("eigenvalue"),
    "random_quantile": N_("random 95th percentile"),
    "screening": N_("Indicator screening"),
    "keep": N_("keep"),
    "reasons": N_("reasons"),
    "reasons_zh": N_("reasons"),
    "factor": N_("factor"),
    "primary_loading": N_("main loading"),
    "cross_loading": N_("cross-loading"),
    "advice": N_("Advice"),
    # Kaiser's (1974) KMO labels and the factor-number rules, as manyi.stats words them
    "marvelous": N_("marvelous"),
    "meritorious": N_("meritorious"),
    "middling": N_("middling"),
    "mediocre": N_("mediocre"),
    "miserable": N_("miserable"),
    "unacceptable": N_("unacceptable"),
    "parallel analysis": N_("parallel analysis"),
    "variance": N_("Variance explained"),
    # servqual
    "dimension": N_("dimension"),
    "dimension_zh": N_("dimension (中文)"),
    "expectation": N_("expectation E"),
    "perception": N_("perception P"),
    "gap": N_("gap P − E"),
    "gap_sd": N_("gap SD"),
    "weight": N_("weight"),
    "weighted_gap": N_("weighted gap"),
    "t": N_("t"),
    "dz": N_("Cohen's dz"),
    "n_items": N_("items"),
    "unweighted_score": N_("unweighted SERVQUAL score"),
    "weighted_score": N_("weighted SERVQUAL score"),
    "weights_source": N_("weights from"),
    "zone": N_("Zone of tolerance"),
    "adequate": N_("adequate"),
    "desired": N_("desired"),
    "msa_zone": N_("P − adequate"),
    "mss": N_("P − desired"),
    "tolerance": N_("tolerance"),
    "position": N_("position"),
    "items": N_("Items"),
    "dimensions": N_("Dimensions"),
    # indicators
    "node": N_("node"),
    "parent": N_("parent"),
    "level": N_("level"),
    "local_weight": N_("local weight"),
    "global_weight": N_("global weight"),
    "csi": N_("Customer satisfaction index (0–100)"),
    "index": N_("index"),
    "weights": N_("Weights"),
    "ahp": N_("AHP pairwise matrices"),
    "lambda_max": N_("λmax"),
    "cr": N_("CR"),
    "ci_index": NC_("AHP consistency index", "CI"),
    "random_index": N_("RI"),
    "consistent": N_("consistent (CR ≤ 0.1)"),
    "entropy": N_("entropy"),
    "divergence": N_("divergence"),
    "fuzzy": N_("Fuzzy comprehensive evaluation"),
    "grade": N_("grade"),
    "b_normalised": N_("membership of B"),
    "row": N_("row"),
    "column": N_("column"),
    "ratio": N_("ratio"),
    "given": N_("given"),
    "implied": N_("implied"),
    "deviation": N_("deviation"),
    # pls
    "paths": N_("Path coefficients"),
    "from": N_("from"),
    "to": N_("to"),
    "std_error": N_("SE"),
    "r_squared": N_("R²"),
    "ave": N_("AVE"),
    "composite_reliability": N_("CR (ρc)"),
    "block_communality": N_("communality"),
    "mean_redundancy": N_("redundancy"),
    "type": N_("type"),
    "gof": N_("GoF"),
    "latent": N_("latent"),
    "latents": N_("Latent variables"),
    "loading": N_("loading"),
    "block": N_("block"),
    "outer": N_("Measurement model"),
    "effects": N_("Effects"),
    "direct": N_("direct"),
    "indirect": N_("indirect"),
    "total": N_("total"),
    "lower": N_("lower"),
    "upper": N_("upper"),
    "original": N_("estimate"),
    "bootstrap_paths": N_("Bootstrap intervals of the paths"),
    # drivers
    "predictor": N_("driver"),
    "raw": N_("share of R²"),
    "rescaled": N_("share of R² (%)"),
    "rank": N_("rank"),
    "ci_low": N_("CI low"),
    "ci_high": N_("CI high"),
    "relative_weights": N_("Relative weights (Johnson)"),
    "shapley_r2": N_("Shapley R² (LMG)"),
    "betas": N_("Standardized regression"),
    "beta": N_("β"),
    "r": N_("r"),
    "r2": N_("R²"),
    "ipa": N_("Importance–performance analysis"),
    "importance": N_("importance"),
    "performance": N_("performance"),
    "quadrant": N_("quadrant"),
    "quadrant_zh": N_("quadrant"),
    # kano
    "attribute": N_("attribute"),
    "category": N_("category"),
    "category_en": N_("category"),
    "category_zh": N_("category"),
    "better": N_("Better"),
    "worse": N_("Worse"),
    "total_strength": N_("total strength"),
    "category_strength": N_("category strength"),
    "fong_significant": N_("Fong test: distinct"),
    "chi2_p": N_("χ² p"),
    # value curve
    "element": N_("element"),
    "group_a": N_("group A"),
    "group_b": N_("group B"),
    "mean_a": N_("mean A"),
    "mean_b": N_("mean B"),
    "p_holm": N_("p (Holm)"),
    "significant": N_("significant"),
    # segments
    "segment": N_("segment"),
    "group": N_("group"),
    "test": N_("test"),
    "statistic": N_("statistic"),
    "effect_size": N_("effect size"),
    "difference": N_("difference"),
    "p_adjusted": N_("p (adjusted)"),
    "reject": N_("significant"),
    "pairwise": N_("Pairwise comparisons"),
    "successes": N_("top box"),
    "kind_mean": N_("mean"),
    "kind_nps": N_("NPS"),
    "kind_proportion": N_("top-box share"),
    "kind_distribution": N_("distribution"),
    # values and row names the statistics return
    "ss_loadings": N_("SS loadings"),
    "proportion": N_("proportion of variance"),
    "cumulative": N_("cumulative proportion"),
    "message": N_("message"),
    "adj_r2": N_("adjusted R²"),
    "bootstrap": N_("bootstrap resamples"),
    "kaiser": N_("Kaiser rule (eigenvalue > 1)"),
    "parallel analysis found no factor above random data; 1 factor extracted": N_(
        "parallel analysis found no factor above random data; 1 factor extracted"
    ),
    "weights_method_equal": N_("equal weights"),
    "weights_method_given": N_("given weights"),
    "weights_method_ahp": N_("AHP (analytic hierarchy process)"),
    "weights_method_entropy": N_("entropy weights"),
    "ahp_consistent": N_("the judgements are acceptably consistent"),
    "ahp_inconsistent": N_(
        "the judgements are inconsistent; revisit the judgements that deviate most"
    ),
    "default prior": N_("default prior weights"),
    "equal": N_("equal weights"),
    "given points": N_("given points"),
    "respondent importance columns": N_("respondents' importance ratings"),
    "weighting_respondent": N_("weighted per respondent"),
    "weighting_aggregate": N_("weighted on the means"),
    "chi-square": N_("chi-square test"),
    "Welch t": N_("Welch t test"),
    "Welch ANOVA": N_("Welch ANOVA"),
    "one-way ANOVA": N_("one-way ANOVA"),
    "z (NPS)": N_("z test (NPS)"),
    "Wald chi-square (NPS)": N_("Wald chi-square test (NPS)"),
    "z (proportions)": N_("z test (proportions)"),
    "cramers_v": N_("Cramér's V"),
    "hedges_g": N_("Hedges' g"),
    "eta_squared": N_("η²"),
    "nps_difference": N_("NPS difference"),
    "cohen_h": N_("Cohen's h"),
}


def text(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` ("zh-CN" or "en"); the key itself when unknown.

    Examples
    --------
    >>> text("gap", "zh-CN"), text("gap", "en"), text("xyz", "en")
    ('差距 P − E', 'gap P − E', 'xyz')
    """
    message = TEXTS.get(key)
    if message is None:
        return key
    if isinstance(message, tuple):
        return pgettext(lang, *message)
    return gettext(lang, message)


def display_name(spec: AnalysisSpec, key: str, lang: str) -> str:
    """How the report names a column, indicator or code: the spec's label when it has
    one, else the catalog's name of the code (:func:`manyi.i18n.terms.term`: a SERVQUAL
    dimension, a PLS latent type), else the key itself.

    Examples
    --------
    >>> from manyi.reporting.analysis.spec import parse_spec
    >>> labels = {"q1": {"zh": "准时", "en": "On time"}}
    >>> spec = parse_spec({"labels": labels, "metrics": {"csat": ["q1"]}})
    >>> display_name(spec, "q1", "zh-CN"), display_name(spec, "empathy", "zh-CN")
    ('准时', '移情性')
    """
    if key in spec.labels:
        return spec.label(key, lang)
    return term(key, lang)


__all__ = ["LANGUAGES", "TEXTS", "display_name", "text"]
