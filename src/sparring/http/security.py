"""connexion's security handlers, bound to one partner's credential check.

connexion decides *that* a request needs credentials (from the spec's ``security``) and where they
are; :class:`sparring.engine.auth.PartnerAuth` decides whether they are valid.
"""

from __future__ import annotations

import typing as t

from connexion.exceptions import OAuthResponseProblem
from connexion.middleware.security import SecurityAPI, SecurityMiddleware, SecurityOperation
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler, OAuthSecurityHandler
from starlette.types import Receive, Scope, Send

from sparring.http.headers import first


class InvalidCredential(OAuthResponseProblem):
    """Credentials were sent, and they are not valid (unknown, forged, expired)."""


class _Direct:
    """Calls our credential function with the credential alone.

    connexion's generic check inspects the function's signature on every request to decide which
    keyword arguments to pass; ours always takes just the credential.
    """

    def _generic_check(self, func: t.Callable, exception_msg: str) -> t.Callable:
        async def check(request, credential, *args, required_scopes=None):
            info = func(credential)
            if info is None:
                raise InvalidCredential(detail=exception_msg)
            return info

        return check


BOUND_KEY = "bound-key"  # what a bound key's check hands on: {"bound-key": (parameter name, value)}


def security_map(token_info: t.Callable[[str], dict | None], bound_keys: t.Collection[str] = ()) -> dict[str, type]:
    """Security handler classes that check credentials with ``token_info``, for ``add_api(security_map=...)``.

    An apiKey parameter in ``bound_keys`` (``auth.bound-keys``: X-ACCOUNT) is no credential: any
    value passes here and is handed on, and the endpoint compares it with the caller's binding.
    """

    class OAuth(_Direct, OAuthSecurityHandler):
        credential_check = staticmethod(token_info)

        def get_tokeninfo_func(self, security_definition: dict) -> t.Callable:
            return token_info

    class Bearer(_Direct, BearerSecurityHandler):
        credential_check = staticmethod(token_info)

        def _resolve_func(self, security_scheme: dict) -> t.Callable:
            return token_info

    class ApiKey(_Direct, ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> t.Callable:
            name = security_scheme.get("name")
            if name in bound_keys:
                return lambda value: {BOUND_KEY: (name, value)}
            return token_info

    return {"oauth2": OAuth, "bearer": Bearer, "apiKey": ApiKey}


class BearerFirst(SecurityOperation):
    """connexion's credential check for one operation, with a direct path for the common case:
    the operation needs one bearer token (an oauth2 scheme without required scopes, or HTTP
    bearer) and the request sends a valid one. It is checked with the same function connexion's
    handler calls and leaves the same ``connexion_context``; anything else (no token, another
    scheme, a bad header, an invalid token) takes connexion's own path and its errors."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.bearer_check = self._bearer_check()

    def _bearer_check(self) -> t.Callable[[str], dict | None] | None:
        if not self.security or len(self.security) != 1 or len(self.security[0]) != 1:
            return None
        ((name, scopes),) = self.security[0].items()
        scheme = self.security_schemes.get(name) or {}
        if scheme.get("type") == "oauth2":
            kind = "oauth2"
        elif scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            kind = "bearer"
        else:
            return None
        if scopes:
            return None
        return getattr(self.security_handler_factory.security_handlers.get(kind), "credential_check", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check = self.bearer_check
        if check is not None:
            info = _bearer_info(scope["headers"], check)
            if info is not None:
                context = scope.setdefault("extensions", {}).setdefault("connexion_context", {})
                context.update({"user": info.get("sub", info.get("uid")), "token_info": info})
                return await self.next_app(scope, receive, send)
        await super().__call__(scope, receive, send)


def _bearer_info(headers: t.Iterable[tuple[bytes, bytes]], check: t.Callable[[str], dict | None]) -> dict | None:
    """What ``check`` finds for the request's first Authorization header, if it is ``Bearer TOKEN``."""
    value = first(headers, b"authorization")
    if value is None:
        return None
    parts = value.decode("latin-1").split(maxsplit=1)
    if len(parts) == 2 and parts[0].lower() == "bearer":
        info = check(parts[1])
        return info if isinstance(info, dict) else None
    return None


class Security(SecurityMiddleware):
    """connexion's security middleware, with :class:`BearerFirst` operations."""

    class api_cls(SecurityAPI):
        def make_operation(self, operation: t.Any) -> SecurityOperation:
            return BearerFirst.from_operation(operation, next_app=self.next_app,
                                              security_handler_factory=self.security_handler_factory)
