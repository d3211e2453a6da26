"""Declarations no shipped spec uses yet, served from test-only specs (tests/engine_specs/):
Laravel paging and errors, the data envelope, minus-prefix sorting and the replace action
(shelf.yaml, as SKU.io will use them); RFC 7807 problem details and the status-message envelope
with a field (notes.yaml); the status-zero error style at HTTP 200 and the status-message envelope
spreading the record, with an operation's own envelope winning (tally.yaml).

Everything goes through HTTP, as a client of such a vendor would see it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from kit import PartnerApi

from sparring.app import create_app
from sparring.catalog import load_partner

SPECS = Path(__file__).parent / "engine_specs"


@pytest.fixture(scope="module")
def app():
    return create_app([load_partner(SPECS / f"{name}.yaml", SPECS) for name in ("shelf", "notes", "tally")])


@pytest.fixture
def shelf(app, client):
    return PartnerApi(client, app, "shelf")


@pytest.fixture
def notes(app, client):
    return PartnerApi(client, app, "notes")


def add_books(shelf, n: int) -> list[dict]:
    # pages run down while titles run up, so the two sort orders differ; some books share a page count
    return [shelf.post("/books", 201, json={"title": f"Book {i:02d}", "pages": 100 - (i // 2)}).json()["data"]
            for i in range(n)]


# -- Laravel paging ------------------------------------------------------------------------------


def test_laravel_paginator_pages_through_everything(shelf):
    empty = shelf.get("/books").json()
    assert (empty["data"], empty["total"], empty["last_page"], empty["from"], empty["to"]) == ([], 0, 1, None, None)
    books = add_books(shelf, 23)
    first = shelf.get("/books").json()  # default size 10
    assert {k: first[k] for k in ("current_page", "last_page", "per_page", "total", "from", "to")} == {
        "current_page": 1, "last_page": 3, "per_page": 10, "total": 23, "from": 1, "to": 10}
    assert first["prev_page_url"] is None
    assert first["path"].endswith("/shelf/api/v1/books")
    seen, url = [], "/books?per_page=10"
    for number in (1, 2, 3):
        body = shelf.get(url).json()
        assert body["current_page"] == number
        assert (body["from"], body["to"]) == (10 * (number - 1) + 1, min(10 * number, 23))
        seen += [b["id"] for b in body["data"]]
        if number > 1:
            prev = parse_qs(urlsplit(body["prev_page_url"]).query)
            assert prev == {"page": [str(number - 1)], "per_page": ["10"]}
        if number == 3:
            assert body["next_page_url"] is None
            break
        following = urlsplit(body["next_page_url"])
        assert following.path.endswith("/shelf/api/v1/books")
        assert parse_qs(following.query) == {"page": [str(number + 1)], "per_page": ["10"]}
        url = "/books?" + following.query
    assert seen == [b["id"] for b in books]
    past = shelf.get("/books", params={"page": 4, "per_page": 10}).json()
    assert (past["data"], past["from"], past["to"], past["last_page"], past["next_page_url"]) == ([], None, None, 3, None)
    assert parse_qs(urlsplit(past["prev_page_url"]).query)["page"] == ["3"]


def test_laravel_page_that_ends_exactly_on_the_total(shelf):
    add_books(shelf, 20)
    body = shelf.get("/books", params={"page": 2, "per_page": 10}).json()
    assert (body["last_page"], body["from"], body["to"], body["next_page_url"]) == (2, 11, 20, None)
    body = shelf.get("/books", params={"page": 1, "per_page": 20}).json()
    assert (body["last_page"], body["to"], body["next_page_url"], body["prev_page_url"]) == (1, 20, None, None)


def test_the_filter_keeps_its_exact_bound_with_laravel_paging(shelf):
    books = add_books(shelf, 12)
    unknown = shelf.post("/books", 201, json={"title": "Untold length"}).json()["data"]
    for bound in (95, 97, 100):
        body = shelf.get("/books", params={"min_pages": bound, "per_page": 50}).json()
        assert [b["id"] for b in body["data"]] == [b["id"] for b in books if b["pages"] >= bound]
        assert body["total"] == len(body["data"])
    # zero is a value like any other: a book with no page count is not "at least 0 pages"
    body = shelf.get("/books", params={"min_pages": 0, "per_page": 50}).json()
    assert [b["id"] for b in body["data"]] == [b["id"] for b in books]
    assert shelf.get("/books", params={"per_page": 50}).json()["data"][-1]["id"] == unknown["id"]


# -- minus-prefix sorting ------------------------------------------------------------------------


def test_minus_prefix_sorts_descending_and_a_bare_name_ascending(shelf):
    add_books(shelf, 9)
    for sort in ("title", "-title", "pages", "-pages"):
        body = shelf.get("/books", params={"sort": sort, "per_page": 50}).json()
        values = [(b[sort.lstrip("-")], b["id"]) for b in body["data"]]
        descending = sort.startswith("-")
        assert [v for v, _ in values] == sorted((v for v, _ in values), reverse=descending), sort
        assert len(values) == 9
    titles = [b["title"] for b in shelf.get("/books", params={"sort": "-title", "per_page": 3}).json()["data"]]
    assert titles == ["Book 08", "Book 07", "Book 06"]
    pages = shelf.get("/books", params={"sort": "-pages", "per_page": 50}).json()["data"]
    assert pages[0]["pages"] == 100 and pages[-1]["pages"] == 96


def test_sorting_by_an_unsortable_field_is_a_laravel_422(shelf):
    r = shelf.get("/books", 422, params={"sort": "-author"})
    assert r.json() == {"message": "The given data was invalid.", "errors": {"sort": ["Cannot sort by author."]}}


# -- Laravel errors and the data envelope --------------------------------------------------------


def test_laravel_errors(shelf):
    shelf.post("/books", 201, json={"title": "Dune"})
    r = shelf.post("/books", 422, json={"title": "Dune"})
    assert r.json() == {"message": "The given data was invalid.", "errors": {"title": ["title 'Dune' is already in use."]}}
    r = shelf.post("/books", 422, json={"title": "", "pages": 0})
    assert r.json()["message"] == "The given data was invalid." and set(r.json()["errors"]) == {"title", "pages"}
    r = shelf.post("/books", 422, json={"author": "Nobody"})
    assert r.json()["errors"] == {"title": ["This field is required."]}
    r = shelf.get("/books/999", 404)
    assert r.json() == {"message": "The book was not found."}
    r = shelf.get("/books", 401, headers={})
    assert set(r.json()) == {"message"} and r.json()["message"]
    assert shelf.get("/books").json()["total"] == 1


def test_data_envelope_wraps_records_but_not_list_pages(shelf):
    made = shelf.post("/books", 201, json={"title": "Emma", "author": "Austen", "pages": 400})
    assert set(made.json()) == {"data"} and made.json()["data"]["title"] == "Emma"
    book = made.json()["data"]
    assert shelf.get(f"/books/{book['id']}").json() == {"data": book}
    assert shelf.patch(f"/books/{book['id']}", json={"pages": 410}).json()["data"]["pages"] == 410
    listing = shelf.get("/books").json()
    assert "current_page" in listing and listing["data"][0]["title"] == "Emma"
    r = shelf.delete(f"/books/{book['id']}", 204)
    assert r.content == b""
    shelf.get(f"/books/{book['id']}", 404)


# -- the replace action --------------------------------------------------------------------------


def test_replace_resets_what_is_not_sent_and_keeps_what_the_server_owns(shelf, client):
    made = shelf.post("/shelves", 201, json={"name": "Fiction"}).json()
    assert set(made) == {"shelf"}  # the operation's own envelope, with its own field name
    shelf_id = made["shelf"]["id"]
    book = shelf.post("/books", 201, json={"title": "Emma", "author": "Austen", "pages": 400,
                                           "shelf_id": shelf_id}).json()["data"]
    client.post("/__sparring/clock", json={"advance": 60})
    replaced = shelf.put(f"/books/{book['id']}", json={"title": "Emma (2nd ed.)"}).json()["data"]
    assert replaced == {**book, "title": "Emma (2nd ed.)", "author": None, "pages": None, "shelf_id": None,
                        "updated_at": replaced["updated_at"]}
    assert replaced["updated_at"] > book["updated_at"] and replaced["created_at"] == book["created_at"]
    assert shelf.get(f"/books/{book['id']}").json()["data"] == replaced
    # a patch, by contrast, keeps what it is not sent
    patched = shelf.patch(f"/books/{book['id']}", json={"pages": 12}).json()["data"]
    assert patched["title"] == "Emma (2nd ed.)" and patched["pages"] == 12


def test_replace_checks_uniqueness_references_and_existence_and_changes_nothing_when_refused(shelf):
    first = shelf.post("/books", 201, json={"title": "One", "pages": 1}).json()["data"]
    second = shelf.post("/books", 201, json={"title": "Two", "pages": 2}).json()["data"]
    r = shelf.put(f"/books/{second['id']}", 422, json={"title": "One"})
    assert list(r.json()["errors"]) == ["title"]
    r = shelf.put(f"/books/{second['id']}", 422, json={"title": "Two", "shelf_id": 77})
    assert list(r.json()["errors"]) == ["shelf_id"]
    shelf.put("/books/999", 404, json={"title": "Nobody"})
    assert shelf.get(f"/books/{second['id']}").json()["data"] == second
    assert shelf.get(f"/books/{first['id']}").json()["data"] == first
    # its own title again is no clash
    assert shelf.put(f"/books/{second['id']}", json={"title": "Two"}).json()["data"]["pages"] is None


def test_replace_in_a_problem_details_partner(notes):
    note = notes.post("/notes", 201, json={"title": "Plan", "body": "Step one", "tags": ["a", "b"]}).json()["note"]
    replaced = notes.put(f"/notes/{note['id']}", json={"title": "Plan B"}).json()["note"]
    assert replaced == {"id": note["id"], "title": "Plan B", "body": None, "tags": []}


# -- problem details and the status-message envelope with a field --------------------------------


def test_problem_details_errors(notes):
    r = notes.get("/notes/41", 404)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                        "detail": "The note was not found.", "instance": "/notes/api/notes/41"}
    notes.post("/notes", 201, json={"title": "Plan"})
    r = notes.post("/notes", 400, json={"title": "Plan"})
    body = r.json()
    assert (body["type"], body["title"], body["status"]) == ("about:blank", "Bad Request", 400)
    assert body["errors"] == {"title": ["title 'Plan' is already in use."]}
    assert body["instance"] == "/notes/api/notes"
    r = notes.post("/notes", 401, headers={}, json={"title": "X"})
    assert r.json()["title"] == "Unauthorized" and r.json()["status"] == 401
    r = notes.get("/notes", 400, params={"sort": "body"})
    assert r.json()["errors"] == {"sort": ["Cannot sort by body."]}


def test_status_message_envelope_with_a_field(notes):
    made = notes.post("/notes", 201, json={"title": "Plan", "tags": ["x"]}).json()
    assert made == {"status": 1, "message": "Done", "note": {"id": 1, "title": "Plan", "body": None, "tags": ["x"]}}
    assert notes.get("/notes/1").json() == made
    assert notes.get("/notes").json() == [made["note"]]  # a list is its own envelope


# -- status zero at HTTP 200 and the status-message envelope spreading the record -----------------


KEY = {"X-Tally-Key": "tally-key"}


def test_status_zero_errors_answer_200_with_the_reason_in_the_body(app, client):
    tally = PartnerApi(client, app, "tally")
    r = tally.post("/counts", 200, headers=KEY, json={"value": -3})
    assert r.json()["status"] == 0 and set(r.json()) == {"status", "message"}
    assert "label" in r.json()["message"] and "value" in r.json()["message"]
    r = tally.get("/counts/9", 200, headers=KEY)
    assert r.json() == {"status": 0, "message": "The count was not found."}
    r = tally.get("/counts/9", 200, headers={"X-Tally-Key": "wrong"})
    assert r.json()["status"] == 0 and r.json()["message"]
    made = tally.post("/counts", 200, headers=KEY, json={"label": "visits", "value": 3}).json()
    assert made == {"status": 1, "message": "OK", "id": 1, "label": "visits", "value": 3}
    assert tally.get("/counts/1", 200, headers=KEY).json() == made
    # an operation's own envelope wins over the partner's
    assert tally.get("/counts/1/raw", 200, headers=KEY).json() == {"id": 1, "label": "visits", "value": 3}
