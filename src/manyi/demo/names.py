"""Name parts for synthetic customers: common Chinese surnames and given-name characters
(with pinyin, for e-mail addresses) and common English first and last names.

The lists live in ``resources/names.yaml`` and are read the first time the demo company
is generated (:func:`name_parts`), so that importing :mod:`manyi.demo` carries no name
data. The surname weights follow the rough order of frequency in the 2020 census ranking
(王, 李, 张, 刘, 陈 …) so that generated names look like a real customer list; they are
not meant as statistics. Combinations are random: a generated name is not a real person.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from manyi.errors import InvalidInput

NAMES_PATH = Path(__file__).with_name("resources") / "names.yaml"


@dataclass(frozen=True)
class NameParts:
    """The name lists of the demo customers.

    Attributes
    ----------
    surnames_zh : tuple[tuple[str, str, float], ...]
        ``(surname, pinyin, relative weight)``.
    given_chars_zh : tuple[tuple[str, str], ...]
        ``(character, pinyin)`` used for one- or two-character given names.
    first_names_en, last_names_en : tuple[str, ...]
        English first and last names.
    """

    surnames_zh: tuple[tuple[str, str, float], ...]
    given_chars_zh: tuple[tuple[str, str], ...]
    first_names_en: tuple[str, ...]
    last_names_en: tuple[str, ...]


@cache
def name_parts() -> NameParts:
    """The bundled name lists, read once per process.

    Examples
    --------
    >>> name_parts().surnames_zh[0]
    ('王', 'wang', 7.1)
    """
    return parse_name_parts(yaml.safe_load(NAMES_PATH.read_text(encoding="utf-8")), NAMES_PATH.name)


def parse_name_parts(data: object, source: str) -> NameParts:
    """Name lists from parsed YAML; raises :class:`InvalidInput` naming the bad entry."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: the name lists are a mapping")
    keys = ("surnames_zh", "given_chars_zh", "first_names_en", "last_names_en")
    if set(data) != set(keys):
        raise InvalidInput(f"{source}: expected exactly the keys {list(keys)}, got {list(data)}")
    surnames = []
    for row in _rows(data, "surnames_zh", source):
        if not (
            isinstance(row, list)
            and len(row) == 3
            and all(isinstance(part, str) and part for part in row[:2])
            and isinstance(row[2], int | float)
            and not isinstance(row[2], bool)
            and row[2] > 0
        ):
            raise InvalidInput(
                f"{source}: surnames_zh row {row!r} is not [surname, pinyin, weight>0]"
            )
        surnames.append((row[0], row[1], float(row[2])))
    given = []
    for row in _rows(data, "given_chars_zh", source):
        if not (
            isinstance(row, list) and len(row) == 2 and all(isinstance(p, str) and p for p in row)
        ):
            raise InvalidInput(f"{source}: given_chars_zh row {row!r} is not [character, pinyin]")
        given.append((row[0], row[1]))
    english: dict[str, tuple[str, ...]] = {}
    for key in ("first_names_en", "last_names_en"):
        rows = _rows(data, key, source)
        names = tuple(name for name in rows if isinstance(name, str) and name)
        if len(names) != len(rows):
            raise InvalidInput(f"{source}: {key} must be a list of non-empty strings")
        english[key] = names
    return NameParts(
        tuple(surnames), tuple(given), english["first_names_en"], english["last_names_en"]
    )


def _rows(data: dict[object, object], key: str, source: str) -> list[object]:
    rows = data[key]
    if not isinstance(rows, list) or not rows:
        raise InvalidInput(f"{source}: {key} must be a non-empty list")
    return rows
