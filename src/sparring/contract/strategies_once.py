"""Strategies validated and built once per run, not on every draw.

Two places in the libraries redo work on every draw that a run only needs once (a profiler put a
sixth of an InventoryPro run's samples in strategy validation before, under a tenth after; the
run's CPU time fell by about 4 %):

- hypothesis validates a strategy the first time it is drawn from and remembers that it did
  (``validate_called``). ``FilteredStrategy.do_validate`` re-initialises the strategy in place,
  which forgets that memory again: every draw from a filtered strategy validated it anew,
  replaying each filter through hypothesis' filter rewriting (which parses the predicate's
  source). schemathesis filters property names, free keys and violating values.
- schemathesis draws an object's properties from ``st.fixed_dictionaries`` of the keys it picked
  for that draw, built (and so validated) anew each time. Within a run the same keys with the same
  value strategies give back the same strategy.

Validation is deterministic and a strategy's draws depend on its structure, not on which object
it is, so the cases a seed gives stay the same. Within ``strategies_once()`` both hold; on
leaving, the libraries are as they were.
"""

from __future__ import annotations

import types
import typing as t

from sparring.contract.while_any_run import Undo, while_any_run

FIXED_DICTIONARIES_KEPT = 10_000  # strategies kept per run; past that the memo starts again


def _remembering(original: t.Callable[[t.Any], None]) -> t.Callable[[t.Any], None]:
    def do_validate(self: t.Any) -> None:
        called = self.validate_called  # validate() marked this thread before calling us
        original(self)
        self.validate_called = called

    return do_validate


def _with_memoised_fixed_dictionaries(real: types.ModuleType) -> types.ModuleType:
    """``hypothesis.strategies`` as one module sees it, with ``fixed_dictionaries`` memoised by
    its keys and the identity of their value strategies (kept alive by the memo)."""
    proxy = types.ModuleType(real.__name__, real.__doc__)
    proxy.__dict__.update({name: value for name, value in vars(real).items() if not name.startswith("__")})
    memo: dict[tuple, t.Any] = {}

    def fixed_dictionaries(mapping: t.Mapping[t.Any, t.Any], *, optional: t.Any = None) -> t.Any:
        if optional is not None:
            return real.fixed_dictionaries(mapping, optional=optional)
        key = tuple((name, id(value)) for name, value in mapping.items())
        strategy = memo.get(key)
        if strategy is None:
            if len(memo) >= FIXED_DICTIONARIES_KEPT:
                memo.clear()
            strategy = memo[key] = real.fixed_dictionaries(mapping)
        return strategy

    proxy.fixed_dictionaries = fixed_dictionaries  # type: ignore[attr-defined]
    return proxy


def _apply() -> Undo:
    from hypothesis.strategies._internal.strategies import FilteredStrategy
    from schemathesis.generation.jsonschema import strategy as objects

    validate, st = FilteredStrategy.do_validate, objects.st
    FilteredStrategy.do_validate = _remembering(validate)  # type: ignore[method-assign]
    objects.st = _with_memoised_fixed_dictionaries(st)

    def restore() -> None:
        FilteredStrategy.do_validate = validate  # type: ignore[method-assign]
        objects.st = st

    return restore


strategies_once = while_any_run(_apply)  # strategies validated and built once, while any run is active
