"""Does a request's cost grow with the collection? GET one, GET a page and an upsert, timed
in-process at two collection sizes; prints microseconds per request and the ratio large/small.

    .venv/bin/python bench/scaling.py [--small 1000] [--large 100000] [--requests 2000]

A ratio near 1.0 means the cost does not depend on how many records there are (a get is a dict
lookup, a page a slice of a sorted index, an upsert an index insert). CPU time of this process
is measured, so other load on the machine matters little.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from sparring.app import create_app

BASE = "/inventorypro/api/v1"


def build(size: int):
    app = create_app(["inventorypro"], seed=0)
    served = app.runtime.served["inventorypro"]
    customers = app.runtime.namespace("inventorypro")["customers"]
    template = customers.get("ACME-CORP")
    for i in range(size - len(customers)):
        customers.put({**template, "shortID": f"BULK-{i:07d}", "name": f"Bulk Customer {i}",
                       "modified": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00"})
    auth = served.env.auth
    token = auth.issue(auth.clients["demo-warehouse"])["access_token"]
    return app, token


def scope(method: str, path: str, token: str, query: bytes = b"", body: bytes = b"") -> dict:
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}


async def run(app, make_scope, n: int) -> float:
    statuses = []

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start = time.process_time()
    for i in range(n):
        sc, body = make_scope(i)

        async def receive(body=body):
            return {"type": "http.request", "body": body, "more_body": False}

        await app(sc, receive, send)
    elapsed = time.process_time() - start
    bad = [s for s in statuses if s >= 300]
    if bad:
        raise SystemExit(f"unexpected statuses: {sorted(set(bad))}")
    return elapsed / n * 1e6


def scenarios(token: str):
    def get_one(i):
        return scope("GET", f"{BASE}/Customer/ACME-CORP", token), b""

    def get_page(i):
        return scope("GET", f"{BASE}/Customer/All", token, f"page={1 + i % 20}&pageSize=25&sort=name".encode()), b""

    def upsert(i):
        body = json.dumps({"shortID": f"SCALE-{i % 500:04d}", "name": f"Scale {i}"}).encode()
        return scope("POST", f"{BASE}/Customer", token, body=body), body

    return {"GET one": get_one, "GET page (sorted by name)": get_page, "POST upsert": upsert}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()
    results = {}
    for size in (args.small, args.large):
        app, token = build(size)
        for name, make in scenarios(token).items():
            asyncio.run(run(app, make, 200))  # warm-up
            results[(name, size)] = asyncio.run(run(app, make, args.requests))
    print(f"{'scenario':<28}{args.small:>12,} rec{args.large:>12,} rec{'ratio':>9}")
    for name in scenarios("x"):
        small, large = results[(name, args.small)], results[(name, args.large)]
        print(f"{name:<28}{small:>12.0f} us{large:>12.0f} us{large / small:>9.2f}")


if __name__ == "__main__":
    main()
