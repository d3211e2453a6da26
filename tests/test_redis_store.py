"""The Redis backend: the same answers as the memory store, and nothing lost when several worker
processes write at once (a real ``sparring serve --workers 3 --store redis://...``)."""

from __future__ import annotations

import random
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis

from redis_server import free_port
from sparring.engine.store import Filter
from sparring.engine.store.memory import Collection, _order
from sparring.engine.store.redis import RedisStore, encode, isolated

VALUES = [None, False, True, -3.5, -1, 0, 0.5, 1, 2, 10, 2**40, "", "A", "B", "a", "a\x00", "a\x00b",
          "a\x01", "ab", "é", "日本", "\U0001f600", ["x"], {"k": 1}]


def test_encoding_orders_values_as_the_memory_store_does():
    by_encoding = sorted(VALUES, key=encode)
    by_order = sorted(VALUES, key=_order)
    assert [_order(v) for v in by_encoding] == [_order(v) for v in by_order]


class Spec:
    """What the Redis store needs of a collection declaration."""

    def __init__(self, name, key, indexed):
        self.name, self.key, self.indexed = name, key, indexed

    def new_collection(self):
        return Collection(self.name, self.key, self.indexed)


def _records(rng: random.Random, n: int) -> list[dict]:
    cities = ["Oslo", "oslo", "Bergen", "", None, "Ålesund"]
    return [{"id": i, "city": rng.choice(cities), "score": rng.choice([None, 0, 1, 2.5, -4, 7]),
             "flag": rng.choice([True, False, None]), "name": f"n{rng.randrange(30)}"} for i in range(1, n + 1)]


QUERIES = [
    {},
    {"sort": "city"},
    {"sort": "score", "descending": True, "offset": 3, "limit": 7},
    {"sort": "city", "where": [Filter("city", "gte", "B")], "limit": 5},
    {"sort": "city", "where": [Filter("city", "lt", "Oslo")], "descending": True},
    {"where": [Filter("score", "gt", 0), Filter("city", "eq", "Oslo")]},
    {"sort": "score", "where": [Filter("score", "lte", 2.5), Filter("flag", "eq", True)], "offset": 1, "limit": 3},
    {"where": [Filter("name", "contains", "1", ("name", "city"))]},
    {"where": [Filter("city", "in", ["Oslo", "Bergen"])], "sort": "name"},
    {"where": [Filter("score", "present", "true")], "sort": "score"},
    {"keys": [5, 3, 99, 5], "sort": "city", "descending": True},
    {"where": [Filter("name", "eq", "n3")]},
]


def test_queries_answer_as_in_memory(redis_url):
    spec = Spec("things", "id", ["city", "score", "flag", "name"])
    rng = random.Random(7)
    records = _records(rng, 120)

    def seeder(namespace):
        for record in records[:80]:
            namespace["things"].put(record)

    store = isolated(redis_url)
    store.define("demo", {"things": spec}, seeder)
    memory = spec.new_collection()
    for record in records[:80]:
        memory.put(record)
    ns = store.namespace("demo", "diff")
    with ns.transaction():
        for record in records[80:]:  # writes copy the collection out of the snapshot first
            ns["things"].put(record)
            memory.put(record)
        for pk in (2, 50, 90):
            assert ns["things"].remove(pk) == memory.remove(pk)
        changed = {**records[10], "city": "Zürich", "score": 3}
        ns["things"].put(changed)
        memory.put(changed)
        assert ns["things"].next_id() == memory.next_id()
    things = store.namespace("demo", "diff")["things"]
    assert len(things) == len(memory)
    for query in QUERIES:
        assert things.query(**query) == memory.query(**query), query
        first = store.namespace("demo", "diff")["things"]  # the namespace's first use: read in its opening call
        assert first.query(**query) == memory.query(**query), query
        assert store.namespace("demo", "diff")["things"].get(11) == memory.get(11)
    assert list(things.records()) == list(memory.records())
    # another namespace still reads the untouched snapshot
    assert len(store.namespace("demo", "other")["things"]) == 80
    assert store.namespaces("demo") == ["diff", "other"]
    store.reset("demo", "diff")
    assert len(store.namespace("demo", "diff")["things"]) == 80



def test_a_replaced_snapshot_stays_while_a_namespace_reads_it_and_goes_after(redis_url):
    """A reseed of one namespace keeps the old snapshot (and its tenant parts) for the namespaces
    that read it; dropping the last of them, or a reset of every namespace, deletes it."""
    spec = Spec("things", "id", ["city"])
    seed = ["one"]

    def seeder(namespace):
        for i in range(1, 4):
            namespace["things"].put({"id": i, "city": "Oslo" if i < 3 else None, "seed": seed[0]})

    store = isolated(redis_url)
    store.define("demo", {"things": spec}, seeder)

    def snapshots() -> list[str]:
        keys = [k.decode() for k in store.client.scan_iter(store.partner_base("demo") + ":s*")]
        return sorted({m.group(1) for m in map(re.compile(r":s(\d+):").search, keys) if m})

    def reads(name: str, scope=None) -> str:
        return store.namespace("demo", name, scope)["things"].get(1)["seed"]

    tenant = ("city", "Oslo")
    assert reads("keep") == reads("tenant", tenant) == reads("reseeded") == "one"
    seed[0] = "two"
    store.reset("demo", "reseeded", reseed=True)
    assert reads("keep") == reads("tenant", tenant) == "one"
    assert reads("reseeded") == reads("later") == reads("later-tenant", tenant) == "two"
    assert snapshots() == ["0", "1"]
    store.drop("demo", "keep")
    assert snapshots() == ["0", "1"]  # the tenant's part of snapshot 0 is still read
    store.drop("demo", "tenant")
    assert snapshots() == ["1"]
    seed[0] = "three"
    store.reset("demo", "reseeded", reseed=True)
    assert reads("later") == "two" and snapshots() == ["1", "2"]
    store.reset("demo")  # every namespace goes, so no one reads snapshot 1
    assert snapshots() == ["2"] and reads("later") == "three"

def _serve(url: str, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sparring", "serve", "--workers", "3", "--store", url, "--partner", "inventorypro",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sparring serve exited: {process.stdout.read()}")
        try:
            if httpx.get(base + "/__sparring/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("sparring serve --workers 3 did not answer within 90 s")


FIELDS = ["name", "address1", "address2", "city", "state", "zip", "country", "phone", "fax", "email", "contact"]


def test_several_workers_write_at_once_and_lose_nothing(redis_url):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api = base + "/inventorypro/api/v1"
    process = _serve(redis_url, port)
    try:
        _wait(base, process)
        token = httpx.post(api + "/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                                 "client_secret": "demo-warehouse-secret"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        before = httpx.get(api + "/Customer/All", headers=headers).json()["totalCount"]

        def upsert(body: dict) -> int:
            with httpx.Client(headers=headers, timeout=30) as client:  # a connection of its own
                return client.post(api + "/Customer", json=body).status_code

        creates = [{"shortID": f"CONC-{i}", "name": f"Writer {i}"} for i in range(60)]
        # every field of one customer written at once by a different request: a lost update drops one
        fields = [{"shortID": "CONC-0", field: f"{field}-value"} for field in FIELDS] * 3
        with ThreadPoolExecutor(12) as pool:
            assert sorted(set(pool.map(upsert, creates))) == [201]
            assert sorted(set(pool.map(upsert, fields))) == [200]

        page = httpx.get(api + "/Customer/All", headers=headers, params={"pageSize": 250}).json()
        assert page["totalCount"] == before + 60
        assert {c["shortID"] for c in page["value"]} >= {c["shortID"] for c in creates}
        one = httpx.get(api + "/Customer/CONC-0", headers=headers).json()
        assert {f: one[f] for f in FIELDS} == {f: f"{f}-value" for f in FIELDS}

        # the writes went through more than one worker (each names its Redis connection by pid)
        names = {c["name"] for c in redis.Redis.from_url(redis_url).client_list()}
        workers = {n for n in names if re.fullmatch(r"sparring-\d+", n) and n != f"sparring-{process.pid}"}
        assert len(workers) >= 2, names

        # a reset on one worker is seen by all of them
        assert httpx.post(base + "/__sparring/reset").status_code == 200
        for _ in range(6):
            with httpx.Client(headers=headers) as client:
                assert client.get(api + "/Customer/CONC-0").status_code == 404
                assert client.get(api + "/Customer/All").json()["totalCount"] == before

        # each worker keeps the clock offset in memory: a clock move on one worker answers only once
        # every worker dropped its copy, so the token is refused everywhere from then on
        for _ in range(6):
            with httpx.Client(headers=headers) as client:
                assert client.get(api + "/Customer/All").status_code == 200
        assert httpx.post(base + "/__sparring/clock", json={"advance": 14400 + 60}).status_code == 200
        for _ in range(12):
            with httpx.Client(headers=headers) as client:  # a connection of its own: any worker
                assert client.get(api + "/Customer/All").status_code == 401
    finally:
        process.terminate()
        process.wait(30)


def test_several_workers_share_out_a_burst_of_keep_alive_connections(redis_url):
    """32 connections opened at once, one request each, as a load test opens them: both workers
    serve a fair part. Each worker numbers its own journal entries from 1 (X-Sparring-Journal-Id),
    so the numbers two workers gave overlap by as many requests as the quieter worker served."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve_workers(redis_url, port)
    try:
        _wait(base, process)
        token = httpx.post(base + "/inventorypro/api/v1/Token", data={
            "grant_type": "client_credentials", "client_id": "demo-warehouse",
            "client_secret": "demo-warehouse-secret"}).json()["access_token"]
        connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(32)]
        request = (f"GET /inventorypro/api/v1/Customer/ACME-CORP HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {token}\r\n\r\n").encode()
        for connection in connections:
            connection.sendall(request)
        numbers = []
        for connection in connections:
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(65536)
            fields = dict(line.split(": ", 1) for line in head.split(b"\r\n\r\n")[0].decode().split("\r\n")[1:])
            numbers.append({k.lower(): v for k, v in fields.items()}["x-sparring-journal-id"])
            connection.close()
        overlap = len(numbers) - len(set(numbers))
        assert overlap >= 6, sorted(numbers, key=int)
    finally:
        process.terminate()
        process.wait(30)


def test_store_url_prefix(redis_url):
    store = RedisStore.from_url(redis_url + "?prefix=mine")
    assert store.prefix == "mine"
    store.shared.set("seed", 4)
    assert RedisStore.from_url(redis_url, prefix="mine").shared.get("seed") == 4
    assert store.shared.setdefault("seed", 9) == 4


def _serve_workers(url: str, port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sparring", "serve", "--workers", "2", "--store", url, "--partner", "inventorypro",
         "--port", str(port), "--log-level", "warning", "--no-access-log", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    return process.communicate(timeout=30)[0]


def test_several_workers_keep_a_state_file_caps_and_drop_idle_namespaces(redis_url, tmp_path):
    url = f"{redis_url}?prefix=state-{free_port()}"
    state = tmp_path / "state.json"
    port = free_port()
    base, api = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/inventorypro/api/v1"
    process = _serve_workers(url, port, "--state", str(state), "--max-namespaces", "2")
    try:
        _wait(base, process)
        token = httpx.post(api + "/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                                 "client_secret": "demo-warehouse-secret"}).json()["access_token"]
        ci = {"Authorization": f"Bearer {token}", "X-Sparring-Namespace": "ci"}
        assert httpx.post(api + "/Customer", json={"shortID": "KEEP-1", "name": "Kept"}, headers=ci).status_code == 201
        # default (the token's) and ci exist: a third namespace is past the cap, on every worker
        for _ in range(4):
            with httpx.Client() as client:
                third = client.get(api + "/Customer/All", headers={**ci, "X-Sparring-Namespace": "third"})
                assert third.status_code == 429 and third.headers["x-sparring-cap"] == "max-namespaces"
        listing = httpx.get(base + "/__sparring/namespaces").json()
        assert [n["name"] for n in listing["partners"]["inventorypro"]] == ["ci", "default"]
        assert httpx.post(base + "/__sparring/state/save").json()["saved"] == str(state)
        assert "KEEP-1" in state.read_text()
        assert httpx.post(api + "/Customer", json={"shortID": "KEEP-2", "name": "After"}, headers=ci).status_code == 201
    finally:
        output = _stop(process)
    assert "state: saved to" in output  # on shutdown, by the parent, with what every worker wrote

    port = free_port()
    base, api = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/inventorypro/api/v1"
    process = _serve_workers(url, port, "--state", str(state))
    try:
        _wait(base, process)
        for short_id in ("KEEP-1", "KEEP-2"):  # the token from before the restart is still valid
            with httpx.Client() as client:
                assert client.get(f"{api}/Customer/{short_id}", headers=ci).status_code == 200
    finally:
        _stop(process)

    # the parent drops idle namespaces of the shared store (a fresh start: the state file is not read)
    port = free_port()
    base, api = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/inventorypro/api/v1"
    process = _serve_workers(url, port, "--drop-idle-after", "1")
    try:
        _wait(base, process)
        ci["Authorization"] = "Bearer " + httpx.post(api + "/Token", data={
            "grant_type": "client_credentials", "client_id": "demo-warehouse",
            "client_secret": "demo-warehouse-secret"}).json()["access_token"]
        assert httpx.post(api + "/Customer", json={"shortID": "TEMP", "name": "Temp"}, headers=ci).status_code == 201
        deadline = time.monotonic() + 30
        while "ci" in {n["name"] for n in httpx.get(base + "/__sparring/namespaces").json()["partners"]["inventorypro"]}:
            assert time.monotonic() < deadline, "the idle namespace was not dropped"
            time.sleep(0.2)
        assert httpx.get(f"{api}/Customer/TEMP", headers=ci).status_code == 404
    finally:
        output = _stop(process)
    assert "inventorypro/ci" in output
