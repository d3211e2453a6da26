"""What 1,000 namespaces cost: time and memory to create them, each with one read and one write.

    .venv/bin/python bench/namespaces.py [--count 1000] [--partner yodify]

Every namespace starts as a copy-on-write view of the partner's seeded snapshot; its first write
copies only the collection written. The budget (README, "Namespaces"): 1,000 namespaces that each
read and write one record take under 5 s and under 200 MB on the 2-core project machine.
Measured in-process through the ASGI app (no sockets), so the figures are the engine's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time

from sparring.app import create_app

WRITES = {
    "inventorypro": ("POST", "/inventorypro/api/v1/Customer", {"shortID": "NS-ONE", "name": "Namespace One"}),
    "yodify": ("POST", "/yodify/api/v1/Accounts", {"name": "Namespace Account"}),
}
READS = {"inventorypro": "/inventorypro/api/v1/Customer/ACME-CORP", "yodify": "/yodify/api/v1/Accounts/1"}


async def call(app, method: str, path: str, headers: dict[str, str], body: dict | None = None) -> int:
    raw = json.dumps(body).encode() if body is not None else b""
    head = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if raw:
        head += [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), *head], "client": ("127.0.0.1", 1), "server": ("bench", 80)}
    sent = {"body": raw}
    status = {}

    async def receive():
        body, sent["body"] = sent["body"], b""
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    await app(scope, receive, send)
    return status["code"]


def auth_for(app, partner: str) -> dict[str, str]:
    served = app.runtime.served[partner]
    client = next(iter(served.env.auth.clients.values()))
    token = client.token or served.env.auth.issue(client)["access_token"]
    return {"authorization": f"Bearer {token}"}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--partner", choices=sorted(WRITES), default="yodify")
    args = parser.parse_args()
    app = create_app([args.partner], seed=0)
    auth = auth_for(app, args.partner)
    method, path, body = WRITES[args.partner]
    assert await call(app, "GET", READS[args.partner], auth) == 200  # seeds the snapshot, outside the measure
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    for n in range(args.count):
        headers = {**auth, "x-sparring-namespace": f"job-{n}"}
        assert await call(app, "GET", READS[args.partner], headers) == 200
        assert await call(app, method, path, headers, body) in (200, 201)
    elapsed = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    print(f"{args.count} namespaces of {args.partner}, each one read and one write: {elapsed:.2f} s "
          f"({elapsed / args.count * 1000:.2f} ms each); peak memory grew {grown:.0f} MB "
          f"({grown * 1024 / args.count:.0f} kB each)")


if __name__ == "__main__":
    asyncio.run(main())
