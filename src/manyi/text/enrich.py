"""One call that enriches a batch of comments: the unit the background job and `manyi text` use.

For each text: personal data is redacted first (analytics only ever read the redacted
text), then the language is detected and sentiment and aspects are computed on the
redacted, normalised text. Texts longer than ``MAX_ANALYSED_CHARS`` are analysed on their
first ``MAX_ANALYSED_CHARS`` characters (the full text is still redacted), so a 10 MB
paste costs bounded time. A text that cannot be analysed gets an ``error`` instead of
taking the batch down.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from manyi.text.aspects import ASPECT_RULES, aspects
from manyi.text.language import detect_language
from manyi.text.normalize import normalize
from manyi.text.opinion import OpinionLexicon, load_opinion_lexicon
from manyi.text.pii import redact
from manyi.text.sentiment import model_version, sentiment
from manyi.text.taxonomy import Taxonomy, default_taxonomy

MAX_ANALYSED_CHARS = 20_000


@dataclass(frozen=True)
class Enrichment:
    """What enrichment adds to one text.

    Attributes
    ----------
    language : str
        "zh", "en", "mixed", "other" or "empty".
    sentiment_label : str or None
        "negative", "neutral" or "positive"; None when the text could not be analysed.
    sentiment_score : float or None
        In [-1, 1].
    aspects : list of dict
        ``{"code", "name", "dimension", "label", "score", "evidence"}`` per aspect mentioned.
    redacted_text : str
        The text with personal data replaced by labels such as ``[手机号]``.
    error : str or None
        Why the text could not be analysed, if it could not.
    """

    language: str
    sentiment_label: str | None
    sentiment_score: float | None
    aspects: list[dict[str, Any]] = field(default_factory=list)
    redacted_text: str = ""
    error: str | None = None


def enrichment_version(
    taxonomy: Taxonomy | None = None, opinion_lexicon: OpinionLexicon | None = None
) -> str:
    """Changes whenever the sentiment model, the opinion lexicon, the aspect rules or the
    aspect taxonomy change (→ re-enrichment)."""
    tax = taxonomy or default_taxonomy()
    lexicon = opinion_lexicon or load_opinion_lexicon()
    parts = [model_version(), lexicon.digest, ASPECT_RULES, repr(tax)]
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return "e1-" + hashlib.sha256(blob.encode()).hexdigest()[:16]


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def enrich_texts(
    texts: Sequence[object],
    taxonomy: Taxonomy | None = None,
    opinion_lexicon: OpinionLexicon | None = None,
) -> list[Enrichment]:
    """Enrich a batch of texts (any objects: None and bytes are accepted and made text).

    ``taxonomy`` and ``opinion_lexicon`` default to the bundled ones (see
    :func:`manyi.text.aspects.aspects`)."""
    raw = [_as_text(t) for t in texts]
    redacted = [redact(t) for t in raw]
    analysed = [normalize(t[:MAX_ANALYSED_CHARS]) for t in redacted]
    languages = [detect_language(t) for t in analysed]
    try:
        feelings: list[Any] = list(sentiment(analysed))
        found: list[Any] = list(
            aspects(
                analysed,
                taxonomy,
                _reusing(analysed, feelings),
                clause_sentiment="opinion",
                opinion_lexicon=opinion_lexicon,
            )
        )
    except Exception:  # one bad text must not fail the batch: retry text by text
        return [
            _enrich_one(r, a, lang, taxonomy, opinion_lexicon)
            for r, a, lang in zip(redacted, analysed, languages, strict=True)
        ]
    return [
        _result(lang, feeling, mentions, red)
        for lang, feeling, mentions, red in zip(languages, feelings, found, redacted, strict=True)
    ]


def _reusing(
    texts: Sequence[str], feelings: Sequence[Any]
) -> Callable[[Sequence[str]], list[float]]:
    """A scorer for aspects() that reuses the sentiment already computed for a whole
    comment (aspects() falls back to it) instead of running the model on it twice."""
    known = {text: float(f.score) for text, f in zip(texts, feelings, strict=True)}

    def scorer(batch: Sequence[str]) -> list[float]:
        missing = [t for t in batch if t not in known]
        if missing:
            known.update(
                (t, float(f.score)) for t, f in zip(missing, sentiment(missing), strict=True)
            )
        return [known[t] for t in batch]

    return scorer


def _enrich_one(
    redacted: str,
    analysed: str,
    language: str,
    taxonomy: Taxonomy | None,
    opinion_lexicon: OpinionLexicon | None,
) -> Enrichment:
    try:
        return _result(
            language,
            sentiment([analysed])[0],
            aspects([analysed], taxonomy, opinion_lexicon=opinion_lexicon)[0],
            redacted,
        )
    except Exception as exc:
        return Enrichment(language, None, None, [], redacted, f"{type(exc).__name__}: {exc}"[:500])


def _result(language: str, feeling: Any, mentions: Sequence[Any], redacted: str) -> Enrichment:
    return Enrichment(
        language=language,
        sentiment_label=str(feeling.label),
        sentiment_score=round(float(feeling.score), 4),
        aspects=[
            {
                "code": m.code,
                "name": m.name,
                "dimension": m.dimension,
                "label": m.label,
                "score": round(float(m.score), 4),
                "evidence": m.evidence,
            }
            for m in mentions
        ],
        redacted_text=redacted,
    )
