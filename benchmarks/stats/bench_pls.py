"""Benchmark manyi's PLS path model against the `plspm` PyPI package (a port of R plspm).

Both estimate R plspm's bank-satisfaction ECSI model on ../shared/data/stats/satisfaction.csv
in one run; the script checks that path coefficients, outer weights and loadings agree to
1e-6 and prints the time per fit and the speed ratio.

plspm needs pandas < 3, so it lives in its own venv and runs in a subprocess::

    python3.11 -m venv benchmarks/.venv-plspm
    benchmarks/.venv-plspm/bin/pip install plspm "pandas<3"
    .venv/bin/python benchmarks/stats/bench_pls.py

plspm's own ``scaled=True`` divides every indicator by one global SD, not per column, so
for the standardised case the peer gets per-column standardised data with
``scaled=False``, which is what R plspm's ``scaled = TRUE`` does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from manyi.stats.index_models import ECSI_MODEL, blocks_from_prefixes
from manyi.stats.pls import pls_path_model

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "stats" / "satisfaction.csv"
PEER_PYTHON = ROOT / "benchmarks" / ".venv-plspm" / "bin" / "python"
PREFIXES = {
    "IMAG": "imag",
    "EXPE": "expe",
    "QUAL": "qual",
    "VAL": "val",
    "SAT": "sat",
    "LOY": "loy",
}
CASES = [("centroid", False), ("centroid", True), ("factorial", True), ("path", True)]

PEER_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd, plspm.config as c
from plspm.plspm import Plspm
from plspm.scheme import Scheme
from plspm.mode import Mode

path, repeats, boot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = pd.read_csv(path).drop(columns="gender").astype(float)
lvs = ["IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY"]
inner = {"EXPE": ["IMAG"], "QUAL": ["EXPE"], "VAL": ["EXPE", "QUAL"],
         "SAT": ["IMAG", "EXPE", "QUAL", "VAL"], "LOY": ["IMAG", "SAT"]}
pm = pd.DataFrame(0, index=lvs, columns=lvs)
for to, froms in inner.items():
    for f in froms:
        pm.loc[to, f] = 1
out = {}
for scheme, scaled in [("centroid", False), ("centroid", True), ("factorial", True), ("path", True)]:
    df = (raw - raw.mean()) / raw.std(ddof=0) if scaled else raw
    cfg = c.Config(pm, scaled=False)
    for lv in lvs:
        cfg.add_lv_with_columns_named(lv, Mode.A, df, lv.lower())
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = Plspm(df, cfg, getattr(Scheme, scheme.upper()))
        times.append(time.perf_counter() - t0)
    om = model.outer_model()
    eff = model.effects()
    out[f"{scheme}-{scaled}"] = {
        "seconds": float(np.median(times)),
        "paths": {k: float(v) for k, v in eff["direct"].items() if v != 0},
        "weights": {k: float(v) for k, v in om["weight"].items()},
        "loadings": {k: float(v) for k, v in om["loading"].items()},
        "gof": float(model.goodness_of_fit()),
    }
if boot:
    cfg = c.Config(pm, scaled=False)
    for lv in lvs:
        cfg.add_lv_with_columns_named(lv, Mode.A, raw, lv.lower())
    t0 = time.perf_counter()
    Plspm(raw, cfg, Scheme.CENTROID, bootstrap=True, bootstrap_iterations=boot, processes=1)
    out["bootstrap_seconds"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def run_peer(repeats: int, boot: int) -> dict[str, Any]:
    if not PEER_PYTHON.exists():
        sys.exit(
            f"peer venv missing: {PEER_PYTHON}\n"
            "create it with: python3.11 -m venv benchmarks/.venv-plspm && "
            'benchmarks/.venv-plspm/bin/pip install plspm "pandas<3"'
        )
    done = subprocess.run(
        [str(PEER_PYTHON), "-c", PEER_SCRIPT, str(DATA), str(repeats), str(boot)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def time_ours(
    data: pd.DataFrame, blocks: dict[str, list[str]], scheme: str, scaled: bool, repeats: int
) -> tuple[float, Any]:
    paths = ECSI_MODEL.without("COMP").paths
    pls_path_model(data, blocks, paths, scheme=scheme, scaled=scaled)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = pls_path_model(data, blocks, paths, scheme=scheme, scaled=scaled)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="fits timed per case (median)")
    parser.add_argument(
        "--bootstrap", type=int, default=100, help="bootstrap resamples timed (0: skip)"
    )
    args = parser.parse_args()

    data = pd.read_csv(DATA)
    blocks = blocks_from_prefixes(data.columns, PREFIXES)
    peer = run_peer(args.repeats, args.bootstrap)
    print(f"data: {DATA.name}, {len(data)} respondents, 27 indicators, 6 latents, 10 paths")
    print(
        f"{'case':<22}{'max |diff| paths':>18}{'weights':>10}{'loadings':>10}{'manyi ms':>10}{'plspm ms':>10}{'ratio':>8}"
    )
    worst = 0.0
    for scheme, scaled in CASES:
        seconds, ours = time_ours(data, blocks, scheme, scaled, args.repeats)
        ref = peer[f"{scheme}-{scaled}"]
        d_paths = max(abs(ours.effects.loc[k, "direct"] - v) for k, v in ref["paths"].items())
        d_weights = max(abs(ours.outer_weights[k] - v) for k, v in ref["weights"].items())
        d_loadings = max(abs(ours.loadings[k] - v) for k, v in ref["loadings"].items())
        worst = max(worst, d_paths, d_weights, d_loadings, abs(ours.gof - ref["gof"]))
        label = f"{scheme}, {'scaled' if scaled else 'centred'}"
        print(
            f"{label:<22}{d_paths:>18.1e}{d_weights:>10.1e}{d_loadings:>10.1e}"
            f"{seconds * 1e3:>10.2f}{ref['seconds'] * 1e3:>10.2f}{ref['seconds'] / seconds:>7.0f}x"
        )
    if args.bootstrap:
        t0 = time.perf_counter()
        pls_path_model(
            data, blocks, ECSI_MODEL.without("COMP").paths, scaled=False, bootstrap=args.bootstrap
        )
        ours_boot = time.perf_counter() - t0
        ratio = peer["bootstrap_seconds"] / ours_boot
        print(
            f"bootstrap {args.bootstrap} resamples: manyi {ours_boot:.2f} s, "
            f"plspm {peer['bootstrap_seconds']:.2f} s (1 process), ratio {ratio:.0f}x"
        )
    print(
        f"largest difference from plspm: {worst:.1e} ({'OK' if worst < 1e-6 else 'FAIL'} at 1e-6)"
    )
    if worst >= 1e-6:
        sys.exit(1)


if __name__ == "__main__":
    main()
