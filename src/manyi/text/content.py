"""Content analysis of open answers: word and phrase frequencies, and code-book coding.

Building the indicator system starts from what customers say in their own words
(product.md, step 1). Two tools serve that step:

:func:`term_frequencies`
    A frequency table of words and n-grams (adjacent content words, see
    :func:`manyi.text.keywords.is_content_token`): how often each occurs, in how many
    answers, and which share of the answers mention it.
:func:`code_answers`
    Codes every answer into themes with a *code book*: theme → list of keywords and
    regular expressions, Chinese and English. An answer can get several themes
    (multi-label) or none. The result is a coded table (one boolean column per theme)
    and a theme count table, which :mod:`manyi.text.agreement` can compare between two
    coders.

Code-book entries, matched against :func:`manyi.text.normalize.normalize`'d, lower-cased
answers:

- ``"物流"``: a keyword. Chinese (any non-ASCII) keywords match anywhere in the answer;
  ASCII keywords match whole words only, so ``"rude"`` does not match "prudent";
- ``"re:退(款|货)"``: a regular expression (Python syntax, case-insensitive);
- ``"!不满意"`` (or ``"!re:..."``): an exclusion — an answer that matches it is *not*
  coded into the theme even when another entry matches (a 满意 theme should not pick up
  不满意).

Limits: keyword coding does not see negation beyond explicit exclusions, and a keyword
list is only as good as its author; check it against a human coder with
:func:`manyi.text.agreement.cohen_kappa` before trusting counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from manyi.errors import InvalidInput
from manyi.text.inputs import corpus_texts
from manyi.text.keywords import is_content_token
from manyi.text.normalize import normalize
from manyi.text.segment import tokenize

__all__ = ["CodedAnswers", "code_answers", "compile_codebook", "term_frequencies"]

Codebook = Mapping[str, Iterable[str | re.Pattern[str]]]


def _join(parts: list[str]) -> str:
    out = parts[0]
    for p in parts[1:]:
        out = f"{out} {p}" if out[-1].isascii() or p[0].isascii() else out + p
    return out


def term_frequencies(
    texts: Iterable[str] | pd.Series,
    ngram: tuple[int, int] = (1, 2),
    *,
    min_count: int = 1,
) -> pd.DataFrame:
    """Frequency table of words and phrases in a set of answers.

    An n-gram is ``n`` content tokens that stand next to each other in the answer (no
    stop word or punctuation in between). ``count`` is the number of occurrences,
    ``document_frequency`` the number of answers that contain the term,
    ``share = document_frequency / number of answers`` and
    ``term_share = count / total count of all terms of the same length``.

    Parameters
    ----------
    texts : iterable of str
        The answers; ``None``/NaN count as empty answers.
    ngram : (int, int), default (1, 2)
        Smallest and largest n-gram length (1 to 5).
    min_count : int, default 1
        Drop terms that occur fewer times.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``n``, ``count``, ``document_frequency``, ``share``,
        ``term_share``; sorted by ``count`` (descending), then ``term``.

    Raises
    ------
    InvalidInput
        For a bad ``ngram`` range or texts that are not strings.

    References
    ----------
    Krippendorff K. (2019), Content Analysis: An Introduction to Its Methodology, 4th ed.,
    ch. 10 (word frequencies and co-occurrences).

    Examples
    --------
    >>> table = term_frequencies(["物流很快，包装很好", "物流太慢", "包装破损，物流慢"])
    >>> table[["term", "count", "document_frequency"]].head(2).values.tolist()
    [['物流', 3, 3], ['包装', 2, 2]]
    """
    lo, hi = ngram if isinstance(ngram, tuple) and len(ngram) == 2 else (0, 0)
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= 5):
        raise InvalidInput(f"ngram must be a pair (lo, hi) with 1 <= lo <= hi <= 5, got {ngram!r}")
    if not isinstance(min_count, int) or min_count < 1:
        raise InvalidInput(f"min_count must be a positive integer, got {min_count!r}")
    docs = corpus_texts(texts)
    counts: Counter[tuple[str, int]] = Counter()
    doc_freq: Counter[tuple[str, int]] = Counter()
    for text in docs:
        tokens = tokenize(text)
        keep = [is_content_token(t) for t in tokens]
        seen: set[tuple[str, int]] = set()
        for n in range(lo, hi + 1):
            for i in range(len(tokens) - n + 1):
                if all(keep[i : i + n]):
                    term = (_join(tokens[i : i + n]), n)
                    counts[term] += 1
                    seen.add(term)
        doc_freq.update(seen)
    columns = ["term", "n", "count", "document_frequency", "share", "term_share"]
    rows = [(t, n, c, doc_freq[(t, n)]) for (t, n), c in counts.items() if c >= min_count]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "term" else float) for c in columns})
    table = pd.DataFrame(rows, columns=["term", "n", "count", "document_frequency"])
    totals = Counter[int]()
    for (_, n), c in counts.items():
        totals[n] += c
    table["share"] = table["document_frequency"] / len(docs)
    table["term_share"] = table["count"] / table["n"].map(totals)
    table = table.sort_values(["count", "term"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)[columns]


_RESERVED = frozenset({"text", "themes", "n_themes"})


def _entry_pattern(entry: str | re.Pattern[str], theme: str) -> str:
    if isinstance(entry, re.Pattern):
        return entry.pattern
    if not isinstance(entry, str) or not entry.strip():
        raise InvalidInput(f"code book theme {theme!r} has an empty or non-text entry: {entry!r}")
    if entry.startswith("re:"):
        pattern = entry[3:]
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidInput(
                f"code book theme {theme!r}: bad regular expression {pattern!r} ({exc})"
            ) from exc
        return f"(?:{pattern})"
    keyword = normalize(entry).lower()
    if not keyword:
        raise InvalidInput(f"code book theme {theme!r} has an empty keyword: {entry!r}")
    escaped = re.escape(keyword)
    if keyword.isascii():
        # English keywords match whole words: "rude" must not hit "prudent".
        return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])"
    return escaped


def compile_codebook(
    codebook: Codebook,
) -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    """Check a code book and compile each theme into (include, exclude) patterns.

    Parameters
    ----------
    codebook : mapping of str to iterable of str or re.Pattern
        Theme → entries (keywords, ``"re:"`` regular expressions, ``"!"`` exclusions).

    Returns
    -------
    dict
        Theme → ``(include, exclude)``; either may be None.

    Raises
    ------
    InvalidInput
        For an empty code book, a theme without include entries, an empty entry or a bad
        regular expression.

    Examples
    --------
    >>> inc, exc = compile_codebook({"满意": ["满意", "!不满意"]})["满意"]
    >>> bool(inc.search("很满意")), bool(exc.search("不满意"))
    (True, True)
    """
    if not isinstance(codebook, Mapping) or not codebook:
        raise InvalidInput("the code book must be a non-empty mapping of theme -> keywords")
    compiled: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
    for theme, entries in codebook.items():
        if not isinstance(theme, str) or not theme.strip():
            raise InvalidInput(f"code book themes must be non-empty strings, got {theme!r}")
        if theme in _RESERVED:
            raise InvalidInput(f"{theme!r} cannot be a theme name: it is a column of the result")
        if isinstance(entries, str | re.Pattern):
            entries = [entries]
        include: list[str] = []
        exclude: list[str] = []
        for entry in entries:
            if isinstance(entry, str) and entry.startswith("!"):
                exclude.append(_entry_pattern(entry[1:], theme))
            else:
                include.append(_entry_pattern(entry, theme))
        if not include:
            raise InvalidInput(f"code book theme {theme!r} has no keyword to match")
        compiled[theme] = (
            re.compile("|".join(include), re.IGNORECASE),
            re.compile("|".join(exclude), re.IGNORECASE) if exclude else None,
        )
    return compiled


@dataclass(frozen=True)
class CodedAnswers:
    """Answers coded into themes by :func:`code_answers`.

    Attributes
    ----------
    coded : pandas.DataFrame
        One row per answer, same order (and index, for a Series input) as the input:
        ``text``, one boolean column per theme, ``themes`` (tuple of theme names, in
        code-book order), ``n_themes``.
    counts : pandas.DataFrame
        One row per theme in code-book order: ``theme``, ``count`` (answers coded
        with it), ``share`` (of all answers), ``examples`` (up to three answers).
    uncoded : int
        Answers that got no theme (candidates for new themes).
    """

    coded: pd.DataFrame
    counts: pd.DataFrame
    uncoded: int


def code_answers(
    texts: Iterable[str] | pd.Series, codebook: Codebook, *, examples: int = 3
) -> CodedAnswers:
    """Code each answer into zero, one or several themes of a code book.

    Parameters
    ----------
    texts : iterable of str
        The answers (Chinese, English or mixed); ``None``/NaN are empty answers.
    codebook : mapping of str to iterable of str or re.Pattern
        Theme → keywords / ``"re:"`` regular expressions / ``"!"`` exclusions (see the
        module docstring).
    examples : int, default 3
        Answers quoted per theme in ``counts``.

    Returns
    -------
    CodedAnswers

    Raises
    ------
    InvalidInput
        For a malformed code book or answers that are not strings.

    References
    ----------
    Krippendorff K. (2019), Content Analysis, 4th ed., ch. 7 (recording/coding).

    Examples
    --------
    >>> book = {"物流": ["物流", "快递", "delivery"], "服务": ["客服", "态度", "re:service|staff"]}
    >>> result = code_answers(["快递太慢了", "客服态度好，物流快", "Rude staff", "还行"], book)
    >>> result.coded["themes"].tolist()
    [('物流',), ('物流', '服务'), ('服务',), ()]
    >>> result.counts[["theme", "count"]].values.tolist(), result.uncoded
    ([['物流', 2], ['服务', 2]], 1)
    """
    compiled = compile_codebook(codebook)
    if not isinstance(examples, int) or examples < 0:
        raise InvalidInput(f"examples must be a non-negative integer, got {examples!r}")
    index = texts.index if isinstance(texts, pd.Series) else None
    docs = corpus_texts(texts)
    prepared = [normalize(t).lower() for t in docs]
    flags: dict[str, list[bool]] = {}
    for theme, (include, exclude) in compiled.items():
        flags[theme] = [
            bool(include is not None and include.search(t))
            and not (exclude is not None and exclude.search(t))
            for t in prepared
        ]
    themes = list(compiled)
    coded = pd.DataFrame({"text": docs, **flags}, index=index)
    coded["themes"] = [tuple(th for th in themes if flags[th][i]) for i in range(len(docs))]
    coded["n_themes"] = coded["themes"].map(len).astype(int)
    n = len(docs)
    counts = pd.DataFrame(
        {
            "theme": themes,
            "count": [int(sum(flags[th])) for th in themes],
            "share": [sum(flags[th]) / n if n else 0.0 for th in themes],
            "examples": [
                tuple(d for d, hit in zip(docs, flags[th], strict=True) if hit)[:examples]
                for th in themes
            ],
        }
    )
    uncoded = int((coded["n_themes"] == 0).sum())
    return CodedAnswers(coded, counts, uncoded)
