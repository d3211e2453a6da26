"""The full bad-input campaign of issue 8: starts `sparring serve` on a free port and sends
``--count`` (default 10,000) seeded bad requests from ``tests/bad_input_campaign.py``, each followed
by a normal read; prints the summary. Exit code 0 only with zero 5xx, zero dropped connections,
zero bad requests accepted and no data changed.

    python bench/bad_input_campaign.py [--count 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from bad_input_campaign import run  # noqa: E402
from served import Served  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = Served("--seed", "0")
    try:
        started = time.monotonic()
        summary = run(server.port, args.count, args.seed)
        elapsed = time.monotonic() - started
    finally:
        code = server.stop()
    print(summary.text())
    print(f"{elapsed:.1f} s; server exit code {code}; server tracebacks: {server.output.count('Traceback')}")
    return 0 if summary.ok and code == 0 and "Traceback" not in server.output else 1


if __name__ == "__main__":
    sys.exit(main())
