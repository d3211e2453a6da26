#!/usr/bin/env python3
"""Round trips to Redis per request on the Redis store: GET one customer, GET a page of 25, POST an
upsert (inventorypro, in-process, after a warm-up), counted as the packed commands redis-py sends
(a pipeline or a Lua call is one). Starts its own redis-server as the tests do
(tests/redis_server.py). Also says which reply parser redis-py uses (hiredis, when installed).

    .venv/bin/python bench/redis_round_trips.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import redis.connection  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from redis_server import RedisServer, redis_server_binary  # noqa: E402
from sparring.app import create_app  # noqa: E402
from sparring.engine.store.redis import RedisStore  # noqa: E402

IP = "/inventorypro/api/v1"
DEMO = {"grant_type": "client_credentials", "client_id": "demo-warehouse", "client_secret": "demo-warehouse-secret"}


def main() -> None:
    binary, why = redis_server_binary()
    if binary is None:
        raise SystemExit(why)
    server = RedisServer(binary)
    sent = [0]
    connection = redis.connection.AbstractConnection
    send = connection.send_packed_command

    def counted(self, *args, **kwargs):
        sent[0] += 1
        return send(self, *args, **kwargs)

    connection.send_packed_command = counted
    try:
        store = RedisStore(server.url, prefix="round-trips")
        with TestClient(create_app(["inventorypro"], store=store)) as client:
            headers = {"Authorization": "Bearer " + client.post(IP + "/Token", data=DEMO).json()["access_token"]}
            scenarios = {
                "GET one": lambda i: client.get(IP + "/Customer/ACME-CORP", headers=headers),
                "GET page of 25": lambda i: client.get(IP + "/Customer/All?pageSize=25", headers=headers),
                "POST upsert": lambda i: client.post(IP + "/Customer", headers=headers,
                                                     json={"shortID": f"RT-{i % 5}", "name": f"Round trip {i}"}),
            }
            for name, request in scenarios.items():
                for i in range(5):  # warm-up: seeding, the first write's copy of the collection
                    assert request(i).status_code < 300, name
                sent[0] = 0
                for i in range(50):
                    request(i)
                print(f"{name:<16} {sent[0] / 50:5.2f} round trips per request")
            parser = type(store.client.connection_pool.make_connection()._parser).__name__
            print(f"reply parser: {parser}")
    finally:
        connection.send_packed_command = send
        server.stop()


if __name__ == "__main__":
    main()
