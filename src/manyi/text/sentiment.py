"""Sentiment of customer comments in Chinese and English, offline, in batches.

:func:`sentiment` scores a batch of comments with the models shipped in
``manyi/text/models`` (see ``docs/text-models.md``, the model card): a Chinese model for
comments :func:`manyi.text.language.detect_language` calls ``zh`` or ``mixed``, an English
model for ``en``. Comments in another script, or with no letters at all, are ``neutral``
with score 0 and confidence 0.

How one comment is scored
-------------------------
1. Its first :data:`MAX_CHARS` characters are normalised (:func:`manyi.text.normalize.normalize`).
2. It is cut into clauses (:func:`manyi.text.clauses.split_clauses`). The model gives
   class probabilities for the whole comment, ``P_doc``, and for every clause, ``P_i``.
3. With one clause, ``P = P_doc``. With several,
   ``P = (1 − λ)·P_doc + λ·Σ w_i P_i / Σ w_i`` with ``λ =`` :data:`CLAUSE_WEIGHT` and
   ``w_i =`` :data:`CONTRAST_TAIL_WEIGHT` for a contrast tail (the part after 但是 / but),
   1 otherwise: the tail decides more of the verdict ("不错，但是太贵了" leans negative).
4. ``score = P(positive) − P(negative)`` in [−1, 1]; ``confidence = max_c P(c)``.
5. Label: the English model has three classes and returns the most probable one (its
   probabilities include a prior correction, ``class_weights`` in the model file). The
   Chinese training corpora are binary (positive/negative), so Chinese ``neutral`` is
   *derived*: it is returned when ``|score| <`` the model's ``neutral_band`` (0.2 for the
   shipped model, i.e. P(positive) between 0.4 and 0.6). It means "the model is
   unsure", not "the customer is neutral"; the model card measures how often it fires.
6. ``mixed`` is True when one clause scores ≥ :data:`MIXED_MARGIN` and another ≤
   −:data:`MIXED_MARGIN` (strong praise and strong complaint in one comment).

Negation and degree ("不好", "不错", "not good", "太贵") are handled by the features: word
bigrams and character n-grams see 不/没/不是/not together with the next word.

Input rules: ``texts`` is a list (or other sequence) of ``str``; an empty string is
neutral; ``None``, numbers, bytes or a bare string instead of a list raise
:class:`~manyi.errors.InvalidInput` naming the position (use ``fillna("")`` on a pandas
column). Binary garbage and control characters are removed by normalisation and end up
neutral. Text after the first :data:`MAX_CHARS` characters is not read.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from manyi.errors import InvalidInput
from manyi.text.encoders import encoder_version
from manyi.text.inputs import comment_list
from manyi.text.language import detect_language
from manyi.text.normalize import normalize
from manyi.text.sentiment_model import SentimentModel, load_model

__all__ = [
    "CLAUSE_WEIGHT",
    "CONTRAST_TAIL_WEIGHT",
    "MAX_CHARS",
    "MEMO_CHARS",
    "MEMO_SIZE",
    "MIXED_MARGIN",
    "ClauseSentiment",
    "Sentiment",
    "SentimentModels",
    "clear_memo",
    "load_models",
    "model_version",
    "sentiment",
]

Label = Literal["negative", "neutral", "positive"]

#: Characters of a comment that are read; the rest of a longer text is ignored.
MAX_CHARS = 20_000
#: λ: share of the clause average in a multi-clause comment's probabilities.
CLAUSE_WEIGHT = 0.25
#: Weight of a contrast-tail clause in the clause average (others weigh 1).
CONTRAST_TAIL_WEIGHT = 2.0
#: Clause scores at or beyond ±this on both sides make a comment ``mixed``.
MIXED_MARGIN = 0.5
#: Comments of at most this many characters have their results remembered (LRU).
MEMO_CHARS = 64
#: How many short comments' results are remembered.
MEMO_SIZE = 16_384
#: Neutral band for two-class models whose metadata names none.
DEFAULT_NEUTRAL_BAND = 0.2

MODEL_DIR = Path(__file__).with_name("models")


@dataclass(frozen=True)
class ClauseSentiment:
    """Sentiment of one clause.

    Attributes
    ----------
    text : str
        The clause.
    start, end : int
        Offsets into the *normalised* comment.
    is_contrast_tail : bool
        Whether the clause follows a contrast marker (weighs more).
    label : {"negative", "neutral", "positive"}
        Same rule as the comment's label.
    score : float
        P(positive) − P(negative), in [−1, 1].
    confidence : float
        Probability of the most probable class.
    """

    text: str
    start: int
    end: int
    is_contrast_tail: bool
    label: Label
    score: float
    confidence: float


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of one comment.

    Attributes
    ----------
    label : {"negative", "neutral", "positive"}
        The verdict (see the module docstring for the neutral rule).
    score : float
        P(positive) − P(negative) after clause aggregation, in [−1, 1]; 0 when the text
        was not scored.
    language : str
        From :func:`manyi.text.language.detect_language`: ``zh``, ``en``, ``mixed``,
        ``other`` or ``empty``.
    confidence : float
        Probability of the most probable class, in [0, 1]; 0 when not scored.
    mixed : bool
        True when clauses disagree strongly (see :data:`MIXED_MARGIN`).
    clauses : tuple of ClauseSentiment
        Per-clause results (empty when not scored).
    """

    label: Label
    score: float
    language: str
    confidence: float
    mixed: bool
    clauses: tuple[ClauseSentiment, ...]


@dataclass(frozen=True)
class SentimentModels:
    """The models :func:`sentiment` uses.

    Attributes
    ----------
    zh : SentimentModel
        For ``zh`` and ``mixed`` comments.
    en : SentimentModel
        For ``en`` comments.
    """

    zh: SentimentModel
    en: SentimentModel

    @property
    def version(self) -> str:
        """``"<zh version>+<en version>"``."""
        return f"{self.zh.version}+{self.en.version}"


_lock = threading.Lock()
_cache: dict[Path, SentimentModels] = {}


def _model_file(model_dir: Path, language: str) -> Path:
    path = model_dir / f"sentiment_{language}.json"
    if path.is_file():
        return path
    bundled = MODEL_DIR / f"sentiment_{language}.json"
    if bundled.is_file():
        return bundled
    raise InvalidInput(
        f"no {language} sentiment model in {model_dir}; train one with "
        "`python -m manyi_tools.text_training sentiment`"
    )


def load_models(model_dir: Path | None = None) -> SentimentModels:
    """Load the sentiment models once per process and directory (thread-safe).

    Parameters
    ----------
    model_dir : pathlib.Path, optional
        A directory with ``sentiment_zh.json``/``.npz`` and/or ``sentiment_en.json``/
        ``.npz`` as written by ``python -m manyi_tools.text_training sentiment --out DIR``.
        A language missing there falls back to the bundled model. Default: the models
        shipped in ``manyi/text/models``.

    Returns
    -------
    SentimentModels

    Raises
    ------
    InvalidInput
        When a model file is missing or unreadable.

    Examples
    --------
    >>> load_models().zh.classes
    ('negative', 'positive')
    """
    key = (model_dir or MODEL_DIR).resolve()
    models = _cache.get(key)
    if models is None:
        with _lock:
            models = _cache.get(key)
            if models is None:
                models = SentimentModels(
                    zh=load_model(_model_file(key, "zh")), en=load_model(_model_file(key, "en"))
                )
                _cache[key] = models
    return models


def model_version() -> str:
    """Version string of the bundled models plus a digest of the scoring constants.

    Changes whenever a model file, the aggregation rule or the version of a sentence
    encoder a model reads changes, so stored results can be recomputed.

    Examples
    --------
    >>> model_version().startswith("zh-")
    True
    """
    models = load_models()
    # A new encoder package can move its vectors, so its version is part of the rule.
    heads = [m.encoder_head for m in (models.zh, models.en) if m.encoder_head is not None]
    encoders = "/".join(sorted({encoder_version(h.encoder) for h in heads}))
    rule = f"{MAX_CHARS}/{CLAUSE_WEIGHT}/{CONTRAST_TAIL_WEIGHT}/{MIXED_MARGIN}/{encoders}"
    digest = hashlib.sha256(rule.encode()).hexdigest()[:8]
    return f"{models.version}+{digest}"


def _check(texts: Sequence[str]) -> list[str]:
    return comment_list(texts, "sentiment")


def _labels(p: np.ndarray, classes: tuple[str, ...], band: float) -> tuple[list[Label], np.ndarray]:
    score = p[:, classes.index("positive")] - p[:, classes.index("negative")]
    if "neutral" in classes:
        names = np.asarray(classes)[p.argmax(axis=1)]
    else:
        names = np.where(score >= band, "positive", np.where(score <= -band, "negative", "neutral"))
    labels: list[Label] = [str(n) for n in names]  # type: ignore[misc]
    return labels, score


def _score_group(model: SentimentModel, texts: list[str], languages: list[str]) -> list[Sentiment]:
    features = model.featurizer.featurize(texts)
    p_doc = model.proba(features.documents, texts)
    band = float(model.metadata.get("neutral_band", DEFAULT_NEUTRAL_BAND))
    n = len(texts)
    owner = features.owner
    clause_lists = features.clause_lists
    if len(owner):
        p_clause = model.proba(features.clauses)
        tails = np.array([c.is_contrast_tail for cl in clause_lists for c in cl], dtype=bool)
        weights = np.where(tails, CONTRAST_TAIL_WEIGHT, 1.0)
        sums = np.zeros_like(p_doc)
        np.add.at(sums, owner, p_clause * weights[:, None])
        total = np.bincount(owner, weights=weights, minlength=n)
        counts = np.bincount(owner, minlength=n)
        several = counts >= 2
        p = p_doc.copy()
        p[several] = (1.0 - CLAUSE_WEIGHT) * p_doc[several] + CLAUSE_WEIGHT * (
            sums[several] / total[several, None]
        )
        clause_labels, clause_scores = _labels(p_clause, model.classes, band)
        clause_conf = p_clause.max(axis=1)
        high = np.zeros(n, dtype=bool)
        low = np.zeros(n, dtype=bool)
        high[owner[clause_scores >= MIXED_MARGIN]] = True
        low[owner[clause_scores <= -MIXED_MARGIN]] = True
        mixed = high & low & several
    else:
        p = p_doc
        clause_labels, clause_scores, clause_conf = [], np.zeros(0), np.zeros(0)
        mixed = np.zeros(n, dtype=bool)
    labels, scores = _labels(p, model.classes, band)
    confidence = p.max(axis=1)
    results: list[Sentiment] = []
    k = 0
    for i, clauses in enumerate(clause_lists):
        parts = []
        for c in clauses:
            parts.append(
                ClauseSentiment(
                    c.text,
                    c.start,
                    c.end,
                    c.is_contrast_tail,
                    clause_labels[k],
                    float(clause_scores[k]),
                    float(clause_conf[k]),
                )
            )
            k += 1
        results.append(
            Sentiment(
                labels[i],
                float(np.clip(scores[i], -1.0, 1.0)),
                languages[i],
                float(confidence[i]),
                bool(mixed[i]),
                tuple(parts),
            )
        )
    return results


def sentiment(texts: Sequence[str], *, models: SentimentModels | None = None) -> list[Sentiment]:
    """Score the sentiment of a batch of comments (Chinese and English).

    See the module docstring for the steps: normalisation, language routing, clause
    split, ``P = (1 − λ)·P_doc + λ·Σ w_i P_i / Σ w_i`` (λ = 0.25, contrast tails w = 2),
    ``score = P(pos) − P(neg)``, neutral band for the two-class Chinese model, ``mixed``
    when clause scores reach ±0.5 on both sides.

    Parameters
    ----------
    texts : sequence of str
        The comments. ``""`` is allowed (neutral, language ``empty``).
    models : SentimentModels, optional
        Models from :func:`load_models` (e.g. retrained on your own data); default: the
        bundled ones.

    Returns
    -------
    list of Sentiment
        One per comment, in order.

    Raises
    ------
    InvalidInput
        When ``texts`` is a single string or holds a non-string (``None``, a number,
        bytes), naming its position.

    References
    ----------
    Wang, S. & Manning, C. D. (2012). Baselines and bigrams: simple, good sentiment and
    topic classification. *ACL 2012*, 90–94 (NB-SVM features).

    Examples
    --------
    >>> [s.label for s in sentiment(["服务很好，下次还来", "太差了，再也不来了", "Great crew, thanks!"])]
    ['positive', 'negative', 'positive']
    >>> s = sentiment(["不错，但是太贵了"])[0]
    >>> s.mixed, [c.label for c in s.clauses]
    (True, ['positive', 'negative'])
    """
    items = _check(texts)
    chosen = models or load_models()
    # Short comments repeat ("好评", "很满意", "ok"): their results are remembered per set
    # of loaded models (load_models() keeps those for the life of the process, so their
    # identity is a safe key). Scoring is row by row, so a remembered result is exactly
    # what scoring again would give.
    memo = _results if any(chosen is m for m in _cache.values()) else None
    results: list[Sentiment | None] = [None] * len(items)
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(items):
        known = memo.get((id(chosen), text)) if memo is not None else None
        if known is not None:
            results[i] = known
        else:
            todo.setdefault(text, []).append(i)
    fresh = list(todo)
    for text, result in zip(fresh, _score_texts(fresh, chosen), strict=True):
        for i in todo[text]:
            results[i] = result
        if memo is not None and len(text) <= MEMO_CHARS:
            memo.put((id(chosen), text), result)
    return [r for r in results if r is not None]


def _score_texts(items: list[str], chosen: SentimentModels) -> list[Sentiment]:
    prepared = [normalize(t[:MAX_CHARS]) if t else "" for t in items]
    languages = [detect_language(t) if t else "empty" for t in prepared]
    results: list[Sentiment | None] = [None] * len(items)
    for model, wanted in ((chosen.zh, ("zh", "mixed")), (chosen.en, ("en",))):
        index = [i for i, lang in enumerate(languages) if lang in wanted]
        if not index:
            continue
        scored = _score_group(model, [prepared[i] for i in index], [languages[i] for i in index])
        for i, result in zip(index, scored, strict=True):
            results[i] = result
    return [
        r if r is not None else Sentiment("neutral", 0.0, languages[i], 0.0, False, ())
        for i, r in enumerate(results)
    ]


class _ResultMemo:
    """A bounded, thread-safe LRU of the results of short comments."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, str], Sentiment] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> Sentiment | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, str], value: Sentiment) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_results = _ResultMemo(MEMO_SIZE)


def clear_memo() -> None:
    """Forget the remembered results of short comments (to time a cold start)."""
    _results.clear()
