"""SKU.io's fixtures: one app for every SKU.io test, freshly seeded data and clock for every test."""

from __future__ import annotations

import pytest

from kit import fresh
from skuio_kit import Api
from sparring.app import create_app


@pytest.fixture(scope="session")
def app():
    return create_app(["skuio"], seed=0)


@pytest.fixture
def api(app):
    with fresh(app) as client:
        yield Api(client, app)
