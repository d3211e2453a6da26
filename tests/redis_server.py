"""A real Redis server for the tests: Debian's ``redis-server`` (installed with apt-get when missing
and the tests run as root), started on a free loopback port with no persistence, stopped at the end.

``SPARRING_TEST_STORE=redis`` runs every app the tests create on it (``SPARRING_STORE``, each app
under a key prefix of its own), so the HTTP suite checks the Redis backend as it checks memory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import redis


def redis_server_binary() -> tuple[str | None, str]:
    """The redis-server program, installing Debian's package if it is missing; else (None, why)."""
    found = shutil.which("redis-server")
    if found:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "redis-server is not installed and cannot be installed here (needs root and apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-qq", "redis-server"],
                    ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "redis-server"]):
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        found = shutil.which("redis-server")
        if found:
            return found, ""
    return None, "apt-get could not install redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """One redis-server process on 127.0.0.1, in a scratch directory, without persistence."""

    def __init__(self, binary: str) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="sparring-redis-")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def serve_store_args() -> list[str]:
    """The ``--store`` a test's ``sparring serve`` process takes: in the Redis pass
    (``SPARRING_STORE`` set by tests/conftest.py), the session's server under a key prefix of its own
    (a start clears its prefix, so processes running side by side must not share one); else none."""
    url = os.environ.get("SPARRING_STORE")
    if os.environ.get("SPARRING_TEST_STORE") != "redis" or not url:
        return []
    return ["--store", f"{url}?prefix=sparring-serve-{uuid.uuid4().hex[:12]}"]
