"""Contact lists (CSV/XLSX upload, reads) and invitation campaigns sent to them."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from manyi.accounts.scope import reader_of
from manyi.accounts.service import User
from manyi.api.schemas import Strict
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.errors import InvalidInput
from manyi.ingestion.contacts import import_contacts
from manyi.jobs.queue import JobQueue
from manyi.surveys.campaigns import CampaignSpec, Sample, run_campaign
from manyi.surveys.contacts import contact_list, contact_list_members, contact_lists

router = APIRouter(tags=["contacts"])


class Rejected(BaseModel):
    line: int
    field: str
    reason: str


class ContactImportPublic(BaseModel):
    list_id: int
    name: str
    import_id: int
    total_rows: int
    accepted: int = Field(description="rows stored (customers created or updated)")
    created: int = Field(description="customers new to manyi")
    updated: int = Field(description="stored customers whose details changed")
    added_to_list: int = Field(description="customers new to this list")
    rejected: int
    error_file: str | None = Field(description="every rejected line with its reasons (CSV)")
    rejections: list[Rejected] = Field(description="the first 100 rejected lines")
    segment_columns: list[str] = Field(description="columns stored as segment attributes")
    consent_kept_off: list[str] = Field(
        description="customers whose file said yes to contact but who had opted out"
    )


class ListImportPublic(BaseModel):
    import_id: int
    file_name: str
    status: str
    total_rows: int
    accepted: int
    rejected: int
    error_file: str | None
    started_at: datetime


class ContactListPublic(BaseModel):
    id: int
    name: str
    description: str
    members: int
    created_at: datetime
    updated_at: datetime


class ContactListDetail(ContactListPublic):
    with_email: int
    with_phone: int
    consenting: int = Field(description="members who agreed to be contacted")
    segments: dict[str, dict[str, int]] = Field(
        description="per segment attribute, its most frequent values and their counts"
    )
    imports: list[ListImportPublic]


class ContactListPage(BaseModel):
    data: list[ContactListPublic]
    count: int


class MemberPublic(BaseModel):
    external_id: str
    name: str | None
    phone: str | None
    email: str | None
    has_email: bool
    has_phone: bool
    consent_contact: bool
    segments: dict[str, Any]


class MemberPage(BaseModel):
    data: list[MemberPublic]
    limit: int
    offset: int


@router.post(
    "/contact-lists",
    status_code=201,
    response_model=ContactImportPublic,
    summary="Import a CSV or XLSX file of customers onto a contact list",
    description="Columns by header, in Chinese or English: customer id (客户编号, required), "
    "name (姓名), phone (手机), e-mail (邮箱), consent (同意联系: 是/否, yes/no, 1/0); every "
    "other column is a segment attribute. Customers are created or updated by customer "
    "id; rows with a bad phone, e-mail or consent are rejected with their line numbers "
    "and the rest are stored. Importing into an existing list's name adds to it. "
    "Admins, managers and analysts only.",
)
def upload_contact_list(
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.MANAGE_CONTACTS)],
    file: Annotated[UploadFile, File(description="CSV, TSV or XLSX")],
    name: Annotated[str, Form(min_length=1, max_length=200, description="the list's name")],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> ContactImportPublic:
    file_name = Path(file.filename or "contacts.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        if path.stat().st_size > settings.max_upload_mb * 1024 * 1024:
            raise InvalidInput(
                f"the file is larger than {settings.max_upload_mb} MiB (MANYI_MAX_UPLOAD_MB)"
            )
        result = import_contacts(
            db,
            path,
            name,
            description=description,
            error_dir=settings.data_dir / "import-errors",
        )
    return ContactImportPublic(
        list_id=result.list_id,
        name=result.list_name,
        import_id=result.import_id,
        total_rows=result.total_rows,
        accepted=result.accepted,
        created=result.created,
        updated=result.updated,
        added_to_list=result.added_to_list,
        rejected=result.rejected,
        error_file=str(result.error_file) if result.error_file else None,
        rejections=[
            Rejected(line=r.line, field=r.field, reason=r.reason) for r in result.rejections
        ],
        segment_columns=result.segment_columns,
        consent_kept_off=result.consent_kept_off,
    )


@router.get("/contact-lists", response_model=ContactListPage, summary="Contact lists")
def get_contact_lists(
    db: DbDep, user: Annotated[User, requires(Permission.MANAGE_CONTACTS)]
) -> ContactListPage:
    lists = contact_lists(db)
    return ContactListPage(
        data=[ContactListPublic(**vars(found)) for found in lists], count=len(lists)
    )


@router.get(
    "/contact-lists/{list_id}",
    response_model=ContactListDetail,
    summary="One contact list: members with an address and consent, segment values, imports",
)
def get_contact_list(
    list_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_CONTACTS)]
) -> ContactListDetail:
    found = contact_list(db, list_id)
    return ContactListDetail(
        **vars(found.summary),
        with_email=found.with_email,
        with_phone=found.with_phone,
        consenting=found.consenting,
        segments=found.segments,
        imports=[ListImportPublic(**vars(run)) for run in found.imports],
    )


@router.get(
    "/contact-lists/{list_id}/members",
    response_model=MemberPage,
    summary="A page of a contact list's members",
    description="Name, phone and e-mail are masked (138****5678) for roles that may not "
    "see personal data (analysts, viewers).",
)
def get_contact_list_members(
    list_id: int,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_CONTACTS)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MemberPage:
    members = contact_list_members(
        db, list_id, user.role, limit=limit, offset=offset, reader=reader_of(db, user)
    )
    return MemberPage(data=[MemberPublic(**vars(m)) for m in members], limit=limit, offset=offset)


class SampleIn(Strict):
    size: int | None = Field(default=None, ge=1, description="how many customers to invite")
    fraction: float | None = Field(
        default=None, gt=0, le=1, description="or which share of those who may be invited"
    )
    seed: int | None = Field(
        default=None, description="the same seed over the same customers draws the same sample"
    )
    stratify_by: str | None = Field(
        default=None, max_length=200, description="a segment attribute whose shares are kept"
    )


class CampaignCreate(Strict):
    list_id: int
    channel: Literal["email", "sms"]
    sample: SampleIn | None = Field(default=None, description="none: every eligible member")
    fatigue_days: int | None = Field(
        default=None,
        ge=0,
        le=3650,
        description="skip customers invited to any survey within this many days; "
        "default MANYI_CONTACT_FATIGUE_DAYS",
    )
    language: Literal["zh-CN", "en"] | None = None
    channel_code: str | None = Field(
        default=None, max_length=64, description="channel code given to the invitations"
    )
    touchpoint: str | None = Field(
        default=None, max_length=64, description="touchpoint code given to the invitations"
    )


class CampaignPublic(BaseModel):
    id: int
    survey_id: int
    list_id: int | None
    channel: str
    members: int
    invited: int
    queued: int
    failed: int
    skipped: dict[str, int] = Field(
        description="by reason: no_address, opted_out, no_consent, already_invited, fatigue, "
        "not_sampled"
    )
    seed: int | None
    fatigue_days: int
    strata: dict[str, dict[str, int]]
    repeated: bool = Field(description="true: this campaign was posted before; nothing was sent")


@router.post(
    "/surveys/{survey_id}/invitations/campaign",
    status_code=202,
    response_model=CampaignPublic,
    summary="Invite a sample of a contact list to a survey by e-mail or SMS",
    description="Skips members without an address on the channel, who opted out, gave no "
    "contact consent, were invited to this survey before, or were invited to any survey "
    "within fatigue_days; draws the sample from the rest and queues one sending job per "
    "invitation. With an Idempotency-Key the same campaign posted again is answered from "
    "the first (200, repeated: true) and sends nothing. Admins, managers and analysts only.",
)
def invite_campaign(
    survey_id: int,
    body: CampaignCreate,
    request: Request,
    response: Response,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> CampaignPublic:
    queue: JobQueue = request.app.state.queue
    sample = body.sample
    result = run_campaign(
        db,
        survey_id,
        CampaignSpec(
            list_id=body.list_id,
            channel=body.channel,
            sample=Sample(
                size=sample.size,
                fraction=sample.fraction,
                seed=sample.seed,
                stratify_by=sample.stratify_by,
            )
            if sample
            else None,
            fatigue_days=body.fatigue_days,
            language=body.language,
            channel_code=body.channel_code,
            touchpoint=body.touchpoint,
        ),
        enqueue=queue.enqueue_invitation,
        default_fatigue_days=settings.contact_fatigue_days,
        idempotency_key=idempotency_key,
    )
    if result.repeated:
        response.status_code = 200
    return CampaignPublic(**vars(result))
