"""Enriching a column of comments in a file (``manyi text FILE --column COL``).

Rows are streamed in chunks and written as they are enriched, so a million-row file
needs no more memory than one chunk (plus the decoded file text for CSV). The output is
the input's columns followed by the enrichment columns, as UTF-8 CSV with BOM so Excel
shows the Chinese.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from manyi.errors import InvalidInput
from manyi.text.enrich import Enrichment, enrich_texts
from manyi.text.taxonomy import Taxonomy

CHUNK = 1000
OUTPUT_COLUMNS = (
    "language",
    "sentiment",
    "sentiment_score",
    "aspects",
    "aspects_json",
    "redacted_text",
    "enrichment_error",
)
Progress = Callable[[int, int], None]


class Row(Protocol):
    """A row of a table file (``manyi.ingestion.files.SourceRow`` fits)."""

    @property
    def line(self) -> int: ...

    @property
    def values(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class FileEnrichment:
    rows: int
    errors: int
    output: Path
    sentiment_counts: dict[str, int]


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _cells(e: Enrichment) -> list[Any]:
    summary = "; ".join(f"{a['code']}:{a['label']}" for a in e.aspects)
    return [
        e.language,
        e.sentiment_label or "",
        "" if e.sentiment_score is None else e.sentiment_score,
        summary,
        json.dumps(e.aspects, ensure_ascii=False),
        e.redacted_text,
        e.error or "",
    ]


def enrich_table(
    rows: Iterable[Row],
    headers: list[str],
    column: str,
    output: Path,
    *,
    total: int = 0,
    taxonomy: Taxonomy | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> FileEnrichment:
    """Enrich ``column`` of every row and write the enriched table to ``output``."""
    if headers and column not in headers:
        raise InvalidInput(
            f"no column {column!r} in the file; its columns are: {', '.join(headers)}"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    done = errors = 0
    counts: dict[str, int] = {}
    written_headers: list[str] | None = list(headers) if headers else None
    with output.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        if written_headers is not None:
            writer.writerow([*written_headers, *OUTPUT_COLUMNS])
        for chunk in _chunks(rows, chunk_size):
            if written_headers is None:  # JSON Lines: the first object's keys are the columns
                written_headers = [k for k in chunk[0].values if not k.startswith("__")]
                if column not in written_headers:
                    raise InvalidInput(
                        f"no field {column!r} in the file; its fields are: {', '.join(written_headers)}"
                    )
                writer.writerow([*written_headers, *OUTPUT_COLUMNS])
            results = enrich_texts([row.values.get(column) for row in chunk], taxonomy)
            for row, result in zip(chunk, results, strict=True):
                writer.writerow([row.values.get(h, "") for h in written_headers] + _cells(result))
                errors += result.error is not None
                label = result.sentiment_label or "error"
                counts[label] = counts.get(label, 0) + 1
            done += len(chunk)
            if progress:
                progress(done, total)
    return FileEnrichment(done, errors, output, counts)
