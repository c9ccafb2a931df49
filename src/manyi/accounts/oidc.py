"""Single sign-on with OpenID Connect: the authorization code flow with PKCE, state and
nonce, and a signed ID token checked against the issuer's published keys.

:class:`OidcProvider` reads the issuer's discovery document and keys (httpx, cached);
:func:`begin_sign_in` makes the provider's authorization URL and what the session must
keep until the provider sends the browser back; :func:`finish_sign_in` checks that
return, exchanges the code for tokens, verifies the ID token (signature by a key of the
issuer's JWKS, ``iss``, ``aud``/``azp``, ``exp``, ``iat``, ``nonce``) and finds the user:
by (issuer, subject) once linked, the first time by the e-mail address the provider marks
verified, or, with ``MANYI_OIDC_AUTO_CREATE``, a new user of that role. Disabled users are
refused. The OAuth 2.0 messages are built with Authlib; the JOSE checks use joserfc,
Authlib's successor to ``authlib.jose`` (deprecated since Authlib 1.6).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote_plus

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from manyi.accounts.passwords import unusable_password
from manyi.accounts.service import User
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import NotAuthenticated
from manyi.storage.accounts import add_user, user_by_email
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.directory import user_by_oidc

#: Signature algorithms accepted for ID tokens: asymmetric only (never "none", and no
#: HMAC with the client secret, which a public client does not have).
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CALLBACK_PATH = "/login/oidc/callback"
#: How long the browser may take at the provider before the session's state expires.
PENDING_TTL_S = 600
#: Clock difference tolerated between manyi and the provider.
LEEWAY_S = 60
METADATA_TTL_S = 3600
TIMEOUT_S = 10.0

Reason = Literal[
    "not_configured",
    "provider_unreachable",
    "provider_error",
    "state_mismatch",
    "token_exchange",
    "token_invalid",
    "email_unverified",
    "unknown_user",
    "identity_taken",
    "disabled",
]


@dataclass
class SsoRefused(NotAuthenticated):
    """Single sign-on failed; ``reason`` says why in a word the pages translate, the
    message says it in detail (for the log and the tests)."""

    reason: Reason = "token_invalid"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str
    auto_create: Role | None
    redirect_uri: str

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        """The configuration, or None when single sign-on is not set up."""
        if not settings.oidc_issuer or not settings.oidc_client_id:
            return None
        scopes = settings.oidc_scopes.split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret or None,
            scopes=" ".join(scopes),
            auto_create=Role(settings.oidc_auto_create) if settings.oidc_auto_create else None,
            redirect_uri=settings.public_base_url.rstrip("/") + CALLBACK_PATH,
        )


@dataclass
class OidcProvider:
    """The issuer's discovery document and signing keys, fetched on first use and cached
    (the keys fetched again when a token names a key they lack: key rotation)."""

    config: OidcConfig
    _metadata: dict[str, Any] | None = None
    _metadata_at: float = 0.0
    #: Least time between two reads of the keys: tokens naming unknown keys must not
    #: turn manyi into a flood of requests to the provider.
    keys_refresh_s: float = 30.0
    _keys: KeySet | None = None
    _keys_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            answer = httpx.get(url, timeout=TIMEOUT_S, follow_redirects=False)
            answer.raise_for_status()
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SsoRefused(
                f"the identity provider's {what} could not be read from {url}: {exc}",
                reason="provider_unreachable",
            ) from exc
        if not isinstance(body, dict):
            raise SsoRefused(f"the {what} at {url} is not a JSON object", reason="provider_error")
        return body

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_TTL_S:
                url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
                doc = self._get_json(url, "discovery document")
                # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked.
                if doc.get("issuer") != self.config.issuer:
                    raise SsoRefused(
                        f"the discovery document names the issuer {doc.get('issuer')!r}, "
                        f"not {self.config.issuer!r}",
                        reason="provider_error",
                    )
                missing = [
                    k
                    for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")
                    if not isinstance(doc.get(k), str)
                ]
                if missing:
                    raise SsoRefused(
                        f"the discovery document lacks {', '.join(missing)}",
                        reason="provider_error",
                    )
                self._metadata, self._metadata_at = doc, time.monotonic()
            return self._metadata

    def keys(self, *, refresh: bool = False) -> KeySet:
        jwks_uri = str(self.metadata()["jwks_uri"])
        with self._lock:
            stale = time.monotonic() - self._keys_at >= self.keys_refresh_s
            if self._keys is None or (refresh and stale):
                body = self._get_json(jwks_uri, "signing keys (JWKS)")
                self._keys_at = time.monotonic()
                try:
                    self._keys = KeySet.import_key_set(body)  # type: ignore[arg-type]
                except (JoseError, ValueError, KeyError, TypeError) as exc:
                    raise SsoRefused(
                        f"the signing keys at {jwks_uri} cannot be read: {exc}",
                        reason="provider_error",
                    ) from exc
            return self._keys

    def algorithms(self) -> list[str]:
        offered = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        allowed = [a for a in offered if a in ASYMMETRIC]
        if not allowed:
            raise SsoRefused(
                f"the provider signs ID tokens only with {offered}; manyi accepts {ASYMMETRIC}",
                reason="provider_error",
            )
        return allowed


@dataclass(frozen=True)
class Pending:
    """What the session keeps between the redirect to the provider and its return."""

    state: str
    nonce: str
    verifier: str
    next_url: str | None
    started: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "verifier": self.verifier,
            "next": self.next_url,
            "started": self.started,
        }

    @classmethod
    def from_dict(cls, data: object) -> Pending | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                str(data["state"]),
                str(data["nonce"]),
                str(data["verifier"]),
                data.get("next") if isinstance(data.get("next"), str) else None,
                float(data["started"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def begin_sign_in(provider: OidcProvider, next_url: str | None) -> tuple[str, Pending]:
    """The provider's authorization URL and what to keep in the session until it returns."""
    config = provider.config
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),  # RFC 7636: 43 to 128 characters
        next_url=next_url,
        started=time.time(),
    )
    url = prepare_grant_uri(
        str(provider.metadata()["authorization_endpoint"]),
        config.client_id,
        "code",
        redirect_uri=config.redirect_uri,
        scope=config.scopes,
        state=pending.state,
        nonce=pending.nonce,
        code_challenge=create_s256_code_challenge(pending.verifier),
        code_challenge_method="S256",
    )
    return url, pending


def _token_request(provider: OidcProvider, code: str, verifier: str) -> dict[str, Any]:
    config = provider.config
    meta = provider.metadata()
    body = prepare_token_request(
        "authorization_code", code=code, redirect_uri=config.redirect_uri, code_verifier=verifier
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if config.client_secret is None:
        body += "&client_id=" + quote_plus(config.client_id)
    elif "client_secret_basic" in methods:
        # RFC 6749, 2.3.1: both parts form-encoded before Basic's base64.
        auth = httpx.BasicAuth(quote_plus(config.client_id), quote_plus(config.client_secret))
        return _post_token(str(meta["token_endpoint"]), body, headers, auth)
    else:
        body += "&client_id=" + quote_plus(config.client_id)
        body += "&client_secret=" + quote_plus(config.client_secret)
    return _post_token(str(meta["token_endpoint"]), body, headers, None)


def _post_token(
    url: str, body: str, headers: dict[str, str], auth: httpx.BasicAuth | None
) -> dict[str, Any]:
    try:
        answer = httpx.post(url, content=body, headers=headers, auth=auth, timeout=TIMEOUT_S)
        tokens = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoRefused(
            f"the token endpoint {url} could not be reached: {exc}", reason="provider_unreachable"
        ) from exc
    if answer.status_code != 200 or not isinstance(tokens, dict) or "error" in tokens:
        error = tokens.get("error") if isinstance(tokens, dict) else None
        raise SsoRefused(
            f"the token endpoint refused the code (HTTP {answer.status_code}, {error})",
            reason="token_exchange",
        )
    if not isinstance(tokens.get("id_token"), str):
        raise SsoRefused("the token endpoint sent no ID token", reason="token_exchange")
    return tokens


def verify_id_token(provider: OidcProvider, id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims once its signature (a key of the issuer's JWKS) and its
    ``iss``, ``aud``, ``azp``, ``exp``, ``iat`` and ``nonce`` are right; else SsoRefused."""
    config = provider.config
    algorithms = provider.algorithms()
    try:
        try:
            token = jwt.decode(id_token, provider.keys(), algorithms=algorithms)
        except InvalidKeyIdError:
            # A key the cached set lacks (the provider rotated its keys): read them again.
            token = jwt.decode(id_token, provider.keys(refresh=True), algorithms=algorithms)
    except (BadSignatureError, InvalidKeyIdError):
        raise SsoRefused(
            "the ID token's signature matches none of the issuer's keys", reason="token_invalid"
        ) from None
    except (JoseError, ValueError) as exc:
        raise SsoRefused(f"the ID token cannot be read: {exc}", reason="token_invalid") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_S,
        iss={"essential": True, "value": config.issuer},
        aud={"essential": True, "value": config.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise SsoRefused("the ID token has expired", reason="token_invalid") from None
    except (InvalidClaimError, MissingClaimError) as exc:
        raise SsoRefused(
            f"the ID token is not for this sign-in: {exc.description}", reason="token_invalid"
        ) from None
    except JoseError as exc:
        raise SsoRefused(f"the ID token is not valid: {exc}", reason="token_invalid") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # OpenID Connect Core 3.1.3.7: with several audiences, azp must name this client.
    if len(audiences) > 1 and claims.get("azp") != config.client_id:
        raise SsoRefused(
            "the ID token has several audiences and another authorized party",
            reason="token_invalid",
        )
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SsoRefused(
            "the ID token's nonce is not this sign-in's (a replayed token?)",
            reason="token_invalid",
        )
    return dict(claims)


def _verified(claims: dict[str, Any]) -> bool:
    # Some providers send the flag as a string.
    return claims.get("email_verified") in (True, "true")


def _user_for_claims(db: Database, config: OidcConfig, claims: dict[str, Any]) -> User:
    subject = str(claims["sub"])
    with db.session() as s:
        row = user_by_oidc(s, config.issuer, subject)
        if row is None:
            email = str(claims.get("email") or "").strip().lower()
            if not email or not _verified(claims):
                raise SsoRefused(
                    "the identity provider did not confirm an e-mail address for this "
                    "identity (email and email_verified claims)",
                    reason="email_unverified",
                )
            row = user_by_email(s, email)
            if row is None:
                if config.auto_create is None:
                    raise SsoRefused(
                        f"no manyi user has the e-mail address {email}; an administrator "
                        "must create the user first",
                        reason="unknown_user",
                    )
                row = add_user(
                    s,
                    email=email,
                    name=str(claims.get("name") or "")[:200],
                    password_hash=unusable_password(),
                    role=config.auto_create.value,
                    department_id=None,
                )
                add_audit_entry(
                    s,
                    action="user.created",
                    subject_kind="user",
                    subject_id=row.id,
                    detail={"email": email, "role": row.role, "sign_in": "sso", "auto": True},
                    actor="single sign-on",
                )
            elif row.oidc_subject is not None:
                raise SsoRefused(
                    f"the user {email} is linked to another single sign-on identity",
                    reason="identity_taken",
                )
            if not row.is_active:
                raise SsoRefused(f"the user {row.email} is disabled", reason="disabled")
            row.oidc_issuer, row.oidc_subject = config.issuer, subject
            add_audit_entry(
                s,
                action="user.sso_linked",
                subject_kind="user",
                subject_id=row.id,
                detail={"issuer": config.issuer, "subject": subject},
                actor="single sign-on",
                actor_user_id=row.id,
            )
        if not row.is_active:
            raise SsoRefused(f"the user {row.email} is disabled", reason="disabled")
        return User.from_row(row)


def finish_sign_in(
    db: Database,
    provider: OidcProvider,
    pending: Pending | None,
    params: dict[str, str],
) -> tuple[User, str | None]:
    """The user the provider's answer ``params`` (the callback's query) signs in, and
    where to send them; SsoRefused with the reason otherwise."""
    if "error" in params:
        raise SsoRefused(
            f"the identity provider answered {params['error']}: "
            f"{params.get('error_description', '')}".rstrip(": "),
            reason="provider_error",
        )
    if (
        pending is None
        or not hmac.compare_digest(params.get("state", ""), pending.state)
        or time.time() - pending.started > PENDING_TTL_S
    ):
        raise SsoRefused(
            "the sign-in's state does not match this browser's session (expired or forged)",
            reason="state_mismatch",
        )
    code = params.get("code")
    if not code:
        raise SsoRefused("the identity provider sent no code", reason="provider_error")
    tokens = _token_request(provider, code, pending.verifier)
    claims = verify_id_token(provider, tokens["id_token"], pending.nonce)
    return _user_for_claims(db, provider.config, claims), pending.next_url
