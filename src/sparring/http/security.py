"""connexion's security handlers, bound to one partner's credential check.

connexion decides *that* a request needs credentials (from the spec's ``security``) and where they
are; :class:`sparring.engine.auth.PartnerAuth` decides whether they are valid.
"""

from __future__ import annotations

import typing as t

from connexion.exceptions import OAuthResponseProblem
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler, OAuthSecurityHandler


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
        def get_tokeninfo_func(self, security_definition: dict) -> t.Callable:
            return token_info

    class Bearer(_Direct, BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> t.Callable:
            return token_info

    class ApiKey(_Direct, ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict) -> t.Callable:
            name = security_scheme.get("name")
            if name in bound_keys:
                return lambda value: {BOUND_KEY: (name, value)}
            return token_info

    return {"oauth2": OAuth, "bearer": Bearer, "apiKey": ApiKey}
