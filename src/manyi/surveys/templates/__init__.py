"""Ready survey templates: NPS with follow-up, CSAT, CES, SERVQUAL-22, Kano and 回访.

Each template is a survey definition in zh-CN and en stored as package data next to this
module (``<code>.json``), so it can be read, copied or imported as it is. A designer starts
from one with :func:`create_from_template` and edits the copy; the template never changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from manyi.domain.enums import SurveyStatus
from manyi.errors import NotFound
from manyi.storage.database import Database
from manyi.surveys.service import Survey, create_survey, parse_definition


@dataclass(frozen=True)
class TemplateInfo:
    """What a designer sees when choosing a template."""

    code: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    questions: int


@cache
def _stored() -> dict[str, str]:
    """Template code → the JSON text of its file, read once."""
    folder = files(__name__)
    return {
        entry.name.removesuffix(".json"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def template_codes() -> list[str]:
    """The codes of the shipped templates, in alphabetical order."""
    return list(_stored())


def template(code: str) -> dict[str, Any]:
    """A fresh copy of template ``code``'s survey definition (the caller may change it)."""
    text = _stored().get(code)
    if text is None:
        raise NotFound(f"no survey template {code!r}; templates: {', '.join(_stored())}")
    document: dict[str, Any] = json.loads(text)
    return document


def list_templates() -> list[TemplateInfo]:
    """Every template with its titles, description and question count."""
    infos = []
    for code in _stored():
        definition = parse_definition(template(code))
        description = definition.description
        infos.append(
            TemplateInfo(
                code=code,
                title_zh=definition.title.get("zh-CN"),
                title_en=definition.title.get("en"),
                description_zh=description.get("zh-CN") if description else "",
                description_en=description.get("en") if description else "",
                questions=len(definition.questions),
            )
        )
    return infos


def create_from_template(
    db: Database,
    template_code: str,
    /,
    *,
    code: str | None = None,
    title: str | dict[str, Any] | None = None,
    status: SurveyStatus | str = SurveyStatus.DRAFT,
) -> Survey:
    """Create a new survey (version 1) from a copy of template ``template_code``.

    ``title`` replaces the template's title: ``{"zh-CN": ..., "en": ...}``, or a plain
    string, which (as everywhere in a definition) counts as the language it is written in.
    The survey starts as a draft unless ``status`` says otherwise."""
    definition = template(template_code)
    if title is not None:
        definition["title"] = title
    return create_survey(db, definition, code=code, status=status)
