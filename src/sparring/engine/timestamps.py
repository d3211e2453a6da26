"""How partners write date-times, so stored values, filters and sort order agree.

Values are stored already formatted in the partner's style; every style below sorts correctly as
text, which lets a ``modifiedSince`` filter be a range on the sorted index.
"""

from __future__ import annotations

import datetime as dt

from sparring.engine.registry import TIMESTAMPS

UTC = dt.timezone.utc


def _date_time(t: dt.datetime) -> str:
    # not strftime("%Y"): it does not pad years before 1000, and the text must sort like the time
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"


# 2023-04-15T08:30:00 (InventoryPro: no zone, server time; sparring's server time is UTC)
TIMESTAMPS.register("naive-seconds")(_date_time)
# 2020-12-01T08:00:00.000Z
TIMESTAMPS.register("utc-millis")(lambda t: f"{_date_time(t)}.{t.microsecond // 1000:03d}Z")
# 2024-01-01T00:00:00.000000Z (Laravel)
TIMESTAMPS.register("utc-micros")(lambda t: f"{_date_time(t)}.{t.microsecond:06d}Z")
# 2024-01-01T00:00:00Z
TIMESTAMPS.register("utc-seconds")(lambda t: f"{_date_time(t)}Z")


def to_utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC; one an offset pushes off the calendar (year 1 or 9999) is clamped to its end."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (dt.datetime.min if moment.year == dt.MINYEAR else dt.datetime.max).replace(tzinfo=UTC)


def formatter(style: str):
    fmt = TIMESTAMPS.get(style)
    return lambda moment: fmt(to_utc(moment))


def parse(text: str) -> dt.datetime:
    """An ISO 8601 date-time, with or without zone (no zone means UTC); ValueError when it is not one."""
    value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
