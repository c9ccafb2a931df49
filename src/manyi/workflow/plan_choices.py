"""What the plan form offers: surveys, departments, staff and touchpoints by name."""

from __future__ import annotations

from dataclasses import dataclass

from manyi.storage.database import Database
from manyi.storage.plans import survey_titles, touchpoint_ids_by_code
from manyi.storage.scorecards import department_labels, user_labels


@dataclass(frozen=True)
class PlanChoices:
    surveys: list[tuple[int, str]]
    departments: list[tuple[int, str, str, str]]  # id, code, name zh, name en
    users: list[tuple[int, str]]
    touchpoints: list[str]


def plan_choices(db: Database) -> PlanChoices:
    with db.session() as s:
        return PlanChoices(
            surveys=sorted(survey_titles(s).items()),
            departments=[(i, *labels) for i, labels in sorted(department_labels(s).items())],
            users=sorted(
                ((i, name) for i, (name, _dep) in user_labels(s).items()), key=lambda u: u[1]
            ),
            touchpoints=sorted(touchpoint_ids_by_code(s)),
        )
