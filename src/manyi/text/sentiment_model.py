"""A trained sentiment model as plain arrays: linear heads on hashed n-grams, saved as .npz.

No pickle: a model is a JSON file (classes, feature kind, heads, training data, metrics,
versions) and an ``.npz`` file of float16 vectors, readable by any NumPy and independent
of the scikit-learn version that trained it (the version is still recorded).

A *head* maps count rows ``x`` to one logit per output column ``c``:

``binary`` transform (NB-SVM, Wang & Manning 2012): with ``b = 1[x > 0]`` and the
log-count ratio ``r_c``, ``z_c = (b · (r_c ⊙ w_c)) / sqrt(b · r_c²) + β_c``, i.e. logistic
regression on the L2-normalised, ratio-scaled binary features, folded into two vectors
``u_c = r_c ⊙ w_c`` and ``v_c = r_c²``.

``sublinear`` transform (TF-IDF): with ``t = 1 + ln x`` on non-zero counts,
``z_c = (t · (idf ⊙ w_c)) / sqrt(t² · idf²) + β_c``.

The ``sigmoid`` link turns one logit into P(second class) for two classes, or several
one-vs-rest logits into probabilities normalised to sum to one; ``softmax`` is the
multinomial link. A model averages the probabilities of its general heads; an *expert*
(a domain gate head plus its own heads) is mixed in by the gate's probability ``g``:
``P = (1 − αg)·P_general + αg·P_expert``. Optional *class weights* ``π`` (format 2) then
rescale the result, ``P_c ∝ π_c·P_c``: a prior correction for a model whose training
rows were weighted unevenly across classes (the English model, see
``docs/text-models.md``).

An optional *encoder head* (format 3) is a multinomial logistic regression on the
vectors of an offline sentence encoder (:mod:`manyi.text.encoders`): for whole comments
its probabilities are mixed in, ``P = (1 − ω)·P_n-gram + ω·P_encoder``, before the class
weights. The encoder is the slow part, so it is a cascade: a comment whose n-gram verdict
is already sure (largest class probability, after the class weights, at least
``skip_confidence``) is not encoded and keeps ``P_n-gram``. Clause rows are scored by the
n-gram heads alone (encoding every clause would multiply the encoder's cost for little
gain).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from manyi.errors import InvalidInput
from manyi.text.encoders import ENCODER_DIMENSIONS, encode
from manyi.text.sentiment_features import Featurizer

__all__ = [
    "FORMAT",
    "READABLE_FORMATS",
    "EncoderHead",
    "Expert",
    "LinearHead",
    "SentimentModel",
    "load_model",
    "save_model",
]

FORMAT = "manyi-sentiment-linear/3"
#: Formats this module reads: version 1 (no class weights) and version 2 (no encoder
#: head) files still load unchanged.
READABLE_FORMATS = ("manyi-sentiment-linear/1", "manyi-sentiment-linear/2", FORMAT)

Transform = Literal["binary", "sublinear"]
Link = Literal["sigmoid", "softmax"]


def _row_dot(x: sp.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """``x @ columns`` for a (d, k) array → (n, k) float32."""
    return np.asarray(x @ columns, dtype=np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of float64 logits (shifted by the row maximum for stability)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


@dataclass(frozen=True)
class LinearHead:
    """One linear scorer on transformed n-gram counts.

    Attributes
    ----------
    name : str
        Key of the head's arrays in the ``.npz`` file.
    transform : {"binary", "sublinear"}
        How counts become features (see the module docstring).
    link : {"sigmoid", "softmax"}
        How logits become probabilities.
    outputs : tuple of str
        Output columns, in order (e.g. ``("negative", "positive")``).
    u : numpy.ndarray
        (d, k) folded weights (float16 on disk, float32 in memory); k = 1 for a
        two-column sigmoid head.
    v : numpy.ndarray
        (d, k) or (d, 1) squared feature scales for the row norm.
    intercept : numpy.ndarray
        (k,) float32.
    """

    name: str
    transform: Transform
    link: Link
    outputs: tuple[str, ...]
    u: np.ndarray
    v: np.ndarray
    intercept: np.ndarray

    def logits(self, counts: sp.csr_matrix) -> np.ndarray:
        """(n, k) logits for count rows."""
        if self.transform == "binary":
            x = counts.copy()
            x.data = np.ones_like(x.data)
            squares = x
        else:
            x = counts.copy()
            x.data = 1.0 + np.log(np.maximum(x.data, 1.0))
            squares = x.multiply(x).tocsr()
        norms = np.sqrt(np.maximum(_row_dot(squares, self.v), 1e-12))
        return np.asarray(_row_dot(x, self.u) / norms + self.intercept, dtype=np.float32)

    def proba(self, counts: sp.csr_matrix) -> np.ndarray:
        """(n, len(outputs)) probabilities."""
        z = self.logits(counts).astype(np.float64)
        if self.link == "softmax":
            return _softmax(z)
        p = 1.0 / (1.0 + np.exp(-z))
        if len(self.outputs) == 2 and p.shape[1] == 1:
            return np.hstack([1.0 - p, p])
        return np.asarray(p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12), dtype=np.float64)


@dataclass(frozen=True)
class Expert:
    """A domain expert mixed in where its gate recognises the domain.

    Attributes
    ----------
    name : str
        Domain name, e.g. ``"hotel"``.
    gate : LinearHead
        Two outputs (``other``, the domain); its second column is ``g``.
    heads : tuple of LinearHead
        Heads trained on the domain's rows (probabilities averaged).
    weight : float
        α in ``P = (1 − αg)·P_general + αg·P_expert``.
    """

    name: str
    gate: LinearHead
    heads: tuple[LinearHead, ...]
    weight: float


@dataclass(frozen=True)
class EncoderHead:
    """A multinomial logistic regression on sentence-encoder vectors.

    Attributes
    ----------
    name : str
        Key of the head's arrays in the ``.npz`` file.
    encoder : str
        The encoder whose vectors it reads (:data:`manyi.text.encoders.ENCODER_DIMENSIONS`).
    outputs : tuple of str
        Output columns, in order.
    w : numpy.ndarray
        (dimension, k) float32 coefficients.
    intercept : numpy.ndarray
        (k,) float32.
    weight : float
        ω in ``P = (1 − ω)·P_n-gram + ω·P_encoder``.
    skip_confidence : float or None
        Comments whose n-gram verdict is at least this sure are not encoded (``None``:
        every comment is).
    """

    name: str
    encoder: str
    outputs: tuple[str, ...]
    w: np.ndarray
    intercept: np.ndarray
    weight: float
    skip_confidence: float | None = None

    def proba(self, vectors: np.ndarray) -> np.ndarray:
        """(n, len(outputs)) softmax probabilities for encoder vectors."""
        return _softmax(
            np.asarray(vectors, dtype=np.float64) @ self.w.astype(np.float64) + self.intercept
        )


@dataclass(frozen=True)
class SentimentModel:
    """A loaded sentiment model for one language.

    Attributes
    ----------
    language : str
        ``"zh"`` or ``"en"``.
    classes : tuple of str
        ``("negative", "positive")`` or ``("negative", "neutral", "positive")``.
    featurizer : Featurizer
        Builds the count rows the heads read.
    heads : tuple of LinearHead
        General heads; their probabilities are averaged.
    experts : tuple of Expert
        Domain experts (may be empty).
    metadata : dict
        The JSON metadata as stored (version, data, splits, seed, metrics, versions).
    class_weights : tuple of float
        Prior correction ``π``, one per class (``P_c ∝ π_c·P_c``); empty for none.
    encoder_head : EncoderHead or None
        Mixed into whole-comment probabilities when the caller passes the texts.
    """

    language: str
    classes: tuple[str, ...]
    featurizer: Featurizer
    heads: tuple[LinearHead, ...]
    experts: tuple[Expert, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    class_weights: tuple[float, ...] = ()
    encoder_head: EncoderHead | None = None

    @property
    def version(self) -> str:
        """The model version from its metadata."""
        return str(self.metadata.get("version", "unversioned"))

    def proba(self, counts: sp.csr_matrix, texts: Sequence[str] | None = None) -> np.ndarray:
        """(n, len(classes)) class probabilities for count rows.

        ``texts``: the rows' texts, for whole comments; a model with an encoder head then
        encodes those its n-gram heads are unsure of and mixes the encoder head in.
        ``None`` scores with the n-gram heads alone (clauses).
        """
        general = np.mean([h.proba(counts) for h in self.heads], axis=0)
        for expert in self.experts:
            g = expert.weight * expert.gate.proba(counts)[:, 1:2]
            own = np.mean([h.proba(counts) for h in expert.heads], axis=0)
            general = (1.0 - g) * general + g * own
        head = self.encoder_head
        if head is not None and texts is not None:
            sure = np.zeros(len(general), dtype=bool)
            if head.skip_confidence is not None:
                sure = self._reweighted(general).max(axis=1) >= head.skip_confidence
            unsure = np.flatnonzero(~sure)
            if unsure.size:
                vectors = encode(head.encoder, [texts[int(i)] for i in unsure])
                general[unsure] = (1.0 - head.weight) * general[unsure] + head.weight * head.proba(
                    vectors
                )
        return self._reweighted(general)

    def _reweighted(self, p: np.ndarray) -> np.ndarray:
        """``p`` with the class weights applied (a copy; ``p`` itself without them)."""
        if not self.class_weights:
            return np.asarray(p)
        out = p * np.asarray(self.class_weights, dtype=np.float64)
        out /= np.maximum(out.sum(axis=1, keepdims=True), 1e-12)
        return np.asarray(out)


def _head_meta(head: LinearHead) -> dict[str, Any]:
    return {
        "name": head.name,
        "transform": head.transform,
        "link": head.link,
        "outputs": list(head.outputs),
    }


def save_model(
    model_dir: Path,
    language: str,
    classes: tuple[str, ...],
    featurizer: Featurizer,
    heads: tuple[LinearHead, ...],
    experts: tuple[Expert, ...],
    metadata: Mapping[str, Any],
    class_weights: tuple[float, ...] = (),
    encoder_head: EncoderHead | None = None,
) -> tuple[Path, Path]:
    """Write ``sentiment_<language>.json`` and ``sentiment_<language>.npz`` to ``model_dir``.

    Returns the two paths. N-gram weights are stored as float16, intercepts and the
    encoder head as float32; ``class_weights`` (one per class, or empty) go into the JSON.
    """
    if class_weights and (len(class_weights) != len(classes) or min(class_weights) <= 0):
        raise InvalidInput(
            f"class_weights must be {len(classes)} positive numbers, got {class_weights}"
        )
    model_dir.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for head in (*heads, *(e.gate for e in experts), *(h for e in experts for h in e.heads)):
        arrays[f"{head.name}.u"] = head.u.astype(np.float16)
        arrays[f"{head.name}.v"] = head.v.astype(np.float16)
        arrays[f"{head.name}.b"] = head.intercept.astype(np.float32)
    if encoder_head is not None:
        arrays[f"{encoder_head.name}.w"] = encoder_head.w.astype(np.float32)
        arrays[f"{encoder_head.name}.b"] = encoder_head.intercept.astype(np.float32)
    meta = dict(metadata)
    meta.update(
        format=FORMAT,
        language=language,
        classes=list(classes),
        features={"kind": featurizer.kind, "n_features": featurizer.n_features},
        heads=[_head_meta(h) for h in heads],
        experts=[
            {
                "name": e.name,
                "gate": _head_meta(e.gate),
                "heads": [_head_meta(h) for h in e.heads],
                "weight": e.weight,
            }
            for e in experts
        ],
    )
    meta.pop("class_weights", None)
    if class_weights:
        meta["class_weights"] = [float(w) for w in class_weights]
    meta.pop("encoder_head", None)
    if encoder_head is not None:
        meta["encoder_head"] = {
            "name": encoder_head.name,
            "encoder": encoder_head.encoder,
            "outputs": list(encoder_head.outputs),
            "dimension": int(encoder_head.w.shape[0]),
            "weight": encoder_head.weight,
            "skip_confidence": encoder_head.skip_confidence,
        }
    npz_path = model_dir / f"sentiment_{language}.npz"
    json_path = model_dir / f"sentiment_{language}.json"
    np.savez_compressed(npz_path, **arrays)  # type: ignore[arg-type]
    json_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return json_path, npz_path


def _load_head(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> LinearHead:
    name = str(meta["name"])
    return LinearHead(
        name=name,
        transform=meta["transform"],
        link=meta["link"],
        outputs=tuple(meta["outputs"]),
        # float32 once at load: float16 matrix products are slow on CPUs.
        u=np.ascontiguousarray(arrays[f"{name}.u"], dtype=np.float32),
        v=np.ascontiguousarray(arrays[f"{name}.v"], dtype=np.float32),
        intercept=np.asarray(arrays[f"{name}.b"], dtype=np.float32),
    )


def _load_encoder_head(
    meta: Mapping[str, Any] | None, arrays: Mapping[str, np.ndarray]
) -> EncoderHead | None:
    if meta is None:
        return None
    name = str(meta["name"])
    return EncoderHead(
        name=name,
        encoder=str(meta["encoder"]),
        outputs=tuple(meta["outputs"]),
        w=np.ascontiguousarray(arrays[f"{name}.w"], dtype=np.float32),
        intercept=np.asarray(arrays[f"{name}.b"], dtype=np.float32),
        weight=float(meta["weight"]),
        skip_confidence=(
            None if meta.get("skip_confidence") is None else float(meta["skip_confidence"])
        ),
    )


def load_model(json_path: Path) -> SentimentModel:
    """Read a model written by :func:`save_model` (the ``.npz`` lies beside the JSON).

    Raises
    ------
    InvalidInput
        When the files are missing, of another format, or inconsistent.
    """
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        if meta.get("format") not in READABLE_FORMATS:
            raise InvalidInput(
                f"{json_path.name}: not a {FORMAT} model (format {meta.get('format')!r})"
            )
        with np.load(json_path.with_suffix(".npz")) as data:
            arrays = {k: data[k] for k in data.files}
        features = meta["features"]
        featurizer = Featurizer(str(features["kind"]), int(features["n_features"]))
        heads = tuple(_load_head(h, arrays) for h in meta["heads"])
        experts = tuple(
            Expert(
                name=str(e["name"]),
                gate=_load_head(e["gate"], arrays),
                heads=tuple(_load_head(h, arrays) for h in e["heads"]),
                weight=float(e["weight"]),
            )
            for e in meta.get("experts", [])
        )
        class_weights = tuple(float(w) for w in meta.get("class_weights", []))
        encoder_head = _load_encoder_head(meta.get("encoder_head"), arrays)
    except (OSError, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(f"cannot read sentiment model {json_path}: {exc}") from exc
    for head in (*heads, *(h for e in experts for h in e.heads)):
        if head.u.shape[0] != featurizer.n_features or head.outputs != tuple(meta["classes"]):
            raise InvalidInput(f"{json_path.name}: head {head.name} does not match the model")
    if class_weights and (len(class_weights) != len(meta["classes"]) or min(class_weights) <= 0):
        raise InvalidInput(f"{json_path.name}: class_weights {list(class_weights)} do not fit")
    if encoder_head is not None and (
        encoder_head.outputs != tuple(meta["classes"])
        or encoder_head.w.shape
        != (ENCODER_DIMENSIONS.get(encoder_head.encoder), len(meta["classes"]))
        or not 0.0 <= encoder_head.weight <= 1.0
    ):
        raise InvalidInput(f"{json_path.name}: encoder head {encoder_head.name} does not fit")
    return SentimentModel(
        language=str(meta["language"]),
        classes=tuple(meta["classes"]),
        featurizer=featurizer,
        heads=heads,
        experts=experts,
        metadata=meta,
        class_weights=class_weights,
        encoder_head=encoder_head,
    )
