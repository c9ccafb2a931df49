"""The aspect taxonomy: which parts of a service a comment can talk about.

An :class:`Aspect` is one part of the service ("price", "waiting time") with bilingual
names, an optional SERVQUAL dimension, keywords (plain words or ``re:`` regular
expressions), exclusions (negative keywords) and a few example sentences. A
:class:`Taxonomy` is an immutable, validated set of aspects. :func:`default_taxonomy`
loads the bundled one (``resources/taxonomy_default.yaml``: the five SERVQUAL dimensions
plus eleven common business aspects); :meth:`Taxonomy.extend` and :func:`load_taxonomy`
let a user add or widen an aspect with a few keywords and example sentences, in Chinese
or English, with no retraining: :func:`manyi.text.aspects.aspects` compiles whatever
taxonomy it is given.

Why SERVQUAL dimensions are optional per aspect: SERVQUAL measures the service process
(Parasuraman, Zeithaml & Berry 1988). Price and the core product are separate drivers of
satisfaction (Zeithaml, Bitner & Gremler, *Services Marketing*: satisfaction is shaped by
service quality, product quality, price, situational and personal factors), so their
aspects carry ``dimension=None``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from manyi.errors import InvalidInput

__all__ = [
    "LANGUAGES",
    "SERVQUAL_DIMENSIONS",
    "Aspect",
    "Taxonomy",
    "default_taxonomy",
    "load_taxonomy",
    "parse_taxonomy",
]

#: The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988).
SERVQUAL_DIMENSIONS: tuple[str, ...] = (
    "tangibles",
    "reliability",
    "responsiveness",
    "assurance",
    "empathy",
)
#: Languages an aspect carries names, keywords and examples for.
LANGUAGES: tuple[str, ...] = ("zh", "en")
#: Prefix that marks a keyword as a regular expression.
REGEX_PREFIX = "re:"

_DEFAULT_PATH = Path(__file__).with_name("resources") / "taxonomy_default.yaml"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

Terms = Mapping[str, tuple[str, ...]]
TermsInput = Mapping[str, Sequence[str]] | Sequence[str] | None


def _empty_terms() -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(LANGUAGES, ())


@dataclass(frozen=True)
class Aspect:
    """One part of a service that a comment can mention.

    Attributes
    ----------
    code : str
        Stable identifier, lower-case snake case (``"waiting_time"``).
    names : Mapping[str, str]
        Display names by language, keys ``"zh"`` and ``"en"``.
    dimension : str or None
        SERVQUAL dimension this aspect rolls up to (one of :data:`SERVQUAL_DIMENSIONS`),
        or None for aspects outside SERVQUAL (price, product quality).
    keywords : Mapping[str, tuple[str, ...]]
        Keywords by language; a keyword starting with ``re:`` is a regular expression.
    negative_keywords : Mapping[str, tuple[str, ...]]
        Exclusions by language: text matching one of these is masked before the keywords
        are searched (``评价`` stops ``价`` from firing).
    examples : Mapping[str, tuple[str, ...]]
        Example sentences by language for similarity matching.
    parent : str or None
        Code of a broader aspect (``food_taste`` → ``product_quality``), or None.
    """

    code: str
    names: Mapping[str, str]
    dimension: str | None = None
    keywords: Terms = field(default_factory=_empty_terms)
    negative_keywords: Terms = field(default_factory=_empty_terms)
    examples: Terms = field(default_factory=_empty_terms)
    parent: str | None = None

    def name(self, language: str = "zh") -> str:
        """Display name in ``language`` (``"zh"`` for Chinese and mixed text, else English)."""
        key = "zh" if language in ("zh", "mixed") else "en"
        return self.names.get(key) or self.names.get("en") or self.code


def _language_of(term: str) -> str:
    return "zh" if _CJK.search(term) else "en"


def _as_terms(value: Any, what: str, code: str) -> dict[str, tuple[str, ...]]:
    """Turn ``{"zh": [...], "en": [...]}`` or a flat list into per-language tuples.

    A flat list is split by script: a term with a Chinese character is ``zh``, any other
    is ``en``. Terms are stripped; blanks are refused, duplicates dropped (first kept).
    """
    out: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    if value is None:
        return dict.fromkeys(LANGUAGES, ())
    if isinstance(value, str):
        raise InvalidInput(f"aspect {code!r}: {what} must be a list of strings, not one string")
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            raise InvalidInput(
                f"aspect {code!r}: {what} has unknown language key(s) {unknown}; "
                f"use {list(LANGUAGES)}"
            )
        pairs = [(str(lang), term) for lang, terms in value.items() for term in (terms or [])]
    elif isinstance(value, Sequence):
        pairs = [("", term) for term in value]
    else:
        raise InvalidInput(f"aspect {code!r}: {what} must be a list or a {{zh, en}} mapping")
    for lang, term in pairs:
        if isinstance(term, bool) or not isinstance(term, str | int | float):
            raise InvalidInput(f"aspect {code!r}: {what} holds a non-text item {term!r}")
        text = str(term).strip()
        if not text or text == REGEX_PREFIX:
            raise InvalidInput(f"aspect {code!r}: {what} holds an empty item")
        lang = lang or _language_of(text)
        if text not in out[lang]:
            out[lang].append(text)
    return {lang: tuple(terms) for lang, terms in out.items()}


def _merge(old: Terms, new: Terms) -> dict[str, tuple[str, ...]]:
    return {
        lang: tuple(dict.fromkeys((*old.get(lang, ()), *new.get(lang, ())))) for lang in LANGUAGES
    }


def _check_aspect(aspect: Aspect) -> None:
    if not isinstance(aspect.code, str) or not _CODE.match(aspect.code):
        raise InvalidInput(
            f"aspect code {aspect.code!r} must be lower-case letters, digits and _ "
            "(start with a letter, at most 64 characters)"
        )
    if aspect.dimension is not None and aspect.dimension not in SERVQUAL_DIMENSIONS:
        raise InvalidInput(
            f"aspect {aspect.code!r}: dimension {aspect.dimension!r} is not a SERVQUAL "
            f"dimension; use one of {list(SERVQUAL_DIMENSIONS)} or null"
        )
    if not any(aspect.keywords.get(lang) or aspect.examples.get(lang) for lang in LANGUAGES):
        raise InvalidInput(f"aspect {aspect.code!r} needs at least one keyword or example")
    for what, terms in (
        ("keyword", aspect.keywords),
        ("negative keyword", aspect.negative_keywords),
    ):
        for term in (t for lang in LANGUAGES for t in terms.get(lang, ())):
            if term.startswith(REGEX_PREFIX):
                try:
                    re.compile(term[len(REGEX_PREFIX) :])
                except re.error as exc:
                    raise InvalidInput(
                        f"aspect {aspect.code!r}: {what} {term!r} is not a valid regular "
                        f"expression ({exc})"
                    ) from None


@dataclass(frozen=True)
class Taxonomy:
    """An immutable, validated set of :class:`Aspect` objects.

    Attributes
    ----------
    aspects : tuple[Aspect, ...]
        The aspects, in the order they were defined (results follow this order).
    version : str
        Free-text version label from the YAML file (``""`` when built in code).

    Examples
    --------
    >>> tax = default_taxonomy().extend(
    ...     "parking", keywords=["停车", "车位", "parking"], examples=["停车场太小了"])
    >>> "parking" in tax, tax.get("parking").names["en"]
    (True, 'parking')
    """

    aspects: tuple[Aspect, ...]
    version: str = ""

    def __post_init__(self) -> None:
        if not self.aspects:
            raise InvalidInput("a taxonomy needs at least one aspect")
        seen: set[str] = set()
        for aspect in self.aspects:
            _check_aspect(aspect)
            if aspect.code in seen:
                raise InvalidInput(f"aspect code {aspect.code!r} is defined twice")
            seen.add(aspect.code)
        for aspect in self.aspects:
            if aspect.parent is not None and aspect.parent not in seen:
                raise InvalidInput(
                    f"aspect {aspect.code!r}: parent {aspect.parent!r} is not in the taxonomy"
                )
        parents = {a.code: a.parent for a in self.aspects}
        for code in parents:
            chain, current = {code}, parents[code]
            while current is not None:
                if current in chain:
                    raise InvalidInput(f"aspect {code!r}: parent links form a cycle")
                chain.add(current)
                current = parents[current]

    @property
    def codes(self) -> tuple[str, ...]:
        """The aspect codes, in order."""
        return tuple(a.code for a in self.aspects)

    def __len__(self) -> int:
        return len(self.aspects)

    def __iter__(self) -> Iterator[Aspect]:
        return iter(self.aspects)

    def __contains__(self, code: object) -> bool:
        return any(a.code == code for a in self.aspects)

    def get(self, code: str) -> Aspect:
        """The aspect with ``code``; :class:`~manyi.errors.InvalidInput` when unknown."""
        for aspect in self.aspects:
            if aspect.code == code:
                return aspect
        raise InvalidInput(f"unknown aspect {code!r}; the taxonomy has: {', '.join(self.codes)}")

    def extend(
        self,
        code: str,
        *,
        keywords: TermsInput = None,
        examples: TermsInput = None,
        negative_keywords: TermsInput = None,
        names: Mapping[str, str] | None = None,
        dimension: str | None = None,
        parent: str | None = None,
    ) -> Taxonomy:
        """A new taxonomy with aspect ``code`` added, or widened when it exists already.

        Keywords, examples and exclusions are given as ``{"zh": [...], "en": [...]}`` or as
        one flat list (each item goes to ``zh`` when it holds a Chinese character, else
        ``en``). For an existing aspect they are appended (duplicates dropped) and
        ``names``/``dimension``/``parent`` replace the old values when given. A new aspect
        needs at least one keyword or example; its names default to the code.

        Examples
        --------
        >>> tax = default_taxonomy().extend("wifi", keywords=["wifi", "无线网", "网速"],
        ...                                 examples=["酒店的网络信号太差了"])
        >>> tax.get("wifi").keywords["zh"]
        ('无线网', '网速')
        """
        new_keywords = _as_terms(keywords, "keywords", code)
        new_examples = _as_terms(examples, "examples", code)
        new_negative = _as_terms(negative_keywords, "negative_keywords", code)
        name_map = _as_names(names, code)
        if code in self:
            old = self.get(code)
            aspect = replace(
                old,
                names={**old.names, **name_map},
                dimension=dimension if dimension is not None else old.dimension,
                parent=parent if parent is not None else old.parent,
                keywords=_merge(old.keywords, new_keywords),
                examples=_merge(old.examples, new_examples),
                negative_keywords=_merge(old.negative_keywords, new_negative),
            )
            aspects = tuple(aspect if a.code == code else a for a in self.aspects)
        else:
            default_names = {"zh": code, "en": code.replace("_", " ")}
            aspect = Aspect(
                code=code,
                names={**default_names, **name_map},
                dimension=dimension,
                keywords=new_keywords,
                negative_keywords=new_negative,
                examples=new_examples,
                parent=parent,
            )
            aspects = (*self.aspects, aspect)
        return Taxonomy(aspects=aspects, version=self.version)

    def without(self, *codes: str) -> Taxonomy:
        """A new taxonomy without the aspects ``codes`` (children re-parented to None)."""
        for code in codes:
            self.get(code)
        drop = set(codes)
        kept = tuple(
            replace(a, parent=None if a.parent in drop else a.parent)
            for a in self.aspects
            if a.code not in drop
        )
        return Taxonomy(aspects=kept, version=self.version)

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the YAML schema, so ``parse_taxonomy(t.to_dict()) == t``."""
        return {
            "version": self.version,
            "aspects": [
                {
                    "code": a.code,
                    "names": dict(a.names),
                    "dimension": a.dimension,
                    "parent": a.parent,
                    "keywords": {k: list(v) for k, v in a.keywords.items()},
                    "negative_keywords": {k: list(v) for k, v in a.negative_keywords.items()},
                    "examples": {k: list(v) for k, v in a.examples.items()},
                }
                for a in self.aspects
            ],
        }


def _as_names(value: Any, code: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"aspect {code!r}: names must be a mapping like {{zh: 价格, en: price}}")
    unknown = [str(k) for k in value if k not in LANGUAGES]
    if unknown:
        raise InvalidInput(f"aspect {code!r}: names has unknown language key(s) {unknown}")
    return {str(k): str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}


def _aspect_from_dict(item: Any, position: int) -> Aspect:
    if not isinstance(item, Mapping):
        raise InvalidInput(f"aspect #{position + 1} must be a mapping with at least 'code'")
    code = item.get("code")
    if not isinstance(code, str):
        raise InvalidInput(f"aspect #{position + 1} has no text 'code'")
    known = {"code", "names", "dimension", "parent", "keywords", "negative_keywords", "examples"}
    unknown = sorted(set(map(str, item)) - known)
    if unknown:
        raise InvalidInput(f"aspect {code!r}: unknown field(s) {unknown}; known: {sorted(known)}")
    names = {"zh": code, "en": code.replace("_", " "), **_as_names(item.get("names"), code)}
    dimension, parent = item.get("dimension"), item.get("parent")
    for what, value in (("dimension", dimension), ("parent", parent)):
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"aspect {code!r}: {what} must be text or null")
    return Aspect(
        code=code,
        names=names,
        dimension=dimension,
        keywords=_as_terms(item.get("keywords"), "keywords", code),
        negative_keywords=_as_terms(item.get("negative_keywords"), "negative_keywords", code),
        examples=_as_terms(item.get("examples"), "examples", code),
        parent=parent,
    )


def parse_taxonomy(data: Mapping[str, Any]) -> Taxonomy:
    """Build a :class:`Taxonomy` from plain data in the YAML schema.

    The schema is ``{version, aspects: [{code, names, dimension, parent, keywords,
    negative_keywords, examples}], extends, remove}``. With ``extends: default`` the
    listed aspects are merged into the bundled taxonomy (same code: terms appended,
    other fields replaced when given) and ``remove: [codes]`` drops aspects from it.

    Examples
    --------
    >>> parse_taxonomy({"aspects": [{"code": "wifi", "keywords": ["wifi", "网速"]}]}).codes
    ('wifi',)
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("a taxonomy file must hold a mapping with an 'aspects' list")
    items = data.get("aspects") or []
    if not isinstance(items, list):
        raise InvalidInput("'aspects' must be a list of aspect mappings")
    version = str(data.get("version") or "")
    extends = data.get("extends")
    if extends is None:
        return Taxonomy(
            aspects=tuple(_aspect_from_dict(x, i) for i, x in enumerate(items)), version=version
        )
    if extends != "default":
        raise InvalidInput(f"'extends' can only be 'default', got {extends!r}")
    taxonomy = default_taxonomy()
    removed = data.get("remove") or []
    if not isinstance(removed, list):
        raise InvalidInput("'remove' must be a list of aspect codes")
    if removed:
        taxonomy = taxonomy.without(*map(str, removed))
    for i, item in enumerate(items):
        aspect = _aspect_from_dict(item, i)
        given = item if isinstance(item, Mapping) else {}
        taxonomy = taxonomy.extend(
            aspect.code,
            keywords=aspect.keywords,
            examples=aspect.examples,
            negative_keywords=aspect.negative_keywords,
            names=given.get("names"),
            dimension=aspect.dimension,
            parent=aspect.parent,
        )
    return Taxonomy(aspects=taxonomy.aspects, version=version or taxonomy.version)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read a taxonomy from a YAML file (schema: :func:`parse_taxonomy`).

    Examples
    --------
    A file that adds one aspect to the bundled taxonomy::

        extends: default
        aspects:
          - code: wifi
            names: {zh: 无线网络, en: Wi-Fi}
            dimension: tangibles
            keywords: {zh: [无线网, 网速, 信号], en: [wifi, wi-fi, internet]}
            examples: {zh: [房间里的网络信号太差了], en: [The wifi kept dropping]}

    >>> load_taxonomy("my_taxonomy.yaml")  # doctest: +SKIP
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read taxonomy file {str(path)!r}: {exc}") from None
    return _parse_yaml(text, str(path))


def _parse_yaml(text: str, source: str) -> Taxonomy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"taxonomy file {source!r} is not valid YAML: {exc}") from None
    return parse_taxonomy(data)


@functools.cache
def default_taxonomy() -> Taxonomy:
    """The bundled taxonomy: five SERVQUAL dimensions and eleven business aspects.

    Codes: ``tangibles``, ``reliability``, ``responsiveness``, ``assurance``,
    ``empathy``, ``price``, ``product_quality``, ``food_taste``, ``delivery``,
    ``staff_attitude``, ``waiting_time``, ``environment``, ``billing``,
    ``app_usability``, ``after_sales``, ``location``. Loaded once per process; the
    object is immutable, so sharing it is safe.

    Examples
    --------
    >>> default_taxonomy().get("waiting_time").dimension
    'responsiveness'
    """
    text = _DEFAULT_PATH.read_text(encoding="utf-8")
    return _parse_yaml(text, _DEFAULT_PATH.name)
