"""x-sparring declarations are a checked contract: a mistake stops ``sparring serve`` with the spec
file, the JSON path in it and what is allowed there; the README's reference is the schema's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
import yaml

from sparring.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPARRING = [sys.executable, "-m", "sparring"]


def _spec_with(tmp_path: Path, partner: str, mistake: t.Callable[[dict], None]) -> Path:
    """A copy of the partner's spec, with one mistake, alone in a spec folder."""
    spec = yaml.safe_load((ROOT / "spec" / f"{partner}.yaml").read_text(encoding="utf-8"))
    mistake(spec)
    folder = tmp_path / "spec"
    folder.mkdir(parents=True)
    path = folder / f"{partner}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _operation(spec: dict, action: str) -> dict:
    return next(op["x-sparring"] for item in spec["paths"].values() for op in item.values()
                if isinstance(op, dict) and op.get("x-sparring", {}).get("action") == action)


def _customers(spec: dict) -> dict:
    return spec["x-sparring"]["collections"]["customers"]


def _rename(mapping: dict, old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


MISTAKES = {
    "typo in a collection key": (
        lambda s: _rename(_customers(s), "sortable", "sortabel"),
        "x-sparring.collections.customers.sortabel", ["unknown key 'sortabel'", "sortable", "default-sort"]),
    "unknown action": (
        lambda s: _operation(s, "list").update(action="lists"),
        "paths./Customer/All.get.x-sparring.action", ["unknown action 'lists'", "list", "soft-delete", "issue-token"]),
    "unknown paging style": (
        lambda s: _operation(s, "list")["paging"].update(style="value-total"),
        "paths./Customer/All.get.x-sparring.paging.style",
        ["unknown paging style 'value-total'", "value-total-count", "list-object", "laravel"]),
    "wrong type": (
        lambda s: _customers(s).update(unique="name"),
        "x-sparring.collections.customers.unique", ["expected a list", '"name"']),
    "unknown key at the top level": (
        lambda s: _rename(s["x-sparring"], "prefix", "prefx"),
        "x-sparring.prefx", ["unknown key 'prefx'", "prefix", "collections", "auth"]),
    "unknown key in an auth client": (
        lambda s: _rename(s["x-sparring"]["auth"]["clients"][1], "client_secret", "secret"),
        "x-sparring.auth.clients[1].secret", ["unknown key 'secret'", "client_secret", "permissions"]),
    "value outside an enum": (
        lambda s: _customers(s).update(generate="serial"),
        "x-sparring.collections.customers.generate", ["'serial' is not allowed", "numeric-string", "uuid"]),
}


@pytest.mark.parametrize("kind", list(MISTAKES))
def test_serve_refuses_a_bad_declaration_naming_file_path_and_what_is_allowed(tmp_path, kind):
    mistake, json_path, allowed = MISTAKES[kind]
    spec = _spec_with(tmp_path, "inventorypro", mistake)
    proc = subprocess.run([*SPARRING, "serve", "--port", "0"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SPARRING_SPEC_DIR": str(spec.parent)})
    assert proc.returncode != 0, proc.stdout
    line = next((ln for ln in proc.stderr.splitlines() if json_path in ln), None)
    assert line is not None, proc.stderr
    assert str(spec) in line
    for word in allowed:
        assert word in line, line
    assert "Uvicorn running" not in proc.stderr


def test_cross_references_are_checked_by_name(tmp_path, capsys, monkeypatch):
    """Names that must point into the same spec: a collection, a schema."""
    def mistakes(spec: dict) -> None:
        _operation(spec, "get")["collection"] = "customer"
        _customers(spec)["schema"] = "Customers"

    spec = _spec_with(tmp_path, "inventorypro", mistakes)
    monkeypatch.setenv("SPARRING_SPEC_DIR", str(spec.parent))
    assert main(["specs"]) == 2
    err = capsys.readouterr().err
    assert "paths./Customer/{id}.get.x-sparring.collection: collection 'customer' is not declared; declared: customers" in err
    assert "x-sparring.collections.customers.schema: schema 'Customers' is not declared" in err


def test_namespace_and_envelope_declarations(tmp_path, capsys, monkeypatch):
    """A namespace chosen by a header must name it; an envelope style must be registered."""
    cases = [
        ({"namespace": {"by": "header"}}, "x-sparring.namespace: 'name' is a required property"),
        ({"namespace": {"by": "tenant"}}, "x-sparring.namespace.by: 'tenant' is not allowed; allowed: partner, header"),
        ({"envelope": {"style": "no-such-style", "key": "data"}},
         "x-sparring.envelope.style: unknown envelope style 'no-such-style'; registered: "),
        ({"namespace": {"by": "header", "name": "X-Tenant"}}, None),
    ]
    for n, (declared, expected) in enumerate(cases):
        spec = _spec_with(tmp_path / str(n), "inventorypro", lambda s: s["x-sparring"].update(declared))
        monkeypatch.setenv("SPARRING_SPEC_DIR", str(spec.parent))
        assert main(["specs"]) == (2 if expected else 0)
        captured = capsys.readouterr()
        if expected:
            assert f"{spec}: {expected}" in captured.err
        else:
            assert "inventorypro" in captured.out


def test_every_shipped_spec_loads_its_declarations(capsys):
    assert main(["specs"]) == 0
    out = capsys.readouterr().out
    assert "inventorypro" in out and "yodify" in out


def test_readme_declaration_reference_is_the_schema_reference(capsys):
    assert main(["declarations"]) == 0
    generated = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^### Declaration reference\n\n(.*?)(?=^#{2,3} )", readme, re.S | re.M)
    assert found, "README has no '### Declaration reference' section"
    assert found.group(1).rstrip("\n") + "\n" == generated, (
        "README's declaration reference differs from the schema: replace the section with `sparring declarations`")


def test_schema_closes_every_declaration_and_describes_every_key():
    """Unknown keys are refused everywhere a declaration is an object (an envelope's options aside)."""
    from sparring.declarations import schema

    def walk(node: t.Any, where: str) -> t.Iterator[tuple[str, dict]]:
        if isinstance(node, dict):
            yield where, node
            for key, value in node.items():
                yield from walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{where}/{i}")

    for where, node in walk(schema()["$defs"], "$defs"):
        if "properties" in node and where.split("/")[1] != "operation-holder" and "/if" not in where:
            open_ok = where == "$defs/envelope"
            assert node.get("additionalProperties") is (True if open_ok else False), where
            for key, prop in node["properties"].items():
                text = prop.get("description", "")
                assert text and "\n" not in text, f"{where}/properties/{key} needs a one-line description"
