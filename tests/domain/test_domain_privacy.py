"""Who sees contact fields (issue #10, privacy): mask_contact as a role × field matrix,
the personal-data request permission, and which metadata keys identify someone."""

from __future__ import annotations

import hashlib

import pytest

from manyi.domain.enums import Role
from manyi.domain.privacy import (
    consent_text_hash,
    is_identifying_key,
    mask_contact,
    may_handle_personal_data_requests,
    without_identifiers,
)

VALUES = {"name": "王小明", "phone": "138 1234 5678", "email": "xiaoming@example.com"}
MASKED = {"name": "王**", "phone": "138****5678", "email": "x***@example.com"}
ROLES_THAT_SEE = {Role.ADMIN, Role.MANAGER, Role.AGENT}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("field", ["name", "phone", "email"])
def test_contact_fields_by_role(role: Role, field: str) -> None:
    shown = mask_contact(role, field, VALUES[field])  # type: ignore[arg-type]
    if role in ROLES_THAT_SEE:
        assert shown == VALUES[field]
    else:
        assert shown == MASKED[field]
        assert shown != VALUES[field]


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("phone", "+86 021-6123 4567", "860****4567"),
        ("phone", "12345", "*****"),
        ("email", "not-an-address", "***"),
        ("email", "@example.com", "***"),
        ("name", "Li", "L*"),
        ("name", "张", "张*"),
    ],
)
def test_odd_values_are_masked_without_leaking_them(field: str, value: str, masked: str) -> None:
    assert mask_contact(Role.VIEWER, field, value) == masked  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, ""])
def test_nothing_stays_nothing(value: str | None) -> None:
    assert mask_contact(Role.ANALYST, "phone", value) == value


def test_an_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not a contact field"):
        mask_contact(Role.VIEWER, "address", "杭州")  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(Role))
def test_only_administrators_handle_personal_data_requests(role: Role) -> None:
    assert may_handle_personal_data_requests(role) is (role == Role.ADMIN)


@pytest.mark.parametrize(
    "key", ["ip", "client_ip", "ipHash", "user_agent", "userAgent", "X-Forwarded-For", "openid"]
)
def test_identifying_keys(key: str) -> None:
    assert is_identifying_key(key)


@pytest.mark.parametrize("key", ["tip", "zip", "campaign", "timing", "incentive", "embed"])
def test_keys_that_identify_no_one(key: str) -> None:
    assert not is_identifying_key(key)


def test_identifiers_go_at_any_depth() -> None:
    meta = {"a": {"remote_addr": "1.2.3.4", "b": {"deviceId": "x", "n": 1}}, "ua": "M"}
    assert without_identifiers(meta) == {"a": {"b": {"n": 1}}}


def test_a_consent_text_is_keyed_by_its_sha256() -> None:
    digest = consent_text_hash("同意")
    assert digest == hashlib.sha256("同意".encode()).hexdigest()
    assert consent_text_hash("同意。") != digest  # one character more is another text
