"""Inter-coder agreement, kept importable here: it now lives in :mod:`manyi.stats.agreement`.

Cohen's kappa and Krippendorff's alpha are statistics, so they moved to ``manyi.stats``
(issue #9); the names below stay public here so code written against
``manyi.text.agreement`` keeps working. ``AlphaResult`` is
:class:`manyi.stats.agreement.KrippendorffResult` (``manyi.stats`` already has an
``AlphaResult``, Cronbach's).

This import of ``manyi.stats`` from ``manyi.text`` is allowed by name in the
import-linter layers contract (``ignore_imports`` in pyproject.toml), as is
``manyi.text.topics``' re-export of ``benjamini_hochberg``; no other ``manyi.text``
module imports ``manyi.stats``.
"""

from __future__ import annotations

from manyi.stats.agreement import KappaResult, cohen_kappa, disagreements, krippendorff_alpha
from manyi.stats.agreement import KrippendorffResult as AlphaResult

__all__ = ["AlphaResult", "KappaResult", "cohen_kappa", "disagreements", "krippendorff_alpha"]
