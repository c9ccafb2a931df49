"""Every text of the pages and the report is in both catalogs, translated, and compiled.

The texts are extracted afresh with Babel's own extractors from the sources that
src/manyi/i18n/babel.cfg names (web templates, report templates, the Python tables), so a
template string added without a catalog entry fails here, not in front of a user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from manyi.i18n import translations
from manyi.i18n.catalog import LOCALE_DIR
from manyi.reporting.analysis.labels import TEXTS as REPORT_TEXTS

PACKAGE = LOCALE_DIR.parent.parent  # src/manyi
CONFIG = LOCALE_DIR.parent / "babel.cfg"
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["NC_:1c,2"])}
WEB_TEMPLATES = sorted((PACKAGE / "web" / "templates").glob("*.html"))
REPORT_TEMPLATES = sorted((PACKAGE / "reporting" / "analysis" / "templates").rglob("*.html"))

Key = tuple[str | None, str]  # (context, msgid)


def extract(directory: Path, config: Path = CONFIG) -> dict[Key, list[str]]:
    """(context, message id) → files that use it, as ``pybabel extract`` finds them."""
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(config))
    found: dict[Key, list[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(directory), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((context, msgid), []).append(filename)
    return found


def load(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "manyi.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def untranslated(keys: Iterable[Key], catalog: Catalog, need_text: bool) -> list[Key]:
    """Keys the catalog lacks, or (``need_text``) has with an empty translation."""
    missing = []
    for context, msgid in keys:
        entry = catalog.get(msgid, context=context)
        strings = [] if entry is None else entry.string
        texts = [strings] if isinstance(strings, str) else list(strings)
        if entry is None or (need_text and not all(texts)):
            missing.append((context, msgid))
    return missing


@pytest.fixture(scope="module")
def used() -> dict[Key, list[str]]:
    return extract(PACKAGE)


@pytest.fixture(scope="module", params=["zh_CN", "en"])
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return load(request.param)


def test_the_sources_hold_the_texts_of_every_page_and_the_report(
    used: dict[Key, list[str]],
) -> None:
    files = {Path(f).as_posix() for users in used.values() for f in users}
    for template in [*WEB_TEMPLATES, *REPORT_TEMPLATES]:
        relative = template.relative_to(PACKAGE).as_posix()
        texts = template.read_text(encoding="utf-8")
        if "_(" in texts or "gettext(" in texts:
            assert relative in files, f"{relative} is not extracted: see babel.cfg"
    # the tables of keyed texts are extracted too
    assert "reporting/analysis/labels.py" in files and "web/i18n.py" in files
    assert "i18n/terms.py" in files
    assert len(used) > 250


def test_every_text_has_a_chinese_translation(used: dict[Key, list[str]]) -> None:
    missing = untranslated(used, load("zh_CN"), need_text=True)
    assert not missing, "no Chinese for: " + "; ".join(
        f"{msgid!r} ({', '.join(used[(ctx, msgid)])})" for ctx, msgid in missing
    )


def test_every_text_has_an_english_entry(used: dict[Key, list[str]]) -> None:
    # Message ids are English: an empty msgstr shows the id itself, but the entry must be
    # there (an English-only change of wording is made in this catalog).
    missing = untranslated(used, load("en"), need_text=False)
    assert not missing, f"not in the English catalog: {missing}"


def test_no_fuzzy_obsolete_or_stale_entries(catalog: Catalog, used: dict[Key, list[str]]) -> None:
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)}"
    stale = [(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id]
    unused = [k for k in stale if k not in used]
    assert not unused, f"entries no source uses (run pybabel update): {unused}"


def test_translations_keep_the_placeholders(catalog: Catalog) -> None:
    # Babel's checkers: %(name)s placeholders of id and translation must agree.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems


def test_compiled_catalogs_match_the_po_files() -> None:
    zh = translations("zh-CN")
    for message in load("zh_CN"):
        if not message.id or message.pluralizable:
            continue
        if message.context:
            shown = zh.pgettext(message.context, message.id)
        else:
            shown = zh.gettext(message.id)
        assert shown == message.string, f"{message.id!r}: run pybabel compile"
    assert (
        zh.ngettext(
            "Page %(page)s is past the end (there is %(num)s page).",
            "Page %(page)s is past the end (there are %(num)s pages).",
            3,
        )
        == "第 %(page)s 页超出范围（共 %(num)s 页）。"
    )


def test_a_text_without_translation_is_found(tmp_path: Path) -> None:
    # The check above is not vacuous: a new template string with no entry is reported.
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "web" / "templates" / "new.html").write_text(
        '<p>{{ _("Sign in") }} {{ _("A text nobody has translated yet") }}</p>',
        encoding="utf-8",
    )
    found = extract(tmp_path)
    assert set(found) == {(None, "Sign in"), (None, "A text nobody has translated yet")}
    assert untranslated(found, load("zh_CN"), need_text=True) == [
        (None, "A text nobody has translated yet")
    ]
    assert untranslated(found, load("en"), need_text=False) == [
        (None, "A text nobody has translated yet")
    ]


def test_report_templates_ask_only_for_keys_that_have_texts() -> None:
    # The report's t("key") looks a key up in labels.TEXTS (a key is shown as it is when
    # missing, for data-named columns); a literal key in a template must exist.
    literal = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*\)""")
    for template in REPORT_TEMPLATES:
        for key in literal.findall(template.read_text(encoding="utf-8")):
            assert key in REPORT_TEXTS, f"{template.name}: t({key!r}) has no text"


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: p.name)
def test_web_templates_use_the_catalog_not_the_old_key_table(template: Path) -> None:
    # The old ``t.key`` / ``t["key"]`` table is gone from the page context.
    expressions = " ".join(JINJA.findall(template.read_text(encoding="utf-8")))
    assert not re.search(r"(?<![\w.])t(\.[a-z_]|\[)", expressions)


class VisibleText(HTMLParser):
    """Text a reader sees (and labels a screen reader reads) outside Jinja expressions."""

    ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("script", "style")
        self.found += [v for k, v in attrs if k in self.ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def hard_coded_words(template: Path) -> list[str]:
    parser = VisibleText()
    parser.feed(JINJA.sub(" ", template.read_text(encoding="utf-8")))
    words = re.findall(r"[^\W\d_]{2,}", " ".join(parser.found))
    return [w for w in words if w not in ("n", "q")]


@pytest.mark.parametrize(
    "template", [*WEB_TEMPLATES, *REPORT_TEMPLATES], ids=lambda p: p.relative_to(PACKAGE).as_posix()
)
def test_templates_write_no_text_outside_the_catalog(template: Path) -> None:
    # Any word written straight into the markup would be shown in one language only.
    assert hard_coded_words(template) == []


def test_the_hard_coded_word_check_sees_text_and_labels(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<h1>{{ _("Surveys") }}</h1><p title="Help">n={{ n }} Back</p>'
        "<style>p { color: red }</style>",
        encoding="utf-8",
    )
    assert hard_coded_words(page) == ["Help", "Back"]
