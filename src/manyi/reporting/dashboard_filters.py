"""The overview dashboard's filters, parsed from and written back to URL query parameters
in one place, so the page, the API, the drill-down links and the reports agree.

A dashboard URL is shareable: every filter is a GET parameter. Unknown or malformed
values raise :class:`~manyi.errors.InvalidInput` with a message naming the parameter
(shown on the page and as a 422 by the API), never a server error.

Parameters (all optional)::

    period=7d|30d|90d|180d|365d|custom   preset, counted back from today (UTC), default 365d
    from=YYYY-MM-DD&to=YYYY-MM-DD          custom period (both days included), used when
                                           period is absent or custom
    granularity=day|week|month|quarter     trend buckets, default month
    survey=ID                              one survey (default: every survey)
    department=CODE touchpoint=CODE channel=CODE
    region=… tier=… product=… language=…  customer segments and answer language
    flagged=include|exclude                count quality-flagged responses (default exclude)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from manyi.errors import InvalidInput

Granularity = Literal["day", "week", "month", "quarter"]
GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month", "quarter")
#: Period presets: name -> days counted back from today (today included).
PRESETS: dict[str, int] = {"7d": 7, "30d": 30, "90d": 90, "180d": 180, "365d": 365}
DEFAULT_PRESET = "365d"
#: The longest period a request may ask for (a daily trend over it is still ~3,700 points).
MAX_DAYS = 3660
#: A daily trend covers at most a quarter: longer ones are unreadable as a chart and cost
#: one set of statistics per day (about 12–25 ms a day on the demo data).
MAX_DAILY_DAYS = 92
#: The string filters taken as they are (segments and the answer language).
TEXT_FILTERS = ("region", "tier", "product", "language")
CODE_FILTERS = ("department", "touchpoint", "channel")
_MAX_TEXT = 64
_KNOWN = {
    "period",
    "from",
    "to",
    "granularity",
    "survey",
    "flagged",
    *TEXT_FILTERS,
    *CODE_FILTERS,
}


@dataclass(frozen=True)
class DashboardFilters:
    """What the overview shows: a period (``start``..``end``, both days included), trend
    granularity and the filters. Codes (department, touchpoint, channel) are resolved to
    ids by the service; None everywhere means "all"."""

    start: date
    end: date
    granularity: Granularity = "month"
    #: The preset that gave the period ("custom" for explicit dates).
    preset: str = DEFAULT_PRESET
    survey_id: int | None = None
    department: str | None = None
    touchpoint: str | None = None
    channel: str | None = None
    region: str | None = None
    tier: str | None = None
    product: str | None = None
    language: str | None = None
    include_flagged: bool = False

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                f"the period ends ({self.end}) before it starts ({self.start}); "
                "'to' must not be before 'from'"
            )
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise InvalidInput(f"the period may span at most {MAX_DAYS} days")
        if self.granularity == "day" and self.days > MAX_DAILY_DAYS:
            raise InvalidInput(
                f"a daily trend covers at most {MAX_DAILY_DAYS} days; this period has "
                f"{self.days}: choose week or month, or a shorter period"
            )
        if self.granularity not in GRANULARITIES:
            raise InvalidInput(
                f"granularity must be one of {', '.join(GRANULARITIES)}, not {self.granularity!r}"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of the same length just before (both days included)."""
        end = self.start - timedelta(days=1)
        return end - timedelta(days=self.days - 1), end

    def with_period(self, start: date, end: date) -> DashboardFilters:
        """The same filters over another period (a drill-down into one trend bucket)."""
        return replace(self, start=start, end=end, preset="custom")

    # ------------------------------------------------------------------ URL round trip

    def query(self, *, period: bool = True) -> list[tuple[str, str]]:
        """The filters as query parameters (defaults left out), in a stable order.

        ``period=False`` leaves out the period and granularity (links that set their own).
        """
        out: list[tuple[str, str]] = []
        if period:
            if self.preset == "custom":
                out += [("from", self.start.isoformat()), ("to", self.end.isoformat())]
            elif self.preset != DEFAULT_PRESET:
                out.append(("period", self.preset))
            if self.granularity != "month":
                out.append(("granularity", self.granularity))
        if self.survey_id is not None:
            out.append(("survey", str(self.survey_id)))
        for name in (*CODE_FILTERS, *TEXT_FILTERS):
            value = getattr(self, name)
            if value is not None:
                out.append((name, value))
        if self.include_flagged:
            out.append(("flagged", "include"))
        return out

    def period_query(self) -> list[tuple[str, str]]:
        """The period as explicit dates (drill-down links keep the exact days)."""
        return [("from", self.start.isoformat()), ("to", self.end.isoformat())]


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in params.get(name, ()) if v != ""]
    if len(set(values)) > 1:
        raise InvalidInput(f"{name!r} was given more than once with different values")
    return values[0] if values else None


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name!r} must be a date like 2026-06-30, not {value!r}") from None


def parse_filters(
    params: Mapping[str, Sequence[str]], *, today: date, strict: bool = False
) -> DashboardFilters:
    """Filters from query parameters (``name -> values``, e.g. Starlette's
    ``query_params``' multi items grouped).

    ``strict``: refuse parameters the dashboard does not know (the API); pages ignore
    them (``lang`` and the like).
    """
    if strict:
        unknown = sorted(set(params) - _KNOWN)
        if unknown:
            raise InvalidInput(f"unknown filter {unknown[0]!r}; known: {', '.join(sorted(_KNOWN))}")
    start_text, end_text = _one(params, "from"), _one(params, "to")
    preset = _one(params, "period")
    # A preset chosen in the form wins over the dates the form also sends; dates alone (a
    # drill-down link, a shared URL) or with period=custom give a custom period.
    if preset in (None, "custom") and (
        start_text is not None or end_text is not None or preset == "custom"
    ):
        if start_text is None or end_text is None:
            raise InvalidInput("a custom period needs both 'from' and 'to' (YYYY-MM-DD)")
        start, end, preset = _date("from", start_text), _date("to", end_text), "custom"
    else:
        preset = preset or DEFAULT_PRESET
        if preset not in PRESETS:
            raise InvalidInput(
                f"period must be one of {', '.join([*PRESETS, 'custom'])}, not {preset!r}"
            )
        end = today
        start = today - timedelta(days=PRESETS[preset] - 1)
    granularity = _one(params, "granularity") or "month"
    if granularity not in GRANULARITIES:
        raise InvalidInput(
            f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}"
        )
    survey_text = _one(params, "survey")
    survey_id = None
    if survey_text is not None:
        if not survey_text.isdigit() or len(survey_text) > 18:
            raise InvalidInput(f"'survey' must be a survey id (a number), not {survey_text!r}")
        survey_id = int(survey_text)
    flagged = _one(params, "flagged") or "exclude"
    if flagged not in ("include", "exclude"):
        raise InvalidInput(f"'flagged' must be include or exclude, not {flagged!r}")
    texts: dict[str, str | None] = {}
    for name in (*CODE_FILTERS, *TEXT_FILTERS):
        value = _one(params, name)
        if value is not None and len(value) > _MAX_TEXT:
            raise InvalidInput(f"{name!r} is longer than {_MAX_TEXT} characters")
        texts[name] = value
    return DashboardFilters(
        start=start,
        end=end,
        granularity=granularity,  # type: ignore[arg-type]  # checked above
        preset=preset,
        survey_id=survey_id,
        include_flagged=flagged == "include",
        **texts,
    )


def grouped(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``[(name, value), …]`` (a query string's items) as ``name -> [values]``."""
    out: dict[str, list[str]] = {}
    for name, value in items:
        out.setdefault(name, []).append(value)
    return out
