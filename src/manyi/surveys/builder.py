"""The survey builder's use cases: list, create, edit, import, export and publish surveys.

The web builder (``manyi.web.builder``) calls one function here per request. Every edit
takes the current definition as a JSON document, changes it (a pure function on the
document: :func:`add_question`, :func:`move_question`…), and saves it only when the
whole document passes :class:`~manyi.domain.survey.SurveyDefinition`; what the domain
refuses comes back as :class:`~manyi.surveys.builder_form.Problem` s next to the form
field they concern.

Saving a draft that nobody answered overwrites its current version (the builder saves
every click; numbering a version per click would say nothing). Saving a survey that is
or was published, or that has responses, stores a new version: responses keep pointing
at the version they answered.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from manyi.domain.enums import QuestionKind, SurveyStatus
from manyi.domain.questions import KINDS
from manyi.domain.survey import Question, SurveyDefinition
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.responses import response_counts
from manyi.storage.surveys import replace_current_definition
from manyi.surveys.builder_form import (
    FormData,
    FormRefused,
    Problem,
    first_values,
    parse_question,
    suggest_code,
)
from manyi.surveys.links import public_url
from manyi.surveys.service import (
    Survey,
    SurveySummary,
    create_survey,
    get_survey,
    list_surveys,
    parse_definition,
    revise_survey,
    set_status,
)
from manyi.surveys.templates import TemplateInfo, create_from_template, list_templates

#: The largest definition file the builder imports (the largest template is ~20 kB).
MAX_IMPORT_BYTES = 1_000_000
#: Statuses the builder's buttons set: publish (and resume, reopen), pause, close.
BUTTON_STATUSES = (SurveyStatus.ACTIVE, SurveyStatus.PAUSED, SurveyStatus.CLOSED)
Direction = Literal["up", "down"]

# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ListedSurvey:
    summary: SurveySummary
    public_url: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class SurveyList:
    surveys: list[ListedSurvey]
    total: int
    page: int
    pages: int


def survey_list(db: Database, base_url: str, *, page: int = 1, per_page: int = 50) -> SurveyList:
    """One page of the surveys, each with its public link."""
    summaries, total = list_surveys(db, limit=per_page, offset=(page - 1) * per_page)
    listed = []
    for summary in summaries:
        title = get_survey(db, summary.id).definition.title
        url = public_url(base_url, summary.id)
        listed.append(ListedSurvey(summary, url, title.get("zh-CN"), title.get("en")))
    return SurveyList(listed, total, page, max(1, -(-total // per_page)))


@dataclass(frozen=True)
class BuilderView:
    """What the builder page shows of a survey."""

    survey: Survey
    responses: int
    public_url: str

    @property
    def versioned(self) -> bool:
        """Saving stores a new version: the survey is or was published, or was answered."""
        return _versioned(self.survey, self.responses)

    @property
    def document(self) -> dict[str, Any]:
        return _document(self.survey.definition)


def builder_view(db: Database, survey_id: int, base_url: str) -> BuilderView:
    survey = get_survey(db, survey_id)
    return BuilderView(survey, _responses(db, survey_id), public_url(base_url, survey_id))


def _responses(db: Database, survey_id: int) -> int:
    with db.session() as s:
        return response_counts(s, survey_ids=[survey_id]).get(survey_id, 0)


def _versioned(survey: Survey, responses: int) -> bool:
    return survey.status != SurveyStatus.DRAFT or responses > 0


def _document(definition: SurveyDefinition) -> dict[str, Any]:
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)


def templates() -> list[TemplateInfo]:
    """The ready templates a new survey can start from."""
    return list_templates()


def first_question_kinds() -> list[QuestionKind]:
    """Kinds a blank survey's first question may have: those a text alone defines
    (choices and matrices need options or rows, added in the builder afterwards)."""
    fit = []
    for kind in KINDS:
        try:
            Question.model_validate({"code": "q", "kind": kind.value, "text": "q"})
        except ValueError:
            continue
        fit.append(kind)
    return fit


# --------------------------------------------------------------------------- creating


def new_survey(db: Database, form: FormData) -> Survey:
    """A new draft: from a template (field ``template``) or blank (a title and a first
    question of field ``kind`` with text ``text_zh``/``text_en``)."""
    values = first_values(form)
    template_code = values.get("template", "").strip()
    title = _local(values, "title")
    if template_code:
        if template_code not in {t.code for t in list_templates()}:
            raise FormRefused("unknown template", problems=[Problem("template", "template")])
        return create_from_template(db, template_code, title=title)
    problems = []
    if title is None:
        problems.append(Problem("title_zh", "title_missing"))
    kind = values.get("kind", "")
    if kind not in {k.value for k in first_question_kinds()}:
        problems.append(Problem("kind", "invalid", kind))
    text = _local(values, "text")
    if text is None:
        problems.append(Problem("text_zh", "text_missing"))
    if problems:
        raise FormRefused("the new survey form has problems", problems=problems)
    document = {"title": title, "questions": [{"code": kind, "kind": kind, "text": text}]}
    try:
        return create_survey(db, document)
    except InvalidInput as exc:
        raise FormRefused(exc.message, problems=problems_of(exc, None)) from None


def _local(values: Mapping[str, str], prefix: str) -> dict[str, str] | None:
    pairs = (("zh-CN", values.get(f"{prefix}_zh", "")), ("en", values.get(f"{prefix}_en", "")))
    found = {language: text.strip() for language, text in pairs if text.strip()}
    return found or None


# --------------------------------------------------------------------------- edits (pure)


def question_index(document: Mapping[str, Any], code: str) -> int:
    for i, question in enumerate(document["questions"]):
        if question["code"] == code:
            return i
    raise NotFound(f"the survey has no question {code!r}")


def add_question(document: Mapping[str, Any], question: Mapping[str, Any]) -> dict[str, Any]:
    """The document with ``question`` appended (on the last page)."""
    changed = copy.deepcopy(dict(document))
    changed["questions"].append(dict(question))
    return changed


def replace_question(
    document: Mapping[str, Any], code: str, question: Mapping[str, Any]
) -> dict[str, Any]:
    """The document with question ``code`` replaced in place (a new code is renamed in
    the explicit ``pages`` list too)."""
    changed = copy.deepcopy(dict(document))
    changed["questions"][question_index(changed, code)] = dict(question)
    for page in changed.get("pages", []):
        page["questions"] = [question["code"] if c == code else c for c in page["questions"]]
    return changed


def delete_question(document: Mapping[str, Any], code: str) -> dict[str, Any]:
    changed = copy.deepcopy(dict(document))
    index = question_index(changed, code)
    if len(changed["questions"]) == 1:
        raise FormRefused("a survey needs a question", problems=[Problem("", "last_question")])
    removed = changed["questions"].pop(index)
    if removed.get("page_break") and index < len(changed["questions"]):
        # The page the deleted question started stays a page: its next question starts it.
        changed["questions"][index]["page_break"] = True
    for page in changed.get("pages", []):
        page["questions"] = [c for c in page["questions"] if c != code]
    changed["pages"] = [p for p in changed.get("pages", []) if p["questions"]]
    return changed


def move_question(document: Mapping[str, Any], code: str, direction: Direction) -> dict[str, Any]:
    """The document with question ``code`` one step up or down, where a page break is a
    step too: the second question of a page moves to the top of it, the first question
    of a page moves to the end of the page before. At either end it stays."""
    changed = _paged_by_breaks(document)
    questions = changed["questions"]
    question_index(changed, code)  # NotFound for an unknown code
    # The questions and the page breaks between them as one list; None is a break.
    items: list[dict[str, Any] | None] = []
    for i, question in enumerate(questions):
        if i > 0 and question.get("page_break"):
            items.append(None)
        items.append(question)
    at = next(i for i, item in enumerate(items) if item is not None and item["code"] == code)
    other = at - 1 if direction == "up" else at + 1
    if 0 <= other < len(items):
        items[at], items[other] = items[other], items[at]
    ordered: list[dict[str, Any]] = []
    starts_page = False
    for item in items:
        if item is None:
            starts_page = bool(ordered)  # a break before the first question is none
            continue
        item.pop("page_break", None)
        if starts_page:
            item["page_break"] = True
        starts_page = False
        ordered.append(item)
    changed["questions"] = ordered
    return changed


def toggle_page_break(document: Mapping[str, Any], code: str) -> dict[str, Any]:
    """The document with a page break before question ``code`` added or removed."""
    changed = _paged_by_breaks(document)
    question = changed["questions"][question_index(changed, code)]
    if question.get("page_break"):
        question.pop("page_break")
    else:
        question["page_break"] = True
    return changed


def _paged_by_breaks(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy paged with ``page_break`` instead of an explicit ``pages`` list, so moves
    and breaks act on one order. Pages with titles would lose them: refused."""
    changed = copy.deepcopy(dict(document))
    listed = changed.pop("pages", None)
    if not listed:
        return changed
    if any(page.get("title") for page in listed):
        raise FormRefused("the pages have titles", problems=[Problem("", "titled_pages")])
    groups = parse_definition({**document}).page_groups()
    by_code = {q["code"]: q for q in changed["questions"]}
    ordered: list[dict[str, Any]] = []
    for group in groups:
        for i, question in enumerate(group):
            entry = by_code[question.code]
            entry.pop("page_break", None)
            if i == 0 and ordered:
                entry["page_break"] = True
            ordered.append(entry)
    changed["questions"] = ordered
    return changed


def apply_settings(document: Mapping[str, Any], form: FormData) -> dict[str, Any]:
    """The document with the title, description, languages, thank-you text and typical
    completion time of the settings form."""
    values = first_values(form)
    changed = copy.deepcopy(dict(document))
    problems = []
    title = _local(values, "title")
    if title is None:
        problems.append(Problem("title_zh", "title_missing"))
    else:
        changed["title"] = title
    for name, key in (("description", "description"), ("thank_you", "thank_you")):
        text = _local(values, name)
        if text is None:
            changed.pop(key, None)
        else:
            changed[key] = text
    languages = [lang for lang in ("zh-CN", "en") if lang in form.get("languages", ())]
    if not languages:
        problems.append(Problem("languages", "languages_missing"))
    changed["languages"] = languages
    seconds = values.get("expected_seconds", "").strip()
    if not seconds:
        changed.pop("expected_seconds", None)
    elif seconds.isdigit():
        changed["expected_seconds"] = int(seconds)
    else:
        problems.append(Problem("expected_seconds", "whole_number", seconds))
    if problems:
        raise FormRefused("the settings form has problems", problems=problems)
    return changed


# --------------------------------------------------------------------------- saving


@dataclass(frozen=True)
class Saved:
    """The survey after a save; ``new_version``: the save stored a new version (the
    survey was published or answered) rather than overwriting the draft."""

    survey: Survey
    new_version: bool
    previous_version: int


def save_document(
    db: Database, survey_id: int, document: Any, *, question: int | None = None
) -> Saved:
    """Validate ``document`` as the survey's definition and store it. ``question``: the
    index of the question the form edited (its problems are put next to its fields)."""
    try:
        definition = parse_definition(document)
    except InvalidInput as exc:
        raise FormRefused(exc.message, problems=problems_of(exc, question)) from None
    current = get_survey(db, survey_id)
    if _versioned(current, _responses(db, survey_id)):
        return Saved(revise_survey(db, survey_id, definition), True, current.version)
    with db.session() as s:
        replace_current_definition(
            s, survey_id, title=definition.title.get("zh-CN"), definition=_document(definition)
        )
    return Saved(get_survey(db, survey_id), False, current.version)


def save_question(
    db: Database, survey_id: int, kind: str, form: FormData, *, original: str | None = None
) -> Saved:
    """Add a question of ``kind`` (``original`` None) or replace question ``original``
    with the posted form. A published survey's question keeps its code: stored answers
    are filed under it."""
    try:
        kind_value = QuestionKind(kind)
    except ValueError:
        raise FormRefused("unknown kind", problems=[Problem("kind", "invalid", kind)]) from None
    survey = get_survey(db, survey_id)
    document = _document(survey.definition)
    values = first_values(form)
    codes = [q["code"] for q in document["questions"]]
    if original is not None:
        index = question_index(document, original)
        if _versioned(survey, _responses(db, survey_id)):
            values["code"] = original
        taken = [c for c in codes if c != original]
        question = parse_question(kind_value, values, taken=taken)
        return save_document(
            db, survey_id, replace_question(document, original, question), question=index
        )
    question = parse_question(kind_value, values, taken=codes)
    return save_document(
        db, survey_id, add_question(document, question), question=len(document["questions"])
    )


def edit_survey(
    db: Database,
    survey_id: int,
    action: Literal["delete", "up", "down", "page_break", "settings"],
    *,
    code: str = "",
    form: FormData | None = None,
) -> Saved:
    """One edit of the builder's buttons (delete, move up/down, page break) or of its
    settings form, saved as :func:`save_document` does."""
    document = _document(get_survey(db, survey_id).definition)
    if action == "delete":
        changed = delete_question(document, code)
    elif action in ("up", "down"):
        changed = move_question(document, code, "up" if action == "up" else "down")
    elif action == "page_break":
        changed = toggle_page_break(document, code)
    else:
        changed = apply_settings(document, form or {})
    return save_document(db, survey_id, changed)


def problems_of(exc: InvalidInput, question: int | None) -> list[Problem]:
    """The domain's errors as problems: those of question number ``question`` next to
    its form field, the rest for the whole form, each with its path."""
    problems = []
    for error in exc.errors:
        loc = [str(part) for part in error.loc]
        message = error.msg.removeprefix("Value error, ")
        if question is not None and loc[:2] == ["questions", str(question)]:
            problems.append(Problem(_field_of(loc[2:], message), "invalid", message))
        else:
            path = ".".join(p for p in loc if p not in ("comparison", "all", "any"))
            problems.append(Problem("", "invalid", f"{path}: {message}" if path else message))
    return problems


# Question fields → the form input their problems go next to.
_FIELD_INPUT = {
    "text": "text_zh",
    "help": "help_zh",
    "expectation_text": "expectation_zh",
    "perception_text": "perception_zh",
    "functional_text": "functional_zh",
    "dysfunctional_text": "dysfunctional_zh",
    "options": "options",
    "rows": "rows",
    "show_if": "show_if",
}


def _field_of(loc: list[str], message: str) -> str:
    if not loc:
        # A check across the question's fields: name the field it is about where it says.
        for word, name in (("option", "options"), ("row", "rows"), ("scale", "scale_min")):
            if word in message:
                return name
        return "randomize" if "randomize" in message else ""
    head = loc[0]
    if head == "scale":
        return "labels" if "labels" in loc else ("scale_max" if "max" in loc else "scale_min")
    return _FIELD_INPUT.get(head, head)


# --------------------------------------------------------------------------- files


def export_definition(db: Database, survey_id: int) -> tuple[str, bytes]:
    """The current definition as a JSON file: (file name, content)."""
    survey = get_survey(db, survey_id)
    content = json.dumps(_document(survey.definition), ensure_ascii=False, indent=2)
    return f"survey-{survey.id}-v{survey.version}.json", (content + "\n").encode()


def import_definition(db: Database, survey_id: int, content: bytes) -> Saved:
    """Replace the definition with an uploaded JSON file: a definition as exported, or
    the ``GET /api/v1/surveys/{id}`` body holding one under ``definition``."""
    get_survey(db, survey_id)  # an unknown survey is a 404 before the file is judged

    def refuse(code: str, detail: str = "") -> FormRefused:
        problem = Problem("file", code, detail)
        return FormRefused("the file is not a survey definition", problems=[problem])

    if not content.strip():
        raise refuse("file_empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise refuse("file_too_large", f"{len(content):,} bytes")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse("file_encoding", f"byte {exc.start}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise refuse("file_json", f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(document, dict) and "questions" not in document and "definition" in document:
        document = document["definition"]
    if not isinstance(document, dict):
        raise refuse("file_not_object", type(document).__name__)
    try:
        parse_definition(document)
    except InvalidInput as exc:
        problems = [
            Problem("file", "file_invalid", f"{'.'.join(map(str, e.loc))}: {e.msg}")
            for e in exc.errors
        ]
        raise FormRefused(exc.message, problems=problems) from None
    return save_document(db, survey_id, document)


# --------------------------------------------------------------------------- status


def change_status(db: Database, survey_id: int, status: str) -> Survey:
    """Publish (``active``: also resume or reopen), pause or close the survey. Pausing a
    survey that is neither open nor scheduled is refused."""
    try:
        wanted = SurveyStatus(status)
    except ValueError:
        wanted = None
    if wanted not in BUTTON_STATUSES:
        raise InvalidInput(f"the builder sets active, paused or closed, not {status!r}")
    current = get_survey(db, survey_id)
    # A scheduled survey (published, waiting for its opening time) can be paused too.
    if wanted == SurveyStatus.PAUSED and current.status not in (
        SurveyStatus.ACTIVE,
        SurveyStatus.SCHEDULED,
    ):
        raise InvalidInput("only an open or scheduled survey can be paused")
    return set_status(db, survey_id, wanted)


__all__ = [
    "BuilderView",
    "FormRefused",
    "Problem",
    "Saved",
    "SurveyList",
    "builder_view",
    "change_status",
    "edit_survey",
    "export_definition",
    "import_definition",
    "new_survey",
    "save_question",
    "suggest_code",
    "survey_list",
    "templates",
]
