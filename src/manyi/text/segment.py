"""Split a Chinese, English or mixed comment into word tokens.

One function, :func:`tokenize`, serves both languages:

- the text is normalised first (:func:`manyi.text.normalize.normalize`; it is idempotent,
  so passing already normalised text is safe, and ``normalized=True`` skips the work);
- runs of CJK ideographs go to jieba (precise mode, HMM on for unknown words) with a
  service-domain user dictionary (``resources/userdict_zh.txt``: 服务态度, 上门服务,
  退换货, 性价比, 回访 …) so that those stay whole. A private ``jieba.Tokenizer`` is
  used, never jieba's global one, so other code that uses jieba is not affected; it is
  built lazily on first use (about 1 s, cached by jieba under the temp directory) and
  jieba's start-up log lines are silenced;
- everything else is split by a regular expression into words (letters and digits of
  any script, inner apostrophes kept), lower-cased; each other non-space character —
  punctuation, an emoji — is one token;
- English contractions are expanded so that negation survives as a word of its own:
  ``don't → do not``, ``can't → can not``, ``won't → will not``, ``n't → not``,
  ``'re → are``, ``'ve → have``, ``'ll → will``, ``'m → am``, ``'d → would`` (the
  commoner reading; "had" is lost), and ``'s`` is dropped (possessive or "is": both
  are stop words). ``cannot`` becomes ``can not``.

With ``drop_stopwords=True`` the bundled stop words (``resources/stopwords_zh.txt``,
``stopwords_en.txt``) and punctuation tokens are removed; emoji and other symbols are
kept. Negations are not stop words (see the resource files).

Limits: a word written in two scripts (T恤, 4S店, 卡拉OK) is split at the script
boundary; English is not stemmed or lemmatised ("prices" and "price" differ).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from manyi.errors import InvalidInput
from manyi.text.language import LANGUAGES, detect_language
from manyi.text.normalize import normalize

__all__ = ["is_punctuation", "jieba_tokenizer", "stopwords", "tokenize", "user_words"]

_CJK_RUN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
# A word: letters/digits of any script, with inner apostrophes (don't, o'clock) and
# inner decimal points or commas in numbers (3.5, 1,000); else one non-space character.
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*(?:[.,]\d+)*%?|[^\w\s]|_+")
_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}
_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("n't", ("not",)),
    ("'re", ("are",)),
    ("'ve", ("have",)),
    ("'ll", ("will",)),
    ("'m", ("am",)),
    ("'d", ("would",)),
    ("'s", ()),
)
_DROP_CATEGORIES = frozenset({"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk"})

_RESOURCES = Path(__file__).with_name("resources")
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _resource_lines(name: str) -> list[str]:
    text = (_RESOURCES / name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """The service-domain words added to jieba's dictionary.

    Returns
    -------
    tuple of str
        The words of ``resources/userdict_zh.txt`` (frequency and tag columns removed).

    Examples
    --------
    >>> "性价比" in user_words()
    True
    """
    return tuple(ln.split()[0] for ln in _resource_lines("userdict_zh.txt"))


@lru_cache(maxsize=4)
def stopwords(language: str) -> frozenset[str]:
    """The bundled stop words of one language (``"zh"`` or ``"en"``).

    Parameters
    ----------
    language : {"zh", "en"}
        Which list.

    Returns
    -------
    frozenset of str
        Lower-case words. Negations (不, 没有, not, no, never …) are not included.

    Raises
    ------
    InvalidInput
        For any other language.

    Examples
    --------
    >>> "的" in stopwords("zh"), "不" in stopwords("zh"), "not" in stopwords("en")
    (True, False, False)
    """
    if language not in ("zh", "en"):
        raise InvalidInput(f"stop words exist for 'zh' and 'en', not {language!r}")
    return frozenset(_resource_lines(f"stopwords_{language}.txt"))


def jieba_tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with manyi's user dictionary, built on first call.

    Returns
    -------
    jieba.Tokenizer
        A private instance (not ``jieba.dt``), initialised, with :func:`user_words` added
        at jieba's suggested frequency so that each of them is kept whole.

    Examples
    --------
    >>> jieba_tokenizer().lcut("上门服务很及时")
    ['上门服务', '很', '及时']
    """
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                # jieba logs "Building prefix dict ..." at DEBUG to stderr on start-up.
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in user_words():
                    tok.add_word(word)
                _tokenizer = tok
    return _tokenizer


def is_punctuation(token: str) -> bool:
    """True when every character of ``token`` is punctuation or a non-emoji symbol.

    Unicode categories P* and Sm, Sc, Sk count; So (emoji, ★, ✓) does not, because those
    carry sentiment.

    Examples
    --------
    >>> is_punctuation("，"), is_punctuation("?!"), is_punctuation("👍"), is_punctuation("a")
    (True, True, False, False)
    """
    return bool(token) and all(unicodedata.category(ch) in _DROP_CATEGORIES for ch in token)


def _expand(word: str) -> Iterable[str]:
    if "'" not in word and word != "cannot":
        return (word,)
    whole = _CONTRACTIONS.get(word)
    if whole is not None:
        return whole
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], *replacement)
    return (word,)


def _latin_tokens(chunk: str, out: list[str]) -> None:
    for word in _WORD.findall(chunk.lower()):
        out.extend(_expand(word))


def tokenize(
    text: str,
    language: str | None = None,
    *,
    drop_stopwords: bool = False,
    normalized: bool = False,
) -> list[str]:
    """Split a comment into tokens: jieba for Chinese, a word regex for the rest.

    Parameters
    ----------
    text : str
        The comment; ``None``/NaN give ``[]``.
    language : {"zh", "en", "mixed", "other", "empty"}, optional
        As from :func:`manyi.text.language.detect_language`; detected when omitted.
        ``"zh"`` and ``"mixed"`` send ideograph runs to jieba; ``"en"``, ``"other"`` and
        ``"empty"`` do not (an ideograph there becomes a one-character token).
    drop_stopwords : bool, default False
        Remove stop words and punctuation (keep emoji). Use for keywords and topics, not
        for sentiment.
    normalized : bool, default False
        Set when ``text`` already went through :func:`~manyi.text.normalize.normalize`.

    Returns
    -------
    list of str
        Tokens in order; Latin-script words lower-cased, contractions expanded.

    Raises
    ------
    InvalidInput
        When ``language`` is not one of the five codes, or ``text`` is not a string.

    References
    ----------
    Sun J. (2012-2020), jieba Chinese text segmentation, https://github.com/fxsjy/jieba
    (precise mode with the HMM for unknown words).

    Examples
    --------
    >>> tokenize("客服态度很好，但是物流太慢了！")
    ['客服', '态度', '很', '好', ',', '但是', '物流', '太慢', '了', '!']
    >>> tokenize("They don't care. 退款 still pending!", drop_stopwords=True)
    ['not', 'care', '退款', 'pending']
    """
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    s = text if normalized and isinstance(text, str) else normalize(text)
    if not s:
        return []
    lang = detect_language(s) if language is None else language
    out: list[str] = []
    if lang in ("zh", "mixed"):
        tok = jieba_tokenizer()
        for i, chunk in enumerate(_CJK_RUN.split(s)):
            if not chunk:
                continue
            if i % 2:  # split() with a group puts the ideograph runs at odd positions
                out.extend(tok.lcut(chunk, cut_all=False, HMM=True))
            else:
                _latin_tokens(chunk, out)
    else:
        _latin_tokens(s, out)
    if drop_stopwords:
        zh, en = stopwords("zh"), stopwords("en")
        return [t for t in out if t not in zh and t not in en and not is_punctuation(t)]
    return out
