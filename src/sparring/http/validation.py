"""Request validation for connexion, compiled once per schema and reporting every field at fault.

connexion's own validators build a jsonschema validator on every request and stop at the first
error, as one line of text. These subclasses keep connexion's flow (same middleware, same
parameter parsing) but validate with jsonschema-rs validators compiled once per schema, and raise
:class:`FieldErrors` carrying ``{field: [messages]}`` so each partner can report them in its own
error shape.
"""

from __future__ import annotations

import json
import logging
import typing as t

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, ExtraParameterProblem
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.utils import is_null, is_nullable
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, ParameterValidator
from connexion.validators.form_data import FormDataValidator
from starlette.datastructures import QueryParams
from starlette.requests import Request
from python_multipart.exceptions import FormParserError
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import Scope

from sparring.http import leniency
from sparring.http.headers import first
from sparring.http.limits import BodyProblem, parse_json

Details = dict[str, list[str]]

# python-multipart logs every malformed body at WARNING; the client gets a 400 that says it.
logging.getLogger("python_multipart.multipart").setLevel(logging.ERROR)

# scope["extensions"] keys under which validation leaves what it parsed, for the engine to reuse:
PARSED_PARAMS = "sparring.params"  # (query params, path params)
PARSED_BODY = "sparring.body"  # a JSON body


class FieldErrors(BadRequestProblem):
    """A request that fails validation, with messages per field (``name``, ``items[0].sku``)."""

    def __init__(self, details: Details) -> None:
        self.details = details
        super().__init__(detail="; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in details.items()))


class MalformedBody(BadRequestProblem):
    """A body that is not parseable at all (bad JSON, bad encoding)."""


class MissingBody(BadRequestProblem):
    """An operation that requires a body got none."""


class _BodyReading:
    """connexion's ``wrap_receive``, less two faults: a chunked body (``Transfer-Encoding``, no
    ``Content-Length``) is read, not taken for an absent one, and a missing required body is a
    :class:`MissingBody` (connexion raises a bare 400)."""

    async def wrap_receive(self, receive: t.Any, *, scope: Scope) -> t.Any:
        length, chunked = None, False
        for name, value in scope["headers"]:
            if name == b"content-length" and length is None:
                length = value.decode("latin-1").strip()
            elif name == b"transfer-encoding":
                chunked = True
        length = length or ""
        streamed = chunked and not length
        if not streamed and (not length.isdigit() or not int(length)):
            body = self._schema.get("default")
            if body is None and self._required:
                raise MissingBody(detail="A request body is required.")
            receive, scope = self._insert_body(receive, body=body, scope=scope)
        messages = []

        async def stream() -> t.AsyncGenerator[bytes, None]:
            more_body = True
            while more_body:
                message = await receive()
                messages.append(message)
                more_body = message.get("more_body", False)
                yield message.get("body", b"")
            yield b""

        body = await self._parse(stream(), scope=scope)
        if not (body is None and self._nullable):
            self._validate(body)
        return self._insert_messages(receive, messages=messages), scope


# -- OpenAPI 3.0 schema -> JSON Schema ----------------------------------------------------------

_DROP = {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example", "deprecated"}

# OpenAPI's integer formats are ranges; JSON Schema does not know them, so they become bounds.
_INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def to_json_schema(schema: t.Any) -> t.Any:
    """OpenAPI 3.0 Schema Object -> draft 4 JSON Schema (``nullable`` becomes a null type)."""
    if isinstance(schema, list):
        return [to_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _DROP or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = to_json_schema(value)
        else:
            out[key] = value
    bounds = _INTEGER_RANGES.get(schema.get("format")) if schema.get("type") == "integer" else None
    if bounds:
        if out.get("minimum", bounds[0] - 1) < bounds[0]:
            out["minimum"], out["exclusiveMinimum"] = bounds[0], False
        if out.get("maximum", bounds[1] + 1) > bounds[1]:
            out["maximum"], out["exclusiveMaximum"] = bounds[1], False
    if schema.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        for combiner in ("allOf", "anyOf", "oneOf"):
            if combiner in out:
                out = {"anyOf": [{"type": "null"}, out]}
                break
    return out


_compiled: dict[tuple[int, bool], tuple[t.Any, jsonschema_rs.Draft4Validator]] = {}
# A spec repeats the same schema in many places (an id parameter, a page size, a shared body), each
# its own object once references are resolved: a Yodify fuzz run compiled 246 schema objects, 51 of them
# distinct, and compiling one costs milliseconds. Validators are shared by content.
_by_content: dict[str, jsonschema_rs.Draft4Validator] = {}


def compiled(schema: dict, closed: bool = False) -> jsonschema_rs.Draft4Validator:
    """The validator for this schema object, compiled on first use and kept for the process;
    ``closed``: object schemas refuse fields they do not name (``leniency.closed``)."""
    entry = _compiled.get((id(schema), closed))
    if entry is None or entry[0] is not schema:
        json_schema = to_json_schema(schema)
        if closed:
            json_schema = leniency.closed(json_schema)
        content = json.dumps(json_schema, sort_keys=True, default=repr)
        validator = _by_content.get(content)
        if validator is None:
            validator = _by_content[content] = jsonschema_rs.Draft4Validator(json_schema, validate_formats=True)
        entry = (schema, validator)
        _compiled[(id(schema), closed)] = entry
    return entry[1]


def _field(path: t.Sequence[t.Any], prefix: str = "") -> str:
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def collect(validator: jsonschema_rs.Draft4Validator, instance: t.Any, prefix: str = "") -> Details:
    """Every error of ``instance`` grouped by the field it concerns (a valid one costs one check)."""
    details: Details = {}
    if validator.is_valid(instance):
        return details
    for error in validator.iter_errors(instance):
        info = error.kind.as_dict()
        base = list(error.instance_path)
        if "property" in info:  # required
            details.setdefault(_field([*base, info["property"]], prefix), []).append("This field is required.")
        elif "unexpected" in info:  # additionalProperties
            for name in info["unexpected"]:
                details.setdefault(_field([*base, name], prefix), []).append("This field is not allowed.")
        else:
            details.setdefault(_field(base, prefix) or prefix or "body", []).append(error.message)
    return details


# -- connexion validators ---------------------------------------------------------------------


class BodyValidator(_BodyReading, JSONRequestBodyValidator):
    """JSON bodies: refuses bad encodings and bad JSON as 400 and reports every invalid field."""

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            if self._required:
                raise MissingBody(detail="A request body is required.")
            return None
        try:
            body = parse_json(raw, self._encoding)
            if b"\\ud" in raw.lower():  # an escaped surrogate: fine only as half of a pair
                json.dumps(body, ensure_ascii=False).encode("utf-8")
        except BodyProblem as exc:
            raise MalformedBody(detail=exc.message) from None
        except UnicodeEncodeError:
            raise MalformedBody(detail="The request body holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF).") from None
        if not self._strict_validation:
            body = leniency.drop_unknown(compiled(self._schema, closed=True), body, scope)
        scope.setdefault("extensions", {})[PARSED_BODY] = body
        return body

    def _validate(self, body: t.Any) -> None:
        if body is None and not self._nullable:
            raise FieldErrors({"body": ["A request body is required."]})
        details = collect(compiled(self._schema, closed=self._strict_validation), body)
        if details:
            raise FieldErrors(details)


class FormValidator(_BodyReading, FormDataValidator):
    """Form bodies: the same per-field report as JSON bodies."""

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        try:
            data = await super()._parse(stream, scope=scope)
        except MultiPartException as exc:  # more than MAX_FORM_FIELDS fields or files
            raise MalformedBody(detail=f"The form body could not be read: {exc}") from None
        if not self._strict_validation:
            for name in self._unknown(data):
                leniency.record(scope, "body", name, "This field is not documented; ignored.")
        return data

    def _unknown(self, data: t.Any) -> list[str]:
        if not isinstance(data, dict) or "properties" not in self._schema:
            return []
        return sorted(set(data) - set(self._schema["properties"]))

    def _validate(self, body: t.Any) -> None:
        details = {name: ["This field is not documented."] for name in self._unknown(body)} if self._strict_validation else {}
        details.update(collect(compiled(self._schema), body))
        if details:
            raise FieldErrors(details)


class MultipartValidator(FormValidator):
    """multipart/form-data bodies: a body that cannot be parsed as one (no Content-Type, no
    boundary, truncated) is a 400, not a server error."""

    @property
    def _form_parser_cls(self) -> type:
        return MultiPartParser

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        try:
            return await super()._parse(stream, scope=scope)
        except (KeyError, ValueError, AssertionError, MultiPartException, FormParserError) as exc:
            raise MalformedBody(detail="The request body is not valid multipart/form-data.") from exc


class ParamValidator(ParameterValidator):
    """Path, query and header parameters, every one checked, each with a compiled validator.

    What each request needs is worked out once: the validators, the documented query names, and
    whether the path parameters need connexion's URI parser (arrays, numbers, nullable values) or
    are the routed strings as they are."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._documented = {p["name"] for p in self.parameters.get("query", [])} | self.security_query_params
        self._checks = [(location, [(p["name"], p["name"].replace("-", "_") if location == "path" else p["name"],
                                     bool(p.get("required")), is_nullable(p), compiled(p.get("schema", p)))
                                    for p in params])
                        for location, params in self.parameters.items() if params]
        self._plain_path = all(_plain_string(p) for p in self.parameters.get("path", []))

    def validate(self, scope: Scope) -> None:
        query = self._query(scope) if scope.get("query_string") else {}
        routed = scope.get("path_params", {})
        path = dict(routed) if self._plain_path else self.uri_parser.resolve_path(routed)
        # the engine reads the parsed parameters from here instead of parsing the URL again
        scope["extensions"][PARSED_PARAMS] = (query, path)
        details: Details = {}
        if query:
            for name in sorted(set(query) - self._documented):
                if self.strict_validation:
                    details[name] = ["This query parameter is not documented."]
                else:
                    leniency.record(scope, "query", name, "This query parameter is not documented; ignored.")
        sources: dict[str, t.Any] = {"query": query, "path": path}
        for location, checks in self._checks:
            values = sources.get(location)
            if values is None:
                request = Request(scope)
                values = request.headers if location == "header" else request.cookies
            for name, key, required, nullable, validator in checks:
                value = values.get(key)
                if value is None:
                    if required:
                        details[name] = [f"The {location} parameter is required."]
                    continue
                if nullable and is_null(value):
                    continue
                for msgs in collect(validator, value, name).values():
                    details.setdefault(name, []).extend(msgs)
        if details:
            raise FieldErrors(details)

    def _query(self, scope: Scope) -> dict[str, t.Any]:
        """connexion's parse of the query string (``ConnexionRequest.query_params``), without the request."""
        args = QueryParams(scope["query_string"])
        return self.uri_parser.resolve_query({k: args.getlist(k) for k in args})


def _plain_string(param: dict) -> bool:
    """A path parameter connexion's URI parser hands on unchanged: a string, not nullable."""
    schema = param.get("schema", param)
    return schema.get("type") == "string" and not is_nullable(param) and not is_nullable(schema)


class ValidationOperation(RequestValidationOperation):
    """connexion's per-operation request validation, with its URI parser and parameter validator
    built once when the app starts instead of on every request."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        op = self._operation
        self._uri_parser = op._uri_parser_class(op.parameters, op.body_definition())
        self._parameters = self._validator_map["parameter"](
            op.parameters,
            uri_parser=self._uri_parser,
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        self._consumes_body = bool(op.consumes and op.request_body)
        self._body_validators: dict[bytes | None, t.Any] = {}  # by the Content-Type header as sent

    async def __call__(self, scope: Scope, receive: t.Any, send: t.Any) -> None:
        self._parameters.validate(scope)
        if self._consumes_body or _has_body(scope):
            content_type = first(scope["headers"], b"content-type")
            validator = self._body_validators.get(content_type)
            if validator is None:
                validator = self._body_validator(content_type, *self.extract_content_type(scope["headers"]))
            if validator is not _NO_VALIDATOR:
                receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)

    def _body_validator(self, content_type: bytes | None, mime_type: str, encoding: str) -> t.Any:
        """The body validator for a media type the operation accepts (a 415 for one it does not),
        kept for the next request with the same Content-Type (a few at most per operation)."""
        self.validate_mime_type(mime_type)
        schema = self._operation.body_schema(mime_type)
        validator_cls = self._validator_map["body"].get(mime_type) if schema else None
        validator = _NO_VALIDATOR if validator_cls is None else validator_cls(
            schema=schema,
            required=self._operation.request_body.get("required", False),
            nullable=is_nullable(self._operation.body_definition(mime_type)),
            encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=self._uri_parser,
        )
        if len(self._body_validators) < _MAX_BODY_VALIDATORS:
            self._body_validators[content_type] = validator
        return validator


_NO_VALIDATOR = object()  # a body the operation accepts but does not describe: not validated
_MAX_BODY_VALIDATORS = 16  # per operation; Content-Type values are the client's, so the cache is bounded


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


class ValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: t.Any) -> ValidationOperation:
        return ValidationOperation(self.next_app, operation=operation, strict_validation=self.strict_validation,
                                   validator_map=self.validator_map)


class RequestValidation(RequestValidationMiddleware):
    """connexion's request validation middleware, with :class:`ValidationOperation`."""

    api_cls = ValidationAPI


VALIDATORS = {
    "parameter": ParamValidator,
    "body": MediaTypeDict(
        {
            **dict(VALIDATOR_MAP["body"]),
            "*/*json": BodyValidator,
            "application/x-www-form-urlencoded": FormValidator,
            "multipart/form-data": MultipartValidator,
        }
    ),
}

__all__ = ["FieldErrors", "MalformedBody", "MissingBody", "VALIDATORS", "to_json_schema"]
