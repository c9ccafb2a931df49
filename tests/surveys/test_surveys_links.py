"""Survey links: public_url, QR codes, and personal single-use invitations."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import pytest
import segno
import zxingcpp
from itsdangerous import URLSafeSerializer
from PIL import Image
from pydantic import ValidationError
from sqlalchemy import func, select

from factories import good_answers, make_reference_data, make_survey
from manyi.config import Settings
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import InvitationRow, ResponseRow
from manyi.surveys.links import (
    create_invitation,
    invitation_response_key,
    mark_answered,
    open_invitation,
    public_url,
    qr_code,
    survey_link,
)
from manyi.surveys.service import set_status

SECRET = "test-secret-for-invitation-links"
T0 = datetime(2026, 12, 1, 8, 0, 0)


# --- public_url -------------------------------------------------------------------------


def test_public_url_anonymous_with_channel_touchpoint_and_language() -> None:
    assert public_url("http://127.0.0.1:8000", 7) == "http://127.0.0.1:8000/s/7"
    assert (
        public_url("https://survey.example.com/", 7, channel="sms", touchpoint="repair")
        == "https://survey.example.com/s/7?ch=sms&tp=repair"
    )
    assert (
        public_url("https://example.com/manyi", 7, language="en")
        == "https://example.com/manyi/s/7?lang=en"
    )


def test_public_url_escapes_codes_and_carries_the_invitation() -> None:
    url = public_url("https://x.cn", 3, channel="门店 A&B", invite="abc.def-_")
    assert url == "https://x.cn/s/3?ch=%E9%97%A8%E5%BA%97+A%26B&invite=abc.def-_"


@pytest.mark.parametrize(
    "base", ["ftp://x.cn", "x.cn", "https://x.cn/?a=1", "https://x.cn/#top", "https://"]
)
def test_public_url_refuses_a_base_that_is_not_a_web_address(base: str) -> None:
    with pytest.raises(InvalidInput, match="public base URL must look like"):
        public_url(base, 1)


def test_public_url_refuses_a_bad_survey_id() -> None:
    with pytest.raises(InvalidInput, match="positive integer"):
        public_url("https://x.cn", 0)


# --- QR codes ---------------------------------------------------------------------------

URL = "https://survey.example.com/s/12?ch=sms&tp=repair"


def _decode(image: Image.Image) -> list[str]:
    # zxing-cpp is an independent decoder (not segno), so this checks what a phone reads.
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_qr_png_decodes_to_the_exact_url() -> None:
    png = qr_code(URL, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    version = segno.make_qr(URL, error="m").version
    modules = 17 + 4 * int(version) + 2 * 4  # symbol plus the 4-module quiet zone
    assert image.size == (modules * 8, modules * 8)
    assert _decode(image) == [URL]


def _rasterise_segno_svg(svg: str) -> Image.Image:
    """Draw segno's one-path SVG (``M``/``m`` moves, ``h`` runs, 1 unit per module)."""
    width = int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r' d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    image = Image.new("L", (width, width), 255)
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for dx in range(int(float(a))):
                image.putpixel((int(x) + dx, int(y)), 0)
            x += float(a)
    return image.resize((width * 8, width * 8), Image.Resampling.NEAREST)


def test_qr_svg_decodes_to_the_exact_url() -> None:
    svg = qr_code(URL, "svg", scale=1).decode("utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert _decode(_rasterise_segno_svg(svg)) == [URL]
    assert qr_code(URL, "svg") != qr_code(URL, "svg", scale=1)


def test_qr_code_refuses_bad_arguments() -> None:
    with pytest.raises(InvalidInput, match="png or svg"):
        qr_code(URL, "gif")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="needs a URL"):
        qr_code("", "png")
    with pytest.raises(InvalidInput, match="scale"):
        qr_code(URL, "png", scale=0)
    with pytest.raises(InvalidInput, match="a link of 3000 bytes is too long for a QR code"):
        qr_code("h" * 3000, "svg")


def test_the_public_base_url_setting_is_checked(tmp_path: Any) -> None:
    assert Settings(data_dir=tmp_path).public_base_url == "http://127.0.0.1:8000"
    Settings(data_dir=tmp_path, public_base_url="https://example.com/manyi")
    for bad in ("survey.example.com", "ftp://x.cn", "https://x.cn/?ch=sms", "https://x .cn"):
        with pytest.raises(ValidationError, match="public_base_url"):
            Settings(data_dir=tmp_path, public_base_url=bad)


def test_survey_link_checks_survey_and_codes(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    assert (
        survey_link(db, survey.id, base_url="https://x.cn", channel="sms", touchpoint="repair")
        == f"https://x.cn/s/{survey.id}?ch=sms&tp=repair"
    )
    with pytest.raises(InvalidInput) as refused:
        survey_link(db, survey.id, base_url="https://x.cn", channel="fax", touchpoint="nowhere")
    assert [e.loc for e in refused.value.errors] == [("channel",), ("touchpoint",)]
    with pytest.raises(NotFound):
        survey_link(db, survey.id + 99, base_url="https://x.cn")
    with pytest.raises(InvalidInput, match="zh-CN or en"):
        survey_link(db, survey.id, base_url="https://x.cn", language="fr")


# --- invitations ------------------------------------------------------------------------


def _invite(db: Database, survey_id: int, **kwargs: Any) -> Any:
    kwargs.setdefault("now", T0)
    return create_invitation(db, survey_id, secret=SECRET, **kwargs)


def test_invitation_opens_with_its_customer_channel_and_touchpoint(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    made = _invite(db, survey.id, customer="C-1001", channel="sms", touchpoint="repair")
    assert made.expires_at == T0 + timedelta(days=30)
    opened = open_invitation(db, survey.id, made.token, secret=SECRET, now=T0)
    assert (opened.id, opened.customer, opened.channel, opened.touchpoint) == (
        made.id,
        "C-1001",
        "sms",
        "repair",
    )
    assert opened.answered_at is None and opened.response_id is None


def test_only_the_tokens_sha256_is_stored(db: Database) -> None:
    survey = make_survey(db)
    made = _invite(db, survey.id)
    with db.session() as s:
        row = s.get(InvitationRow, made.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
        stored = repr({c.name: getattr(row, c.key, None) for c in InvitationRow.__mapper__.columns})
    assert made.token not in stored
    # Two invitations to the same survey and customer get different tokens.
    assert _invite(db, survey.id).token != made.token


def _flip(token: str, at: int) -> str:
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


def test_tampered_token_is_refused(db: Database) -> None:
    survey = make_survey(db)
    token = _invite(db, survey.id).token
    for bad in (_flip(token, 3), _flip(token, len(token) - 2), token[:-5], "x" * 1000, ""):
        with pytest.raises(InvalidInput, match="not valid") as refused:
            open_invitation(db, survey.id, bad, secret=SECRET, now=T0)
        assert refused.value.errors[0].loc == ("invite",)
        assert refused.value.errors[0].type == "tampered"
    with pytest.raises(InvalidInput, match="changed or cut short"):
        open_invitation(db, survey.id, token, secret="another-installation", now=T0)
    # HMAC-SHA256: the signature is 32 bytes (43 base64 characters); the same payload
    # signed with itsdangerous' default SHA-1 is refused.
    payload, signature = token.rsplit(".", 1)
    assert len(signature) == 43
    sha1 = URLSafeSerializer(SECRET, salt="manyi-invitation").dumps(
        URLSafeSerializer(SECRET, salt="manyi-invitation").loads_unsafe(token)[1]
    )
    assert sha1.rsplit(".", 1)[0] == payload
    with pytest.raises(InvalidInput, match="changed or cut short"):
        open_invitation(db, survey.id, sha1, secret=SECRET, now=T0)


def test_expired_token_is_refused(db: Database) -> None:
    survey = make_survey(db)
    made = _invite(db, survey.id, valid_days=2)
    open_invitation(db, survey.id, made.token, secret=SECRET, now=T0 + timedelta(days=1, hours=23))
    with pytest.raises(InvalidInput, match="expired on 2026-12-03 08:00 UTC") as refused:
        open_invitation(db, survey.id, made.token, secret=SECRET, now=T0 + timedelta(days=2))
    assert refused.value.errors[0].type == "expired"
    # An aware "now" is compared in UTC: 15:59 in Beijing is 07:59 UTC, still valid.
    beijing = timezone(timedelta(hours=8))
    open_invitation(
        db, survey.id, made.token, secret=SECRET, now=datetime(2026, 12, 3, 15, 59, tzinfo=beijing)
    )
    with pytest.raises(InvalidInput, match="expired"):
        open_invitation(
            db,
            survey.id,
            made.token,
            secret=SECRET,
            now=datetime(2026, 12, 3, 16, 0, tzinfo=beijing),
        )


def test_expiry_brought_forward_in_the_database_is_honoured(db: Database) -> None:
    survey = make_survey(db)
    made = _invite(db, survey.id)
    with db.session() as s:
        row = s.get(InvitationRow, made.id)
        assert row is not None
        row.expires_at = T0 + timedelta(hours=1)
    open_invitation(db, survey.id, made.token, secret=SECRET, now=T0)
    with pytest.raises(InvalidInput, match="expired on 2026-12-01 09:00 UTC"):
        open_invitation(db, survey.id, made.token, secret=SECRET, now=T0 + timedelta(hours=2))


def test_token_for_another_survey_is_refused(db: Database) -> None:
    first, second = make_survey(db), make_survey(db)
    token = _invite(db, first.id).token
    with pytest.raises(InvalidInput, match="for another survey") as refused:
        open_invitation(db, second.id, token, secret=SECRET, now=T0)
    assert refused.value.errors[0].type == "other_survey"


def test_signed_token_that_is_not_stored_is_refused(db: Database) -> None:
    survey = make_survey(db)
    made = _invite(db, survey.id)
    with db.session() as s:
        row = s.get(InvitationRow, made.id)
        assert row is not None
        s.delete(row)  # withdrawn
    with pytest.raises(InvalidInput, match="no longer valid") as refused:
        open_invitation(db, survey.id, made.token, secret=SECRET, now=T0)
    assert refused.value.errors[0].type == "unknown"


def _record(db: Database, survey_id: int, invitation_id: int, nps: int) -> tuple[int, bool]:
    result = record(
        db,
        ResponseBatch(
            survey_id,
            [
                ResponseIn(
                    answers=good_answers(nps=nps),
                    external_key=invitation_response_key(invitation_id),
                )
            ],
        ),
        IntakeOptions(source="web"),
    )
    stored = result.stored[0]
    return stored.id, stored.created


def test_answered_invitation_is_refused_on_the_next_visit(db: Database) -> None:
    survey = make_survey(db)
    made = _invite(db, survey.id)
    response_id, created = _record(db, survey.id, made.id, 9)
    assert created
    mark_answered(db, made.id, response_id, now=T0)
    with pytest.raises(Conflict, match=r"^this invitation was already answered$"):
        open_invitation(db, survey.id, made.token, secret=SECRET, now=T0)
    with pytest.raises(Conflict, match="already answered"):
        mark_answered(db, made.id, response_id)
    with db.session() as s:
        row = s.get(InvitationRow, made.id)
        assert row is not None
        assert (row.answered_at, row.response_id) == (T0, response_id)


def test_mark_answered_of_an_unknown_invitation(db: Database) -> None:
    survey = make_survey(db)
    response_id, _ = _record(db, survey.id, 1, 9)
    with pytest.raises(NotFound, match="no invitation with id 4242"):
        mark_answered(db, 4242, response_id)


def test_create_invitation_refuses_bad_input(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    with pytest.raises(InvalidInput) as unknown:
        _invite(db, survey.id, channel="pigeon")
    assert unknown.value.errors[0].msg == "unknown channel 'pigeon'"
    for days in (0, MAX_DAYS + 1):
        with pytest.raises(InvalidInput, match="valid for 1 to 3650 days"):
            _invite(db, survey.id, valid_days=days)
    with pytest.raises(NotFound):
        _invite(db, survey.id + 99)
    set_status(db, survey.id, "closed")
    with pytest.raises(Conflict, match="is closed"):
        _invite(db, survey.id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InvitationRow)) == 0


MAX_DAYS = 3650


def _race(workers: int, target: Any) -> list[Any]:
    """Run ``target(i)`` in ``workers`` threads released at the same instant."""
    barrier = threading.Barrier(workers)
    outcomes: list[Any] = [None] * workers

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = target(i)
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _mark_with(db: Database, invitation_id: int, responses: list[int], i: int) -> None:
    mark_answered(db, invitation_id, responses[i])


def _submit(db: Database, survey_id: int, invitation_id: int, i: int) -> int:
    response_id, _ = _record(db, survey_id, invitation_id, 3 + i)
    mark_answered(db, invitation_id, response_id)
    return response_id


def test_two_concurrent_mark_answered_mark_once(db: Database) -> None:
    survey = make_survey(db)
    for _ in range(5):
        made = _invite(db, survey.id)
        responses = [_record(db, survey.id, 10_000 + made.id * 10 + i, 9)[0] for i in range(2)]
        outcomes = _race(2, partial(_mark_with, db, made.id, responses))
        winners = [i for i, o in enumerate(outcomes) if o is None]
        assert len(winners) == 1, outcomes
        loser = outcomes[1 - winners[0]]
        assert (
            isinstance(loser, Conflict) and loser.message == "this invitation was already answered"
        )
        with db.session() as s:
            row = s.get(InvitationRow, made.id)
            assert row is not None and row.response_id == responses[winners[0]]


def test_two_concurrent_submissions_of_one_invitation_store_one_response(db: Database) -> None:
    """The respondent page's order: record under the invitation's key, then mark."""
    survey = make_survey(db)
    for _ in range(5):
        made = _invite(db, survey.id)
        outcomes = _race(2, partial(_submit, db, survey.id, made.id))
        marked = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, Conflict)]
        assert len(marked) == 1 and len(refused) == 1, outcomes
        with db.session() as s:
            stored = s.scalars(
                select(ResponseRow.id).where(
                    ResponseRow.external_key == invitation_response_key(made.id)
                )
            ).all()
            row = s.get(InvitationRow, made.id)
        assert stored == marked
        assert row is not None and row.response_id == marked[0]
        with pytest.raises(Conflict):
            open_invitation(db, survey.id, made.token, secret=SECRET, now=T0)
