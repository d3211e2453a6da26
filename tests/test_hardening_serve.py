"""`sparring serve` as an outsider meets it (issue 8): the control API behind a token, slow
clients timed out, a shutdown that ends with connections half-open, a port in use said first,
and the CLI printing URLs and options that work. One real server for the module; the shutdown
test, last, stops it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess

import pytest

from rawhttp import exchange, parse, request
from served import SPARRING, Served
from sparring.control.access import is_loopback, token_for

TOKEN = "s3cret-admin"
IP = "/inventorypro/api/v1"


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("run")


@pytest.fixture(scope="module")
def server(runtime_dir):
    served = Served("--admin-token", TOKEN, "--read-timeout", "1", "--shutdown-timeout", "2",
                    env={"XDG_RUNTIME_DIR": str(runtime_dir)})
    yield served
    served.stop()


def send(server, method, path, headers=None, body=b""):
    return exchange(server.port, request(method, path, headers=headers, body=body))


# -- 11. the control API and its token ---------------------------------------------------------

@pytest.mark.parametrize("method, path", [("POST", "/__sparring/reset"), ("POST", "/__sparring/clock"),
                                          ("GET", "/__sparring/clock"), ("GET", "/__sparring/partners")])
def test_control_routes_need_the_admin_token(server, method, path):
    body = b'{"advance": 60}' if path.endswith("clock") and method == "POST" else b""
    headers = {"Content-Type": "application/json"} if body else {}
    for refused in ({}, {"Authorization": "Bearer wrong"}, {"X-Sparring-Admin-Token": TOKEN[:-1]}):
        r = send(server, method, path, {**headers, **refused}, body)
        assert r.status == 401 and "admin token" in r.json()["detail"]
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert send(server, "GET", "/__sparring/clock", {"Authorization": f"Bearer {TOKEN}"}).json()["offset_seconds"] == 0
    for accepted in ({"Authorization": f"Bearer {TOKEN}"}, {"X-Sparring-Admin-Token": TOKEN}):
        assert send(server, method, path, {**headers, **accepted}, body).status == 200
    send(server, "POST", "/__sparring/reset", {"Authorization": f"Bearer {TOKEN}"})


def test_health_and_the_index_stay_open(server):
    assert send(server, "GET", "/__sparring/health").json()["status"] == "ok"
    index = send(server, "GET", "/")
    assert index.status == 200 and {"inventorypro", "yodify"} <= {p["name"] for p in index.json()["partners"]}


def test_the_index_is_html_for_a_browser(server):
    page = send(server, "GET", "/", {"Accept": "text/html,application/xhtml+xml"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert f'href="{IP}/ui/"'.encode() in page.body and f'href="{IP}/openapi.json"'.encode() in page.body


def test_the_token_is_printed_and_the_rule_follows_the_host(server):
    assert f"control API token  {TOKEN}" in _banner(server)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert token_for("127.0.0.1", None) is None  # loopback: open
    assert token_for("127.0.0.1", "given") == "given"
    generated = token_for("0.0.0.0", None)
    assert generated and generated != token_for("0.0.0.0", None)  # any other host: a fresh token


def test_reset_puts_the_clock_back(server):
    admin = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert send(server, "POST", "/__sparring/clock", admin, b'{"advance": 3600}').json()["offset_seconds"] == 3600
    assert send(server, "POST", "/__sparring/reset", admin).json()["offset_seconds"] == 0
    assert send(server, "GET", "/__sparring/clock", admin).json()["offset_seconds"] == 0


# -- CLI frictions --------------------------------------------------------------------------

def test_a_port_in_use_is_said_before_anything_else(server):
    proc = subprocess.run([*SPARRING, "serve", "--port", str(server.port)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert f"port {server.port} on 127.0.0.1 is already in use" in proc.stderr
    assert "--port" in proc.stderr
    assert "demo-warehouse" not in proc.stdout + proc.stderr  # no banner with credentials first


def test_credentials_print_the_running_servers_url(server, runtime_dir):
    env = {"XDG_RUNTIME_DIR": str(runtime_dir)}
    out = subprocess.run([*SPARRING, "credentials", "inventorypro", "--json"], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ, **env}).stdout
    assert json.loads(out)["token_url"] == f"{server.base}{IP}/Token"
    out = subprocess.run([*SPARRING, "credentials", "inventorypro", "--port", "9123"], capture_output=True,
                         text=True, timeout=120).stdout
    assert f"http://127.0.0.1:9123{IP}/Token" in out


def test_fuzz_help_offers_only_what_works(server):
    out = subprocess.run([*SPARRING, "fuzz", "--help"], capture_output=True, text=True, timeout=120).stdout
    per_partner = out[out.index("auth per partner:"):]
    yodify = per_partner[per_partner.index("  yodify"):]
    assert "--token TOKEN" in yodify and "--client-id" not in yodify and "oauth/token" not in yodify
    inventorypro = per_partner[per_partner.index("  inventorypro"):per_partner.index("  yodify")]
    assert "--client-id ID --client-secret SECRET (exchanged at POST /Token)" in inventorypro


# -- 12. slow clients time out ----------------------------------------------------------------

def test_headers_that_stop_arriving_get_a_408_and_the_connection_closed(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"GET /inventorypro/api/v1/Customer/All HTTP/1.1\r\nHost: x\r\n")  # no blank line
        data = _read_to_close(sock)
    assert parse(data, eof=True).status == 408


def test_a_body_that_stops_arriving_gets_a_408_in_the_partner_shape(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request("POST", f"{IP}/Token", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                             "Content-Length": "100"}) + b"grant_type=")
        response = parse(_read_to_close(sock), eof=True)
    assert response.status == 408
    assert response.json()["statusCode"] == 408 and "did not arrive" in response.json()["message"]


# -- 12. SIGTERM ends the process with requests half-sent (run last: it stops the server) ------

def test_sigterm_stops_the_server_although_clients_hold_half_sent_requests(server):
    held = []
    for partial in (b"POST /inventorypro/api/v1/Token HTTP/1.1\r\nHost: x\r\n",
                    request("POST", f"{IP}/Token", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                            "Content-Length": "100"}) + b"grant"):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        sock.sendall(partial)
        held.append(sock)
    try:
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=60)  # a bound for a hung process, not a timing assertion
        assert server.proc.returncode == 0
    finally:
        for sock in held:
            sock.close()
    assert "sparring stopped" in _banner(server)


def _read_to_close(sock: socket.socket) -> bytes:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def _banner(server) -> str:
    """What the server printed so far (the banner is flushed before it serves)."""
    if server.proc.poll() is not None:
        server.output += server.proc.stdout.read() or ""
        return server.output
    if not server.output:
        import os
        import select
        fd = server.proc.stdout.fileno()
        os.set_blocking(fd, False)
        while select.select([fd], [], [], 0.5)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            server.output += chunk.decode()
    return server.output
