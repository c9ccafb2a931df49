"""The respondent form's use cases: open a survey's form, save a page into the draft,
submit the last page through the intake pipeline.

A respondent's browser holds a random resume token (a cookie); the draft is stored under
its SHA-256 only, so the same link resumes the same draft. The page's answers come in as
form fields named by :func:`field_name`; each question kind's ``form_macro`` (see
:mod:`manyi.domain.questions`) says which fields its macro draws, and :data:`_READERS`
reads the same fields back. The finished form is recorded
by the web channel through :func:`manyi.ingestion.pipeline.record` (``source="web"``),
the one way a response is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from manyi.domain.answers import validate_answers
from manyi.domain.enums import KanoAnswer
from manyi.domain.logic import (
    drop_hidden,
    ordered_choices,
    pages,
    pipe_text,
    visible_questions,
)
from manyi.domain.questions import kind_spec
from manyi.domain.schedule import survey_state
from manyi.domain.survey import LocalText, Option, Question, Quota, SurveyDefinition
from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.storage.drafts import (
    Draft,
    add_draft,
    find_draft,
    known_codes,
    mark_draft_submitted,
    save_draft,
)
from manyi.storage.types import utcnow
from manyi.surveys.consent import consent_given, given_consent, take_consent
from manyi.surveys.links import Invitation, invitation_response_key
from manyi.surveys.quotas import full_quota_for, screen_out
from manyi.surveys.service import Survey, get_survey

log = logging.getLogger(__name__)

#: Why a form is not shown: the survey is not accepting answers (``not_yet``: before its
#: scheduled opening), this browser's draft was already submitted or screened out by a
#: full quota, or a personal link is not valid, has expired or was answered.
FormState = Literal[
    "open",
    "closed",
    "not_open",
    "not_yet",
    "submitted",
    "screened_out",
    "bad_link",
    "expired",
    "answered",
]
Action = Literal["next", "back"]
#: Form fields: what one page posts, each name with every value it was given.
FormData = Mapping[str, Sequence[str]]

KANO_CHOICES: tuple[str, ...] = tuple(answer.value for answer in KanoAnswer)


def resume_hash(token: str) -> str:
    """What is stored of a resume token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def form_token(secret: str, resume_token: str) -> str:
    """The CSRF token of one draft's form: an HMAC of its resume token, so it needs no
    storage and a page posted from another site (without the token) is refused."""
    return hmac.new(secret.encode(), b"respond:" + resume_token.encode(), "sha256").hexdigest()


def field_name(question: Question, part: str | None = None) -> str:
    """The form field of a question (``q.nps``) or of one of its parts (``q.m1.row2``)."""
    return f"q.{question.code}" if part is None else f"q.{question.code}.{part}"


def shown_on(
    definition: SurveyDefinition, page: Sequence[Question], answers: Mapping[str, Any]
) -> list[Question]:
    """The questions of ``page`` that the answers so far leave visible."""
    visible = {q.code for q in visible_questions(definition, answers)}
    return [q for q in page if q.code in visible]


def _step(form_: Form, answers: Mapping[str, Any], start: int, step: int) -> int | None:
    """The first page from ``start`` (going by ``step``) with a question to ask; None
    past either end."""
    all_pages = form_.pages
    index = start
    while 0 <= index < len(all_pages):
        if shown_on(form_.survey.definition, all_pages[index], answers):
            return index
        index += step
    return None


# --------------------------------------------------------------------------- reading forms


def _first(form: FormData, name: str) -> str:
    values = form.get(name) or ()
    return values[0].strip() if values else ""


def _read_scale(q: Question, form: FormData) -> Any:
    return _first(form, field_name(q)) or None


def _read_single(q: Question, form: FormData) -> Any:
    return _first(form, field_name(q)) or None


def _read_multiple(q: Question, form: FormData) -> Any:
    return [v for v in form.get(field_name(q)) or () if v] or None


def _read_ranking(q: Question, form: FormData) -> Any:
    """Options by the rank chosen for each (blank: not ranked); a rank given twice or not a
    number is left to the domain check ("an option is given twice") by repeating the code."""
    ranks: list[tuple[int, str]] = []
    for option in q.options:
        raw = _first(form, field_name(q, option.code))
        if raw.isdigit():
            ranks.append((int(raw), option.code))
    ranks.sort()
    if len({rank for rank, _ in ranks}) != len(ranks):
        return [code for _, code in ranks] + [ranks[0][1]]
    return [code for _, code in ranks] or None


def _read_parts(parts: Sequence[str]) -> Callable[[Question, FormData], Any]:
    def read(q: Question, form: FormData) -> Any:
        found = {part: _first(form, field_name(q, part)) for part in parts}
        return {part: value for part, value in found.items() if value} or None

    return read


def _read_matrix(q: Question, form: FormData) -> Any:
    return _read_parts([row.code for row in q.rows])(q, form)


def _read_servqual(q: Question, form: FormData) -> Any:
    parts = ["expectation", "perception", *(["importance"] if q.importance else [])]
    return _read_parts(parts)(q, form)


def _read_open(q: Question, form: FormData) -> Any:
    values = form.get(field_name(q)) or ()
    return values[0].strip() if values and values[0].strip() else None


#: form_macro → how that macro's fields are read back into an answer (None: unanswered).
_READERS: dict[str, Callable[[Question, FormData], Any]] = {
    "scale": _read_scale,
    "single": _read_single,
    "multiple": _read_multiple,
    "ranking": _read_ranking,
    "matrix": _read_matrix,
    "open": _read_open,
    "servqual": _read_servqual,
    "kano": _read_parts(["functional", "dysfunctional"]),
}


def form_macro(question: Question) -> str:
    """The macro of ``respond/macros.html`` that draws ``question`` (its kind's spec says)."""
    return kind_spec(question.kind).form_macro


def read_page(questions: Sequence[Question], form: FormData) -> dict[str, Any]:
    """{question code: answer as posted} for the questions of one page (None: no answer)."""
    return {q.code: _READERS[form_macro(q)](q, form) for q in questions}


# --------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class Submission:
    """A completed form, for the web channel to record through the intake pipeline
    (``manyi.ingestion.pipeline.record``; services do not call each other)."""

    survey_id: int
    draft_id: int
    answers: dict[str, Any]
    channel: str | None
    touchpoint: str | None
    started_at: datetime
    language: str
    #: The personal invitation answered (then mark it answered after recording).
    invitation_id: int | None = None
    customer: str | None = None
    #: The consent ticked on the first page: its version and the exact text shown.
    consent_version: str | None = None
    consent_text: str | None = None

    @property
    def idempotency_key(self) -> str:
        """The draft as the Idempotency-Key: a submit sent twice stores one response."""
        return f"web-draft-{self.draft_id}"

    @property
    def external_key(self) -> str | None:
        """An invitation's response key (one response per invitation), else None."""
        if self.invitation_id is None:
            return None
        return invitation_response_key(self.invitation_id)


@dataclass
class Form:
    """What the respondent page shows: the survey, where the draft stands, the answers to
    prefill (posted ones after an error) and the problems by question code."""

    state: FormState
    survey: Survey
    draft: Draft | None = None
    page: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: A resume token made by this request: the page sets it as the cookie.
    new_token: str | None = None
    #: Set when the last page was answered: the response to record now.
    submission: Submission | None = None
    #: Whether the consent box of the first page is ticked (the draft holds the consent).
    consent_given: bool = False

    @property
    def pages(self) -> list[list[Question]]:
        return pages(self.survey.definition)

    @property
    def questions(self) -> list[Question]:
        """The questions the current page asks, given the answers so far."""
        if self.state != "open":
            return []
        return shown_on(self.survey.definition, self.pages[self.page], self.answers)

    @property
    def quota(self) -> Quota | None:
        """The quota that screened this draft out (its message is shown), if any."""
        code = self.draft.screened_out if self.draft is not None else None
        return next((q for q in self.survey.definition.quotas if q.code == code), None)

    def text(self, text: LocalText | None, language: str) -> str:
        """A text of the survey in ``language`` with earlier answers piped in (plain
        text: the template escapes it)."""
        if text is None:
            return ""
        return pipe_text(
            text.get(language), self.answers, definition=self.survey.definition, language=language
        )

    def choices(self, question: Question) -> list[Option]:
        """The question's options (or matrix rows) in this respondent's order: shuffled
        by the draft when the question says ``randomize``, the same on every visit."""
        seed = self.draft.id if self.draft is not None else 0
        return ordered_choices(question, seed)


def _state(survey: Survey, now: datetime | None = None) -> FormState:
    """Whether the form takes answers now: by the status and, computed at this moment,
    the schedule (a survey past ``closes_at`` is closed before any job stores it)."""
    state = survey_state(survey.status, survey.opens_at, survey.closes_at, now or utcnow())
    return "closed" if state == "ended" else state


def open_form(
    db: Database,
    survey_id: int,
    resume_token: str | None,
    *,
    language: str,
    channel: str | None = None,
    touchpoint: str | None = None,
    invitation: Invitation | None = None,
    now: datetime | None = None,
) -> Form:
    """The form as this browser left it: its draft (made now if it has none and the
    survey is open), the saved page and answers. A closed survey keeps every draft.
    ``now`` is the moment checked against the schedule (None: now).

    With a personal ``invitation`` (already checked by
    :func:`manyi.surveys.links.open_invitation`) the invitation's token is the resume
    token: the same link resumes the same draft on any device, and the response names
    the invited customer, channel and touchpoint."""
    survey = get_survey(db, survey_id)
    state = _state(survey, now)
    if invitation is not None:
        resume_token = invitation.token
    with db.session() as s:
        draft = find_draft(s, survey_id, resume_hash(resume_token)) if resume_token else None
        if draft is not None and draft.response_id is not None:
            return Form("submitted", survey, draft)
        if draft is not None and draft.screened_out is not None:
            return Form("screened_out", survey, draft)
        if state != "open":
            return Form(state, survey, draft)
        new_token = None
        if draft is None and invitation is not None:
            channel, touchpoint = known_codes(s, invitation.channel, invitation.touchpoint)
            draft = add_draft(
                s,
                survey_id=survey_id,
                survey_version=survey.version,
                resume_hash=resume_hash(invitation.token),
                language=language,
                channel=channel,
                touchpoint=touchpoint,
                invitation_id=invitation.id,
                customer=invitation.customer,
            )
        elif draft is None:
            # A link with a channel or touchpoint code the organisation does not have
            # still works; the response just does not name it.
            channel, touchpoint = known_codes(s, channel, touchpoint)
            new_token = secrets.token_urlsafe(32)
            draft = add_draft(
                s,
                survey_id=survey_id,
                survey_version=survey.version,
                resume_hash=resume_hash(new_token),
                language=language,
                channel=channel,
                touchpoint=touchpoint,
            )
    page = min(draft.page, len(pages(survey.definition)) - 1)
    opened = Form("open", survey, draft, page, dict(draft.answers), new_token=new_token)
    if survey.definition.consent is not None:
        with db.session() as s:
            opened.consent_given = consent_given(s, draft.id)
    return opened


def _errors(exc: InvalidInput) -> dict[str, list[tuple[str, str]]]:
    """Problems by question code, each (type, message) as the domain check words it."""
    found: dict[str, list[tuple[str, str]]] = {}
    for error in exc.errors:
        code = str(error.loc[1]) if len(error.loc) > 1 else ""
        found.setdefault(code, []).append((error.type, error.msg))
    return found


def _kept(questions: Sequence[Question], posted: dict[str, Any]) -> dict[str, Any]:
    """The posted answers to show again after an error; a text longer than the question
    allows is cut there (the error says so) rather than sent back whole."""
    kept = dict(posted)
    for q in questions:
        value = kept.get(q.code)
        if isinstance(value, str) and len(value) > q.max_length:
            kept[q.code] = value[: q.max_length]
    return kept


def post_page(
    db: Database,
    survey_id: int,
    resume_token: str,
    form: FormData,
    *,
    action: Action,
    language: str,
    invitation: Invitation | None = None,
    now: datetime | None = None,
) -> Form:
    """Check the page's answers, save them in the draft and move to the next (or the
    previous) page; after the last page, the form comes back with its
    :class:`Submission` for the caller to record (then :func:`submitted`).

    A page with bad answers is shown again with its errors and the posted input, and
    nothing of it is saved. A survey closed while the respondent answered keeps the draft
    and says so."""
    opened = open_form(
        db, survey_id, resume_token, language=language, invitation=invitation, now=now
    )
    if opened.state in ("closed", "not_open", "not_yet") and opened.draft is not None:
        return _keep_posted(db, opened, form, language)
    if opened.state != "open" or opened.draft is None or opened.new_token is not None:
        # No draft for this token (a lost cookie): start again rather than save blindly.
        return opened
    draft = opened.draft
    definition = opened.survey.definition
    all_pages = opened.pages
    saved = dict(draft.answers)
    questions = shown_on(definition, all_pages[opened.page], saved)
    posted = read_page(questions, form)
    consent_errors: dict[str, list[tuple[str, str]]] = {}
    if opened.page == 0 and action == "next" and definition.consent is not None:
        with db.session() as s:
            opened.consent_given, consent_errors = take_consent(
                s, draft.id, definition, form, language
            )
    # Checked together with the pages before it, so that a condition on an earlier answer
    # decides what this page asks; a later page's required questions do not count yet.
    asked = [q for page in all_pages[: opened.page + 1] for q in page]
    so_far = definition.model_copy(update={"questions": asked, "pages": []})
    merged = {**saved, **{k: v for k, v in posted.items() if v is not None}}
    for q in questions:
        if posted.get(q.code) is None:
            merged.pop(q.code, None)
    asked_codes = {q.code for q in asked}
    try:
        checked = validate_answers(
            so_far, drop_hidden(so_far, {k: v for k, v in merged.items() if k in asked_codes})
        )
    except InvalidInput as exc:
        if action == "back":
            back = _step(opened, saved, opened.page - 1, -1)
            return _save(db, opened, saved, opened.page if back is None else back, language)
        shown = Form("open", opened.survey, draft, opened.page, {**saved, **posted})
        shown.answers.update(_kept(questions, posted))
        shown.errors = {**_errors(exc), **consent_errors}
        shown.consent_given = opened.consent_given
        return shown
    if consent_errors:
        # Required consent not given: the page again, its answers as posted, none saved.
        return Form("open", opened.survey, draft, opened.page, {**saved, **posted}, consent_errors)
    later = {k: v for k, v in saved.items() if k not in asked_codes}
    answers = {**later, **checked.answers}
    if action == "back":
        back = _step(opened, answers, opened.page - 1, -1)
        return _save(db, opened, answers, opened.page if back is None else back, language)
    # A screening answer that puts the respondent in a full quota ends the form here.
    full = full_quota_for(db, survey_id, definition, answers, draft.customer)
    if full is not None:
        return screened_out(db, _save(db, opened, answers, opened.page, language), full.code)
    following = _step(opened, answers, opened.page + 1, 1)
    if following is not None:
        return _save(db, opened, answers, following, language)
    answers = drop_hidden(definition, answers)
    done = _save(db, opened, answers, opened.page, language)
    done.submission = Submission(
        draft.survey_id,
        draft.id,
        answers,
        draft.channel,
        draft.touchpoint,
        draft.started_at,
        language,
        draft.invitation_id,
        draft.customer,
    )
    if definition.consent is not None:
        with db.session() as s:
            given = given_consent(s, draft.id)
        if given is not None:
            done.submission = replace(
                done.submission, consent_version=given.version, consent_text=given.text
            )
    return done


def _keep_posted(db: Database, closed: Form, form: FormData, language: str) -> Form:
    """A page posted after the survey closed (or paused) mid-answer: the draft keeps the
    page's answers too when they pass the page's checks (as a page posted while open
    would), without moving on; the form says the survey does not take answers."""
    draft = _draft_of(closed)
    definition = closed.survey.definition
    page = min(draft.page, len(closed.pages) - 1)
    questions = shown_on(definition, closed.pages[page], draft.answers)
    posted = read_page(questions, form)
    if all(value is None for value in posted.values()):
        return closed
    asked = [q for group in closed.pages[: page + 1] for q in group]
    asked_codes = {q.code for q in asked}
    so_far = definition.model_copy(update={"questions": asked, "pages": []})
    merged = {**draft.answers, **{k: v for k, v in posted.items() if v is not None}}
    try:
        checked = validate_answers(
            so_far, drop_hidden(so_far, {k: v for k, v in merged.items() if k in asked_codes})
        )
    except InvalidInput:
        return closed  # a page with bad answers is not saved, open or closed
    later = {k: v for k, v in draft.answers.items() if k not in asked_codes}
    answers = {**later, **checked.answers}
    with db.session() as s:
        save_draft(s, draft.id, answers=answers, page=page, language=language)
    return Form(closed.state, closed.survey, replace(draft, answers=answers), page, answers)


def _save(db: Database, form: Form, answers: dict[str, Any], page: int, language: str) -> Form:
    draft = _draft_of(form)
    with db.session() as s:
        save_draft(s, draft.id, answers=answers, page=page, language=language)
    return Form("open", form.survey, draft, page, answers)


def _draft_of(form: Form) -> Draft:
    if form.draft is None:
        raise RuntimeError("this form has no draft: it was not opened for answering")
    return form.draft


def submitted(db: Database, form: Form, response_id: int) -> Form:
    """The form after its response was stored: the draft points at it, so the same link
    shows the thank-you page from now on."""
    draft = _draft_of(form)
    with db.session() as s:
        mark_draft_submitted(s, draft.id, response_id)
    return Form("submitted", form.survey, draft, form.page, form.answers)


def not_open_any_more(db: Database, form: Form, now: datetime | None = None) -> Form:
    """The form when recording was refused because the survey closed (or paused, or
    reached its scheduled closing) since the page was opened; the draft keeps every
    answer."""
    survey = get_survey(db, form.survey.id)
    state = _state(survey, now)
    return Form("closed" if state == "open" else state, survey, form.draft, form.page, form.answers)


def screened_out(db: Database, form: Form, quota: str) -> Form:
    """The form when the answers put the respondent in a full quota (found on a page, or
    when the response was to be stored): the draft keeps every answer, is marked, and
    the respondent is thanked; no response is stored."""
    draft = _draft_of(form)
    screen_out(db, draft.id, quota)
    marked = replace(draft, screened_out=quota)
    return Form("screened_out", form.survey, marked, form.page, form.answers)


def not_accepted(db: Database, form: Form, problem: InvalidInput, language: str) -> Form:
    """The form when recording refused the answers as a whole (a rule across pages, a
    channel code that went away): the first page with a problem, with the problems."""
    draft = _draft_of(form)
    errors = _errors(problem)
    page = next(
        (i for i, qs in enumerate(form.pages) if any(q.code in errors for q in qs)), form.page
    )
    if "consent" in errors:
        page = 0  # the consent box is on the first page
    with db.session() as s:
        save_draft(s, draft.id, answers=form.answers, page=page, language=language)
    return Form("open", form.survey, draft, page, form.answers, errors)


def refuse_bot(survey_id: int, field_value: str) -> None:
    """Log a form whose hidden honeypot field was filled: it is not stored."""
    log.warning(
        "respondent form for survey %s refused: the hidden field was filled (%d chars)",
        survey_id,
        len(field_value),
    )


def link_refused(db: Database, survey_id: int, state: FormState) -> Form:
    """The page for a personal link that cannot be answered (``state`` says why)."""
    return Form(state, get_survey(db, survey_id))
