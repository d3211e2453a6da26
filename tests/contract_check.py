"""Checks a response against the partner's spec: documented status, media type and body schema."""

from __future__ import annotations

import re

import jsonschema_rs

from sparring.catalog import Partner
from sparring.validation import to_json_schema


def operation_for(partner: Partner, method: str, url_path: str):
    path = url_path[len(partner.prefix):].split("?")[0]
    # concrete paths before templated ones, as the router does (/customers/archive is not /customers/{id})
    for op in sorted(partner.operations.values(), key=lambda o: o.path.count("{")):
        if op.method != method.lower():
            continue
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(op.path)) + "$"
        if re.match(pattern, path):
            return op
    raise AssertionError(f"no operation for {method} {path}")


def assert_conforms(partner: Partner, response) -> str:
    """Raise AssertionError unless the response is what the spec documents; returns the operationId."""
    request = response.request
    op = operation_for(partner, request.method, request.url.path)
    status = str(response.status_code)
    documented = op.spec["responses"]
    assert status in documented, f"{op.id}: status {status} is not documented ({sorted(documented)})"
    content = documented[status].get("content")
    if not content:
        assert not response.content, f"{op.id}: {status} documents no body but got {response.content[:80]!r}"
        return op.id
    media = response.headers["content-type"].split(";")[0]
    assert media in content, f"{op.id}: {status} media type {media} not in {sorted(content)}"
    schema = content[media].get("schema")
    if schema:
        validator = jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True)
        errors = [e.message for e in validator.iter_errors(response.json())]
        assert not errors, f"{op.id} {status}: {errors}"
    for name, header in documented[status].get("headers", {}).items():
        assert name.lower() in response.headers, f"{op.id}: header {name} missing"
    return op.id
