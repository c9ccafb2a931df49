"""Single sign-on against a real OpenID Connect provider on localhost (tests/oidc_provider.py):
the whole authorization code flow with PKCE, state and nonce through the app's routes,
and each way a sign-in must be refused (wrong signature, nonce, audience, issuer, an
expired token, an unknown or unconfirmed e-mail address, a disabled user, a replayed or
forged callback). No network beyond 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import select

from factories import make_user_token
from manyi.accounts.admin import change_user, create_user_by_admin
from manyi.accounts.oidc import (
    OidcConfig,
    OidcProvider,
    SsoRefused,
    begin_sign_in,
    finish_sign_in,
)
from manyi.accounts.service import User, authenticate, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import NotAuthenticated
from manyi.storage.audit import audit_entries
from manyi.storage.database import Database
from manyi.storage.tables import UserRow
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

PASSWORD = "correct horse battery"


def admin(db: Database) -> User:
    """The administrator who acts in these tests (created on first use)."""
    try:
        return authenticate(db, "root@example.com", PASSWORD)
    except NotAuthenticated:
        return create_user(db, "root@example.com", PASSWORD, Role.ADMIN)


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as p:
        yield p


def settings_for(provider: Provider, tmp_path: Path, **more: Any) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        public_base_url="http://testserver",
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        **more,
    )


def sso_callback(client: TestClient, next_url: str | None = None) -> tuple[str, httpx.Response]:
    """Start at /login/oidc, let the provider answer, return the callback URL and the
    app's answer to it."""
    start = client.get("/login/oidc", params={"next": next_url} if next_url else None)
    assert start.status_code == 303, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    callback = at_provider.headers["location"]
    assert callback.startswith("http://testserver/login/oidc/callback?")
    return callback, client.get(callback.removeprefix("http://testserver"))


def agent(db: Database, **kwargs: Any) -> int:
    created = create_user_by_admin(
        db, admin(db), email="agent@example.com", role="agent", sign_in="sso", **kwargs
    )
    return created.user.id


def test_sign_in_end_to_end_links_by_confirmed_email_then_by_subject(
    db: Database, provider: Provider, tmp_path: Path
) -> None:
    user_id = agent(db)
    client = TestClient(create_app(settings_for(provider, tmp_path), db), follow_redirects=False)
    assert "Sign in with SSO" in client.get("/login?lang=en").text
    _, answer = sso_callback(client, next_url="/admin/users?lang=en")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/users?lang=en"
    assert client.get("/").status_code == 200  # signed in

    # the request carried state, nonce and an S256 PKCE challenge; the token request
    # carried the verifier (the provider checks it against the challenge)
    query = provider.authorize_queries[0]
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["scope"].split() == ["openid", "email", "profile"]
    assert query["redirect_uri"] == "http://testserver/login/oidc/callback"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert 43 <= len(provider.token_requests[0]["code_verifier"]) <= 128

    with db.session() as s:
        row = s.get(UserRow, user_id)
        assert row is not None
        assert (row.oidc_issuer, row.oidc_subject) == (provider.issuer, "subject-1")
        entries, _ = audit_entries(s, action="user.sso_linked")
    assert [e.subject_id for e in entries] == [str(user_id)]

    # once linked, the subject finds the user even when the e-mail address changed
    provider.identity = {"email": "renamed@example.com", "email_verified": True}
    fresh = TestClient(create_app(settings_for(provider, tmp_path), db), follow_redirects=False)
    assert sso_callback(fresh)[1].status_code == 303


def test_the_login_page_offers_sso_only_when_configured(
    sqlite_db: Database, tmp_path: Path
) -> None:
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db))
    assert "Sign in with SSO" not in client.get("/login?lang=en").text
    assert "/login/oidc" not in client.get("/login?lang=en").text
    # and the route says so instead of failing
    page = client.get("/login/oidc?lang=en")
    assert page.status_code == 401 and "Single sign-on is not set up." in page.text


def _service_flow(db: Database, provider: Provider) -> User:
    """The flow without the web layer: begin, the provider's redirect, finish."""
    config = OidcConfig(
        provider.issuer, CLIENT_ID, CLIENT_SECRET, "openid email", None, "http://testserver/cb"
    )
    oidc = OidcProvider(config)
    url, pending = begin_sign_in(oidc, None)
    back = httpx.get(url, follow_redirects=False).headers["location"]
    params = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    return finish_sign_in(db, oidc, pending, params)[0]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({"other_key": True}, "signature matches none of the issuer's keys"),
        ({"nonce": "another-nonce"}, "nonce is not this sign-in's"),
        ({"aud": "another-client"}, "not for this sign-in: .*aud"),
        ({"iss": "https://evil.example"}, "not for this sign-in: .*iss"),
        ({"expired": True}, "has expired"),
    ],
    ids=["wrong-signature", "wrong-nonce", "wrong-audience", "wrong-issuer", "expired"],
)
def test_a_bad_id_token_is_refused(
    sqlite_db: Database, provider: Provider, tamper: dict[str, Any], message: str
) -> None:
    agent(sqlite_db)
    assert _service_flow(sqlite_db, provider).email == "agent@example.com"  # untampered: fine
    provider.tamper = tamper
    with pytest.raises(SsoRefused, match=message) as refused:
        _service_flow(sqlite_db, provider)
    assert refused.value.reason == "token_invalid"


def test_refusals_on_the_page(db: Database, provider: Provider, tmp_path: Path) -> None:
    client = TestClient(create_app(settings_for(provider, tmp_path), db), follow_redirects=False)
    client.cookies.set("manyi_lang", "en")
    # nobody with this e-mail address and no auto-creation
    _, page = sso_callback(client)
    assert page.status_code == 403 and "There is no manyi account" in page.text
    with db.session() as s:
        assert s.scalar(select(UserRow).where(UserRow.email == "agent@example.com")) is None

    # a bad signature: refused, no session
    user_id = agent(db)
    provider.tamper = {"other_key": True}
    _, page = sso_callback(client)
    assert page.status_code == 401 and "could not be verified and was refused" in page.text
    assert client.get("/").status_code == 303  # to the login page: nobody signed in
    provider.tamper = {}

    # a disabled user is refused, linked or not
    change_user(db, admin(db), user_id, active=False)
    _, page = sso_callback(client)
    assert page.status_code == 403 and "Your manyi account is disabled." in page.text
    change_user(db, admin(db), user_id, active=True)

    # the callback works once: a replay (same state, same code) is refused
    callback, page = sso_callback(client)
    assert page.status_code == 303
    replay = client.get(callback.removeprefix("http://testserver") + "&lang=en")
    assert replay.status_code == 401
    assert "The sign-in took too long or came from another browser" in replay.text

    # a forged state never reaches the provider's token endpoint
    tokens = len(provider.token_requests)
    client.get("/login/oidc")
    forged = client.get("/login/oidc/callback?code=x&state=forged")
    assert forged.status_code == 401 and len(provider.token_requests) == tokens

    # the provider's own refusal (the person cancelled)
    client.get("/login/oidc")
    cancelled = client.get("/login/oidc/callback?error=access_denied&state=x&lang=en")
    assert cancelled.status_code == 401
    assert "The sign-in service refused the sign-in." in cancelled.text


def test_unknown_email_is_refused_with_a_clear_message(
    sqlite_db: Database, provider: Provider, tmp_path: Path
) -> None:
    client = TestClient(
        create_app(settings_for(provider, tmp_path), sqlite_db), follow_redirects=False
    )
    start = client.get("/login/oidc?lang=en")
    back = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
    page = client.get(back.removeprefix("http://testserver") + "&lang=en")
    assert page.status_code == 403
    assert "There is no manyi account for your e-mail address. Ask an administrator." in page.text
    with pytest.raises(SsoRefused, match="no manyi user has the e-mail address agent@example"):
        _service_flow(sqlite_db, provider)


def test_an_unconfirmed_email_links_nobody(sqlite_db: Database) -> None:
    agent(sqlite_db)
    with (
        running_provider(email="agent@example.com", email_verified=False) as provider,
        pytest.raises(SsoRefused, match="did not confirm an e-mail address") as refused,
    ):
        _service_flow(sqlite_db, provider)
    assert refused.value.reason == "email_unverified"


def test_an_account_linked_to_another_identity_is_refused(sqlite_db: Database) -> None:
    agent(sqlite_db)
    with running_provider(email="agent@example.com", email_verified=True) as provider:
        _service_flow(sqlite_db, provider)  # links subject-1
        provider.identity["sub"] = "subject-2"
        with pytest.raises(SsoRefused, match="linked to another single sign-on identity"):
            _service_flow(sqlite_db, provider)


def test_auto_create_makes_a_user_of_that_role_without_a_password(
    db: Database, provider: Provider, tmp_path: Path
) -> None:
    settings = settings_for(provider, tmp_path, oidc_auto_create="viewer")
    client = TestClient(create_app(settings, db), follow_redirects=False)
    assert sso_callback(client)[1].status_code == 303
    with db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.email == "agent@example.com"))
        assert row is not None and row.role == "viewer" and row.name == "Agent Wang"
        created, _ = audit_entries(s, action="user.created")
    assert created[0].detail["sign_in"] == "sso" and created[0].actor == "single sign-on"
    # no password signs in as an SSO-only user, not even the marker stored for it
    for password in ("", "!sso-only", "sso-only"):
        with pytest.raises(NotAuthenticated):
            authenticate(db, "agent@example.com", password)


def test_settings_need_a_client_id_with_an_issuer() -> None:
    with pytest.raises(ValueError, match="MANYI_OIDC_CLIENT_ID"):
        Settings(oidc_issuer="https://sso.example.com/realms/staff")
    with pytest.raises(ValueError):
        Settings(oidc_issuer="https://x", oidc_client_id="m", oidc_auto_create="admin")  # type: ignore[arg-type]
    config = OidcConfig.from_settings(
        Settings(
            oidc_issuer="https://sso.example.com/realms/staff",
            oidc_client_id="m",
            oidc_scopes="email profile",
            public_base_url="https://cx.example.com/manyi/",
        )
    )
    assert config is not None
    assert config.scopes == "openid email profile"
    assert config.redirect_uri == "https://cx.example.com/manyi/login/oidc/callback"


def test_an_unreachable_provider_is_a_clear_refusal(sqlite_db: Database, tmp_path: Path) -> None:
    make_user_token(sqlite_db)
    with running_provider() as provider:
        settings = settings_for(provider, tmp_path)
    # the provider has stopped: the discovery document cannot be read
    client = TestClient(create_app(settings, sqlite_db), follow_redirects=False)
    page = client.get("/login/oidc?lang=en")
    assert page.status_code == 401
    assert "The sign-in service cannot be reached. Try again later." in page.text


def test_rotated_signing_keys_are_read_again(sqlite_db: Database) -> None:
    agent(sqlite_db)
    with running_provider() as provider:
        config = OidcConfig(
            provider.issuer, CLIENT_ID, CLIENT_SECRET, "openid email", None, "http://testserver/cb"
        )
        oidc = OidcProvider(config)
        oidc.keys()  # cached: the key k1
        provider.key = RSAKey.generate_key(2048, {"kid": "k2"})  # the provider rotates
        url, pending = begin_sign_in(oidc, None)
        back = httpx.get(url, follow_redirects=False).headers["location"]
        params = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
        # within keys_refresh_s of the last read, an unknown key is not fetched again
        with pytest.raises(SsoRefused, match="matches none of the issuer's keys"):
            finish_sign_in(sqlite_db, oidc, pending, params)
        oidc.keys_refresh_s = 0
        url, pending = begin_sign_in(oidc, None)
        back = httpx.get(url, follow_redirects=False).headers["location"]
        params = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
        assert finish_sign_in(sqlite_db, oidc, pending, params)[0].email == "agent@example.com"
        assert oidc.keys().get_by_kid("k2") is not None
