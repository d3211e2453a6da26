"""Process-wide changes that last while at least one fuzz run is active.

A change (a library's method replaced, the collector tuned) is made when the first run enters and
undone when the last one leaves: runs may overlap in threads, and a ``--jobs`` job forked inside
its parent's run inherits the change and the count with it.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t

Undo = t.Callable[[], None]


def while_any_run(apply: t.Callable[[], Undo]) -> t.Callable[[], t.ContextManager[None]]:
    """A context manager factory: ``apply()`` on the first entry, the undo it returned on the last exit."""
    guard = threading.Lock()
    active = 0
    undo: Undo = lambda: None

    @contextlib.contextmanager
    def scope() -> t.Iterator[None]:
        nonlocal active, undo
        with guard:
            if not active:
                undo = apply()
            active += 1
        try:
            yield
        finally:
            with guard:
                active -= 1
                if not active:
                    undo()

    return scope
