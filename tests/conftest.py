"""Shared set-up: the test kit (tests/kit.py) and each partner's folder are importable from every test.

Partner fixtures live in each partner's folder (tests/<partner>/conftest.py); tests that span
partners build their own app.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
for folder in [HERE, *(p for p in HERE.iterdir() if p.is_dir() and (p / "conftest.py").exists())]:
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
