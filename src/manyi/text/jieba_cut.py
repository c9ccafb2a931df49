"""jieba's precise cut without the HMM, block by block: the same words, faster.

The Chinese sentiment features (:mod:`manyi.text.sentiment_features`) need jieba's word
split of every clause; profiling ``sentiment()`` on short reviews put half of its time in
``jieba.Tokenizer.lcut(..., HMM=False)``. :class:`BlockCutter` returns exactly the words
jieba returns for the same text and dictionary, for less:

- jieba cuts a text into *blocks* (runs of ideographs, ASCII letters, digits and
  ``+#&._%-``, its ``re_han_default``) and segments each block on its own; everything
  else is one token per character (whitespace runs are tokens too).
- each block goes through the same dynamic programme as jieba's
  ``__cut_DAG_NO_HMM`` (``get_DAG`` + ``calc``: the most probable route, ties broken
  towards the longer word, then single ASCII letters or digits glued together), in
  one backward pass with one dictionary look-up per step (a table of the entries met so
  far holds each word's log-probability) instead of a DAG, a generator of tuples per
  position and a logarithm per candidate. The arithmetic is jieba's, in its order
  (``(log f − log total) + route``), so the chosen route is identical, ties included.

``tests/text/test_text_jieba_cut.py`` checks the words against ``jieba.Tokenizer.lcut``
on 3,000 real reviews and on edge cases.

A memo of blocks was tried and dropped: a block is short and its route costs about as
much as the memo's bookkeeping, so it made one pass over the online_shopping test split
5 % slower and was no faster on the next 600 short reviews after 5,000 others
(docs/performance.md). Repeated *comments* are remembered by ``sentiment()`` instead.
"""

from __future__ import annotations

from math import log

import jieba

__all__ = ["BlockCutter"]

# jieba's own patterns, so that a jieba upgrade that changes them changes ours too.
_BLOCK = jieba.re_han_default
_SKIP = jieba.re_skip_default
_ASCII = jieba.re_eng
_UNSEEN = object()


class BlockCutter:
    """The words ``tokenizer.lcut(text, HMM=False)`` returns, computed block by block.

    Parameters
    ----------
    tokenizer : jieba.Tokenizer
        An initialised tokenizer whose dictionary no longer changes (the log-probability
        of each word met is kept; a word's count changed later would not be seen).

    Examples
    --------
    >>> import jieba
    >>> tok = jieba.Tokenizer(); tok.initialize()
    >>> BlockCutter(tok).cut("物流很快，质量不错") == tok.lcut("物流很快，质量不错", HMM=False)
    True
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        tokenizer.check_initialized()
        self._freq: dict[str, int] = tokenizer.FREQ
        self._log_total = log(tokenizer.total)
        # Dictionary entries met so far -> log-probability (None: a prefix only). Bounded
        # by the size of jieba's dictionary: fragments it does not know are not kept.
        self._log_p: dict[str, object] = {}

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in order, as ``jieba.Tokenizer.lcut(text, HMM=False)``."""
        out: list[str] = []
        # split() with one group puts the matches at the odd positions: jieba tests each
        # piece with match() again, which gives the same answer.
        for k, piece in enumerate(_BLOCK.split(text)):
            if not piece:
                continue
            if k % 2:
                out.extend(self._route(piece))
                continue
            for j, part in enumerate(_SKIP.split(piece)):
                if j % 2:
                    out.append(part)
                else:
                    out.extend(part)
        return out

    def _route(self, block: str) -> tuple[str, ...]:
        """jieba's ``get_DAG`` + ``calc`` + ``__cut_DAG_NO_HMM`` on one block."""
        freq = self._freq
        table = self._log_p
        log_total = self._log_total
        n = len(block)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        unknown = 0.0 - log_total  # log(1) − log total: a character not in the dictionary
        for start in range(n - 1, -1, -1):
            best = 0.0
            best_end = -1
            i = start
            fragment = block[start]
            while i < n:
                # One look-up per step: a dictionary word's log-probability, None for a
                # mere prefix of one (count 0); a fragment jieba does not know ends the scan.
                log_p = table.get(fragment, _UNSEEN)
                if log_p is _UNSEEN:
                    count = freq.get(fragment)
                    if count is None:
                        break
                    log_p = log(count) - log_total if count else None
                    table[fragment] = log_p
                if log_p is not None:
                    candidate = log_p + score[i + 1]  # type: ignore[operator]
                    # max() over (score, end) tuples: a tie goes to the later end.
                    if best_end < 0 or candidate >= best:
                        best, best_end = candidate, i
                i += 1
                fragment = block[start : i + 1]
            if best_end < 0:
                best, best_end = unknown + score[start + 1], start
            score[start] = best
            end[start] = best_end
        words: list[str] = []
        buffer = ""
        x = 0
        while x < n:
            y = end[x] + 1
            word = block[x:y]
            if len(word) == 1 and _ASCII.match(word):
                buffer += word
            else:
                if buffer:
                    words.append(buffer)
                    buffer = ""
                words.append(word)
            x = y
        if buffer:
            words.append(buffer)
        return tuple(words)
