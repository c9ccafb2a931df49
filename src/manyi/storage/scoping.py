"""Department scoping as SQL: the ``WHERE`` conditions that keep a query to the rows of a
:class:`~manyi.domain.scope.DepartmentScope`.

Every function returns ``true()`` for an unrestricted scope (``None`` or everything), so an
administrator's query is the same query as before scoping existed (same plan, same
indexes). A restricted scope compares the row's department with the scope's ids; rows
without a department never match (``NULL IN (...)`` is not true), as the scoping rules
want.

Where the department lives:

* feedback items: ``feedback_items.department_id``;
* responses: the department of the response's touchpoint (``touchpoints.department_id``);
* answers and aspect mentions: their response's (or feedback item's).

Usage in a repository function that takes ``scope: DepartmentScope | None = None``::

    query = select(FeedbackItemRow).where(in_scope(FeedbackItemRow.department_id, scope))
    query = select(ResponseRow).where(response_in_scope(scope))
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from manyi.domain.scope import DepartmentScope
from manyi.storage.tables import (
    AnswerRow,
    AspectMentionRow,
    CustomerRow,
    FeedbackItemRow,
    ResponseRow,
    TouchpointRow,
)


def _ids(scope: DepartmentScope | None) -> list[int] | None:
    """The scope's ids in a stable order, or None when it is unrestricted."""
    if scope is None or scope.department_ids is None:
        return None
    return sorted(scope.department_ids)


def in_scope(column: Any, scope: DepartmentScope | None) -> ColumnElement[bool]:
    """``column`` (a department id column) is one of the scope's departments."""
    ids = _ids(scope)
    if ids is None:
        return true()
    if not ids:
        return false()
    condition: ColumnElement[bool] = column.in_(ids)
    return condition


def scoped_touchpoints(scope: DepartmentScope | None) -> Any:
    """``SELECT id FROM touchpoints`` of the scope's departments (restricted scopes only)."""
    return select(TouchpointRow.id).where(in_scope(TouchpointRow.department_id, scope))


def response_in_scope(scope: DepartmentScope | None) -> ColumnElement[bool]:
    """The response's touchpoint belongs to one of the scope's departments."""
    ids = _ids(scope)
    if ids is None:
        return true()
    if not ids:
        return false()
    condition: ColumnElement[bool] = ResponseRow.touchpoint_id.in_(scoped_touchpoints(scope))
    return condition


def scoped_responses(scope: DepartmentScope | None) -> Any:
    """``SELECT id FROM responses`` of the scope (restricted scopes only)."""
    return select(ResponseRow.id).where(response_in_scope(scope))


def answer_in_scope(scope: DepartmentScope | None) -> ColumnElement[bool]:
    """The answer's response is in the scope (answers carry no touchpoint of their own)."""
    ids = _ids(scope)
    if ids is None:
        return true()
    if not ids:
        return false()
    condition: ColumnElement[bool] = AnswerRow.response_id.in_(scoped_responses(scope))
    return condition


def feedback_in_scope(scope: DepartmentScope | None) -> ColumnElement[bool]:
    """The feedback item's department is one of the scope's."""
    return in_scope(FeedbackItemRow.department_id, scope)


def mention_in_scope(scope: DepartmentScope | None) -> ColumnElement[bool]:
    """The aspect mention's text (a feedback item or an open answer) is in the scope."""
    ids = _ids(scope)
    if ids is None:
        return true()
    if not ids:
        return false()
    # Correlated EXISTS on primary keys: a window holds few mentions, while the scope's
    # answers are many (an IN over them measured many times slower on the demo). Aliases
    # keep the subqueries' tables their own when the outer query joins the same tables.
    item, answer = aliased(FeedbackItemRow), aliased(AnswerRow)
    response, touchpoint = aliased(ResponseRow), aliased(TouchpointRow)
    feedback = select(item.id).where(
        item.id == AspectMentionRow.feedback_id, in_scope(item.department_id, scope)
    )
    answers = (
        select(answer.id)
        .join(response, response.id == answer.response_id)
        .join(touchpoint, touchpoint.id == response.touchpoint_id)
        .where(
            answer.id == AspectMentionRow.answer_id,
            in_scope(touchpoint.department_id, scope),
        )
    )
    return or_(feedback.exists(), answers.exists())


def touchpoint_department(session: Session, touchpoint_id: int | None) -> int | None:
    """The department of a touchpoint (a response's department), or None."""
    if touchpoint_id is None:
        return None
    return session.scalar(
        select(TouchpointRow.department_id).where(TouchpointRow.id == touchpoint_id)
    )


def customer_in_scope(session: Session, external_id: str, scope: DepartmentScope | None) -> bool:
    """Whether a customer belongs to the scope: customers carry no department of their
    own, so a scoped user sees those with a response or feedback item in the scope."""
    if _ids(scope) is None:
        return True
    customer = select(CustomerRow.id).where(CustomerRow.external_id == external_id)
    responses = select(ResponseRow.id).where(
        ResponseRow.customer_id.in_(customer), response_in_scope(scope)
    )
    feedback = select(FeedbackItemRow.id).where(
        FeedbackItemRow.customer_id.in_(customer), feedback_in_scope(scope)
    )
    return bool(session.scalar(select(or_(responses.exists(), feedback.exists()))))
