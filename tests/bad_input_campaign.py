"""A bounded, seeded campaign of bad requests against a running `sparring serve` (issue 8).

Every bad request goes over its own socket exactly as generated and must get a complete 4xx
answer (no 5xx, no dropped connection); after each one a normal request (rotating over an
InventoryPro customer, a Yodify account and the clock) must read back exactly what it read before
the campaign, so no bad request changed anything. The same seed sends the same requests.

The input classes are those of issue 8 and their neighbours: form bodies with bytes that are not
UTF-8 and with too many fields, JSON nested past the limit, numbers too long or out of range,
NaN/Infinity literals, malformed and truncated JSON, unpaired surrogates, unknown charsets,
schema violations, oversized bodies (declared and chunked), broken chunked and multipart
encodings, bad query strings, bad credentials, wrong content types, bad control-API bodies.

Run: ``python tests/bad_input_campaign.py --port 8000 --count 10000 --seed 1`` against a server
started with ``sparring serve --port 8000 --seed 0``, or ``python bench/bad_input_campaign.py``
which starts one; the test suite sends a shorter run in ``tests/test_bad_input_campaign.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import typing as t
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from rawhttp import Dropped, chunked, exchange, request  # noqa: E402

IP = "/inventorypro/api/v1"
YO = "/yodify/api/v1"
JSON_CT = "application/json"
FORM_CT = "application/x-www-form-urlencoded"


@dataclass
class Bad:
    kind: str
    raw: bytes


@dataclass
class Summary:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    accepted: list = field(default_factory=list)  # a "bad" request answered 2xx/3xx: a generator bug or a hole
    changed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.server_errors or self.dropped or self.accepted or self.changed)

    def text(self) -> str:
        lines = [f"{self.sent} bad requests, {sum(self.statuses.values())} answered; "
                 f"5xx: {len(self.server_errors)}, dropped: {len(self.dropped)}, "
                 f"accepted: {len(self.accepted)}, data changed after: {len(self.changed)}",
                 "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
                 f"{len(self.kinds)} kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))]
        for name in ("server_errors", "dropped", "accepted", "changed"):
            for item in getattr(self, name)[:5]:
                lines.append(f"  {name}: {item}")
        return "\n".join(lines)


class Generator:
    """Bad requests, drawn from the input classes with a seeded random source."""

    def __init__(self, seed: int, ip_token: str, yodify_token: str = "yodify-demo-token") -> None:
        self.rng = random.Random(seed)
        self.ip = {"Authorization": f"Bearer {ip_token}"}
        self.yo = {"Authorization": f"Bearer {yodify_token}"}
        self.kinds: list[tuple[str, t.Callable[[], Bad]]] = [
            (name.removeprefix("bad_"), getattr(self, name)) for name in sorted(dir(self)) if name.startswith("bad_")]

    def __iter__(self) -> t.Iterator[Bad]:
        while True:
            name, make = self.rng.choice(self.kinds)
            bad = make()
            bad.kind = f"{name}/{bad.kind}" if bad.kind else name
            yield bad

    # -- where bodies go ----------------------------------------------------------------------

    def json_target(self) -> tuple[str, str, dict]:
        return self.rng.choice([
            ("POST", f"{IP}/Customer", self.ip),
            ("POST", f"{YO}/Accounts", self.yo),
            ("PUT", f"{YO}/Accounts/1", self.yo),
            ("POST", "/__sparring/clock", {}),
            ("POST", "/__sparring/reset", {}),
        ])

    def send_body(self, body: bytes, content_type: str = JSON_CT, target=None, chunk: bool | None = None) -> bytes:
        method, path, auth = target or self.json_target()
        headers = {**auth, "Content-Type": content_type}
        if chunk if chunk is not None else self.rng.random() < 0.2:
            headers["Transfer-Encoding"] = "chunked"
            sizes = [1, 7, 512, 65536] if len(body) < 20_000 else [4096, 65536]
            return request(method, path, headers=headers, body=chunked(body, self.rng.choice(sizes)))
        return request(method, path, headers=headers, body=body)

    def deep(self, depth: int) -> bytes:
        style = self.rng.choice(["array", "object", "mixed"])
        if style == "array":
            return b"[" * depth + b"]" * depth
        if style == "object":
            return b'{"a":' * depth + b"1" + b"}" * depth
        opens = [self.rng.choice([b"[", b'{"k":']) for _ in range(depth)]
        return b"".join(opens) + b"0" + b"".join(b"]" if o == b"[" else b"}" for o in reversed(opens))

    def wrap(self, value: bytes) -> bytes:
        """A body that puts ``value`` in a field every target reads."""
        key = self.rng.choice([b"name", b"advance", b"seed", b"shortID", b"discount_level_id"])
        return b'{"shortID": "CAMPAIGN", "' + key + b'": ' + value + b"}"

    # -- the input classes ------------------------------------------------------------------

    def bad_form_not_utf8(self) -> Bad:
        junk = bytes(self.rng.choice([0xff, 0xfe, 0xc0, 0x80, 0xed]) for _ in range(self.rng.randint(1, 4)))
        junk = self.rng.choice([junk, b"\xed\xa0\x80", b"\xf4\x90\x80\x80"])
        where = self.rng.choice(["value", "name"])
        body = (b"grant_type=client_credentials&client_id=" + junk if where == "value"
                else b"grant_type=client_credentials&" + junk + b"=1")
        return Bad(where, self.send_body(body, FORM_CT, ("POST", f"{IP}/Token", {})))

    def bad_form_too_many_fields(self) -> Bad:
        n = self.rng.randint(1001, 1600)
        if self.rng.random() < 0.5:
            body = b"grant_type=client_credentials&" + b"&".join(b"f%d=%d" % (i, i) for i in range(n))
            return Bad("urlencoded", self.send_body(body, FORM_CT, ("POST", f"{IP}/Token", {})))
        parts = b"".join(b'--XB\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i for i in range(n))
        body = parts + b'--XB\r\nContent-Disposition: form-data; name="quoteDocument"; filename="q.txt"\r\n\r\nx\r\n--XB--\r\n'
        return Bad("multipart", self.send_body(body, "multipart/form-data; boundary=XB", ("POST", f"{YO}/QuoteDocuments/1", self.yo)))

    def bad_multipart_broken(self) -> Bad:
        body = self.rng.choice([
            b"--XB\r\nContent-Disposition: form-data; name=\"quoteDocument\"\r\n\r\nno end",
            b"garbage without a boundary",
            b"--XB--\r\n",
            b"--XB\r\n\r\n\r\n--XB--\r\n",
        ])
        ct = self.rng.choice(["multipart/form-data; boundary=XB", "multipart/form-data", "multipart/form-data; boundary="])
        return Bad("", self.send_body(body, ct, ("POST", f"{YO}/QuoteDocuments/1", self.yo)))

    def bad_json_too_deep(self) -> Bad:
        depth = self.rng.choice([65, 100, 255, 256, 300, 500, 964, 965, 980, 1000, 3000, 20000])
        return Bad(str(depth), self.send_body(self.deep(depth)))

    def bad_json_number(self) -> Bad:
        kind, text = self.rng.choice([
            ("long-int", lambda: b"1" * self.rng.randint(1001, 6000)),
            ("long-negative", lambda: b"-" + b"7" * self.rng.randint(1001, 6000)),
            ("long-fraction", lambda: b"0." + b"3" * self.rng.randint(1001, 3000)),
            ("overflow", lambda: self.rng.choice([b"1e400", b"-1e400", b"1E999", b"9" * 400 + b".0e10"])),
        ])
        return Bad(kind, self.send_body(self.wrap(text())))

    def bad_json_literal(self) -> Bad:
        literal = self.rng.choice([b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf", b"undefined", b"True", b"None"])
        return Bad(literal.decode(), self.send_body(self.wrap(literal)))

    def bad_json_malformed(self) -> Bad:
        valid = json.dumps({"shortID": "CAMPAIGN", "name": "x" * self.rng.randint(0, 50)}).encode()
        body = self.rng.choice([
            valid[: self.rng.randint(1, len(valid) - 1)],
            valid + b"}",
            valid.replace(b":", b"=", 1),
            bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(1, 200))),
            b"{'shortID': 'X'}",
            b'{"a": 1,}',
            b"\x00" * 10,
        ])
        return Bad("", self.send_body(body or b"{"))

    def bad_json_encoding(self) -> Bad:
        body, ct = self.rng.choice([
            (b'{"shortID": "CAMPAIGN", "name": "\xff\xfe"}', JSON_CT),
            (b'{"shortID": "CAMPAIGN", "name": "a\\udc00"}', JSON_CT),
            (b'{"shortID": "CAMPAIGN", "name": "\\ud800\\u0041"}', JSON_CT),
            ('{"name": "é"}'.encode("utf-16"), "application/json; charset=utf-16"),
            ('{"name": "é"}'.encode("utf-16"), JSON_CT),
        ])
        return Bad("", self.send_body(body, ct))

    def bad_json_schema(self) -> Bad:
        method, path, auth = self.json_target()
        if path.startswith(IP):
            body = self.rng.choice([{"shortID": 123}, {"shortID": ""}, {"shortID": "A/B"}, {"name": "no key"},
                                    {"shortID": "CAMPAIGN", "city": None}, [{"shortID": "X"}], "text", 42])
        elif path.startswith(YO):
            body = self.rng.choice([{"name": 5}, {"discount_level_id": "three"}, {"discount_level_id": 2**70},
                                    [1, 2], "text", {"email": ["a"]}, {"name": {"first": "x"}}])
        elif path.endswith("clock"):
            body = self.rng.choice([{"advance": "soon"}, {"advance": None}, {"advance": True}, {"advance": 1e12},
                                    {"advance": -1e12}, {"advance": 10**30}, [60], "60", {}])
        else:
            body = self.rng.choice([{"seed": "x"}, {"seed": 1.5}, {"seed": -1}, {"seed": 2**64}, {"seed": True},
                                    [0], "0"])
        return Bad(path.rsplit("/", 1)[-1], self.send_body(json.dumps(body).encode(), target=(method, path, auth)))

    def bad_too_large(self) -> Bad:
        method, path, auth = self.json_target()
        if self.rng.random() < 0.5:  # declared: answered from the headers, the body never sent in full
            size = self.rng.choice([1024 * 1024 + 1, 5 * 1024 * 1024, 50 * 1024 * 1024])
            head = request(method, path, headers={**auth, "Content-Type": JSON_CT, "Content-Length": str(size)})
            return Bad("declared", head + b'{"name": "' + b"x" * 1000)
        body = b'{"name": "' + b"x" * (1024 * 1024 + self.rng.randint(1, 5000)) + b'"}'
        return Bad("chunked", self.send_body(body, target=(method, path, auth), chunk=True))

    def bad_chunk_encoding(self) -> Bad:
        method, path, auth = self.json_target()
        body = self.rng.choice([b"zz\r\n{}\r\n0\r\n\r\n", b"5\r\n{}\r\n0\r\n\r\n", b"-1\r\n\r\n",
                                b"ffffffffffffffffff\r\n{}\r\n0\r\n\r\n"])
        return Bad("", request(method, path, headers={**auth, "Content-Type": JSON_CT, "Transfer-Encoding": "chunked"},
                               body=body))

    def bad_query(self) -> Bad:
        path, auth, queries = self.rng.choice([
            (f"{IP}/Customer/All", self.ip, ["page=0", "page=-5", "page=" + "9" * 30, "pageSize=251", "pageSize=abc",
                                             "sort=password", "direction=UP", "modifiedSince=yesterday",
                                             "modifiedSince=2023-02-30T00:00:00", "page=%zz", "pageSize=%ff%fe",
                                             "page=1e3", "pageSize=NaN"]),
            (f"{YO}/Accounts", self.yo, ["Limit=0", "Limit=101", "Page=" + "1" * 400, "Ids=a,b", "Limit=1e2",
                                         "Page=%ff", "Limit=-1", "Limit=%ff"]),
            (f"{YO}/Orders", self.yo, ["CreatedOnMin=not-a-date", "Limit=abc", "Page=abc"]),
        ])
        query = self.rng.choice(queries)
        return Bad(query.split("=")[0], request("GET", f"{path}?{query}", headers=auth))

    def bad_path(self) -> Bad:
        path, auth = self.rng.choice([
            (f"{IP}/Customer/{'x' * 60}", self.ip), (f"{IP}/Customer/%ff%fe", self.ip),
            (f"{IP}/Customer/A%2FB", self.ip), (f"{YO}/Accounts/abc", self.yo), (f"{YO}/Accounts/" + "9" * 30, self.yo),
            (f"{YO}/Accounts/-1", self.yo), (f"{IP}/Nothing", self.ip), ("/__sparring/nothing", {}),
        ])
        method = self.rng.choice(["GET", "DELETE"])
        return Bad(method, request(method, path, headers=auth))

    def bad_credentials(self) -> Bad:
        auth = self.rng.choice([{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer not.a.jwt"},
                                {"Authorization": "Basic ////"}, {"Authorization": "Bearer " + "a" * 5000},
                                {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}, {"Authorization": "Bearer \x7f"}])
        path = self.rng.choice([f"{IP}/Customer/All", f"{YO}/Accounts", f"{IP}/Customer/ACME-CORP"])
        return Bad("", request("GET", path, headers=auth))

    def bad_token_request(self) -> Bad:
        body = self.rng.choice([
            b"grant_type=password&client_id=demo-warehouse&client_secret=demo-warehouse-secret",
            b"client_id=demo-warehouse&client_secret=demo-warehouse-secret",
            b"grant_type=client_credentials&client_id=demo-warehouse&client_secret=wrong",
            b"grant_type=client_credentials&client_id=%ff&client_secret=%fe",
            b"grant_type=client_credentials",
            b"=&&&==",
        ])
        ct = self.rng.choice([FORM_CT, FORM_CT, "text/plain", JSON_CT])
        return Bad("", self.send_body(body, ct, ("POST", f"{IP}/Token", {})))

    def bad_content_type(self) -> Bad:
        method, path, auth = self.rng.choice([("POST", f"{IP}/Customer", self.ip), ("POST", f"{YO}/Accounts", self.yo)])
        ct = self.rng.choice(["text/plain", "application/xml", "image/png", "", "application/x-www-form-urlencoded"])
        return Bad(ct or "empty", request(method, path, headers={**auth, "Content-Type": ct}, body=b'{"name": "x"}'))

    def bad_missing_body(self) -> Bad:
        method, path, auth = self.rng.choice([("POST", f"{IP}/Customer", self.ip), ("POST", f"{YO}/Accounts", self.yo),
                                              ("PUT", f"{YO}/Accounts/1", self.yo), ("POST", f"{IP}/Token", {})])
        return Bad("", request(method, path, headers={**auth, "Content-Type": JSON_CT, "Content-Length": "0"}))


def _get(port: int, path: str, headers: dict) -> t.Any:
    r = exchange(port, request("GET", path, headers=headers))
    if r.status != 200:
        raise AssertionError(f"GET {path}: {r.status} {r.body[:200]!r}")
    return r.json()


def ip_token(port: int) -> str:
    data = b"grant_type=client_credentials&client_id=demo-warehouse&client_secret=demo-warehouse-secret"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{IP}/Token", data=data, timeout=30) as r:
        return json.load(r)["access_token"]


def run(port: int, count: int, seed: int, admin_token: str | None = None, slow: list | None = None) -> Summary:
    """Send ``count`` bad requests, each followed by a normal read checked against the baseline."""
    token = ip_token(port)
    admin = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
    normal = [
        (f"{IP}/Customer/ACME-CORP", {"Authorization": f"Bearer {token}"}),
        (f"{YO}/Accounts/1", {"Authorization": "Bearer yodify-demo-token"}),
        (f"{IP}/Customer/All?pageSize=5&sort=name", {"Authorization": f"Bearer {token}"}),
    ]
    baseline = [_get(port, path, headers) for path, headers in normal]
    offset = _get(port, "/__sparring/clock", admin)["offset_seconds"]
    summary = Summary()
    for i, bad in zip(range(count), Generator(seed, token)):
        summary.sent += 1
        summary.kinds[bad.kind.split("/")[0]] += 1
        try:
            started = time.monotonic()
            response = exchange(port, bad.raw)
            if slow is not None and time.monotonic() - started > 1:
                slow.append(f"#{i} {bad.kind} {time.monotonic() - started:.1f}s {response.status}")
        except Dropped as exc:
            summary.dropped.append(f"#{i} {bad.kind}: {exc}")
            continue
        except OSError as exc:
            summary.dropped.append(f"#{i} {bad.kind}: {exc!r}")
            continue
        summary.statuses[response.status] += 1
        if response.status >= 500:
            summary.server_errors.append(f"#{i} {bad.kind}: {response.status} {response.body[:200]!r}")
        elif response.status < 400:
            summary.accepted.append(f"#{i} {bad.kind}: {response.status} {bad.raw[:200]!r}")
        which = i % (len(normal) + 1)
        if which < len(normal):
            path, headers = normal[which]
            if _get(port, path, headers) != baseline[which]:
                summary.changed.append(f"#{i} {bad.kind}: GET {path} differs")
        elif _get(port, "/__sparring/clock", admin)["offset_seconds"] != offset:
            summary.changed.append(f"#{i} {bad.kind}: the clock moved")
    return summary


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--admin-token")
    args = parser.parse_args(argv)
    summary = run(args.port, args.count, args.seed, args.admin_token)
    print(summary.text())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
