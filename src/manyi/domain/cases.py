"""Cases (the closed loop's unit of work): states and transitions, priority from
importance × urgency, SLA targets per priority, and the root-cause code book.

States::

    new ──► acknowledged ──► in_progress ◄──► waiting_customer
     │            │               │                  │
     └────────────┴───────────────┴──────► resolved ─┴──► closed
                                              ▲  │           │
                                              └──┴─ reopen ◄─┘  (back to in_progress)

The first move out of ``new`` is the first response. ``waiting_customer`` pauses the SLA
clocks. Resolving needs a root-cause code and the agreed solution.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class CaseOrigin(StrEnum):
    RULE = "rule"
    CALL = "call"
    LETTER = "letter"
    WALK_IN = "walk_in"
    EMAIL = "email"
    OTHER = "other"


#: Where each state may go. Resolved and closed cases reopen to in_progress.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.NEW: frozenset(
        {CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS, CaseState.RESOLVED, CaseState.CLOSED}
    ),
    CaseState.ACKNOWLEDGED: frozenset(
        {CaseState.IN_PROGRESS, CaseState.WAITING_CUSTOMER, CaseState.RESOLVED}
    ),
    CaseState.IN_PROGRESS: frozenset({CaseState.WAITING_CUSTOMER, CaseState.RESOLVED}),
    CaseState.WAITING_CUSTOMER: frozenset({CaseState.IN_PROGRESS, CaseState.RESOLVED}),
    CaseState.RESOLVED: frozenset({CaseState.CLOSED, CaseState.IN_PROGRESS}),
    CaseState.CLOSED: frozenset({CaseState.IN_PROGRESS}),
}
#: States in which the case is still someone's work (counted as open, SLA running).
OPEN_STATES = frozenset(
    {CaseState.NEW, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS, CaseState.WAITING_CUSTOMER}
)


def check_transition(current: CaseState, target: CaseState) -> None:
    """ValueError when a case in ``current`` cannot move to ``target``."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing"
        raise ValueError(f"a {current.value} case cannot move to {target.value} (only: {allowed})")


# --------------------------------------------------------------------------- priority

#: Importance and urgency are 1 (low), 2 (medium), 3 (high).
LEVELS = (1, 2, 3)

#: The priority matrix (importance × urgency → P1..P4), as in ITIL's impact × urgency:
#:
#: ============  =========  ==========  ========
#: importance    urgent 3   urgent 2    urgent 1
#: ============  =========  ==========  ========
#: high 3        P1         P2          P3
#: medium 2      P2         P3          P4
#: low 1         P3         P4          P4
#: ============  =========  ==========  ========
PRIORITY_MATRIX: dict[tuple[int, int], str] = {
    (3, 3): "P1", (3, 2): "P2", (3, 1): "P3",
    (2, 3): "P2", (2, 2): "P3", (2, 1): "P4",
    (1, 3): "P3", (1, 2): "P4", (1, 1): "P4",
}  # fmt: skip
PRIORITIES = ("P1", "P2", "P3", "P4")


def priority_of(importance: int, urgency: int) -> str:
    """P1 (most pressing) to P4 from importance and urgency (each 1–3)."""
    if importance not in LEVELS or urgency not in LEVELS:
        raise ValueError(
            f"importance and urgency are 1 (low), 2 or 3 (high), not {importance}/{urgency}"
        )
    return PRIORITY_MATRIX[(importance, urgency)]


@dataclass(frozen=True)
class SlaTarget:
    """Working minutes (business calendar) to the first response and to resolution."""

    first_response_minutes: int
    resolution_minutes: int


#: SLA per priority, in working minutes (8 working hours a day by default).
SLA_TARGETS: dict[str, SlaTarget] = {
    "P1": SlaTarget(60, 8 * 60),
    "P2": SlaTarget(4 * 60, 16 * 60),
    "P3": SlaTarget(8 * 60, 40 * 60),
    "P4": SlaTarget(16 * 60, 80 * 60),
}


# --------------------------------------------------------------------------- root causes


@dataclass(frozen=True)
class RootCause:
    code: str
    category: str
    name_zh: str
    name_en: str


#: The root-cause code book: a fixed list, so that causes can be counted across
#: departments and over time (plans and scorecards group by it).
ROOT_CAUSES: tuple[RootCause, ...] = (
    RootCause("PROD-DEFECT", "product", "产品质量缺陷", "Product defect"),
    RootCause(
        "PROD-DESIGN", "product", "产品设计不符合需求", "Product design does not fit the need"
    ),
    RootCause("PROC-DELAY", "process", "流程延误", "Process delay"),
    RootCause("PROC-GAP", "process", "流程缺失或不清", "Missing or unclear process"),
    RootCause("LOGI-DELAY", "logistics", "物流配送延误", "Delivery delay"),
    RootCause("LOGI-DAMAGE", "logistics", "运输破损或错发", "Damaged or wrong shipment"),
    RootCause("STAFF-ATTITUDE", "people", "服务态度", "Staff attitude"),
    RootCause("STAFF-SKILL", "people", "员工技能或培训不足", "Staff skill or training"),
    RootCause("INFO-WRONG", "communication", "信息错误或承诺不实", "Wrong information or promise"),
    RootCause("INFO-MISSING", "communication", "信息告知不足", "Information not given"),
    RootCause("SYS-FAILURE", "system", "系统或应用故障", "System or app failure"),
    RootCause("PRICE-BILLING", "commercial", "价格或计费问题", "Price or billing"),
    RootCause("POLICY", "commercial", "政策或规则限制", "Policy or rule"),
    RootCause("SUPPLIER", "partner", "供应商或合作方问题", "Supplier or partner"),
    RootCause(
        "CUSTOMER-EXPECT", "customer", "客户期望与服务承诺不一致", "Expectation beyond the promise"
    ),
    RootCause("NO-FAULT", "none", "经核实无责任", "No fault found"),
)
ROOT_CAUSE_CODES = frozenset(c.code for c in ROOT_CAUSES)


def root_cause(code: str) -> RootCause:
    for cause in ROOT_CAUSES:
        if cause.code == code:
            return cause
    raise ValueError(
        f"unknown root-cause code {code!r}; codes: {', '.join(sorted(ROOT_CAUSE_CODES))}"
    )
