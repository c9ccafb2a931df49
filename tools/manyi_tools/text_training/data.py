"""Labelled corpora for the sentiment models: loading, splitting and training-data hygiene.

Every loader returns a :class:`pandas.DataFrame` with the columns ``text`` (str), ``label``
(``"negative"``, ``"neutral"`` or ``"positive"``), ``corpus`` (the corpus name),
``category`` (a sub-domain such as online_shopping's ``酒店``, else the corpus name) and
``weight`` (a training weight: 1, or the annotators' confidence for the airline tweets).

Splits
------
Each corpus is split once, as the README of ``shared/data`` prescribes: a stratified 20 %
test split with seed 0 (:func:`sklearn.model_selection.train_test_split`) over the rows as
given, after dropping rows whose text is missing or blank (one in ChnSentiCorp and one in
online_shopping: a row without text cannot be scored). Test rows are never changed:
duplicates and label noise stay in, so reported numbers compare with other work.

Hygiene
-------
The corpora overlap (6,874 ChnSentiCorp reviews are also in online_shopping's ``酒店``
category). :func:`clean_training_rows` therefore removes from the *training* rows every
text whose :func:`text_key` appears in *any* test split, keeps one row per duplicated text
and drops texts whose duplicates carry conflicting labels.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from manyi.errors import InvalidInput

CHNSENTICORP_FILE = "ChnSentiCorp_htl_all.csv"
SHOPPING_FILE = "online_shopping_10_cats.csv"
AIRLINE_FILE = "twitter_us_airline_dev.csv"

TEST_SIZE = 0.2
SPLIT_SEED = 0

# Characters that change nothing a reader sees but defeat exact-duplicate detection (the
# online_shopping file starts some reviews with a byte-order mark).
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)

_BINARY_LABELS = {0: "negative", 1: "positive", "0": "negative", "1": "positive"}


@dataclass(frozen=True)
class Split:
    """A train/test split of one corpus.

    Attributes
    ----------
    name : str
        Corpus name, e.g. ``"chnsenticorp"``.
    train : pandas.DataFrame
        Training rows (columns ``text``, ``label``, ``corpus``, ``category``).
    test : pandas.DataFrame
        Held-out rows, as given (never deduplicated or relabelled).
    """

    name: str
    train: pd.DataFrame
    test: pd.DataFrame


def text_key(text: str) -> str:
    """Key under which two texts count as the same for deduplication.

    Unicode NFKC (full-width → half-width), invisible characters removed, case folded,
    whitespace runs collapsed to one space and trimmed.

    Examples
    --------
    >>> text_key("\\ufeffＧｏｏｄ  Hotel ") == text_key("good hotel")
    True
    """
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return " ".join(folded.split())


def _frame(
    texts: pd.Series,
    labels: pd.Series,
    corpus: str,
    category: pd.Series | str,
    weight: pd.Series | float = 1.0,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "text": texts.astype("string"),
            "label": labels.astype("string"),
            "corpus": corpus,
            "category": category,
            "weight": weight,
        }
    )
    blank = frame["text"].isna() | (frame["text"].str.strip() == "")
    return frame.loc[~blank].reset_index(drop=True).astype({"text": str, "label": str})


def _read_csv(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InvalidInput(f"corpus file not found: {path}")
    frame = pd.read_csv(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(
            f"{path.name} lacks the column(s) {missing}; it has {list(frame.columns)}"
        )
    return frame


def _binary_labels(values: pd.Series, source: str) -> pd.Series:
    mapped = values.map(lambda v: _BINARY_LABELS.get(v))
    if mapped.isna().any():
        bad = sorted({str(v) for v in values[mapped.isna()]})[:5]
        raise InvalidInput(f"{source}: labels must be 0 or 1, found {bad}")
    return mapped


def load_chnsenticorp(data_dir: Path) -> pd.DataFrame:
    """ChnSentiCorp hotel reviews (Tan Songbo), label 1 → positive, 0 → negative."""
    raw = _read_csv(data_dir / CHNSENTICORP_FILE, ["label", "review"])
    return _frame(
        raw["review"], _binary_labels(raw["label"], CHNSENTICORP_FILE), "chnsenticorp", "酒店"
    )


def load_online_shopping(data_dir: Path) -> pd.DataFrame:
    """online_shopping_10_cats reviews; ``category`` holds the shop category (``cat``)."""
    raw = _read_csv(data_dir / SHOPPING_FILE, ["cat", "label", "review"])
    labels = _binary_labels(raw["label"], SHOPPING_FILE)
    return _frame(raw["review"], labels, "online_shopping", raw["cat"].astype(str))


def load_airline(data_dir: Path) -> pd.DataFrame:
    """Twitter US airline tweets (CrowdFlower), three classes as given.

    ``weight`` is the annotators' ``airline_sentiment_confidence`` (0.33–1; 4,195 tweets
    below 1): a tweet the annotators agreed on counts more in training. On three random
    80/20 validation splits of the training rows this gained 0.5 points of accuracy
    (0.814 → 0.819); test rows are scored unweighted.
    """
    raw = _read_csv(data_dir / AIRLINE_FILE, ["airline_sentiment", "text"])
    confidence = raw.get("airline_sentiment_confidence", pd.Series(1.0, index=raw.index))
    frame = _frame(
        raw["text"],
        raw["airline_sentiment"].str.strip().str.lower(),
        "airline",
        "airline",
        pd.to_numeric(confidence, errors="coerce").fillna(1.0).clip(0.05, 1.0),
    )
    return _check_labels(frame, AIRLINE_FILE)


def load_labelled_csv(path: Path, text_column: str, label_column: str) -> pd.DataFrame:
    """A user's own labelled comments for retraining.

    Labels may be ``negative/neutral/positive`` (any case), ``neg/neu/pos``, ``-1/0/1``
    or, for two classes, ``0/1``. A file whose labels are only 0 and 1 is read as binary
    (0 → negative); with -1 present, 0 means neutral.
    """
    raw = _read_csv(path, [text_column, label_column])
    values = raw[label_column].astype("string").str.strip().str.lower()
    numeric = set(values.dropna().unique()) <= {"0", "1", "-1", "0.0", "1.0", "-1.0"}
    if numeric:
        as_int = values.map(lambda v: None if v is pd.NA else round(float(v)))
        codes = (
            {0: "negative", 1: "positive"}
            if set(as_int.dropna()) <= {0, 1}
            else {-1: "negative", 0: "neutral", 1: "positive"}
        )
        labels = as_int.map(lambda v: codes.get(v) if v is not None else None)
    else:
        aliases = {"neg": "negative", "neu": "neutral", "pos": "positive"}
        labels = values.map(lambda v: aliases.get(v, v) if v is not pd.NA else None)
    frame = _frame(raw[text_column], labels, path.stem, path.stem)
    return _check_labels(frame, path.name)


def _check_labels(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    allowed = {"negative", "neutral", "positive"}
    bad = sorted(set(frame["label"]) - allowed)
    if bad:
        raise InvalidInput(f"{source}: unknown label(s) {bad[:5]}; use negative, neutral, positive")
    if frame["label"].nunique() < 2:
        raise InvalidInput(f"{source}: needs at least two different labels to train on")
    return frame


def split_corpus(frame: pd.DataFrame, name: str) -> Split:
    """Stratified 20 % test split with seed 0 (the README protocol).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"text": list("abcdefghij"), "label": ["positive", "negative"] * 5})
    >>> len(split_corpus(f, "toy").test)
    2
    """
    counts = frame["label"].value_counts()
    if len(frame) < 10 or counts.min() < 2:
        raise InvalidInput(
            f"{name}: need at least 10 rows and 2 per label to split, got {dict(counts)}"
        )
    train, test = train_test_split(
        frame, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=frame["label"]
    )
    return Split(name, train.reset_index(drop=True), test.reset_index(drop=True))


@dataclass(frozen=True)
class HygieneReport:
    """What :func:`clean_training_rows` removed.

    Attributes
    ----------
    rows_in : int
        Training rows before cleaning.
    in_test : int
        Rows removed because their text is in a test split.
    duplicates : int
        Repeated rows removed (one of each agreeing group kept).
    conflicting : int
        Rows removed because copies of the same text carry different labels.
    rows_out : int
        Training rows kept.
    """

    rows_in: int
    in_test: int
    duplicates: int
    conflicting: int
    rows_out: int


def clean_training_rows(
    train: pd.DataFrame, test_frames: Iterable[pd.DataFrame]
) -> tuple[pd.DataFrame, HygieneReport]:
    """Remove test texts, duplicates and conflicting duplicates from training rows.

    Parameters
    ----------
    train : pandas.DataFrame
        Pooled training rows (``text``, ``label`` …).
    test_frames : iterable of pandas.DataFrame
        Every test split in play; a training text equal (by :func:`text_key`) to a text in
        any of them is dropped, so no model is ever evaluated on a text it saw.

    Returns
    -------
    (pandas.DataFrame, HygieneReport)
        The cleaned rows (first occurrence kept, original order) and the counts removed.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"text": ["好", "好", "差", "还行", "还行"],
    ...                       "label": ["positive", "positive", "negative", "positive", "negative"]})
    >>> test = pd.DataFrame({"text": ["差 "], "label": ["negative"]})
    >>> kept, report = clean_training_rows(train, [test])
    >>> kept["text"].tolist(), (report.in_test, report.duplicates, report.conflicting)
    (['好'], (1, 1, 2))
    """
    keys = train["text"].map(text_key)
    test_keys: set[str] = set()
    for frame in test_frames:
        test_keys.update(frame["text"].map(text_key))
    in_test = keys.isin(test_keys)
    rows = train.loc[~in_test].assign(_key=keys[~in_test])
    n_labels = rows.groupby("_key")["label"].transform("nunique")
    conflicting = n_labels > 1
    rows = rows.loc[~conflicting]
    duplicated = rows["_key"].duplicated()
    kept = rows.loc[~duplicated].drop(columns="_key").reset_index(drop=True)
    report = HygieneReport(
        rows_in=len(train),
        in_test=int(in_test.sum()),
        duplicates=int(duplicated.sum()),
        conflicting=int(conflicting.sum()),
        rows_out=len(kept),
    )
    return kept, report
