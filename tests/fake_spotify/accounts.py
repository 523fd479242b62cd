"""The fake's accounts service: GET /authorize (the user always agrees, unless told not to)
and POST /api/token (authorization_code with PKCE S256, refresh_token)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from .state import KNOWN_SCOPES, AuthCode, FakeState
from .webapi import Answer, Request, Stop, oauth_error

AUTH_CODE_LIFETIME_S = 600.0


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def is_loopback_literal(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1")


class Accounts:
    """Mixed into FakeSpotify: the two accounts endpoints."""

    state: FakeState

    # ----- accounts ---------------------------------------------------------------------------
    def _authorize(self, request: Request) -> Answer:
        q = request.q
        if q("client_id") != self.state.client_id:
            raise Stop(Answer(400, "<html><body>INVALID_CLIENT: Invalid client</body></html>"))
        redirect_uri = q("redirect_uri") or ""
        allowed = self.state.allowed_redirect_uris
        if not is_loopback_literal(redirect_uri):
            raise Stop(
                Answer(400, "<html><body>INVALID_CLIENT: Insecure redirect URI</body></html>")
            )
        if allowed is not None and redirect_uri not in allowed:
            raise Stop(
                Answer(400, "<html><body>INVALID_CLIENT: Invalid redirect URI</body></html>")
            )
        state = q("state")

        def redirect(**params: str) -> Answer:
            if state is not None:
                params["state"] = state
            separator = "&" if "?" in redirect_uri else "?"
            return Answer(302, None, {"Location": redirect_uri + separator + urlencode(params)})

        if q("response_type") != "code":
            return redirect(error="unsupported_response_type")
        if q("code_challenge_method") != "S256" or not q("code_challenge"):
            return redirect(error="invalid_request")
        scopes = (q("scope") or "").split()
        if any(s not in KNOWN_SCOPES for s in scopes):
            return redirect(error="invalid_scope")
        if self.state.deny_authorization:
            return redirect(error="access_denied")
        code = "AC-" + secrets.token_urlsafe(32)
        with self.state.lock:
            self.state.codes[code] = AuthCode(
                self.state.client_id,
                redirect_uri,
                q("code_challenge") or "",
                " ".join(scopes),
                time.time(),
            )
        return redirect(code=code)

    def _token(self, request: Request) -> Answer:
        if request.content_type != "application/x-www-form-urlencoded" or not isinstance(
            request.body, dict
        ):
            raise oauth_error("invalid_request", "Content-Type must be form-urlencoded")
        form: dict[str, str] = request.body
        grant = form.get("grant_type")
        if form.get("client_id") != self.state.client_id:
            raise oauth_error("invalid_client", "Invalid client")
        with self.state.lock:
            if grant == "authorization_code":
                return self._token_from_code(form)
            if grant == "refresh_token":
                return self._token_from_refresh(form)
        raise oauth_error("unsupported_grant_type", "grant_type parameter is missing")

    def _token_from_code(self, form: dict[str, str]) -> Answer:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise oauth_error("invalid_request", f"{name} parameter is missing")
        grant = self.state.codes.get(form["code"])
        if grant is None or grant.used or time.time() - grant.issued_at > AUTH_CODE_LIFETIME_S:
            raise oauth_error("invalid_grant", "Invalid authorization code")
        if grant.redirect_uri != form["redirect_uri"]:
            raise oauth_error("invalid_grant", "Invalid redirect URI")
        if pkce_challenge(form["code_verifier"]) != grant.code_challenge:
            raise oauth_error("invalid_grant", "code_verifier was incorrect")
        grant.used = True
        scope = frozenset(grant.scope.split())
        access, refresh, expires_in = self.state.mint_tokens(scope)
        return Answer(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
                "scope": grant.scope,
            },
        )

    def _token_from_refresh(self, form: dict[str, str]) -> Answer:
        old = form.get("refresh_token")
        if not old:
            raise oauth_error("invalid_request", "refresh_token must be supplied")
        grant = self.state.refresh_tokens.get(old)
        if grant is None:
            raise oauth_error("invalid_grant", "Invalid refresh token")
        if grant.revoked or grant.expires_at <= time.time():
            raise oauth_error("invalid_grant", "Refresh token revoked")
        body: dict[str, Any] = {
            "access_token": self.state.mint_access(grant.scope),
            "token_type": "Bearer",
            "expires_in": self.state.expires_in(),
            "scope": " ".join(sorted(grant.scope)),
        }
        if self.state.rotate_refresh_tokens:
            _, new_refresh, _ = self.state.mint_tokens(grant.scope)
            self.state.refresh_tokens[new_refresh].expires_at = grant.expires_at
            grant.revoked = True
            body["refresh_token"] = new_refresh
        return Answer(200, body)
