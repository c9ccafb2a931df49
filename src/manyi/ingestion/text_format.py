"""How a delimited text file is written: its text encoding and its delimiter.

Both are read from the file's first block (:data:`HEAD_BYTES`), never from the whole file:
the encoding from a byte-order mark, a UTF-8 check or charset-normalizer, the delimiter with
:class:`csv.Sniffer`. The caller checks the chosen encoding against the whole file as it
streams through it, and tries the next candidate when it fails.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

HEAD_BYTES = 64 * 1024  # the block the encoding and the delimiter are read from
DELIMITERS = ",;\t|"
BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What charset-normalizer may propose: the encodings survey exports are saved in. An open
# list would let a single-byte code page "decode" any binary file (it proposes cp1251 for
# random bytes). UTF-16/32 without a mark only where the block has NUL bytes: such a file
# always has them (its newlines and delimiters are ASCII), other text files seldom do.
NARROW_GUESSES = ("gb18030", "big5", "cp950", "shift_jis", "cp932", "euc_jp", "cp949", "cp1252")
WIDE_GUESSES = ("utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz"})
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether a block decodes; a character cut in two at its end is no error."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_text(head: bytes, encoding: str) -> bool:
    """Whether a block decodes to text: no control characters but tab and line breaks.

    A byte-order mark or a detector's guess is not proof: UTF-16 "decodes" any even
    number of bytes, so the guessed reading must also look like text.
    """
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return CONTROL_CHARACTERS.search(text) is None


def _guess_encoding(head: bytes, whole_file: bool) -> str | None:
    """charset-normalizer's reading of a block (a Python codec name), or None.

    A block cut mid-character matches nothing, so it is cut at its last newline (narrow
    encodings never use byte 0x0A inside a character) or at a whole number of code units.
    """
    from charset_normalizer import from_bytes

    wide = b"\x00" in head
    if not whole_file:
        head = head[: len(head) - len(head) % 4] if wide else head[: head.rfind(b"\n") + 1]
    guesses = WIDE_GUESSES if wide else NARROW_GUESSES
    for block in (head, head[:-2]) if wide else (head,):
        names = [
            codecs.lookup(m.encoding).name for m in from_bytes(block, cp_isolation=list(guesses))
        ]
        if any(name in GB_FAMILY for name in names):
            return "gb18030"  # GBK text often reads as Korean too: GB is the likelier
        if names:
            return names[0]
    return None


def candidate_encodings(path: Path) -> Iterator[str]:
    """The encodings to try, likeliest first; the caller checks each against the whole file.

    A byte-order mark decides, then UTF-8, then charset-normalizer's guess (asked only when
    the block is not UTF-8), then GB18030, which decodes almost anything and so comes last.
    """
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        whole_file = not fh.read(1)
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark) and _reads_as_text(head, encoding):
            yield encoding
            return
    # UTF-16 text without a mark that is all ASCII is also valid UTF-8, with every other
    # byte NUL; a UTF-8 file may hold the odd NUL character in an answer.
    if _decodes(head, "utf-8") and head.count(0) * 4 < len(head):
        yield "utf-8-sig"
    guess = _guess_encoding(head, whole_file)
    if guess is not None and guess != "gb18030" and _reads_as_text(head, guess):
        yield guess
    yield "gb18030"


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a delimited text from its first lines: comma, semicolon, tab or pipe.

    csv.Sniffer weighs how evenly each candidate occurs line by line; its answer is taken
    when the header line holds that delimiter. Otherwise (one column, a sample it cannot
    read, a delimiter that occurs only inside the answers) the candidate the header line
    holds most is, and a comma when it holds none.
    """
    header = sample.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def sniffed_lines(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """The delimiter found in the first block of lines, and all lines (none lost)."""
    head: list[str] = []
    size = 0
    for line in lines:
        head.append(line)
        size += len(line)
        if size >= HEAD_BYTES:
            break
    return sniff_delimiter("".join(head)), chain(head, lines)


__all__ = ["HEAD_BYTES", "candidate_encodings", "sniff_delimiter", "sniffed_lines"]
