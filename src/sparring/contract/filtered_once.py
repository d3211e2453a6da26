"""Filtered strategies validated once, not on every draw.

hypothesis validates a strategy the first time it is drawn from and remembers that it did
(``validate_called``). ``FilteredStrategy.do_validate`` re-initialises the strategy in place,
and the re-initialisation forgets that memory again: every draw from a filtered strategy
validates it anew, replaying each filter through hypothesis' filter rewriting, which parses the
predicate's source for numeric bounds. schemathesis filters property names, free keys and
violating values, so on InventoryPro this was a sixth of a fuzz run's CPU time.

Within :func:`filters_validated_once` the memory survives the re-initialisation. Validation is
deterministic, so a second one only rebuilt what the first built: the draws, and therefore the
cases a seed gives, stay the same.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t

_GUARD = threading.Lock()
_ACTIVE = 0
_ORIGINAL: t.Any = None


def _remembering(original: t.Callable[[t.Any], None]) -> t.Callable[[t.Any], None]:
    def do_validate(self: t.Any) -> None:
        called = self.validate_called  # validate() marked this thread before calling us
        original(self)
        self.validate_called = called

    return do_validate


@contextlib.contextmanager
def filters_validated_once() -> t.Iterator[None]:
    """Within (in any thread; runs may nest or overlap): a filtered strategy is validated once."""
    global _ACTIVE, _ORIGINAL
    from hypothesis.strategies._internal.strategies import FilteredStrategy

    with _GUARD:
        if not _ACTIVE:
            _ORIGINAL = FilteredStrategy.do_validate
            FilteredStrategy.do_validate = _remembering(_ORIGINAL)  # type: ignore[method-assign]
        _ACTIVE += 1
    try:
        yield
    finally:
        with _GUARD:
            _ACTIVE -= 1
            if not _ACTIVE:
                FilteredStrategy.do_validate = _ORIGINAL  # type: ignore[method-assign]
