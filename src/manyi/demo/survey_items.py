"""Question content of the NPS, CSAT and Kano demo surveys (the SERVQUAL items live in
:mod:`manyi.demo.servqual_items`): drivers with their indicators and touchpoints, CSAT
attributes, service types and "what went well" options, and the Kano features with their
functional and dysfunctional wording.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Driver:
    """A driver rating of the NPS survey.

    Attributes
    ----------
    code : str
        Question code, e.g. ``"drv_delivery"``.
    indicator : str
        Indicator code, e.g. ``"DLV_ONTIME"``.
    touchpoint : str
        Touchpoint code (see :data:`manyi.demo.company.TOUCHPOINTS`).
    zh, en : str
        Question text.
    """

    code: str
    indicator: str
    touchpoint: str
    zh: str
    en: str


NPS_DRIVERS: tuple[Driver, ...] = (
    Driver(
        "drv_delivery",
        "DLV_ONTIME",
        "delivery",
        "配送准时：按约定时间送达",
        "Delivery on time, as agreed",
    ),
    Driver(
        "drv_install",
        "INS_PRO",
        "installation",
        "安装专业：师傅专业、规范",
        "Professional installation",
    ),
    Driver(
        "drv_care",
        "CS_RESPONSE",
        "hotline",
        "客服响应：及时回应并解决问题",
        "Customer care responds quickly and solves problems",
    ),
    Driver(
        "drv_price",
        "PRICE_CLEAR",
        "price_info",
        "价格透明：收费清楚，没有隐藏费用",
        "Transparent prices, no hidden fees",
    ),
    Driver(
        "drv_app",
        "APP_EASE",
        "web_app",
        "App易用：下单、预约方便",
        "Easy-to-use app for ordering and booking",
    ),
    Driver(
        "drv_repair",
        "AS_REPAIR",
        "repair",
        "售后处理：报修及时、一次修好",
        "After-sales: repairs handled promptly and fixed first time",
    ),
    Driver(
        "drv_store",
        "STO_ADVICE",
        "store_consult",
        "门店咨询：导购专业、推荐合适",
        "Store advice: knowledgeable staff, fitting recommendations",
    ),
)

CSAT_ATTRIBUTES: tuple[Driver, ...] = (
    Driver("attr_ontime", "SVC_ONTIME", "", "准时守约", "Punctual, as agreed"),
    Driver("attr_skill", "SVC_SKILL", "", "专业能力", "Skill and knowledge"),
    Driver("attr_attitude", "SVC_ATTITUDE", "", "服务态度", "Courtesy and attitude"),
    Driver("attr_tidy", "SVC_TIDY", "", "现场整洁", "Tidiness"),
)

# Service types of the CSAT survey; the codes are touchpoint codes.
CSAT_SERVICE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("delivery", "送货上门", "Home delivery"),
    ("installation", "安装", "Installation"),
    ("repair", "维修", "Repair"),
    ("hotline", "客服热线", "Customer hotline"),
    ("store_consult", "门店购物", "Shopping in a store"),
)

CSAT_WENT_WELL: tuple[tuple[str, str, str], ...] = (
    ("on_time", "准时到达/响应及时", "On time / quick response"),
    ("polite", "礼貌耐心", "Polite and patient"),
    ("skilled", "专业熟练", "Skilled"),
    ("explained", "讲解清楚", "Explained things clearly"),
    ("tidy", "干净整洁", "Clean and tidy"),
    ("fair_price", "收费合理", "Fair charges"),
)

# (code, label zh, label en, functional zh, functional en, dysfunctional zh, dysfunctional en)
KANO_FEATURES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "kano_sms_reminder",
        "上门前30分钟短信提醒",
        "Text reminder 30 minutes before a visit",
        "如果师傅上门前30分钟发短信提醒您，您觉得如何？",
        "If the technician texts you 30 minutes before arriving, how do you feel?",
        "如果师傅上门前没有短信提醒，您觉得如何？",
        "If there is no text reminder before the visit, how do you feel?",
    ),
    (
        "kano_recycling",
        "旧机免费回收",
        "Free take-back of the old appliance",
        "如果送新机时免费回收您的旧家电，您觉得如何？",
        "If we take your old appliance away for free when delivering the new one, how do you feel?",
        "如果旧家电需要您自己处理，您觉得如何？",
        "If you have to dispose of the old appliance yourself, how do you feel?",
    ),
    (
        "kano_cleanup",
        "安装后清洁现场",
        "Clean-up after installation",
        "如果师傅安装后把现场打扫干净，您觉得如何？",
        "If the installer cleans up after the installation, how do you feel?",
        "如果师傅安装后不清理现场，您觉得如何？",
        "If the installer leaves without cleaning up, how do you feel?",
    ),
    (
        "kano_24h_repair",
        "24小时报修",
        "24-hour repair line",
        "如果一天24小时都可以报修，您觉得如何？",
        "If you can report a fault 24 hours a day, how do you feel?",
        "如果只能在工作时间报修，您觉得如何？",
        "If you can report a fault only during office hours, how do you feel?",
    ),
    (
        "kano_video_guide",
        "视频指导",
        "Video guidance",
        "如果遇到简单问题可以和师傅视频连线，由师傅远程指导，您觉得如何？",
        "If a technician can guide you by video call through simple problems, how do you feel?",
        "如果没有视频指导，只能等师傅上门，您觉得如何？",
        "If there is no video guidance and you must wait for a home visit, how do you feel?",
    ),
    (
        "kano_promo_calls",
        "回访时推荐新品",
        "Product offers during follow-up calls",
        "如果回访电话里同时向您推荐新品和延保，您觉得如何？",
        "If follow-up calls also offer you new products and extended warranties, how do you feel?",
        "如果回访电话只问服务情况、不做推荐，您觉得如何？",
        "If follow-up calls only ask about the service and offer nothing, how do you feel?",
    ),
)
