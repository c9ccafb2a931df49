"""Features of the sentiment models: hashed n-gram counts per clause and per comment.

Two feature sets, named in each model's metadata so that a model file and the code
that reads it cannot silently disagree:

``zh-char1-3+jieba1-2``
    the lower-cased text's character 1-, 2- and 3-grams plus jieba word uni- and bigrams
    (jieba's own dictionary, HMM off; word n-grams are prefixed so that the word 好 and
    the character 好 are different features). The words are jieba's, computed by
    :class:`manyi.text.jieba_cut.BlockCutter`, a faster implementation of the same route. Character n-grams see words jieba splits
    wrongly; word bigrams see negation and degree ("不 好", "太 贵").
``en-word1-2+charwb2-5``
    lower-cased word uni- and bigrams (``@name`` → ``@user``; emoticons, ``!`` and ``?``
    kept as tokens) plus character 2–5-grams inside word boundaries (spelling variants,
    hashtags such as #fail).

All n-grams are hashed into ``n_features`` columns with scikit-learn's
:class:`~sklearn.feature_extraction.text.HashingVectorizer` (MurmurHash3, signed 32 bit,
stable across versions), so no vocabulary is stored. Counts are computed per clause
(:func:`manyi.text.clauses.split_clauses`, each clause with its trailing punctuation);
a comment's row is the sum of its clauses' rows, so each text is tokenised once and
n-grams spanning a clause break ("错，但") are not features, in training and at run time
alike.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from manyi.errors import InvalidInput
from manyi.text.clauses import Clause, split_clauses
from manyi.text.jieba_cut import BlockCutter

__all__ = ["FEATURE_KINDS", "Featurized", "Featurizer"]

FEATURE_KINDS = ("zh-char1-3+jieba1-2", "en-word1-2+charwb2-5")

_WORD_PREFIX = "\x01"
_EN_TOKEN = re.compile(r"@user|[a-z0-9]+(?:'[a-z]+)?|[!?]+|[:;=][-']?[()dp/\\|]|[^\sa-z0-9]")
_MENTION = re.compile(r"@\w+")
_EN_WORD = re.compile(r"\S+")

_jieba_lock = threading.Lock()
_cutter: BlockCutter | None = None


def _jieba_cutter() -> BlockCutter:
    # A private jieba instance: other modules add user words to their own tokenizer, and
    # a model's features must not change when someone else's dictionary does. Nobody adds
    # words to this one, so BlockCutter may keep the log-probabilities it looks up.
    global _cutter
    if _cutter is None:
        with _jieba_lock:
            if _cutter is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _cutter = BlockCutter(tokenizer)
    return _cutter


def _zh_ngrams(text: str) -> list[str]:
    t = text.lower()
    n = len(t)
    grams = list(t)
    grams += [t[i : i + 2] for i in range(n - 1)]
    grams += [t[i : i + 3] for i in range(n - 2)]
    words = [_WORD_PREFIX + w for w in _jieba_cutter().cut(t) if not w.isspace()]
    grams += words
    grams += [a + b for a, b in itertools.pairwise(words)]
    return grams


def _en_ngrams(text: str) -> list[str]:
    t = _MENTION.sub("@user", text.lower())
    words = [_WORD_PREFIX + w for w in _EN_TOKEN.findall(t)]
    grams = words + [a + b for a, b in itertools.pairwise(words)]
    for word in _EN_WORD.findall(t):
        padded = f" {word} "
        size = len(padded)
        for k in range(2, 6):
            grams += [padded[i : i + k] for i in range(size - k + 1)]
    return grams


_ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "zh-char1-3+jieba1-2": _zh_ngrams,
    "en-word1-2+charwb2-5": _en_ngrams,
}


@dataclass(frozen=True)
class Featurized:
    """Feature rows of a batch of comments.

    Attributes
    ----------
    documents : scipy.sparse.csr_matrix
        One row of n-gram counts per comment (float32).
    clauses : scipy.sparse.csr_matrix
        One row per clause, all comments' clauses stacked in order.
    owner : numpy.ndarray
        For each clause row, the index of its comment (int64, non-decreasing).
    clause_lists : list of list of Clause
        The clauses of each comment (empty for a comment without words: its row is then
        built from the whole text and it has no clause row).
    """

    documents: sp.csr_matrix
    clauses: sp.csr_matrix
    owner: np.ndarray
    clause_lists: list[list[Clause]]


class Featurizer:
    """Hashed n-gram features of one kind (see the module docstring).

    Parameters
    ----------
    kind : str
        One of :data:`FEATURE_KINDS`.
    n_features : int
        Number of hash buckets (a power of two).

    Examples
    --------
    >>> f = Featurizer("zh-char1-3+jieba1-2", 2**10)
    >>> f.featurize(["不错，但是太贵了"]).clauses.shape
    (2, 1024)
    """

    def __init__(self, kind: str, n_features: int) -> None:
        if kind not in _ANALYZERS:
            raise InvalidInput(f"unknown feature kind {kind!r}; known: {list(_ANALYZERS)}")
        if n_features < 2 or n_features & (n_features - 1):
            raise InvalidInput(f"n_features must be a power of two, got {n_features}")
        self.kind = kind
        self.n_features = n_features
        self._vectorizer = HashingVectorizer(
            analyzer=_ANALYZERS[kind],
            n_features=n_features,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Count rows for texts taken whole (no clause split)."""
        if not texts:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        matrix: sp.csr_matrix = self._vectorizer.transform(texts).tocsr()
        return matrix

    def featurize(self, texts: Sequence[str]) -> Featurized:
        """Clause rows and comment rows (sum of the comment's clause rows) for ``texts``."""
        clause_lists = [split_clauses(t) for t in texts]
        pieces: list[str] = []
        owner: list[int] = []
        for i, (text, clauses) in enumerate(zip(texts, clause_lists, strict=True)):
            if clauses:
                pieces.extend(text[c.start : c.feature_end] for c in clauses)
                owner.extend([i] * len(clauses))
            else:
                pieces.append(text)
                owner.append(i)
        rows = self.transform(pieces)
        owner_arr = np.asarray(owner, dtype=np.int64)
        gather = sp.csr_matrix(
            (np.ones(len(owner_arr), dtype=np.float32), (owner_arr, np.arange(len(owner_arr)))),
            shape=(len(texts), len(owner_arr)),
        )
        documents = (gather @ rows).tocsr()
        has_clause = np.repeat(
            np.array([bool(c) for c in clause_lists], dtype=bool),
            np.array([max(len(c), 1) for c in clause_lists], dtype=np.int64),
        )
        return Featurized(documents, rows[has_clause], owner_arr[has_clause], clause_lists)
