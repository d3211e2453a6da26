"""Regression tests for issue 8: every class of bad input that once got a 500 now gets a clear 4xx
in the partner's error shape (or the control API's), and changes nothing.

The bytes go over a plain socket to a real `sparring serve` (``rawhttp.py``): an HTTP client or
the test client would refuse to send, or fix up, most of them (bad encodings, chunked bodies).
One test per class of input, not per byte; the campaign (``test_bad_input_campaign.py``) sends
thousands of them.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from rawhttp import chunked, exchange, request
from served import Served
from sparring.http.limits import MAX_BODY_BYTES, MAX_JSON_DEPTH

IP = "/inventorypro/api/v1"
YO = "/yodify/api/v1"
YODIFY = {"Authorization": "Bearer yodify-demo-token"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server():
    served = Served("--seed", "0")
    yield served
    assert served.stop() == 0
    assert "Traceback" not in served.output, served.output[-3000:]  # no unhandled error on the way


@pytest.fixture(scope="module")
def ip_auth(server):
    data = b"grant_type=client_credentials&client_id=demo-warehouse&client_secret=demo-warehouse-secret"
    token = json.load(urllib.request.urlopen(f"{server.base}{IP}/Token", data=data))["access_token"]
    return {"Authorization": f"Bearer {token}"}


def send(server, method, path, headers=None, body=b"", **kw):
    return exchange(server.port, request(method, path, headers=headers, body=body, **kw))


def snapshot(server, ip_auth) -> tuple:
    """What a normal client reads back: every customer, and one Yodify account page."""
    customers = send(server, "GET", f"{IP}/Customer/All?pageSize=250", ip_auth)
    accounts = send(server, "GET", f"{YO}/Accounts?Limit=100", YODIFY)
    assert customers.status == 200 and accounts.status == 200
    return customers.json()["value"], accounts.json()["data"]


def assert_vendor_error(response, status: int, path: str, says: str | None = None) -> None:
    assert response.status == status, response.body[:300]
    body = response.json()
    if path.startswith(IP):
        assert set(body) == {"statusCode", "error", "message", "details"} and body["statusCode"] == status
        text = body["message"]
    elif path.startswith(YO):
        assert body["status"] == status and body["title"]
        text = body.get("detail", "")
    else:  # the control API
        assert body["status"] == status and body["title"]  # problem+json, as every control error
        text = body["detail"]
    if says:
        assert says in text, text


# -- 1. form bodies with bytes that are not UTF-8 ----------------------------------------------

@pytest.mark.parametrize("body", [
    b"grant_type=client_credentials&client_id=\xff",          # in a value
    b"grant_type=client_credentials&\xff=1",                  # in a name
    b"grant_type=client_credentials&client_id=\xed\xa0\x80",  # an encoded surrogate
], ids=["value", "name", "surrogate"])
def test_form_with_bytes_that_are_not_utf8_is_a_400(server, ip_auth, body):
    before = snapshot(server, ip_auth)
    assert_vendor_error(send(server, "POST", f"{IP}/Token", FORM, body), 400, IP)
    assert snapshot(server, ip_auth) == before


# -- 2. too many form fields, urlencoded and multipart ---------------------------------------

def test_too_many_form_fields_is_a_400(server, ip_auth):
    body = b"grant_type=client_credentials&" + b"&".join(b"f%d=1" % i for i in range(1001))
    assert_vendor_error(send(server, "POST", f"{IP}/Token", FORM, body), 400, IP, "Too many fields")


def test_too_many_multipart_fields_is_a_400(server, ip_auth):
    before = snapshot(server, ip_auth)
    parts = b"".join(b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i for i in range(1001))
    body = parts + b'--B\r\nContent-Disposition: form-data; name="quoteDocument"; filename="a.txt"\r\n\r\nx\r\n--B--\r\n'
    headers = {**YODIFY, "Content-Type": "multipart/form-data; boundary=B"}
    assert_vendor_error(send(server, "POST", f"{YO}/QuoteDocuments/1", headers, body), 400, YO, "Too many fields")
    assert snapshot(server, ip_auth) == before


# -- 3. and 6. JSON nested deeper than the limit, on partner and control routes ---------------

@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 300, 980, 5000])
@pytest.mark.parametrize("path", [f"{IP}/Customer", f"{YO}/Accounts", "/__sparring/reset", "/__sparring/clock"])
def test_json_nested_past_the_limit_is_a_400(server, ip_auth, path, depth):
    before = snapshot(server, ip_auth)
    headers = {**JSON, **(ip_auth if path.startswith(IP) else YODIFY)}
    for body in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        assert_vendor_error(send(server, "POST", path, headers, body), 400, path, f"deeper than {MAX_JSON_DEPTH}")
    assert snapshot(server, ip_auth) == before


def test_json_nested_to_the_limit_is_read(server, ip_auth):
    body = b'{"shortID": "DEEP-CO", "name": ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b"}"
    r = send(server, "POST", f"{IP}/Customer", {**JSON, **ip_auth}, body)
    assert_vendor_error(r, 400, IP)  # read and validated: name must be a string
    assert r.json()["error"] == "validation_error" and "name" in r.json()["details"]


def test_brackets_inside_strings_do_not_count_as_nesting(server, ip_auth):
    body = json.dumps({"shortID": "BRACKET-CO", "name": "[" * 500 + "{" * 500}).encode()
    r = send(server, "POST", f"{IP}/Customer", {**JSON, **ip_auth}, body)
    assert r.status in (200, 201) and r.json()["name"].startswith("[[[")
    assert send(server, "DELETE", f"{IP}/Customer/BRACKET-CO", ip_auth).status == 204


# -- 4. numbers Python will not convert or that are not finite --------------------------------

@pytest.mark.parametrize("number, says", [
    (b"1" * 4301, "longer than 1000"),
    (b"1" * 1001, "longer than 1000"),
    (b"-" + b"9" * 5000, "longer than 1000"),
    (b"1." + b"0" * 2000, "longer than 1000"),
    (b"1e400", "out of range"),
    (b"-1e400", "out of range"),
])
@pytest.mark.parametrize("path", [f"{IP}/Customer", f"{YO}/Accounts", "/__sparring/clock"])
def test_numbers_out_of_range_are_a_400(server, ip_auth, path, number, says):
    before = snapshot(server, ip_auth)
    headers = {**JSON, **(ip_auth if path.startswith(IP) else YODIFY)}
    body = b'{"shortID": "NUM-CO", "name": "n", "advance": ' + number + b"}"
    assert_vendor_error(send(server, "POST", path, headers, body), 400, path, says)
    assert snapshot(server, ip_auth) == before


# -- 7. NaN and Infinity are not JSON --------------------------------------------------------

@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("path", [f"{IP}/Customer", f"{YO}/Accounts", "/__sparring/clock"])
def test_nan_and_infinity_literals_are_malformed_json(server, ip_auth, path, literal):
    headers = {**JSON, **(ip_auth if path.startswith(IP) else YODIFY)}
    body = b'{"shortID": "NAN-CO", "name": "n", "advance": ' + literal.encode() + b"}"
    assert_vendor_error(send(server, "POST", path, headers, body), 400, path, f"{literal} is not a JSON value")


# -- 5. the clock: only finite advances that keep time in range -------------------------------

@pytest.mark.parametrize("advance", ["1e12", "-1e12", "99999999999999999999", "1e308"])
def test_clock_refuses_an_advance_out_of_range_and_keeps_working(server, ip_auth, advance):
    before = send(server, "GET", "/__sparring/clock").json()["offset_seconds"]
    r = send(server, "POST", "/__sparring/clock", JSON, b'{"advance": ' + advance.encode() + b"}")
    assert_vendor_error(r, 400, "/__sparring/clock", "1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z")
    assert r.json()["min_advance"] < 0 < r.json()["max_advance"]
    assert send(server, "GET", "/__sparring/clock").json()["offset_seconds"] == before
    snapshot(server, ip_auth)  # every partner still answers


# -- 6. the control API has the partners' size limit ------------------------------------------

def test_control_body_over_the_size_limit_is_a_413(server):
    head = request("POST", "/__sparring/reset", headers={**JSON, "Content-Length": str(50 * 1024 * 1024)})
    r = exchange(server.port, head + b"[" * 1000)  # the answer comes before the body is read
    assert_vendor_error(r, 413, "/__sparring/reset")
    big = b'{"seed": 0, "pad": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    r = exchange(server.port, request("POST", "/__sparring/reset",
                                      headers={**JSON, "Transfer-Encoding": "chunked"}, body=chunked(big, 65536)))
    assert r.status == 413


def test_control_body_that_is_not_a_json_object_is_a_400(server):
    for body in (b"[1]", b'"seed"', b"{", b"\xff\xfe"):
        assert_vendor_error(send(server, "POST", "/__sparring/reset", JSON, body), 400, "/__sparring/reset")


# -- 8. chunked request bodies are read; over the limit they are a 413 ------------------------

def test_chunked_bodies_are_read_like_any_other(server, ip_auth):
    body = chunked(b"grant_type=client_credentials&client_id=demo-warehouse&client_secret=demo-warehouse-secret")
    r = exchange(server.port, request("POST", f"{IP}/Token", headers={**FORM, "Transfer-Encoding": "chunked"}, body=body))
    assert r.status == 200 and r.json()["access_token"]
    body = chunked(json.dumps({"shortID": "CHUNKED-CO", "name": "Chunked"}).encode())
    r = exchange(server.port, request("POST", f"{IP}/Customer",
                                      headers={**JSON, **ip_auth, "Transfer-Encoding": "chunked"}, body=body))
    assert r.status == 201 and r.json()["name"] == "Chunked"
    assert send(server, "GET", f"{IP}/Customer/CHUNKED-CO", ip_auth).json()["name"] == "Chunked"
    body = chunked(json.dumps({"name": "Chunked Account"}).encode())
    r = exchange(server.port, request("POST", f"{YO}/Accounts",
                                      headers={**JSON, **YODIFY, "Transfer-Encoding": "chunked"}, body=body))
    assert r.status == 200 and r.json()["name"] == "Chunked Account"


def test_an_empty_chunked_body_is_a_missing_body(server, ip_auth):
    r = exchange(server.port, request("POST", f"{IP}/Customer",
                                      headers={**JSON, **ip_auth, "Transfer-Encoding": "chunked"}, body=b"0\r\n\r\n"))
    assert_vendor_error(r, 400, IP, "A request body is required.")


def test_a_chunked_body_over_the_limit_is_a_413(server, ip_auth):
    before = snapshot(server, ip_auth)
    big = json.dumps({"shortID": "HUGE-CO", "name": "x" * (MAX_BODY_BYTES + 1)}).encode()
    r = exchange(server.port, request("POST", f"{IP}/Customer",
                                      headers={**JSON, **ip_auth, "Transfer-Encoding": "chunked"}, body=chunked(big, 65536)))
    assert_vendor_error(r, 413, IP)
    assert snapshot(server, ip_auth) == before


# -- 13. Allow on every 405, WWW-Authenticate on every 401 ------------------------------------

@pytest.mark.parametrize("path", [f"{IP}/ui/", f"{IP}/openapi.json", f"{YO}/openapi.yaml", f"{YO}/ui/swagger-ui.css"])
def test_docs_routes_answer_other_methods_with_405_and_allow(server, path):
    r = send(server, "POST", path, JSON, b"{}")
    assert r.status == 405 and r.headers["allow"] == "GET, HEAD"


def test_a_token_refusal_names_the_authentication_scheme(server):
    r = send(server, "POST", f"{IP}/Token", FORM, b"grant_type=client_credentials&client_id=x&client_secret=y")
    assert r.status == 401 and r.headers["www-authenticate"].startswith("Basic")
    r = send(server, "GET", f"{IP}/Customer/All")
    assert r.status == 401 and r.headers["www-authenticate"] == "Bearer"


# -- 9. Yodify: the spec and the server agree that a request body is required ----------------

def test_yodify_request_bodies_are_required_in_the_spec_and_by_the_server(server):
    spec = send(server, "GET", f"{YO}/openapi.json").json()
    bodies = [op["requestBody"] for item in spec["paths"].values() for op in item.values()
              if isinstance(op, dict) and "requestBody" in op]
    assert len(bodies) == 34 and all(b["required"] is True for b in bodies)
    r = send(server, "POST", f"{YO}/Accounts", {**YODIFY, **JSON, "Content-Length": "0"})
    assert_vendor_error(r, 400, YO, "A request body is required.")
