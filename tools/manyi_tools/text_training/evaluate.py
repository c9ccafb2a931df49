"""Measure a sentiment model on held-out rows: accuracy, macro-F1, neutral share, baseline.

Two accuracies are reported for every test set:

``document``
    the model's class probabilities for the whole comment, ``P_doc`` (argmax; for a
    two-class model, the sign of the score). This is the trained classifier alone.
``pipeline``
    the full :func:`manyi.text.sentiment.sentiment` path (normalise, route by language,
    clause aggregation). For two-class gold data the label is the sign of the score
    (``score >= 0`` → positive); the share that :func:`sentiment` would label
    ``neutral`` and the accuracy on the rest are reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from manyi.text.normalize import normalize
from manyi.text.sentiment import MAX_CHARS, SentimentModels, sentiment
from manyi.text.sentiment_model import SentimentModel

__all__ = ["TestScores", "baseline_accuracy", "document_predictions", "score_test_set"]


@dataclass(frozen=True)
class TestScores:
    """Scores of one model on one test set.

    Attributes
    ----------
    name : str
        Test set name.
    n : int
        Rows scored.
    document_accuracy, document_macro_f1 : float
        The classifier on whole comments.
    pipeline_accuracy, pipeline_macro_f1 : float
        :func:`manyi.text.sentiment.sentiment` end to end (polarity for 2-class gold).
    neutral_share : float
        Share labelled ``neutral`` by :func:`sentiment` (derived band for Chinese).
    accuracy_without_neutral : float
        Pipeline accuracy on the rows not labelled neutral.
    """

    name: str
    n: int
    document_accuracy: float
    document_macro_f1: float
    pipeline_accuracy: float
    pipeline_macro_f1: float
    neutral_share: float
    accuracy_without_neutral: float

    def as_dict(self) -> dict[str, float | int | str]:
        """Rounded values for the metadata JSON."""
        out: dict[str, float | int | str] = {"name": self.name, "n": self.n}
        for key in (
            "document_accuracy",
            "document_macro_f1",
            "pipeline_accuracy",
            "pipeline_macro_f1",
            "neutral_share",
            "accuracy_without_neutral",
        ):
            out[key] = round(float(getattr(self, key)), 4)
        return out


def prepare(texts: Sequence[str]) -> list[str]:
    """The text the model reads: the first ``MAX_CHARS`` characters, normalised."""
    return [normalize(t[:MAX_CHARS]) for t in texts]


def document_predictions(model: SentimentModel, texts: Sequence[str]) -> np.ndarray:
    """Predicted class names of the whole-comment classifier for raw texts."""
    prepared = prepare(texts)
    features = model.featurizer.featurize(prepared)
    p = model.proba(features.documents, prepared)
    return np.asarray(np.asarray(model.classes)[p.argmax(axis=1)])


def score_test_set(
    name: str, models: SentimentModels, model: SentimentModel, test: pd.DataFrame
) -> TestScores:
    """Score ``model`` (and the pipeline using ``models``) on a test frame (``text``, ``label``)."""
    texts = test["text"].tolist()
    gold = test["label"].to_numpy()
    doc = document_predictions(model, texts)
    results = sentiment(texts, models=models)
    labels = np.asarray([r.label for r in results])
    binary_gold = set(np.unique(gold)) <= {"negative", "positive"}
    if binary_gold:
        pipeline = np.where(np.asarray([r.score for r in results]) >= 0, "positive", "negative")
    else:
        pipeline = labels
    sure = labels != "neutral"
    return TestScores(
        name=name,
        n=len(texts),
        document_accuracy=float(accuracy_score(gold, doc)),
        document_macro_f1=float(f1_score(gold, doc, average="macro")),
        pipeline_accuracy=float(accuracy_score(gold, pipeline)),
        pipeline_macro_f1=float(f1_score(gold, pipeline, average="macro")),
        neutral_share=float(np.mean(~sure)) if binary_gold else float(np.mean(labels == "neutral")),
        accuracy_without_neutral=float(np.mean(labels[sure] == gold[sure])) if sure.any() else 0.0,
    )


def baseline_accuracy(train: pd.DataFrame, test: pd.DataFrame, language: str) -> float:
    """TF-IDF + logistic regression baseline, trained on one corpus's own training split.

    Chinese: character 1–2-grams (``TfidfVectorizer(analyzer="char", ngram_range=(1, 2),
    sublinear_tf=True)``); English: ``TfidfVectorizer()`` word unigrams. Then
    ``LogisticRegression(max_iter=2000)`` with default C = 1.
    """
    if language == "zh":
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    else:
        vectorizer = TfidfVectorizer()
    x = vectorizer.fit_transform(train["text"])
    model = LogisticRegression(max_iter=2000).fit(x, train["label"])
    predicted = model.predict(vectorizer.transform(test["text"]))
    return float(accuracy_score(test["label"], predicted))
