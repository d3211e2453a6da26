"""How partners write date-times, so stored values, filters and sort order agree.

Values are stored already formatted in the partner's style; every style below sorts correctly as
text, which lets a ``modifiedSince`` filter be a range on the sorted index.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc

STYLES = {
    # 2023-04-15T08:30:00 (InventoryPro: no zone, server time; sparring's server time is UTC)
    "naive-seconds": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"),
    # 2020-12-01T08:00:00.000Z
    "utc-millis": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
    # 2024-01-01T00:00:00.000000Z (Laravel)
    "utc-micros": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    # 2024-01-01T00:00:00Z
    "utc-seconds": lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
}


def formatter(style: str):
    try:
        fmt = STYLES[style]
    except KeyError:
        raise ValueError(f"unknown timestamp style {style!r}; known: {', '.join(STYLES)}") from None
    return lambda moment: fmt(moment.astimezone(UTC))


def parse(text: str) -> dt.datetime:
    """An ISO 8601 date-time, with or without zone (no zone means UTC); ValueError when it is not one."""
    value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
