"""Server time that tests and demos can move forward (token expiry, modifiedSince, quote expiry).

The offset lives in the store's shared values, so every worker on a shared store agrees on it.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import typing as t

from sparring.engine.timestamps import UTC

# The offset may move time from the Unix epoch to the start of year 9999: every timestamp style
# can write those moments, and a year is left for lifetimes and expiries computed from "now".
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=UTC).timestamp()
LATEST = dt.datetime(9999, 1, 1, tzinfo=UTC).timestamp()


class ClockError(ValueError):
    """An advance that is not a finite number or would leave the representable range."""


class Clock:
    """Wall-clock time plus the shared offset; or, ``standing_at`` a moment, time that moves only
    when advanced (an in-process fuzz run: responses then carry the same timestamps every run, so
    the cases schemathesis derives from them do not depend on how fast the machine is)."""

    def __init__(self, shared: t.Any = None, standing_at: float | None = None) -> None:
        self.shared = shared if shared is not None else {}
        self.standing_at = standing_at

    @property
    def offset(self) -> float:
        return self.shared.get("clock-offset", 0.0)

    def time(self) -> float:
        """Seconds since the epoch, shifted by the offset."""
        return (time.time() if self.standing_at is None else self.standing_at) + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), UTC)

    def advance_range(self) -> tuple[float, float]:
        """The smallest and largest advance (seconds) allowed now: they keep time in range."""
        now = self.time()
        return math.ceil(EARLIEST - now), math.floor(LATEST - now)

    def advance(self, seconds: float) -> None:
        """Move time by ``seconds``; :class:`ClockError` for NaN, infinities and any advance that
        would take time before 1970-01-01 or past 9999-01-01 (UTC)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ClockError("advance must be a finite number of seconds")
        low, high = self.advance_range()
        if not low <= seconds <= high:
            raise ClockError(f"advance must be between {low} and {high} seconds: time stays between "
                             "1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z")
        self._set(self.offset + seconds)

    def reset(self) -> None:
        self._set(0.0)

    def _set(self, offset: float) -> None:
        if hasattr(self.shared, "set"):
            self.shared.set("clock-offset", offset)
        else:
            self.shared["clock-offset"] = offset
