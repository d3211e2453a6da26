"""Credentials for a fuzz run, read from the partner's spec and the command line.

What a partner accepts comes from its ``components.securitySchemes`` and ``x-sparring.auth``:

- ``oauth2`` (client credentials), ``openIdConnect`` and ``http: bearer`` take a bearer token:
  ``--token``, or ``--client-id/--client-secret`` exchanged for one at the partner's token path
  (``x-sparring.auth.token-path``, else the flow's ``tokenUrl``) before the run;
- ``apiKey`` schemes (a header, query or cookie token) take ``--api-key NAME=VALUE``, NAME being
  the scheme or its parameter name (``X-ACCOUNT``, ``authenticationToken``);
- ``http: basic`` takes ``--basic USER:PASSWORD``.

Without any of these the partner's first demo client is used, which is what sparring itself
accepts. The values handed to schemathesis are ``[auth.openapi]`` scheme configs, so its auth
checks (``ignored_auth``) know which credentials to take away.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sparring.declarations import AuthDeclaration

BEARER_TYPES = ("oauth2", "openIdConnect")


class AuthError(Exception):
    """Credentials that cannot be used: a bad option, or a token exchange that failed."""


@dataclass
class AuthOptions:
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    basic: str | None = None
    api_keys: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    no_auth: bool = False

    @property
    def given(self) -> bool:
        return bool(self.token or self.client_id or self.client_secret or self.basic or self.api_keys)


@dataclass
class Credentials:
    """What the run sends, and how a report shows it without leaking it."""

    schemes: dict[str, dict[str, str]] = field(default_factory=dict)  # schemathesis [auth.openapi]
    headers: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # secret value -> shell variable in curl lines
    setup: list[str] = field(default_factory=list)  # shell lines that set those variables
    description: str = "none"


Exchange = t.Callable[[str, dict[str, str]], tuple[int, t.Any]]  # (path, form) -> (status, json body)


def security_schemes(spec: dict) -> dict[str, dict]:
    return dict(spec.get("components", {}).get("securitySchemes", {}))


def _is_bearer(scheme: dict) -> bool:
    return scheme.get("type") in BEARER_TYPES or (
        scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer")


def _is_basic(scheme: dict) -> bool:
    return scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic"


def token_path(spec: dict, auth: AuthDeclaration) -> str | None:
    """Where client credentials are exchanged: a path below the partner's base URL
    (``x-sparring.auth.token-path``, or an oauth2 ``tokenUrl`` under the spec's server path), else
    the ``tokenUrl`` itself: a URL, or a path from the host (starting with ``//`` here)."""
    if auth.token_path:
        return auth.token_path
    # a relative tokenUrl names sparring's own endpoint; a partner whose auth kind issues no
    # tokens (fixed demo bearer tokens) keeps one only because OpenAPI requires it
    relative_ok = auth.kind in ("none", "oauth2-client-credentials")
    for scheme in security_schemes(spec).values():
        url = (scheme.get("flows", {}).get("clientCredentials") or {}).get("tokenUrl")
        if url:
            if "://" in url:
                return url
            if not relative_ok:
                continue
            server = urlsplit((spec.get("servers") or [{}])[0].get("url", "")).path.rstrip("/")
            return url[len(server):] if server and url.startswith(server + "/") else "/" + url if url.startswith("/") else url
    return None


def token_location(path: str, base_url: str) -> str:
    """``token_path`` as a URL, given the partner's base URL."""
    if "://" in path:
        return path
    if path.startswith("//"):
        parts = urlsplit(base_url)
        return f"{parts.scheme}://{parts.netloc}{path[1:]}"
    return base_url.rstrip("/") + path


def describe_options(spec: dict, auth: AuthDeclaration) -> str:
    """One line per scheme: which options it takes (for ``--help``-like messages)."""
    lines = []
    for name, scheme in security_schemes(spec).items():
        if _is_bearer(scheme):
            how = "--token TOKEN"
            path = token_path(spec, auth)
            if scheme.get("type") == "oauth2" and path:
                where = f"{path[1:]} on the host" if path.startswith("//") else path
                how += f" | --client-id ID --client-secret SECRET (exchanged at POST {where})"
        elif _is_basic(scheme):
            how = "--basic USER:PASSWORD"
        elif scheme.get("type") == "apiKey":
            how = f"--api-key {scheme.get('name', name)}=VALUE  ({scheme.get('in')})"
        else:
            how = "(not supported: use --header)"
        lines.append(f"{name} ({scheme.get('type')}): {how}")
    return "\n".join(lines) or "no securitySchemes: nothing to pass"


def resolve(spec: dict, auth: AuthDeclaration, options: AuthOptions, exchange: Exchange, base_url: str,
            shown_base_url: str) -> Credentials:
    """The credentials for the run; ``exchange`` posts a form to a URL of the target.

    ``shown_base_url`` is the base URL reproduction commands use (sparring serve's, in-process).
    """
    creds = Credentials()
    for raw in options.headers:
        name, sep, value = raw.partition(":")
        if not sep or not name.strip():
            raise AuthError(f"--header wants NAME:VALUE, got {raw!r}")
        creds.headers[name.strip()] = value.strip()
    schemes = security_schemes(spec)
    if options.no_auth or not schemes:
        creds.description = "none" if options.no_auth else "none (the spec declares no securitySchemes)"
        return creds

    carried = {"authorization"} | {str(s.get("name", "")).lower() for s in schemes.values()
                                   if s.get("type") == "apiKey" and s.get("in") == "header"}
    by_header = {name: value for name, value in creds.headers.items() if name.lower() in carried}
    if by_header and not options.given:
        for name, value in by_header.items():  # credentials the user sends verbatim
            variable = "$" + "".join(c if c.isalnum() else "_" for c in name).upper()
            creds.secrets[value] = variable
            creds.setup.append(f"{variable[1:]}='<the value passed with --header {name}>'")
        creds.description = "credentials from --header " + ", ".join(by_header)
        return creds

    token, api_keys, basic = options.token, _parse_api_keys(options.api_keys, schemes), options.basic
    client_id, client_secret = options.client_id, options.client_secret
    demo = None
    if not options.given:
        demo = auth.demo_client
        if demo is None:
            raise AuthError("no credentials given and the spec declares no demo client; see --help for the options")
        client_id, client_secret = demo.client_id, demo.client_secret or None
        token = demo.token
        api_keys = _parse_api_keys([f"{k}={v}" for k, v in demo.credentials.items()], schemes)
        if token and client_secret is None:
            client_id = None
    if bool(client_id) != bool(client_secret) and not token:
        raise AuthError("--client-id and --client-secret go together")

    if client_id and client_secret and not token:
        path = token_path(spec, auth)
        if path is None:
            raise AuthError("this partner has no token endpoint (x-sparring.auth.token-path or an oauth2 tokenUrl); "
                            "pass --token instead")
        status, body = exchange(token_location(path, base_url), {"grant_type": "client_credentials", "client_id": client_id,
                                       "client_secret": client_secret})
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthError(f"token exchange at POST {path.removeprefix('/') if path.startswith('//') else path} for client {client_id!r} failed: HTTP {status} {body!r}"[:400])
        token = body["access_token"]
        secret_shown = client_secret if demo is not None else "$CLIENT_SECRET"
        creds.setup.append(
            f"TOKEN=$(curl -s -X POST {token_location(path, shown_base_url)} -d grant_type=client_credentials "
            f"-d client_id={client_id} -d client_secret={secret_shown} "
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')")
        creds.description = (f"{'demo ' if demo is not None else ''}client {client_id}, "
                             f"bearer token from POST {path.removeprefix('/') if path.startswith('//') else path}")
    elif token:
        creds.setup.append("TOKEN='<the token passed with --token>'" if demo is None else f"TOKEN='{token}'")
        creds.description = "demo token" if demo is not None else "bearer token from --token"

    used = []
    for name, scheme in schemes.items():
        if _is_bearer(scheme) and token:
            creds.schemes[name] = {"bearer": token}
            creds.secrets[token] = "$TOKEN"
            used.append(name)
        elif _is_basic(scheme) and basic:
            user, sep, password = basic.partition(":")
            if not sep:
                raise AuthError("--basic wants USER:PASSWORD")
            creds.schemes[name] = {"username": user, "password": password}
            used.append(name)
        elif scheme.get("type") == "apiKey":
            value = api_keys.get(name)
            keys = [s for s in schemes.values() if s.get("type") == "apiKey"]
            if value is None and token and len(keys) == 1 and not any(_is_bearer(s) for s in schemes.values()):
                value = token  # --token for a partner whose only scheme is one key
            if value is not None:
                creds.schemes[name] = {"api_key": value}
                variable = "$" + "".join(c if c.isalnum() else "_" for c in scheme.get("name", name)).upper()
                creds.secrets[value] = variable
                if not (token and value == token):
                    creds.setup.append(f"{variable[1:]}='<the value passed with --api-key {scheme.get('name', name)}>'"
                                       if demo is None else f"{variable[1:]}='{value}'")
                used.append(name)
    if not used:
        raise AuthError("none of the credentials given fits this partner's security schemes:\n"
                        + describe_options(spec, auth))
    if creds.description == "none":
        creds.description = ", ".join(used)
    return creds


def _parse_api_keys(values: list[str], schemes: dict[str, dict]) -> dict[str, str]:
    """``NAME=VALUE`` pairs keyed by scheme name; NAME may be the scheme or its parameter name."""
    keyed = {name: s for name, s in schemes.items() if s.get("type") == "apiKey"}
    out: dict[str, str] = {}
    for raw in values:
        name, sep, value = raw.partition("=")
        if not sep:
            if len(keyed) != 1:
                raise AuthError(f"--api-key {raw!r}: say which key, NAME=VALUE (one of: {', '.join(keyed) or 'none'})")
            name, value = next(iter(keyed)), raw
        match = [s for s, d in keyed.items() if name in (s, d.get("name"))]
        if not match:
            known = ", ".join(f"{s} ({d.get('name')})" for s, d in keyed.items()) or "none"
            raise AuthError(f"--api-key {name}: no apiKey scheme has this name; known: {known}")
        out[match[0]] = value
    return out
