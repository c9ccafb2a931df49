"""Benchmark: manyi's shapley_r2 and relative_weights against peers, same data, same run.

Peers
-----
- LMG / Shapley R² (general dominance):
  * a straightforward implementation that refits every subset regression with statsmodels
    OLS (2^p − 1 fits) and averages the increments — what an analyst would write by hand;
  * PyPI ``dominance-analysis`` (``Dominance(...).incremental_rsquare()``), if it runs.
- Johnson's relative weights:
  * a straightforward implementation of Johnson (2000) with statsmodels OLS fits (y on the
    orthogonal counterparts Z, each X on Z);
  * PyPI ``relativeImp`` (``relativeImp(df, outcome, drivers)``), if it runs.

The PyPI peers pin old libraries (dominance-analysis needs numpy < 2 and old bokeh/IPython),
so they live in their own virtual environment and run in a subprocess::

    python -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install dominance-analysis relativeImp \
        "numpy<2" "pandas<2.3" "scipy<1.14" "statsmodels<0.15" "ipython<8"

Run (prints a Markdown section for docs/performance.md)::

    .venv/bin/python benchmarks/stats/bench_drivers.py

Every peer's numbers must agree with manyi's to 1e-6 or the script exits non-zero.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from itertools import combinations
from math import factorial
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from manyi.stats.drivers import relative_weights, shapley_r2

ROOT = Path(__file__).resolve().parents[2]
PEERS_PYTHON = ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"
TOLERANCE = 1e-6
SIZES = (4, 8, 12)  # predictors; 12 → 4,095 subset regressions for the refit peers
N_RESPONDENTS = 1000


def survey(p: int, n: int = N_RESPONDENTS, seed: int = 0) -> pd.DataFrame:
    """Correlated 1–5 ratings of p attributes and an overall score driven by them."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    x = np.clip(np.rint(3 + 0.8 * latent + rng.normal(size=(n, p))), 1, 5)
    beta = np.linspace(0.6, 0.05, p)
    overall = np.clip(np.rint(x @ beta / beta.sum() + rng.normal(0, 0.6, n)), 1, 5)
    frame = pd.DataFrame(x, columns=[f"a{i + 1}" for i in range(p)])
    frame["overall"] = overall
    return frame


def best_of(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def refit_lmg(data: pd.DataFrame, target: str, predictors: list[str]) -> np.ndarray:
    """Shapley R² by refitting every subset regression with statsmodels OLS."""
    y = data[target]
    r2: dict[frozenset[str], float] = {frozenset(): 0.0}
    for k in range(1, len(predictors) + 1):
        for subset in combinations(predictors, k):
            r2[frozenset(subset)] = sm.OLS(y, sm.add_constant(data[list(subset)])).fit().rsquared
    p = len(predictors)
    out = []
    for j in predictors:
        others = [x for x in predictors if x != j]
        total = 0.0
        for k in range(p):
            weight = factorial(k) * factorial(p - k - 1) / factorial(p)
            for subset in combinations(others, k):
                s = frozenset(subset)
                total += weight * (r2[s | {j}] - r2[s])
        out.append(total)
    return np.array(out)


def ols_relative_weights(data: pd.DataFrame, target: str, predictors: list[str]) -> np.ndarray:
    """Johnson (2000) step by step with statsmodels regressions."""
    z = (data - data.mean()) / data.std()
    x = z[predictors].to_numpy()
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    # Closest orthonormal counterparts of the predictors, scaled like z-scores.
    zs = pd.DataFrame(
        u @ vt * np.sqrt(len(x) - 1), columns=[f"z{i}" for i in range(len(predictors))]
    )
    beta = sm.OLS(z[target].to_numpy(), zs).fit().params.to_numpy()
    lam = np.column_stack(
        [sm.OLS(x[:, j], zs).fit().params.to_numpy() for j in range(len(predictors))]
    )
    return np.asarray((lam.T**2) @ (beta**2))


PEER_SCRIPT = textwrap.dedent(
    """
    import contextlib, io, json, sys, time
    import pandas as pd
    path, target, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = pd.read_csv(path)
    preds = [c for c in data.columns if c != target]
    out = {}
    def best(f):
        times, res = [], None
        for _ in range(repeat):
            t = time.perf_counter(); res = f(); times.append(time.perf_counter() - t)
        return min(times), res
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            from dominance_analysis import Dominance
            def run():
                return Dominance(data=data, target=target, objective=1, top_k=len(preds)).incremental_rsquare()
            t, res = best(run)
        out["dominance-analysis"] = {"seconds": t, "values": [float(res[c]) for c in preds]}
    except Exception as exc:
        out["dominance-analysis"] = {"error": repr(exc)}
    try:
        from relativeImp import relativeImp
        t, res = best(lambda: relativeImp(data, target, list(preds)))
        out["relativeImp"] = {"seconds": t, "values": [float(v) for v in res["rawRelaImpt"].to_numpy().real]}
    except Exception as exc:
        out["relativeImp"] = {"error": repr(exc)}
    print(json.dumps(out))
    """
)


def run_peers(data: pd.DataFrame, target: str, repeat: int) -> dict[str, dict[str, object]]:
    if not PEERS_PYTHON.exists():
        return {
            "dominance-analysis": {"error": "benchmarks/.venv-peers not installed"},
            "relativeImp": {"error": "benchmarks/.venv-peers not installed"},
        }
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        data.to_csv(csv, index=False)
        script = Path(tmp) / "peer.py"
        script.write_text(PEER_SCRIPT)
        env = {**os.environ, "PYTHONWARNINGS": "ignore", "TQDM_DISABLE": "1"}
        proc = subprocess.run(
            [str(PEERS_PYTHON), str(script), str(csv), target, str(repeat)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        error = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"dominance-analysis": {"error": error}, "relativeImp": {"error": error}}
    result: dict[str, dict[str, object]] = json.loads(lines[-1])
    return result


def main() -> int:
    rows: list[dict[str, object]] = []
    failures: list[str] = []

    def record(
        stat: str,
        p: int,
        peer: str,
        ours_s: float,
        peer_s: float | None,
        diff: float | None,
        note: str = "",
    ) -> None:
        if diff is not None and diff > TOLERANCE:
            failures.append(f"{stat} p={p} {peer}: max |diff| {diff:.2e}")
        rows.append(
            {
                "statistic": stat,
                "p": p,
                "peer": peer,
                "manyi_ms": ours_s * 1e3,
                "peer_ms": None if peer_s is None else peer_s * 1e3,
                "ratio": None if peer_s is None else peer_s / ours_s,
                "max_abs_diff": diff,
                "note": note,
            }
        )

    for p in SIZES:
        data = survey(p)
        preds = [c for c in data.columns if c != "overall"]
        repeat_fast = 20
        repeat_slow = 3 if p < 12 else 1
        t_shap, shap = best_of(lambda d=data: shapley_r2(d, "overall"), repeat_fast)
        t_rw, rw = best_of(lambda d=data: relative_weights(d, "overall"), repeat_fast)
        shap_raw = shap.table["raw"].to_numpy()  # type: ignore[attr-defined]
        rw_raw = rw.table["raw"].to_numpy()  # type: ignore[attr-defined]

        t_refit, refit = best_of(lambda d=data, pr=preds: refit_lmg(d, "overall", pr), repeat_slow)
        record(
            "shapley_r2",
            p,
            "statsmodels subset refits",
            t_shap,
            t_refit,
            float(np.max(np.abs(shap_raw - refit))),
        )  # type: ignore[operator]
        t_ols, ols = best_of(
            lambda d=data, pr=preds: ols_relative_weights(d, "overall", pr), repeat_fast
        )
        record(
            "relative_weights",
            p,
            "statsmodels Johnson (2000)",
            t_rw,
            t_ols,
            float(np.max(np.abs(rw_raw - ols))),
        )  # type: ignore[operator]

        peers = run_peers(data, "overall", repeat_slow)
        for name, stat, ours_t, ours_v in (
            ("dominance-analysis", "shapley_r2", t_shap, shap_raw),
            ("relativeImp", "relative_weights", t_rw, rw_raw),
        ):
            peer = peers.get(name, {"error": "not run"})
            if "error" in peer:
                record(stat, p, name, ours_t, None, None, f"peer failed: {peer['error']}")
            else:
                values = np.array(peer["values"], dtype=float)
                record(
                    stat,
                    p,
                    name,
                    ours_t,
                    float(peer["seconds"]),
                    float(np.max(np.abs(ours_v - values))),
                )  # type: ignore[arg-type]

    data = survey(12)
    t_boot, boot = best_of(lambda: shapley_r2(data, "overall", bootstrap=200, seed=0), 1)
    t_rw_boot, _ = best_of(lambda: relative_weights(data, "overall", bootstrap=1000, seed=0), 1)

    print("## Drivers (shapley_r2, relative_weights)\n")
    print(
        "Command: `.venv/bin/python benchmarks/stats/bench_drivers.py` (peers in `benchmarks/.venv-peers`, see the script's docstring)\n"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s) shared, Python {platform.python_version()}, "
        f"numpy {np.__version__}. Data: {N_RESPONDENTS} simulated respondents, 1–5 ratings of p correlated "
        "attributes and an overall score. Times are the best of several runs (1–3 for the slow peers, 20 "
        "for the fast ones); ratio = peer time / manyi time. Results must agree to 1e-6.\n"
    )
    print("| statistic | p | peer | manyi ms | peer ms | peer/manyi | max abs diff | note |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        peer_ms = "—" if r["peer_ms"] is None else f"{r['peer_ms']:.1f}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.0f}×"
        diff = "—" if r["max_abs_diff"] is None else f"{r['max_abs_diff']:.1e}"
        print(
            f"| {r['statistic']} | {r['p']} | {r['peer']} | {r['manyi_ms']:.2f} | {peer_ms} | {ratio} | {diff} | {r['note']} |"
        )
    print(
        f"\nWith bootstrap intervals (p = 12): shapley_r2 with 200 resamples {t_boot:.2f} s "
        f"({boot.n_boot} used); relative_weights with 1,000 resamples {t_rw_boot:.2f} s.\n"  # type: ignore[attr-defined]
    )
    if failures:
        print("DISAGREEMENT: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
