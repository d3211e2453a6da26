"""The control features that need a real server: --state across kill -TERM, a corrupt state file,
--reload, dropped connections, and `sparring coverage --fail-under`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from redis_server import serve_store_args

from sparring.catalog import data_dir
from sparring.cli import main
from sparring.pytest_plugin import InProcessServer

SPARRING = [sys.executable, "-m", "sparring"]
IP = "/inventorypro/api/v1"
DEMO = {"grant_type": "client_credentials", "client_id": "demo-warehouse", "client_secret": "demo-warehouse-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """``sparring serve --partner inventorypro`` as a child process."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([*SPARRING, "serve", "--partner", "inventorypro", "--port", str(self.port),
                                      "--no-access-log", *serve_store_args(), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self.output = ""

    def wait_up(self) -> "Serve":
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.communicate()[0])
            try:
                httpx.get(f"{self.base}/__sparring/health", timeout=1)
                return self
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "sparring serve did not answer"
                time.sleep(0.1)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.output += self.proc.communicate(timeout=30)[0]
        return self.proc.returncode

    def auth(self, ns: str | None = None) -> dict:
        token = httpx.post(f"{self.base}{IP}/Token", data=DEMO).json()["access_token"]
        return {"Authorization": f"Bearer {token}", **({"X-Sparring-Namespace": ns} if ns else {})}


def customer(short_id: str) -> dict:
    return {"shortID": short_id, "name": f"{short_id} Ltd", "email": f"{short_id.lower()}@example.com"}


def test_state_survives_kill_term_and_a_corrupt_file_is_refused(tmp_path, capsys):
    state = tmp_path / "state.json"
    first = Serve("--state", str(state)).wait_up()
    try:
        default, ci = first.auth(), first.auth("ci-job-7")
        written = [f"KEEP-{i}" for i in range(5)]
        for short_id in written:
            assert httpx.post(f"{first.base}{IP}/Customer", json=customer(short_id), headers=ci).status_code in (200, 201)
        assert httpx.post(f"{first.base}{IP}/Customer", json=customer("DEFAULT-NS"), headers=default).status_code in (200, 201)
        assert httpx.delete(f"{first.base}{IP}/Customer/ACME-CORP", headers=ci).status_code in (200, 204)
        saved = httpx.post(f"{first.base}/__sparring/state/save").json()["saved"]
        assert Path(saved) == state and json.loads(state.read_text())["sparring_state"] == 1
        assert httpx.post(f"{first.base}{IP}/Customer", json=customer("AFTER-SAVE"), headers=ci).status_code in (200, 201)
    finally:
        assert first.stop() == 0
    assert "state: saved to" in first.output

    second = Serve("--state", str(state)).wait_up()
    try:
        ci, default = dict(ci), second.auth()  # ci: the token issued before the restart still works
        for short_id in [*written, "AFTER-SAVE"]:
            assert httpx.get(f"{second.base}{IP}/Customer/{short_id}", headers=ci).status_code == 200, short_id
        assert httpx.get(f"{second.base}{IP}/Customer/ACME-CORP", headers=ci).json()["active"] is False
        assert httpx.get(f"{second.base}{IP}/Customer/DEFAULT-NS", headers=default).status_code == 200
        assert httpx.get(f"{second.base}{IP}/Customer/KEEP-0", headers=default).status_code == 404
    finally:
        assert second.stop() == 0
    assert "loaded (inventorypro: 2 namespace(s))" in second.output

    corrupt = state.read_bytes()[: len(state.read_bytes()) // 2]
    state.write_bytes(corrupt)
    assert main(["serve", "--partner", "inventorypro", "--port", "1", "--state", str(state)]) == 2
    refused = capsys.readouterr().err
    assert "not a readable sparring state file" in refused and "left untouched" in refused
    assert state.read_bytes() == corrupt

    state.write_text(json.dumps({"sparring_state": 1, "partners": {"inventorypro": {"namespaces": {
        "x": {"collections": {"customers": [{"shortID": "NO-NAME"}]}}}}}}))
    assert main(["serve", "--partner", "inventorypro", "--port", "1", "--state", str(state)]) == 2
    refused = capsys.readouterr().err
    assert "incompatible with this sparring" in refused and "customers[0]" in refused


def test_reload_picks_up_a_changed_spec_and_keeps_serving_on_a_broken_one(tmp_path):
    specs, fixtures = tmp_path / "spec", tmp_path / "fixtures"
    specs.mkdir()
    shutil.copy(data_dir("spec") / "inventorypro.yaml", specs)
    shutil.copytree(data_dir("fixtures"), fixtures)
    env = {"SPARRING_SPEC_DIR": str(specs), "SPARRING_FIXTURES_DIR": str(fixtures)}
    server = Serve("--reload", env=env).wait_up()
    try:
        headers = server.auth("kept")
        httpx.post(f"{server.base}{IP}/Customer", json=customer("BEFORE-RELOAD"), headers=headers)
        spec = specs / "inventorypro.yaml"
        original = spec.read_text()
        title = next(line for line in original.splitlines() if line.startswith("  title:"))
        spec.write_text(original.replace(title, "  title: InventoryPro reloaded", 1))

        def title_now() -> str:
            return httpx.get(f"{server.base}/__sparring/partners").json()["partners"][0]["title"]

        _wait_for(lambda: title_now() == "InventoryPro reloaded")
        assert httpx.get(f"{server.base}{IP}/Customer/BEFORE-RELOAD", headers=headers).status_code == 200  # same token

        spec.write_text(original.replace("openapi: 3.0", "openapi: [broken", 1))
        _wait_for(lambda: "reload after" in _peek(server))
        assert title_now() == "InventoryPro reloaded"
        assert httpx.get(f"{server.base}{IP}/Customer/ACME-CORP", headers=server.auth()).status_code == 200
    finally:
        assert server.stop() == 0
    assert "reload after inventorypro.yaml changed failed, still serving the previous specs" in server.output


def test_idle_namespaces_are_dropped(tmp_path):
    server = Serve("--drop-idle-after", "1").wait_up()
    try:
        headers = server.auth("short-lived")
        httpx.post(f"{server.base}{IP}/Customer", json=customer("TEMP"), headers=headers)

        def names() -> set:
            return {n["name"] for n in httpx.get(f"{server.base}/__sparring/namespaces").json()["partners"]["inventorypro"]}

        _wait_for(lambda: "short-lived" not in names())
        assert httpx.get(f"{server.base}{IP}/Customer/TEMP", headers=headers).status_code == 404
    finally:
        assert server.stop() == 0
    assert "idle namespace(s):" in server.output and "inventorypro/short-lived" in server.output


def _peek(server: Serve) -> str:
    """What the server printed so far, without waiting for it to end."""
    import select

    while select.select([server.proc.stdout], [], [], 0)[0]:
        line = server.proc.stdout.readline()
        if not line:
            break
        server.output += line
    return server.output


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def running():
    server = InProcessServer(["inventorypro"], 0)
    yield server
    server.stop()


def test_dropped_and_truncated_connections_are_real(running):
    with httpx.Client(base_url=running.url + IP) as http:
        token = http.post("/Token", data=DEMO).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for fault in ("connection=drop", "body=truncated"):
            with pytest.raises(httpx.RemoteProtocolError):
                http.get("/Customer/ACME-CORP", headers={**headers, "X-Sparring-Fault": fault})
        assert http.get("/Customer/ACME-CORP", headers=headers).status_code == 200
    faults = [e["fault"] for e in httpx.get(f"{running.url}/__sparring/journal").json()["entries"] if e["fault"]]
    assert faults == ["header fault: connection=drop", "header fault: body=truncated"]


def test_coverage_command_fails_under_a_threshold(running, tmp_path):
    httpx.post(f"{running.url}/__sparring/reset", json={"include": ["coverage"]})
    httpx.post(f"{running.url}{IP}/Token", data=DEMO)  # one operation of five: 20%
    page = tmp_path / "coverage.html"
    under = subprocess.run([*SPARRING, "coverage", "--url", running.url, "--fail-under", "50", "--html", str(page)],
                           capture_output=True, text=True, timeout=60)
    assert under.returncode == 1, under.stderr
    assert "1/5 operations (20.0%)" in under.stdout and "under 50.0%" in under.stderr
    assert "<table>" in page.read_text()
    over = subprocess.run([*SPARRING, "coverage", "--url", running.url, "--fail-under", "20", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert over.returncode == 0 and json.loads(over.stdout)["operations_called"] == 1
