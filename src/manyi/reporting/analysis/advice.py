"""Plain-language screening advice for the reliability section, in English and Chinese.

Thresholds are the usual rules of thumb, stated so that the advice can be checked:
Kaiser (1974) for KMO (≥ 0.8 meritorious, ≥ 0.6 mediocre but usable, < 0.5 unacceptable),
Nunnally & Bernstein (1994) / George & Mallery (2003) for alpha (≥ 0.9 excellent, ≥ 0.8 good,
≥ 0.7 acceptable, ≥ 0.6 questionable, below poor), Bartlett's test at the 5 % level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from manyi.reporting.analysis.labels import text
from manyi.reporting.analysis.report import Part

#: (key, language) → display name of a construct; the default shows the key.
Namer = Callable[[str, str], str]


def _key(key: str, lang: str) -> str:
    return key


ALPHA_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.9, "excellent", "优秀"),
    (0.8, "good", "良好"),
    (0.7, "acceptable", "可接受"),
    (0.6, "questionable", "勉强"),
    (float("-inf"), "poor", "较差"),
)


def alpha_band(alpha: float) -> tuple[str, str]:
    """(English, Chinese) verdict for a Cronbach's alpha.

    Examples
    --------
    >>> alpha_band(0.83)
    ('good', '良好')
    """
    return next((en, zh) for bound, en, zh in ALPHA_BANDS if alpha >= bound)


def _kmo(part: Part, en: list[str], zh: list[str]) -> None:
    overall = float(part.values["overall"])
    label = str(part.values["label"])
    if overall >= 0.6:
        en.append(f"KMO = {overall:.3f} ({label}): the items share enough variance to factor.")
        zh.append(
            f"KMO = {overall:.3f}（{text(label, 'zh-CN')}）：题项间共同方差充足，适合做因子分析。"
        )
    else:
        en.append(
            f"KMO = {overall:.3f} ({label}): too little shared variance; factor results are "
            "unreliable — drop items with low MSA first."
        )
        zh.append(
            f"KMO = {overall:.3f}（{text(label, 'zh-CN')}）：共同方差不足，因子分析结果不可靠，"
            "请先删除 MSA 低的题项。"
        )


def _bartlett(part: Part, en: list[str], zh: list[str]) -> None:
    p = float(part.values["p_value"])
    shown = "< 0.001" if p < 0.001 else f"= {p:.3f}"
    if p < 0.05:
        en.append(f"Bartlett's test p {shown}: the items are correlated (not an identity matrix).")
        zh.append(f"Bartlett 球形检验 p {shown}：题项间存在显著相关。")
    else:
        en.append(f"Bartlett's test p {shown}: the items barely correlate; do not factor them.")
        zh.append(f"Bartlett 球形检验 p {shown}：题项间相关不显著，不宜做因子分析。")


def _alpha(part: Part, name_of: Namer, en: list[str], zh: list[str]) -> None:
    construct = str(part.values["construct"])
    alpha = float(part.values["alpha"])
    band_en, band_zh = alpha_band(alpha)
    tail_en = "" if alpha >= 0.7 else " — revise or drop weak items"
    tail_zh = "" if alpha >= 0.7 else "，建议修改或删除弱题项"
    en.append(f"{name_of(construct, 'en')}: Cronbach's α = {alpha:.3f} ({band_en}){tail_en}.")
    zh.append(f"{name_of(construct, 'zh-CN')}：Cronbach's α = {alpha:.3f}（{band_zh}）{tail_zh}。")


def _efa(part: Part, n_constructs: int, en: list[str], zh: list[str]) -> None:
    k = int(part.values["n_factors"])
    rule = str(part.values["n_factors_rule"])
    en.append(
        f"EFA extracted {k} factor(s) ({rule}; Kaiser rule: "
        f"{part.values['n_factors_kaiser']}) for {n_constructs} construct(s) in the spec."
    )
    zh.append(
        f"探索性因子分析提取 {k} 个因子（{text(rule, 'zh-CN')}；"
        f"特征值>1 规则：{part.values['n_factors_kaiser']}），"
        f"规格中有 {n_constructs} 个维度。"
    )


def _screening(part: Part, en: list[str], zh: list[str]) -> None:
    table = part.tables["items"]
    flagged = table[~table["keep"].astype(bool)]
    if flagged.empty:
        en.append("Screening: every item passes the reliability and validity rules; keep them all.")
        zh.append("指标筛选：所有题项均通过信度与效度检验，建议全部保留。")
        return
    for item, row in flagged.iterrows():
        en.append(f"Consider dropping or rewording {item}: {'; '.join(row['reasons'])}.")
        zh.append(f"建议删除或修改题项 {item}：{'；'.join(row['reasons_zh'])}。")


def reliability_advice(parts: Sequence[Part], name_of: Namer = _key) -> tuple[list[str], list[str]]:
    """Advice sentences (English, Chinese) from the computed reliability parts.

    Parts that were not computed contribute their reason instead. ``name_of(key, lang)``
    names the constructs in each language (the spec's labels, SERVQUAL's dimension names),
    so the Chinese sentences do not quote English keys.
    """
    en: list[str] = []
    zh: list[str] = []
    n_constructs = sum(p.key.startswith("alpha.") for p in parts)
    for part in parts:
        if part.status != "ok":
            en.append(f"{part.key}: not computed — {part.reason}")
            zh.append(f"{part.key}：未计算——{part.reason}")
        elif part.key == "kmo":
            _kmo(part, en, zh)
        elif part.key == "bartlett":
            _bartlett(part, en, zh)
        elif part.key.startswith("alpha."):
            _alpha(part, name_of, en, zh)
        elif part.key == "efa":
            _efa(part, n_constructs, en, zh)
        elif part.key == "screening":
            _screening(part, en, zh)
    return en, zh


__all__ = ["ALPHA_BANDS", "alpha_band", "reliability_advice"]
