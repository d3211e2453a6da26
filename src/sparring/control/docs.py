"""The control API's own OpenAPI document (``openapi.yaml`` beside this module) and its Swagger UI:
``/__sparring/openapi.json``, ``/__sparring/openapi.yaml``, ``/__sparring/ui/``."""

from __future__ import annotations

import functools
import json
import typing as t
from pathlib import Path

import yaml
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sparring.control.common import PREFIX

DOCUMENT = Path(__file__).with_name("openapi.yaml")

_UI = """<!doctype html><html><head><meta charset="utf-8"><title>sparring control API</title>
<link rel="stylesheet" href="assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "../openapi.json", dom_id: "#ui", deepLinking: true});</script>
</body></html>"""


@functools.lru_cache(maxsize=1)
def document() -> dict:
    with open(DOCUMENT, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _resolved(node: t.Any, root: dict) -> t.Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target: t.Any = root
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolved(target, root)
        return {k: _resolved(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolved(v, root) for v in node]
    return node


@functools.lru_cache(maxsize=None)
def _body_validator(operation: str) -> t.Any:
    import jsonschema_rs

    from sparring.http.validation import to_json_schema

    doc = document()
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation:
                schema = _resolved(op["requestBody"]["content"]["application/json"]["schema"], doc)
                return jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True)
    raise KeyError(operation)


def body_errors(operation: str, value: t.Any) -> list[str]:
    """What is wrong with a request body by the control document's own schema (the first ten)."""
    errors = []
    for error in _body_validator(operation).iter_errors(value):
        where = "/".join(str(p) for p in error.instance_path)
        errors.append(f"{where or '(body)'}: {error.message}")
        if len(errors) == 10:
            break
    return errors


def routes(control: t.Any) -> list:
    from swagger_ui_bundle import swagger_ui_path

    async def as_json(request: Request) -> Response:
        return Response(json.dumps(document()), media_type="application/json")

    async def as_yaml(request: Request) -> Response:
        return Response(DOCUMENT.read_bytes(), media_type="application/yaml")

    async def ui(request: Request) -> HTMLResponse:
        return HTMLResponse(_UI)

    return [
        Route(f"{PREFIX}/openapi.json", as_json, methods=["GET"]),
        Route(f"{PREFIX}/openapi.yaml", as_yaml, methods=["GET"]),
        Route(f"{PREFIX}/ui/", ui, methods=["GET"]),
        Mount(f"{PREFIX}/ui/assets", StaticFiles(directory=swagger_ui_path)),
    ]
