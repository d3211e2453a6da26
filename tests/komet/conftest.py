"""Komet's fixtures: one app per test module, freshly seeded data for every test, and the kit's
HTTP helper, which sends a demo token where each method takes it (query, or header with X-ACCOUNT)."""

from __future__ import annotations

import pytest
from kit import PartnerApi

from komet_kit import CUSTOMER
from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["komet"], seed=0)


@pytest.fixture
def api(app, client):
    return PartnerApi(client, app, "komet", who=CUSTOMER)
