"""The in-process transport of ``sparring fuzz`` (contract/direct_transport.py) against
schemathesis' own: the same requests reach the app, and schemathesis reads the same answers, for
each kind of request a run sends and for an answer requests still works on (a redirect it
follows). Each side talks to a fresh app of its own; only the tokens (each app signs its own)
and schemathesis' random case ids differ, so they are left out of the comparison."""

from __future__ import annotations

import re
import typing as t

from sparring import contract
from sparring.contract import runner
from sparring.contract.direct import same_thread

TOKEN = re.compile(rb"eyJ[\w-]+\.[\w-]+\.[\w-]+")
UNEQUAL = (b"authorization", b"x-schemathesis-testcaseid")  # each app's token; a random id per case


class Recorder:
    """An ASGI app in front of sparring's: notes each request as the app receives it."""

    def __init__(self, app: t.Any) -> None:
        self.app, self.runtime, self.seen = app, app.runtime, []

    async def __call__(self, scope: dict, receive: t.Any, send: t.Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        body = []

        async def reading() -> dict:
            message = await receive()
            body.append(message.get("body", b""))
            return message

        headers = [(k, v) for k, v in scope["headers"] if k not in UNEQUAL]
        await self.app(scope, reading, send)
        self.seen.append((scope["method"], scope["raw_path"], scope["query_string"], headers, b"".join(body),
                          scope["scheme"], scope["server"], scope["client"], scope["http_version"]))


def _side() -> tuple[t.Any, Recorder, dict]:
    loaded, target, creds, settings = contract.prepare("inventorypro", max_examples=1)
    recorder = Recorder(target.app)
    target.app = recorder
    schema = runner.build_schema(loaded, target, creds, settings)
    (scheme,) = creds.schemes.values()
    return schema, recorder, {"Authorization": f"Bearer {scheme['bearer']}"}


def _cases(schema: t.Any) -> list:
    customer = {"shortID": "TRANSPORT-1", "name": "Transport Test", "email": "t@example.com"}
    return [
        schema["/Customer/{id}"]["GET"].Case(path_parameters={"id": "ACME-CORP"}),
        schema["/Customer/{id}"]["GET"].Case(path_parameters={"id": "not one/of ours"}),
        schema["/Customer/{id}"]["GET"].Case(path_parameters={"id": ""}),  # /Customer/: a 307, followed
        schema["/Customer/All"]["GET"].Case(query={"Page": 1, "PageSize": 2, "unknown": ["a", "b"]}),
        schema["/Customer"]["POST"].Case(body=customer, media_type="application/json"),
        schema["/Customer"]["POST"].Case(body="not json at all", media_type="text/plain"),
        schema["/Customer/{id}"]["DELETE"].Case(path_parameters={"id": "TRANSPORT-1"}),
        schema["/Token"]["POST"].Case(body={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                            "client_secret": "wrong"}, media_type="application/x-www-form-urlencoded"),
    ]


def _answers(schema: t.Any, headers: dict) -> list:
    answers = []
    for case in _cases(schema):
        response = case.call(headers=dict(headers))
        request = response.request
        answers.append((response.status_code, response.headers, TOKEN.sub(b"T", response.content), response.message,
                        response.encoding, response.http_version, response.verify, response.stream_cut_short,
                        request.method, request.url,
                        [(k, v) for k, v in request.headers.items() if k.lower().encode() not in UNEQUAL],
                        request.body))
    return answers


def test_the_in_process_transport_sends_and_reads_what_schemathesis_transport_does():
    direct_schema, direct_app, direct_auth = _side()
    with same_thread(direct_app):
        direct = _answers(direct_schema, direct_auth)
    own_schema, own_app, own_auth = _side()
    own = _answers(own_schema, own_auth)  # schemathesis' transport: requests' session, its own portal
    assert direct_app.seen == own_app.seen
    assert direct == own
    statuses = [answer[0] for answer in own]
    # found, not found (its slash sent as %2F), the empty id redirected to a path without GET, a page, created,
    # not JSON, deleted, a wrong secret
    assert statuses == [200, 404, 405, 200, 201, 415, 204, 401]
    redirected = [seen for seen in own_app.seen if seen[1].endswith(b"/Customer/")]
    assert redirected, "no request ended in a slash"
    assert own[2][9].endswith("/Customer"), "the redirect was not followed"
    assert len(own_app.seen) == len(_cases(own_schema)) + 1  # the redirect's second request
