"""File import for survey responses and feedback items.

Good rows are stored, bad rows go to an error file (CSV: line, field, reason, row) and
never stop the import. Rows are committed in batches; each row has a stable key (the
file's response/feedback id column, or a fingerprint of its line number and content),
so an import that was killed halfway and run again stores every good row exactly once.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.cleaning import fingerprint
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.files import SourceRow, TableFile, open_table
from manyi.ingestion.mapping import (
    ColumnMap,
    build_answers,
    load_mapping_file,
    map_columns,
    option_lookup,
)
from manyi.ingestion.pipeline import (
    Enqueue,
    FeedbackBatch,
    IntakeOptions,
    IntakeResult,
    ResponseBatch,
    record,
)
from manyi.ingestion.responses import ResponseIn, load_context
from manyi.storage.database import Database
from manyi.storage.imports import finish_import_run, start_import_run, update_import_counts

BATCH_SIZE = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    total_rows: int
    imported: int
    duplicates: int
    errors: int
    error_file: Path | None
    unmapped_columns: list[str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse_time(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    text = str(value).strip().replace("/", "-")
    try:  # the common ISO form first: fromisoformat is ~20x faster than strptime
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"bad {field}", [FieldError((field,), f"not a date/time: {value!r}", "type")]
        ) from None


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "是", "同意")


class _ErrorFile:
    """Collects rejected rows and writes them next to the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: Any = None
        self._writer: Any = None

    def add(self, line: int, errors: list[FieldError], row: dict[str, Any]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # utf-8-sig so that Excel opens the Chinese reasons correctly.
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["line", "field", "reason", "row"])
        self.count += 1
        # the reader's own keys (the reason a row could not be read) are no cells of the file
        cells = {k: v for k, v in row.items() if not k.startswith("__")}
        for e in errors or [FieldError((), "rejected")]:
            self._writer.writerow(
                [
                    line,
                    ".".join(map(str, e.loc)),
                    e.msg,
                    json.dumps(cells, ensure_ascii=False, default=str),
                ]
            )

    def close(self) -> Path | None:
        if self._fh is not None:
            self._fh.close()
            return self.path
        return None


def _batches(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    batch: list[SourceRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _start_import(
    db: Database, kind: str, table: TableFile, survey_id: int | None, sha: str
) -> int:
    with db.session() as s:
        return start_import_run(
            s,
            kind=kind,
            survey_id=survey_id,
            file_name=table.path.name,
            file_sha256=sha,
            total_rows=table.total,
        )


def _finish(
    db: Database, import_id: int, imported: int, duplicates: int, errors: _ErrorFile
) -> Path | None:
    path = errors.close()
    with db.session() as s:
        finish_import_run(
            s,
            import_id,
            imported=imported,
            duplicates=duplicates,
            errors=errors.count,
            error_file=str(path) if path else None,
        )
    return path


def _unreadable(row: SourceRow) -> None:
    """Raise for a row the file reader could not read (its reason is in ``__error__``)."""
    if "__error__" in row.values:
        reason = str(row.values["__error__"])
        raise InvalidInput(reason, [FieldError((), reason)])


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _response_item(
    row: SourceRow,
    columns: ColumnMap,
    definition: SurveyDefinition,
    options: dict[str, dict[str, str]],
) -> ResponseIn:
    """One file row as a response; raises InvalidInput for what cannot be read."""
    _unreadable(row)
    answers, meta = build_answers(row.values, columns, definition, options)
    key = meta.get("external_key")
    external_key = (
        f"id:{str(key).strip()}"
        if key not in (None, "")
        else "line:" + fingerprint(row.line, row.values)
    )
    return ResponseIn(
        answers=answers,
        customer=_text_or_none(meta.get("customer")),
        channel=_text_or_none(meta.get("channel")),
        touchpoint=_text_or_none(meta.get("touchpoint")),
        started_at=_parse_time(meta.get("started_at"), "started_at"),
        submitted_at=_parse_time(meta.get("submitted_at"), "submitted_at"),
        language=_text_or_none(meta.get("language")),
        consent=_truthy(meta.get("consent", "")),
        metadata={"import_line": row.line},
        external_key=external_key,
    )


def _record_rows(
    db: Database,
    batch: ResponseBatch | FeedbackBatch,
    options: IntakeOptions,
    enqueue: Enqueue | None,
) -> IntakeResult:
    if not batch.items:  # every row of this batch was unreadable
        return IntakeResult(())
    return record(db, batch, options, enqueue=enqueue)


def _count(
    db: Database,
    import_id: int,
    result: IntakeResult,
    items: list[tuple[SourceRow, Any]],
    errors: _ErrorFile,
    imported: int,
    duplicates: int,
) -> tuple[int, int]:
    """Write the batch's rejected rows to the error file and the running totals to the import."""
    for rejected in result.rejected:
        row = items[rejected.index][0]
        errors.add(row.line, list(rejected.errors), row.values)
    imported += result.created
    duplicates += result.already_stored
    with db.session() as s:
        update_import_counts(
            s, import_id, imported=imported, duplicates=duplicates, errors=errors.count
        )
    return imported, duplicates


def import_responses(
    db: Database,
    path: str | Path,
    survey_id: int,
    *,
    mapping_file: str | Path | None = None,
    error_dir: str | Path,
    progress: Progress | None = None,
    speeder_fraction: float = 0.3,
    batch_size: int = BATCH_SIZE,
    enqueue: Enqueue | None = None,
    keep_raw_text: bool = True,
) -> ImportResult:
    """Import survey responses from CSV/XLSX/JSONL into ``survey_id``.

    Each batch of rows goes through the intake pipeline; ``enqueue`` asks the job queue
    to enrich the open answers stored.
    """
    table = open_table(path)
    sha = _sha256(table.path)
    with db.session() as s:
        ctx = load_context(s, survey_id)
    mapping = load_mapping_file(mapping_file) if mapping_file else None
    headers = table.headers
    if table.format == "jsonl":  # JSON Lines: the keys of the first object are the headers
        first = next(iter(table.rows()), None)
        headers = [k for k in (first.values if first else {}) if not k.startswith("__")]
    columns = map_columns(headers, ctx.definition, mapping)
    options_map = option_lookup(ctx.definition)
    import_id = _start_import(db, "responses", table, survey_id, sha)
    errors = _ErrorFile(Path(error_dir) / f"import-{import_id}-errors.csv")
    imported = duplicates = done = 0
    options = IntakeOptions(
        source="import",
        all_or_nothing=False,
        keep_raw_text=keep_raw_text,
        speeder_fraction=speeder_fraction,
        require_active=False,
        import_id=import_id,
    )
    for batch in _batches(table.rows(), batch_size):
        items: list[tuple[SourceRow, ResponseIn]] = []
        for row in batch:
            try:
                items.append((row, _response_item(row, columns, ctx.definition, options_map)))
            except InvalidInput as exc:
                errors.add(row.line, exc.errors or [FieldError((), exc.message)], row.values)
        result = _record_rows(
            db, ResponseBatch(survey_id, [item for _, item in items]), options, enqueue
        )
        imported, duplicates = _count(db, import_id, result, items, errors, imported, duplicates)
        done += len(batch)
        if progress:
            progress(done, table.total)
    error_path = _finish(db, import_id, imported, duplicates, errors)
    return ImportResult(
        import_id, table.total, imported, duplicates, errors.count, error_path, columns.unmapped
    )


FEEDBACK_ALIASES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "content",
        "comment",
        "feedback",
        "内容",
        "反馈内容",
        "评论",
        "意见",
        "投诉内容",
        "备注",
    ),
    "kind": ("kind", "type", "类型", "反馈类型"),
    "rating": ("rating", "score", "评分", "打分"),
    "customer": ("customer", "customer_id", "客户", "客户编号"),
    "channel": ("channel", "渠道"),
    "touchpoint": ("touchpoint", "触点"),
    "department": ("department", "部门", "责任部门"),
    "occurred_at": ("occurred_at", "date", "time", "时间", "日期", "发生时间"),
    "external_id": ("external_id", "id", "编号", "工单号"),
}


def _feedback_field(header: str) -> str | None:
    key = header.strip().lower()
    return next((f for f, aliases in FEEDBACK_ALIASES.items() if key in aliases), None)


def _feedback_item(row: SourceRow, unmapped: set[str]) -> FeedbackIn:
    """One file row as a feedback item; raises InvalidInput for what cannot be read."""
    fields: dict[str, Any] = {}
    for header, value in row.values.items():
        if header.startswith("__"):  # the reader's own keys, never a column of the file
            continue
        name = _feedback_field(header)
        if name is None:
            unmapped.add(header)
        elif value not in (None, ""):
            fields[name] = value
    _unreadable(row)
    if "text" not in fields:
        raise InvalidInput(
            "no text", [FieldError(("text",), "no text column or empty text", "missing")]
        )
    rating = fields.get("rating")
    try:
        rating_value = float(rating) if rating not in (None, "") else None
    except (TypeError, ValueError):
        raise InvalidInput(
            "bad rating", [FieldError(("rating",), f"not a number: {rating!r}", "type")]
        ) from None
    ext = fields.get("external_id")
    return FeedbackIn(
        text=str(fields["text"]),
        kind=str(fields.get("kind", "other")),
        rating=rating_value,
        customer=_text_or_none(fields.get("customer")),
        channel=_text_or_none(fields.get("channel")),
        touchpoint=_text_or_none(fields.get("touchpoint")),
        department=_text_or_none(fields.get("department")),
        occurred_at=_parse_time(fields.get("occurred_at"), "occurred_at"),
        external_id=f"id:{ext}"
        if ext not in (None, "")
        else "line:" + fingerprint(row.line, row.values),
        metadata={"import_line": row.line},
    )


def import_feedback(
    db: Database,
    path: str | Path,
    *,
    error_dir: str | Path,
    progress: Progress | None = None,
    enqueue: Enqueue | None = None,
    keep_raw_text: bool = True,
) -> ImportResult:
    """Import feedback items (complaints, call notes, reviews …) from CSV/XLSX/JSONL."""
    table = open_table(path)
    sha = _sha256(table.path)
    import_id = _start_import(db, "feedback", table, None, sha)
    errors = _ErrorFile(Path(error_dir) / f"import-{import_id}-errors.csv")
    imported = duplicates = done = 0
    unmapped: set[str] = set()
    options = IntakeOptions(
        source="import", all_or_nothing=False, keep_raw_text=keep_raw_text, import_id=import_id
    )
    for batch in _batches(table.rows(), BATCH_SIZE):
        items: list[tuple[SourceRow, FeedbackIn]] = []
        for row in batch:
            try:
                items.append((row, _feedback_item(row, unmapped)))
            except InvalidInput as exc:
                errors.add(row.line, exc.errors or [FieldError((), exc.message)], row.values)
        result = _record_rows(db, FeedbackBatch([item for _, item in items]), options, enqueue)
        imported, duplicates = _count(db, import_id, result, items, errors, imported, duplicates)
        done += len(batch)
        if progress:
            progress(done, table.total)
    error_path = _finish(db, import_id, imported, duplicates, errors)
    return ImportResult(
        import_id, table.total, imported, duplicates, errors.count, error_path, sorted(unmapped)
    )
