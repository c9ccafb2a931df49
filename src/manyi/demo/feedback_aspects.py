"""The service aspects the demo feedback talks about, and where each one belongs.

Each demo aspect is finer than the text library's default taxonomy; ``category`` names
the taxonomy code it rolls up to (``delivery``, ``staff_attitude``, ``waiting_time``,
``environment``, ``price``, ``product_quality``, ``billing``, ``app_usability``,
``after_sales``) so that aspect detection can be scored against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from manyi.domain.enums import ServqualDimension


@dataclass(frozen=True)
class DemoAspect:
    """One aspect of the service.

    Attributes
    ----------
    code : str
        Stable code, e.g. ``"delivery_time"``.
    name_zh, name_en : str
        Display names.
    category : str
        Code in the text library's default taxonomy that this aspect belongs to.
    dimension : ServqualDimension | None
        SERVQUAL dimension the aspect mostly expresses.
    touchpoint : str
        Touchpoint code where it happens.
    department : str
        Code of the responsible department.
    """

    code: str
    name_zh: str
    name_en: str
    category: str
    dimension: ServqualDimension | None
    touchpoint: str
    department: str


_REL = ServqualDimension.RELIABILITY
_RES = ServqualDimension.RESPONSIVENESS
_ASS = ServqualDimension.ASSURANCE
_EMP = ServqualDimension.EMPATHY
_TAN = ServqualDimension.TANGIBLES

DEMO_ASPECTS: tuple[DemoAspect, ...] = (
    DemoAspect(
        "delivery_time", "配送时效", "Delivery timeliness", "delivery", _REL, "delivery", "LOG"
    ),
    DemoAspect(
        "delivery_damage", "搬运与包装", "Handling and damage", "delivery", _REL, "delivery", "LOG"
    ),
    DemoAspect(
        "installer_attitude",
        "师傅态度",
        "Installer attitude",
        "staff_attitude",
        _ASS,
        "installation",
        "INS",
    ),
    DemoAspect(
        "install_quality",
        "安装质量",
        "Installation quality",
        "after_sales",
        _REL,
        "installation",
        "INS",
    ),
    DemoAspect("cleanliness", "现场清洁", "Tidiness", "environment", _TAN, "installation", "INS"),
    DemoAspect("repair_speed", "维修时效", "Repair speed", "after_sales", _RES, "repair", "INS"),
    DemoAspect(
        "repair_quality", "维修效果", "Repair quality", "after_sales", _REL, "repair", "INS"
    ),
    DemoAspect("price", "价格与收费", "Price and fees", "price", None, "price_info", "STO"),
    DemoAspect("app", "App与官网", "App and website", "app_usability", _TAN, "web_app", "ECO"),
    DemoAspect(
        "hotline_wait", "热线等待", "Hotline waiting", "waiting_time", _RES, "hotline", "CS"
    ),
    DemoAspect(
        "agent_service", "客服处理", "Agent handling", "staff_attitude", _EMP, "hotline", "CS"
    ),
    DemoAspect("refund", "退款退换", "Refunds and returns", "after_sales", _RES, "refund", "FIN"),
    DemoAspect("billing", "发票与扣款", "Invoices and charges", "billing", _REL, "refund", "FIN"),
    DemoAspect(
        "product_quality", "产品质量", "Product quality", "product_quality", None, "repair", "STO"
    ),
    DemoAspect(
        "store_advice", "门店导购", "Store advice", "staff_attitude", _ASS, "store_consult", "STO"
    ),
    DemoAspect("followup", "回访", "Follow-up calls", "after_sales", _EMP, "follow_up", "CS"),
)

ASPECTS_BY_CODE: dict[str, DemoAspect] = {a.code: a for a in DEMO_ASPECTS}
