"""Seed data: two tenants, deterministic per seed, Norwegian-realistic."""

from __future__ import annotations

from starlette.testclient import TestClient

from conftest import A, B, BASE, TOKENS

from sparring.app import create_app
from sparring.partners.flowretail.norway import organisation_number, phone_digits


def _customers(app, tenant, token):
    with TestClient(app) as client:
        r = client.get(f"{BASE}/tenants/{tenant}/customers", params={"pageSize": 500},
                       headers={"Authorization": f"Bearer {TOKENS[token]}"})
        assert r.status_code == 200
        return r.json()["items"]


def test_same_seed_same_data_other_seed_other_data(app):
    again = create_app(["flowretail"], seed=0)
    other = create_app(["flowretail"], seed=7)
    app.runtime.reset(0)
    first = _customers(app, A, "a-pos")
    assert _customers(again, A, "a-pos") == first
    assert _customers(other, A, "a-pos") != first


def test_norwegian_persons_and_companies(app):
    app.runtime.reset(0)
    everyone = _customers(app, A, "a-pos") + _customers(app, B, "b-pos")
    kinds = {c["customerType"] for c in everyone}
    assert kinds == {"PERSON", "COMPANY"}
    for c in everyone:
        assert c["countryCode"] == "NO" and len(c["postalCode"]) == 4 and c["postalCode"].isdigit()
        assert len(phone_digits(c["mobile"])) == 8 and phone_digits(c["mobile"])[0] in "49"
        assert c["addresses"] and c["consents"]
        if c["customerType"] == "COMPANY":
            assert organisation_number(c["vatNumber"]) and c["displayName"] == c["companyName"]
    assert any(c["contacts"] for c in everyone)
