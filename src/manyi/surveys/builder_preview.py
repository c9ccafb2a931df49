"""The builder's preview: a survey's form as a respondent sees it, storing nothing.

The respondent form (:mod:`manyi.surveys.respond`) keeps its answers in a stored draft.
A preview must not: it carries the answers so far in the page itself (a hidden field
the next post sends back), checks each page as the form does, follows the conditions and
pages, and ends with the thank-you text instead of recording a response. It works for a
draft survey too, which the public form would not open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from manyi.domain.answers import validate_answers
from manyi.domain.logic import drop_hidden, pages
from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.surveys.builder_form import FormData
from manyi.surveys.respond import Form, read_page, shown_on
from manyi.surveys.service import get_survey

#: Longest carried answers accepted back (a survey's answers are far smaller).
_MAX_CARRIED = 2_000_000


@dataclass(frozen=True)
class Preview:
    """One preview page: the form to render, and whether the respondent has finished."""

    form: Form
    finished: bool = False

    @property
    def carried(self) -> str:
        """The answers so far, for the page's hidden field."""
        return json.dumps(self.form.answers, ensure_ascii=False)


def _carried(raw: str) -> dict[str, Any]:
    """The answers a preview page sent back; anything else starts empty (the preview
    is a look at the form, not a record: a tampered field only changes what it shows)."""
    if not raw or len(raw) > _MAX_CARRIED:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def preview_page(db: Database, survey_id: int, *, page: int = 0, carried: str = "") -> Preview:
    """Page ``page`` of the survey's form with the carried answers (the first page with a
    question to ask from there)."""
    survey = get_survey(db, survey_id)
    answers = _carried(carried)
    form = Form("open", survey, None, 0, answers)
    found = _step(form, answers, max(0, min(page, len(form.pages) - 1)), 1)
    form.page = 0 if found is None else found
    return Preview(form)


def preview_post(
    db: Database,
    survey_id: int,
    fields: FormData,
    *,
    page: int,
    carried: str,
    action: Literal["next", "back"],
) -> Preview:
    """The page after the respondent posts page ``page``: checked as the public form
    checks it (errors keep the posted input), then the next or previous page, or the end."""
    survey = get_survey(db, survey_id)
    saved = _carried(carried)
    definition = survey.definition
    all_pages = pages(definition)
    page = max(0, min(page, len(all_pages) - 1))
    form = Form("open", survey, None, page, saved)
    questions = shown_on(definition, all_pages[page], saved)
    posted = read_page(questions, fields)
    asked = [q for group in all_pages[: page + 1] for q in group]
    asked_codes = {q.code for q in asked}
    so_far = definition.model_copy(update={"questions": asked, "pages": []})
    merged = {k: v for k, v in {**saved, **posted}.items() if v is not None}
    merged = {k: v for k, v in merged.items() if k in asked_codes}
    if action == "back":
        back = _step(form, saved, page - 1, -1)
        form.page = page if back is None else back
        return Preview(form)
    try:
        checked = validate_answers(so_far, drop_hidden(so_far, merged))
    except InvalidInput as exc:
        shown = Form("open", survey, None, page, {**saved, **posted})
        for error in exc.errors:
            code = str(error.loc[1]) if len(error.loc) > 1 else ""
            shown.errors.setdefault(code, []).append((error.type, error.msg))
        return Preview(shown)
    answers = {**{k: v for k, v in saved.items() if k not in asked_codes}, **checked.answers}
    following = _step(form, answers, page + 1, 1)
    if following is None:
        return Preview(Form("submitted", survey, None, page, answers), finished=True)
    return Preview(Form("open", survey, None, following, answers))


def _step(form: Form, answers: dict[str, Any], start: int, step: int) -> int | None:
    """The first page from ``start`` (by ``step``) with a question the answers show."""
    index = start
    while 0 <= index < len(form.pages):
        if shown_on(form.survey.definition, form.pages[index], answers):
            return index
        index += step
    return None
