"""Themes in a set of comments (NMF topics) and themes that are rising (emerging topics).

:func:`discover_topics` factorises the TF-IDF matrix of candidate phrases
(:func:`manyi.text.keywords.candidate_phrases`: content words and adjacent pairs, Chinese
and English alike) with non-negative matrix factorisation, ``X ≈ W H`` (Lee & Seung
1999; scikit-learn ``NMF``, NNDSVDa start, Frobenius loss, fixed ``seed``). Row ``k`` of
``H`` weights the phrases of topic ``k``: its top phrases label it. Row ``d`` of ``W``
weights the topics of comment ``d``: its largest entry is the comment's topic, and the
comments with the largest weights are the topic's representative comments.

Choosing the number of topics when ``n_topics`` is None: every ``k`` from 2 to
``max_topics`` (default 10, and at most a fifth of the comments) is fitted, and the ``k``
with the highest mean topic coherence wins (ties: the smaller ``k``). Coherence of a
topic is the mean normalised pointwise mutual information of each pair of its 10 top
phrases over the comments, ``NPMI(a, b) = ln(p_ab / (p_a p_b)) / -ln(p_ab)`` (−1 for a
pair that never co-occurs; Bouma 2009, as in Röder et al. 2015's C_NPMI with whole
comments as the window). NPMI rewards topics whose words really occur together. It
tends to prefer fewer, broader topics; pass ``n_topics`` when you need a fixed grain.

:func:`emerging_topics` compares the share of comments that mention each phrase in the
current period with a baseline period: a one-sided two-proportion z-test (pooled
variance) per phrase, Benjamini–Hochberg correction over all phrases tested (statsmodels
``multipletests``), and lift ``((a + 0.5) / (n1 + 1)) / ((b + 0.5) / (n2 + 1))``
(smoothed so a new phrase gets a finite lift).

``benjamini_hochberg`` moved to :mod:`manyi.stats.multiple_testing` (issue #9) and stays
importable from here; that re-export is the one import of ``manyi.stats`` that the
import-linter layers contract allows ``manyi.text.topics`` (``ignore_imports``), and
:func:`emerging_topics` does not use it, so the text library's own work does not depend
on ``manyi.stats``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from statsmodels.stats.multitest import multipletests

from manyi.errors import InvalidInput
from manyi.stats.multiple_testing import benjamini_hochberg
from manyi.text.inputs import corpus_texts
from manyi.text.keywords import candidate_phrases

__all__ = [
    "Topic",
    "TopicModel",
    "benjamini_hochberg",
    "discover_topics",
    "emerging_topics",
    "npmi_coherence",
]

COHERENCE_TOP_N = 10
LABEL_PHRASES = 3
MAX_TOPICS = 10
REPRESENTATIVES = 3


@dataclass(frozen=True)
class Topic:
    """One theme found by :func:`discover_topics`.

    Attributes
    ----------
    topic : int
        Topic number, 0-based, ordered by size (largest first).
    label : str
        The three top phrases joined by `` / ``.
    phrases : tuple of str
        Top phrases, strongest first (up to ``top_phrases``).
    weights : tuple of float
        Their weights in ``H`` (same order).
    size : int
        Number of comments whose strongest topic this is.
    share : float
        ``size`` divided by the number of comments.
    representatives : tuple of int
        Positions (in the input) of the comments with the highest weight on this topic.
    examples : tuple of str
        Those comments' texts.
    coherence : float
        NPMI coherence of the top phrases (−1 … 1).
    """

    topic: int
    label: str
    phrases: tuple[str, ...]
    weights: tuple[float, ...]
    size: int
    share: float
    representatives: tuple[int, ...]
    examples: tuple[str, ...]
    coherence: float


@dataclass(frozen=True)
class TopicModel:
    """Result of :func:`discover_topics`.

    Attributes
    ----------
    topics : tuple of Topic
        Largest first.
    assignments : pandas.DataFrame
        One row per input comment: ``topic`` (−1 when the comment has no usable
        phrase) and ``weight`` (its weight on that topic in ``W``).
    n_topics : int
        Number of topics fitted.
    coherence_by_k : pandas.Series
        Mean coherence of each ``k`` tried (just the chosen one when ``n_topics`` was
        given).
    reconstruction_error : float
        Frobenius norm of ``X - W H`` for the chosen ``k``.
    """

    topics: tuple[Topic, ...]
    assignments: pd.DataFrame
    n_topics: int
    coherence_by_k: pd.Series
    reconstruction_error: float


def npmi_coherence(top_phrases: list[str], doc_sets: list[set[str]]) -> float:
    """Mean NPMI of all pairs of ``top_phrases`` over documents given as phrase sets.

    ``NPMI(a, b) = ln(p_ab / (p_a p_b)) / -ln(p_ab)``, with ``p`` the share of documents
    that contain the phrase(s); a pair that never co-occurs scores −1, a pair found in
    every document 1.

    References
    ----------
    Bouma G. (2009), Normalized (pointwise) mutual information in collocation extraction;
    Röder M., Both A., Hinneburg A. (2015), Exploring the space of topic coherence
    measures, WSDM.

    Examples
    --------
    >>> docs = [{"a", "b"}, {"a", "b"}, {"c"}]
    >>> round(npmi_coherence(["a", "b"], docs), 3), round(npmi_coherence(["a", "c"], docs), 3)
    (1.0, -1.0)
    """
    if not doc_sets or len(top_phrases) < 2:
        return 0.0
    presence = np.array([[p in d for p in top_phrases] for d in doc_sets], dtype=float)
    return _npmi(sparse.csr_matrix(presence))


def _npmi(presence: sparse.csr_matrix) -> float:
    """Mean pairwise NPMI of the columns of a binary document × phrase matrix."""
    n, m = presence.shape
    if n == 0 or m < 2:
        return 0.0
    joint = np.asarray((presence.T @ presence).todense(), dtype=float) / n
    p = np.diag(joint).copy()
    iu = np.triu_indices(m, k=1)
    p_ab = joint[iu]
    expected = np.outer(p, p)[iu]
    scores = np.full(p_ab.shape, -1.0)
    full = p_ab >= 1.0
    scores[full] = 1.0
    mid = (p_ab > 0) & ~full
    scores[mid] = np.log(p_ab[mid] / expected[mid]) / -np.log(p_ab[mid])
    return float(scores.mean())


def _fit(matrix: sparse.csr_matrix, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
    w = model.fit_transform(matrix)
    return w, model.components_, float(model.reconstruction_err_)


def discover_topics(
    texts: Iterable[str] | pd.Series,
    n_topics: int | None = None,
    seed: int = 0,
    *,
    max_topics: int = MAX_TOPICS,
    top_phrases: int = 10,
    min_df: int | None = None,
    max_ngram: int = 2,
) -> TopicModel:
    """Find the main themes of a set of comments with NMF over TF-IDF phrases.

    Parameters
    ----------
    texts : iterable of str
        Comments in Chinese, English or both; ``None``/NaN count as empty.
    n_topics : int, optional
        Number of topics. When omitted, chosen by NPMI coherence among 2 …
        ``max_topics`` (see the module docstring).
    seed : int, default 0
        Seed of the NMF start, for reproducible topics.
    max_topics : int, default 10
        Largest ``k`` tried when ``n_topics`` is None.
    top_phrases : int, default 10
        Phrases kept per topic.
    min_df : int, optional
        Ignore phrases found in fewer comments (default 2, or 1 below 20 comments).
    max_ngram : {1, 2}, default 2
        Longest phrase in tokens.

    Returns
    -------
    TopicModel

    Raises
    ------
    InvalidInput
        With fewer than 3 comments that have usable phrases, fewer phrases than topics,
        or a bad argument.

    References
    ----------
    Lee D.D., Seung H.S. (1999), Learning the parts of objects by non-negative matrix
    factorization, Nature 401; Boutsidis C., Gallopoulos E. (2008), SVD based
    initialization: a head start for NMF (NNDSVD).

    Examples
    --------
    >>> texts = ["物流太慢", "物流很慢 快递延误", "快递延误 物流差", "客服态度差", "客服不理人",
    ...          "客服态度恶劣"]
    >>> model = discover_topics(texts, n_topics=2)
    >>> sorted(t.phrases[0] for t in model.topics)
    ['客服', '物流']
    """
    docs = corpus_texts(texts)
    if n_topics is not None and (not isinstance(n_topics, int) or n_topics < 1):
        raise InvalidInput(f"n_topics must be a positive integer, got {n_topics!r}")
    if not isinstance(max_topics, int) or max_topics < 2:
        raise InvalidInput(f"max_topics must be an integer of at least 2, got {max_topics!r}")
    if not isinstance(top_phrases, int) or top_phrases < 1:
        raise InvalidInput(f"top_phrases must be a positive integer, got {top_phrases!r}")
    phrase_docs = [candidate_phrases(t, max_ngram) for t in docs]
    usable = [i for i, p in enumerate(phrase_docs) if p]
    if len(usable) < 3:
        raise InvalidInput(
            f"topic discovery needs at least 3 comments with words in them; got {len(usable)}"
        )
    if min_df is None:
        min_df = 2 if len(usable) >= 20 else 1
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, lowercase=False)
    try:
        matrix = vectorizer.fit_transform([phrase_docs[i] for i in usable]).tocsr()
    except ValueError as exc:  # every phrase below min_df
        raise InvalidInput(f"no phrase occurs in at least {min_df} comments") from exc
    vocab = vectorizer.get_feature_names_out().astype(str)
    presence = (matrix > 0).astype(float).tocsc()
    upper = min(len(usable) - 1, len(vocab))
    if n_topics is not None:
        if n_topics > upper:
            raise InvalidInput(
                f"n_topics={n_topics} is too many for {len(usable)} comments and "
                f"{len(vocab)} phrases; use at most {upper}"
            )
        candidates = [n_topics]
    else:
        candidates = list(range(2, max(2, min(max_topics, len(usable) // 5, upper)) + 1))
        candidates = [k for k in candidates if k <= upper] or [1]
    fits: dict[int, tuple[np.ndarray, np.ndarray, float, list[float]]] = {}
    for k in candidates:
        w, h, err = _fit(matrix, k, seed)
        coherences = [
            _npmi(presence[:, np.argsort(-h[j], kind="stable")[:COHERENCE_TOP_N]].tocsr())
            for j in range(k)
        ]
        fits[k] = (w, h, err, coherences)
    mean_coherence = pd.Series(
        {k: float(np.mean(fits[k][3])) for k in candidates}, name="coherence", dtype=float
    )
    mean_coherence.index.name = "k"
    best_k = max(candidates, key=lambda k: (round(mean_coherence[k], 12), -k))
    w, h, err, coherences = fits[best_k]
    return _build_model(docs, usable, vocab, w, h, err, coherences, mean_coherence, top_phrases)


def _build_model(
    docs: list[str],
    usable: list[int],
    vocab: np.ndarray,
    w: np.ndarray,
    h: np.ndarray,
    err: float,
    coherences: list[float],
    mean_coherence: pd.Series,
    top_phrases: int,
) -> TopicModel:
    k = h.shape[0]
    dominant = np.argmax(w, axis=1)
    has_weight = w.max(axis=1) > 0
    sizes = np.bincount(dominant[has_weight], minlength=k)
    # Number topics by size, largest first, so topic 0 is the biggest theme.
    order = np.argsort(-sizes, kind="stable")
    renumber = {int(old): new for new, old in enumerate(order)}
    topics: list[Topic] = []
    for new, old in enumerate(order):
        top = np.argsort(-h[old], kind="stable")[:top_phrases]
        top = top[h[old][top] > 0]
        phrases = tuple(str(vocab[j]) for j in top)
        members = np.argsort(-w[:, old], kind="stable")[:REPRESENTATIVES]
        members = members[w[members, old] > 0]
        reps = tuple(usable[int(m)] for m in members)
        topics.append(
            Topic(
                topic=new,
                label=" / ".join(phrases[:LABEL_PHRASES]),
                phrases=phrases,
                weights=tuple(float(h[old][j]) for j in top),
                size=int(sizes[old]),
                share=float(sizes[old] / len(docs)) if docs else 0.0,
                representatives=reps,
                examples=tuple(docs[i] for i in reps),
                coherence=float(coherences[old]),
            )
        )
    topic_col = np.full(len(docs), -1, dtype=int)
    weight_col = np.zeros(len(docs))
    for row, i in enumerate(usable):
        if has_weight[row]:
            topic_col[i] = renumber[int(dominant[row])]
            weight_col[i] = float(w[row, dominant[row]])
    assignments = pd.DataFrame({"topic": topic_col, "weight": weight_col})
    return TopicModel(tuple(topics), assignments, k, mean_coherence, err)


def emerging_topics(
    current_texts: Iterable[str] | pd.Series,
    baseline_texts: Iterable[str] | pd.Series,
    *,
    alpha: float = 0.05,
    min_count: int = 5,
    top_k: int = 20,
    max_ngram: int = 2,
    examples: int = 3,
) -> pd.DataFrame:
    """Phrases mentioned by a significantly larger share of comments now than before.

    For each phrase found in at least ``min_count`` comments of the two periods together,
    with ``a`` of ``n1`` current and ``b`` of ``n2`` baseline comments mentioning it:
    ``z = (a/n1 - b/n2) / sqrt(p (1 - p) (1/n1 + 1/n2))``, ``p = (a + b) / (n1 + n2)``,
    one-sided p-value ``1 - Φ(z)``; q-values by Benjamini–Hochberg over all phrases
    tested; ``lift = ((a + 0.5)/(n1 + 1)) / ((b + 0.5)/(n2 + 1))``.

    Parameters
    ----------
    current_texts, baseline_texts : iterable of str
        Comments of this period and of the comparison period.
    alpha : float, default 0.05
        False discovery rate: rows with ``q_value <= alpha`` are returned.
    min_count : int, default 5
        Phrases seen in fewer comments overall are not tested.
    top_k : int, default 20
        Most rows returned, highest ``z`` first.
    max_ngram : {1, 2}, default 2
        Longest phrase in tokens.
    examples : int, default 3
        Current comments quoted per phrase.

    Returns
    -------
    pandas.DataFrame
        Columns ``phrase``, ``current_count``, ``current_share``, ``baseline_count``,
        ``baseline_share``, ``lift``, ``z``, ``p_value``, ``q_value``, ``examples``
        (tuple of current comments). Empty when nothing rises significantly.

    Raises
    ------
    InvalidInput
        When either period has no comments, or for a bad argument.

    References
    ----------
    Agresti A. (2013), Categorical Data Analysis, 3rd ed., §3.1 (difference of
    proportions); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> now = ["退款太慢"] * 30 + ["服务很好"] * 70
    >>> before = ["退款太慢"] * 5 + ["服务很好"] * 95
    >>> emerging_topics(now, before)["phrase"].tolist()
    ['太慢', '退款', '退款太慢']
    """
    current = corpus_texts(current_texts, "current_texts")
    baseline = corpus_texts(baseline_texts, "baseline_texts")
    if not current or not baseline:
        raise InvalidInput("both the current and the baseline period need comments")
    if not 0.0 < alpha < 1.0:
        raise InvalidInput(f"alpha must be between 0 and 1, got {alpha}")
    for name, value in (("min_count", min_count), ("top_k", top_k), ("examples", examples)):
        if not isinstance(value, int) or value < 1:
            raise InvalidInput(f"{name} must be a positive integer, got {value!r}")
    cur_sets = [set(candidate_phrases(t, max_ngram)) for t in current]
    base_sets = [set(candidate_phrases(t, max_ngram)) for t in baseline]
    a_count: Counter[str] = Counter(p for s in cur_sets for p in s)
    b_count: Counter[str] = Counter(p for s in base_sets for p in s)
    phrases = sorted(
        p for p in a_count.keys() | b_count.keys() if a_count[p] + b_count[p] >= min_count
    )
    columns = [
        "phrase", "current_count", "current_share", "baseline_count", "baseline_share",
        "lift", "z", "p_value", "q_value", "examples",
    ]  # fmt: skip
    if not phrases:
        return pd.DataFrame(columns=columns)
    n1, n2 = len(current), len(baseline)
    a = np.array([a_count[p] for p in phrases], dtype=float)
    b = np.array([b_count[p] for p in phrases], dtype=float)
    pooled = (a + b) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    diff = a / n1 - b / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / se, 0.0)
    p_value = stats.norm.sf(z)
    q_value = multipletests(p_value, method="fdr_bh")[1]  # Benjamini–Hochberg
    lift = ((a + 0.5) / (n1 + 1)) / ((b + 0.5) / (n2 + 1))
    table = pd.DataFrame(
        {
            "phrase": phrases,
            "current_count": a.astype(int),
            "current_share": a / n1,
            "baseline_count": b.astype(int),
            "baseline_share": b / n2,
            "lift": lift,
            "z": z,
            "p_value": p_value,
            "q_value": q_value,
        }
    )
    table = table[(table["q_value"] <= alpha) & (table["z"] > 0)]
    table = table.sort_values(["z", "phrase"], ascending=[False, True]).head(top_k)
    table["examples"] = [
        tuple(t for t, s in zip(current, cur_sets, strict=True) if p in s)[:examples]
        for p in table["phrase"]
    ]
    return table.reset_index(drop=True)[columns]
