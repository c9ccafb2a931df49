"""Sentiment: manyi against SnowNLP (Chinese) and VADER (English), accuracy and speed.

Run from the repository root (SnowNLP and vaderSentiment are the ``bench`` extras):

    .venv/bin/python benchmarks/text/bench_sentiment.py [--data-dir ../shared/data/text]

To time an older checkout with the same script, put its ``src`` first on ``PYTHONPATH``.

Test data: the held-out splits of the README protocol (stratified 20 %, seed 0), as given.
Chinese gold labels are binary, so each system's polarity is compared: manyi positive when
``score >= 0``, SnowNLP when ``sentiments >= 0.5``. English has three classes: manyi's
label (also without its sentence-encoder head, to show what the head costs and gains); VADER positive when compound >= 0.05, negative when <= -0.05, else neutral (the
thresholds of Hutto & Gilbert 2014).

SnowNLP's bundled training text (``snownlp/sentiment/pos.txt``, ``neg.txt``) contains many
test reviews word for word, so its accuracy is reported on the whole sample *and* on the
texts that are not in its training files. SnowNLP is slow (tens of texts per second):
it runs on all 1,553 ChnSentiCorp test texts and on a 2,000-text sample of
online_shopping (seed 0); manyi is scored on the same texts.

Throughput is single-process, batch calls, wall clock, after a warm-up call (model
loading excluded). "Short" means at most 30 characters: up to 5,000 short reviews of the
online_shopping test split, where SnowNLP is at its fastest, are scored by manyi (with its
memo of results emptied first, so the figure is a cold start) and by SnowNLP in
the same run, and the ratio is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from manyi.text.sentiment import SentimentModels, load_models, sentiment
from manyi_tools.text_training.data import (
    load_airline,
    load_chnsenticorp,
    load_online_shopping,
    split_corpus,
    text_key,
)

try:
    from manyi.text.sentiment import clear_memo
except ImportError:  # a checkout from before the memo (to time "before" with this script)

    def clear_memo() -> None:
        """Nothing to clear before the memo existed."""


#: Reviews of at most this many characters count as short (where SnowNLP is fastest).
SHORT_CHARS = 30


def timed(fn: Callable[[list[str]], list[str]], texts: list[str]) -> tuple[list[str], float]:
    start = time.perf_counter()
    out = fn(texts)
    return out, len(texts) / (time.perf_counter() - start)


def manyi_polarity(texts: list[str]) -> list[str]:
    return ["positive" if s.score >= 0 else "negative" for s in sentiment(texts)]


def manyi_labels(texts: list[str]) -> list[str]:
    return [s.label for s in sentiment(texts)]


def manyi_labels_without_encoder(texts: list[str]) -> list[str]:
    models = load_models()
    fast = SentimentModels(zh=models.zh, en=dataclasses.replace(models.en, encoder_head=None))
    return [s.label for s in sentiment(texts, models=fast)]


def snownlp_polarity(texts: list[str]) -> list[str]:
    from snownlp import SnowNLP

    return ["positive" if SnowNLP(t).sentiments >= 0.5 else "negative" for t in texts]


def vader_labels(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = []
    for t in texts:
        c = analyzer.polarity_scores(t)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


def snownlp_training_keys() -> set[str]:
    import snownlp.sentiment as module

    folder = Path(module.__file__).parent
    keys: set[str] = set()
    for name in ("pos.txt", "neg.txt"):
        for line in (folder / name).read_text(encoding="utf-8", errors="replace").splitlines():
            keys.add(text_key(line))
    return keys


def accuracy(gold: Sequence[str], predicted: Sequence[str], mask: np.ndarray | None = None) -> str:
    g, p = np.asarray(gold), np.asarray(predicted)
    if mask is not None:
        g, p = g[mask], p[mask]
    return f"{np.mean(g == p):.3f} (n={len(g)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/text"))
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    hotel = split_corpus(load_chnsenticorp(args.data_dir), "chnsenticorp").test
    shop_all = split_corpus(load_online_shopping(args.data_dir), "online_shopping").test
    shop = shop_all.sample(n=min(args.sample, len(shop_all)), random_state=0)
    airline = split_corpus(load_airline(args.data_dir), "airline").test

    load_models()
    sentiment(["预热", "warm up"])
    rows: list[tuple[str, str, str, str, str]] = []
    keys = snownlp_training_keys()
    for name, test in (("ChnSentiCorp test (all)", hotel), ("online_shopping test (sample)", shop)):
        texts, gold = test["text"].tolist(), test["label"].tolist()
        clean = ~test["text"].map(text_key).isin(keys).to_numpy()
        ours, ours_speed = timed(manyi_polarity, texts)
        theirs, their_speed = timed(snownlp_polarity, texts)
        rows.append(
            (name, "manyi", accuracy(gold, ours), accuracy(gold, ours, clean), f"{ours_speed:,.0f}")
        )
        rows.append(
            (
                name,
                "SnowNLP 0.12.3",
                accuracy(gold, theirs),
                accuracy(gold, theirs, clean),
                f"{their_speed:,.0f}",
            )
        )
    texts, gold = airline["text"].tolist(), airline["label"].tolist()
    ours, ours_speed = timed(manyi_labels, texts)
    theirs, their_speed = timed(vader_labels, texts)
    fast, fast_speed = timed(manyi_labels_without_encoder, texts)
    rows.append(
        ("airline test, 3 classes", "manyi", accuracy(gold, ours), "", f"{ours_speed:,.0f}")
    )
    rows.append(
        (
            "airline test, 3 classes",
            "manyi without the encoder head",
            accuracy(gold, fast),
            "",
            f"{fast_speed:,.0f}",
        )
    )
    rows.append(
        (
            "airline test, 3 classes",
            "VADER 3.3.2",
            accuracy(gold, theirs),
            "",
            f"{their_speed:,.0f}",
        )
    )

    short = [t for t in shop_all["text"] if len(t) <= SHORT_CHARS][:5000]
    full = shop_all["text"].tolist()
    clear_memo()
    _, short_speed = timed(manyi_labels, short)
    _, snow_short_speed = timed(snownlp_polarity, short)
    _, full_speed = timed(manyi_labels, full)
    mean_short = np.mean([len(t) for t in short])
    mean_full = np.mean([len(t) for t in full])

    print(
        "| test data | system | accuracy | accuracy on texts not in SnowNLP's training files | texts/s |"
    )
    print("| --- | --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(
        f"Short reviews (<= {SHORT_CHARS} chars, {len(short):,} of the online_shopping test "
        f"split, mean {mean_short:.0f} chars): manyi {short_speed:,.0f} comments/s (result memo "
        f"emptied), SnowNLP {snow_short_speed:,.0f} comments/s: "
        f"{short_speed / snow_short_speed:.1f}x SnowNLP in this run."
    )
    print(
        f"manyi Chinese throughput on the whole online_shopping test split ({len(full):,}, "
        f"mean {mean_full:.0f} chars): {full_speed:,.0f} comments/s."
    )


if __name__ == "__main__":
    main()
