"""Komet's date inputs and outputs: ISO days, US days (MM/DD/YYYY) and the range limits.

The docs limit some list ranges (six months for invoice.list and prebook.list, four days for
invoice.details.list); a range over the limit, reversed, or a day that does not exist is refused
with a message that names the parameter.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from sparring.engine.errors import ApiError


def refuse(message: str) -> ApiError:
    """A refusal in Komet's terms: status 0, HTTP 400."""
    return ApiError(400, message, "bad_request")


def day(params: t.Mapping[str, t.Any], name: str, required: bool = False) -> dt.date | None:
    """The parameter as a date (``YYYY-MM-DD``), None when absent and optional."""
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise refuse(f"{name} is required.")
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise refuse(f"{name}: {text!r} is not a date (YYYY-MM-DD).") from None


def moment(params: t.Mapping[str, t.Any], name: str) -> str | None:
    """A ``YYYY-MM-DD hh:mm:ss`` GMT moment, as the string it is (it sorts as it reads)."""
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise refuse(f"{name}: {value!r} is not a moment (YYYY-MM-DD hh:mm:ss).") from None
    return str(value)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day_ in range(start.day, 27, -1):
        try:
            return dt.date(year, month, day_)
        except ValueError:
            continue
    return dt.date(year, month, min(start.day, 28))


def check_range(low: dt.date, high: dt.date, low_name: str, high_name: str, *, months: int = 0,
                days: int = 0) -> None:
    """Refuse a reversed range or one longer than the limit (``months`` or ``days``)."""
    if high < low:
        raise refuse(f"{high_name} must not be earlier than {low_name}.")
    if months and high > add_months(low, months):
        raise refuse(f"{low_name}..{high_name}: the range may not exceed {_words(months)} months.")
    if days and (high - low).days > days:
        raise refuse(f"{low_name}..{high_name}: the range may not exceed {_words(days)} days.")


def _words(n: int) -> str:
    return {4: "four", 6: "six"}.get(n, str(n))


def iso(value: dt.date) -> str:
    return value.isoformat()


def us(value: dt.date) -> str:
    """``MM/DD/YYYY``, the format carriers.by.customer.ship.date.list writes."""
    return value.strftime("%m/%d/%Y")


def days_between(low: dt.date, high: dt.date) -> list[dt.date]:
    return [low + dt.timedelta(days=n) for n in range((high - low).days + 1)]


def stamp(moment_: dt.datetime) -> str:
    """Komet's ``YYYY-MM-DD hh:mm:ss`` (GMT)."""
    return moment_.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
