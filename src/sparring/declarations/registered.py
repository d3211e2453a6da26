"""The names a declaration may use where code registers them: actions, paging, error, timestamp,
envelope styles and auth kinds.

The schema cannot freeze these (a partner's code may add one), so the loader checks them here
against the live tables. This is the one place that knows where those tables are.
"""

from __future__ import annotations

KINDS = ("action", "paging", "errors", "timestamps", "auth", "envelope")

# Auth kinds the credentials code understands (auth.py issues tokens for the first; the second
# takes the clients' fixed tokens; none: no credentials).
AUTH_KINDS = ("none", "oauth2-client-credentials", "oauth2-bearer")


def allowed_names(kind: str) -> tuple[str, ...]:
    """The registered names of one kind, sorted."""
    if kind == "action":
        from sparring.engine.actions import ACTIONS

        names = [*ACTIONS, "issue-token"]  # issue-token is wired by the app, not the table
    elif kind == "paging":
        from sparring.engine.paging import STYLES

        names = list(STYLES)
    elif kind == "errors":
        from sparring.engine.errors import STYLES

        names = list(STYLES)
    elif kind == "timestamps":
        from sparring.engine.timestamps import STYLES

        names = list(STYLES)
    elif kind == "auth":
        names = list(AUTH_KINDS)
    elif kind == "envelope":
        names = []  # no envelope styles are registered yet
    else:
        raise ValueError(f"unknown kind of registered name {kind!r}; known: {', '.join(KINDS)}")
    return tuple(sorted(set(names)))
