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
    pytest_collection_modifyitems as coverage_collection_modifyitems,
    pytest_deselected,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)

# -- the Redis backend (tests/redis_server.py) ---------------------------------------------------

import os  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a real Redis server started for this session (skipped, saying why, if none can be had)."""
    from redis_server import RedisServer, redis_server_binary

    binary, why = redis_server_binary()
    if binary is None:
        if os.environ.get("SPARRING_TEST_STORE") == "redis":
            pytest.fail(f"SPARRING_TEST_STORE=redis but {why}")
        pytest.skip(why)
    server = RedisServer(binary)
    yield server.url
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _store_backend(request):
    """``SPARRING_TEST_STORE=redis``: every app the tests create keeps its state in Redis."""
    if os.environ.get("SPARRING_TEST_STORE") != "redis":
        yield
        return
    url = request.getfixturevalue("redis_url")
    os.environ["SPARRING_STORE"] = url
    yield
    os.environ.pop("SPARRING_STORE", None)


# What the Redis pass (SPARRING_TEST_STORE=redis) leaves out, and why: everything else runs on both
# stores, including the `sparring serve` processes the tests start (tests/redis_server.py,
# serve_store_args).
NOT_ON_REDIS = {
    # no app, no store: spec reconstruction and the declarations' schema and error messages
    "test_reconstruct.py", "test_yodify_reconstruct.py", "test_declarations.py",
    # already against Redis in the first pass (its own prefixes and `serve --workers` processes)
    "test_redis_store.py",
    # `specs` and `credentials` read no store; its one `serve` checks the default store's start and stop
    "test_cli.py",
    # a browser driving the Swagger UI pages, whose serving does not depend on the store
    "test_swagger_ui_browser.py",
    # fuzz --jobs keeps each job's data in memory and refuses a shared store (a test there checks it)
    "test_fuzz_jobs.py",
}
NOT_ON_REDIS_FOLDERS: set[str] = set()


def pytest_collection_modifyitems(session, config, items):
    _redis_pass_selection(config, items)
    coverage_collection_modifyitems(session, config, items)


def _redis_pass_selection(config, items):
    if os.environ.get("SPARRING_TEST_STORE") != "redis":
        return
    def left_out(item) -> bool:
        return item.path.name in NOT_ON_REDIS or item.path.parent.name in NOT_ON_REDIS_FOLDERS

    kept = [item for item in items if not left_out(item)]
    dropped = [item for item in items if left_out(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def client(app):
    """A test client on freshly seeded data, for whichever ``app`` the test's module or folder
    defines (tests/kit.py ``fresh``: it also records the operations the test calls)."""
    from kit import fresh

    with fresh(app) as c:
        yield c
