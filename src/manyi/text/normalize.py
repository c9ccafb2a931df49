"""Clean one comment before it is segmented, scored or stored.

:func:`normalize` is the first step of every text analysis in manyi. It is total: it
returns a string for *any* ``str`` (10 MB strings, binary garbage decoded with
``errors="replace"``, lone surrogates, NUL bytes) and never raises for one.

What it does, in order:

1. deletes characters that carry no meaning and break tools downstream: C0/C1 control
   characters (NUL, BEL, ESC …; tab and line breaks become spaces), lone surrogates,
   the replacement character U+FFFD, zero-width and bidirectional-override format
   characters, the byte-order mark, soft hyphens, emoji variation selectors, skin-tone
   modifiers and the zero-width joiner (so 👍🏻 and 👍 are the same token);
2. maps full-width ASCII forms (U+FF01–U+FF5E: ＡＢＣ, １２３, ！，？（）) and the
   ideographic space to their ASCII twins. Native Chinese punctuation (。、「」《》“”
   ……——) is left alone: it has no ASCII twin with the same meaning. Full NFKC is
   *not* applied because it also rewrites ①→1, m²→m2 and …→..., which changes meaning;
3. decodes HTML character references (``&amp;``, ``&#32431;``) that web exports leave
   in the text; a decoded ``&`` is written `` & `` so that the result is stable;
4. converts traditional to simplified Chinese with ``zhconv.convert(s, "zh-cn")``, but
   only when the text holds a character that zhconv would convert on its own (a
   traditional-only character). zhconv's phrase table also rewrites *simplified* text,
   and wrongly: on the online-shopping corpus it turns 为什么爸爸 into 为什幺爸爸 and
   怎么女儿 into 怎幺女儿 (84 of 20,000 simplified reviews changed, none for the better
   on reading). The gate keeps those intact and skips zhconv for >99.8 % of texts;
5. replaces URLs (``http(s)://``, ``ftp://``, ``www.``) with the token ``URL``; e-mail
   addresses are kept so that :mod:`manyi.text.pii` can find and redact them;
6. squashes repeated punctuation and emoji: three or more dots, two or more 。 and any
   run of … or ⋯ become one …; a mixed run of three or more ! and ? becomes ``?!``; any other symbol
   repeated three times or more (!!!!, ～～～～, 😡😡😡😡) is kept twice, so the emphasis
   survives as a signal but the text stops growing;
7. collapses every run of whitespace (including line breaks) to one space and strips
   the ends.

Emoji are kept (not removed and not mapped to a placeholder such as ``[表情]``): they are
strong sentiment signals ("服务👍" vs "服务👎") and :func:`manyi.text.segment.tokenize`
returns each one as its own token.

The function is idempotent: ``normalize(normalize(s)) == normalize(s)``.
"""

from __future__ import annotations

import html
import math
import re
import threading

import zhconv

from manyi.errors import InvalidInput

__all__ = ["URL_PATTERN", "normalize", "traditional_characters"]

# Deleted outright. Tab/newline/CR/VT/FF are *not* here: they are whitespace and the
# whitespace step turns them into one space, so words on two lines stay apart.
_DELETE = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0/C1 controls except whitespace and NEL
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator (old zero-width space)
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a-\u202e"  # bidirectional embedding and override (used to disguise text)
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, isolates
    "\ufe00-\ufe0f"  # variation selectors (❤️ vs ❤)
    "\ufeff"  # byte-order mark
    "\ufff9-\ufffb\ufffd"  # interlinear annotation marks, replacement character
    "\ud800-\udfff"  # lone surrogates (a str can hold them; UTF-8 cannot)
    "\U0001f3fb-\U0001f3ff"  # emoji skin-tone modifiers
    "\U000e0000-\U000e007f"  # tag characters (flag sub-regions, invisible text)
    "]+"
)

# Full-width ASCII forms U+FF01..U+FF5E sit exactly 0xFEE0 above ASCII 0x21..0x7E.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20  # ideographic space
_WIDTH[0xFFE0] = 0xA2  # ￠
_WIDTH[0xFFE1] = 0xA3  # ￡
_WIDTH[0xFFE5] = 0xA5  # ￥
# Curly apostrophes inside English words are handled in the regex step below.

#: A web address as :func:`normalize` replaces it (also used by language detection).
URL_PATTERN = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+",
    re.IGNORECASE,
)
# An apostrophe typed as ’ or ‘ between Latin letters (don’t) is an ASCII apostrophe;
# elsewhere ‘’ are Chinese quotation marks and stay.
_CURLY_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[\u2018\u2019](?=[A-Za-z])")
_ELLIPSIS = re.compile(r"\.{3,}|。{2,}|[…⋯]+")
_BANG_QUESTION = re.compile(r"[!?]{3,}")
# Any symbol (not a letter, digit, underscore or space) three times or more in a row.
_REPEAT = re.compile(r"([^\w\s])\1{2,}")
_SPACE = re.compile(r"\s+")

# HTML character references, as exported from web forms and review sites (&amp; &#32431;).
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,30});")

# The text before a decoded character ends like an unfinished reference ("&", "&l", "&#1").
_OPEN_REF = re.compile(r"&#?[A-Za-z0-9]*\Z")
_REF_CHARS = frozenset("#;0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _decode_entity(match: re.Match[str]) -> str:
    ref = match.group()
    if ref[1] == "#":
        code = int(ref[3:-1], 16) if ref[2] in "xX" else int(ref[2:-1])
        ch = chr(code) if 0 < code < 0x110000 else ""
    else:
        ch = html.unescape(ref)
        if ch == ref:
            return ref  # not a known entity name: leave the text as it was
    ch = _DELETE.sub("", ch).translate(_WIDTH)
    if ch == "&":
        # Spaced so that "&amp;lt;" cannot turn into a new "&lt;" on a second pass.
        return " & "
    start = match.start()
    if ch[:1] in _REF_CHARS and _OPEN_REF.search(match.string, max(start - 40, 0), start):
        return " " + ch  # likewise "&&#108;t;" and "&l&#116;;", which would spell "&lt;"
    return ch


_BMP_CJK_RANGES = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_trad_lock = threading.Lock()
_trad_chars: frozenset[str] | None = None


def traditional_characters() -> frozenset[str]:
    """Characters that ``zhconv.convert(ch, "zh-cn")`` changes on their own.

    Built once, lazily, from zhconv's public API over the BMP CJK blocks (about 4,300
    characters, ~50 ms). Used as the gate of the traditional → simplified step.

    Returns
    -------
    frozenset of str
        Single characters such as 這, 們, 麼, 「.

    Examples
    --------
    >>> "這" in traditional_characters(), "这" in traditional_characters()
    (True, False)
    """
    global _trad_chars
    if _trad_chars is None:
        with _trad_lock:
            if _trad_chars is None:
                found = set()
                for lo, hi in _BMP_CJK_RANGES:
                    for cp in range(lo, hi + 1):
                        ch = chr(cp)
                        if zhconv.convert(ch, "zh-cn") != ch:
                            found.add(ch)
                _trad_chars = frozenset(found)
    return _trad_chars


def _squash_bang_question(match: re.Match[str]) -> str:
    run = match.group(0)
    # A plain run (!!!!) is left to the general repeat rule, which keeps two.
    return "?!" if "?" in run and "!" in run else run


def normalize(text: str) -> str:
    """Return a cleaned, comparable form of one comment.

    Steps (see the module docstring for why each one): delete control, format and
    surrogate characters; decode HTML character references; full-width ASCII → ASCII; traditional → simplified Chinese
    (only when a traditional-only character is present); URLs → ``URL``; squash runs of
    punctuation and emoji; collapse whitespace.

    Parameters
    ----------
    text : str
        Any string. ``None`` and a float NaN (a blank cell read by pandas) give ``""``.

    Returns
    -------
    str
        The normalised text; ``""`` when nothing meaningful is left.

    Raises
    ------
    InvalidInput
        When ``text`` is neither a ``str`` nor a missing value (e.g. a number or bytes).

    References
    ----------
    Unicode Standard Annex #15 (normalisation forms) and #51 (emoji); zhconv 1.4
    (MediaWiki conversion tables).

    Examples
    --------
    >>> normalize("服務態度很好！！！！ＯＫ  詳見 https://x.cn/a?b=1")
    '服务态度很好!!OK 详见 URL'
    >>> normalize("太慢了。。。。还要排队？！？")
    '太慢了…还要排队?!'
    """
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return ""
        raise InvalidInput(f"normalize() needs a str, got {type(text).__name__}")
    if not text:
        return ""
    s = _DELETE.sub("", text)
    if not s.isascii():
        s = s.translate(_WIDTH)
    if "&" in s:
        s = _ENTITY.sub(_decode_entity, s)
    if not s.isascii():
        if not traditional_characters().isdisjoint(s):
            s = zhconv.convert(s, "zh-cn")
        if "\u2018" in s or "\u2019" in s:
            s = _CURLY_APOSTROPHE.sub("'", s)
    if "://" in s or "www." in s or "WWW." in s:
        s = URL_PATTERN.sub(" URL ", s)
    s = _ELLIPSIS.sub("…", s)
    if "?" in s and "!" in s:
        s = _BANG_QUESTION.sub(_squash_bang_question, s)
    s = _REPEAT.sub(r"\1\1", s)
    return _SPACE.sub(" ", s).strip()
