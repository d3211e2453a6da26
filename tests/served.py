"""A real `sparring serve` process for tests that need what only a socket shows (raw bytes the
framework's test client would normalise, timeouts, signals): started on a free port, stopped with
SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from redis_server import serve_store_args

SPARRING = [sys.executable, "-m", "sparring"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, *args: str, port: int | None = None, env: dict | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([*SPARRING, "serve", "--port", str(self.port), "--no-access-log",
                                      *serve_store_args(), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self.output = ""
        deadline = time.monotonic() + 90  # start-up loads every spec; slow on a busy machine
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"sparring serve exited: {self.proc.communicate()[0]}")
            try:
                urllib.request.urlopen(f"{self.base}/__sparring/health", timeout=1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError("sparring serve did not answer within 90 s")
                time.sleep(0.2)

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.output += self.proc.communicate(timeout=timeout)[0] or ""
        return self.proc.returncode
