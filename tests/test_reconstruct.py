"""`sparring reconstruct` on a small fictional reference (tests/reconstruct_samples/petshop.txt).

The sample is written in the rendered-reference layout and holds one instance of every tricky
case of the Yodify inventory (§8): stripped schema headings, multi-line descriptions, » rows,
prose enums vs enum tables, section boundaries, lossy JSON, C# samples, both type notations,
bare-array responses, a multipart body, a wrapped status row, an untitled operation and a
path clash.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml

from sparring import reconstruct
from sparring.reconstruct import ReconstructError, build_spec, dump
from sparring.reconstruct import overlay as ov
from sparring.reconstruct import schemas
from sparring.reconstruct.rendered_reference import parse

SAMPLES = Path(__file__).parent / "reconstruct_samples"
DOC = SAMPLES / "petshop.txt"
OVERLAY = SAMPLES / "petshop.overlay.yaml"
TEXT = DOC.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line equal to (or starting with) needle."""
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if line == needle or line.startswith(needle)]
    return hits[occurrence - 1]


def model(text: str = TEXT):
    doc = parse(text)
    schemas.assign_names(doc)
    schemas.check(doc)
    return doc


@pytest.fixture(scope="module")
def doc():
    return model()


@pytest.fixture(scope="module")
def spec():
    return build_spec(DOC, OVERLAY)


def op(doc, key):
    return next(o for o in doc.operations if o.key == key)


def block(doc, name):
    return next(b for b in doc.schemas if b.name == name)


# -- parsing ---------------------------------------------------------------------------------


def test_header(doc):
    assert doc.title == "Petshop API"
    assert (doc.contact, doc.license) == ("Desk", "Apache-2.0")
    assert doc.scopes == [("petshop", "Everything in the pet shop")]


def test_operations_titles_and_descriptions(doc):
    assert [o.key for o in doc.operations] == [
        "GET /api/v2/Pets",
        "POST /api/v2/Pets",
        "GET /api/v2/Pets/{id}",
        "PUT /api/v2/Pets/{id}",
        "POST /api/v2/Photos/{petId}",
        "GET /api/v2/Photos/{id}",
        "GET /api/v2/Toys",
        "GET /api/v2/Shelters",
        "DELETE /api/v2/Pets/{id}",
    ]
    titles = [o.title for o in doc.operations]
    assert titles[3] is None  # untitled in the source
    assert titles[6:] == ["List the toys", "List the shelters", "Delete a pet"]
    assert op(doc, "GET /api/v2/Pets").description.startswith("Up to 50 pets per page.")
    # trailing paragraphs after an inline table belong to the next operation, not the last row
    assert op(doc, "GET /api/v2/Shelters").description == "Shelters are read-only."
    assert op(doc, "DELETE /api/v2/Pets/{id}").description == "Gone for good."
    city = op(doc, "GET /api/v2/Shelters").inline_rows[-1]
    assert city.description == "Where the shelter is.\ncontinued on a second line."


def test_schema_names_recovered_by_code_point_order(doc):
    # code-point order puts PetTag before Pets ('T' < 's'), unlike a case-insensitive sort
    assert [b.name for b in doc.schemas] == ["Error", "Pet", "PetRequest", "PetTag", "Pets", "Photo", "Shelter", "Toy"]
    assert block(doc, "Pets").line == line_of(TEXT, "object string ¦ null false Always list.") - 1


def test_multiline_descriptions_with_blank_and_dash_lines(doc):
    pet = block(doc, "Pet")
    rows = {r.name: r for r in pet.rows}
    assert [r.name for r in pet.top_rows()] == [
        "id", "object", "name", "kind", "tags", "shelter", "born_on", "weight", "notes", "vaccinated",
    ]
    assert rows["notes"].description == "Free notes.\n- first point\n- second point\n\nA later paragraph."
    # empty first description line, then a blank line and numbered paragraphs
    assert rows["vaccinated"].description.startswith("0 - no\nNot vaccinated.\n\n1 - yes")
    assert "1 - yes\nVaccinated." in rows["vaccinated"].description
    assert pet.description == "A pet in the shop.\n\nIt may be adopted."
    # a blank line inside a » row of an inline table is a continuation
    name = op(doc, "GET /api/v2/Shelters").inline_rows[2]
    assert name.description == "The shelter's name.\n\nShown on the adoption page."


def test_nested_rows(doc, spec):
    post = op(doc, "POST /api/v2/Pets")
    assert [(r.depth, r.name) for r in post.params if r.location == "body"][4:6] == [(1, "label"), (1, "weight")]
    # » rows in operation tables only repeat the named schema: the body is a $ref
    body = spec["paths"]["/Pets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PetRequest"}
    errors = spec["components"]["schemas"]["Error"]["properties"]["errors"]
    assert errors == {
        "type": "object",
        "nullable": True,
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }


def test_enum_tables_win_over_prose_lists(spec):
    props = spec["components"]["schemas"]
    assert props["Pet"]["properties"]["kind"]["enum"] == ["Dog", "Cat", "Parrot"]
    assert props["Toy"]["properties"]["material"]["enum"] == ["Rubber", "Rope", "Plush"]
    status = next(p for p in spec["paths"]["/Pets"]["get"]["parameters"] if p["name"] == "Status")
    assert status["schema"] == {"type": "array", "items": {"type": "string", "enum": ["Available", "Reserved", "Adopted"]}}


def test_section_boundaries_enum_table_then_next_operation(doc):
    toys = op(doc, "GET /api/v2/Toys")
    assert [e.value for e in toys.inline_enums] == ["Rubber", "Rope", "Plush"]
    assert toys.inline_rows[2].description == "What it is made of:\n- rubber - squeaks\n\n- rope - for tugging"
    post = op(doc, "POST /api/v2/Pets")
    assert [e.value for e in post.param_enums] == ["Dog", "Cat", "Parrot"]
    assert post.detailed["kind"].endswith("More kinds may come.")
    assert block(doc, "Error").rows[-1].description == "The HTTP status.\n\nCodes in the 4xx range: your fault."


def test_lossy_json_rebuilt_from_indentation(doc):
    pet = block(doc, "Pet").example.value
    assert pet["shelter"] == {"id": 3, "name": "North", "city": "Oslo"}
    assert pet["tags"] == [] and pet["weight"] == 12.5 and pet["vaccinated"] is True
    assert block(doc, "Error").example.value["errors"] == {"property1": [], "property2": []}
    # bare array: objects indented by 4
    assert op(doc, "GET /api/v2/Toys").examples[200].value == [{"id": 5, "material": "Rope", "price": 4.5, "colors": []}]
    # an intact one-line JSON wins over the lossy copy
    assert op(doc, "GET /api/v2/Pets/{id}").examples[200].value["tags"] == [{"label": "calm", "weight": 1}]


def test_code_samples_are_not_examples(doc):
    post = op(doc, "POST /api/v2/Pets")
    assert post.body_example.value == {"name": "Rex", "kind": "Dog", "tags": [], "notes": "string"}
    assert post.csharp_body_type == "PetRequest"
    assert (post.content_type, post.accept) == ("application/json", "application/json")


def test_both_type_notations(spec):
    params = {p["name"]: p["schema"] for p in spec["paths"]["/Pets"]["get"]["parameters"]}
    assert params["Ids"] == {"type": "array", "items": {"type": "integer"}}
    assert params["Page"] == {"type": "integer", "format": "int32"}
    assert params["BornAfter"] == {"type": "string", "format": "date-time"}
    pet = spec["components"]["schemas"]["Pet"]["properties"]
    assert pet["id"] == {"type": "integer", "format": "int64"}
    assert pet["born_on"] == {"type": "string", "format": "date-time", "nullable": True}
    assert pet["tags"] == {"type": "array", "items": {"$ref": "#/components/schemas/PetTag"}, "nullable": True}
    assert pet["shelter"] == {"$ref": "#/components/schemas/Shelter"}
    assert spec["components"]["schemas"]["Toy"]["properties"]["colors"] == {
        "type": "array", "items": {"type": "string"}, "nullable": True,
    }


def test_bare_array_inline_responses(spec):
    for path, item in (("/Toys", "Toy"), ("/Shelters", "Shelter")):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}


def test_multipart_body(spec):
    body = spec["paths"]["/Photos/{id}"]["post"]["requestBody"]
    assert body == {
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}}}
            }
        }
    }


def test_wrapped_status_row(doc, spec):
    st = op(doc, "GET /api/v2/Pets").statuses[1]
    assert (st.status, st.schema) == (400, "Error")
    assert st.description == "The query was not understood. See the errors list in the response for details."
    assert spec["paths"]["/Pets"]["get"]["responses"]["400"]["description"] == "Bad Request"


def test_operations_ids_tags_and_params(spec):
    ops = {(m, p): o for p, item in spec["paths"].items() for m, o in item.items()}
    assert ops[("get", "/Pets/{id}")]["operationId"] == "getPetsById"
    assert ops[("post", "/Photos/{id}")]["operationId"] == "postPhotosById"
    assert ops[("post", "/Photos/{id}")]["tags"] == ["Photos"]
    put = ops[("put", "/Pets/{id}")]
    assert put["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "format": "int64"}},
        {"name": "overwrite", "in": "query", "schema": {"type": "boolean"}},
    ]
    assert list(spec["paths"]["/Pets/{id}"]) == ["get", "put", "delete"]
    assert spec["servers"] == [{"url": "/api/v2"}]
    for schema in spec["components"]["schemas"].values():
        assert "required" not in schema


def test_descriptions_dropped_unless_kept():
    plain = dump(build_spec(DOC, OVERLAY))
    for vendor_text in ("Free notes", "Up to 50 pets", "The pets.", "A pet in the shop", "Page size"):
        assert vendor_text not in plain
    # only responses keep a description (required by OpenAPI): the HTTP reason phrase
    described = re.findall(r"^( *)description: (.*)$", plain, flags=re.M)
    assert {text for _, text in described} <= {"OK", "Created", "Bad Request", "Unauthorized"}
    kept = build_spec(DOC, OVERLAY, keep_descriptions=True)
    assert kept["paths"]["/Pets"]["get"]["description"].startswith("Up to 50 pets")
    assert kept["components"]["schemas"]["Pet"]["description"] == "A pet in the shop.\n\nIt may be adopted."
    kind = next(p for p in kept["paths"]["/Pets"]["get"]["parameters"] if p["name"] == "Limit")
    assert kind["description"] == "Page size, from 1 to 50."
    assert kept["paths"]["/Pets"]["get"]["responses"]["200"]["description"] == "The pets."


def test_string_path_parameters_get_min_length():
    text = TEXT.replace("id path integer(int64) true The photo's id.", "id path string true The photo's id.")
    spec = build_spec(text, OVERLAY)
    param = spec["paths"]["/Photos/{id}"]["get"]["parameters"][0]
    assert param["schema"] == {"type": "string", "minLength": 1}


def test_valid_openapi(tmp_path):
    import prance
    from prance.util.resolver import permissive_object_on_recursion

    out = tmp_path / "petshop.yaml"
    out.write_text(dump(build_spec(DOC, OVERLAY)), encoding="utf-8")
    parser = prance.ResolvingParser(
        str(out), backend="openapi-spec-validator", recursion_limit_handler=permissive_object_on_recursion
    )
    assert parser.specification["openapi"] == "3.0.3"


# -- consistency failures: loud, with the source line -------------------------------------------


def expect_error(text: str, line: int, fragment: str, overlay=OVERLAY):
    with pytest.raises(ReconstructError) as err:
        build_spec(text, overlay)
    assert str(err.value).startswith(f"line {line}: "), str(err.value)
    assert fragment in str(err.value)
    assert err.value.line == line


def test_error_unreferenced_schema_block():
    extra = '\n\n\n  "x": 1\n\n\nName Type Required Description\nx integer (int32) false An orphan.\n'
    first_table = line_of(TEXT, "errors object ¦ null false") - 1
    expect_error(TEXT + extra, first_table, "9 schema blocks")


def test_error_example_keys_disagree_with_field_table():
    pos = TEXT.rfind('  "file_name": "rex.jpg"')
    text = TEXT[:pos] + '  "filename": "rex.jpg"' + TEXT[pos + len('  "file_name": "rex.jpg"'):]
    example_line = TEXT[:pos].count("\n") - 1  # the example starts two lines above
    expect_error(text, example_line, "example keys disagree with the field table of schema Photo")


def test_error_body_rows_disagree_with_schema():
    text = TEXT.replace("notes body string ¦ null false Free notes.\n\nDetailed", "\nDetailed", 1)
    expect_error(text, line_of(TEXT, "body body PetRequest"), "body rows of POST /api/v2/Pets disagree")


def test_error_csharp_type_disagrees_with_body_row():
    text = TEXT.replace("SerializeObject(PetRequest content)", "SerializeObject(Photo content)")
    expect_error(text, line_of(TEXT, "body body PetRequest"), "the C# sample says Photo")


def test_error_path_clash_without_rename():
    with pytest.raises(ReconstructError) as err:
        build_spec(DOC)
    get_line = line_of(TEXT, "GET /api/v2/Photos/{id}")
    post_line = line_of(TEXT, "POST /api/v2/Photos/{petId}")
    assert str(err.value).startswith(f"line {get_line}: ")
    assert f"(line {post_line})" in str(err.value)


def test_error_curl_disagrees_with_method_line():
    text = TEXT.replace("curl -X GET /api/v2/Toys", "curl -X GET /api/v2/Toy")
    expect_error(text, line_of(TEXT, "curl -X GET /api/v2/Toys"), "curl sample says")


def test_error_unknown_section_text():
    text = TEXT.replace("GET /api/v2/Shelters\n\n", "GET /api/v2/Shelters\n\nSomething odd\n", 1)
    expect_error(text, line_of(TEXT, "GET /api/v2/Shelters") + 2, "unexpected text")


def test_error_status_meaning():
    text = TEXT.replace("200 OK The toys. Inline", "200 Fine The toys. Inline")
    expect_error(text, line_of(TEXT, "200 OK The toys."), "does not give the meaning 'OK'")


# -- overlay -----------------------------------------------------------------------------------


def test_overlay_update_remove_wildcard_filter_append(spec):
    assert spec["paths"]["/Pets/{id}"]["put"]["summary"] == "Change a pet"  # update (untitled op)
    assert "notes" not in spec["components"]["schemas"]["Pet"]["properties"]  # remove
    assert "notes" not in spec["components"]["schemas"]["Pet"]["example"]
    for path in ("/Pets", "/Toys"):  # wildcard over paths + filter on parameters
        limit = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "Limit")
        assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 50)
    assert spec["tags"][-1] == {"name": "Extra"}  # update on a list appends


def test_overlay_target_matching_nothing_is_an_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"
        "x-sparring-reconstruct: {base-path: /api/v2, rename-path-parameters: "
        "[{operation: 'POST /api/v2/Photos/{petId}', from: petId, to: id}]}\n"
        "actions:\n  - target: $.paths['/Pets'].get\n    update: {summary: ok}\n"
        "  - target: $.paths['/Nope'].get\n    update: {summary: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(ReconstructError, match=r"bad\.yaml:7: target \$\.paths\['/Nope'\]\.get matches nothing"):
        build_spec(DOC, bad)


def test_overlay_rejects_non_overlay_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("actions: []\n", encoding="utf-8")
    with pytest.raises(ReconstructError, match="not an Overlay"):
        build_spec(DOC, bad)


def test_jsonpath_subset():
    doc = {"a": {"b-c": [{"n": "x", "v": 1}, {"n": "y", "v": 2}], "d": {"e": 1, "f": 2}}}
    assert ov.select(doc, "$") == [(None, None)]
    assert ov.select(doc, "$.a['b-c'][1]") == [(doc["a"]["b-c"], 1)]
    assert ov.select(doc, "$.a.b-c[-1]") == [(doc["a"]["b-c"], 1)]
    assert ov.select(doc, "$.a.d.*") == [(doc["a"]["d"], "e"), (doc["a"]["d"], "f")]
    assert ov.select(doc, "$.a['b-c'][*]") == [(doc["a"]["b-c"], 0), (doc["a"]["b-c"], 1)]
    assert ov.select(doc, "$.a['b-c'][?(@.n=='y')]") == [(doc["a"]["b-c"], 1)]
    assert ov.select(doc, '$.a["b-c"][?(@.v == 1)]') == [(doc["a"]["b-c"], 0)]
    assert ov.select(doc, "$.a.zz") == []
    with pytest.raises(ValueError):
        ov.parse_path("$..a")
    with pytest.raises(ValueError):
        ov.parse_path("a.b")


def test_overlay_apply_semantics():
    base = {"a": {"l": [1], "m": {"x": 1}}, "s": 3}
    out = ov.apply(base, {"actions": [
        {"target": "$.a", "update": {"m": {"y": 2}, "l": [9]}},
        {"target": "$.a.m", "update": {"z": 3}},
        {"target": "$.a.l", "update": 4},
        {"target": "$.a.m.x", "remove": True},
    ]})
    assert out == {"a": {"l": [9, 4], "m": {"y": 2, "z": 3}}, "s": 3}
    assert base == {"a": {"l": [1], "m": {"x": 1}}, "s": 3}  # the input is not changed
    with pytest.raises(ReconstructError, match="target the parent of a scalar"):
        ov.apply(base, {"actions": [{"target": "$.s", "update": 4}]})
    with pytest.raises(ReconstructError, match="exactly one of"):
        ov.apply(base, {"actions": [{"target": "$.a", "update": {}, "remove": True}]})
    with pytest.raises(ReconstructError, match="cannot remove the document root"):
        ov.apply(base, {"actions": [{"target": "$", "remove": True}]})


# -- determinism and output --------------------------------------------------------------------


def test_output_is_deterministic():
    first = dump(build_spec(DOC, OVERLAY))
    second = dump(build_spec(DOC.read_text(encoding="utf-8"), str(OVERLAY)))
    assert first == second
    assert not re.search(r"[&*]id\d+", first)  # no anchors or aliases
    # key order is canonical whatever order the dict was filled in
    spec = yaml.safe_load(first)
    shuffled = dict(reversed(list(spec.items())))
    shuffled["paths"] = {p: dict(reversed(list(item.items()))) for p, item in spec["paths"].items()}
    assert dump(shuffled) == first


def test_shared_subtrees_are_not_aliased():
    shared = {"type": "string"}
    text = dump({"openapi": "3.0.3", "components": {"schemas": {"A": shared, "B": shared}}})
    assert "&" not in text and "*" not in text


# -- command line ------------------------------------------------------------------------------


def cli(argv):
    parser = argparse.ArgumentParser(prog="sparring reconstruct")
    reconstruct.add_arguments(parser)
    return reconstruct.main(parser.parse_args(argv))


def test_cli_writes_spec_and_summary(tmp_path, capsys):
    out = tmp_path / "spec" / "petshop.yaml"
    code = cli(["rendered-reference", str(DOC), "-o", str(out), "--overlay", str(OVERLAY)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == dump(build_spec(DOC, OVERLAY))
    assert capsys.readouterr().out.strip() == f"wrote {out}: 9 operations, 8 schemas"


def test_cli_error_exit_code_and_message(tmp_path, capsys):
    code = cli(["rendered-reference", str(DOC), "-o", str(tmp_path / "x.yaml")])
    assert code == 2
    err = capsys.readouterr().err
    assert re.search(r"line \d+: path /api/v2/Photos/\{id\} clashes", err)
    assert not (tmp_path / "x.yaml").exists()


def test_cli_keep_descriptions_flag(tmp_path):
    out = tmp_path / "p.yaml"
    assert cli(["rendered-reference", str(DOC), "-o", str(out), "--overlay", str(OVERLAY), "--keep-descriptions"]) == 0
    assert "Free notes." in out.read_text(encoding="utf-8")


def test_sparring_cli_subcommand(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "petshop.yaml"
    argv = [sys.executable, "-m", "sparring", "reconstruct", "rendered-reference", str(DOC)]
    ok = subprocess.run(argv + ["--overlay", str(OVERLAY), "-o", str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert out.read_text(encoding="utf-8") == dump(build_spec(DOC, OVERLAY))
    bad = subprocess.run(argv + ["-o", str(tmp_path / "bad.yaml")], capture_output=True, text=True)
    assert bad.returncode == 2 and re.search(r"line \d+: path ", bad.stderr)
