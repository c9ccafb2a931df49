"""The demo company 「安心家居服务」 / "Anxin Home Services": who it is and who its customers are.

A home-appliance retailer with its own delivery, installation and repair teams and a call
centre. Departments own touchpoints along the customer journey; channels are the ways
feedback reaches the company; customers carry segments (region, tier, product), consent
flags and whether they belong to the points programme that rewards survey answers
(``incentivised``), which the response generator uses to show response bias.

Contact data is fake but well-formed: mainland mobile numbers all start ``1380000`` (a
pattern chosen to look reserved), overseas numbers use the UK range ``+44 7700 900xxx``
that Ofcom reserves for drama, and every e-mail address is at ``example.com``,
``example.net`` or ``example.org`` (reserved by RFC 2606).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from manyi.demo.names import name_parts
from manyi.domain.enums import ChannelKind, JourneyStage
from manyi.errors import InvalidInput

COMPANY_NAME_ZH = "安心家居服务"
COMPANY_NAME_EN = "Anxin Home Services"


@dataclass(frozen=True)
class Department:
    """A department that owns touchpoints and receives cases.

    Attributes
    ----------
    code : str
        Stable short code, e.g. ``"LOG"``.
    name_zh, name_en : str
        Display names.
    """

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Touchpoint:
    """A point of the customer journey where the customer meets the company.

    Attributes
    ----------
    code : str
        Stable code, e.g. ``"delivery"``.
    name_zh, name_en : str
        Display names.
    stage : JourneyStage
        Journey stage (awareness, decision, usage, after_sales).
    department : str
        Code of the owning :class:`Department`.
    """

    code: str
    name_zh: str
    name_en: str
    stage: JourneyStage
    department: str


@dataclass(frozen=True)
class Channel:
    """A way feedback reaches the company (survey invitations and unsolicited feedback).

    Attributes
    ----------
    code : str
        Stable code, e.g. ``"sms"``.
    kind : ChannelKind
        The generic channel kind stored by manyi.
    name_zh, name_en : str
        Display names.
    """

    code: str
    kind: ChannelKind
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Customer:
    """One synthetic customer.

    Attributes
    ----------
    index : int
        Position in :attr:`Company.customers`; responses and feedback refer to it.
    external_id : str
        The id in the company's own CRM, e.g. ``"AX-C000042"``.
    name : str
        Synthetic Chinese or English name.
    language : str
        Preferred language, ``"zh-CN"`` or ``"en"``.
    phone : str | None
        Fake mobile number (see module docstring); None when not given.
    email : str | None
        Address at a reserved example domain; None when not given.
    region : str
        华东, 华南, 华北, 西南 or 海外.
    tier : str
        Membership tier: 普通, 银卡 or 金卡.
    product : str
        Main product bought: 冰箱, 洗衣机, 空调, 电视 or 小家电.
    consent_contact : bool
        Agreed to be contacted (survey invitations go only to these customers).
    consent_research : bool
        Agreed that their feedback is used for research and analysis.
    incentivised : bool
        Member of the points programme that rewards survey answers.
    """

    index: int
    external_id: str
    name: str
    language: str
    phone: str | None
    email: str | None
    region: str
    tier: str
    product: str
    consent_contact: bool
    consent_research: bool
    incentivised: bool

    @property
    def segments(self) -> dict[str, str]:
        """The segments as stored with the customer: ``{"region", "tier", "product"}``."""
        return {"region": self.region, "tier": self.tier, "product": self.product}


@dataclass(frozen=True)
class Company:
    """The whole demo company.

    Attributes
    ----------
    name_zh, name_en : str
        Company name.
    departments, touchpoints, channels : tuple
        The organisation and its journey; see :data:`DEPARTMENTS`, :data:`TOUCHPOINTS`,
        :data:`CHANNELS`.
    customers : tuple[Customer, ...]
        Customers; ``customers[i].index == i``.
    """

    name_zh: str
    name_en: str
    departments: tuple[Department, ...]
    touchpoints: tuple[Touchpoint, ...]
    channels: tuple[Channel, ...]
    customers: tuple[Customer, ...]


DEPARTMENTS: tuple[Department, ...] = (
    Department("CS", "客服中心", "Customer Care"),
    Department("LOG", "物流配送", "Delivery"),
    Department("INS", "安装维修", "Installation & Repair"),
    Department("STO", "门店运营", "Stores"),
    Department("ECO", "电商平台", "E-commerce & App"),
    Department("FIN", "财务结算", "Billing"),
)

TOUCHPOINTS: tuple[Touchpoint, ...] = (
    Touchpoint("web_app", "官网/App浏览", "Website & app browsing", JourneyStage.AWARENESS, "ECO"),
    Touchpoint("store_consult", "门店咨询", "In-store advice", JourneyStage.DECISION, "STO"),
    Touchpoint("price_info", "价格说明", "Price explanation", JourneyStage.DECISION, "STO"),
    Touchpoint("order_payment", "下单支付", "Ordering & payment", JourneyStage.USAGE, "ECO"),
    Touchpoint("delivery", "配送", "Delivery", JourneyStage.USAGE, "LOG"),
    Touchpoint("installation", "安装", "Installation", JourneyStage.USAGE, "INS"),
    Touchpoint("repair", "报修", "Repair request", JourneyStage.AFTER_SALES, "INS"),
    Touchpoint("hotline", "客服热线", "Customer hotline", JourneyStage.AFTER_SALES, "CS"),
    Touchpoint("follow_up", "回访", "Follow-up call", JourneyStage.AFTER_SALES, "CS"),
    Touchpoint("refund", "退款与发票", "Refunds & invoices", JourneyStage.AFTER_SALES, "FIN"),
)

CHANNELS: tuple[Channel, ...] = (
    Channel("sms", ChannelKind.SMS, "短信邀请", "SMS invitation"),
    Channel("email", ChannelKind.EMAIL, "邮件", "E-mail"),
    Channel("app", ChannelKind.APP, "安心家居App", "Anxin app"),
    Channel("wechat", ChannelKind.WEB, "微信服务号", "WeChat service account"),
    Channel("web", ChannelKind.WEB, "官网", "Website"),
    Channel("hotline", ChannelKind.PHONE, "400客服热线", "400 hotline"),
    Channel("store", ChannelKind.STORE, "门店", "Store"),
    Channel("weibo", ChannelKind.SOCIAL, "微博", "Weibo"),
    Channel("xiaohongshu", ChannelKind.SOCIAL, "小红书", "Xiaohongshu"),
    Channel("marketplace", ChannelKind.REVIEW_SITE, "电商平台评价", "Marketplace reviews"),
    Channel("dianping", ChannelKind.REVIEW_SITE, "大众点评", "Dianping"),
    Channel("letter", ChannelKind.LETTER, "信函", "Letter"),
)

REGIONS: tuple[str, ...] = ("华东", "华南", "华北", "西南", "海外")
TIERS: tuple[str, ...] = ("普通", "银卡", "金卡")
PRODUCTS: tuple[str, ...] = ("冰箱", "洗衣机", "空调", "电视", "小家电")

SEGMENT_LABELS_EN: dict[str, str] = {
    "华东": "East China",
    "华南": "South China",
    "华北": "North China",
    "西南": "Southwest China",
    "海外": "Overseas",
    "普通": "Standard",
    "银卡": "Silver",
    "金卡": "Gold",
    "冰箱": "Refrigerator",
    "洗衣机": "Washing machine",
    "空调": "Air conditioner",
    "电视": "TV",
    "小家电": "Small appliance",
}

REGION_SHARES = (0.32, 0.24, 0.22, 0.14, 0.08)
TIER_SHARES = (0.65, 0.25, 0.10)
PRODUCT_SHARES = (0.22, 0.20, 0.24, 0.16, 0.18)
# Overseas customers mostly prefer English; a few expatriates on the mainland do too.
_ENGLISH_SHARE_OVERSEAS = 0.80
_ENGLISH_SHARE_MAINLAND = 0.03
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def department(code: str) -> Department:
    """The department with ``code``; raises :class:`InvalidInput` if there is none."""
    for dept in DEPARTMENTS:
        if dept.code == code:
            return dept
    raise InvalidInput(f"unknown department code {code!r}")


def touchpoint(code: str) -> Touchpoint:
    """The touchpoint with ``code``; raises :class:`InvalidInput` if there is none."""
    for point in TOUCHPOINTS:
        if point.code == code:
            return point
    raise InvalidInput(f"unknown touchpoint code {code!r}")


def _chinese_names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """``n`` (name, pinyin local part) pairs: surname by frequency, one or two given characters."""
    parts = name_parts()
    weights = np.array([w for _, _, w in parts.surnames_zh])
    surnames = rng.choice(len(parts.surnames_zh), size=n, p=weights / weights.sum())
    two_chars = rng.random(n) < 0.7
    first = rng.integers(0, len(parts.given_chars_zh), size=n)
    second = rng.integers(0, len(parts.given_chars_zh), size=n)
    names = []
    for i in range(n):
        surname, surname_py, _ = parts.surnames_zh[surnames[i]]
        given, given_py = parts.given_chars_zh[first[i]]
        if two_chars[i]:
            char, char_py = parts.given_chars_zh[second[i]]
            given, given_py = given + char, given_py + char_py
        names.append((surname + given, f"{surname_py}.{given_py}"))
    return names


def _english_names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    parts = name_parts()
    firsts = rng.integers(0, len(parts.first_names_en), size=n)
    lasts = rng.integers(0, len(parts.last_names_en), size=n)
    names = []
    for f, s in zip(firsts, lasts, strict=True):
        first, last = parts.first_names_en[f], parts.last_names_en[s]
        local = f"{first}.{last}".lower().replace("'", "")
        names.append((f"{first} {last}", local))
    return names


def generate_customers(seed: int = 42, n: int = 6000) -> tuple[Customer, ...]:
    """Synthetic customers with segments, consent flags and fake contact data.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same customers.
    n : int
        Number of customers (1 to 10,000; the fake mainland number range has 10,000 slots).

    Returns
    -------
    tuple[Customer, ...]
        ``n`` customers, ``result[i].index == i``. Shares: region 华东 32 %, 华南 24 %,
        华北 22 %, 西南 14 %, 海外 8 %; tier 普通 65 %, 银卡 25 %, 金卡 10 %; about 9 % prefer
        English (80 % of overseas customers); contact consent 85 %, research consent 70 %,
        points programme (incentivised) 25 %, independent of the segments.

    Examples
    --------
    >>> customers = generate_customers(seed=1, n=3)
    >>> customers[0].external_id
    'AX-C000001'
    """
    if not 1 <= n <= 10_000:
        raise InvalidInput(f"the number of customers must be between 1 and 10,000, got {n}")
    rng = np.random.default_rng([seed, 1])
    region = rng.choice(len(REGIONS), size=n, p=REGION_SHARES)
    tier = rng.choice(len(TIERS), size=n, p=TIER_SHARES)
    product = rng.choice(len(PRODUCTS), size=n, p=PRODUCT_SHARES)
    overseas = region == REGIONS.index("海外")
    english = rng.random(n) < np.where(overseas, _ENGLISH_SHARE_OVERSEAS, _ENGLISH_SHARE_MAINLAND)
    zh_names = iter(_chinese_names(rng, int((~english).sum())))
    en_names = iter(_english_names(rng, int(english.sum())))
    # Unique fake numbers: mainland 1380000xxxx (10,000 slots), overseas +44 7700 900xxx.
    mainland_slots = iter(rng.permutation(10_000))
    uk_slots = iter(rng.permutation(1000))
    has_phone = rng.random(n) < np.where(english, 0.70, 0.97)
    has_email = rng.random(n) < np.where(english, 0.95, 0.55)
    consent_contact = rng.random(n) < 0.85
    consent_research = rng.random(n) < 0.70
    # Independent of the segments, so that the response bias is not confounded with tier.
    incentivised = rng.random(n) < 0.25
    domains = rng.integers(0, len(_EMAIL_DOMAINS), size=n)
    suffixes = rng.integers(1, 100, size=n)
    customers = []
    for i in range(n):
        name, local = next(en_names) if english[i] else next(zh_names)
        phone = None
        if has_phone[i]:
            uk = overseas[i] and english[i]
            phone = (
                f"+44 7700 900{next(uk_slots, 0):03d}"
                if uk
                else f"1380000{next(mainland_slots):04d}"
            )
        email = f"{local}{suffixes[i]}@{_EMAIL_DOMAINS[domains[i]]}" if has_email[i] else None
        customers.append(
            Customer(
                index=i,
                external_id=f"AX-C{i + 1:06d}",
                name=name,
                language="en" if english[i] else "zh-CN",
                phone=phone,
                email=email,
                region=REGIONS[region[i]],
                tier=TIERS[tier[i]],
                product=PRODUCTS[product[i]],
                consent_contact=bool(consent_contact[i]),
                consent_research=bool(consent_research[i]),
                incentivised=bool(incentivised[i]),
            )
        )
    return tuple(customers)


def generate_company(seed: int = 42, n_customers: int = 6000) -> Company:
    """The demo company with its departments, touchpoints, channels and customers.

    Parameters
    ----------
    seed : int
        Random seed for the customers (the organisation itself is fixed).
    n_customers : int
        Number of customers, see :func:`generate_customers`.

    Returns
    -------
    Company

    Examples
    --------
    >>> company = generate_company(seed=42, n_customers=10)
    >>> [d.code for d in company.departments]
    ['CS', 'LOG', 'INS', 'STO', 'ECO', 'FIN']
    """
    return Company(
        name_zh=COMPANY_NAME_ZH,
        name_en=COMPANY_NAME_EN,
        departments=DEPARTMENTS,
        touchpoints=TOUCHPOINTS,
        channels=CHANNELS,
        customers=generate_customers(seed=seed, n=n_customers),
    )
