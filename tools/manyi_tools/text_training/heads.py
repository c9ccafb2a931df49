"""Fit the heads of a sentiment model (see :mod:`manyi.text.sentiment_model`).

All heads are logistic regressions (scikit-learn ``LogisticRegression``, seed 0): the
n-gram heads on transformed hashed n-gram counts, their weights folded into the
``u``/``v`` vectors the run-time code reads; the encoder head on sentence-encoder
vectors. scikit-learn is needed to train, not to predict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from manyi.errors import InvalidInput
from manyi.text.sentiment_model import EncoderHead, LinearHead

__all__ = ["SEED", "fit_encoder_head", "fit_nb_head", "fit_tfidf_head", "log_count_ratio"]

SEED = 0


def _binary(counts: sp.csr_matrix) -> sp.csr_matrix:
    b = counts.copy().tocsr()
    b.data = np.ones_like(b.data)
    return b


def _targets(y: Sequence[str] | np.ndarray, outputs: Sequence[str]) -> np.ndarray:
    labels = np.asarray(y)
    unknown = set(np.unique(labels)) - set(outputs)
    if unknown:
        raise InvalidInput(f"labels {sorted(unknown)} are not among the outputs {list(outputs)}")
    present = set(np.unique(labels))
    if len(present) < 2:
        raise InvalidInput(f"need at least two classes to train, found {sorted(present)}")
    return labels


def log_count_ratio(
    binary: sp.csr_matrix,
    positive: np.ndarray,
    alpha: float = 1.0,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """NB log-count ratio ``r = ln((p/‖p‖₁) / (q/‖q‖₁))``, ``p = α + Σ_{y=1} b``, ``q = α + Σ_{y=0} b``.

    Wang & Manning (2012), eq. 1–2, with optional row weights.

    Examples
    --------
    >>> import scipy.sparse as sp, numpy as np
    >>> b = sp.csr_matrix(np.array([[1, 0], [0, 1]], dtype=np.float32))
    >>> log_count_ratio(b, np.array([True, False])).round(3).tolist()
    [0.693, -0.693]
    """
    w = np.ones(binary.shape[0], dtype=np.float64) if weight is None else weight
    p = alpha + np.asarray(binary.T @ (w * positive)).ravel()
    q = alpha + np.asarray(binary.T @ (w * ~positive)).ravel()
    return np.asarray(np.log((p / p.sum()) / (q / q.sum())), dtype=np.float64)


def _logistic(C: float, multinomial: bool) -> LogisticRegression:
    if multinomial:
        return LogisticRegression(C=C, max_iter=3000, solver="lbfgs", random_state=SEED)
    return LogisticRegression(C=C, max_iter=3000, solver="liblinear", random_state=SEED)


def _coefficients(
    model: LogisticRegression, outputs: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """A fitted regression's coefficient rows and intercepts in the order of ``outputs``.

    Two outputs: scikit-learn keeps one row, the logit of ``classes_[1]``; it is returned
    as the logit of ``outputs[1]`` (negated when the classes sort the other way).
    """
    if len(outputs) == 2:
        coef, intercept = model.coef_[[0]], model.intercept_[[0]]
        if model.classes_[1] != outputs[1]:
            coef, intercept = -coef, -intercept
        return coef, intercept
    order = [list(model.classes_).index(o) for o in outputs]
    return model.coef_[order], model.intercept_[order]


def fit_nb_head(
    name: str,
    counts: sp.csr_matrix,
    y: Sequence[str] | np.ndarray,
    outputs: Sequence[str],
    *,
    C: float = 10.0,
    alpha: float = 1.0,
    sample_weight: np.ndarray | None = None,
) -> LinearHead:
    """NB-SVM-style head: logistic regression on L2-normalised ``b ⊙ r`` (Wang & Manning 2012).

    Two outputs: one regression, ``outputs[1]`` against ``outputs[0]``. More: one
    regression per output against the rest (sigmoid link, normalised at prediction).

    Parameters
    ----------
    name : str
        Key of the head in the model file.
    counts : scipy.sparse.csr_matrix
        (n, d) n-gram counts.
    y : sequence of str
        Label per row, each one of ``outputs``.
    outputs : sequence of str
        Output columns.
    C : float
        Inverse L2 regularisation strength.
    alpha : float
        Laplace smoothing of the log-count ratio.
    sample_weight : numpy.ndarray, optional
        Row weights.

    Returns
    -------
    LinearHead

    References
    ----------
    Wang, S. & Manning, C. D. (2012). Baselines and bigrams: simple, good sentiment and
    topic classification. *ACL 2012*, 90–94.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> x = sp.csr_matrix(np.array([[2, 0], [1, 0], [0, 1], [0, 3]], dtype=np.float32))
    >>> head = fit_nb_head("toy", x, ["positive", "positive", "negative", "negative"],
    ...                    ("negative", "positive"))
    >>> head.proba(x).argmax(axis=1).tolist()
    [1, 1, 0, 0]
    """
    labels = _targets(y, outputs)
    binary = _binary(counts)
    columns = [outputs[1]] if len(outputs) == 2 else list(outputs)
    u, v, b = [], [], []
    for column in columns:
        positive = labels == column
        r = log_count_ratio(binary, positive, alpha, sample_weight)
        features = normalize(binary.multiply(r.astype(np.float32)).tocsr())
        model = _logistic(C, multinomial=False).fit(features, positive, sample_weight=sample_weight)
        u.append(r * model.coef_[0])
        v.append(r * r)
        b.append(model.intercept_[0])
    return LinearHead(
        name=name,
        transform="binary",
        link="sigmoid",
        outputs=tuple(outputs),
        u=np.stack(u, axis=1).astype(np.float32),
        v=np.stack(v, axis=1).astype(np.float32),
        intercept=np.asarray(b, dtype=np.float32),
    )


def fit_tfidf_head(
    name: str,
    counts: sp.csr_matrix,
    y: Sequence[str] | np.ndarray,
    outputs: Sequence[str],
    *,
    C: float = 10.0,
    sample_weight: np.ndarray | None = None,
) -> LinearHead:
    """TF-IDF head: logistic regression on L2-normalised ``(1 + ln tf) ⊙ idf``.

    ``idf = ln((1 + n) / (1 + df)) + 1`` (scikit-learn's smoothed idf). Two outputs: a
    binary regression (sigmoid); more: multinomial (softmax).

    Returns
    -------
    LinearHead

    References
    ----------
    Manning, C. D., Raghavan, P. & Schütze, H. (2008). *Introduction to Information
    Retrieval*, §6.4 (sublinear tf scaling).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> x = sp.csr_matrix(np.array([[2, 0], [1, 0], [0, 1], [0, 3]], dtype=np.float32))
    >>> head = fit_tfidf_head("toy", x, ["positive", "positive", "negative", "negative"],
    ...                       ("negative", "positive"))
    >>> head.proba(x).argmax(axis=1).tolist()
    [1, 1, 0, 0]
    """
    labels = _targets(y, outputs)
    n = counts.shape[0]
    df = np.bincount(counts.tocsr().indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    tf = counts.copy().tocsr()
    tf.data = 1.0 + np.log(np.maximum(tf.data, 1.0))
    features = normalize(tf.multiply(idf.astype(np.float32)).tocsr())
    multinomial = len(outputs) > 2
    model = _logistic(C, multinomial).fit(features, labels, sample_weight=sample_weight)
    coef, intercept = _coefficients(model, outputs)
    return LinearHead(
        name=name,
        transform="sublinear",
        link="softmax" if multinomial else "sigmoid",
        outputs=tuple(outputs),
        u=(idf[:, None] * coef.T).astype(np.float32),
        v=(idf * idf)[:, None].astype(np.float32),
        intercept=np.asarray(intercept, dtype=np.float32),
    )


def fit_encoder_head(
    name: str,
    vectors: np.ndarray,
    y: Sequence[str] | np.ndarray,
    outputs: Sequence[str],
    *,
    encoder: str,
    weight: float,
    C: float = 3.0,
    sample_weight: np.ndarray | None = None,
    skip_confidence: float | None = None,
) -> EncoderHead:
    """Multinomial logistic regression on sentence-encoder vectors (L2, lbfgs).

    Parameters
    ----------
    name : str
        Key of the head in the model file.
    vectors : numpy.ndarray
        (n, dimension) encoder vectors of the training rows.
    y : sequence of str
        Label per row, each one of ``outputs``.
    outputs : sequence of str
        Output columns.
    encoder : str
        The encoder that made ``vectors`` (recorded; the same one is used at run time).
    weight : float
        ω, the head's share of a comment's probabilities.
    C : float
        Inverse L2 regularisation strength.
    sample_weight : numpy.ndarray, optional
        Row weights.
    skip_confidence : float, optional
        At run time, comments whose n-gram verdict is at least this sure are not encoded.

    Returns
    -------
    EncoderHead

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    >>> head = fit_encoder_head("toy", v, ["positive", "positive", "negative", "negative"],
    ...                         ("negative", "positive"), encoder="usem3", weight=0.5)
    >>> head.proba(v).argmax(axis=1).tolist()
    [1, 1, 0, 0]
    """
    labels = _targets(y, outputs)
    model = _logistic(C, multinomial=True)
    model.fit(np.asarray(vectors, dtype=np.float64), labels, sample_weight=sample_weight)
    coef, intercept = _coefficients(model, outputs)
    if len(outputs) == 2:
        # As a two-column softmax, the one logit z of the second class is [0, z].
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return EncoderHead(
        name=name,
        encoder=encoder,
        outputs=tuple(outputs),
        w=np.ascontiguousarray(coef.T, dtype=np.float32),
        intercept=np.asarray(intercept, dtype=np.float32),
        weight=weight,
        skip_confidence=skip_confidence,
    )
