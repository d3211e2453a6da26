"""Generation that does not depend on which Python modules the process has imported.

hypothesis mixes "local constants" into what it draws: the literals of every module it finds in
``sys.modules`` that is not in site-packages, the stdlib or a test folder, collected anew whenever
``sys.modules`` grows. For a fuzz run those are sparring's own modules (with an editable install),
the caller's modules (a pytest suite, a CI script) and whatever earlier runs imported (a partner's
own modules are imported the first time that partner is served). So a run drew other cases after a
run of another partner in the same process, and a CLI run others than a bench or pytest run with
the same seed. None of those literals say anything about the partner's API: within
:func:`spec_only`, the pool is empty, and the same spec and seed give the same cases in any process.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t

MARK = "sparring_spec_only"  # on a pytest test function or TestCase class: its generation runs within spec_only()

_GUARD = threading.Lock()
_DEPTH = 0
_ORIGINAL: t.Callable[[], t.Any] | None = None


@contextlib.contextmanager
def spec_only() -> t.Iterator[None]:
    """Within: hypothesis draws no constants from the process's modules (nested and threaded use is fine)."""
    global _DEPTH, _ORIGINAL
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    with _GUARD:
        if _DEPTH == 0:
            empty = Constants()
            _ORIGINAL, providers._get_local_constants = providers._get_local_constants, lambda: empty
            providers.CONSTANTS_CACHE.cache.clear()  # it holds each type's permitted local constants
        _DEPTH += 1
    try:
        yield
    finally:
        with _GUARD:
            _DEPTH -= 1
            if _DEPTH == 0:
                providers._get_local_constants, _ORIGINAL = _ORIGINAL, None
                providers.CONSTANTS_CACHE.cache.clear()  # the caller's own hypothesis tests get theirs back
