"""Opinion words in a short clause: the lexicon half of per-aspect sentiment.

The sentiment models (:mod:`manyi.text.sentiment`) were trained on whole reviews and
tweets. On a short clause out of their domain ("环境优雅", "the staff were attentive")
they often land in the neutral band or on the wrong side, and they have no notion of an
explicit "so-so" (味道一般, "the food was ok"). A clause that *contains an opinion word*
says which way it leans far more reliably than a bag of n-grams trained elsewhere, so
:mod:`manyi.text.aspects` reads the opinion words first and falls back to the model
only when a clause has none.

How :func:`opinions` reads one text:

1. it is normalised and split into tokens by :func:`manyi.text.segment.tokenize` (jieba
   for Chinese, so 快 does not fire inside 快递 and 差 not inside 出差; contractions
   expanded, so "wasn't" gives a "not");
2. lexicon entries (``resources/opinion_lexicon.yaml``, hand-written, see its header) are
   matched on *runs of whole tokens*, longest first, so 性价比高 (性价比 + 高) is one
   entry and 不好意思 (one token) is not 不好; a token that is an entry with a degree or
   negation prefix or a trailing particle glued on by jieba (很丝滑, 不贵, 太少了) counts
   too;
3. an opinion word is *negated* when a negator (不, 没有, not, never, …) stands right
   before it, or two tokens before it with a degree word or determiner between (不太热情,
   "not very good", "without a single complaint"), or, in Chinese, a clause-final 没有
   follows a negative word (一句怨言都没有): a negated positive counts as negative; a
   negated negative as half a positive (不贵, "not bad" are mild praise);
4. 好 / 快 before a quantity (好几次, 快6天) and 好好 / 慢慢 before a verb are adverbs, not
   opinion words; *problem words* (故障, "complaint") count :data:`PROBLEM_WEIGHT` of a
   negative word;
5. ``score = (P − N) / (P + N)`` over the positive weight P and the negative weight N;
   a text with only "so-so" words is an explicit neutral (score 0, ``neutral=True``); a
   text with no entry at all has no opinion (``score=None``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from manyi.errors import InvalidInput
from manyi.text.aspects_match import DEGREE_PREFIXES
from manyi.text.inputs import comment_list
from manyi.text.language import detect_language
from manyi.text.normalize import normalize
from manyi.text.segment import tokenize

__all__ = [
    "LEXICON_PATH",
    "MAX_CHARS",
    "Opinion",
    "OpinionLexicon",
    "OpinionTerm",
    "load_opinion_lexicon",
    "opinions",
]

LEXICON_PATH = Path(__file__).with_name("resources") / "opinion_lexicon.yaml"
#: Only the first MAX_CHARS characters of a text are read: the lexicon is meant for
#: clauses, and this bounds the cost of a hostile paste.
MAX_CHARS = 2_000
#: Weight of a negated negative word (不贵, "not bad"): mild praise, not strong praise.
NEGATED_NEGATIVE_WEIGHT = 0.5

Polarity = Literal["positive", "negative", "neutral"]
_LISTS = ("positive", "negative", "neutral", "problems", "negators", "degree")
#: Weight of a word that names a problem (故障, "complaint") rather than judging: it is
#: the topic of "找到了故障原因" or "my only complaint", so an evaluative word in the same
#: clause outweighs it, and alone it is still a complaint.
PROBLEM_WEIGHT = 0.5


@dataclass(frozen=True)
class OpinionTerm:
    """One opinion word found in a text.

    Attributes
    ----------
    term : str
        The lexicon entry as matched (tokens joined).
    polarity : {"positive", "negative", "neutral"}
        The entry's polarity in the lexicon.
    negated : bool
        Whether a negator precedes it (a negated positive counts as negative), or, in
        Chinese, a clause-final 没有 follows it (一句怨言都没有).
    problem : bool
        Whether it names a problem (故障, "complaint") rather than judging: a negative
        word of weight :data:`PROBLEM_WEIGHT`.
    """

    term: str
    polarity: Polarity
    negated: bool
    problem: bool = False


@dataclass(frozen=True)
class Opinion:
    """What the opinion words of one text say.

    Attributes
    ----------
    score : float or None
        ``(P − N) / (P + N)`` in [-1, 1]; 0.0 for an explicit neutral; None when the text
        has no opinion word.
    neutral : bool
        True when the only opinion words are "so-so" words (一般, 还行, "ok").
    terms : tuple of OpinionTerm
        The words found, in order.
    """

    score: float | None
    neutral: bool
    terms: tuple[OpinionTerm, ...]


@dataclass(frozen=True)
class OpinionLexicon:
    """A compiled opinion lexicon, per language.

    Attributes
    ----------
    version : str
        The ``version`` field of the YAML file.
    digest : str
        A hash of the lexicon's content: changes whenever any word list changes (used to
        decide when stored enrichments are out of date).
    entries : dict
        Language (``"zh"``, ``"en"``) -> entry -> polarity; Chinese entries without
        spaces, English ones as tokens joined by one space.
    negators : dict
        Language -> set of negator tokens.
    degree : dict
        Language -> set of words allowed between a negator and its opinion word.
    prefixes : dict
        Language -> every proper prefix of an entry (Chinese by character, English by
        word), so that matching stops extending a run of tokens as soon as no entry
        can start with it.
    problems : dict
        Language -> the negative entries that name a problem (the ``problems`` list).
    """

    version: str
    digest: str
    entries: dict[str, dict[str, Polarity]]
    negators: dict[str, frozenset[str]]
    degree: dict[str, frozenset[str]]
    prefixes: dict[str, frozenset[str]]
    problems: dict[str, frozenset[str]] = field(default_factory=dict)


# Emphasis marks that do not break a negation's scope ("*not* romantic").
_EMPHASIS = frozenset("*~_\"'`")
# 不 and 没 glued to a one-character opinion word (不贵) negate it.
_PREFIX_NEGATORS = frozenset("不没")
_GLUED_PREFIXES = DEGREE_PREFIXES | {"小"}
# Sentence-final particles jieba may glue to an opinion word (少了, 贵额, 好吃啊).
_PARTICLES = "了的啊呀额呢吧哦哈啦嘛哇"
# 好 and 快 before a quantity are adverbs (好几天 "quite a few days", 快6天 "almost").
_NUMERALS = "0123456789一二两三四五六七八九十百千万半几"
_QUANTITY_AFTER = {"好": "几多久些", "快": _NUMERALS}
# A negative word, then 都/也, then a clause-final 没有: 一句怨言都没有.
_POST_ADVERBS = frozenset({"都", "也", "还", "一点", "一点儿"})
_POST_NEGATORS = frozenset({"没有", "没", "无"})
_CLAUSE_END = frozenset(_PARTICLES) | frozenset("，,。.！!？?；;…~～ ")
# 没 / 未 glued by jieba to the verb of a verb + result pair (没装 好).
_PAST_NEGATORS = frozenset("没未")


def _tokens(text: str, language: str) -> tuple[str, ...]:
    return tuple(
        t
        for t in tokenize(text.lower(), language, normalized=True)
        if t.strip() and not set(t) <= _EMPHASIS
    )


def _key(word: str, language: str) -> str:
    """How an entry is looked up: Chinese without spaces, English as its tokens."""
    if language == "zh":
        return "".join(normalize(word).lower().split())
    return " ".join(_tokens(normalize(word), "en"))


def _compile(data: object, source: str) -> OpinionLexicon:
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise InvalidInput(f"{source}: an opinion lexicon is a mapping with a 'version' string")
    entries: dict[str, dict[str, Polarity]] = {}
    negators: dict[str, frozenset[str]] = {}
    degree: dict[str, frozenset[str]] = {}
    prefixes: dict[str, frozenset[str]] = {}
    problems: dict[str, frozenset[str]] = {}
    for language in ("zh", "en"):
        block = data.get(language)
        if not isinstance(block, dict) or set(block) - set(_LISTS):
            raise InvalidInput(f"{source}: '{language}' must map {list(_LISTS)} to word lists")
        words: dict[str, Polarity] = {}
        named: dict[str, str] = {}
        for name in ("positive", "negative", "neutral", "problems"):
            polarity: Polarity = "negative" if name == "problems" else name  # type: ignore[assignment]
            for word in block.get(name) or []:
                key = _key(str(word), language)
                if key in named and named[key] != name:
                    raise InvalidInput(
                        f"{source}: '{word}' is both {named[key]} and {name} ({language})"
                    )
                if key:
                    words[key] = polarity
                    named[key] = name
        entries[language] = words
        problems[language] = frozenset(k for k, name in named.items() if name == "problems")
        negators[language], degree[language] = (
            frozenset(_key(str(w), language) for w in block.get(name) or [])
            for name in ("negators", "degree")
        )
        if language == "zh":
            prefixes[language] = frozenset(k[:n] for k in words for n in range(1, len(k)))
        else:
            prefixes[language] = frozenset(
                " ".join(k.split(" ")[:n]) for k in words for n in range(1, k.count(" ") + 1)
            )
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(blob.encode()).hexdigest()[:12]
    return OpinionLexicon(data["version"], digest, entries, negators, degree, prefixes, problems)


_LOCK = threading.Lock()


@functools.cache
def _bundled() -> OpinionLexicon:
    return _compile(yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")), LEXICON_PATH.name)


def load_opinion_lexicon(path: str | Path | None = None) -> OpinionLexicon:
    """Load and compile an opinion lexicon (the bundled one when ``path`` is None).

    The bundled lexicon is compiled once per process (about 0.1 s).

    Examples
    --------
    >>> load_opinion_lexicon().version
    'opinion-2026.12-1'
    """
    if path is None:
        with _LOCK:
            return _bundled()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read opinion lexicon {path}: {exc}") from exc
    return _compile(data, str(path))


def _negated(
    tokens: tuple[str, ...], start: int, negators: frozenset[str], degree: frozenset[str]
) -> bool:
    if start >= 1 and tokens[start - 1] in negators:
        return True
    # one or two degree words between: 不太热情 is caught above; 不是很好, "not very good"
    gap = 0
    i = start - 1
    while i >= 0 and tokens[i] in degree and gap < 2:
        i -= 1
        gap += 1
    return gap > 0 and i >= 0 and tokens[i] in negators


def _glued(token: str, entries: dict[str, Polarity]) -> OpinionTerm | None:
    """An entry inside one jieba token that is not an entry itself: with a trailing
    particle (少了, 贵额), or behind a degree or negation prefix (很丝滑, 小贵, 不贵)."""
    if token in entries or len(token) > 8:
        return None
    core = token.rstrip(_PARTICLES)
    if core and core != token and core in entries:
        return OpinionTerm(core, entries[core], False)
    if len(core) < 2 or core[0] not in _GLUED_PREFIXES:
        return None
    polarity = entries.get(core[1:])
    if polarity is None or polarity == "neutral":
        return None
    return OpinionTerm(core, polarity, core[0] in _PREFIX_NEGATORS)


def _quantity(tokens: tuple[str, ...], i: int) -> bool:
    """好 and 快 as adverbs of quantity, not praise: 好几天, 好多次, 好久 ("quite a few",
    "a long time"), 快6天, 快一个月 ("almost")."""
    following = tokens[i + 1][:1] if i + 1 < len(tokens) else ""
    return bool(following) and following in _QUANTITY_AFTER.get(tokens[i], "")


def _negated_after(tokens: tuple[str, ...], end: int) -> bool:
    """A clause-final 没有 after a negative word negates it: 一句怨言都没有, 问题也没有.
    (Not when more follows: 问题没有解决 is a complaint.)"""
    j = end
    if j < len(tokens) and tokens[j] in _POST_ADVERBS:
        j += 1
    if j >= len(tokens) or tokens[j] not in _POST_NEGATORS:
        return False
    return all(set(t) <= _CLAUSE_END for t in tokens[j + 1 :])


def _manner_adverb(tokens: tuple[str, ...], i: int) -> bool:
    """好好 / 慢慢 before a verb are adverbs of manner (好好装 "install properly", 慢慢品尝),
    not praise or complaint; 好好好 at the end of a clause is emphatic praise."""
    token = tokens[i]
    if len(token) != 2 or token[0] != token[1] or i + 1 >= len(tokens):
        return False
    following = tokens[i + 1]
    return following[0] != token[0] and not set(following) <= _CLAUSE_END


def _resultative(tokens: tuple[str, ...], i: int) -> bool:
    """没装 + 好, 未修 + 好: jieba glues the negator to the verb of a verb-result pair, so
    the one-character result (好) is negated by the token before it."""
    before = tokens[i - 1] if i >= 1 else ""
    return len(tokens[i]) == 1 and len(before) == 2 and before[0] in _PAST_NEGATORS


def _read(text: str, lexicon: OpinionLexicon) -> Opinion:
    form = normalize(text[:MAX_CHARS])
    language = detect_language(form)
    if language not in ("zh", "mixed", "en"):
        return Opinion(None, False, ())
    key = "en" if language == "en" else "zh"
    tokens = _tokens(form, key)
    entries, negators, degree = lexicon.entries[key], lexicon.negators[key], lexicon.degree[key]
    prefixes = lexicon.prefixes[key]
    problems = lexicon.problems.get(key, frozenset())
    # A mixed comment has English words too: read them with the English list.
    other = lexicon.entries["en"] if language == "mixed" else {}
    joiner = "" if key == "zh" else " "
    found: list[OpinionTerm] = []
    i = 0
    while i < len(tokens):
        if key == "zh" and _manner_adverb(tokens, i):
            i += 1
            continue
        glued = _glued(tokens[i], entries) if key == "zh" else None
        if glued is not None:
            if not glued.negated and glued.polarity != "neutral":  # 不 好吃啊
                glued = OpinionTerm(
                    glued.term, glued.polarity, _negated(tokens, i, negators, degree)
                )
            found.append(glued)
            i += 1
            continue
        # Longest run of tokens that is an entry: extend while the run is still the
        # beginning of some entry.
        best: tuple[int, str, Polarity] | None = None
        span = ""
        for n in range(1, len(tokens) - i + 1):
            span = tokens[i] if n == 1 else span + joiner + tokens[i + n - 1]
            polarity = entries.get(span) or (other.get(span) if n == 1 else None)
            if polarity is not None:
                best = (n, span, polarity)
            if span not in prefixes:
                break
        if best is None or (key == "zh" and best[0] == 1 and _quantity(tokens, i)):
            i += 1
            continue
        n, span, polarity = best
        negated = polarity != "neutral" and _negated(tokens, i, negators, degree)
        if key == "zh" and polarity != "neutral" and not negated:
            negated = _resultative(tokens, i) or (
                polarity == "negative" and _negated_after(tokens, i + n)
            )
        found.append(OpinionTerm(span.replace(" - ", "-"), polarity, negated, span in problems))
        i += n
    positive = negative = 0.0
    for term in found:
        weight = PROBLEM_WEIGHT if term.problem else 1.0
        if term.polarity == "positive":
            negative += term.negated
            positive += not term.negated
        elif term.polarity == "negative":
            positive += weight * NEGATED_NEGATIVE_WEIGHT * term.negated
            negative += weight * (not term.negated)
    if positive + negative > 0:
        return Opinion((positive - negative) / (positive + negative), False, tuple(found))
    if found:
        return Opinion(0.0, True, tuple(found))
    return Opinion(None, False, ())


def opinions(texts: Sequence[str], lexicon: OpinionLexicon | None = None) -> list[Opinion]:
    """Read the opinion words of each text (meant for clauses, not whole reviews).

    Parameters
    ----------
    texts : sequence of str
        Short texts, Chinese, English or mixed; ``""`` allowed.
    lexicon : OpinionLexicon, optional
        Default: the bundled lexicon (:func:`load_opinion_lexicon`).

    Returns
    -------
    list of Opinion
        One per text: ``score`` in [-1, 1] or None (no opinion word), whether it is an
        explicit neutral, and the words found.

    Raises
    ------
    InvalidInput
        When ``texts`` is a single string or holds a non-string.

    References
    ----------
    Hu M., Liu B. (2004). Mining and summarizing customer reviews. *KDD 2004*, 168–177
    (opinion words with negation handling for feature-level sentiment).

    Examples
    --------
    >>> [o.score for o in opinions(["服务员很热情", "不太热情", "价格不贵", "味道一般", "我们点了鱼"])]
    [1.0, -1.0, 1.0, 0.0, None]
    >>> opinions(["the food was not good"])[0].terms[0]
    OpinionTerm(term='good', polarity='positive', negated=True)
    """
    comments = comment_list(texts, "opinions")
    compiled = lexicon or load_opinion_lexicon()
    return [_read(text, compiled) for text in comments]
