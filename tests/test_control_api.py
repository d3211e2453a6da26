"""The control API in-process: namespaces and their caps, journal, faults, coverage, state import/export."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from inventorypro_kit import IP, token
from sparring.app import create_app

C = "/__sparring"


@pytest.fixture(scope="module")
def app():
    return create_app(["inventorypro"], seed=0, journal_capacity=50)


@pytest.fixture
def client(app):
    app.runtime.reset(0)
    app.control.journal.clear()
    app.control.faults.clear()
    app.control.coverage.clear()
    with TestClient(app) as c:
        c.auth_headers = {"Authorization": f"Bearer {token(c)}"}
        yield c


def call(client, method, path, ns=None, **kw):
    headers = {**client.auth_headers, **kw.pop("headers", {})}
    if ns:
        headers["X-Sparring-Namespace"] = ns
    return client.request(method, IP + path, headers=headers, **kw)


def new_customer(short_id: str) -> dict:
    return {"shortID": short_id, "name": f"{short_id} Ltd", "email": f"{short_id.lower()}@example.com"}


# namespaces


def test_namespaces_do_not_see_each_others_writes(client):
    assert call(client, "POST", "/Customer", "a", json=new_customer("ONLY-A")).status_code in (200, 201)
    assert call(client, "GET", "/Customer/ONLY-A", "a").status_code == 200
    assert call(client, "GET", "/Customer/ONLY-A", "b").status_code == 404
    assert call(client, "GET", "/Customer/ONLY-A").status_code == 404
    listing = client.get(f"{C}/namespaces").json()["partners"]["inventorypro"]
    assert {"a", "b", "default"} <= {n["name"] for n in listing}
    assert next(n for n in listing if n["name"] == "a")["written_collections"] == ["customers"]

    assert client.post(f"{C}/reset", json={"namespace": "a"}).status_code == 200
    assert call(client, "GET", "/Customer/ONLY-A", "a").status_code == 404


def test_drop_one_namespace_and_idle_ones(client):
    call(client, "GET", "/Customer/All", "gone")
    assert client.delete(f"{C}/namespaces/gone").json()["dropped"] == [{"partner": "inventorypro", "namespace": "gone"}]
    assert client.delete(f"{C}/namespaces/gone").status_code == 404
    call(client, "GET", "/Customer/All", "idle")
    dropped = client.post(f"{C}/namespaces/drop-idle", json={"idle_seconds": 0}).json()["dropped"]
    assert {"partner": "inventorypro", "namespace": "idle"} in dropped
    assert client.post(f"{C}/namespaces/drop-idle", json={"idle_seconds": -1}).status_code == 400


def test_caps_name_the_cap_hit_and_change_nothing():
    app = create_app(["inventorypro"], max_namespaces=2, max_records=49)
    with TestClient(app) as c:
        c.auth_headers = {"Authorization": f"Bearer {token(c)}"}
        assert call(c, "GET", "/Customer/All", "one").status_code == 200  # default (token) + one
        r = call(c, "GET", "/Customer/All", "two")
        assert r.status_code == 429 and r.headers["x-sparring-cap"] == "max-namespaces"
        assert "at most 2 namespaces" in r.json()["message"] and "--max-namespaces" in r.json()["message"]

        assert call(c, "POST", "/Customer", "one", json=new_customer("FIRST")).status_code in (200, 201)  # 48 -> 49
        r = call(c, "POST", "/Customer", "one", json=new_customer("SECOND"))
        assert r.status_code == 429 and r.headers["x-sparring-cap"] == "max-records"
        assert "at most 49 records" in r.json()["message"]
        assert call(c, "GET", "/Customer/SECOND", "one").status_code == 404
        assert call(c, "POST", "/Customer", "one", json={**new_customer("FIRST"), "name": "still fits"}).status_code == 200


# journal


def test_journal_records_each_call_and_names_it_in_a_header(client):
    ok = call(client, "GET", "/Customer/ACME-CORP", "j1")
    missing = call(client, "GET", "/Customer/NOPE", "j1")
    bad = call(client, "POST", "/Customer", "j1", json={"shortID": 5})
    entries = client.get(f"{C}/journal", params={"namespace": "j1"}).json()["entries"]
    assert [e["status"] for e in entries] == [200, 404, 400]
    assert [e["operation"] for e in entries] == ["getCustomer", "getCustomer", "upsertCustomer"]
    assert entries[0]["outcome"] == "accepted" and entries[2]["outcome"] == "refused"
    assert "shortID" in str(entries[2]["refused"])  # which part of the request broke the spec
    one = client.get(f"{C}/journal/{ok.headers['x-sparring-journal-id']}").json()
    assert one["path"] == f"{IP}/Customer/ACME-CORP" and one["namespace"] == "j1" and one["duration_ms"] >= 0
    assert int(missing.headers["x-sparring-journal-id"]) < int(bad.headers["x-sparring-journal-id"])

    assert client.get(f"{C}/journal", params={"status": 404}).json()["count"] == 1
    assert client.get(f"{C}/journal", params={"operation": "upsertCustomer", "namespace": "j1"}).json()["count"] == 1
    assert client.get(f"{C}/journal", params={"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert client.get(f"{C}/journal", params={"limit": 1}).json()["entries"][0]["id"] == entries[-1]["id"]
    assert client.get(f"{C}/journal", params={"status": "x"}).status_code == 400
    assert client.get(f"{C}/journal", params={"partner": "nobody"}).status_code == 404
    assert client.delete(f"{C}/journal", params={"namespace": "j1"}).json()["removed"] == 3


def test_journal_is_bounded_and_counts_what_it_dropped(client):
    for _ in range(60):
        call(client, "GET", "/Customer/ACME-CORP", "bulk")
    body = client.get(f"{C}/journal").json()
    assert body["held"] == 50 and body["capacity"] == 50 and body["dropped"] >= 11  # and the token call
    assert client.get(f"{C}/journal/1").status_code == 404


def test_deviations_accepted_in_lenient_mode_are_journaled_and_reported_in_a_header(app, client):
    """Request validation leaves what it let through in scope["extensions"]["sparring.deviations"]."""
    partners = app.control.fault_layer.app
    found = [{"part": "query", "name": "pageSize", "problem": "above 250"}]

    async def lenient(scope, receive, send):
        scope["extensions"]["sparring.deviations"] = found
        await partners(scope, receive, send)

    app.control.fault_layer.app = lenient
    try:
        r = call(client, "GET", "/Customer/All", "dev")
        found = [{"part": "body", "name": f"field{i}", "problem": "not in the schema"} for i in range(300)]
        many = call(client, "GET", "/Customer/All", "dev")
    finally:
        app.control.fault_layer.app = partners
    assert r.status_code == 200
    assert r.headers["x-sparring-deviations"] == '[{"part":"query","name":"pageSize","problem":"above 250"}]'
    entry = client.get(f"{C}/journal/{r.headers['x-sparring-journal-id']}").json()
    assert entry["outcome"] == "deviated" and entry["deviations"][0]["name"] == "pageSize"
    shown = json.loads(many.headers["x-sparring-deviations"])
    assert len(many.headers["x-sparring-deviations"]) <= 4096 and shown[-1]["more"] == 300 - len(shown) + 1
    assert len(client.get(f"{C}/journal/{many.headers['x-sparring-journal-id']}").json()["deviations"]) == 300
    clean = call(client, "GET", "/Customer/All", "dev")
    assert "x-sparring-deviations" not in clean.headers


# faults


def test_error_faults_answer_in_the_partners_shape_then_stop(client):
    fault = client.post(f"{C}/faults", json={"partner": "inventorypro", "operation": "getCustomer",
                                              "namespace": "f1", "status": 503, "times": 2}).json()
    assert fault["id"] >= 1 and fault["times"] == 2
    answers = [call(client, "GET", "/Customer/ACME-CORP", "f1") for _ in range(3)]
    assert [r.status_code for r in answers] == [503, 503, 200]
    assert answers[0].json()["statusCode"] == 503 and "message" in answers[0].json()  # InventoryPro's error shape
    assert call(client, "GET", "/Customer/ACME-CORP", "f2").status_code == 200  # another namespace: no fault
    entries = client.get(f"{C}/journal", params={"namespace": "f1"}).json()["entries"]
    assert [e["outcome"] for e in entries] == ["fault", "fault", "accepted"]
    assert client.get(f"{C}/faults").json()["faults"][0]["fired"] == 2


def test_rate_limit_fault_carries_retry_after(client):
    client.post(f"{C}/faults", json={"operation": "listCustomers", "status": 429, "retry_after": 7, "times": 1})
    r = call(client, "GET", "/Customer/All")
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert call(client, "GET", "/Customer/All").status_code == 200


def test_a_rate_limit_admits_n_calls_per_window_then_answers_429(client):
    client.post(f"{C}/faults", json={"namespace": "rl", "rate_limit": {"requests": 3, "seconds": 3600}})
    answers = [call(client, "GET", "/Customer/ACME-CORP", "rl") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert 3500 <= int(answers[3].headers["retry-after"]) <= 3600
    assert answers[3].json()["statusCode"] == 429
    assert call(client, "GET", "/Customer/ACME-CORP", "other").status_code == 200
    bad = client.post(f"{C}/faults", json={"rate_limit": {"requests": 3}})
    assert bad.status_code == 400 and "rate_limit" in bad.text


def test_faults_at_a_rate_are_the_same_under_the_same_seed(client):
    def pattern() -> list[int]:
        client.delete(f"{C}/faults")
        client.post(f"{C}/faults", json={"operation": "getCustomer", "status": 500, "rate": 0.5, "seed": 42})
        return [call(client, "GET", "/Customer/ACME-CORP").status_code for _ in range(20)]

    first = pattern()
    assert first == pattern()
    assert set(first) == {200, 500}


def test_a_fault_header_applies_to_its_request_only(client):
    r = call(client, "GET", "/Customer/All", headers={"X-Sparring-Fault": "status=429;retry-after=3"})
    assert r.status_code == 429 and r.headers["retry-after"] == "3"
    assert call(client, "GET", "/Customer/All", headers={"X-Sparring-Fault": "latency=5"}).status_code == 200
    bad = call(client, "GET", "/Customer/All", headers={"X-Sparring-Fault": "status=200"})
    assert bad.status_code == 400 and "status" in bad.json()["message"]
    assert call(client, "GET", "/Customer/All").status_code == 200


def test_faults_do_not_change_state(client):
    client.post(f"{C}/faults", json={"operation": "upsertCustomer", "status": 500, "times": 1})
    assert call(client, "POST", "/Customer", json=new_customer("NEVER")).status_code == 500
    assert call(client, "GET", "/Customer/NEVER").status_code == 404


def test_a_malformed_body_fault_breaks_the_real_answer(client):
    client.post(f"{C}/faults", json={"operation": "getCustomer", "body": "malformed", "times": 1})
    r = call(client, "GET", "/Customer/ACME-CORP")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


@pytest.mark.parametrize("fault, problem", [
    ({}, "at least one"),
    ({"status": 200}, "status"),
    ({"latency_ms": -1}, "latency_ms"),
    ({"body": "weird"}, "body"),
    ({"status": 500, "rate": 0}, "rate"),
    ({"status": 500, "colour": "red"}, "colour"),
])
def test_bad_faults_are_refused(client, fault, problem):
    r = client.post(f"{C}/faults", json=fault)
    assert r.status_code == 400 and problem in r.text
    assert client.get(f"{C}/faults").json()["faults"] == []


def test_faults_name_known_partners_and_operations(client):
    assert client.post(f"{C}/faults", json={"partner": "nobody", "status": 500}).status_code == 404
    assert client.post(f"{C}/faults", json={"operation": "noSuchOp", "status": 500}).status_code == 404
    added = client.post(f"{C}/faults", json={"status": 500}).json()
    assert client.delete(f"{C}/faults/{added['id']}").status_code == 204
    assert client.delete(f"{C}/faults/{added['id']}").status_code == 404


# coverage


def test_coverage_counts_operations_and_statuses(client):
    call(client, "GET", "/Customer/ACME-CORP", "cov")
    call(client, "GET", "/Customer/NOPE", "cov")
    call(client, "GET", "/Customer/All", "cov", headers={"X-Sparring-Fault": "status=503"})  # faults do not count
    report = client.get(f"{C}/coverage", params={"namespace": "cov"}).json()
    rows = {r["operation"]: r for r in report["partners"][0]["operations"]}
    assert rows["getCustomer"]["calls"] == 2 and rows["getCustomer"]["statuses"] == {"200": 1, "404": 1}
    assert rows["listCustomers"]["calls"] == 0
    assert "401" in rows["getCustomer"]["unseen"]
    assert report["operations_called"] == 1 and report["operations_total"] == 5 and report["percent"] == 20.0
    everything = client.get(f"{C}/coverage").json()
    assert everything["operations_called"] == 2  # the token call of the fixture, in the default namespace

    page = client.get(f"{C}/coverage.html", params={"namespace": "cov"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<tr class='partial'><td><code>getCustomer</code>" in page.text
    assert "<tr class='none'><td><code>listCustomers</code>" in page.text
    client.delete(f"{C}/coverage")
    assert client.get(f"{C}/coverage").json()["operations_called"] == 0


# state


def test_state_round_trips_through_export_and_import(client):
    call(client, "POST", "/Customer", "s1", json=new_customer("KEPT"))
    call(client, "DELETE", "/Customer/ACME-CORP", "s1")
    exported = client.get(f"{C}/state", params={"partner": "inventorypro", "namespace": "s1"}).json()
    assert list(exported["partners"]["inventorypro"]["namespaces"]) == ["s1"]
    client.post(f"{C}/reset", json={"namespace": "s1"})
    assert call(client, "GET", "/Customer/KEPT", "s1").status_code == 404

    assert client.put(f"{C}/state", json=exported).json() == {"imported": {"inventorypro": ["s1"]}}
    assert call(client, "GET", "/Customer/KEPT", "s1").status_code == 200
    assert call(client, "GET", "/Customer/ACME-CORP", "s1").json()["active"] is False  # discontinued
    assert call(client, "GET", "/Customer/ACME-CORP").json()["active"] is True


def test_a_bad_import_is_refused_whole(client):
    good = client.get(f"{C}/state", params={"partner": "inventorypro"}).json()  # the default namespace
    doc = {"sparring_state": 1, "partners": {"inventorypro": {"namespaces": {
        "fine": good["partners"]["inventorypro"]["namespaces"]["default"],
        "broken": {"collections": {"customers": [{"shortID": "X", "email": 12}, {"name": "no key"}]}}}}}}
    r = client.put(f"{C}/state", json=doc)
    assert r.status_code == 422
    problems = "\n".join(r.json()["errors"])
    assert "broken.collections.customers[0].email" in problems and "key field 'shortID' is missing" in problems
    names = {n["name"] for n in client.get(f"{C}/namespaces").json()["partners"]["inventorypro"]}
    assert "fine" not in names and "broken" not in names  # the valid namespace was not applied either
    unknown = {"sparring_state": 1, "partners": {"nobody": {"namespaces": {}}}}
    assert client.put(f"{C}/state", json=unknown).status_code == 422
    assert client.put(f"{C}/state", json={"partners": {}}).status_code == 400
    assert client.put(f"{C}/state", content=b"{not json").status_code == 400


def test_save_needs_a_state_file(client):
    assert client.post(f"{C}/state/save").status_code == 409


# the control API itself


def test_reset_options_are_checked(client):
    assert client.post(f"{C}/reset", json={"seed": 1, "namespace": "x"}).status_code == 409
    assert client.post(f"{C}/reset", json={"include": ["everything"]}).status_code == 400
    assert client.post(f"{C}/reset", json={"partner": "nobody"}).status_code == 404
    r = client.post(f"{C}/reset", json={"partner": "inventorypro", "include": ["journal", "faults", "coverage"]})
    assert r.json()["cleared"] == ["journal", "faults", "coverage"]


def test_the_control_api_describes_itself(client):
    doc = client.get(f"{C}/openapi.json").json()
    assert doc["info"]["title"] == "sparring control API" and "/journal" in doc["paths"]
    ui = client.get(f"{C}/ui/")
    assert ui.status_code == 200 and "SwaggerUIBundle" in ui.text
    assert client.get(f"{C}/ui/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get(f"{C}/nowhere").json()["status"] == 404
    r = client.patch(f"{C}/faults")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) >= {"GET", "POST", "DELETE"}


def test_yodify_state_round_trips_with_uploaded_files():
    """Every Yodify collection, bytes included (quote documents), exported and imported as another namespace."""
    yodify = create_app(["yodify"])
    with TestClient(yodify) as c:
        headers = {"Authorization": "Bearer yodify-demo-token", "X-Sparring-Namespace": "y1"}
        assert c.get("/yodify/api/v1/QuoteDocuments", headers=headers).status_code == 200
        exported = c.get(f"{C}/state", params={"partner": "yodify", "namespace": "y1"}).json()
        spaces = exported["partners"]["yodify"]["namespaces"]
        assert "$bytes" in json.dumps(spaces["y1"]["collections"]["quote_documents"][0])
        spaces["y2"] = spaces.pop("y1")
        assert c.put(f"{C}/state", json=exported).json() == {"imported": {"yodify": ["y2"]}}
        def records(ns: str) -> dict:
            got = c.get(f"{C}/state", params={"partner": "yodify", "namespace": ns}).json()
            return got["partners"]["yodify"]["namespaces"][ns]

        assert records("y2") == records("y1")
