"""A real OpenID Connect provider on localhost, for the single sign-on tests.

A tiny HTTP server in a thread serves the discovery document, its JWKS (an RSA key made
with joserfc), ``/authorize`` (which "signs in" ``identity`` at once and redirects back
with a code) and ``/token`` (which checks the client's Basic credentials, the redirect
URI and the PKCE verifier against the S256 challenge, and answers with an RS256-signed ID
token). ``tamper`` makes it misbehave in one way: sign with another key, put another
nonce, audience or issuer in the token, or send it expired.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "manyi"
CLIENT_SECRET = "s3cret-of-manyi"


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    method: str


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    identity: dict[str, Any] = field(default_factory=dict)
    tamper: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    authorize_queries: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_errors: list[str] = field(default_factory=list)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.tamper.get("iss", self.issuer),
            "sub": "subject-1",
            "aud": self.tamper.get("aud", grant.client_id),
            "iat": now,
            "exp": now + 300 + self.tamper.get("exp_offset", 0),
            "nonce": self.tamper.get("nonce", grant.nonce),
            **self.identity,
        }
        if self.tamper.get("expired"):
            claims["iat"], claims["exp"] = now - 3600, now - 600
        key = self.other_key if self.tamper.get("other_key") else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def authorize(self, query: dict[str, str]) -> str:
        self.authorize_queries.append(query)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            query["client_id"],
            query["redirect_uri"],
            query.get("nonce", ""),
            query.get("code_challenge", ""),
            query.get("code_challenge_method", ""),
        )
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {basic}":
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant.method != "S256" or challenge != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant),
        }


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            form = {
                unquote_plus(k): unquote_plus(v)
                for k, _, v in (p.partition("=") for p in raw.split("&") if p)
            }
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not found"})
                return
            status, body = provider.token(form, self.headers.get("Authorization", ""))
            self._json(status, body)

    return Handler


@contextmanager
def running_provider(**identity: Any) -> Iterator[Provider]:
    """A provider listening on a free localhost port, stopped afterwards."""
    provider = Provider(
        identity=identity
        or {"email": "agent@example.com", "email_verified": True, "name": "Agent Wang"}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
