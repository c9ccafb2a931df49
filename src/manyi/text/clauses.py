"""Cut a comment into clauses that each carry their own sentiment.

"不错，但是太贵了" praises and complains in one breath; scoring it as one bag of words
averages the two away. :func:`split_clauses` cuts such a comment into ``不错`` and
``但是太贵了`` and marks the second as a *contrast tail*: the part after a contrast marker,
which readers (and :func:`manyi.text.sentiment.sentiment`) weigh more.

Rules, in order
---------------
1. **Sentences** end at ``。！？!?；;…``, line breaks and a ``.`` before a space or the end.
2. **Comma clauses**: a sentence is cut at ``，`` and at ``,`` (an ASCII comma between two
   digits, as in ``1,299``, is not a cut). The enumeration comma ``、`` and colons are
   not cuts: "房间、早餐都很好" is one judgement.
3. **Contrast markers** inside a clause start a new clause at the marker:
   ``但是 可是 不过 只不过 然而 只是 但`` and ``就是`` when a ``太`` follows it in the same clause
   ("就是价格太贵"); English ``but``, ``however``, ``yet`` (after a comma or "and"),
   and ``though`` when it does not open the sentence. Guards keep phrases that only look
   like markers: 不但 / 但愿 / 但凡, 不只是, 再好不过 / 不过如此 are not cuts.
4. **Contrast tails**: the clause that starts with a contrast marker and the comma
   clauses after it up to the end of the sentence get ``is_contrast_tail=True``.
   A *concessive* opener (``虽然 虽 尽管 although though even though``) does the
   opposite: its own clause is the concession, and the clauses after it in the sentence
   are the tail ("虽然贵，但是好吃" and "Although it was cheap, the room was dirty").
5. Pieces with no letter, digit, ideograph or emoji (bare punctuation) are dropped.

Offsets index the text as given: ``text[c.start:c.end] == c.text``. The clause text is
stripped of surrounding whitespace and delimiter punctuation; :attr:`Clause.feature_end`
also covers the trailing delimiters ("太贵了!!"), which the sentiment model reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from manyi.errors import InvalidInput

__all__ = ["CONCESSIVE_MARKERS", "CONTRAST_MARKERS", "Clause", "split_clauses"]

#: Markers that open a contrast tail, Chinese then English (documentation; the patterns
#: below carry the guards).
CONTRAST_MARKERS = (
    "但是",
    "可是",
    "不过",
    "只不过",
    "然而",
    "只是",
    "但",
    "就是…太",
    "but",
    "however",
    "yet",
    "though",
)
#: Markers that open a concession; the clauses after it are the tail.
CONCESSIVE_MARKERS = ("虽然", "虽", "尽管", "although", "though", "even though")

# A full stop ends a sentence only before whitespace or the end (not in 3.5 or U.S.A).
_SENTENCE_END = re.compile(r"(?:[。！？!?；;…\n\r]|\.(?=\s|$))+")
# An ASCII comma between digits (1,299) is a thousands separator, not a clause break.
_COMMA = re.compile(r"，+|(?<!\d),|,(?!\d)")
_ZH_CONTRAST = re.compile(
    r"但是|可是|然而|只不过"
    r"|(?<![再好])不过(?!如此)"
    r"|(?<!不)只是"
    r"|(?<![不非])但(?![愿凡是])"
    r"|就是(?=[^，,。！？!?；;]*太)"
)
_EN_CONTRAST = re.compile(r"\b(?:but|however)\b|(?:,\s*|\band\s+)\byet\b|(?<=\S\s)\bthough\b", re.I)
_CONCESSIVE = re.compile(r"^(?:虽然|虽|尽管|(?:even\s+)?though\b|although\b)", re.I)
_OPENS_CONTRAST = re.compile(
    r"^(?:但是|可是|然而|只不过|不过|只是|但(?![愿凡])|就是|(?:but|however|yet|though)\b)", re.I
)
_STRIP = " \t\u3000，,。.！？!?；;…、:：\n\r"
_MEANINGFUL = re.compile(r"[^\W_]|[\U0001F300-\U0001FAFF\u2600-\u27BF]")


@dataclass(frozen=True)
class Clause:
    """One clause of a comment.

    Attributes
    ----------
    text : str
        The clause, stripped of surrounding whitespace and delimiter punctuation.
    start, end : int
        Offsets into the text given to :func:`split_clauses` (``text[start:end]``).
    is_contrast_tail : bool
        True for the clause opened by a contrast marker (or following a concession) and
        the clauses after it in the same sentence.
    feature_end : int
        End offset including the trailing delimiters (``!!``, ``。``): what a model reads.
    """

    text: str
    start: int
    end: int
    is_contrast_tail: bool
    feature_end: int


def _cuts(sentence: str) -> list[int]:
    """Offsets inside one sentence where a new clause starts."""
    cuts = {m.end() for m in _COMMA.finditer(sentence)}
    for pattern in (_ZH_CONTRAST, _EN_CONTRAST):
        for m in pattern.finditer(sentence):
            # A contrast marker right after a comma is already at a cut; the English
            # "yet" pattern swallows the comma, so cut at the word itself.
            word_start = m.start() + (len(m.group()) - len(m.group().lstrip(", \t")))
            if m.group().lower().startswith("and"):
                word_start = m.end() - 3
            cuts.add(word_start)
    return sorted(c for c in cuts if 0 < c < len(sentence))


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, the end including its closing punctuation."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def split_clauses(text: str) -> list[Clause]:
    """Split a comment into clauses on sentence punctuation, commas and contrast markers.

    See the module docstring for the rules. Contrast tails (the part after 但是 / but …)
    are flagged so that a caller can weigh them more.

    Parameters
    ----------
    text : str
        One comment, raw or normalised.

    Returns
    -------
    list of Clause
        In reading order; empty for a text without any word, digit or emoji.

    Raises
    ------
    InvalidInput
        When ``text`` is not a string.

    References
    ----------
    Liu, B. (2012). *Sentiment Analysis and Opinion Mining*, §3.6 ("but"-clauses: the
    opinion after a contrast conjunction dominates).

    Examples
    --------
    >>> [(c.text, c.is_contrast_tail) for c in split_clauses("不错，但是太贵了")]
    [('不错', False), ('但是太贵了', True)]
    >>> [c.text for c in split_clauses("Great seats but the food was cold.")]
    ['Great seats', 'but the food was cold']
    """
    if not isinstance(text, str):
        raise InvalidInput(f"split_clauses() needs a str, got {type(text).__name__}")
    clauses: list[Clause] = []
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        bounds = [0, *_cuts(sentence), len(sentence)]
        in_tail = False
        tail_after_concession = False
        first = True
        for a, b in pairwise(bounds):
            piece = sentence[a:b]
            stripped = piece.strip(_STRIP)
            if not stripped or not _MEANINGFUL.search(stripped):
                continue
            # "Though X, Y" concedes X; "X, though Y" contrasts Y with X.
            concessive = bool(_CONCESSIVE.match(stripped)) and (
                first or not stripped.lower().startswith("though")
            )
            if concessive:
                tail_after_concession = not in_tail
            elif _OPENS_CONTRAST.match(stripped) or tail_after_concession:
                in_tail = True
            first = False
            lead = len(piece) - len(piece.lstrip(_STRIP))
            start = s_start + a + lead
            end = start + len(stripped)
            clauses.append(Clause(stripped, start, end, in_tail, s_start + b))
    return clauses
