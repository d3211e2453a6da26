"""Shared set-up: the test kit (tests/kit.py) and each partner's folder are importable from every test.

Partner fixtures live in each partner's folder (tests/<partner>/conftest.py); tests that span
partners build their own app. Every run of a partner's whole folder also checks that its tests
called each of the partner's operations (tests/operation_coverage.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
for folder in [HERE, *(p for p in HERE.iterdir() if p.is_dir() and (p / "conftest.py").exists())]:
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# operation coverage from the calls the tests really made (see tests/operation_coverage.py)
from operation_coverage import (  # noqa: E402,F401  (hooks pytest finds in this module)
    pytest_collection_modifyitems,
    pytest_deselected,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)
