"""Names for the case pages: departments and the people who work cases."""

from __future__ import annotations

from dataclasses import dataclass

from manyi.storage.cases import case_workers, department_names
from manyi.storage.database import Database


@dataclass(frozen=True)
class Worker:
    id: int
    name: str
    department_id: int | None


@dataclass(frozen=True)
class Directory:
    #: id → (code, name_zh, name_en)
    departments: dict[int, tuple[str, str, str]]
    workers: list[Worker]

    def department(self, department_id: int | None, lang: str) -> str:
        if department_id is None or department_id not in self.departments:
            return "—"
        _, zh, en = self.departments[department_id]
        return zh if lang == "zh-CN" else en

    def person(self, user_id: int | None) -> str:
        for w in self.workers:
            if w.id == user_id:
                return w.name
        return "—" if user_id is None else f"#{user_id}"


def directory(db: Database) -> Directory:
    with db.session() as s:
        return Directory(department_names(s), [Worker(*w) for w in case_workers(s)])
