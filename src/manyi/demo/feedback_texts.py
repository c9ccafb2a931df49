"""Writing one feedback text of a given kind from the phrase banks.

Each writer returns the text, the aspects it talks about with their true sentiment, and
a star rating where the kind has one. Sentiment rules: a complaint is negative about its
main aspect (sometimes praising another one first: "A不错，但是B"); a review's stars decide
its tone (1–2 negative, 3 mixed, 4–5 positive); praise is positive; a suggestion is
neutral unless it starts with a problem; a call note is the agent's shorthand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manyi.demo.compose import Composer, capitalise, join_parts
from manyi.demo.feedback_aspects import ASPECTS_BY_CODE
from manyi.domain.enums import FeedbackKind

POSITIVE = "positive"
NEGATIVE = "negative"
NEUTRAL = "neutral"
MIXED = "mixed"
_REVIEW_STARS = (1, 2, 3, 4, 5)
_REVIEW_STAR_WEIGHTS = (0.10, 0.08, 0.14, 0.28, 0.40)


@dataclass(frozen=True)
class Draft:
    """A written text before it gets its metadata."""

    text: str
    aspects: tuple[tuple[str, str], ...]
    rating: int | None


def overall_sentiment(aspects: Sequence[tuple[str, str]]) -> str:
    """positive / negative / mixed (both) / neutral (only neutral mentions)."""
    labels = {s for _, s in aspects}
    if POSITIVE in labels and NEGATIVE in labels:
        return MIXED
    if NEGATIVE in labels:
        return NEGATIVE
    if POSITIVE in labels:
        return POSITIVE
    return NEUTRAL


def _negative(c: Composer, aspect: str, incident: bool) -> str:
    if incident and c.rnd.random() < 0.7:
        return c.pick(c.bank.incident_neg)
    return c.aspect_clause(aspect, "neg")


def _extra(c: Composer, positive: bool, chance: float) -> str:
    if c.rnd.random() >= chance:
        return ""
    return c.sentence(
        [c.pick(c.bank.pos_extras if positive else c.bank.neg_extras)], exclaim=not positive
    )


def _pii(c: Composer, pii: str | None) -> str:
    """A first-person sentence giving the writer's phone number or e-mail ("" for none)."""
    if pii is None:
        return ""
    return c.sentence([c.pick(c.bank.pii_phone if pii == "phone" else c.bank.pii_email)])


def _complaint(
    c: Composer, main: str, other: str, incident: bool, pii: str | None, opening: bool = True
) -> Draft:
    r = c.rnd.random()
    aspects: tuple[tuple[str, str], ...]
    openings = c.bank.openings["complaint"]
    problem = _negative(c, main, incident)
    if r < 0.25:
        body = c.contrast(c.aspect_clause(other, "pos"), problem)
        aspects = ((other, POSITIVE), (main, NEGATIVE))
        # "我要投诉！A不错，但是B" reads naturally; "真的太失望了，A不错" does not.
        openings = tuple(o for o in openings if not o.endswith(("，", ", ")))
    elif r < 0.5:
        body = c.additive(problem, c.aspect_clause(other, "neg"))
        aspects = ((main, NEGATIVE), (other, NEGATIVE))
    else:
        body = c.sentence([problem], exclaim=c.rnd.random() < 0.3)
        aspects = ((main, NEGATIVE),)
    parts = [c.pick(openings) if opening else "", body, _extra(c, False, 0.35), _pii(c, pii)]
    parts.append(c.pick(c.bank.closings["complaint"]))
    rating = c.rnd.choice((1, 1, 2)) if c.rnd.random() < 0.25 else None
    return Draft(join_parts(c.language, parts), aspects, rating)


def _review(c: Composer, main: str, other: str, incident: bool, pii: str | None) -> Draft:
    stars = (
        c.rnd.choice((1, 1, 2))
        if incident
        else c.rnd.choices(_REVIEW_STARS, _REVIEW_STAR_WEIGHTS)[0]
    )
    aspects: tuple[tuple[str, str], ...]
    if stars <= 2:
        clauses = [_negative(c, main, incident)]
        aspects = ((main, NEGATIVE),)
        if c.rnd.random() < 0.35:
            clauses.append(c.aspect_clause(other, "neg"))
            aspects = (*aspects, (other, NEGATIVE))
        body, closing = c.sentence(clauses), "review_neg"
    elif stars == 3:
        if c.rnd.random() < 0.5:
            body = c.contrast(c.aspect_clause(other, "pos"), c.aspect_clause(main, "neg"))
            aspects = ((other, POSITIVE), (main, NEGATIVE))
        else:
            body = c.contrast(c.aspect_clause(other, "neg"), c.aspect_clause(main, "pos"))
            aspects = ((other, NEGATIVE), (main, POSITIVE))
        closing = "review_mixed"
    else:
        clauses = [c.aspect_clause(main, "pos")]
        aspects = ((main, POSITIVE),)
        if stars == 4 and c.rnd.random() < 0.3:
            body = c.contrast(clauses[0], c.aspect_clause(other, "neg"))
            aspects = (*aspects, (other, NEGATIVE))
        else:
            if c.rnd.random() < 0.4:
                clauses.append(c.aspect_clause(other, "pos"))
                aspects = (*aspects, (other, POSITIVE))
            body = c.sentence(clauses, exclaim=stars == 5 and c.rnd.random() < 0.3)
        closing = "review_pos"
    parts = [c.pick(c.bank.openings["review"]), body, _extra(c, stars >= 4, 0.2), _pii(c, pii)]
    parts.append(c.pick(c.bank.closings[closing]))
    return Draft(join_parts(c.language, parts), aspects, stars)


def _praise(c: Composer, main: str, other: str, pii: str | None) -> Draft:
    clauses = [c.aspect_clause(main, "pos")]
    aspects: tuple[tuple[str, str], ...] = ((main, POSITIVE),)
    if c.rnd.random() < 0.3:
        clauses.append(c.aspect_clause(other, "pos"))
        aspects = (*aspects, (other, POSITIVE))
    parts = [
        c.pick(c.bank.openings["praise"]),
        c.sentence(clauses, exclaim=c.rnd.random() < 0.4),
        _extra(c, True, 0.4),
        _pii(c, pii),
        c.pick(c.bank.closings["praise"]),
    ]
    rating = 5 if c.rnd.random() < 0.5 else None
    return Draft(join_parts(c.language, parts), aspects, rating)


def _suggestion(c: Composer, main: str, pii: str | None) -> Draft:
    options = c.bank.aspects[main].get("suggest", ())
    idea = c.pick([t for _, t in options]) if options else c.aspect_clause(main, "neg")
    if c.rnd.random() < 0.3:
        body = c.sentence([c.aspect_clause(main, "neg"), idea])
        aspects: tuple[tuple[str, str], ...] = ((main, NEGATIVE),)
    else:
        body = c.sentence([idea])
        aspects = ((main, NEUTRAL),)
    parts = [c.pick(c.bank.openings["suggestion"]), body, _pii(c, pii)]
    parts.append(c.pick(c.bank.closings["suggestion"]))
    return Draft(join_parts(c.language, parts), aspects, None)


def _note(c: Composer, main: str, incident: bool) -> tuple[str, str]:
    """An issue in the agent's shorthand and its sentiment."""
    parts = c.bank.aspects[main]
    if not incident and "note_pos" in parts and c.rnd.random() < 0.35:
        return c.aspect_clause(main, "note_pos"), POSITIVE
    if incident and c.rnd.random() < 0.7:
        return c.pick(c.bank.incident_note), NEGATIVE
    return c.aspect_clause(main, "note"), NEGATIVE


def _call_record(c: Composer, main: str, incident: bool, pii: str | None) -> Draft:
    note, sentiment = _note(c, main, incident)
    department = ASPECTS_BY_CODE[main].department
    if c.language == "zh":
        starts_with_verb = note.startswith(c.bank.note_verbs)
        opener = c.pick(c.bank.call_openers_verb if starts_with_verb else c.bank.call_openers)
        opener = opener + "，" if starts_with_verb else opener
        if sentiment == POSITIVE:
            text = f"{opener}{note}，已记录并转告相关同事。"
        else:
            action = c.pick(c.bank.call_actions)
            route = c.pick(c.bank.call_routes[department])
            text = f"{opener}{note}，{action}，{route}{c.rnd.choice(c.bank.call_outcomes)}"
        if pii is not None:
            text += c.fill("客户留电{phone}。" if pii == "phone" else "客户邮箱{email}。")
    else:
        opener = c.pick(c.bank.call_openers)
        if sentiment == POSITIVE:
            text = f"{opener}{note}. Logged and passed on."
        else:
            action = c.pick(c.bank.call_actions)
            route = c.pick(c.bank.call_routes[department])
            text = f"{opener}{note}. {action}. {route}{c.rnd.choice(c.bank.call_outcomes)}"
        if pii is not None:
            text += c.fill(
                " Cust contact: {phone}." if pii == "phone" else " Cust contact: {email}."
            )
    return Draft(text, ((main, sentiment),), None)


def _staff_entry(c: Composer, main: str, incident: bool) -> Draft:
    note, sentiment = _note(c, main, incident)
    opener = c.pick(c.bank.openings["staff_entry"])
    closing = c.pick(c.bank.closings["staff_entry"])
    if c.language == "zh":
        subject = "顾客" if note.startswith(c.bank.note_verbs) else "顾客反映"
        text = f"{opener}{subject}{note}。{closing}"
    else:
        text = join_parts("en", [f"{opener}{note}.", closing])
    return Draft(text, ((main, sentiment),), None)


def _email(c: Composer, main: str, other: str, incident: bool, pii: str | None) -> Draft:
    positive = not incident and c.rnd.random() < 0.2
    if positive:
        body = c.sentence([c.aspect_clause(main, "pos")])
        aspects: tuple[tuple[str, str], ...] = ((main, POSITIVE),)
        demand = _extra(c, True, 1.0)
    else:
        inner = _complaint(c, main, other, incident, None, opening=False)
        body = inner.text
        aspects = inner.aspects
        demand = ""
    greeting = c.pick(c.bank.openings["email"])
    context = c.pick(c.bank.openings["email_context"])
    closing = c.pick(c.bank.closings["email_pos" if positive else "email"])
    if c.language == "zh":
        text = join_parts("zh", [greeting, context, body, demand, _pii(c, pii), closing])
    else:
        middle = join_parts("en", [context, body, demand, _pii(c, pii)])
        text = f"{greeting}{middle}\n{closing}"
    return Draft(text, aspects, None)


def _social(c: Composer, main: str, incident: bool, pii: str | None) -> Draft:
    positive = not incident and c.rnd.random() < 0.35
    clause = c.aspect_clause(main, "pos") if positive else _negative(c, main, incident)
    aspects = ((main, POSITIVE if positive else NEGATIVE),)
    closing = c.pick(c.bank.closings["social_pos" if positive else "social_neg"])
    body = c.sentence([clause], exclaim=not positive and c.rnd.random() < 0.5)
    opener = c.pick(c.bank.openings["social_post"])
    if c.language == "en":
        body = capitalise(body)
    if c.language == "en":
        text = join_parts("en", [opener, body, _pii(c, pii), closing])
    else:
        text = f"{opener}{body}{_pii(c, pii)}{closing}"
    return Draft(text.strip(), aspects, None)


def write(
    c: Composer, kind: FeedbackKind, main: str, other: str, incident: bool, pii: str | None
) -> Draft:
    """One text of ``kind`` about aspect ``main`` (``other`` is a second aspect it may mention).

    ``incident`` marks a text about the delivery-partner failure; ``pii`` is ``"phone"`` or
    ``"email"`` when the writer gives contact data (the composer's values are used), else None.
    """
    if kind == FeedbackKind.COMPLAINT:
        return _complaint(c, main, other, incident, pii)
    if kind == FeedbackKind.REVIEW:
        return _review(c, main, other, incident, pii)
    if kind == FeedbackKind.PRAISE:
        return _praise(c, main, other, pii)
    if kind == FeedbackKind.SUGGESTION:
        return _suggestion(c, main, pii)
    if kind == FeedbackKind.CALL_RECORD:
        return _call_record(c, main, incident, pii)
    if kind == FeedbackKind.STAFF_ENTRY:
        return _staff_entry(c, main, incident)
    if kind == FeedbackKind.EMAIL:
        return _email(c, main, other, incident, pii)
    return _social(c, main, incident, pii)
