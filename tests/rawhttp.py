"""HTTP/1.1 over a plain socket: the bytes go out exactly as written (no client fixes them up),
and the answer is parsed just enough to tell a complete response from a dropped connection."""

from __future__ import annotations

import json
import socket
import typing as t
from dataclasses import dataclass, field


class Dropped(AssertionError):
    """The server closed or reset the connection without a complete response."""


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> t.Any:
        return json.loads(self.body)


def request(method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"",
            content_length: bool = True) -> bytes:
    """The bytes of one request (``Connection: close``); ``content_length=False`` leaves it out."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if content_length and body and not any(n.lower() in ("content-length", "transfer-encoding") for n in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


def chunked(body: bytes, size: int = 7) -> bytes:
    """``body`` in the chunked transfer coding."""
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def exchange(port: int, raw: bytes, timeout: float = 20.0, *, send_all: bool = True) -> Response:
    """Send ``raw`` and read one complete response; :class:`Dropped` when there is none."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(raw) if send_all else sock.send(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (413) before reading all of a large body
        data = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                response = parse(data)
                if response is not None:
                    return response
        except ConnectionResetError:
            pass
        response = parse(data, eof=True)
        if response is None:
            raise Dropped(f"no complete response, got {data[:200]!r}")
        return response


def parse(data: bytes, eof: bool = False) -> Response | None:
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        return Response(status, headers, rest[:length]) if len(rest) >= length else None
    if headers.get("transfer-encoding") == "chunked":
        body, pos = b"", 0
        while True:
            end = rest.find(b"\r\n", pos)
            if end < 0:
                return None
            size = int(rest[pos:end], 16)
            if size == 0:
                return Response(status, headers, body)
            if len(rest) < end + 2 + size + 2:
                return None
            body += rest[end + 2:end + 2 + size]
            pos = end + 2 + size + 2
    return Response(status, headers, rest) if eof or status in (204, 304) else None
