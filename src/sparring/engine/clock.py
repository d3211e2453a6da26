"""Server time that tests and demos can move forward (token expiry, modifiedSince, quote expiry).

The offset lives in the store's shared values, so every worker on a shared store agrees on it.
"""

from __future__ import annotations

import datetime as dt
import time
import typing as t

from sparring.engine.timestamps import UTC

# The offset may move time anywhere in the calendar datetime can represent, and no further.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=UTC).timestamp()
LATEST = dt.datetime(9999, 12, 30, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, shared: t.Any = None) -> None:
        self.shared = shared if shared is not None else {}

    @property
    def offset(self) -> float:
        return self.shared.get("clock-offset", 0.0)

    def time(self) -> float:
        """Seconds since the epoch, shifted by the offset."""
        return time.time() + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        self._set(self.offset + seconds)

    def reset(self) -> None:
        self._set(0.0)

    def _set(self, offset: float) -> None:
        if hasattr(self.shared, "set"):
            self.shared.set("clock-offset", offset)
        else:
            self.shared["clock-offset"] = offset
