"""`sparring reconstruct` on shapes the pet shop sample lacks (tests/reconstruct_samples/kennel.txt):
a nullable reference to a named schema, a nullable enum, and an inline object response whose
enum table follows it. Each shape is checked as written and as a validator reads it, since what
matters is which values a server built from the spec lets through.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from sparring.cli import main
from sparring.http.validation import to_json_schema
from sparring.reconstruct import build_spec

SAMPLE = Path(__file__).parent / "reconstruct_samples" / "kennel.txt"
KENNEL = {"$ref": "#/components/schemas/Kennel"}


@pytest.fixture(scope="module")
def spec():
    return build_spec(SAMPLE)


def accepts(spec: dict, schema: dict, value) -> bool:
    """Whether the schema, with the spec's components beside it, accepts the value."""
    document = {**to_json_schema(schema), "components": {
        "schemas": {name: to_json_schema(s) for name, s in spec["components"]["schemas"].items()}}}
    return jsonschema_rs.Draft4Validator(document).is_valid(value)


def test_a_nullable_reference_keeps_its_nullable_wrapper(spec):
    dog = spec["components"]["schemas"]["Dog"]["properties"]
    assert dog["home"] == {"allOf": [KENNEL], "nullable": True}
    assert dog["kennel"] == KENNEL  # not nullable: the bare reference
    whole = spec["components"]["schemas"]["Dog"]
    assert accepts(spec, whole, {"id": 1, "home": None, "kennel": {"id": 2, "city": None}})
    assert not accepts(spec, whole, {"id": 1, "kennel": None})
    assert not accepts(spec, whole, {"id": 1, "home": {"id": "two"}})


def test_a_nullable_enum_lists_null_among_its_values(spec):
    size = spec["components"]["schemas"]["Dog"]["properties"]["size"]
    assert size == {"type": "string", "nullable": True, "enum": ["Small", "Large", None]}
    whole = spec["components"]["schemas"]["Dog"]
    assert accepts(spec, whole, {"size": None}) and accepts(spec, whole, {"size": "Large"})
    assert not accepts(spec, whole, {"size": "Medium"})


def test_an_inline_object_response_keeps_the_values_of_its_enum_table(spec):
    response = spec["paths"]["/api/v1/Dogs/Summary"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"type": "object", "properties": {
        "state": {"type": "string", "enum": ["Open", "Full", "Closed"]},
        "dogs": {"type": "integer", "format": "int32"},
    }}
    assert accepts(spec, response, {"state": "Full", "dogs": 3})
    assert not accepts(spec, response, {"state": "Ajar", "dogs": 3})


def test_the_cli_writes_the_same_shapes(tmp_path, capsys):
    out = tmp_path / "kennel.yaml"
    assert main(["reconstruct", "rendered-reference", str(SAMPLE), "-o", str(out)]) == 0
    assert "2 operations, 2 schemas" in capsys.readouterr().out
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["components"]["schemas"]["Dog"]["properties"]["home"] == {"allOf": [KENNEL], "nullable": True}
    assert written["components"]["schemas"]["Dog"]["properties"]["size"]["enum"] == ["Small", "Large", None]
