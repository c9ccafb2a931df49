"""The demo's phrase banks: package data, read the first time a text is composed.

The phrases (written for this project) live in ``resources/phrases_zh.yaml`` and
``resources/phrases_en.yaml``, not in Python literals, so that importing
:mod:`manyi.demo` or anything above it carries no phrase data; :func:`phrase_bank` reads
and checks one language's bank once per process. docs/demo.md describes the layout and
how to add a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from manyi.errors import InvalidInput

RESOURCES = Path(__file__).with_name("resources")
LANGUAGES: tuple[str, ...] = ("zh", "en")
# Parts of an aspect: first-person complaint and praise, the agent's shorthand for a
# complaint and (optionally) for praise, a suggestion.
ASPECT_PARTS: tuple[str, ...] = ("neg", "pos", "note", "note_pos", "suggest")
_REQUIRED_PARTS: tuple[str, ...] = ("neg", "pos", "note")
_TAG = re.compile(r"^\[(\w+)\]")

# (product tag or None, text): a tag such as "[ac]" limits a phrase to one product.
TaggedPhrase = tuple[str | None, str]

_REQUIRED: tuple[str, ...] = (
    "aspects",
    "openings",
    "closings",
    "call_routes",
    "product_words",
    "incident_neg",
    "incident_note",
    "neg_extras",
    "pos_extras",
    "additive",
    "contrast",
    "call_openers",
    "call_actions",
    "call_outcomes",
    "pii_phone",
    "pii_email",
    "staff_names",
    "agent_names",
    "times",
    "gibberish",
)
# Only Chinese call notes start with a verb (反映…, 投诉…), which changes the opener; a
# bank without note_verbs treats no note as verb-first, and without call_openers_verb
# uses call_openers.
_OPTIONAL_LISTS: tuple[str, ...] = ("call_openers_verb", "note_verbs")


@dataclass(frozen=True)
class PhraseBank:
    """One language's phrases, with product tags parsed: ``aspects[code][part]`` is a tuple
    of ``(tag or None, text)``."""

    language: str
    aspects: dict[str, dict[str, tuple[TaggedPhrase, ...]]]
    incident_neg: tuple[str, ...]
    incident_note: tuple[str, ...]
    openings: dict[str, tuple[str, ...]]
    closings: dict[str, tuple[str, ...]]
    neg_extras: tuple[str, ...]
    pos_extras: tuple[str, ...]
    additive: tuple[str, ...]
    contrast: tuple[str, ...]
    call_openers: tuple[str, ...]
    call_openers_verb: tuple[str, ...]
    note_verbs: tuple[str, ...]
    call_actions: tuple[str, ...]
    call_routes: dict[str, tuple[str, ...]]
    call_outcomes: tuple[str, ...]
    pii_phone: tuple[str, ...]
    pii_email: tuple[str, ...]
    staff_names: tuple[str, ...]
    agent_names: tuple[str, ...]
    times: tuple[str, ...]
    product_words: dict[str, tuple[str, ...]]
    gibberish: tuple[str, ...]

    @classmethod
    def from_mapping(cls, language: str, data: object, source: str) -> PhraseBank:
        """A bank from parsed YAML; raises :class:`InvalidInput` naming the bad key."""
        if not isinstance(data, Mapping):
            raise InvalidInput(f"{source}: a phrase bank is a mapping of groups to phrases")
        known = {*_REQUIRED, *_OPTIONAL_LISTS}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise InvalidInput(f"{source}: unknown key(s) {unknown}; expected {sorted(known)}")
        missing = sorted(k for k in _REQUIRED if k not in data)
        if missing:
            raise InvalidInput(f"{source}: missing key(s) {missing}")

        def texts(key: str) -> tuple[str, ...]:
            return _texts(data[key], f"{source}: {key}")

        def group(key: str) -> dict[str, tuple[str, ...]]:
            return _group(data[key], f"{source}: {key}")

        call_openers = texts("call_openers")
        return cls(
            language=language,
            aspects=_aspects(data["aspects"], f"{source}: aspects"),
            incident_neg=texts("incident_neg"),
            incident_note=texts("incident_note"),
            openings=group("openings"),
            closings=group("closings"),
            neg_extras=texts("neg_extras"),
            pos_extras=texts("pos_extras"),
            additive=texts("additive"),
            contrast=texts("contrast"),
            call_openers=call_openers,
            call_openers_verb=(
                texts("call_openers_verb") if "call_openers_verb" in data else call_openers
            ),
            note_verbs=texts("note_verbs") if "note_verbs" in data else (),
            call_actions=texts("call_actions"),
            call_routes=group("call_routes"),
            call_outcomes=texts("call_outcomes"),
            pii_phone=texts("pii_phone"),
            pii_email=texts("pii_email"),
            staff_names=texts("staff_names"),
            agent_names=texts("agent_names"),
            times=texts("times"),
            product_words=group("product_words"),
            gibberish=texts("gibberish"),
        )

    def phrase_count(self) -> int:
        """How many phrases the bank holds (for the docs)."""
        aspect_phrases = sum(len(v) for parts in self.aspects.values() for v in parts.values())
        groups: list[Sequence[str]] = [
            self.incident_neg,
            self.incident_note,
            self.neg_extras,
            self.pos_extras,
            self.additive,
            self.contrast,
            self.call_openers,
            self.call_actions,
            self.call_outcomes,
            self.pii_phone,
            self.pii_email,
            *self.openings.values(),
            *self.closings.values(),
            *self.call_routes.values(),
        ]
        return aspect_phrases + sum(len(g) for g in groups)


@cache
def phrase_bank(language: str) -> PhraseBank:
    """The phrase bank of ``language`` (``"zh"`` or ``"en"``), read once per process.

    Examples
    --------
    >>> phrase_bank("en").contrast
    ('but', 'however', 'although', 'that said')
    """
    if language not in LANGUAGES:
        raise InvalidInput(f"no demo phrase bank for language {language!r}; use one of {LANGUAGES}")
    path = RESOURCES / f"phrases_{language}.yaml"
    return PhraseBank.from_mapping(
        language, yaml.safe_load(path.read_text(encoding="utf-8")), path.name
    )


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise InvalidInput(f"{where} must be a list of strings")
    return tuple(value)


def _group(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where} must map names to lists of strings")
    return {str(name): _texts(texts, f"{where}.{name}") for name, texts in value.items()}


def _aspects(value: object, where: str) -> dict[str, dict[str, tuple[TaggedPhrase, ...]]]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where} must map aspect codes to their parts")
    aspects = {}
    for code, parts in value.items():
        if not isinstance(parts, Mapping):
            raise InvalidInput(f"{where}.{code} must map parts {list(ASPECT_PARTS)} to phrases")
        odd = sorted(str(p) for p in parts if p not in ASPECT_PARTS)
        if odd:
            raise InvalidInput(f"{where}.{code}: unknown part(s) {odd}; use {list(ASPECT_PARTS)}")
        missing = [p for p in _REQUIRED_PARTS if p not in parts]
        if missing:
            raise InvalidInput(f"{where}.{code}: missing part(s) {missing}")
        aspects[str(code)] = {
            str(part): tuple(_tagged(t) for t in _texts(texts, f"{where}.{code}.{part}"))
            for part, texts in parts.items()
        }
    return aspects


def _tagged(text: str) -> TaggedPhrase:
    match = _TAG.match(text)
    return (match.group(1), text[match.end() :]) if match else (None, text)
