"""Who is asking, and for which customer: Komet's token rules.

A Company or User token may act for any customer of the company; a Customer token only for the
customer it was made for. Asking about another customer is refused with 403 before anything is
looked up, so a Customer token cannot learn which ids exist. The e-commerce and web-order
methods also name the company in ``X-ACCOUNT``, which must be the token's company.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from sparring.engine.errors import ApiError


@dataclass
class Ask:
    """One request as a Komet rule sees it, whatever engine carries it."""

    store: t.Any  # the partner's collections: store["invoices"] ...
    params: dict[str, t.Any]
    body: dict[str, t.Any]
    account: int  # the company the token belongs to (X-ACCOUNT)
    customer: int | None = None  # the customer a Customer token is bound to
    kind: str = "company"  # company | customer | user
    username: str | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def arg(self, name: str) -> t.Any:
        """A value from the JSON body or, for GET methods, the query."""
        if name in self.body:
            return self.body[name]
        return self.params.get(name)

    def customer_id(self, required: bool = True) -> int | None:
        value = self.arg("customerId")
        if value is None and required:
            raise ApiError(400, "customerId is required.", "bad_request")
        return value

    def allow_customer(self, customer_id: t.Any) -> None:
        """403 when a Customer token asks about another customer."""
        if self.customer is not None and customer_id is not None and customer_id != self.customer:
            raise ApiError(403, f"This token may not access customer {customer_id}.", "forbidden")

    def own_customer(self, required: bool = True) -> dict | None:
        """The customer the request names (``customerId``), after the token check; 404 when unknown."""
        customer_id = self.customer_id(required)
        if customer_id is None:
            return None
        self.allow_customer(customer_id)
        customer = self.store["customers"].get(customer_id)
        if customer is None:
            raise ApiError(404, f"Customer {customer_id} was not found.", "not_found")
        return customer

    def scope_filter(self) -> int | None:
        """The customer a list is limited to: the asked one (after the token check), or the token's."""
        asked = self.params.get("customerId")
        self.allow_customer(asked)
        return asked if asked is not None else self.customer

    def company(self) -> dict:
        return self.store["companies"].get(self.account) or {"id": self.account, "name": "Komet company"}


def ok(message: str | None = None, **payload: t.Any) -> dict:
    """A rule's answer: the payload, and its own message where "OK" (the envelope's) is not it.
    The partner's ``status-message`` envelope adds ``status: 1`` around it."""
    return {"message": message, **payload} if message else payload
