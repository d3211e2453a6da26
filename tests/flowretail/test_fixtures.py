"""Seed data: two tenants, deterministic per seed, Norwegian-realistic."""

from __future__ import annotations

from flowretail_kit import A, B, FlowApi
from kit import fresh

from sparring.app import create_app
from sparring.partners.flowretail.norway import organisation_number, phone_digits


def _customers(app, tenant, role):
    with fresh(app, app.runtime.seed) as client:
        return FlowApi(client, app, "flowretail").as_(role).customers(tenant)


def test_same_seed_same_data_other_seed_other_data(app):
    again = create_app(["flowretail"], seed=0)
    other = create_app(["flowretail"], seed=7)
    first = _customers(app, A, "a-pos")
    assert _customers(again, A, "a-pos") == first
    assert _customers(other, A, "a-pos") != first


def test_norwegian_persons_and_companies(app):
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
