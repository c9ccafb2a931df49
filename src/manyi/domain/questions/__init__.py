"""Question kinds in one place: one module per kind or family, one registry.

``kind_spec(question.kind)`` answers everything that depends on a question's kind (see
:class:`QuestionKindSpec`); ``manyi.domain.survey``, ``manyi.domain.answers``,
``manyi.ingestion.mapping`` and ``manyi.ingestion.cleaning`` ask it instead of testing
kinds themselves.

To add a kind: add its value to :class:`~manyi.domain.enums.QuestionKind`, write a module
here with a :class:`QuestionKindSpec` subclass and one instance of it, and list that
instance in ``_SPECS`` below. ``tests/domain/test_domain_questions.py`` fails until every
enum value has a spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from manyi.domain.enums import QuestionKind
from manyi.domain.questions.choice import MULTIPLE, RANKING, SINGLE
from manyi.domain.questions.kano import KANO
from manyi.domain.questions.matrix import MATRIX
from manyi.domain.questions.open import OPEN
from manyi.domain.questions.scale import CES, CSAT, LIKERT, NPS, RATING
from manyi.domain.questions.servqual import SERVQUAL
from manyi.domain.questions.spec import AnswerCell, AnswerProblems, QuestionKindSpec
from manyi.errors import InvalidInput

_SPECS: tuple[QuestionKindSpec, ...] = (
    RATING,
    NPS,
    CSAT,
    CES,
    LIKERT,
    MATRIX,
    SINGLE,
    MULTIPLE,
    RANKING,
    OPEN,
    SERVQUAL,
    KANO,
)


def _registry(specs: tuple[QuestionKindSpec, ...]) -> Mapping[QuestionKind, QuestionKindSpec]:
    registry: dict[QuestionKind, QuestionKindSpec] = {}
    for spec in specs:
        if spec.kind in registry:
            raise RuntimeError(f"two specs are registered for the question kind {spec.kind}")
        registry[spec.kind] = spec
    return MappingProxyType(registry)


#: Every registered question kind and its spec, in the order of ``_SPECS``.
KINDS: Mapping[QuestionKind, QuestionKindSpec] = _registry(_SPECS)
# The lookup every answer cell makes, kept to one dict access (an import checks millions).
_BY_VALUE: dict[str, QuestionKindSpec] = {kind.value: spec for kind, spec in KINDS.items()}


def kind_spec(kind: QuestionKind | str) -> QuestionKindSpec:
    """The spec of a question kind (given as the enum or its string value)."""
    spec = _BY_VALUE.get(kind)  # a StrEnum member hashes as its value: one lookup for both
    if spec is not None:
        return spec
    try:
        member = QuestionKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in QuestionKind)
        raise InvalidInput(f"unknown question kind {kind!r}; kinds are {known}") from None
    spec = KINDS.get(member)
    if spec is None:
        raise LookupError(
            f"no module is registered for the question kind {member.value}; "
            "add it to manyi.domain.questions._SPECS"
        )
    return spec


__all__ = ["KINDS", "AnswerCell", "AnswerProblems", "QuestionKindSpec", "kind_spec"]
