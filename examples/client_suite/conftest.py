"""The client under test, pointed at the sparring the plugin gives each test (its namespace header set)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from inventory_client import InventoryClient  # noqa: E402


@pytest.fixture
def inventory(sparring):
    client = InventoryClient(sparring.base_url("inventorypro"), "demo-warehouse", "demo-warehouse-secret",
                             headers=sparring.headers, timeout=0.5)
    yield client
    client.close()
