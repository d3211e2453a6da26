"""Yodify's fixtures: one app per test module, and a PartnerApi on freshly seeded data per test."""

from __future__ import annotations

import pytest

from kit import PartnerApi, fresh
from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["yodify"], seed=0)


@pytest.fixture
def api(app):
    with fresh(app) as client:
        yield PartnerApi(client, app, "yodify")
