"""Modules connexion imports at start-up but a running sparring rarely or never uses, loaded on
first use instead (:class:`importlib.util.LazyLoader`): ``httpx`` (connexion's remote token info),
``requests`` (remote ``$ref`` s, which the catalog has resolved) and ``jinja2`` (templated specs).
Together about half a second of every start on the project machine.

A module already imported is left as it is; any attribute access loads the real module, so code
that does use one (a test's HTTP client) sees no difference.
"""

from __future__ import annotations

import importlib.util
import sys

DEFERRED = ("httpx", "requests", "jinja2")


def defer(*names: str) -> None:
    for name in names or DEFERRED:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
