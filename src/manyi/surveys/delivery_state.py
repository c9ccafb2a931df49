"""Writing a channel's delivery state into an invitation's meta (``meta["sms"]``,
``meta["email"]``), the one place where SMS sends, receipts, reminders and bounces merge
their fields, each under the invitation's row lock so that two writers do not lose
each other's fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from manyi.storage.database import Database
from manyi.storage.deliveries import delivery
from manyi.storage.invitations import set_invitation_meta


def record(
    db: Database,
    invitation_id: int,
    channel: str,
    fields: dict[str, Any],
    *,
    expire_at: datetime | None = None,
    keep_state: Iterable[str] = (),
) -> dict[str, Any]:
    """Merge ``fields`` into ``meta[channel]`` and return the channel's new state.

    When the stored state is one of ``keep_state`` the ``state`` in ``fields`` is not
    written (a delivery receipt that arrived before the send was recorded as ``sent``
    stays ``delivered``).
    """
    with db.session() as s:
        found = delivery(s, invitation_id, lock=True)
        if found is None:
            return {}
        meta = dict(found.meta)
        current = dict(meta.get(channel) or {})
        update = dict(fields)
        if current.get("state") in set(keep_state):
            update.pop("state", None)
        merged = {**current, **update}
        set_invitation_meta(s, invitation_id, {**meta, channel: merged}, expires_at=expire_at)
        return merged


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def utc_naive(value: datetime | None) -> datetime:
    """``value`` (or now) as naive UTC, as every time is stored."""
    if value is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def parse_iso(value: Any) -> datetime | None:
    """A time written by :func:`iso`, or None for a missing or unreadable one."""
    if not isinstance(value, str):
        return None
    try:
        return utc_naive(datetime.fromisoformat(value))
    except ValueError:
        return None
