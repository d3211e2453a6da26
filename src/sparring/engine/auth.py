"""The partners' authentication: issued bearer tokens, demo clients and their permissions.

Each partner declares its scheme and demo clients under ``x-sparring.auth`` in its spec. The HTTP
adapter (``sparring.http.security``) asks :meth:`PartnerAuth.token_info` whether a credential is
valid, so a request without one never reaches an action; this module issues tokens and checks the
per-operation permission an integration user needs (403 in the vendor's error shape when it lacks it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import typing as t
from dataclasses import dataclass, field

from sparring.declarations import AuthDeclaration, ClientDeclaration
from sparring.engine.clock import Clock
from sparring.engine.context import Caller, Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.registry import ACTIONS, AUTH_KINDS


def caller_of(client: ClientDeclaration) -> Caller:
    return Caller(client.client_id, client.permissions, client.scopes, dict(client.bindings))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class AuthKind:
    """What an ``auth.kind`` means: whether sparring issues tokens (a token endpoint with
    ``action: issue-token``) or the demo clients carry fixed credentials."""

    name: str
    issues_tokens: bool
    description: str


for _kind in (
    AuthKind("oauth2-client-credentials", True, "OAuth 2.0 client credentials: POST the token path, get a signed JWT"),
    AuthKind("oauth2-bearer", False, "OAuth 2.0 bearer tokens issued elsewhere: the demo clients have fixed tokens"),
    AuthKind("bearer", False, "a fixed bearer token per demo client (personal access tokens, API tokens)"),
    AuthKind("api-key", False, "a fixed key per demo client, where the spec's apiKey scheme says (header, query)"),
    AuthKind("none", False, "no credentials"),
):
    AUTH_KINDS.register(_kind.name)(_kind)


@dataclass
class PartnerAuth:
    """Credentials and tokens of one partner. The token signing secret lives in the store's shared
    values, so a token one worker issued is valid on every other."""

    partner: str
    declaration: AuthDeclaration
    clock: Clock
    shared: t.Any = None

    def __post_init__(self) -> None:
        self.kind = AUTH_KINDS.get(self.declaration.kind)
        self.lifetime = self.declaration.token_lifetime
        self.clients = {c.client_id: c for c in self.declaration.clients}
        self._callers = {c.client_id: caller_of(c) for c in self.declaration.clients}
        self._static = {c.token: c for c in self.clients.values() if c.token}
        self._users = {u.username: u for u in self.declaration.users}
        self._verified: dict[str, tuple[ClientDeclaration, float]] = {}  # token -> (client, expiry): skip HMAC and JSON
        if self.shared is None:
            self.shared = {}
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            name = f"token-secret:{self.partner}"
            value = self.shared.get(name)
            if value is None:
                value = secrets.token_hex(32)
                self._remember(name, value)
            self._secret = bytes.fromhex(value)
        return self._secret

    def _remember(self, name: str, value: str) -> None:
        if hasattr(self.shared, "set"):
            self.shared.set(name, value)
        else:
            self.shared[name] = value

    # -- tokens -----------------------------------------------------------------------------------

    def issue(self, client: ClientDeclaration) -> dict:
        """A signed JWT for this client, valid for the partner's token lifetime."""
        now = int(self.clock.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {
            "iss": f"sparring/{self.partner}",
            "sub": client.client_id,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": secrets.token_hex(8),
        }
        if client.scopes:
            claims["scope"] = " ".join(client.scopes)
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return {"access_token": f"{header}.{payload}.{signature}", "token_type": "bearer", "expires_in": self.lifetime - 1}

    def token_info(self, token: str) -> dict | None:
        """The caller a credential belongs to (``{"sub", "scope", "caller"}``), or None: 401."""
        client = self._static.get(token)
        if client is None:
            client = self._verify_jwt(token)
        if client is None:
            return self._logged_in(token)
        return {"sub": client.client_id, "scope": list(client.scopes), "caller": self._callers[client.client_id]}

    # -- users who log in (auth.users) ------------------------------------------------------------

    def login(self, username: t.Any, password: t.Any) -> str | None:
        """An opaque key for a declared user whose password matches (None otherwise), valid from
        then on. Keys live in the store's shared values, so every worker accepts them."""
        user = self._users.get(str(username))
        if user is None or not hmac.compare_digest(user.password.encode(), str(password or "").encode()):
            return None
        key = secrets.token_hex(13)  # 26 lowercase letters and digits
        self._remember(f"login-key:{self.partner}:{key}", user.username)
        return key

    def _logged_in(self, key: str) -> dict | None:
        if not self._users or not isinstance(key, str):
            return None
        user = self._users.get(self.shared.get(f"login-key:{self.partner}:{key}") or "")
        if user is None:
            return None
        return {"sub": user.username, "scope": [], "caller": Caller(user.username, user.permissions, (), dict(user.bindings))}

    # -- apiKey parameters that name a binding (auth.bound-keys) ----------------------------------

    def check_bound_keys(self, caller: Caller | None, presented: t.Mapping[str, t.Any]) -> None:
        """403 when a bound key (X-ACCOUNT) names another value than the caller's binding."""
        if caller is None:
            return
        for name, value in presented.items():
            binding = self.declaration.bound_keys.get(name)
            bound = caller.bindings.get(binding) if binding else None
            if bound is not None and str(value).strip() != str(bound):
                raise ApiError(403, f"{name} {value} is not the one this credential belongs to.", "forbidden")

    def _verify_jwt(self, token: str) -> ClientDeclaration | None:
        known = self._verified.get(token)
        if known is not None:
            return known[0] if known[1] > self.clock.time() else None
        try:
            header, payload, signature = token.split(".")
            expected = hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(_unb64(signature), expected):
                return None
            claims = json.loads(_unb64(payload))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), (int, float)):
            return None
        client = self.clients.get(claims.get("sub"))
        if client is None or claims["exp"] <= self.clock.time():
            return None
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = (client, claims["exp"])
        return client

    def authenticate_client(self, client_id: str | None, client_secret: str | None) -> ClientDeclaration | None:
        client = self.clients.get(client_id or "")
        if client is None or not hmac.compare_digest(client.client_secret.encode(), (client_secret or "").encode()):
            return None
        return client

    # -- permissions ------------------------------------------------------------------------------

    @staticmethod
    def require(caller: Caller | None, permissions: t.Sequence[str]) -> None:
        """403 naming the first permission (scope, role) the caller lacks; styles that document it
        also carry it as ``required_scope``."""
        if caller is None:
            return
        for permission in permissions:
            if permission in caller.permissions:
                continue
            raise ApiError(403, f"This integration user lacks permission {permission}.", "forbidden",
                           extra={"required_scope": permission})


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic`` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


@ACTIONS.register("issue-token")
class IssueToken:
    """``x-sparring: {action: issue-token}``: the OAuth 2.0 client-credentials token endpoint.

    Credentials come as form fields or HTTP Basic; the answer is the partner's token body.
    """

    def __init__(self, operation, env) -> None:
        self.operation = operation
        self.env = env

    def __call__(self, call: Call) -> Result:
        form = call.body if isinstance(call.body, dict) else {}
        if form.get("grant_type") != "client_credentials":
            raise ApiError.validation({"grant_type": ["Only client_credentials is supported."]})
        basic = basic_credentials(call.headers.get("authorization"))
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        client = self.env.auth.authenticate_client(client_id, secret)
        if client is None:
            # RFC 6749 5.2: a failed client authentication names the scheme the client may use
            raise ApiError(401, "The client id or secret is not valid.", "unauthorized",
                           headers={"WWW-Authenticate": 'Basic realm="token"'})
        return Result(200, self.env.auth.issue(client), {"Cache-Control": "no-store"})
