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

from sqlalchemy import update

from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.cleaning import fingerprint
from manyi.ingestion.feedback import FeedbackIn, prepare_feedback, store_feedback_rows
from manyi.ingestion.files import SourceRow, TableFile, open_table
from manyi.ingestion.mapping import build_answers, load_mapping_file, map_columns, option_lookup
from manyi.ingestion.references import References
from manyi.ingestion.responses import (
    PreparedResponse,
    ResponseIn,
    flag_batch,
    load_context,
    prepare,
    store_batch,
)
from manyi.storage.database import Database
from manyi.storage.tables import ImportRow
from manyi.storage.types import utcnow

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
        for e in errors or [FieldError((), "rejected")]:
            self._writer.writerow(
                [
                    line,
                    ".".join(map(str, e.loc)),
                    e.msg,
                    json.dumps(row, ensure_ascii=False, default=str),
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
        # An earlier run of the same file that never finished was interrupted (e.g. kill -9).
        s.execute(
            update(ImportRow)
            .where(ImportRow.file_sha256 == sha, ImportRow.status == "running")
            .values(status="interrupted", finished_at=utcnow())
        )
        row = ImportRow(
            kind=kind,
            survey_id=survey_id,
            file_name=table.path.name,
            file_sha256=sha,
            total_rows=table.total,
        )
        s.add(row)
        s.flush()
        return row.id


def _finish(
    db: Database, import_id: int, imported: int, duplicates: int, errors: _ErrorFile
) -> Path | None:
    path = errors.close()
    with db.session() as s:
        row = s.get(ImportRow, import_id)
        assert row is not None
        row.status = "finished"
        row.imported_rows, row.duplicate_rows, row.error_rows = imported, duplicates, errors.count
        row.error_file = str(path) if path else None
        row.finished_at = utcnow()
    return path


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
) -> ImportResult:
    """Import survey responses from CSV/XLSX/JSONL into ``survey_id``."""
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
    options = option_lookup(ctx.definition)
    import_id = _start_import(db, "responses", table, survey_id, sha)
    errors = _ErrorFile(Path(error_dir) / f"import-{import_id}-errors.csv")
    imported = duplicates = done = 0
    for batch in _batches(table.rows(), batch_size):
        with db.session() as s:
            refs = References(s)
            customer_column = next(
                (h for h, t in columns.targets.items() if t.meta == "customer"), None
            )
            if customer_column:
                refs.ensure_customers(str(r.values.get(customer_column) or "") for r in batch)
            prepared: list[PreparedResponse] = []
            for row in batch:
                try:
                    if "__error__" in row.values:
                        raise InvalidInput(
                            row.values["__error__"], [FieldError((), row.values["__error__"])]
                        )
                    answers, meta = build_answers(row.values, columns, ctx.definition, options)
                    key = meta.get("external_key")
                    external_key = (
                        f"id:{str(key).strip()}"
                        if key not in (None, "")
                        else "line:" + fingerprint(row.line, row.values)
                    )
                    item = ResponseIn(
                        answers=answers,
                        customer=str(meta["customer"])
                        if meta.get("customer") not in (None, "")
                        else None,
                        channel=str(meta["channel"]) if meta.get("channel") else None,
                        touchpoint=str(meta["touchpoint"]) if meta.get("touchpoint") else None,
                        started_at=_parse_time(meta.get("started_at"), "started_at"),
                        submitted_at=_parse_time(meta.get("submitted_at"), "submitted_at"),
                        language=str(meta["language"]) if meta.get("language") else None,
                        consent=_truthy(meta.get("consent", "")),
                        metadata={"import_line": row.line},
                        external_key=external_key,
                    )
                    prepared.append(prepare(refs, ctx, item, source="import", import_id=import_id))
                except InvalidInput as exc:
                    errors.add(row.line, exc.errors or [FieldError((), exc.message)], row.values)
            flag_batch(s, ctx, prepared, speeder_fraction)
            inserted = store_batch(s, prepared)
            imported += len(inserted)
            duplicates += len(prepared) - len(inserted)
            s.execute(
                update(ImportRow)
                .where(ImportRow.id == import_id)
                .values(imported_rows=imported, duplicate_rows=duplicates, error_rows=errors.count)
            )
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


def import_feedback(
    db: Database, path: str | Path, *, error_dir: str | Path, progress: Progress | None = None
) -> ImportResult:
    """Import feedback items (complaints, call notes, reviews …) from CSV/XLSX/JSONL."""
    table = open_table(path)
    sha = _sha256(table.path)
    import_id = _start_import(db, "feedback", table, None, sha)
    errors = _ErrorFile(Path(error_dir) / f"import-{import_id}-errors.csv")
    imported = duplicates = done = 0
    unmapped: set[str] = set()
    for batch in _batches(table.rows(), BATCH_SIZE):
        with db.session() as s:
            refs = References(s)
            rows: list[dict[str, Any]] = []
            for row in batch:
                fields: dict[str, Any] = {}
                for header, value in row.values.items():
                    name = _feedback_field(header)
                    if name is None:
                        unmapped.add(header)
                    elif value not in (None, ""):
                        fields[name] = value
                try:
                    if "__error__" in row.values:
                        raise InvalidInput(
                            row.values["__error__"], [FieldError((), row.values["__error__"])]
                        )
                    if "text" not in fields:
                        raise InvalidInput(
                            "no text",
                            [FieldError(("text",), "no text column or empty text", "missing")],
                        )
                    rating = fields.get("rating")
                    try:
                        rating_value = float(rating) if rating not in (None, "") else None
                    except (TypeError, ValueError):
                        raise InvalidInput(
                            "bad rating",
                            [FieldError(("rating",), f"not a number: {rating!r}", "type")],
                        ) from None
                    ext = fields.get("external_id")
                    item = FeedbackIn(
                        text=str(fields["text"]),
                        kind=str(fields.get("kind", "other")),
                        rating=rating_value,
                        customer=str(fields["customer"]) if "customer" in fields else None,
                        channel=str(fields["channel"]) if "channel" in fields else None,
                        touchpoint=str(fields["touchpoint"]) if "touchpoint" in fields else None,
                        department=str(fields["department"]) if "department" in fields else None,
                        occurred_at=_parse_time(fields.get("occurred_at"), "occurred_at"),
                        external_id=f"id:{ext}"
                        if ext not in (None, "")
                        else "line:" + fingerprint(row.line, row.values),
                        metadata={"import_line": row.line},
                    )
                    prepared = prepare_feedback(refs, item, source="import", import_id=import_id)
                    prepared["idempotency_key"] = None
                    rows.append(prepared)
                except InvalidInput as exc:
                    errors.add(row.line, exc.errors or [FieldError((), exc.message)], row.values)
            inserted = store_feedback_rows(s, rows) if rows else []
            imported += len(inserted)
            duplicates += len(rows) - len(inserted)
        done += len(batch)
        if progress:
            progress(done, table.total)
    error_path = _finish(db, import_id, imported, duplicates, errors)
    return ImportResult(
        import_id, table.total, imported, duplicates, errors.count, error_path, sorted(unmapped)
    )
