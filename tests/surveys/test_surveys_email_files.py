"""surveys.email.send_file_email: a file (a scheduled report) to staff addresses, as an
attachment; addresses checked one by one, no line break into the headers (issue #11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import Outbox
from manyi.config import Settings
from manyi.errors import ChannelError, InvalidInput
from manyi.surveys.email import send_file_email


def _send(outbox: object, tmp_path: Path, **extra: object) -> str:
    values: dict[str, object] = {
        "to": ["boss@example.com", "ops@example.com"],
        "subject": "[满意] 月度报告：物流配送部\r\nBcc: all@example.com",
        "text": "附件是报告。",
        "attachment": b"%PDF-1.7 test",
        "filename": "manyi-report-LOG-2026-11.pdf",
        "language": "zh-CN",
    }
    values.update(extra)
    settings = Settings(environment="test", data_dir=tmp_path, smtp_from="manyi <r@example.com>")
    return send_file_email(settings, outbox, **values)  # type: ignore[arg-type]


def test_the_file_is_attached_and_the_subject_cannot_add_headers(tmp_path: Path) -> None:
    outbox = Outbox()
    message_id = _send(outbox, tmp_path)
    [message] = outbox.messages
    assert message["Message-ID"] == message_id
    assert message["To"] == "boss@example.com, ops@example.com"
    assert message["Subject"] == "[满意] 月度报告：物流配送部 Bcc: all@example.com"
    assert message["Bcc"] is None
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "manyi-report-LOG-2026-11.pdf"
    assert part.get_content() == b"%PDF-1.7 test"


@pytest.mark.parametrize(
    "to", [[], ["boss@example.com", "not an address"], ["a@example.com\nBcc: b@example.com"]]
)
def test_bad_addresses_are_refused(tmp_path: Path, to: list[str]) -> None:
    outbox = Outbox()
    with pytest.raises(InvalidInput, match="plain e-mail addresses"):
        _send(outbox, tmp_path, to=to)
    assert outbox.messages == []


def test_a_failing_transport_is_a_channel_error(tmp_path: Path) -> None:
    class Broken:
        def send(self, message: object) -> None:
            raise OSError("connection refused")

    with pytest.raises(ChannelError, match="connection refused"):
        _send(Broken(), tmp_path)
