"""Key phrases of a set of comments, by TF-IDF or TextRank, in Chinese and English.

Candidates (:func:`candidate_phrases`): each comment is tokenised with
:func:`manyi.text.segment.tokenize`; a *content token* is one that is not a stop word,
not punctuation, not a number, has at least two characters (as jieba's own keyword
extractor requires: single characters such as 的, 很, 好 are mostly noise) and contains a
letter. Candidates are the content tokens and the pairs of content tokens that stand
next to each other in the comment (服务 + 态度 → 服务态度, customer + service →
"customer service"). Chinese halves are joined without a space, anything else with one.

Methods of :func:`key_phrases`:

``"tfidf"``
    Each comment is a bag of candidates weighted by
    ``tfidf(t, d) = tf(t, d) * (ln((1 + n) / (1 + df(t))) + 1)`` and each comment's
    vector is scaled to unit length (scikit-learn's ``TfidfVectorizer`` defaults; Salton
    & Buckley 1988). A phrase's corpus score is its mean weight over all comments, so
    phrases that are frequent *and* concentrated rank first. A comment's own key phrases
    are its highest-weighted candidates.
``"textrank"``
    Content tokens are vertices; two tokens within a window of five content tokens of
    each other get an edge weighted by how often that happens across the corpus.
    Weighted PageRank (damping 0.85) scores the vertices (Mihalcea & Tarau 2004). A pair
    ``a b`` found in at least ``min_df`` comments scores
    ``(r_a + r_b) / 2 * n_ab / sqrt(n_a n_b)``: as strong as its parts, discounted by the
    Ochiai coefficient of the parts (a loose pairing such as 酒店 + 房间 scores low, a
    collocation such as "customer service" keeps most of its score). A
    comment's own key phrases come from TextRank on that comment alone.

Limits: no part-of-speech filter (jieba's posseg is slow and global), so verbs and
adjectives can rank; a pair and its parts may all appear in the list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from manyi.errors import InvalidInput
from manyi.text.inputs import corpus_texts
from manyi.text.segment import is_punctuation, stopwords, tokenize

__all__ = [
    "KeyPhrases",
    "candidate_phrases",
    "content_tokens",
    "is_content_token",
    "key_phrases",
    "pagerank",
]

Method = Literal["tfidf", "textrank"]
TEXTRANK_WINDOW = 5
DAMPING = 0.85
_DENSE_LIMIT = 400


@dataclass(frozen=True)
class KeyPhrases:
    """Key phrases of a corpus and of each of its documents.

    Attributes
    ----------
    phrases : pandas.DataFrame
        The ``top_k`` best phrases, best first, with columns ``phrase``, ``score``
        (mean TF-IDF weight, or TextRank score), ``count`` (occurrences in the corpus),
        ``documents`` (number of comments that contain it) and ``share``
        (``documents / n_documents``).
    per_document : tuple of tuple of str
        For each input text, in order, its own best phrases (up to ``per_document_k``;
        empty for a text with no candidates).
    method : str
        ``"tfidf"`` or ``"textrank"``.
    n_documents : int
        Number of input texts.
    """

    phrases: pd.DataFrame
    per_document: tuple[tuple[str, ...], ...]
    method: str
    n_documents: int


# Kept by the tokenizer (sentiment needs them) but never a key phrase on their own.
_NOT_KEY = frozenset(
    {"not", "no", "nor", "never", "but", "without", "cannot", "yes", "ok", "url"}
    | {"没有", "不是", "不会", "不能", "没什么", "但是", "可是", "而且", "就是", "还是"}
)


def _has_letter(token: str) -> bool:
    return any(ch.isalpha() for ch in token)


def is_content_token(token: str) -> bool:
    """True for a token that can be (part of) a key phrase.

    Not a stop word, not punctuation, at least two characters, at least one letter, and
    not a bare negation or connective (没有, 不是, not, but …: the tokenizer keeps them for
    sentiment, but alone they say nothing about a theme).

    Examples
    --------
    >>> [is_content_token(t) for t in ["服务", "的", "好", "2023", "refund", "!"]]
    [True, False, False, False, True, False]
    """
    return (
        len(token) >= 2
        and token not in _NOT_KEY
        and _has_letter(token)
        and not is_punctuation(token)
        and token not in stopwords("zh")
        and token not in stopwords("en")
    )


def _join(a: str, b: str) -> str:
    # Chinese words are written without spaces; anything with a Latin side gets one.
    if a[-1].isascii() or b[0].isascii():
        return f"{a} {b}"
    return a + b


def content_tokens(text: str) -> list[str]:
    """The content tokens of a text, in order (see :func:`is_content_token`).

    Examples
    --------
    >>> content_tokens("客服的服务态度很差，退款太慢")
    ['客服', '服务态度', '很差', '退款', '太慢']
    """
    return [t for t in tokenize(text) if is_content_token(t)]


def _tokens_and_pairs(text: str, max_ngram: int) -> tuple[list[str], list[tuple[str, str, str]]]:
    tokens = tokenize(text)
    keep = [is_content_token(t) for t in tokens]
    content = [t for t, k in zip(tokens, keep, strict=True) if k]
    pairs: list[tuple[str, str, str]] = []
    if max_ngram == 2:
        pairs = [
            (_join(tokens[i], tokens[i + 1]), tokens[i], tokens[i + 1])
            for i in range(len(tokens) - 1)
            if keep[i] and keep[i + 1]
        ]
    return content, pairs


def candidate_phrases(text: str, max_ngram: int = 2) -> list[str]:
    """Candidate key phrases of one text: content tokens and adjacent pairs of them.

    Parameters
    ----------
    text : str
        A comment.
    max_ngram : {1, 2}, default 2
        1 for single tokens only.

    Returns
    -------
    list of str
        Single tokens first, then pairs, with repetitions (a phrase that occurs twice is
        listed twice).

    Raises
    ------
    InvalidInput
        When ``max_ngram`` is not 1 or 2.

    Examples
    --------
    >>> candidate_phrases("customer service was slow, customer service!")
    ['customer', 'service', 'slow', 'customer', 'service', 'customer service', 'customer service']
    """
    if max_ngram not in (1, 2):
        raise InvalidInput(f"max_ngram must be 1 or 2, got {max_ngram!r}")
    content, pairs = _tokens_and_pairs(text, max_ngram)
    return content + [p[0] for p in pairs]


def pagerank(
    weights: sparse.spmatrix | np.ndarray, damping: float = DAMPING, tol: float = 1e-12
) -> np.ndarray:
    """Weighted PageRank of a graph given by its (symmetric or directed) weight matrix.

    ``r = (1 - d) / N + d * (P^T r + (sum of r over dangling vertices) / N)`` with
    ``P[i, j] = w[i, j] / sum_j w[i, j]``; solved by power iteration (at most 1,000
    steps, stopping when the L1 change is below ``tol``). Scores sum to 1.

    Parameters
    ----------
    weights : (N, N) array or sparse matrix
        ``weights[i, j]`` is the weight of the edge from ``i`` to ``j`` (>= 0).
    damping : float, default 0.85
        Probability of following an edge.
    tol : float, default 1e-12
        Convergence tolerance.

    Returns
    -------
    numpy.ndarray
        One score per vertex.

    References
    ----------
    Brin S., Page L. (1998), The anatomy of a large-scale hypertextual web search engine;
    Mihalcea R., Tarau P. (2004), TextRank: bringing order into texts, EMNLP.

    Examples
    --------
    >>> pagerank(np.array([[0, 1], [1, 0]])).round(3).tolist()
    [0.5, 0.5]
    """
    if not 0.0 < damping < 1.0:
        raise InvalidInput(f"damping must be between 0 and 1, got {damping}")
    w = np.asarray(weights, dtype=float) if isinstance(weights, np.ndarray) else weights
    n = w.shape[0]
    if n == 0:
        return np.zeros(0)
    values = w if isinstance(w, np.ndarray) else sparse.csr_matrix(w).data
    if w.shape != (n, n) or (values < 0).any() or not np.isfinite(values).all():
        raise InvalidInput("weights must be a square matrix of non-negative numbers")
    out_weight = np.asarray(w.sum(axis=1)).ravel()
    dangling = out_weight == 0
    inv = np.divide(1.0, out_weight, out=np.zeros(n), where=~dangling)
    transition_t: np.ndarray | sparse.csr_matrix
    if isinstance(w, np.ndarray):
        transition_t = (w * inv[:, None]).T
    else:
        transition_t = (sparse.diags(inv) @ sparse.csr_matrix(w, dtype=float)).T.tocsr()
    r = np.full(n, 1.0 / n)
    for _ in range(1000):
        new = (1.0 - damping) / n + damping * (transition_t @ r + r[dangling].sum() / n)
        if np.abs(new - r).sum() < tol:
            return np.asarray(new)
        r = new
    return np.asarray(r)


def _tfidf(
    docs: list[list[str]], top_k: int, per_document_k: int, min_df: int
) -> tuple[pd.DataFrame, list[tuple[str, ...]]]:
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, lowercase=False)
    matrix = vectorizer.fit_transform(docs).tocsr()
    vocab = vectorizer.get_feature_names_out()
    score = np.asarray(matrix.sum(axis=0)).ravel() / max(len(docs), 1)
    order = np.argsort(-score, kind="stable")[:top_k]
    table = pd.DataFrame({"phrase": vocab[order].astype(str), "score": score[order]})
    per_doc: list[tuple[str, ...]] = []
    for i in range(matrix.shape[0]):
        row = matrix.getrow(i)
        best = np.argsort(-row.data, kind="stable")[:per_document_k]
        per_doc.append(tuple(str(vocab[row.indices[j]]) for j in best))
    return table, per_doc


def _token_ranks(token_docs: Iterable[list[str]]) -> dict[str, float]:
    """TextRank score of every content token over the given documents."""
    vocab: dict[str, int] = {}
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for tokens in token_docs:
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int64)
        for k in range(1, TEXTRANK_WINDOW):
            if len(ids) > k:
                rows.append(ids[:-k])
                cols.append(ids[k:])
    n = len(vocab)
    left = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    right = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    keep = left != right
    # Undirected co-occurrence: count each pair both ways.
    r = np.concatenate([left[keep], right[keep]])
    c = np.concatenate([right[keep], left[keep]])
    w: sparse.csr_matrix | np.ndarray
    if n <= _DENSE_LIMIT:
        # One comment's graph is small: dense arrays beat sparse bookkeeping there.
        w = np.zeros((n, n))
        np.add.at(w, (r, c), 1.0)
    else:
        w = sparse.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)).tocsr()
    rank = pagerank(w)
    return {t: float(rank[i]) for t, i in vocab.items()}


def _phrase_scores(
    token_score: dict[str, float],
    pairs: Counter[tuple[str, str, str]],
    token_count: Counter[str],
    min_count: int,
) -> dict[str, float]:
    # A pair is as strong as its parts and as tight as a collocation: the mean score of
    # its two tokens times the Ochiai coefficient n_ab / sqrt(n_a n_b), near 1 when the
    # parts mostly occur together ("customer service"), near 0 for a chance pairing.
    scores = dict(token_score)
    for (phrase, left, right), n in pairs.items():
        if n >= min_count and phrase not in token_score:
            tightness = n / math.sqrt(token_count[left] * token_count[right])
            scores[phrase] = (token_score[left] + token_score[right]) / 2.0 * tightness
    return scores


def _textrank(
    split: list[tuple[list[str], list[tuple[str, str, str]]]],
    top_k: int,
    per_document_k: int,
    min_df: int,
) -> tuple[pd.DataFrame, list[tuple[str, ...]]]:
    token_docs = [content for content, _ in split]
    token_count: Counter[str] = Counter()
    pair_docs: Counter[tuple[str, str, str]] = Counter()
    pair_count: Counter[tuple[str, str, str]] = Counter()
    for content, pairs in split:
        token_count.update(content)
        pair_count.update(pairs)
        pair_docs.update(set(pairs))
    corpus_pairs = Counter({p: n for p, n in pair_count.items() if pair_docs[p] >= min_df})
    scores = _phrase_scores(_token_ranks(token_docs), corpus_pairs, token_count, 1)
    ranked = sorted(scores, key=lambda p: (-scores[p], p))[:top_k]
    table = pd.DataFrame({"phrase": ranked, "score": [scores[p] for p in ranked]})
    per_doc: list[tuple[str, ...]] = []
    for content, pairs in split:
        # Single-document TextRank, as Mihalcea & Tarau designed it.
        own = _phrase_scores(_token_ranks([content]), Counter(pairs), Counter(content), 1)
        per_doc.append(tuple(sorted(own, key=lambda p: (-own[p], p))[:per_document_k]))
    return table, per_doc


def key_phrases(
    texts: Iterable[str] | pd.Series,
    top_k: int = 20,
    method: Method = "tfidf",
    *,
    max_ngram: int = 2,
    per_document_k: int = 5,
    min_df: int = 1,
) -> KeyPhrases:
    """Find the key phrases of a set of comments and of each comment.

    Parameters
    ----------
    texts : iterable of str
        The comments (Chinese, English or mixed); ``None``/NaN count as empty.
    top_k : int, default 20
        Number of corpus phrases returned.
    method : {"tfidf", "textrank"}, default "tfidf"
        Scoring; see the module docstring for the formulas.
    max_ngram : {1, 2}, default 2
        Longest phrase, in tokens.
    per_document_k : int, default 5
        Phrases kept per comment.
    min_df : int, default 1
        A phrase must occur in at least this many comments (TF-IDF) or, for a pair under
        TextRank, this many comments.

    Returns
    -------
    KeyPhrases
        ``phrases`` table and ``per_document`` tuples.

    Raises
    ------
    InvalidInput
        For an unknown method, non-positive ``top_k``/``per_document_k``/``min_df``,
        or texts that are not strings.

    References
    ----------
    Salton G., Buckley C. (1988), Term-weighting approaches in automatic text retrieval,
    Information Processing & Management 24(5); Mihalcea R., Tarau P. (2004), TextRank.

    Examples
    --------
    >>> texts = ["客服态度很好，物流很快", "物流太慢了，客服态度差", "物流一般"]
    >>> key_phrases(texts, top_k=2).phrases["phrase"].tolist()
    ['物流', '客服']
    """
    if method not in ("tfidf", "textrank"):
        raise InvalidInput(f"method must be 'tfidf' or 'textrank', got {method!r}")
    for name, value in (("top_k", top_k), ("per_document_k", per_document_k), ("min_df", min_df)):
        if not isinstance(value, int) or value < 1:
            raise InvalidInput(f"{name} must be a positive integer, got {value!r}")
    if max_ngram not in (1, 2):
        raise InvalidInput(f"max_ngram must be 1 or 2, got {max_ngram!r}")
    docs = corpus_texts(texts)
    split = [_tokens_and_pairs(t, max_ngram) for t in docs]
    phrase_docs = [content + [p[0] for p in pairs] for content, pairs in split]
    columns = ["phrase", "score", "count", "documents", "share"]
    if not any(phrase_docs):
        empty = pd.DataFrame(
            {c: pd.Series(dtype=object if c == "phrase" else float) for c in columns}
        )
        return KeyPhrases(empty, tuple(() for _ in docs), method, len(docs))
    if method == "tfidf":
        table, per_doc = _tfidf(phrase_docs, top_k, per_document_k, min_df)
    else:
        table, per_doc = _textrank(split, top_k, per_document_k, min_df)
    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    for doc in phrase_docs:
        counts.update(doc)
        doc_freq.update(set(doc))
    table["count"] = [counts[p] for p in table["phrase"]]
    table["documents"] = [doc_freq[p] for p in table["phrase"]]
    table["share"] = table["documents"] / len(docs)
    return KeyPhrases(table.reset_index(drop=True)[columns], tuple(per_doc), method, len(docs))
