"""The 22 SERVQUAL items adapted to 安心家居服务, in Simplified Chinese and English.

Item content and order follow Parasuraman, Zeithaml & Berry (1988), "SERVQUAL: A
multiple-item scale for measuring consumer perceptions of service quality", Journal of
Retailing 64(1), 12–40, in the positively worded form of their 1991 refinement
(Journal of Retailing 67(4), 420–450): tangibles 1–4, reliability 5–9, responsiveness
10–13, assurance 14–17, empathy 18–22. Each item has an expectation statement about
"excellent home-appliance service companies" and a perception statement about Anxin.
"""

from __future__ import annotations

from dataclasses import dataclass

from manyi.domain.enums import ServqualDimension


@dataclass(frozen=True)
class ServqualItem:
    """One SERVQUAL item.

    Attributes
    ----------
    code : str
        Question code in the demo survey, e.g. ``"sq_r1"``.
    indicator : str
        Indicator code, e.g. ``"REL1"``.
    dimension : ServqualDimension
        The item's dimension.
    label_zh, label_en : str
        Short label for reports.
    expectation_zh, expectation_en : str
        Expectation statement (excellent companies in the industry).
    perception_zh, perception_en : str
        Perception statement (this company).
    """

    code: str
    indicator: str
    dimension: ServqualDimension
    label_zh: str
    label_en: str
    expectation_zh: str
    expectation_en: str
    perception_zh: str
    perception_en: str


_T = ServqualDimension.TANGIBLES
_R = ServqualDimension.RELIABILITY
_S = ServqualDimension.RESPONSIVENESS
_A = ServqualDimension.ASSURANCE
_E = ServqualDimension.EMPATHY
_EXCELLENT_ZH = "优秀的家电服务企业"

SERVQUAL_ITEMS: tuple[ServqualItem, ...] = (
    ServqualItem(
        "sq_t1",
        "TAN1",
        _T,
        "设备先进",
        "Up-to-date equipment",
        f"{_EXCELLENT_ZH}会使用先进的检测和安装设备。",
        "Excellent home-appliance service companies use up-to-date testing and installation equipment.",
        "安心家居使用先进的检测和安装设备。",
        "Anxin uses up-to-date testing and installation equipment.",
    ),
    ServqualItem(
        "sq_t2",
        "TAN2",
        _T,
        "门店与车辆美观",
        "Appealing stores and vans",
        f"{_EXCELLENT_ZH}的门店和服务车辆整洁美观。",
        "Excellent home-appliance service companies have stores and service vans that look appealing.",
        "安心家居的门店和服务车辆整洁美观。",
        "Anxin's stores and service vans look appealing.",
    ),
    ServqualItem(
        "sq_t3",
        "TAN3",
        _T,
        "员工仪表整洁",
        "Neat staff",
        f"{_EXCELLENT_ZH}的员工着装整洁、专业。",
        "Staff of excellent home-appliance service companies are neat and professionally dressed.",
        "安心家居的员工着装整洁、专业。",
        "Anxin's staff are neat and professionally dressed.",
    ),
    ServqualItem(
        "sq_t4",
        "TAN4",
        _T,
        "资料清晰",
        "Clear materials",
        f"{_EXCELLENT_ZH}的说明书、单据和App页面清晰易懂。",
        "Manuals, invoices and app screens of excellent home-appliance service companies are clear and easy to follow.",
        "安心家居的说明书、单据和App页面清晰易懂。",
        "Anxin's manuals, invoices and app screens are clear and easy to follow.",
    ),
    ServqualItem(
        "sq_r1",
        "REL1",
        _R,
        "按时兑现承诺",
        "Keeps promises on time",
        f"{_EXCELLENT_ZH}承诺在某个时间完成的事，就会按时完成。",
        "When excellent home-appliance service companies promise to do something by a certain time, they do so.",
        "安心家居承诺在某个时间完成的事，会按时完成。",
        "When Anxin promises to do something by a certain time, it does so.",
    ),
    ServqualItem(
        "sq_r2",
        "REL2",
        _R,
        "真诚解决问题",
        "Sincere interest in solving problems",
        f"客户遇到问题时，{_EXCELLENT_ZH}会真诚地帮忙解决。",
        "When customers have a problem, excellent home-appliance service companies show a sincere interest in solving it.",
        "我遇到问题时，安心家居真诚地帮我解决。",
        "When I have a problem, Anxin shows a sincere interest in solving it.",
    ),
    ServqualItem(
        "sq_r3",
        "REL3",
        _R,
        "一次做对",
        "Right the first time",
        f"{_EXCELLENT_ZH}第一次就能把服务做好。",
        "Excellent home-appliance service companies perform the service right the first time.",
        "安心家居第一次就把服务做好了。",
        "Anxin performs the service right the first time.",
    ),
    ServqualItem(
        "sq_r4",
        "REL4",
        _R,
        "按承诺时间服务",
        "Service at the promised time",
        f"{_EXCELLENT_ZH}在承诺的时间送货、安装和维修。",
        "Excellent home-appliance service companies deliver, install and repair at the time they promise.",
        "安心家居在承诺的时间送货、安装和维修。",
        "Anxin delivers, installs and repairs at the time it promises.",
    ),
    ServqualItem(
        "sq_r5",
        "REL5",
        _R,
        "记录准确无误",
        "Error-free records",
        f"{_EXCELLENT_ZH}的订单、账单和服务记录准确无误。",
        "Excellent home-appliance service companies keep error-free orders, bills and service records.",
        "安心家居的订单、账单和服务记录准确无误。",
        "Anxin keeps error-free orders, bills and service records.",
    ),
    ServqualItem(
        "sq_s1",
        "RES1",
        _S,
        "告知确切服务时间",
        "Tells exactly when",
        f"{_EXCELLENT_ZH}会准确告诉客户何时上门服务。",
        "Excellent home-appliance service companies tell customers exactly when a service will be performed.",
        "安心家居会准确告诉我何时上门服务。",
        "Anxin tells me exactly when a service will be performed.",
    ),
    ServqualItem(
        "sq_s2",
        "RES2",
        _S,
        "服务迅速",
        "Prompt service",
        f"{_EXCELLENT_ZH}的员工为客户提供迅速的服务。",
        "Staff of excellent home-appliance service companies give customers prompt service.",
        "安心家居的员工为我提供迅速的服务。",
        "Anxin's staff give me prompt service.",
    ),
    ServqualItem(
        "sq_s3",
        "RES3",
        _S,
        "乐于帮助",
        "Willing to help",
        f"{_EXCELLENT_ZH}的员工总是乐于帮助客户。",
        "Staff of excellent home-appliance service companies are always willing to help customers.",
        "安心家居的员工总是乐于帮助我。",
        "Anxin's staff are always willing to help me.",
    ),
    ServqualItem(
        "sq_s4",
        "RES4",
        _S,
        "再忙也及时回应",
        "Never too busy to respond",
        f"{_EXCELLENT_ZH}的员工再忙也会及时回应客户的请求。",
        "Staff of excellent home-appliance service companies are never too busy to respond to customers' requests.",
        "安心家居的员工再忙也会及时回应我的请求。",
        "Anxin's staff are never too busy to respond to my requests.",
    ),
    ServqualItem(
        "sq_a1",
        "ASS1",
        _A,
        "言行值得信赖",
        "Instils confidence",
        f"{_EXCELLENT_ZH}员工的言行让客户信赖。",
        "The behaviour of staff of excellent home-appliance service companies instils confidence in customers.",
        "安心家居员工的言行让我信赖。",
        "The behaviour of Anxin's staff instils confidence in me.",
    ),
    ServqualItem(
        "sq_a2",
        "ASS2",
        _A,
        "交易放心",
        "Feels safe",
        f"客户与{_EXCELLENT_ZH}打交道（付款、上门服务）时感到放心。",
        "Customers feel safe in their dealings (payments, home visits) with excellent home-appliance service companies.",
        "与安心家居打交道（付款、上门服务）让我感到放心。",
        "I feel safe in my dealings (payments, home visits) with Anxin.",
    ),
    ServqualItem(
        "sq_a3",
        "ASS3",
        _A,
        "始终礼貌",
        "Consistently courteous",
        f"{_EXCELLENT_ZH}的员工始终礼貌待客。",
        "Staff of excellent home-appliance service companies are consistently courteous with customers.",
        "安心家居的员工始终对我很有礼貌。",
        "Anxin's staff are consistently courteous with me.",
    ),
    ServqualItem(
        "sq_a4",
        "ASS4",
        _A,
        "专业知识足够",
        "Knowledgeable staff",
        f"{_EXCELLENT_ZH}的员工有足够的专业知识回答客户的问题。",
        "Staff of excellent home-appliance service companies have the knowledge to answer customers' questions.",
        "安心家居的员工有足够的专业知识回答我的问题。",
        "Anxin's staff have the knowledge to answer my questions.",
    ),
    ServqualItem(
        "sq_e1",
        "EMP1",
        _E,
        "个别关注",
        "Individual attention",
        f"{_EXCELLENT_ZH}会给予每位客户个别关注。",
        "Excellent home-appliance service companies give each customer individual attention.",
        "安心家居给予我个别的关注。",
        "Anxin gives me individual attention.",
    ),
    ServqualItem(
        "sq_e2",
        "EMP2",
        _E,
        "服务时间方便",
        "Convenient hours",
        f"{_EXCELLENT_ZH}的营业和上门时间方便所有客户。",
        "Excellent home-appliance service companies have opening and visit hours convenient to all their customers.",
        "安心家居的营业和上门时间对我很方便。",
        "Anxin's opening and visit hours are convenient for me.",
    ),
    ServqualItem(
        "sq_e3",
        "EMP3",
        _E,
        "贴心关怀",
        "Personal attention",
        f"{_EXCELLENT_ZH}的员工会给予客户贴心的关怀。",
        "Excellent home-appliance service companies have staff who give customers personal attention.",
        "安心家居的员工给予我贴心的关怀。",
        "Anxin has staff who give me personal attention.",
    ),
    ServqualItem(
        "sq_e4",
        "EMP4",
        _E,
        "以客户利益为重",
        "Customers' best interests",
        f"{_EXCELLENT_ZH}把客户的利益放在心上。",
        "Excellent home-appliance service companies have their customers' best interests at heart.",
        "安心家居把我的利益放在心上。",
        "Anxin has my best interests at heart.",
    ),
    ServqualItem(
        "sq_e5",
        "EMP5",
        _E,
        "了解具体需求",
        "Understands specific needs",
        f"{_EXCELLENT_ZH}的员工了解客户的具体需求。",
        "Staff of excellent home-appliance service companies understand the specific needs of their customers.",
        "安心家居的员工了解我的具体需求。",
        "Anxin's staff understand my specific needs.",
    ),
)
