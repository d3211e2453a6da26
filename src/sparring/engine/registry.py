"""Every extension point of the engine, by name: the one place to look for what a declaration may name.

| registry | a declaration names it in | registered in |
| --- | --- | --- |
| ``ACTIONS`` | an operation's ``action`` | ``engine/actions.py``, ``engine/auth.py`` (``issue-token``) |
| ``PAGING`` | an operation's ``paging.style`` | ``engine/paging.py`` |
| ``ERRORS`` | the partner's ``errors`` | ``engine/errors.py`` |
| ``ENVELOPES`` | ``envelope.style`` (partner or operation) | ``engine/envelopes.py`` |
| ``TIMESTAMPS`` | a collection's ``timestamps.style`` | ``engine/timestamps.py`` |
| ``AUTH_KINDS`` | ``auth.kind`` | ``engine/auth.py`` |

A partner's own rules, before-save hooks and fixture hooks live in its rules module, in a
:class:`Rules` table the module declares (``rules = Rules("yodify")``; see ``partners/``).
"""

from __future__ import annotations

import importlib
import typing as t

T = t.TypeVar("T")

# modules whose import registers the built-in entries
_BUILTINS = ("sparring.engine.actions", "sparring.engine.auth", "sparring.engine.paging", "sparring.engine.errors",
             "sparring.engine.envelopes", "sparring.engine.timestamps")


class UnknownName(LookupError):
    """A declaration names something no registry entry has; the message lists what is allowed."""


class Registry(t.Generic[T]):
    """Named entries of one kind, registered with ``@REGISTRY.register("name")``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> t.Callable[[T], T]:
        def add(entry: T) -> T:
            if name in self._entries and self._entries[name] is not entry:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._entries[name] = entry
            return entry

        return add

    def get(self, name: str) -> T:
        _load_builtins()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownName(f"unknown {self.kind} {name!r}; known: {', '.join(self.names())}") from None

    def names(self) -> list[str]:
        _load_builtins()
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        _load_builtins()
        return name in self._entries


ACTIONS: Registry[type] = Registry("action")
PAGING: Registry[type] = Registry("paging style")
ERRORS: Registry[type] = Registry("error style")
ENVELOPES: Registry[type] = Registry("envelope style")
TIMESTAMPS: Registry[t.Callable] = Registry("timestamp style")
AUTH_KINDS: Registry[type] = Registry("auth kind")

_loaded = False


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in _BUILTINS:
            importlib.import_module(module)


class Rules:
    """One partner's business rules, before-save hooks and fixture hooks, by name.

    A partner's rules module declares ``rules = Rules("partner")`` and decorates each function;
    the spec names them (``action: rule, rule: NAME``, ``before-save: NAME``, a fixture recipe's
    ``finish: NAME``), and a name the module does not declare stops the start.

    - a rule: ``(action, call) -> Result``, for an operation that is more than CRUD;
    - a before-save hook: ``(action, call, record, old) -> record``, after the generic checks and
      before the write (computed fields, invariants);
    - a fixture hook: ``(record, fake, namespace) -> record``, once a seeded record has its key.
    """

    def __init__(self, partner: str) -> None:
        self.partner = partner
        self.tables: dict[str, dict[str, t.Callable]] = {"rule": {}, "before-save": {}, "fixture": {}}

    def _add(self, kind: str, name: str | None) -> t.Callable[[t.Callable], t.Callable]:
        def add(function: t.Callable) -> t.Callable:
            self.tables[kind][name or function.__name__] = function
            return function

        return add

    def rule(self, name: str | None = None) -> t.Callable[[t.Callable], t.Callable]:
        return self._add("rule", name)

    def before_save(self, name: str | None = None) -> t.Callable[[t.Callable], t.Callable]:
        return self._add("before-save", name)

    def fixture(self, name: str | None = None) -> t.Callable[[t.Callable], t.Callable]:
        return self._add("fixture", name)

    def get(self, kind: str, name: str) -> t.Callable:
        try:
            return self.tables[kind][name]
        except KeyError:
            known = ", ".join(sorted(self.tables[kind])) or "none"
            raise UnknownName(f"{self.partner} declares no {kind} {name!r}; known: {known}") from None


NO_RULES = Rules("(no rules module)")


def rules_of(module_name: str | None) -> Rules:
    """The ``rules`` table of a partner's rules module (an empty one when it has none)."""
    if not module_name:
        return NO_RULES
    module = importlib.import_module(module_name)
    rules = getattr(module, "rules", None)
    if not isinstance(rules, Rules):
        raise UnknownName(f"{module_name} declares no `rules = Rules(...)` table")
    return rules
