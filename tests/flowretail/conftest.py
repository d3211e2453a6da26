"""Flow Retail's fixtures: one app per test module, fresh data per test, every response checked
against the spec (the shared kit's PartnerApi)."""

from __future__ import annotations

import pytest

from flowretail_kit import FlowApi
from kit import fresh
from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["flowretail"], seed=0)


@pytest.fixture(scope="module")
def partner(app):
    return app.runtime.served["flowretail"].partner


@pytest.fixture
def api(app):
    with fresh(app) as client:
        yield FlowApi(client, app, "flowretail")
