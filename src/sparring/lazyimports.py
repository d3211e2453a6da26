"""Modules connexion imports at start-up but a running sparring rarely or never uses, loaded on
first use instead: ``httpx`` (connexion's remote token info; it pulls in click, rich and pygments
for its command line) and ``requests`` (remote ``$ref`` s, which the catalog has resolved).

``jinja2`` is not deferred: starlette 1.10's templating module reads ``jinja2.pass_context`` as
it is imported, and connexion's Swagger UI builds its templates with every API, so a stand-in
would be replaced during the start anyway.

A stand-in module takes the name in ``sys.modules``; the first attribute it does not have (any
real use: ``httpx.AsyncClient``, ``from requests.models import Response``, a submodule import) imports
the real module, which then replaces it. :class:`importlib.util.LazyLoader` cannot do this on
Python 3.11: the ``import`` statement itself reads the module's ``__spec__`` and so loads it.
A module already imported is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
import typing as t

DEFERRED = ("httpx", "requests")

_lock = threading.RLock()


class Deferred(types.ModuleType):
    """Stands in for a module until something reads an attribute the stand-in lacks."""

    def __init__(self, spec: importlib.machinery.ModuleSpec) -> None:
        super().__init__(spec.name)
        self.__spec__ = spec
        self.__loader__ = spec.loader
        self.__file__ = spec.origin

    def __getattr__(self, attribute: str) -> t.Any:
        return getattr(load(self.__name__), attribute)


def load(name: str) -> types.ModuleType:
    """The real module ``name``, imported now if a stand-in holds its place."""
    with _lock:
        current = sys.modules.get(name)
        if not isinstance(current, Deferred):
            return current if current is not None else importlib.import_module(name)
        del sys.modules[name]
        try:
            return importlib.import_module(name)
        except BaseException:
            sys.modules[name] = current
            raise


def defer(*names: str) -> None:
    for name in names or DEFERRED:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        sys.modules[name] = Deferred(spec)
