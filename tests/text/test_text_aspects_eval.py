"""Tests for manyi_tools.text_evaluation.aspects: metrics, data mappings, supervised baseline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from manyi.errors import InvalidInput
from manyi.text.taxonomy import default_taxonomy
from manyi_tools.text_evaluation.aspects import (
    detection_scores,
    example_threshold_loo,
    main,
    polarity_scores,
    supervised_cv,
)
from manyi_tools.text_evaluation.aspects_data import (
    AI_CHALLENGER_COLUMNS,
    AI_CHALLENGER_FILE,
    CODES_AI_CHALLENGER,
    CODES_SEMEVAL,
    SEMEVAL_FILE,
    AspectCorpus,
    load_ai_challenger,
    load_semeval,
)

CATS = ("a", "b", "c")
LABELS = ("negative", "neutral", "positive")


def _random_sets(seed: int, n: int = 200) -> tuple[list[dict], list[dict]]:
    rng = np.random.default_rng(seed)
    gold, pred = [], []
    for _ in range(n):
        gold.append({c: frozenset({LABELS[rng.integers(3)]}) for c in CATS if rng.random() < 0.4})
        pred.append({c: LABELS[rng.integers(3)] for c in CATS if rng.random() < 0.4})
    return gold, pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detection_scores_match_sklearn_micro_average(seed: int) -> None:
    gold, pred = _random_sets(seed)
    y_true = np.array([[c in g for c in CATS] for g in gold])
    y_pred = np.array([[c in p for c in CATS] for p in pred])
    micro, per = detection_scores(gold, pred, CATS)
    # scikit-learn 1.x, average="micro" on multilabel indicator matrices.
    assert micro.f1 == pytest.approx(f1_score(y_true, y_pred, average="micro"))
    assert micro.precision == pytest.approx(precision_score(y_true, y_pred, average="micro"))
    assert micro.recall == pytest.approx(recall_score(y_true, y_pred, average="micro"))
    for j, c in enumerate(CATS):
        assert per[c].f1 == pytest.approx(f1_score(y_true[:, j], y_pred[:, j]))


@pytest.mark.parametrize("seed", [0, 1])
def test_polarity_scores_match_sklearn_on_category_polarity_pairs(seed: int) -> None:
    gold, pred = _random_sets(seed)
    pairs = [(c, lab) for c in CATS for lab in LABELS]
    y_true = np.array([[c in g and lab in g[c] for c, lab in pairs] for g in gold])
    y_pred = np.array([[p.get(c) == lab for c, lab in pairs] for p in pred])
    micro, accuracy = polarity_scores(gold, pred, CATS)
    assert micro.f1 == pytest.approx(f1_score(y_true, y_pred, average="micro"))
    detected = [(g[c], p[c]) for g, p in zip(gold, pred, strict=True) for c in p if c in g]
    assert accuracy == pytest.approx(np.mean([lab in s for s, lab in detected]))


def test_polarity_sets_accept_either_label_for_conflicts() -> None:
    gold = [{"a": frozenset({"positive", "negative"})}]
    assert polarity_scores(gold, [{"a": "negative"}], CATS)[0].f1 == 1.0
    assert polarity_scores(gold, [{"a": "neutral"}], CATS)[0].f1 == 0.0
    empty = detection_scores([{}], [{}], CATS)[0]
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_code_maps_use_taxonomy_codes() -> None:
    codes = set(default_taxonomy().codes)
    assert set(CODES_AI_CHALLENGER) <= codes
    assert set(CODES_SEMEVAL) <= codes
    assert set(CODES_AI_CHALLENGER.values()) == set(AI_CHALLENGER_COLUMNS)
    assert set(CODES_SEMEVAL.values()) == {"food", "service", "price", "ambience"}


def _write_ai_challenger(root: Path) -> None:
    columns = [c for cols in AI_CHALLENGER_COLUMNS.values() for c in cols]
    extra = ["others_overall_experience"]
    path = root / AI_CHALLENGER_FILE
    path.parent.mkdir(parents=True)
    header = ",".join(["id", "content", *columns, *extra])
    row1 = dict.fromkeys(columns, -2) | {"dish_taste": 1, "dish_portion": -1, "price_level": 0}
    row2 = dict.fromkeys(columns, -2) | {"service_wait_time": 0, "service_serving_speed": -1}
    lines = [header]
    for i, (text, row) in enumerate([("好吃但量少，价格一般", row1), ("上菜慢", row2)]):
        lines.append(",".join([str(i), f'"{text}"', *(str(row[c]) for c in columns), "1"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_ai_challenger_maps_columns(tmp_path: Path) -> None:
    _write_ai_challenger(tmp_path)
    corpus = load_ai_challenger(tmp_path)
    assert corpus.texts == ("好吃但量少，价格一般", "上菜慢")
    assert corpus.gold[0] == {
        "food": frozenset({"positive", "negative"}),
        "price": frozenset({"neutral"}),
    }
    # neutral plus negative columns: the signed opinion wins.
    assert corpus.gold[1] == {"waiting": frozenset({"negative"})}


def test_load_semeval_maps_categories(tmp_path: Path) -> None:
    path = tmp_path / SEMEVAL_FILE
    path.parent.mkdir(parents=True)
    path.write_text(
        '<?xml version="1.0"?><sentences>'
        '<sentence id="1"><text>Great food, slow service.</text><aspectCategories>'
        '<aspectCategory category="food" polarity="positive"/>'
        '<aspectCategory category="service" polarity="conflict"/>'
        '<aspectCategory category="anecdotes/miscellaneous" polarity="neutral"/>'
        "</aspectCategories></sentence>"
        '<sentence id="2"><text>We went on Sunday.</text></sentence></sentences>',
        encoding="utf-8",
    )
    corpus = load_semeval(tmp_path)
    assert corpus.texts == ("Great food, slow service.", "We went on Sunday.")
    assert corpus.gold == (
        {"food": frozenset({"positive"}), "service": frozenset({"positive", "negative"})},
        {},
    )


def test_loaders_report_missing_or_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        load_ai_challenger(tmp_path)
    with pytest.raises(InvalidInput, match="not found"):
        load_semeval(tmp_path)
    broken = tmp_path / SEMEVAL_FILE
    broken.parent.mkdir(parents=True)
    broken.write_text("<sentences><sentence>", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid XML"):
        load_semeval(tmp_path)
    assert main(["--data-dir", str(tmp_path / "nowhere")]) == 2


def test_supervised_cv_learns_a_separable_toy_corpus() -> None:
    rng = np.random.default_rng(0)
    texts, gold = [], []
    for _ in range(120):
        food, price = rng.random() < 0.5, rng.random() < 0.5
        words = ["今天", "天气"]
        item = {}
        if food:
            good = rng.random() < 0.5
            words.append("菜好吃" if good else "菜难吃")
            item["food"] = frozenset({"positive" if good else "negative"})
        if price:
            words.append("价格贵")
            item["price"] = frozenset({"negative"})
        texts.append("，".join(words))
        gold.append(item)
    corpus = AspectCorpus("toy", tuple(texts), tuple(gold), ("food", "price"), {}, "zh")
    result = supervised_cv(corpus, folds=3, seed=0, train_sizes=(None, 20))
    assert result["all"]["detection"].f1 > 0.95
    assert result["all"]["polarity"].f1 > 0.9
    assert set(result) == {"all", "20"}


def test_example_threshold_loo_is_monotone_in_recall() -> None:
    table = example_threshold_loo(default_taxonomy(), "tfidf", (0.2, 0.5, 0.9))
    recalls = [table[t].recall for t in (0.2, 0.5, 0.9)]
    assert recalls == sorted(recalls, reverse=True)
    # The default TF-IDF threshold is the lowest at which no held-out example matches
    # another aspect's example (docs/text-aspects.md).
    assert table[0.5].fp == 0
    assert example_threshold_loo(default_taxonomy(), "tfidf", (0.45,))[0.45].fp > 0


def test_main_quick_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    _write_ai_challenger(tmp_path)
    semeval = tmp_path / SEMEVAL_FILE
    semeval.parent.mkdir(parents=True)
    semeval.write_text(
        '<?xml version="1.0"?><sentences><sentence id="1"><text>The waiter was rude.</text>'
        '<aspectCategories><aspectCategory category="service" polarity="negative"/>'
        '</aspectCategories></sentence><sentence id="2"><text>We asked the waiter.</text>'
        '<aspectCategories><aspectCategory category="service" polarity="positive"/>'
        "</aspectCategories></sentence></sentences>",
        encoding="utf-8",
    )
    out = tmp_path / "result.json"
    args = ["--data-dir", str(tmp_path), "--quick", "--stub-sentiment", "--json", str(out)]
    assert main(args) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    semeval_result = report["results"][1]["lexicon"]
    assert semeval_result["detection"]["tp"] == 2  # "waiter" -> staff_attitude -> service
    # "rude" is an opinion word (negative, right); the second sentence has none, so the
    # whole sentence decides, and the stub model scores it 0: neutral, gold positive.
    assert semeval_result["polarity"]["tp"] == 1
    assert "Detection+polarity" in capsys.readouterr().out
