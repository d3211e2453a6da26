"""SKU.io fixtures: one app per module, freshly seeded data and clock for every test."""

from __future__ import annotations

import pytest
from .skuio_kit import Api
from starlette.testclient import TestClient

from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["skuio"], seed=0)


@pytest.fixture
def api(app):
    app.runtime.reset(0)
    app.runtime.clock.reset()
    with TestClient(app) as client:
        yield Api(client, app.runtime.served["skuio"].partner)
