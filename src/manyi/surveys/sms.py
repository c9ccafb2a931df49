"""SMS through a pluggable HTTP gateway: the adapter, phone numbers, texts and their length.

:class:`SmsGateway` is what the SMS invitations need: ``send(message)`` returns the
gateway's message id, raises :class:`SmsRejected` when the gateway refuses the message
for good (no retry) and :class:`~manyi.errors.ChannelError` when it may take it later
(retry). :class:`HttpSmsGateway` speaks to any provider that takes one JSON (or form)
POST per message, configured by the ``MANYI_SMS_*`` settings.

The request (defaults)::

    POST {MANYI_SMS_URL}
    Authorization: Bearer {MANYI_SMS_TOKEN}       (or HTTP Basic with USERNAME/PASSWORD)
    Idempotency-Key: manyi-17                     (the same on every retry of invitation 17)
    Content-Type: application/json
    {"to": "+8613800138000", "text": "…", "sender": "{MANYI_SMS_SENDER}", "reference": "manyi-17"}

``MANYI_SMS_BODY_TEMPLATE`` replaces the body with any JSON object whose string values
may hold ``{to}``, ``{to_national}``, ``{text}``, ``{link}``, ``{title}``, ``{sender}``
and ``{reference}``; a key ending in ``@json`` holds an object that is filled in and sent
as a JSON string under the key without the suffix (template parameters of Chinese
providers, e.g. ``{"TemplateParam@json": {"url": "{link}"}}``).

The answer: HTTP 2xx is taken (the message id read from the JSON answer at
``MANYI_SMS_ID_FIELD``; a status at ``MANYI_SMS_OK_FIELD`` other than
``MANYI_SMS_OK_VALUE`` is a refusal); 408, 425, 429, 5xx, a timeout or a connection error
may succeed later; any other status is a refusal.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from manyi.config import Settings
from manyi.errors import ChannelError, InvalidInput

LANGUAGES = ("zh-CN", "en")
#: Answers that may succeed when asked again: timeout, too early, too many requests.
RETRY_STATUSES = frozenset({408, 425, 429})

#: The GSM 03.38 default alphabet (one septet each) and its extension table (two each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

#: (full text, shorter text without the title) per language. The opt-out hint is what
#: Chinese carriers expect at the end of a marketing text (回T退订) and STOP elsewhere;
#: replies reach manyi when the gateway forwards them to /api/v1/sms/receipts.
TEXTS: dict[str, tuple[str, str]] = {
    "zh-CN": (
        "您好，邀请您参与“{title}”调查：{link} 回T退订",
        "您好，邀请您参与满意度调查：{link} 回T退订",
    ),
    "en": (
        'Please tell us about "{title}": {link} Reply STOP to opt out',
        "Please take our short survey: {link} Reply STOP to opt out",
    ),
}

_PLACEHOLDER = re.compile(r"\{(to|to_national|text|link|title|sender|reference)\}")
_CN_MOBILE = re.compile(r"1[3-9]\d{9}")
_E164 = re.compile(r"\+[1-9]\d{7,14}")


class SmsRejected(ChannelError):
    """The gateway refused the message for good: asking again would be refused again."""


@dataclass(frozen=True)
class SmsMessage:
    """One text to one phone (E.164). ``reference`` names the invitation (``manyi-17``)."""

    to: str
    text: str
    reference: str
    link: str = ""
    title: str = ""


class SmsGateway(Protocol):
    """Sends one text; returns the gateway's message id (None when it gives none)."""

    def send(self, message: SmsMessage) -> str | None: ...


def normalise_phone(raw: str) -> str:
    """A mobile number in E.164 form (``+8613800138000``), or InvalidInput.

    Spaces, dashes, dots and brackets are dropped; ``00`` becomes ``+``. A number without
    a country code must be a mainland China mobile number (11 digits, ``1[3-9]``…), as
    must any ``+86`` number; other country codes are checked for E.164 length only
    (8 to 15 digits), because their mobile ranges are not known here.
    """
    text = re.sub(r"[\s\-.()]", "", str(raw or ""))
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text:
        raise InvalidInput("no phone number")
    if text.startswith("+86") or (text.startswith("86") and len(text) == 13):
        national = text.removeprefix("+").removeprefix("86")
        if _CN_MOBILE.fullmatch(national):
            return "+86" + national
        raise InvalidInput(f"{raw!r} is not a mainland China mobile number (1[3-9] and 9 digits)")
    if _CN_MOBILE.fullmatch(text):
        return "+86" + text
    if _E164.fullmatch(text):
        return text
    raise InvalidInput(
        f"{raw!r} is not a mobile number: give 11 digits (China) or + and the country code"
    )


def national_number(e164: str) -> str:
    """The number as a Chinese gateway wants it: without +86 for China, else unchanged."""
    return e164.removeprefix("+86") if e164.startswith("+86") else e164


def sms_segments(text: str) -> tuple[str, int]:
    """(encoding, segments) of ``text``: ``gsm`` when every character is in the GSM 7-bit
    alphabet (160 per text, 153 per part of a longer one; extension characters count
    twice), else ``ucs2`` (70, and 67 per part; a character outside the BMP counts
    twice). Chinese text is always UCS-2."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text):
        units = sum(2 if c in _GSM_EXTENSION else 1 for c in text)
        single, part, encoding = 160, 153, "gsm"
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, part, encoding = 70, 67, "ucs2"
    return encoding, 1 if units <= single else math.ceil(units / part)


def render_sms(language: str, *, title: str, link: str, max_segments: int) -> tuple[str, int]:
    """(text, segments) of the invitation in ``language``: the text with the survey's title
    when it fits in ``max_segments``, else the shorter one; InvalidInput when neither fits
    (the link alone is too long: shorten MANYI_PUBLIC_BASE_URL)."""
    if language not in LANGUAGES:
        raise InvalidInput(f"an SMS invitation is in zh-CN or en, not {language!r}")
    # One line: a line break or a brace in a title must not change the text's shape.
    clean_title = " ".join(str(title).split())[:60]
    for template in TEXTS[language]:
        text = template.replace("{title}", clean_title).replace("{link}", link)
        segments = sms_segments(text)[1]
        if segments <= max_segments:
            return text, segments
    raise InvalidInput(
        f"the SMS invitation would take {segments} segments, more than MANYI_SMS_MAX_SEGMENTS="
        f"{max_segments}: the link is {len(link)} characters long"
    )


class HttpSmsGateway:
    """The SMS gateway of the settings: one HTTP POST per message (see the module doc)."""

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        self.url = settings.sms_url
        self.sender = settings.sms_sender
        self.form = settings.sms_body_format == "form"
        self.id_field = settings.sms_id_field
        self.ok_field = settings.sms_ok_field
        self.ok_value = settings.sms_ok_value
        self.timeout_s = settings.sms_timeout_s
        self.template = _parse_template(settings.sms_body_template)
        self.headers = {"Accept": "application/json"}
        if settings.sms_token:
            self.headers["Authorization"] = f"Bearer {settings.sms_token}"
        self.auth = (
            httpx.BasicAuth(settings.sms_username, settings.sms_password or "")
            if settings.sms_username
            else None
        )
        self.client = client

    @property
    def server(self) -> str:
        # Never the whole URL: a provider's key may sit in its query.
        parts = urlsplit(self.url or "")
        return f"{parts.scheme}://{parts.netloc}"

    def body(self, message: SmsMessage) -> dict[str, Any]:
        values = {
            "to": message.to,
            "to_national": national_number(message.to),
            "text": message.text,
            "link": message.link,
            "title": message.title,
            "sender": self.sender,
            "reference": message.reference,
        }
        if self.template is None:
            return {
                "to": message.to,
                "text": message.text,
                "sender": self.sender,
                "reference": message.reference,
            }
        filled = _fill(self.template, values)
        return filled if isinstance(filled, dict) else {}

    def send(self, message: SmsMessage) -> str | None:
        if not self.url:
            raise SmsRejected("SMS sending is not configured: set MANYI_SMS_URL")
        body = self.body(message)
        headers = {**self.headers, "Idempotency-Key": message.reference}
        try:
            client = self.client or httpx.Client()
            try:
                if self.form:
                    answer = client.post(
                        self.url,
                        data={
                            k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()
                        },
                        headers=headers,
                        auth=self.auth or httpx.USE_CLIENT_DEFAULT,
                        timeout=self.timeout_s,
                    )
                else:
                    answer = client.post(
                        self.url,
                        json=body,
                        headers=headers,
                        auth=self.auth or httpx.USE_CLIENT_DEFAULT,
                        timeout=self.timeout_s,
                    )
            finally:
                if self.client is None:
                    client.close()
        except httpx.TimeoutException:
            raise ChannelError(
                f"the SMS gateway {self.server} did not answer within {self.timeout_s:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise ChannelError(
                f"could not reach the SMS gateway {self.server}: {error or type(error).__name__}"
            ) from None
        return self._message_id(answer)

    def _message_id(self, answer: httpx.Response) -> str | None:
        status = answer.status_code
        said = " ".join(answer.text.split())[:300]
        if status in RETRY_STATUSES or status >= 500:
            raise ChannelError(f"the SMS gateway {self.server} answered {status}: {said}")
        if not 200 <= status < 300:
            raise SmsRejected(f"the SMS gateway {self.server} refused the message: {status} {said}")
        try:
            data: Any = answer.json()
        except ValueError:
            data = None
        if self.ok_field:
            value = _path(data, self.ok_field)
            if value is None or str(value) != self.ok_value:
                raise SmsRejected(
                    f"the SMS gateway {self.server} refused the message: "
                    f"{self.ok_field}={value!r} ({said})"
                )
        found = _path(data, self.id_field)
        return None if found is None or found == "" else str(found)[:200]


def _parse_template(template: str | None) -> dict[str, Any] | None:
    if not template:
        return None
    try:
        parsed = json.loads(template)
    except ValueError as error:
        raise InvalidInput(f"MANYI_SMS_BODY_TEMPLATE is not JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise InvalidInput("MANYI_SMS_BODY_TEMPLATE must be a JSON object")
    return parsed


def _fill(value: Any, values: dict[str, str]) -> Any:
    """``value`` with the placeholders of its strings replaced, in one pass (a text that
    contains ``{to}`` stays as it is)."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and key.endswith("@json"):
                out[key.removesuffix("@json")] = json.dumps(
                    _fill(item, values), ensure_ascii=False, separators=(",", ":")
                )
            else:
                out[key] = _fill(item, values)
        return out
    return value


def _path(data: Any, dotted: str) -> Any:
    """``data["a"]["0"]…`` for ``"a.0…"``, list indexes as numbers; None when absent."""
    for part in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
