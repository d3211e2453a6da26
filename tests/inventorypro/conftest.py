"""InventoryPro's fixtures: one app per test module, reset to freshly seeded data before every test."""

from __future__ import annotations

import pytest

from inventorypro_kit import CLIENTS, IP, token  # noqa: F401  (re-exported for the tests)
from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["inventorypro"], seed=0)


@pytest.fixture
def auth(client):
    return {"Authorization": f"Bearer {token(client)}"}


@pytest.fixture
def readonly(client):
    return {"Authorization": f"Bearer {token(client, 'readonly')}"}
