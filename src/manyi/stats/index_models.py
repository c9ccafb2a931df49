"""National customer-satisfaction index models (ACSI, ECSI) and the 0–100 index.

The structures are fixed by the published models; the indicators (survey questions)
are the user's, so a spec holds latent names and inner paths only. Pair a spec with
``blocks`` (often built by :func:`blocks_from_prefixes`) and pass both to
:func:`manyi.stats.pls.pls_path_model`.

Latent names are shared by both models: ``IMAG`` image, ``EXPE`` customer
expectations, ``QUAL`` perceived quality, ``VAL`` perceived value, ``SAT`` satisfaction,
``COMP`` complaints, ``LOY`` loyalty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from manyi.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

LATENT_LABELS: Mapping[str, tuple[str, str]] = {
    "IMAG": ("image", "企业形象"),
    "EXPE": ("customer expectations", "顾客预期"),
    "QUAL": ("perceived quality", "感知质量"),
    "VAL": ("perceived value", "感知价值"),
    "SAT": ("customer satisfaction", "顾客满意度"),
    "COMP": ("customer complaints", "顾客抱怨"),
    "LOY": ("customer loyalty", "顾客忠诚"),
}


@dataclass(frozen=True)
class PathModelSpec:
    """A named inner model: latents and the paths between them.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"ACSI"``.
    latents : tuple of str
        Latent variable names in causal order.
    paths : tuple of (str, str)
        Inner paths ``(from, to)``.
    reference : str
        Where the structure is published.
    labels : mapping
        ``latent -> (English, 中文)`` display names.

    Examples
    --------
    >>> ECSI_MODEL.without("COMP").latents
    ('IMAG', 'EXPE', 'QUAL', 'VAL', 'SAT', 'LOY')
    """

    name: str
    latents: tuple[str, ...]
    paths: tuple[tuple[str, str], ...]
    reference: str
    labels: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(LATENT_LABELS))

    def without(self, *latents: str) -> PathModelSpec:
        """Return the model with ``latents`` and every path touching them removed.

        Useful when a survey did not measure a construct (e.g. no complaint questions).
        """
        unknown = [k for k in latents if k not in self.latents]
        if unknown:
            raise InvalidInput(
                f"{self.name} has no latent(s) {', '.join(unknown)}; it has {', '.join(self.latents)}"
            )
        drop = set(latents)
        return PathModelSpec(
            name=f"{self.name} without {', '.join(latents)}",
            latents=tuple(k for k in self.latents if k not in drop),
            paths=tuple(p for p in self.paths if p[0] not in drop and p[1] not in drop),
            reference=self.reference,
            labels=self.labels,
        )


ACSI_MODEL = PathModelSpec(
    name="ACSI",
    latents=("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"),
    paths=(
        ("EXPE", "QUAL"),
        ("EXPE", "VAL"),
        ("EXPE", "SAT"),
        ("QUAL", "VAL"),
        ("QUAL", "SAT"),
        ("VAL", "SAT"),
        ("SAT", "COMP"),
        ("SAT", "LOY"),
        ("COMP", "LOY"),
    ),
    reference=(
        "Fornell, Johnson, Anderson, Cha & Bryant (1996), The American Customer Satisfaction "
        "Index: nature, purpose, and findings. Journal of Marketing 60(4), 7-18, Figure 1"
    ),
)

ECSI_MODEL = PathModelSpec(
    name="ECSI",
    latents=("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"),
    paths=(
        ("IMAG", "EXPE"),
        ("IMAG", "SAT"),
        ("IMAG", "LOY"),
        ("EXPE", "QUAL"),
        ("EXPE", "VAL"),
        ("EXPE", "SAT"),
        ("QUAL", "VAL"),
        ("QUAL", "SAT"),
        ("VAL", "SAT"),
        ("SAT", "COMP"),
        ("SAT", "LOY"),
        ("COMP", "LOY"),
    ),
    reference=(
        "ECSI Technical Committee (1998); Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), "
        "PLS path modeling. Computational Statistics & Data Analysis 48, 159-205, Figure 3"
    ),
)


def blocks_from_prefixes(
    columns: Iterable[str], prefixes: Mapping[str, str]
) -> dict[str, list[str]]:
    """Build PLS ``blocks`` from column-name prefixes.

    Every column whose name starts with ``prefixes[latent]`` becomes an indicator of
    ``latent``, in the columns' order.

    Parameters
    ----------
    columns : iterable of str
        Column names, typically ``data.columns``.
    prefixes : mapping
        ``latent -> prefix``, e.g. ``{"SAT": "sat", "LOY": "loy"}``.

    Returns
    -------
    dict
        ``latent -> [columns]``, in the order of ``prefixes``.

    Raises
    ------
    InvalidInput
        When a prefix matches no column, or a column matches two prefixes.

    Examples
    --------
    >>> blocks_from_prefixes(["sat1", "sat2", "loy1", "gender"], {"SAT": "sat", "LOY": "loy"})
    {'SAT': ['sat1', 'sat2'], 'LOY': ['loy1']}
    """
    names = [str(c) for c in columns]
    blocks: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for latent, prefix in prefixes.items():
        if not prefix:
            raise InvalidInput(f"prefix for latent {latent!r} is empty")
        matched = [c for c in names if c.startswith(prefix)]
        if not matched:
            raise InvalidInput(
                f"no column starts with {prefix!r} (latent {latent!r}); columns: {', '.join(names[:20])}"
            )
        for c in matched:
            if c in owner:
                raise InvalidInput(
                    f"column {c!r} matches the prefixes of both {owner[c]!r} and {latent!r}; "
                    "use longer prefixes or list the blocks by hand"
                )
            owner[c] = latent
        blocks[latent] = matched
    return blocks


def index_scores(
    raw_block: FloatArray, unstandardized_weights: FloatArray, low: float, high: float
) -> FloatArray:
    """0–100 index of each respondent for one block, the ACSI way (Fornell et al. 1996).

    ``index = (sum_i w̃_i x_i - low) / (high - low) * 100`` with
    ``w̃ = w / sum(w)`` the unstandardised outer weights rescaled to sum to one, ``x`` the
    raw answers and ``[low, high]`` the answer scale (1–10 in the ACSI).
    """
    total = float(unstandardized_weights.sum())
    if total == 0.0:
        raise InvalidInput("the outer weights of a block sum to zero; no index can be formed")
    rescaled = unstandardized_weights / total
    return np.asarray((raw_block @ rescaled - low) / (high - low) * 100.0)


__all__ = [
    "ACSI_MODEL",
    "ECSI_MODEL",
    "LATENT_LABELS",
    "PathModelSpec",
    "blocks_from_prefixes",
    "index_scores",
]
