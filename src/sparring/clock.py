"""Server time that tests and demos can move forward (token expiry, modifiedSince, quote expiry)."""

from __future__ import annotations

import datetime as dt
import time

UTC = dt.timezone.utc


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch, shifted by the offset."""
        return time.time() + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def reset(self) -> None:
        self.offset = 0.0
