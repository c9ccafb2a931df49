"""A part that the data do not allow is reported as "not computed"; the rest still runs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from manyi.reporting.analysis import analyze, parse_spec, render_html, report_to_json
from manyi.stats.metrics import nps


def small_survey(n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "nps": np.clip(np.rint(7 + 2 * g + rng.normal(size=n)), 0, 10),
            "csat": np.clip(np.rint(3.5 + g + rng.normal(size=n)), 1, 5),
            "channel": rng.choice(["app", "phone"], size=n),
        }
    )
    for i in range(1, 4):
        frame[f"q{i}"] = np.clip(np.rint(3 + g + rng.normal(size=n)), 1, 5)
    frame["q4"] = np.clip(np.rint(3 + rng.normal(size=n)), 1, 5)
    frame["const"] = 3.0
    return frame


def test_bad_parts_are_reported_and_the_rest_computed() -> None:
    frame = small_survey()
    frame.loc[0, "csat"] = 7  # out of the 1-5 scale: a recoding mistake
    spec = parse_spec(
        {
            "metrics": {"nps": ["nps"], "csat": ["csat"]},
            "reliability": {"constructs": {"good": ["q1", "q2", "q3"], "bad": ["q4", "const"]}},
            "kano": {"attributes": {"wifi": {"functional": "q1", "dysfunctional": "q2"}}},
            "pls": {"blocks": {"A": ["q1", "q2"], "B": ["q3", "const"]}, "paths": [["A", "B"]]},
            "segments": {"columns": ["channel"]},
        }
    )
    report = analyze(frame, spec)
    metrics = report.section("metrics")
    assert metrics.status == "partial"
    assert metrics.part("nps.nps").values["score"] == nps(frame["nps"]).score
    bad = metrics.part("csat.csat")
    assert bad.status == "not computed"
    assert "outside the scale 1–5: 7" in (bad.reason or "")

    # The constant column breaks alpha of "bad" and KMO/EFA on all items; "good" still works.
    reliability = report.section("reliability")
    assert reliability.status == "partial"
    assert reliability.part("alpha.good").status == "ok"
    assert "constant" in (reliability.part("alpha.bad").reason or "")
    assert reliability.part("kmo").status == "not computed"
    assert any("not computed" in line for line in reliability.part("advice").values["en"])

    # Numeric 1-5 answers to a Kano pair are valid codes, so Kano is computed; PLS is not.
    assert report.section("kano").status == "ok"
    pls = report.section("pls")
    assert pls.status == "not computed"
    assert "constant" in (pls.reason or "")

    segments = report.section("segments")
    assert segments.part("channel/nps/nps").status == "ok"
    # The CSAT comparisons use the metrics' scale, so the out-of-scale answer stops them too.
    assert "csat answers outside the scale 1–5" in (segments.part("channel/csat/mean").reason or "")

    data = json.loads(report_to_json(report))
    assert data["sections"]["pls"]["status"] == "not computed"
    assert data["sections"]["pls"]["parts"]["model"]["values"] == {}
    assert data["sections"]["servqual"]["status"] == "not requested"

    page = render_html(report, "en")
    assert "not computed" in page
    assert "outside the scale 1–5: 7" in page
    assert 'id="servqual"' not in page  # a section not asked for is not shown


def test_too_few_respondents_for_drivers_and_value_curve() -> None:
    frame = small_survey(n=4)
    frame["rater"] = ["customer", "customer", "customer", "staff"]
    spec = parse_spec(
        {
            "metrics": {"csat": ["csat"]},
            "drivers": {"target": "csat", "predictors": ["q1", "q2", "q3"], "bootstrap": 0},
            "value_curve": {"group": "rater", "elements": ["q1", "q2"]},
        }
    )
    report = analyze(frame, spec)
    assert report.section("metrics").status == "ok"
    drivers = report.section("drivers")
    assert drivers.status == "not computed"
    assert "too few respondents" in (drivers.part("relative_weights").reason or "")
    curve = report.section("value_curve")
    assert curve.status == "not computed"
    assert "group staff" in (curve.reason or "")


def test_inconsistent_ahp_matrix_gives_weights_with_a_warning_message() -> None:
    frame = small_survey()
    spec = parse_spec(
        {
            "indicators": {
                "items": {"a": "q1", "b": "q2", "c": "q3"},
                "weights": {
                    "method": "ahp",
                    "ahp": {"CSI": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]},
                },
            }
        }
    )
    weights = analyze(frame, spec).section("indicators").part("weights")
    matrix = weights.values["matrices"]["CSI"]
    assert matrix["consistent"] is False
    assert "CR" in matrix["message"]
    assert "judgements.CSI" in weights.tables


def test_missing_ahp_matrix_fails_weights_and_csi_but_not_the_report() -> None:
    frame = small_survey()
    spec = parse_spec(
        {
            "metrics": {"nps": ["nps"]},
            "indicators": {
                "items": {"a": "q1", "b": "q2", "c": "q3"},
                "hierarchy": {"left": ["a", "b"], "right": ["c"]},
                "weights": {"method": "ahp", "ahp": {"CSI": [[1, 2], ["1/2", 1]]}},
            },
        }
    )
    report = analyze(frame, spec)
    indicators = report.section("indicators")
    assert indicators.status == "not computed"
    assert "no pairwise matrix for 'left'" in (indicators.part("weights").reason or "")
    assert "needs the weights" in (indicators.part("csi").reason or "")
    assert report.section("metrics").status == "ok"


def test_entropy_weights_are_global_and_local_weights_consistent() -> None:
    frame = small_survey()
    spec = parse_spec(
        {
            "indicators": {
                "items": {"a": "q1", "b": "q2", "c": "q3"},
                "hierarchy": {"left": ["a", "b"], "right": ["c"]},
                "weights": {"method": "entropy"},
            }
        }
    )
    section = analyze(frame, spec).section("indicators")
    weights = section.part("weights").values
    nodes = section.part("csi").tables["nodes"].set_index("node")
    # Entropy weights are the leaves' global weights; the CSI's tree must reproduce them.
    for leaf, w in weights["global_weights"].items():
        assert abs(nodes.loc[leaf, "global_weight"] - w) < 1e-12
    assert abs(sum(weights["global_weights"].values()) - 1) < 1e-12
