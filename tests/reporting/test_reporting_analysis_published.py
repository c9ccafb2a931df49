"""Published reference results reproduced through the whole `manyi analyze` path.

Each case goes file → ``read_frame`` → spec → ``analyze`` → JSON, and pins the JSON against the
published numbers in ../shared/data/stats (see its README): R plspm's ECSI bank model, the R
``rwa`` relative-weights example, pingouin's Cronbach example and Saaty's (2008) AHP drinks
matrix.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from manyi.ingestion.files import read_frame
from manyi.reporting.analysis import analyze, parse_spec, report_to_json
from manyi.stats.index_models import blocks_from_prefixes
from shared_data import SATISFACTION_PREFIXES, shared_file


def run(frame: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(report_to_json(analyze(frame, parse_spec(spec))))
    return out


def test_ecsi_bank_model_matches_r_plspm() -> None:
    frame = read_frame(shared_file("stats/satisfaction.csv"))
    summary = pd.read_csv(
        shared_file("stats/satisfaction_R_plspm_output/satisfaction.inner-summary.csv"),
        index_col=0,
    )
    blocks = blocks_from_prefixes(frame.columns, SATISFACTION_PREFIXES)
    out = run(frame, {"pls": {"model": "ECSI", "blocks": blocks, "scaled": False}})
    values = out["sections"]["pls"]["parts"]["model"]["values"]
    # R plspm(satisfaction, ..., modes = rep("A", 6), scaled = FALSE): GoF 0.609741624338411
    assert values["gof"] == pytest.approx(0.609741624338411, abs=1e-6)
    for latent, r2 in summary["r_squared"].items():
        if r2 > 0:
            assert values["r_squared"][latent] == pytest.approx(r2, abs=1e-6)
    latents = {
        row["name"]: row for row in out["sections"]["pls"]["parts"]["model"]["tables"]["latents"]
    }
    for latent, ave in summary["ave"].items():
        assert latents[latent]["ave"] == pytest.approx(ave, abs=1e-6)


def test_relative_weights_match_r_rwa_on_mtcars() -> None:
    frame = read_frame(shared_file("stats/mtcars.csv"))
    spec = {
        "drivers": {
            "target": "mpg",
            "predictors": ["cyl", "disp", "hp", "gear"],
            "method": "relative_weights",
            "bootstrap": 0,
            "ipa": None,
        }
    }
    part = run(frame, spec)["sections"]["drivers"]["parts"]["relative_weights"]
    # R rwa(mtcars, "mpg", c("cyl", "disp", "hp", "gear")): R² 0.7791896
    assert part["values"]["r2"] == pytest.approx(0.7791896, abs=1e-7)
    raw = {row["name"]: row["raw"] for row in part["tables"]["predictors"]}
    published = {"cyl": 0.2284797, "disp": 0.2221469, "hp": 0.2321744, "gear": 0.0963886}
    assert raw == pytest.approx(published, abs=1e-7)


def test_cronbach_alpha_matches_pingouin_example() -> None:
    long = pd.read_csv(shared_file("stats/cronbach_alpha_long.csv"))
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    wide.columns = [str(c) for c in wide.columns]
    spec = {"reliability": {"constructs": {"scale": list(wide.columns)}, "screening": False}}
    part = run(wide, spec)["sections"]["reliability"]["parts"]["alpha.scale"]
    # pingouin.cronbach_alpha docs: 0.5917188485995826, 95 % CI [0.195, 0.840]
    assert part["values"]["alpha"] == pytest.approx(0.5917188485995826, abs=1e-12)
    assert part["values"]["ci_low"] == pytest.approx(0.195, abs=5e-4)
    assert part["values"]["ci_high"] == pytest.approx(0.840, abs=5e-4)


def test_ahp_weights_match_saaty_drinks_example() -> None:
    ref = json.loads(shared_file("stats/ahp_saaty_drinks.json").read_text(encoding="utf-8"))
    names = ref["names"]
    # The CSI needs ratings; any will do, the weights come from the matrix alone.
    frame = pd.DataFrame({name: [3, 4, 5] for name in names})
    spec = {
        "indicators": {
            "items": {name: name for name in names},
            "root": "drinks",
            "weights": {"method": "ahp", "ahp": {"drinks": ref["matrix"]}},
        }
    }
    values = run(frame, spec)["sections"]["indicators"]["parts"]["weights"]["values"]
    matrix = values["matrices"]["drinks"]
    # Saaty (2008): weights to 3 dp and CR 0.022 (Saaty 1980 RI(7) = 1.32)
    assert {k: round(v, 3) for k, v in matrix["weights"].items()} == ref["published"]["weights_3dp"]
    assert round(matrix["cr"], 3) == ref["published"]["CR"]
    assert matrix["random_index"] == 1.32
