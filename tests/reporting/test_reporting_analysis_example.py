"""The bundled example end to end: every number in the JSON equals manyi.stats called directly.

The reference for each section is the manyi.stats function itself (each of which is pinned to
a published source in tests/stats), called here by hand on the same rows and columns, so the
report layer is checked for wiring: right rows (customers only), right columns, right
settings (scale, seed, bootstrap, weights), nothing lost or rounded on the way to JSON.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from manyi.ingestion.files import read_frame
from manyi.reporting.analysis import EXAMPLE_DATA, EXAMPLE_SPEC, SECTIONS, analyze, load_spec
from manyi.reporting.analysis.report import JSON_SCHEMA, AnalysisReport, report_to_json
from manyi.stats.ahp import ahp, ahp_hierarchy
from manyi.stats.comparisons import compare_groups
from manyi.stats.csi import csi
from manyi.stats.drivers import relative_weights, shapley_r2
from manyi.stats.factor import efa, kmo
from manyi.stats.index_models import ECSI_MODEL
from manyi.stats.kano import kano
from manyi.stats.metrics import ces, csat, nps
from manyi.stats.pls import pls_path_model
from manyi.stats.reliability import cronbach_alpha
from manyi.stats.servqual import servqual
from manyi.stats.value_curve import value_curve

EXACT = 1e-12


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return read_frame(EXAMPLE_DATA)


@pytest.fixture(scope="module")
def customers(data: pd.DataFrame) -> pd.DataFrame:
    return data[data["rater"] == "customer"]


@pytest.fixture(scope="module")
def report(data: pd.DataFrame) -> AnalysisReport:
    return analyze(data, load_spec(EXAMPLE_SPEC))


@pytest.fixture(scope="module")
def js(report: AnalysisReport) -> dict[str, Any]:
    # Through the JSON text, so the check covers serialisation too (NaN -> null etc.).
    out: dict[str, Any] = json.loads(report_to_json(report))
    return out


def values(js: dict[str, Any], section: str, part: str) -> dict[str, Any]:
    found = js["sections"][section]["parts"][part]
    assert found["status"] == "ok", found["reason"]
    result: dict[str, Any] = found["values"]
    return result


def records(js: dict[str, Any], section: str, part: str, table: str) -> pd.DataFrame:
    rows = js["sections"][section]["parts"][part]["tables"][table]
    return pd.DataFrame(rows).set_index(next(iter(rows[0])))


def test_every_section_computed_and_keys_stable(js: dict[str, Any], report: AnalysisReport) -> None:
    assert js["schema"] == JSON_SCHEMA
    assert list(js) == ["schema", "title", "title_en", "data", "settings", "sections"]
    assert list(js["sections"]) == list(SECTIONS)
    assert {k: s["status"] for k, s in js["sections"].items()} == dict.fromkeys(SECTIONS, "ok")
    assert js["data"] == {"rows": 477, "rows_used": 420, "columns": 72}
    assert report.elapsed_s > 0  # recorded; speed is for benchmarks, not unit tests


def test_metrics_equal_direct_calls(js: dict[str, Any], customers: pd.DataFrame) -> None:
    n = nps(customers["nps"])
    v = values(js, "metrics", "nps.nps")
    assert v["score"] == pytest.approx(n.score, abs=EXACT)
    assert (v["ci_low"], v["ci_high"]) == pytest.approx((n.ci_low, n.ci_high), abs=EXACT)
    assert (v["n"], v["n_missing"]) == (n.n, n.n_missing) == (416, 4)
    c = csat(customers["csat"], scale=(1, 5), top_k=2)
    v = values(js, "metrics", "csat.csat")
    assert v["mean"] == pytest.approx(c.mean, abs=EXACT)
    assert v["top_box_share"] == pytest.approx(c.top_box_share, abs=EXACT)
    assert v["top_box_ci_high"] == pytest.approx(c.top_box_ci_high, abs=EXACT)
    e = ces(customers["ces"], scale=(1, 7), higher_is_easier=True)
    assert values(js, "metrics", "ces.ces")["low_effort_share"] == pytest.approx(
        e.low_effort_share, abs=EXACT
    )


def test_reliability_equals_direct_calls(js: dict[str, Any], customers: pd.DataFrame) -> None:
    tangibles = customers[["p_tan1", "p_tan2", "p_tan3"]]
    v = values(js, "reliability", "alpha.tangibles")
    assert v["alpha"] == pytest.approx(cronbach_alpha(tangibles).alpha, abs=EXACT)
    items = [f"p_{d}{i}" for d in ("tan", "rel", "res", "ass", "emp") for i in (1, 2, 3)]
    assert values(js, "reliability", "kmo")["overall"] == pytest.approx(
        kmo(customers[items]).overall, abs=EXACT
    )
    solution = efa(customers[items], rotation="promax", seed=0)
    assert values(js, "reliability", "efa")["n_factors"] == solution.n_factors == 5
    loadings = records(js, "reliability", "efa", "loadings")
    assert np.allclose(loadings[solution.loadings.columns], solution.loadings, atol=1e-9)
    # The weak item planted in the sample is the one screening flags.
    assert values(js, "reliability", "screening")["drop"] == ["p_tan3"]


def test_servqual_equals_direct_call(js: dict[str, Any], customers: pd.DataFrame) -> None:
    dims = {"tan": "tangibles", "rel": "reliability", "res": "responsiveness"}
    dims |= {"ass": "assurance", "emp": "empathy"}
    items = {
        f"{s.upper()}{i}": (f"e_{s}{i}", f"p_{s}{i}", d) for s, d in dims.items() for i in (1, 2, 3)
    }
    importance = {d: f"imp_{s}" for s, d in dims.items()}
    direct = servqual(customers, items, importance=importance, weighting="respondent")
    v = values(js, "servqual", "gaps")
    assert v["weighted_score"] == pytest.approx(direct.weighted_score, abs=EXACT)
    assert v["unweighted_score"] == pytest.approx(direct.unweighted_score, abs=EXACT)
    gaps = records(js, "servqual", "gaps", "dimensions")["gap"]
    assert np.allclose(gaps.to_numpy(), direct.dimensions["gap"].to_numpy(), atol=EXACT)


def test_csi_with_ahp_weights_equals_direct_calls(
    js: dict[str, Any], customers: pd.DataFrame
) -> None:
    delivery = ["el_punctual", "el_workmanship", "el_courtesy"]
    convenience = ["el_price", "el_booking", "el_followup"]
    top = ahp([[1, 2], [1 / 2, 1]], labels=["delivery", "convenience"])
    d = ahp([[1, 1 / 2, 2], [2, 1, 3], [1 / 2, 1 / 3, 1]], labels=delivery)
    c = ahp([[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]], labels=convenience)
    hierarchy = ahp_hierarchy(top, {"delivery": d, "convenience": c}, goal="CSI")
    local = {**top.weights.to_dict(), **d.weights.to_dict(), **c.weights.to_dict()}
    direct = csi(customers, {"delivery": delivery, "convenience": convenience}, local, scale=(1, 5))
    v = values(js, "indicators", "weights")
    assert v["matrices"]["delivery"]["cr"] == pytest.approx(d.cr, abs=EXACT)
    for name, weight in hierarchy.global_weights.items():
        assert v["global_weights"][name] == pytest.approx(weight, abs=EXACT)
    assert values(js, "indicators", "csi")["index"] == pytest.approx(direct.index, abs=EXACT)
    assert values(js, "indicators", "fuzzy")["grade"] == "满意"


def test_pls_equals_direct_call(js: dict[str, Any], customers: pd.DataFrame) -> None:
    blocks = {"IMAG": "imag", "EXPE": "expe", "QUAL": "qual", "VAL": "val", "SAT": "sat"}
    blocks |= {"LOY": "loy"}
    cols = {k: [c for c in customers.columns if c.startswith(p)] for k, p in blocks.items()}
    model = ECSI_MODEL.without("COMP")
    direct = pls_path_model(
        customers, cols, model.paths, scaled=False, scale=(1, 10), bootstrap=100, seed=0
    )
    v = values(js, "pls", "model")
    assert v["model"] == "ECSI without COMP"
    assert v["gof"] == pytest.approx(direct.gof, abs=EXACT)
    for latent, r2 in direct.r_squared.items():
        assert v["r_squared"][latent] == pytest.approx(r2, abs=EXACT)
    for latent, index in direct.indices.items():
        assert v["indices"][latent] == pytest.approx(index, abs=EXACT)
    paths = records(js, "pls", "model", "bootstrap_paths")
    assert paths.loc["QUAL -> SAT", "upper"] == pytest.approx(
        direct.bootstrap.paths.loc["QUAL -> SAT", "upper"], abs=EXACT
    )


def test_drivers_equal_direct_calls(js: dict[str, Any], customers: pd.DataFrame) -> None:
    predictors = ["el_punctual", "el_workmanship", "el_courtesy", "el_price"]
    predictors += ["el_booking", "el_followup"]
    for name, compute in (("relative_weights", relative_weights), ("shapley_r2", shapley_r2)):
        direct = compute(customers, "csat", predictors, bootstrap=200, seed=0)
        table = records(js, "drivers", name, "predictors")
        assert np.allclose(table["raw"], direct.table["raw"], atol=EXACT)
        assert np.allclose(table["ci_low"], direct.table["ci_low"], atol=EXACT)
        assert values(js, "drivers", name)["r2"] == pytest.approx(direct.r2, abs=EXACT)
    quadrants = values(js, "drivers", "ipa")["quadrants"]
    assert quadrants["el_workmanship"] == "keep up the good work"


def test_kano_value_curve_and_segments_equal_direct_calls(
    js: dict[str, Any], data: pd.DataFrame, customers: pd.DataFrame
) -> None:
    stems = {"上门前电话确认": "confirm", "服务后清理现场": "cleanup"}
    stems |= {"赠送小礼品": "gift", "统一工装": "uniform"}
    f = customers[[f"kano_{s}_f" for s in stems.values()]].set_axis(list(stems), axis=1)
    d = customers[[f"kano_{s}_d" for s in stems.values()]].set_axis(list(stems), axis=1)
    direct = kano(f, d).summary
    table = records(js, "kano", "kano", "attributes")
    assert table["category"].to_dict() == {
        "上门前电话确认": "M",
        "服务后清理现场": "O",
        "赠送小礼品": "A",
        "统一工装": "I",
    }
    assert np.allclose(table["better"], direct["better"], atol=EXACT)
    assert np.allclose(table["worse"], direct["worse"], atol=EXACT)

    elements = [c for c in data.columns if c.startswith("el_")]
    curve = value_curve(data, elements, "rater", groups=["customer", "staff", "management"])
    means = records(js, "value_curve", "curve", "means")
    assert np.allclose(means.to_numpy(dtype=float), curve.means.to_numpy(), atol=EXACT)

    by_channel = compare_groups(customers, "csat", "渠道", kind="mean", correction="holm")
    v = values(js, "segments", "渠道/csat/mean")
    assert v["p_value"] == pytest.approx(by_channel.p_value, abs=EXACT)
    assert v["significant"] is True
    top_box = compare_groups(customers, "csat", "渠道", kind="proportion", threshold=4)
    assert values(js, "segments", "渠道/csat/proportion")["p_value"] == pytest.approx(
        top_box.p_value, abs=EXACT
    )
