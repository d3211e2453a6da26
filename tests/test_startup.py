"""What a start leaves for later: modules only some requests need are not imported by building the
app (they load when used, and then work), and ``sparring serve`` seeds in the background without a
request ever seeing half-seeded data."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Loaded on first use only: a PDF (Komet's invoice), seeding (faker), httpx's command line (rich,
# click, pygments: connexion imports httpx for remote token info), requests (remote $refs).
LEFT_FOR_LATER = ["fpdf", "fontTools", "faker", "httpx._main", "rich", "click", "pygments", "requests.models", "urllib3"]


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_every_partner_imports_none_of_what_only_some_requests_need():
    loaded = _run(f"""
        import json, sys
        from sparring.app import create_app
        create_app()
        print(json.dumps([m for m in {LEFT_FOR_LATER!r} if m in sys.modules]))
    """)
    assert loaded == []


def test_deferred_modules_load_on_use_and_behave_as_themselves():
    found = _run("""
        import json, sys
        from sparring.app import create_app
        create_app()
        import httpx, jinja2, requests
        from requests.models import Response
        out = {"client": httpx.AsyncClient.__name__, "template": jinja2.Template("{{ x }}").render(x=3),
               "response": Response.__module__, "real": type(sys.modules["httpx"]).__name__}
        print(json.dumps(out))
    """)
    assert found == {"client": "AsyncClient", "template": "3", "response": "requests.models", "real": "module"}


def _get(base: str, path: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer yodify-demo-token"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


def test_serve_seeds_in_the_background_and_a_request_meanwhile_sees_whole_data():
    """Yodify is seeded last and takes longest: requests sent the moment the server answers read
    what a fully seeded app reads, record for record."""
    from concurrent.futures import ThreadPoolExecutor

    from starlette.testclient import TestClient

    from sparring.app import create_app
    from tests.served import Served

    paths = ["/yodify/api/v1/Accounts?limit=50", "/yodify/api/v1/Addresses?limit=50", "/yodify/api/v1/Accounts?limit=1"]
    with TestClient(create_app(["yodify"])) as client:
        expected = [client.get(p, headers={"Authorization": "Bearer yodify-demo-token"}).content for p in paths]
    server = Served()
    try:
        with ThreadPoolExecutor(len(paths)) as pool:
            got = list(pool.map(lambda p: _get(server.base, p), paths))
    finally:
        server.stop()
    pages = [json.loads(page) for page in got]
    assert [(p["data"], p["count"]) for p in pages] == [(e["data"], e["count"]) for e in map(json.loads, expected)]
    assert all(page["data"] for page in pages)  # seeded records, not empty pages


def test_a_reseed_while_a_partner_seeds_leaves_the_new_seeds_data():
    """A partner seeds under a lock of its own; a reseed that lands while it seeds must not leave
    the old seed's snapshot behind. Yodify's first request (which seeds it) and a reset to another
    seed race, several times; afterwards every page is the new seed's, as a fresh app seeded with
    it reads."""
    import threading

    from starlette.testclient import TestClient

    from sparring.app import create_app

    auth = {"Authorization": "Bearer yodify-demo-token"}
    page = "/yodify/api/v1/Accounts?limit=50"
    with TestClient(create_app(["yodify"], seed=5)) as fresh:
        expected = fresh.get(page, headers=auth).json()
    for delay in (0.0, 0.02, 0.05, 0.1, 0.15):
        with TestClient(create_app(["yodify"])) as client:
            reader = threading.Thread(target=client.get, args=(page,), kwargs={"headers": auth})
            reader.start()
            threading.Event().wait(delay)
            assert client.post("/__sparring/reset", json={"seed": 5}).status_code == 200
            reader.join()
            got = client.get(page, headers=auth).json()
        assert (got["data"], got["count"]) == (expected["data"], expected["count"]), f"reset after {delay} s"


def test_a_spec_breaking_openapi_is_refused_with_the_validators_message(tmp_path, monkeypatch):
    """The OpenAPI check's fast first pass (jsonschema-rs) lets nothing through that
    openapi-spec-validator refuses: a wrong type, an unknown status key, and an operation whose path
    parameter is not declared (a semantic check), each named with where it is."""
    import shutil

    from sparring.catalog import SpecError, data_dir, load_partner

    monkeypatch.setenv("SPARRING_CACHE_DIR", str(tmp_path / "cache"))
    original = (data_dir("spec") / "inventorypro.yaml").read_text()
    breakages = {
        "a wrong type": (original.replace("info:\n", "info: 7\nx-was-info:\n", 1), "7 is not of type 'object'"),
        "a status that is not one": (original.replace("        '200':", "        'twohundred':", 1), "twohundred"),
        "an undeclared path parameter": (original.replace("/Customer/{id}:", "/Customer/{id}/{extra}:", 1),
                                         "extra"),
    }
    for what, (text, expected) in breakages.items():
        assert text != original, what
        spec = tmp_path / "inventorypro.yaml"
        spec.write_text(text)
        try:
            load_partner(spec, data_dir("fixtures"))
        except SpecError as exc:
            assert "inventorypro.yaml" in str(exc) and expected in str(exc), (what, str(exc))
        else:
            raise AssertionError(f"{what}: the spec loaded")
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
