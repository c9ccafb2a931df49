"""manyi.text: offline Chinese and English feedback text analytics, a pure library.

No cloud service and no download: segmentation with jieba and a service-domain
dictionary, models trained from public corpora and shipped in ``manyi/text/models``.

>>> from manyi.text import detect_language, redact
>>> detect_language("师傅很专业，但是来晚了")
'zh'
>>> redact("请回电 13812345678")
'请回电 [手机号]'
"""

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
