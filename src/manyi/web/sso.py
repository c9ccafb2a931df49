"""``/login/oidc`` and ``/login/oidc/callback``: single sign-on with OpenID Connect
(``MANYI_OIDC_*``, docs/admin.md). The first sends the browser to the identity provider
with a fresh state, nonce and PKCE challenge kept in the session; the second hands the
provider's answer to :func:`manyi.accounts.oidc.finish_sign_in` and signs the user in, or
shows the login page with the reason in the page language."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from manyi.accounts.oidc import (
    OidcConfig,
    OidcProvider,
    Pending,
    SsoRefused,
    begin_sign_in,
    finish_sign_in,
)
from manyi.edge.deps import DbDep
from manyi.i18n import N_, gettext
from manyi.web.routes import LangDep, _render
from manyi.web.security import safe_next

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
PENDING_KEY = "oidc_pending"

#: SsoRefused.reason → what the login page says.
REFUSALS: Mapping[str, str] = {
    "not_configured": N_("Single sign-on is not set up."),
    "provider_unreachable": N_("The sign-in service cannot be reached. Try again later."),
    "provider_error": N_("The sign-in service refused the sign-in."),
    "state_mismatch": N_("The sign-in took too long or came from another browser. Try again."),
    "token_exchange": N_("The sign-in service did not confirm the sign-in. Try again."),
    "token_invalid": N_("The sign-in could not be verified and was refused."),
    "email_unverified": N_("The sign-in service did not confirm your e-mail address."),
    "unknown_user": N_("There is no manyi account for your e-mail address. Ask an administrator."),
    "identity_taken": N_("Your manyi account is linked to another single sign-on identity."),
    "disabled": N_("Your manyi account is disabled."),
}


def _provider(request: Request) -> OidcProvider:
    """The app's provider (one per app: it caches the discovery document and keys)."""
    config = OidcConfig.from_settings(request.app.state.settings)
    provider: OidcProvider | None = getattr(request.app.state, "oidc_provider", None)
    if config is None:
        raise SsoRefused("single sign-on is not configured", reason="not_configured")
    if provider is None or provider.config != config:
        provider = OidcProvider(config)
        request.app.state.oidc_provider = provider
    return provider


def _refused(request: Request, lang: str, exc: SsoRefused) -> Response:
    log.warning("single sign-on refused (%s): %s", exc.reason, exc.message)
    status = 403 if exc.reason in ("unknown_user", "identity_taken", "disabled") else exc.status
    error = gettext(lang, REFUSALS[exc.reason])
    return _render(request, "login.html", lang, status, error=error, sso_error=exc.reason)


@router.get("/login/oidc")
def start_sso(
    request: Request,
    lang: LangDep,
    after: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> Response:
    try:
        url, pending = begin_sign_in(_provider(request), safe_next(after))
    except SsoRefused as exc:
        return _refused(request, lang, exc)
    request.session[PENDING_KEY] = pending.as_dict()
    return RedirectResponse(url, status_code=303)


@router.get("/login/oidc/callback")
def finish_sso(request: Request, db: DbDep, lang: LangDep) -> Response:
    # One try per state: a replayed or reloaded callback finds nothing to match.
    pending = Pending.from_dict(request.session.pop(PENDING_KEY, None))
    params = {k: v[:4000] for k, v in request.query_params.items()}
    try:
        user, next_url = finish_sign_in(db, _provider(request), pending, params)
    except SsoRefused as exc:
        return _refused(request, lang, exc)
    request.session.clear()  # a new session for the signed-in user (no fixation)
    request.session["user_id"] = user.id
    return RedirectResponse(safe_next(next_url) or "/", status_code=303)
