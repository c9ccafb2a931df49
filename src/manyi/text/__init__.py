"""manyi.text: offline Chinese and English feedback text analytics, a pure library.

No cloud service and no download: segmentation with jieba and a service-domain
dictionary, models trained from public corpora and shipped in ``manyi/text/models``.

>>> from manyi.text import detect_language, redact
>>> detect_language("师傅很专业，但是来晚了")
'zh'
>>> redact("请回电 13812345678")
'请回电 [手机号]'
"""

# The public names load on first use (PEP 562): ``import manyi.text.pii`` at intake must not
# pull in every model, scikit-learn and statsmodels (about 1.3 s and 90 MiB) through this
# package's __init__.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from manyi.text.agreement import AlphaResult as KrippendorffResult
    from manyi.text.agreement import KappaResult, cohen_kappa, disagreements, krippendorff_alpha
    from manyi.text.aspects import AspectMention, aspects
    from manyi.text.clauses import Clause, split_clauses
    from manyi.text.content import CodedAnswers, code_answers, compile_codebook, term_frequencies
    from manyi.text.enrich import Enrichment, enrich_texts
    from manyi.text.keywords import KeyPhrases, key_phrases
    from manyi.text.language import detect_language, script_counts
    from manyi.text.normalize import normalize, traditional_characters
    from manyi.text.pii import PiiMatch, find_pii, is_valid_cn_id, luhn_valid, redact
    from manyi.text.segment import stopwords, tokenize
    from manyi.text.sentiment import Sentiment, load_models, model_version, sentiment
    from manyi.text.taxonomy import Aspect, Taxonomy, default_taxonomy, load_taxonomy
    from manyi.text.topics import Topic, TopicModel, discover_topics, emerging_topics

_EXPORTS: dict[str, tuple[str, str]] = {
    "Aspect": ("manyi.text.taxonomy", "Aspect"),
    "AspectMention": ("manyi.text.aspects", "AspectMention"),
    "Clause": ("manyi.text.clauses", "Clause"),
    "CodedAnswers": ("manyi.text.content", "CodedAnswers"),
    "Enrichment": ("manyi.text.enrich", "Enrichment"),
    "KappaResult": ("manyi.text.agreement", "KappaResult"),
    "KeyPhrases": ("manyi.text.keywords", "KeyPhrases"),
    "KrippendorffResult": ("manyi.text.agreement", "AlphaResult"),
    "PiiMatch": ("manyi.text.pii", "PiiMatch"),
    "Sentiment": ("manyi.text.sentiment", "Sentiment"),
    "Taxonomy": ("manyi.text.taxonomy", "Taxonomy"),
    "Topic": ("manyi.text.topics", "Topic"),
    "TopicModel": ("manyi.text.topics", "TopicModel"),
    "aspects": ("manyi.text.aspects", "aspects"),
    "code_answers": ("manyi.text.content", "code_answers"),
    "cohen_kappa": ("manyi.text.agreement", "cohen_kappa"),
    "compile_codebook": ("manyi.text.content", "compile_codebook"),
    "default_taxonomy": ("manyi.text.taxonomy", "default_taxonomy"),
    "detect_language": ("manyi.text.language", "detect_language"),
    "disagreements": ("manyi.text.agreement", "disagreements"),
    "discover_topics": ("manyi.text.topics", "discover_topics"),
    "emerging_topics": ("manyi.text.topics", "emerging_topics"),
    "enrich_texts": ("manyi.text.enrich", "enrich_texts"),
    "find_pii": ("manyi.text.pii", "find_pii"),
    "is_valid_cn_id": ("manyi.text.pii", "is_valid_cn_id"),
    "key_phrases": ("manyi.text.keywords", "key_phrases"),
    "krippendorff_alpha": ("manyi.text.agreement", "krippendorff_alpha"),
    "load_models": ("manyi.text.sentiment", "load_models"),
    "load_taxonomy": ("manyi.text.taxonomy", "load_taxonomy"),
    "luhn_valid": ("manyi.text.pii", "luhn_valid"),
    "model_version": ("manyi.text.sentiment", "model_version"),
    "normalize": ("manyi.text.normalize", "normalize"),
    "redact": ("manyi.text.pii", "redact"),
    "script_counts": ("manyi.text.language", "script_counts"),
    "sentiment": ("manyi.text.sentiment", "sentiment"),
    "split_clauses": ("manyi.text.clauses", "split_clauses"),
    "stopwords": ("manyi.text.segment", "stopwords"),
    "term_frequencies": ("manyi.text.content", "term_frequencies"),
    "tokenize": ("manyi.text.segment", "tokenize"),
    "traditional_characters": ("manyi.text.normalize", "traditional_characters"),
}

__all__ = [
    "Aspect",
    "AspectMention",
    "Clause",
    "CodedAnswers",
    "Enrichment",
    "KappaResult",
    "KeyPhrases",
    "KrippendorffResult",
    "PiiMatch",
    "Sentiment",
    "Taxonomy",
    "Topic",
    "TopicModel",
    "aspects",
    "code_answers",
    "cohen_kappa",
    "compile_codebook",
    "default_taxonomy",
    "detect_language",
    "disagreements",
    "discover_topics",
    "emerging_topics",
    "enrich_texts",
    "find_pii",
    "is_valid_cn_id",
    "key_phrases",
    "krippendorff_alpha",
    "load_models",
    "load_taxonomy",
    "luhn_valid",
    "model_version",
    "normalize",
    "redact",
    "script_counts",
    "sentiment",
    "split_clauses",
    "stopwords",
    "term_frequencies",
    "tokenize",
    "traditional_characters",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'manyi.text' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
