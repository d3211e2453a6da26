"""The committed spec/yodify.yaml is exactly what the seed plus the overlay generate, and is sound.

The seed lives beside the clone (../shared/seeds/); CI checks it out there, so these tests
run in CI. They skip only when that file truly is not present (a bare clone elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sparring.reconstruct import build_spec, dump
from sparring.reconstruct import schemas
from sparring.reconstruct.rendered_reference import parse

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "003_433657943a89d30e.txt"
OVERLAY = REPO / "spec" / "overlays" / "yodify.overlay.yaml"
COMMITTED = REPO / "spec" / "yodify.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def need_seed() -> None:
    if not SEED.is_file():
        pytest.skip(f"seed not present at {SEED}")


@pytest.fixture(scope="module")
def generated() -> str:
    need_seed()
    return dump(build_spec(SEED, OVERLAY))


@pytest.fixture(scope="module")
def spec() -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(COMMITTED.read_text(encoding="utf-8"), Loader=loader)


def operations(spec):
    return [(p, m, op) for p, item in spec["paths"].items() for m, op in item.items() if m in METHODS]


def test_committed_spec_is_regenerated_exactly(generated):
    assert generated == COMMITTED.read_text(encoding="utf-8"), (
        "spec/yodify.yaml is stale: run `sparring reconstruct rendered-reference "
        "../shared/seeds/003_433657943a89d30e.txt --overlay spec/overlays/yodify.overlay.yaml -o spec/yodify.yaml`"
    )


def test_seed_counts_match_the_inventory():
    need_seed()
    doc = parse(SEED.read_text(encoding="utf-8"))
    schemas.assign_names(doc)
    schemas.check(doc)
    assert len(doc.operations) == 84
    assert len(doc.schemas) == 74
    assert sum(len(b.top_rows()) for b in doc.schemas) == 767
    assert sum(len(b.rows) for b in doc.schemas) == 768  # + errors » additionalProperties
    assert sum(len(o.statuses) for o in doc.operations) == 422
    assert [o.line for o in doc.operations if o.title is None] == [15669]


def test_committed_spec_shape(spec):
    ops = operations(spec)
    assert len(ops) == 84
    assert len(spec["paths"]) == 46  # 48 templates, two pairs merged
    # 74 recovered, Stream replaced by a binary part, five named bare arrays
    assert len(spec["components"]["schemas"]) == 74 - 1 + 5
    ids = [op["operationId"] for _, _, op in ops]
    assert len(set(ids)) == len(ids)
    for path, method, op in ops:
        assert op.get("summary"), (path, method)
        responses = op["responses"]
        assert {"400", "401"} <= set(responses), (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)
        for param in op.get("parameters", []):
            if param["in"] == "path":
                assert param["required"] is True
                if param["schema"].get("type") == "string":
                    assert param["schema"]["minLength"] == 1
    required = {name: schema["required"] for name, schema in spec["components"]["schemas"].items() if "required" in schema}
    assert required == {"SkuAdjustInventoryOptions": ["inventory_adjustment"]}  # the source marks none; the overlay one
    for name, schema in spec["components"]["schemas"].items():
        assert "description" not in schema, name  # no vendor prose in the committed spec


def test_committed_spec_is_valid_openapi():
    import prance
    from prance.util.resolver import keep_ref_on_recursion

    parser = prance.ResolvingParser(
        str(COMMITTED), backend="openapi-spec-validator", recursion_limit_handler=keep_ref_on_recursion
    )
    assert parser.specification["openapi"] == "3.0.3"


def test_component_examples_match_their_schemas(spec):
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource("urn:spec", Resource(contents=spec, specification=DRAFT4))
    problems = []
    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema:
            validator = OAS30Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)
            problems += [f"{name}.{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(schema["example"])]
    assert problems == []
