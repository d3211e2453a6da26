"""Komet's fixtures: one app per test module, freshly seeded data for every test, and an HTTP
helper that sends a demo token where each method takes it (query, header with X-ACCOUNT, body)."""

from __future__ import annotations

import typing as t

import pytest
from kit import PartnerApi, fresh, operation_for

from komet_kit import CUSTOMER
from sparring.app import create_app


class KometApi(PartnerApi):
    """``PartnerApi`` for Komet: the demo client's ``credentials`` go where the operation's
    security scheme says (``authenticationToken`` in the query or a header, ``X-ACCOUNT``)."""

    def call(self, method: str, path: str, status: int | None = None, *, who: str | None = None,
             conforms: bool = True, **kwargs: t.Any):
        if "headers" not in kwargs:  # headers={}: send no credentials at all
            headers, params = {}, dict(kwargs.pop("params", None) or {})
            op = operation_for(self.partner, method, self.prefix + path)
            schemes = self.partner.spec["components"]["securitySchemes"]
            declared = next(c for c in self.partner.config["auth"]["clients"] if c["client_id"] == (who or self.default_who))
            for requirement in op.spec.get("security", [])[:1]:
                for name in requirement:
                    scheme, value = schemes[name], declared["credentials"][name]
                    (params if scheme["in"] == "query" else headers)[scheme["name"]] = value
            kwargs.update(headers=headers, params=params)
        return super().call(method, path, status, who=who, conforms=conforms, **kwargs)


@pytest.fixture(scope="module")
def app():
    return create_app(["komet"], seed=0)


@pytest.fixture
def client(app):
    with fresh(app) as c:
        yield c


@pytest.fixture
def api(app, client):
    return KometApi(client, app, "komet", who=CUSTOMER)
