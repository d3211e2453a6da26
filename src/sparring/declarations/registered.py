"""The names a declaration may use where code registers them: actions, paging, error, timestamp,
envelope styles and auth kinds.

The schema cannot freeze these (a partner's code may add one), so the loader checks them against
the engine's registries (``engine/registry.py``).
"""

from __future__ import annotations

KINDS = ("action", "paging", "errors", "timestamps", "auth", "envelope")


def allowed_names(kind: str) -> tuple[str, ...]:
    """The registered names of one kind, sorted."""
    from sparring.engine import registry

    tables = {
        "action": registry.ACTIONS,
        "paging": registry.PAGING,
        "errors": registry.ERRORS,
        "timestamps": registry.TIMESTAMPS,
        "auth": registry.AUTH_KINDS,
        "envelope": registry.ENVELOPES,
    }
    if kind not in tables:
        raise ValueError(f"unknown kind of registered name {kind!r}; known: {', '.join(KINDS)}")
    return tuple(tables[kind].names())
