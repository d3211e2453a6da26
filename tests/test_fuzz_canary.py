"""Every private hypothesis and schemathesis name ``sparring fuzz`` (src/sparring/contract/) relies on, in one place.

Both are pinned; when an upgrade removes or renames one of these, this test names it, and the
module that uses it is the one to change.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

# (module, object, attribute or None, used by)
PRIVATE = [
    ("hypothesis.internal.conjecture.providers", "_get_local_constants", None, "contract/constants.py"),
    ("hypothesis.internal.conjecture.providers", "CONSTANTS_CACHE", "cache", "contract/constants.py"),
    ("hypothesis.internal.constants_ast", "Constants", "set_for_type", "contract/constants.py"),
    ("schemathesis.python.asgi", "_get_portal", None, "contract/direct.py"),
    ("schemathesis.python.asgi", "_start_lifespan", None, "contract/direct.py"),
    ("schemathesis.python.asgi", "get_client", None, "contract/direct.py"),
    ("schemathesis.config._auth", "AuthConfig", None, "contract/runner.py"),
    ("schemathesis.config._cache", "CacheConfig", None, "contract/runner.py"),
    ("schemathesis.config._checks", "POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES", None, "contract/runner.py"),
    ("schemathesis.config._checks", "PositiveDataAcceptanceConfig", None, "contract/runner.py"),
]


@pytest.mark.parametrize("module,name,attribute,user", PRIVATE, ids=[f"{p[1]}.{p[2] or ''}" for p in PRIVATE])
def test_private_name_exists(module: str, name: str, attribute: str | None, user: str) -> None:
    obj = getattr(importlib.import_module(module), name, None)
    assert obj is not None, f"{module} no longer has {name}, which src/sparring/{user} relies on"
    if attribute:
        assert hasattr(obj, attribute), f"{module}.{name} no longer has {attribute}, which src/sparring/{user} relies on"


def test_hypothesis_draws_local_constants_through_the_function_sparring_replaces() -> None:
    """contract/constants.py empties the pool by replacing the module-level function: the provider
    must still look it up by that name at draw time, not hold a reference of its own."""
    from hypothesis.internal.conjecture import providers

    source = inspect.getsource(providers.HypothesisProvider)
    assert "_get_local_constants()" in source and "CONSTANTS_CACHE[key]" in source
