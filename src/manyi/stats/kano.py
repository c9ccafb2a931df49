"""Kano analysis: classify service attributes as must-be, one-dimensional, attractive, … .

Each attribute is asked twice: *functional* ("if the hotel offers late check-out, how do you
feel?") and *dysfunctional* ("if it does not…"), each answered like / must-be / neutral /
live-with / dislike. The Kano evaluation table turns each answer pair into a category:

==================  =====  =======  =======  =========  =======
functional \\ dysf.  like   must-be  neutral  live-with  dislike
==================  =====  =======  =======  =========  =======
like                Q      A        A        A          O
must-be             R      I        I        I          M
neutral             R      I        I        I          M
live-with           R      I        I        I          M
dislike             R      R        R        R          Q
==================  =====  =======  =======  =========  =======

A attractive (魅力), O one-dimensional (期望), M must-be (必备), I indifferent (无差异),
R reverse (反向), Q questionable (可疑).

References
----------
Kano, N., Seraku, N., Takahashi, F. & Tsuji, S. (1984). Attractive quality and must-be quality.
*Journal of the Japanese Society for Quality Control* 14(2), 39–48.
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
*Center for Quality Management Journal* 2(4), 3–36 (evaluation table, Better/Worse,
"M > O > A > I" rule for ties).
Matzler, K. & Hinterhuber, H. H. (1998). How to make product development projects more
successful by integrating Kano's model of customer satisfaction into quality function
deployment. *Technovation* 18(1), 25–38 (same table).
Fong, D. (1996). Using the self-stated importance questionnaire to interpret Kano
questionnaire results. *Center for Quality Management Journal* 5(3), 21–24.
Lee, M. C. & Newcomb, J. F. (1997). Applying the Kano methodology to meet customer
requirements: NASA's microgravity science program. *Quality Management Journal* 4(3), 95–106
(total strength and category strength).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.validation import require_rows

#: Kano categories in the order used by the tie rule: M > O > A > I (Berger et al. 1993), then
#: R and Q, which only win when they truly dominate.
CATEGORIES: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")

#: English and Chinese names of the categories.
CATEGORY_NAMES: Mapping[str, tuple[str, str]] = {
    "A": ("attractive", "魅力属性"),
    "O": ("one-dimensional", "期望属性"),
    "M": ("must-be", "必备属性"),
    "I": ("indifferent", "无差异属性"),
    "R": ("reverse", "反向属性"),
    "Q": ("questionable", "可疑结果"),
}

#: Answer codes 1..5 in the standard order (1 like … 5 dislike).
ANSWERS: tuple[str, ...] = ("like", "must-be", "neutral", "live-with", "dislike")

#: The Kano evaluation table (Berger et al. 1993; Matzler & Hinterhuber 1998):
#: EVALUATION_TABLE[functional][dysfunctional] with answers indexed as in :data:`ANSWERS`.
EVALUATION_TABLE: tuple[tuple[str, ...], ...] = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)

_ANSWER_ALIASES: Mapping[str, int] = {
    # English, with the wording variants common in questionnaires
    "like": 1,
    "i like it": 1,
    "like it": 1,
    "must-be": 2,
    "must be": 2,
    "expect": 2,
    "expect it": 2,
    "i expect it": 2,
    "neutral": 3,
    "i am neutral": 3,
    "indifferent": 3,
    "live-with": 4,
    "live with": 4,
    "tolerate": 4,
    "can tolerate": 4,
    "i can tolerate it": 4,
    "i can live with it": 4,
    "dislike": 5,
    "i dislike it": 5,
    "dislike it": 5,
    # Chinese
    "喜欢": 1,
    "很喜欢": 1,
    "我很喜欢": 1,
    "感到满意": 1,
    "理所当然": 2,
    "理应如此": 2,
    "必须这样": 2,
    "无所谓": 3,
    "能忍受": 4,
    "可以忍受": 4,
    "勉强接受": 4,
    "不喜欢": 5,
    "很不喜欢": 5,
    "我很不喜欢": 5,
    "感到不满": 5,
}

#: Fong (1996) uses z = 1.65 (α = 0.1, two-sided).
FONG_Z = 1.65


@dataclass(frozen=True)
class KanoResult:
    """Kano classification of the attributes.

    Attributes
    ----------
    categories : pandas.DataFrame
        Category letter (A, O, M, I, R, Q) per respondent × attribute; missing where either
        answer was missing.
    summary : pandas.DataFrame
        One row per attribute with columns: counts ``A O M I R Q``; ``n`` (valid answer pairs);
        ``category_max`` (most frequent category, ties shown as e.g. ``"A/O"``);
        ``category`` (ties resolved by M > O > A > I > R > Q); ``category_en`` and
        ``category_zh`` (its names); ``better`` = (A+O)/(A+O+M+I); ``worse`` =
        −(O+M)/(A+O+M+I); ``total_strength`` = (A+O+M)/n; ``category_strength`` = share of the
        first minus the second most frequent category; ``chi2``, ``chi2_p`` (goodness of fit of
        the A, O, M, I counts to equal frequencies, df = 3); ``fong_threshold``
        = 1.65·√((a+b)(2n−a−b)/(2n)) for the two largest counts a ≥ b; ``fong_significant``
        (|a − b| ≥ threshold: the top category is statistically distinct).
    """

    categories: pd.DataFrame
    summary: pd.DataFrame


def _code(value: object, attribute: str, which: str) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return np.nan
    if isinstance(value, str):
        key = " ".join(value.strip().lower().replace("_", " ").split())
        code = _ANSWER_ALIASES.get(key) or _ANSWER_ALIASES.get(key.replace(" ", "-"))
        if code is None and key.isdigit():
            code = int(key)
    elif isinstance(value, int | float | np.integer | np.floating) and float(value) == int(value):
        code = int(value)
    else:
        code = None
    if code is None or not 1 <= code <= 5:
        raise InvalidInput(
            f"Kano: unknown {which} answer {value!r} for {attribute!r}; use 1–5 (1 like, 2 must-be, "
            "3 neutral, 4 live-with, 5 dislike) or 喜欢/理所当然/无所谓/能忍受/不喜欢"
        )
    return float(code)


def _codes(frame: pd.DataFrame, which: str) -> pd.DataFrame:
    return pd.DataFrame(
        {c: [_code(v, str(c), which) for v in frame[c].tolist()] for c in frame.columns},
        index=frame.index,
    )


def _fong_threshold(a: float, b: float, n: float) -> float:
    return FONG_Z * float(np.sqrt((a + b) * (2 * n - a - b) / (2 * n)))


def kano(
    functional: pd.DataFrame,
    dysfunctional: pd.DataFrame,
    *,
    min_respondents: int = 5,
) -> KanoResult:
    """Classify attributes with the Kano evaluation table and summarise them.

    For each respondent and attribute the pair (functional, dysfunctional) is looked up in
    :data:`EVALUATION_TABLE`. Per attribute, with counts A, O, M, I, R, Q over n valid pairs:

    - category by the maximum rule (mode); ties resolved by M > O > A > I (Berger et al. 1993:
      when in doubt, assume the attribute with the larger effect on the product), then R, Q;
    - ``Better = (A + O)/(A + O + M + I)``, ``Worse = −(O + M)/(A + O + M + I)`` (Berger et al.
      1993; NaN when A + O + M + I = 0);
    - total strength ``(A + O + M)/n`` and category strength (top share − second share),
      Lee & Newcomb (1997): a total strength under 60 % or a category strength under 6 % means
      the classification is weak or mixed;
    - chi-square goodness of fit of (A, O, M, I) against equal frequencies (df = 3), a check
      that one category stands out;
    - Fong (1996) test on the two largest counts a ≥ b: the top category is distinct when
      ``|a − b| ≥ 1.65 √((a + b)(2n − a − b)/(2n))``.

    Parameters
    ----------
    functional, dysfunctional : pandas.DataFrame
        Respondents × attributes, same index and columns. Answers as 1–5 (1 like, 2 must-be,
        3 neutral, 4 live-with, 5 dislike), English labels (like, must-be/expect, neutral,
        live-with/tolerate, dislike) or Chinese (喜欢, 理所当然/理应如此, 无所谓, 能忍受/勉强接受,
        不喜欢). Missing answers drop that pair only.
    min_respondents : int
        Fewest valid answer pairs an attribute needs (default 5).

    Returns
    -------
    KanoResult

    Raises
    ------
    InvalidInput
        Frames that do not match, an unknown answer, or an attribute with fewer than
        ``min_respondents`` valid pairs.

    References
    ----------
    Kano, N., Seraku, N., Takahashi, F. & Tsuji, S. (1984). Attractive quality and must-be
    quality. *Journal of the Japanese Society for Quality Control* 14(2), 39–48.
    Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
    *Center for Quality Management Journal* 2(4), 3–36 (evaluation table, Better/Worse).
    Fong, D. (1996). Using the self-stated importance questionnaire to interpret Kano
    questionnaire results. *Center for Quality Management Journal* 5(3), 21–24.
    Lee, M. C. & Newcomb, J. F. (1997). Applying the Kano methodology to meet customer
    requirements: NASA's microgravity science program. *Quality Management Journal* 4(3),
    95–106 (total strength and category strength).

    Examples
    --------
    >>> f = pd.DataFrame({"wifi": ["喜欢"] * 4 + ["无所谓"], "clean": ["理所当然"] * 5})
    >>> d = pd.DataFrame({"wifi": ["无所谓"] * 5, "clean": ["不喜欢"] * 5})
    >>> kano(f, d).summary[["category", "better", "worse"]].to_dict("index")
    {'wifi': {'category': 'A', 'better': 0.8, 'worse': 0.0}, 'clean': {'category': 'M', 'better': 0.0, 'worse': -1.0}}
    """
    if not isinstance(functional, pd.DataFrame) or not isinstance(dysfunctional, pd.DataFrame):
        raise InvalidInput("Kano: functional and dysfunctional answers must be DataFrames")
    if list(functional.columns) != list(dysfunctional.columns):
        raise InvalidInput(
            "Kano: the functional and dysfunctional answers must have the same attribute columns, in order"
        )
    if not functional.index.equals(dysfunctional.index):
        raise InvalidInput(
            "Kano: the functional and dysfunctional answers must have the same respondents (index)"
        )
    if functional.shape[1] == 0:
        raise InvalidInput("Kano: no attributes given")
    fun = _codes(functional, "functional")
    dys = _codes(dysfunctional, "dysfunctional")
    table = np.array(EVALUATION_TABLE, dtype=object)
    categories = pd.DataFrame(index=functional.index)
    for column in functional.columns:
        f, d = fun[column].to_numpy(), dys[column].to_numpy()
        ok = ~(np.isnan(f) | np.isnan(d))
        cat = np.full(len(f), None, dtype=object)
        cat[ok] = table[f[ok].astype(int) - 1, d[ok].astype(int) - 1]
        categories[column] = cat
    rows = {}
    for column in functional.columns:
        counts = categories[column].value_counts()
        c = {k: int(counts.get(k, 0)) for k in CATEGORIES}
        n = sum(c.values())
        require_rows(n, min_respondents, what=f"Kano attribute {column!r}")
        rows[str(column)] = _summarise(c, n)
    summary = pd.DataFrame.from_dict(rows, orient="index")
    return KanoResult(categories=categories, summary=summary)


def _summarise(c: dict[str, int], n: int) -> dict[str, object]:
    top = max(c.values())
    tied = [k for k in CATEGORIES if c[k] == top]
    category = tied[0]
    aomi = c["A"] + c["O"] + c["M"] + c["I"]
    ordered = sorted(c.values(), reverse=True)
    a, b = float(ordered[0]), float(ordered[1])
    threshold = _fong_threshold(a, b, float(n))
    observed = [c["A"], c["O"], c["M"], c["I"]]
    if aomi > 0:
        chi2, chi2_p = (float(v) for v in stats.chisquare(observed))
    else:
        chi2, chi2_p = np.nan, np.nan
    return {
        **c,
        "n": n,
        "category_max": "/".join(sorted(tied, key="AOMIRQ".index)),
        "category": category,
        "category_en": CATEGORY_NAMES[category][0],
        "category_zh": CATEGORY_NAMES[category][1],
        "better": (c["A"] + c["O"]) / aomi if aomi else np.nan,
        "worse": -(c["O"] + c["M"]) / aomi if aomi else np.nan,
        "total_strength": (c["A"] + c["O"] + c["M"]) / n,
        "category_strength": (a - b) / n,
        "chi2": chi2,
        "chi2_p": chi2_p,
        "fong_threshold": threshold,
        "fong_significant": bool(abs(a - b) >= threshold),
    }


def kano_category(functional: object, dysfunctional: object) -> str:
    """Category letter of one answer pair from the Kano evaluation table.

    Parameters
    ----------
    functional, dysfunctional : int or str
        One answer each, coded as for :func:`kano`.

    Returns
    -------
    str
        One of ``"A"``, ``"O"``, ``"M"``, ``"I"``, ``"R"``, ``"Q"``.

    Examples
    --------
    >>> kano_category("like", "dislike"), kano_category("喜欢", "无所谓")
    ('O', 'A')
    """
    f = _code(functional, "(answer)", "functional")
    d = _code(dysfunctional, "(answer)", "dysfunctional")
    if np.isnan(f) or np.isnan(d):
        raise InvalidInput("Kano: both answers are needed to classify a pair")
    return EVALUATION_TABLE[int(f) - 1][int(d) - 1]


__all__ = [
    "ANSWERS",
    "CATEGORIES",
    "CATEGORY_NAMES",
    "EVALUATION_TABLE",
    "FONG_Z",
    "KanoResult",
    "kano",
    "kano_category",
]
