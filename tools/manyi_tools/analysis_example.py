"""Generate the bundled sample survey export for ``manyi analyze --example``.

Run once (``python -m manyi_tools.analysis_example``); the CSV it writes,
``survey.csv``, is committed so that ``--example`` needs nothing but the package. The seed is
fixed, so running it again gives the same file byte for byte.

The story: 安心家政 Anxin Home Services surveyed 420 customers after a home-repair visit and
asked 45 staff and 12 managers to rate the same six service elements as they think customers
would. Every answer is drawn from a stated model, so the report has known structure to find:

* a general experience factor ``g`` drives the six element ratings (1–5), overall CSAT (1–5),
  NPS (0–10) and effort (CES, 1–7 "easy" agreement); phone bookings are worse (−0.35 SD);
* CSAT's true drivers, strongest first: workmanship, punctuality, courtesy, price;
* SERVQUAL (1–7): five dimensions × 3 items, expectations high (≈ 6.1) so every gap is
  negative, largest for responsiveness and reliability; ``p_tan3`` is a weak item (loads
  little on its dimension) that indicator screening should flag;
* an ECSI model on 1–10 items (image → expectation → quality → value → satisfaction →
  loyalty);
* four Kano attributes drawn as must-be (上门前电话确认), one-dimensional (服务后清理现场),
  attractive (赠送小礼品) and indifferent (统一工装);
* staff over-rate punctuality and follow-up, managers over-rate price and booking: the value
  curve shows where the views part.

About 2 % of customers' element answers and 1 % of NPS answers are left blank.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from manyi.stats.kano import EVALUATION_TABLE

SEED = 20240601
N_CUSTOMERS = 420
N_STAFF = 45
N_MANAGEMENT = 12

ELEMENTS = {
    # column: (mean on 1-5, loading on g, true weight in CSAT)
    "el_punctual": (3.6, 0.75, 0.30),
    "el_workmanship": (4.0, 0.70, 0.38),
    "el_courtesy": (4.2, 0.55, 0.18),
    "el_price": (3.3, 0.60, 0.12),
    "el_booking": (3.9, 0.50, 0.04),
    "el_followup": (3.0, 0.55, 0.02),
}
#: How staff and managers shift their ratings of each element (what they believe).
VIEW_SHIFTS = {
    "staff": {"el_punctual": 0.7, "el_followup": 0.9, "el_workmanship": 0.2},
    "management": {"el_price": 1.0, "el_booking": 0.6, "el_courtesy": 0.3},
}
CHANNELS = {"微信小程序": 0.0, "电话": -0.35, "门店": 0.10}
CITIES = {"北京": 0.0, "上海": 0.05, "成都": 0.15}
SERVQUAL = {
    # dimension: (item prefix, mean perception 1-7)
    "tangibles": ("tan", 5.5),
    "reliability": ("rel", 4.9),
    "responsiveness": ("res", 4.6),
    "assurance": ("ass", 5.6),
    "empathy": ("emp", 5.1),
}
PRIOR_IMPORTANCE = {
    "tangibles": 17,
    "reliability": 28,
    "responsiveness": 22,
    "assurance": 15,
    "empathy": 14,
}
#: ECSI blocks: items per latent and the latent's mean answer on the 1-10 scale.
ECSI_ITEMS = {
    "imag": (3, 7.6),
    "expe": (3, 7.9),
    "qual": (3, 7.0),
    "val": (2, 6.4),
    "sat": (3, 6.9),
    "loy": (2, 6.6),
}
KANO = {
    # attribute column stem: probabilities of (M, O, A, I)
    "kano_confirm": (0.55, 0.20, 0.05, 0.20),
    "kano_cleanup": (0.20, 0.50, 0.15, 0.15),
    "kano_gift": (0.05, 0.10, 0.55, 0.30),
    "kano_uniform": (0.15, 0.08, 0.12, 0.65),
}
#: Chinese answer labels in the order of manyi.stats.kano.ANSWERS (like … dislike).
KANO_LABELS_ZH = ("喜欢", "理所当然", "无所谓", "能忍受", "不喜欢")


def _likert(x: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.asarray(np.clip(np.rint(x), low, high), dtype=float)


def _customers(rng: np.random.Generator) -> pd.DataFrame:
    n = N_CUSTOMERS
    channel = rng.choice(list(CHANNELS), size=n, p=[0.5, 0.3, 0.2])
    city = rng.choice(list(CITIES), size=n, p=[0.4, 0.35, 0.25])
    shift = np.array([CHANNELS[c] for c in channel]) + np.array([CITIES[c] for c in city])
    g = rng.normal(size=n) + shift
    out: dict[str, object] = {
        "resp_id": [f"C{i + 1:04d}" for i in range(n)],
        "rater": "customer",
        "渠道": channel,
        "城市": city,
    }
    latent_sat = np.zeros(n)
    for column, (mean, loading, weight) in ELEMENTS.items():
        z = loading * g + np.sqrt(1 - loading**2) * rng.normal(size=n)
        out[column] = _likert(mean + 0.85 * z, 1, 5)
        latent_sat += weight * z
    latent_sat = latent_sat / latent_sat.std() * 0.8 + 0.45 * rng.normal(size=n)
    out["csat"] = _likert(3.9 + 0.95 * latent_sat, 1, 5)
    out["nps"] = _likert(8.0 + 1.9 * latent_sat + 0.9 * rng.normal(size=n), 0, 10)
    booking = np.asarray(out["el_booking"], dtype=float)
    out["ces"] = _likert(5.0 + 0.6 * (booking - 3.9) + 0.4 * g + 0.8 * rng.normal(size=n), 1, 7)
    expect = rng.normal(size=n)
    for stem, mean in SERVQUAL.values():
        d = 0.6 * g + 0.8 * rng.normal(size=n)
        for i in (1, 2, 3):
            weak = stem == "tan" and i == 3
            load = 0.15 if weak else 0.85
            noise = 1.3 if weak else 0.6
            out[f"e_{stem}{i}"] = _likert(6.1 + 0.45 * expect + 0.45 * rng.normal(size=n), 1, 7)
            out[f"p_{stem}{i}"] = _likert(mean + load * d + noise * rng.normal(size=n), 1, 7)
    prior = np.array(list(PRIOR_IMPORTANCE.values()), dtype=float)
    points = rng.dirichlet(prior * 0.6, size=n) * 100
    points = np.rint(points)
    points[:, 0] += 100 - points.sum(axis=1)  # allocations add up to 100 as the form enforces
    points = np.clip(points, 0, 100)
    for j, dim in enumerate(PRIOR_IMPORTANCE):
        out[f"imp_{SERVQUAL[dim][0]}"] = points[:, j]
    out.update(_ecsi(rng, g))
    out.update(_kano(rng))
    frame = pd.DataFrame(out)
    holes = rng.random((n, len(ELEMENTS))) < 0.02
    for j, column in enumerate(ELEMENTS):
        frame.loc[holes[:, j], column] = np.nan
    frame.loc[rng.random(n) < 0.01, "nps"] = np.nan
    return frame


def _ecsi(rng: np.random.Generator, g: np.ndarray) -> dict[str, np.ndarray]:
    n = g.size

    def latent(*parts: tuple[float, np.ndarray]) -> np.ndarray:
        x = sum(w * p for w, p in parts) + rng.normal(size=n) * 0.6
        return np.asarray((x - x.mean()) / x.std())

    imag = latent((0.8, rng.normal(size=n)))
    expe = latent((0.5, imag))
    qual = latent((0.6, expe), (0.45, g))
    val = latent((0.25, expe), (0.55, qual))
    sat = latent((0.2, imag), (0.1, expe), (0.45, qual), (0.3, val))
    loy = latent((0.3, imag), (0.55, sat))
    latents = {"imag": imag, "expe": expe, "qual": qual, "val": val, "sat": sat, "loy": loy}
    out: dict[str, np.ndarray] = {}
    for stem, (k, mean) in ECSI_ITEMS.items():
        for i in range(1, k + 1):
            out[f"{stem}{i}"] = _likert(mean + 1.5 * latents[stem] + rng.normal(size=n), 1, 10)
    return out


def _kano(rng: np.random.Generator) -> dict[str, list[str]]:
    cells: dict[str, list[tuple[int, int]]] = {}
    for f, row in enumerate(EVALUATION_TABLE):
        for d, category in enumerate(row):
            cells.setdefault(category, []).append((f, d))
    out: dict[str, list[str]] = {}
    for stem, probs in KANO.items():
        noise = 0.04  # a few reverse or questionable answers, as real data has
        p = np.array([*probs, noise / 2, noise / 2]) / (1 + noise)
        drawn = rng.choice(["M", "O", "A", "I", "R", "Q"], size=N_CUSTOMERS, p=p)
        functional, dysfunctional = [], []
        for category in drawn:
            f, d = cells[str(category)][rng.integers(len(cells[str(category)]))]
            functional.append(KANO_LABELS_ZH[f])
            dysfunctional.append(KANO_LABELS_ZH[d])
        out[f"{stem}_f"] = functional
        out[f"{stem}_d"] = dysfunctional
    return out


def _raters(rng: np.random.Generator, group: str, n: int) -> pd.DataFrame:
    out: dict[str, object] = {
        "resp_id": [f"{group[0].upper()}{i + 1:03d}" for i in range(n)],
        "rater": group,
    }
    g = rng.normal(size=n) * 0.7
    for column, (mean, loading, _) in ELEMENTS.items():
        z = loading * g + np.sqrt(1 - loading**2) * rng.normal(size=n) * 0.8
        out[column] = _likert(mean + VIEW_SHIFTS[group].get(column, 0.0) + 0.85 * z, 1, 5)
    return pd.DataFrame(out)


def make_example(seed: int = SEED) -> pd.DataFrame:
    """Return the sample export: customers first, then staff and managers.

    Examples
    --------
    >>> frame = make_example()
    >>> frame["rater"].value_counts().to_dict()
    {'customer': 420, 'staff': 45, 'management': 12}
    """
    rng = np.random.default_rng(seed)
    customers = _customers(rng)
    frame = pd.concat(
        [customers, _raters(rng, "staff", N_STAFF), _raters(rng, "management", N_MANAGEMENT)],
        ignore_index=True,
    )
    frame = frame[list(customers.columns)]
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].astype("Int64")
    return frame


def main(path: Path | None = None) -> Path:
    """Write the sample to ``survey.csv`` next to this file (UTF-8 with BOM, as Excel likes)."""
    import manyi.reporting.analysis.example as example

    target = path or Path(example.__file__).with_name("survey.csv")
    make_example().to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\n")
    return target


if __name__ == "__main__":  # pragma: no cover
    print(main())
