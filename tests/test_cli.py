"""The command line, as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from sparring.cli import main

SPARRING = [sys.executable, "-m", "sparring"]


def test_specs_lists_partners_with_operation_counts(capsys):
    assert main(["specs"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("inventorypro"))
    assert "5 operations" in line and "/inventorypro/api/v1" in line


def test_credentials_json_is_machine_readable(capsys):
    assert main(["credentials", "inventorypro", "--json", "--base-url", "http://localhost:9000"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["token_url"] == "http://localhost:9000/inventorypro/api/v1/Token"
    clients = {c["client_id"]: c for c in info["clients"]}
    assert clients["demo-warehouse"]["permissions"] == ["130", "131"]
    assert clients["demo-readonly"]["permissions"] == ["130"]


def test_unknown_partner_is_a_clear_error(capsys):
    assert main(["specs", "--partner", "nobody"]) == 2
    assert "unknown partner" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_then_stops_on_sigterm():
    port = _free_port()
    proc = subprocess.Popen([*SPARRING, "serve", "--port", str(port), "--seed", "5", "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90  # start-up loads every spec; slow on a busy machine
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                urllib.request.urlopen(f"{base}/__sparring/health", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, "sparring serve did not answer"
                time.sleep(0.2)
        data = b"grant_type=client_credentials&client_id=demo-warehouse&client_secret=demo-warehouse-secret"
        tok = json.load(urllib.request.urlopen(f"{base}/inventorypro/api/v1/Token", data=data))["access_token"]
        req = urllib.request.Request(f"{base}/inventorypro/api/v1/Customer/ACME-CORP",
                                     headers={"Authorization": f"Bearer {tok}"})
        assert json.load(urllib.request.urlopen(req))["name"] == "Acme Corporation"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert f"{base}/inventorypro/api/v1/ui/" in out
    assert "demo-warehouse" in out and "demo-warehouse-secret" in out
