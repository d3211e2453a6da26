#!/usr/bin/env python3
"""Where sparring spends its time per request, without sockets: the ASGI app called in a loop.

Builds ``create_app(["inventorypro"])``, sends the benchmark's requests straight into it (no
uvicorn, no TCP, no wrk competing for the CPU) and prints the CPU time per request. With
``--profile`` it runs the same loop under cProfile and prints, per scenario, the call tree below the
app's entry point (microseconds per request for each layer, scaled to the unprofiled time) and the
self time grouped by module. Standard library only; the numbers exclude uvicorn and the kernel,
which ``compare_prism.py`` includes.

    .venv/bin/python bench/asgi_profile.py                   # µs per request, every scenario
    .venv/bin/python bench/asgi_profile.py --profile one     # call tree for GET one
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import re
import sys
import time
import typing as t
import urllib.parse
from collections import Counter, defaultdict

PREFIX = "/inventorypro/api/v1"
UPSERT = ('{"shortID":"BENCH-%d","name":"Bench Customer %d","address1":"1 Load Street",'
          '"city":"Springfield","state":"IL","zip":"62701","country":"US",'
          '"email":"bench@example.com","contact":"Wrk Runner"}')

SCENARIOS: dict[str, tuple[str, str, str, str | None]] = {
    # name: (method, path, query, body template)
    "list": ("GET", f"{PREFIX}/Customer/All", "pageSize=25", None),
    "list1": ("GET", f"{PREFIX}/Customer/All", "pageSize=1", None),
    "one": ("GET", f"{PREFIX}/Customer/ACME-CORP", "", None),
    "upsert": ("POST", f"{PREFIX}/Customer", "", UPSERT),
}


class Client:
    """Calls an ASGI app as uvicorn would for one HTTP/1.1 request, and keeps the status."""

    def __init__(self, app: t.Any) -> None:
        self.app = app

    async def request(self, method: str, path: str, query: str = "", headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, bytes]:
        raw = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"asgi-profile")]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if body:
            raw.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": raw,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)  # a disconnect would only come once the client goes
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


async def token(client: Client) -> str:
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                   "client_secret": "demo-warehouse-secret"}).encode()
    status, body = await client.request("POST", f"{PREFIX}/Token",
                                        headers={"content-type": "application/x-www-form-urlencoded"}, body=form)
    if status != 200:
        raise SystemExit(f"token request answered {status}: {body[:300]!r}")
    return json.loads(body)["access_token"]


async def loop(client: Client, name: str, bearer: str, n: int) -> int:
    """n requests of one scenario; returns how many did not answer 2xx."""
    method, path, query, template = SCENARIOS[name]
    headers = {"authorization": f"Bearer {bearer}"}
    if template:
        headers["content-type"] = "application/json"
    bad = 0
    for i in range(n):
        body = (template % (i % 100, i % 100)).encode() if template else b""
        status, _ = await client.request(method, path, query, headers, body)
        if not 200 <= status < 300:
            bad += 1
    return bad


def label(key: tuple[str, int, str]) -> str:
    file, line, func = key
    if file == "~":
        return func
    short = re.sub(r".*/(site-packages|lib/python3\.\d+|src)/", "", file)
    return f"{func}  ({short}:{line})"


def group(key: tuple[str, int, str]) -> str:
    file, _, func = key
    if file == "~":
        m = re.search(r"method '(\w+)' of '([\w.]+)'|built-in method ([\w.]+)", func)
        if m and m.group(3):
            return f"builtin {m.group(3)}"
        return f"builtin {m.group(2)}.{m.group(1)}" if m else func
    short = re.sub(r".*/(site-packages|lib/python3\.\d+|src)/", "", file)
    return re.sub(r"\.py$", "", short).replace("/", ".")


def tree(stats: pstats.Stats, root_name: str, n: int, scale: float, min_share: float, max_depth: int) -> None:
    data = stats.stats  # type: ignore[attr-defined]
    callees: dict[tuple, list[tuple[tuple, float]]] = defaultdict(list)
    for func, (_cc, _nc, _tt, _ct, callers) in data.items():
        for caller, edge in callers.items():
            callees[caller].append((func, edge[3]))
    roots = [f for f in data if f[2] == root_name and f[0].endswith("asgi_profile.py")]
    if not roots:
        print(f"  (no {root_name} in the profile)")
        return
    root = max(roots, key=lambda f: data[f][3])
    total = data[root][3]

    def show(func: tuple, ct: float, depth: int, path: set) -> None:
        print(f"  {'  ' * depth}{ct / total * 100:5.1f}%  {ct / n * 1e6 * scale:7.1f} µs  {label(func)}")
        if depth >= max_depth:
            return
        for child, child_ct in sorted(callees.get(func, []), key=lambda x: -x[1]):
            if child_ct / total >= min_share and child not in path:
                show(child, child_ct, depth + 1, path | {child})

    show(root, total, 0, {root})


def main(argv: t.Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help=f"any of {', '.join(SCENARIOS)} (default: all)")
    p.add_argument("-n", "--requests", type=int, default=5000, help="requests per scenario (default 5000)")
    p.add_argument("--repeat", type=int, default=3, help="measured loops per scenario; the best counts (default 3)")
    p.add_argument("--profile", action="store_true", help="also run under cProfile and print where the time goes")
    p.add_argument("--min-share", type=float, default=2.0, help="hide call-tree edges under this %% (default 2)")
    p.add_argument("--depth", type=int, default=40, help="call-tree depth (default 40)")
    p.add_argument("--top", type=int, default=25, help="modules in the self-time table (default 25)")
    args = p.parse_args(argv)
    names = args.scenarios or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        p.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")

    try:
        import uvloop
        runner = uvloop.new_event_loop()
    except ImportError:
        runner = asyncio.new_event_loop()
    asyncio.set_event_loop(runner)

    from sparring.app import create_app

    app = create_app(["inventorypro"])
    client = Client(app)
    bearer = runner.run_until_complete(token(client))

    print(f"{'scenario':<8} {'µs/req CPU':>10} {'µs/req wall':>11} {'req/s/core':>10} {'non-2xx':>7}")
    per_request: dict[str, float] = {}
    for name in names:
        runner.run_until_complete(loop(client, name, bearer, min(500, args.requests)))  # warm-up
        best: tuple[float, float] | None = None
        bad = 0
        for _ in range(max(1, args.repeat)):  # best of: other work on the machine only adds time
            wall, cpu = time.perf_counter(), time.process_time()
            bad += runner.run_until_complete(loop(client, name, bearer, args.requests))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best = (cpu, wall) if best is None or cpu < best[0] else best
        cpu, wall = best
        per_request[name] = cpu / args.requests * 1e6
        print(f"{name:<8} {per_request[name]:>10.1f} {wall / args.requests * 1e6:>11.1f} "
              f"{args.requests / cpu:>10,.0f} {bad:>7}", flush=True)

    if not args.profile:
        return 0
    for name in names:
        profiler = cProfile.Profile()
        wall = time.perf_counter()
        profiler.enable()
        runner.run_until_complete(loop(client, name, bearer, args.requests))
        profiler.disable()
        wall = time.perf_counter() - wall
        stats = pstats.Stats(profiler)
        # cProfile slows every call down; scale its times back to the unprofiled CPU time per request
        root_ct = max((v[3] for k, v in stats.stats.items() if k[2] == "loop" and k[0].endswith("asgi_profile.py")), default=wall)  # type: ignore[attr-defined]
        scale = per_request[name] / (root_ct / args.requests * 1e6)
        print(f"\n=== {name}: call tree (share of the request, µs per request scaled to the unprofiled "
              f"{per_request[name]:.0f} µs; cProfile overhead factor {1 / scale:.1f}x)")
        tree(stats, "loop", args.requests, scale, args.min_share / 100, args.depth)
        selfs: Counter = Counter()
        for func, (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            selfs[group(func)] += tt
        total = sum(selfs.values())
        print(f"\n=== {name}: self time by module")
        for module, tt in selfs.most_common(args.top):
            print(f"  {tt / total * 100:5.1f}%  {tt / args.requests * 1e6 * scale:6.1f} µs  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
