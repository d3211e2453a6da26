"""Each registered style of the engine, on its own: error bodies, record envelopes and list envelopes.

These are the vendors' shapes, so each is pinned exactly; the partners' HTTP tests show them in use.
"""

from __future__ import annotations

import pytest

from sparring.declarations import EnvelopeDeclaration, ErrorsDeclaration, PagingDeclaration
from sparring.engine.envelopes import envelope
from sparring.engine.errors import ApiError, style_named
from sparring.engine.paging import Page, paging_style
from sparring.engine.registry import ENVELOPES, ERRORS, PAGING

INVALID = ApiError.validation({"name": ["This field is required."]})
MISSING = ApiError.not_found("customer")
FORBIDDEN = ApiError(403, "Missing scope.", "forbidden", extra={"required_scope": "customers:write"})


def render(style: str, error: ApiError, **options) -> tuple[int, dict | None]:
    s = style_named(ErrorsDeclaration(style, **options))
    return s.status(error), s.render(error, "/x")


def test_status_error_message():
    assert render("status-error-message", INVALID) == (400, {
        "statusCode": 400, "error": "validation_error", "message": "The request is not valid.",
        "details": {"name": ["This field is required."]}})
    assert render("status-error-message", MISSING)[1]["details"] is None


def test_problem_details():
    status, body = render("problem-details", MISSING)
    assert status == 404 and body == {"type": "about:blank", "title": "Not Found", "status": 404,
                                      "detail": "The customer was not found.", "instance": "/x"}


def test_validation_problem_details():
    status, body = render("validation-problem-details", INVALID)
    assert status == 400
    assert body["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.1"
    assert body["title"] == "One or more validation errors occurred."
    assert body["errors"] == {"name": ["This field is required."]}
    assert render("validation-problem-details", MISSING)[1]["type"].endswith("#section-15.5.5")


def test_laravel():
    assert render("laravel", INVALID) == (422, {"message": "The given data was invalid.",
                                                "errors": {"name": ["This field is required."]}})
    assert render("laravel", FORBIDDEN) == (403, {"message": "Missing scope.", "required_scope": "customers:write"})
    assert render("laravel", ApiError(401, "whatever"))[1] == {"message": "Unauthenticated."}


def test_message():
    assert render("message", INVALID) == (400, {"message": "The request is not valid.",
                                                "errors": {"name": ["This field is required."]}})
    assert render("message", MISSING) == (404, {"message": "The customer was not found."})


def test_status_zero_keeps_or_fixes_the_http_status():
    assert render("status-zero", MISSING) == (404, {"status": 0, "message": "The customer was not found."})
    status, body = render("status-zero", INVALID, http_status=200)
    assert status == 200
    assert body == {"status": 0, "message": "The request is not valid. name: This field is required."}


def test_status_zero_cuts_messages_to_the_documented_length():
    long = ApiError.validation({"name": ["x" * 900]})
    body = render("status-zero", long, max_message=500)[1]
    assert len(body["message"]) == 500 and body["message"].endswith("...")
    assert render("status-zero", MISSING, max_message=500)[1]["message"] == "The customer was not found."


def test_no_body_statuses_and_media_type():
    style = style_named(ErrorsDeclaration("problem-details", no_body=frozenset({403}), media_type="application/json"))
    assert style.render(FORBIDDEN, "/x") is None and style.media_type == "application/json"


def test_every_registered_error_style_is_tested_here():
    assert ERRORS.names() == ["laravel", "message", "problem-details", "status-error-message", "status-zero",
                              "validation-problem-details"]


@pytest.mark.parametrize("declaration,expected", [
    (None, {"id": 1}),
    (EnvelopeDeclaration("bare"), {"id": 1}),
    (EnvelopeDeclaration("data"), {"data": {"id": 1}}),
    (EnvelopeDeclaration("data", {"message": "Customer archived."}), {"message": "Customer archived.", "data": {"id": 1}}),
    (EnvelopeDeclaration("status-message"), {"status": 1, "message": "OK", "id": 1}),
    (EnvelopeDeclaration("status-message", {"field": "customer", "message": "Done"}),
     {"status": 1, "message": "Done", "customer": {"id": 1}}),
])
def test_envelopes(declaration, expected):
    assert envelope(declaration).wrap({"id": 1}) == expected


def test_every_registered_envelope_is_tested_here():
    assert ENVELOPES.names() == ["bare", "data", "status-message"]


def page(style: str, number: int, size: int, total: int = 7, **options) -> tuple[dict, dict]:
    items = list(range((number - 1) * size, min(number * size, total)))
    paging = paging_style(PagingDeclaration(style, **options))
    return paging.render(Page(items, total, number, size, {"limit": size}, "http://h/items"))


def test_value_total_count():
    body, headers = page("value-total-count", 3, 3)
    assert body == {"value": [6], "totalCount": 7, "page": 3, "pageSize": 3, "pageCount": 3, "hasMore": False}
    assert headers == {"X-Total-Count": "7", "X-Page": "3", "X-Page-Size": "3"}


def test_list_object():
    body, _ = page("list-object", 1, 3)
    assert body == {"object": "list", "data": [0, 1, 2], "has_more": True, "total_items": 7,
                    "url": "http://h/items", "count": 3}


def test_bare_array():
    assert page("bare-array", 2, 3)[0] == [3, 4, 5]


def test_items_paging():
    assert page("items-paging", 2, 3)[0] == {"items": [3, 4, 5], "paging": {"pageNumber": 2, "pageSize": 3, "totalCount": 7}}


def test_laravel_paginator():
    body, _ = page("laravel", 2, 3, page="page")
    assert body == {"data": [3, 4, 5], "current_page": 2, "last_page": 3, "per_page": 3, "total": 7, "from": 4,
                    "to": 6, "path": "http://h/items", "next_page_url": "http://h/items?limit=3&page=3",
                    "prev_page_url": "http://h/items?limit=3&page=1"}


def test_every_registered_paging_style_is_tested_here():
    assert PAGING.names() == ["bare-array", "items-paging", "laravel", "list-object", "value-total-count"]
