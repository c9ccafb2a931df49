"""The workflow's settings in one typed object, built from :class:`manyi.config.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from manyi.config import Settings
from manyi.domain.business_calendar import BusinessCalendar, china_calendar, parse_periods
from manyi.storage.types import utcnow


@dataclass(frozen=True)
class WorkflowConfig:
    calendar: BusinessCalendar = field(default_factory=china_calendar)
    repeat_days: int = 30
    followup_survey_code: str = "case-followup"
    #: Rules act on items that happened within this many days (0: any age).
    alert_max_age_days: int = 14

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkflowConfig:
        return cls(
            china_calendar(settings.case_timezone, parse_periods(settings.case_working_hours)),
            settings.repeat_complaint_days,
            settings.followup_survey_code,
            settings.alert_max_age_days,
        )


def now_or(at: datetime | None) -> datetime:
    return at if at is not None else utcnow()
