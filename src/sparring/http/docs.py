"""Swagger UI and the served OpenAPI documents, made usable by a person with the demo credentials.

The document a partner's ``/openapi.json`` (and Swagger UI) serves is its spec with three changes
for the reader, none to what the server does:

- an oauth2 ``tokenUrl`` points at sparring's token endpoint under the partner's prefix (the
  vendor's relative ``/api/v1/Token`` would post to a path sparring does not serve);
- a partner that hands out fixed demo bearer tokens (``x-sparring.auth.kind: oauth2-bearer``) has
  its oauth2 schemes, whose flow and token URL are placeholders, shown as HTTP bearer schemes: the
  Authorize dialog then offers one field to paste the demo token into;
- optional query parameters carry no example, so "Try it out" does not send one the user did not
  type (an example ``modifiedSince`` silently filtered the customer list).

Swagger UI is told the first demo client's id and secret (``initOAuth``), so authorizing takes
two clicks, and keeps the authorization across reloads. Docs routes answer any other method with
405 and an ``Allow`` header.

The stock middleware runs its router on every request before passing it on; here a prefix check
sends API calls straight through.
"""

from __future__ import annotations

import copy
import typing as t

from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from starlette.types import ASGIApp, Receive, Scope, Send

METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
DOCS_ALLOW = "GET, HEAD"  # every docs route (Swagger UI, its files, openapi.json/.yaml)


def _auth(spec: dict) -> dict:
    return (spec.get("x-sparring") or {}).get("auth") or {}


def served_document(spec: dict, base_path: str) -> dict:
    """The document served at ``base_path/openapi.json`` (see the module docstring)."""
    doc = copy.deepcopy(spec)
    auth = _auth(doc)
    schemes = doc.get("components", {}).get("securitySchemes", {})
    clients = auth.get("clients") or []
    tokens = [c for c in clients if c.get("token")]
    bearer_names = set()
    for name, scheme in list(schemes.items()):
        if scheme.get("type") != "oauth2":
            continue
        if auth.get("token-path"):
            for flow in (scheme.get("flows") or {}).values():
                if "tokenUrl" in flow:
                    flow["tokenUrl"] = base_path.rstrip("/") + auth["token-path"]
        elif auth.get("kind") == "oauth2-bearer" and tokens:
            first = tokens[0]
            schemes[name] = {
                "type": "http",
                "scheme": "bearer",
                "description": (
                    f"{scheme.get('description', '').strip()}\n\nIn sparring: paste a demo bearer token, "
                    f"`{first['token']}` ({first.get('description') or first['client_id']})."
                ).strip(),
            }
            bearer_names.add(name)
    if bearer_names:  # an HTTP scheme takes no scopes in a security requirement
        for requirements in _security_lists(doc):
            for requirement in requirements:
                for name in bearer_names & set(requirement):
                    requirement[name] = []
    for operation in _operations(doc):
        for index, param in enumerate(operation.get("parameters") or []):
            if param.get("in") == "query" and not param.get("required"):
                operation["parameters"][index] = _without_example(param)
    for item in (doc.get("paths") or {}).values():
        for index, param in enumerate(item.get("parameters") or []):
            if param.get("in") == "query" and not param.get("required"):
                item["parameters"][index] = _without_example(param)
    return doc


def _operations(doc: dict) -> t.Iterator[dict]:
    for item in (doc.get("paths") or {}).values():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield item[method]


def _security_lists(doc: dict) -> t.Iterator[list]:
    if isinstance(doc.get("security"), list):
        yield doc["security"]
    for operation in _operations(doc):
        if isinstance(operation.get("security"), list):
            yield operation["security"]


def _without_example(param: dict) -> dict:
    param = {k: v for k, v in param.items() if k not in ("example", "examples")}
    schema = param.get("schema")
    if isinstance(schema, dict) and ("example" in schema or "examples" in schema):
        param["schema"] = {k: v for k, v in schema.items() if k not in ("example", "examples")}
    return param


def swagger_ui_options(spec: dict) -> SwaggerUIOptions:
    """Per partner: the demo client filled into the Authorize dialog, authorization kept."""
    arguments: dict[str, t.Any] = {}
    first = next((c for c in _auth(spec).get("clients") or [] if c.get("client_secret")), None)
    if first is not None and _auth(spec).get("token-path"):
        arguments["initOAuth"] = {"clientId": first["client_id"], "clientSecret": first["client_secret"]}
    return SwaggerUIOptions(swagger_ui=True, swagger_ui_config={"persistAuthorization": True},
                            swagger_ui_template_arguments=arguments)


class PartnerDocsAPI(SwaggerUIAPI):
    """One partner's docs routes, serving :func:`served_document` (built once per base path)."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._served: dict[str, dict] = {}

    def _spec_for_prefix(self, request) -> dict:
        base_path = self._base_path_for_prefix(request)
        if base_path not in self._served:
            self._served[base_path] = served_document(self.specification.with_base_path(base_path).spec, base_path)
        return self._served[base_path]


class DocsRoutes(SwaggerUIMiddleware):
    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.doc_prefixes: tuple[str, ...] = ()

    def add_api(self, specification, base_path: str | None = None, arguments=None, **kwargs) -> None:
        api = PartnerDocsAPI(specification, base_path=base_path, arguments=arguments,
                             default=self.default_fn, **kwargs)
        self.router.mount(api.base_path, app=api.router)
        base = (base_path or "").rstrip("/")
        self.doc_prefixes += (f"{base}/ui", f"{base}/openapi.json", f"{base}/openapi.yaml")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.doc_prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
