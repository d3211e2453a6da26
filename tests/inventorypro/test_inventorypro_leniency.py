"""Input the docs do not list is ignored and recorded by default, refused with `serve --strict`.

A client that reads a customer and posts it back sends active, created and modified; the vendor's
.NET model binding ignores what it does not know, and so does sparring (spec/inventorypro.yaml,
CustomerInput). Each ignored input is recorded in the request scope under
``sparring.deviations`` for the request journal.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from inventorypro_kit import IP, token
from kit import fresh
from sparring.app import create_app
from sparring.http.leniency import DEVIATIONS


class Recorder:
    """Wraps the app and keeps the scope of the last request, to read the deviations from."""

    def __init__(self, app) -> None:
        self.app = app
        self.runtime = app.runtime
        self.scope: dict = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.scope = scope
        await self.app(scope, receive, send)

    @property
    def deviations(self) -> list[dict]:
        return self.scope.get("extensions", {}).get(DEVIATIONS, [])


@pytest.fixture(scope="module")
def lenient():
    return Recorder(create_app(["inventorypro"], seed=0))


@pytest.fixture(scope="module")
def strict():
    return create_app(["inventorypro"], seed=0, strict=True)


def test_a_customer_read_and_posted_back_is_accepted_and_server_fields_kept(lenient):
    with fresh(lenient.app) as _, TestClient(lenient) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        read = client.get(f"{IP}/Customer/ACME-CORP", headers=auth).json()
        sent = {**read, "contact": "John Doe", "active": False, "created": "2001-01-01T00:00:00",
                "modified": "2001-01-01T00:00:00"}
        r = client.post(f"{IP}/Customer", json=sent, headers=auth)
        assert r.status_code == 200, r.text
        assert sorted(d["name"] for d in lenient.deviations) == ["active", "created", "modified"]
        assert {(d["part"], d["problem"]) for d in lenient.deviations} == {("body", "This field is not documented; ignored.")}
        after = client.get(f"{IP}/Customer/ACME-CORP", headers=auth).json()
        assert after["contact"] == "John Doe"
        assert (after["active"], after["created"]) == (True, read["created"])
        assert after["modified"] >= read["modified"]


def test_unknown_query_parameters_are_ignored_and_recorded(lenient):
    with fresh(lenient.app) as _, TestClient(lenient) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        plain = client.get(f"{IP}/Customer/All", params={"pageSize": 3}, headers=auth).json()
        r = client.get(f"{IP}/Customer/All", params={"pageSize": 3, "colour": "red"}, headers=auth)
        assert r.status_code == 200 and r.json() == plain
        assert lenient.deviations == [{"part": "query", "name": "colour",
                                       "problem": "This query parameter is not documented; ignored."}]


def test_a_request_within_the_docs_records_no_deviation(lenient):
    with TestClient(lenient) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        assert client.get(f"{IP}/Customer/All", params={"pageSize": 3}, headers=auth).status_code == 200
        assert lenient.deviations == []


@pytest.mark.parametrize("field", ["address1", "address2", "phone", "fax", "active"])
def test_every_customer_field_sorts(lenient, field):
    with TestClient(lenient) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        r = client.get(f"{IP}/Customer/All", params={"sort": field, "pageSize": 250}, headers=auth)
        assert r.status_code == 200, r.text
        values = [c[field] for c in r.json()["value"]]
        assert values == sorted(values)


@pytest.mark.parametrize("field", ["active", "created", "modified", "vip"])
def test_strict_refuses_undocumented_body_fields(strict, field):
    with fresh(strict) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        r = client.post(f"{IP}/Customer", json={"shortID": "ACME-CORP", field: False}, headers=auth)
        assert r.status_code == 400
        assert r.json()["details"] == {field: ["This field is not allowed."]}
        assert client.get(f"{IP}/Customer/ACME-CORP", headers=auth).json()["active"] is True


def test_strict_refuses_undocumented_query_and_form_fields(strict):
    with fresh(strict) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        r = client.get(f"{IP}/Customer/All", params={"colour": "red"}, headers=auth)
        assert r.status_code == 400
        assert r.json()["details"] == {"colour": ["This query parameter is not documented."]}
        r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                             "client_secret": "demo-warehouse-secret", "audience": "x"})
        assert r.status_code == 400
        assert r.json()["details"] == {"audience": ["This field is not documented."]}
