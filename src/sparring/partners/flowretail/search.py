"""How Flow Retail's customer search matches a record: free text word by word, the dedicated
``mobile`` / ``email`` / ``vatNumber`` criteria on their own field, exact or partial.

Pure functions over records, so the customer search, the contact scope and the external register
share them.
"""

from __future__ import annotations

import re
import typing as t

from sparring.partners.flowretail.norway import phone_digits

# Fields the free-text query is matched against (contacts have only the first four kinds).
QUERY_FIELDS = ("firstname", "lastname", "city", "postalCode", "companyName", "mobile", "email", "vatNumber")
_PHONE_LIKE = re.compile(r"^[\d\s+()\-.]+$")


def _text(value: t.Any) -> str:
    return str(value or "").casefold().strip()


def _same(needle: str, value: t.Any, exact: bool) -> bool:
    hay = _text(value)
    return hay == needle if exact else bool(hay) and needle in hay


def _same_phone(needle: str, value: t.Any, exact: bool) -> bool:
    digits = phone_digits(str(value or ""))
    if not needle or not digits:
        return False
    return digits == needle if exact else needle in digits


def _vat_digits(value: t.Any) -> str:
    return re.sub(r"(?i)^no|mva$|[^0-9a-z]", "", str(value or "")).casefold()


def _same_vat(needle: str, value: t.Any, exact: bool) -> bool:
    hay = _vat_digits(value)
    return hay == needle if exact else bool(hay) and needle in hay


class Criteria:
    """One search body, read once."""

    def __init__(self, body: dict) -> None:
        self.exact = bool(body.get("exactMatch", False))
        self.scope = body.get("scope") or "CUSTOMER"
        self.query = _text(body.get("query"))
        self.mobile = phone_digits(body["mobile"]) if body.get("mobile") else None
        self.email = _text(body.get("email")) or None
        self.vat = _vat_digits(body.get("vatNumber")) or None
        # a dedicated criterion takes its field out of the free-text match
        given = {"mobile": self.mobile is not None, "email": bool(self.email), "vatNumber": bool(self.vat)}
        self.query_fields = [f for f in QUERY_FIELDS if not given.get(f)]

    @property
    def empty(self) -> bool:
        return not (self.query or self.mobile is not None or self.email or self.vat)

    def dedicated(self, record: dict, vat_source: dict | None = None) -> bool:
        """The ``mobile``, ``email`` and ``vatNumber`` criteria (all that are given)."""
        if self.mobile is not None and not _same_phone(self.mobile, record.get("mobile"), self.exact):
            return False
        if self.email and not _same(self.email, record.get("email"), self.exact):
            return False
        if self.vat and not _same_vat(self.vat, (vat_source or record).get("vatNumber"), self.exact):
            return False
        return True

    def free_text(self, record: dict) -> bool:
        """The ``query``: a phone-like query as a whole, else every word in some field."""
        if not self.query:
            return True
        fields = self.query_fields
        if _PHONE_LIKE.match(self.query):
            compact = re.sub(r"\D", "", self.query)
            if "mobile" in fields and _same_phone(phone_digits(self.query), record.get("mobile"), self.exact):
                return True
            return any(_same(compact, re.sub(r"\s", "", str(record.get(f) or "")), self.exact)
                       for f in fields if f != "mobile") or \
                any(_same(self.query, record.get(f), self.exact) for f in fields if f != "mobile")
        if any(_same(self.query, record.get(f), self.exact) for f in fields):
            return True
        return all(any(_same(word, record.get(f), self.exact) for f in fields) for word in self.query.split())

    def matches(self, record: dict, vat_source: dict | None = None) -> bool:
        return self.dedicated(record, vat_source) and self.free_text(record)
