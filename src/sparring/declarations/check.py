"""Checks a spec's ``x-sparring`` blocks against ``schema.json``, as the file is written.

The raw document (``$ref``s unresolved) is checked, so the JSON paths in a message are paths in
the file: ``paths./Customer/All.get.x-sparring.sortabel``. Each problem says what is allowed
where it is: the keys of that object, the values of an enum, or the expected type.
"""

from __future__ import annotations

import json
import typing as t
from functools import lru_cache
from importlib import resources

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import ValidationError, best_match

MAX_PROBLEMS = 10


class DeclarationError(ValueError):
    """Declarations that do not fit the schema or name nothing registered; one line per problem."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems  # (JSON path, what is wrong and what is allowed)
        super().__init__("\n".join(f"{source}: {path}: {what}" for path, what in problems))


@lru_cache(maxsize=1)
def schema() -> dict:
    """``schema.json`` as shipped in the package."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    """Compiled once per process."""
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


@lru_cache(maxsize=1)
def _quick() -> t.Any:
    """The same schema in jsonschema-rs: it says whether a document is valid, a tenth of the time;
    only an invalid one goes through :func:`_validator` for its errors."""
    return jsonschema_rs.validator_for(schema(), validate_formats=False)


def json_path(parts: t.Iterable[t.Any]) -> str:
    """``x-sparring.auth.clients[0].token``: keys joined by dots, list indexes in brackets."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def check_document(raw: t.Any, source: str) -> None:
    """Raise :class:`DeclarationError` listing every problem of the document's declarations."""
    if _quick().is_valid(raw):
        return
    validator = _validator()
    if validator.is_valid(raw):
        return
    problems: list[tuple[str, str]] = []
    for error in sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path]):
        problems += _explain(error)
    raise DeclarationError(source, _unique(problems)[:MAX_PROBLEMS])


def _unique(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(problems))


def _explain(error: ValidationError) -> list[tuple[str, str]]:
    """(path, message) for one schema error; a oneOf failure is explained by its closest branch."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        return _explain_alternatives(error)
    path = list(error.absolute_path)
    where = error.schema
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(where.get("properties", {}))
        extra = [k for k in error.instance if k not in where.get("properties", {})]
        return [(json_path([*path, k]), f"unknown key {k!r}; allowed here: {', '.join(allowed)}") for k in extra]
    if error.validator == "enum":
        return [(json_path(path), f"{error.instance!r} is not allowed; allowed: {', '.join(map(str, error.validator_value))}")]
    if error.validator == "const":
        return [(json_path(path), f"{error.instance!r} is not allowed; allowed: {error.validator_value!r}")]
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return [(json_path(path), f"expected {' or '.join(_TYPE_WORDS.get(w, w) for w in wanted)}, "
                                  f"got {_describe(error.instance)}")]
    if error.validator == "required":
        allowed = sorted(where.get("properties", {}))
        why = f"; keys here: {', '.join(allowed)}" if allowed else f" ({where['description']})" if "description" in where else ""
        return [(json_path(path), f"{error.message}{why}")]
    return [(json_path(path), error.message)]


def _explain_alternatives(error: ValidationError) -> list[tuple[str, str]]:
    branches = error.schema.get(error.validator, [])
    shapes = " or ".join(_shape(b) for b in branches)
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [errs for i, errs in sorted(by_branch.items()) if _fits(branches[i], error.instance)]
    candidates = min(fitting, key=len) if fitting else list(error.context)
    path, what = _explain(best_match(candidates))[0]
    return [(path, f"{what} (expected {shapes})")]


def _fits(branch: dict, instance: t.Any) -> bool:
    """Whether the branch is meant for a value of this JSON type (its errors then explain best)."""
    kind = branch.get("type")
    python = {"string": str, "object": dict, "array": list, "boolean": bool, "integer": int, "number": (int, float)}
    return kind is None or isinstance(instance, python.get(kind, object))


def _shape(branch: dict) -> str:
    if branch.get("type") == "object" and "properties" in branch:
        return "{" + ", ".join(branch["properties"]) + "}"
    return _TYPE_WORDS.get(branch.get("type"), str(branch.get("type", "a value")))


_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "null"}


def _describe(value: t.Any) -> str:
    kind = {str: "string", bool: "boolean", int: "integer", float: "number", list: "list", dict: "mapping",
            type(None): "null"}.get(type(value), type(value).__name__)
    shown = json.dumps(value, default=str)
    return f"{kind} {shown[:60]}" if value is not None else "null"
