"""Reference repository: resolve channel, touchpoint, department and customer codes to ids
(and ids back to codes); store and count customers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manyi.errors import FieldError
from manyi.storage.insert import insert_ignore
from manyi.storage.tables import ChannelRow, CustomerRow, DepartmentRow, TouchpointRow
from manyi.storage.types import utcnow


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class References:
    """Per-batch cache of code → id lookups; unknown codes are reported as field errors.

    Customers given by external id that do not exist yet are created (the channel knows
    the customer before manyi does); channels, touchpoints and departments must exist.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[str, str], int] = {}

    def preload_customers(self) -> None:
        """Cache every customer's id (bulk loads would otherwise look each one up)."""
        for external_id, cid in self.session.execute(
            select(CustomerRow.external_id, CustomerRow.id)
        ).all():
            self._cache[("customers", external_id)] = cid

    def ensure_customers(self, external_ids: Iterable[str | None]) -> None:
        """Resolve (and create where missing) many customers with two set-based statements."""
        wanted = {str(e).strip()[:128] for e in external_ids if e is not None and str(e).strip()}
        wanted -= {key[1] for key in self._cache if key[0] == "customers"}
        if not wanted:
            return
        insert_ignore(
            self.session,
            CustomerRow,
            [{"external_id": e, "segments": {}, "created_at": utcnow()} for e in sorted(wanted)],
            conflict=("external_id",),
        )
        for chunk in _chunks(sorted(wanted), 900):  # SQLite allows ~999 bound parameters
            rows = self.session.execute(
                select(CustomerRow.external_id, CustomerRow.id).where(
                    CustomerRow.external_id.in_(chunk)
                )
            ).all()
            for external_id, cid in rows:
                self._cache[("customers", external_id)] = cid

    def _lookup(self, table: Any, code: str) -> int | None:
        key = (table.__tablename__, code)
        if key not in self._cache:
            found = self.session.scalar(select(table.id).where(table.code == code))
            if found is None:
                return None
            self._cache[key] = found
        return self._cache[key]

    def code_id(
        self, table: Any, code: str | None, field: str, errors: list[FieldError]
    ) -> int | None:
        if code is None or code == "":
            return None
        found = self._lookup(table, str(code))
        if found is None:
            errors.append(FieldError((field,), f"unknown {field} {code!r}", "unknown"))
        return found

    def channel(self, code: str | None, errors: list[FieldError]) -> int | None:
        return self.code_id(ChannelRow, code, "channel", errors)

    def touchpoint(self, code: str | None, errors: list[FieldError]) -> int | None:
        return self.code_id(TouchpointRow, code, "touchpoint", errors)

    def department(self, code: str | None, errors: list[FieldError]) -> int | None:
        return self.code_id(DepartmentRow, code, "department", errors)

    def customer(
        self, external_id: str | None, segments: dict[str, Any] | None = None
    ) -> int | None:
        if external_id is None or str(external_id).strip() == "":
            return None
        external_id = str(external_id).strip()[:128]
        key = ("customers", external_id)
        if key in self._cache:
            return self._cache[key]
        found = self.session.scalar(
            select(CustomerRow.id).where(CustomerRow.external_id == external_id)
        )
        if found is None:
            # A nested transaction keeps the batch alive if another writer created it meanwhile.
            with self.session.begin_nested():
                row = CustomerRow(external_id=external_id, segments=segments or {})
                self.session.add(row)
            found = row.id
        self._cache[key] = found
        return found


@dataclass(frozen=True)
class Codes:
    """id -> code of every channel, touchpoint and department (to show codes, not ids)."""

    channels: dict[int, str]
    touchpoints: dict[int, str]
    departments: dict[int, str]


def codes(session: Session) -> Codes:
    """The codes of all channels, touchpoints and departments (small tables, read whole)."""
    return Codes(
        channels=_code_map(session, ChannelRow),
        touchpoints=_code_map(session, TouchpointRow),
        departments=_code_map(session, DepartmentRow),
    )


def _code_map(session: Session, table: Any) -> dict[int, str]:
    return {int(i): str(c) for i, c in session.execute(select(table.id, table.code)).all()}


def insert_customers(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert customers (dicts of CustomerRow attributes), skipping external ids already stored."""
    insert_ignore(session, CustomerRow, rows, conflict=("external_id",))


def count_customers(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(CustomerRow)) or 0)
