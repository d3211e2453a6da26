"""The OpenAPI check of a spec as written: openapi-spec-validator, its meta-schema pass in Rust.

openapi-spec-validator checks a document in two passes: against the OpenAPI meta-schema (the
Python ``jsonschema`` package; four fifths of a cold start's time on Yodify's 84 operations) and
then its own semantic checks (path parameters declared, defaults matching their schemas, unique
operation ids). Here the first pass asks jsonschema-rs whether the document is valid against the
same meta-schema; only a document it finds invalid goes through ``jsonschema`` again, for the
validator's own error and path. The semantic pass is the validator's, unchanged.
"""

from __future__ import annotations

import functools
import typing as t

import jsonschema_rs
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import openapi_v30_schema_validator, openapi_v31_schema_validator
from openapi_spec_validator.shortcuts import get_validator_cls
from openapi_spec_validator.validation.validators import SpecValidator
from jsonschema_path import SchemaPath


class _MetaSchema:
    """Answers ``iter_errors`` as the Python validator would, asking it only for an invalid document."""

    def __init__(self, python: t.Any) -> None:
        self.python = python
        schema = getattr(python.schema, "__wrapped__", python.schema)  # the validator loads it lazily, behind a proxy
        self.rust = jsonschema_rs.validator_for(schema, validate_formats=False)

    def iter_errors(self, instance: t.Any) -> t.Iterator[t.Any]:
        if self.rust.is_valid(instance):
            return iter(())
        return self.python.iter_errors(instance)


@functools.cache
def _validator_class(python_cls: type[SpecValidator]) -> type[SpecValidator]:
    meta = {OpenAPIV30SpecValidator: openapi_v30_schema_validator,
            OpenAPIV31SpecValidator: openapi_v31_schema_validator}.get(python_cls)
    if meta is None:  # Swagger 2: as the validator does it
        return python_cls
    return type(python_cls.__name__, (python_cls,), {"schema_validator": _MetaSchema(meta)})


def validate(document: t.Mapping[str, t.Any]) -> None:
    """Raise the validator's first error for an invalid OpenAPI document."""
    cls = _validator_class(get_validator_cls(document))
    cls(SchemaPath.from_dict(document)).validate()
