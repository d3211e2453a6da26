"""``sparring fuzz``: sparring passes its own contract; broken targets fail with exactly their fault.

Every run is bounded (few examples) and deterministic (fixed seed, derandomized generation, no
example database, state reset before each phase and stateful scenario).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import urllib.parse
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from controls import CONTROLS, PREFIX, YODIFY, serve

from sparring.catalog import load_partners
from sparring.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPARRING = str(Path(sys.executable).with_name("sparring"))
SECURED = {"GET /Customer/All", "GET /Customer/{id}", "POST /Customer", "DELETE /Customer/{id}"}
ALL_CHECKS = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance", "missing_required_header",
    "unsupported_method", "use_after_free", "ensure_resource_availability", "ignored_auth",
}


def fuzz(*args: str, report: Path) -> tuple[int, dict]:
    code = main(["fuzz", *args, "--seed", "0", "--quiet", "--report", str(report)])
    return code, json.loads((report / "report.json").read_text())


def pairs(report: dict) -> set[tuple[str, str]]:
    return {(f["operation"], f["check"]) for f in report["findings"]}


# -- sparring against its own contract ------------------------------------------------------------


SERVED = {p.name: len(p.operations) for p in load_partners() if p.servable}


@pytest.mark.parametrize("partner", sorted(SERVED))
def test_every_served_partner_passes_its_own_contract_in_process(partner, tmp_path, capsys, monkeypatch):
    # no socket for HTTP; on the Redis store (the tests' second pass) the store's own connection only
    store = urllib.parse.urlsplit(os.environ.get("SPARRING_STORE", ""))
    store_address = (store.hostname, store.port) if store.scheme == "redis" else None

    def guarded(name: str):
        original = getattr(socket.socket, name)

        def call(self, *args, **kwargs):
            address = args[0] if args else None
            if name != "bind" and isinstance(address, tuple) and tuple(address[:2]) == store_address:
                return original(self, *args, **kwargs)
            raise AssertionError(f"an in-process run opened a socket ({name} {address!r})")
        return call

    for name in ("bind", "connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, guarded(name))
    # few examples, fewer for big specs: the coverage phase alone sends dozens of cases per operation
    examples = max(1, min(10, 50 // SERVED[partner]))
    code, report = fuzz(partner, "--max-examples", str(examples), report=tmp_path)
    out = capsys.readouterr().out
    assert code == 0, out
    assert report["passed"] and report["findings"] == [] and report["errors"] == []
    assert set(report["scenarios"]) == {"examples", "coverage", "fuzzing", "stateful"}
    assert all(op["requests"] > 0 for op in report["operations"]), report["operations"]
    ran = set().union(*(op["checks"] for op in report["operations"]))
    assert ran >= ALL_CHECKS
    assert "PASSED: no check failed" in out
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert junit.get("failures") == "0" and int(junit.get("tests")) >= len(ALL_CHECKS)


def test_inventorypro_soft_delete_reads_back_marked_deleted_not_use_after_free(tmp_path):
    """DELETE /Customer/{id} is declared soft-delete: the stateful phase reads discontinued records back.

    In a process of its own (the real CLI): how many scenarios reach a read after a delete varied
    with the in-process fuzz runs of other partners before it (state schemathesis or hypothesis
    keeps per process), and this must not depend on which partners exist."""
    proc = subprocess.run([SPARRING, "fuzz", "inventorypro", "--phases", "stateful", "--max-examples", "50",
                           "--seed", "0", "--quiet", "--report", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    code, report = proc.returncode, json.loads((tmp_path / "report.json").read_text())
    assert code == 0, (report["findings"], proc.stderr[-2000:])
    assert report["soft_delete_reads"] > 0
    assert report["operations"] and {op["operation"] for op in report["operations"] if op["requests"]} >= {
        "POST /Customer", "GET /Customer/{id}", "DELETE /Customer/{id}"}


def test_an_in_process_run_reads_no_constants_from_sparrings_own_source(tmp_path):
    """schemathesis can feed literals from the app's Python source into generation; in-process the
    app is sparring, whose literals say nothing about the partner's API, and they were read only
    from an editable install (so two installs drew different cases) and cached under
    .hypothesis/constants in the working directory. A run leaves no such cache."""
    proc = subprocess.run([SPARRING, "fuzz", "inventorypro", "--max-examples", "3", "--seed", "0", "--quiet"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert not (tmp_path / ".hypothesis" / "constants").exists()


def test_in_process_runs_ignore_the_users_netrc_and_proxy_settings(tmp_path):
    """A ``default`` entry in the user's netrc names every host, testserver too. In-process requests
    must carry the partner's own credentials, not the netrc's basic auth: with basic auth every
    request is refused, no customer is ever created, and the stateful phase never reaches one (the
    run still "passes", which is what made this easy to miss). No proxy applies either."""
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password elsewhere\n")
    netrc.chmod(0o600)
    env = {**os.environ, "NETRC": str(netrc), "HTTP_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9"}
    proc = subprocess.run([SPARRING, "fuzz", "inventorypro", "--phases", "stateful", "--max-examples", "20",
                           "--seed", "0", "--quiet", "--report", str(tmp_path / "report")],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert proc.returncode == 0, (report["findings"], proc.stdout[-2000:])
    assert {op["operation"] for op in report["operations"] if op["requests"]} >= {
        "POST /Customer", "GET /Customer/{id}", "DELETE /Customer/{id}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    """A real ``sparring serve`` on a free port, stopped with SIGTERM afterwards."""
    port = _free_port()
    proc = subprocess.Popen([SPARRING, "serve", "--port", str(port), "--partner", "inventorypro", "--no-access-log",
                             "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    origin = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{origin}/__sparring/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode())
    yield origin
    proc.terminate()
    proc.wait(10)


def test_fuzz_against_running_serve_passes_writes_junit_and_repeats_exactly(served, tmp_path, capsys):
    args = ["inventorypro", "--url", f"{served}/inventorypro/api/v1", "--client-id", "demo-warehouse",
            "--client-secret", "demo-warehouse-secret", "--reset-url", f"{served}/__sparring/reset",
            "--max-examples", "5", "--junit", str(tmp_path / "x.xml")]
    code, first = fuzz(*args, report=tmp_path / "first")
    assert code == 0, capsys.readouterr().out
    junit = ET.parse(tmp_path / "x.xml").getroot()
    suite = junit.find("testsuite")
    assert junit.tag == "testsuites" and suite.get("failures") == "0" and suite.get("errors") == "0"
    names = {case.get("name") for case in suite.iter("testcase")}
    assert "DELETE /Customer/{id} :: use_after_free" in names and "GET /Customer/All :: ignored_auth" in names
    # the same seed against the same server, after a run that changed its data, sends the same requests
    code, second = fuzz(*args, report=tmp_path / "second")
    assert code == 0
    assert [(op["operation"], op["requests"]) for op in second["operations"]] == \
           [(op["operation"], op["requests"]) for op in first["operations"]]


# -- negative controls: broken targets, exactly their fault ---------------------------------------


def run_control(name: str, tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    with serve(CONTROLS[name]()) as origin:
        code = main(["fuzz", "inventorypro", "--url", origin + PREFIX, "--reset-url", f"{origin}/__sparring/reset",
                     "--seed", "0", "--report", str(tmp_path), *args])
    report = json.loads((tmp_path / "report.json").read_text())
    return code, report, (tmp_path / "summary.txt").read_text()


def test_control_that_ignores_auth_fails_ignored_auth_on_every_secured_operation(tmp_path):
    code, report, text = run_control("ignores-auth", tmp_path, "--max-examples", "5")
    assert code == 1
    assert {op for op, check in pairs(report) if check == "ignored_auth"} == SECURED
    # the other findings are the same fault seen by the header checks: a missing Authorization accepted
    others = [f for f in report["findings"] if f["check"] != "ignored_auth"]
    assert {f["check"] for f in others} <= {"missing_required_header", "negative_data_rejection"}
    assert all("Authorization" in f["message"] for f in others)
    assert "API accepts requests without authentication" in text and "curl -X" in text


def test_control_whose_delete_does_not_delete_fails_use_after_free(tmp_path):
    code, report, text = run_control("delete-keeps", tmp_path, "--phases", "stateful", "--max-examples", "20")
    assert code == 1
    assert pairs(report) == {("DELETE /Customer/{id}", "use_after_free")}
    (finding,) = report["findings"]
    # the reproduction is the whole chain, ending with the delete and the read of the same customer
    *_, delete, read = finding["curl"].splitlines()
    assert delete.split()[2] == "DELETE" and read.split()[2] == "GET"
    assert delete.split()[-1] == read.split()[-1]
    # ... which still answers with that customer (the excerpt is cut at 300 characters, so the
    # record's active flag may not be in it)
    short_id = urllib.parse.unquote(read.split()[-1].strip("'\"").rsplit("/", 1)[-1])
    assert finding["status"] == 200
    assert finding["response_excerpt"].startswith(json.dumps({"shortID": short_id}, separators=(",", ":"))[:-1])


def test_worker_threads_against_a_url_find_exactly_what_one_finds(tmp_path):
    """--workers N runs operations on schemathesis' worker threads: against a broken target the
    same faults are found, on the same operations, as with one worker."""
    one = run_control("ignores-auth", tmp_path / "one", "--max-examples", "5", "--phases", "examples,coverage,fuzzing")
    four = run_control("ignores-auth", tmp_path / "four", "--max-examples", "5", "--phases", "examples,coverage,fuzzing",
                       "--workers", "4")
    assert one[0] == four[0] == 1
    assert pairs(four[1]) == pairs(one[1]) and {op for op, check in pairs(four[1]) if check == "ignored_auth"} == SECURED
    assert "4 workers" not in one[2] and sorted(op["operation"] for op in four[1]["operations"]) == \
        sorted(op["operation"] for op in one[1]["operations"])


def test_control_that_answers_500_fails_not_a_server_error(tmp_path):
    code, report, text = run_control("crashes-on-large-pages", tmp_path, "--max-examples", "5")
    assert code == 1
    # a 500 is also a status the spec does not document: the same fault, seen twice
    assert pairs(report) == {("GET /Customer/All", "not_a_server_error"), ("GET /Customer/All", "status_code_conformance")}
    assert all(f["status"] == 500 and "pageSize=250" in f["curl"] for f in report["findings"])
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    failed = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failed == {"GET /Customer/All :: not_a_server_error", "GET /Customer/All :: status_code_conformance"}
    # the counts a CI system reads agree with the failure elements, at both levels
    suite = junit.find("testsuite")
    failures = sum(1 for _ in junit.iter("failure"))
    assert failures == len(report["findings"]) >= 2
    assert suite.get("failures") == junit.get("failures") == str(failures)
    assert suite.get("errors") == junit.get("errors") == "0"
    assert int(suite.get("tests")) == sum(1 for _ in suite.iter("testcase")) == int(junit.get("tests"))


def test_control_whose_body_breaks_the_schema_fails_response_schema_conformance(tmp_path):
    code, report, text = run_control("loses-email", tmp_path, "--max-examples", "5")
    assert code == 1
    assert pairs(report) == {("GET /Customer/{id}", "response_schema_conformance")}
    assert "email" in report["findings"][0]["message"]


def test_control_with_a_malformed_documented_header_fails_response_headers_conformance(tmp_path):
    code, report, text = run_control("miscounts-total-header", tmp_path, "--phases", "examples,coverage",
                                     "--max-examples", "3")
    assert code == 1
    assert pairs(report) == {("GET /Customer/All", "response_headers_conformance")}
    assert all('"many" is not of type "integer"' in f["message"] for f in report["findings"])


def run_yodify_control(name: str, tmp_path: Path, operations: list[str]) -> tuple[int, dict]:
    """Fuzz a broken Yodify on a few operations: the broken one and neighbours that must pass."""
    include = [arg for op in operations for arg in ("--include", op)]
    with serve(CONTROLS[name]()) as origin:
        code = main(["fuzz", "yodify", "--url", origin + YODIFY, "--reset-url", f"{origin}/__sparring/reset",
                     "--seed", "0", "--quiet", "--report", str(tmp_path), "--phases", "examples,coverage,fuzzing",
                     "--max-examples", "3", *include])
    return code, json.loads((tmp_path / "report.json").read_text())


def test_yodify_control_with_a_broken_rule_fails_on_that_rule_only(tmp_path):
    code, report = run_yodify_control("yodify-broken-rule", tmp_path, [
        "putSKUsAdjustInventoryById", "putSKUsUpdateInventoryById", "getSKUsById"])
    assert code == 1 and report["errors"] == []
    assert pairs(report) == {("PUT /SKUs/AdjustInventory/{id}", "response_schema_conformance")}
    assert all("inventory" in f["message"] for f in report["findings"])
    assert {op["operation"] for op in report["operations"] if op["requests"]} == {
        "PUT /SKUs/AdjustInventory/{id}", "PUT /SKUs/UpdateInventory/{id}", "GET /SKUs/{id}"}


def test_yodify_control_with_the_wrong_list_envelope_fails_response_schema_conformance(tmp_path):
    code, report = run_yodify_control("yodify-bare-accounts-list", tmp_path, [
        "getAccounts", "getAccountsById", "getBrands"])
    assert code == 1 and report["errors"] == []
    assert pairs(report) == {("GET /Accounts", "response_schema_conformance")}
    assert all(f["status"] == 200 for f in report["findings"])


# -- options, auth, help ----------------------------------------------------------------------------


def test_bad_credentials_stop_before_the_run_with_exit_2(capsys):
    code = main(["fuzz", "inventorypro", "--client-id", "demo-warehouse", "--client-secret", "wrong"])
    assert code == 2
    err = capsys.readouterr().err
    assert "token exchange at POST /Token for client 'demo-warehouse' failed: HTTP 401" in err


@pytest.mark.parametrize("args, message", [
    (["--phases", "fuzzing,bogus"], "--phases: unknown bogus"),
    (["--include", "nope"], "no operation matches 'nope'"),
    (["--api-key", "X=1"], "no apiKey scheme has this name"),
    (["--client-id", "demo-warehouse"], "--client-id and --client-secret go together"),
    (["--workers", "2"], "--workers goes with --url"),
    (["--workers", "0"], "--workers wants 1 to 64"),
])
def test_bad_options_exit_2_with_a_message(args, message, capsys):
    assert main(["fuzz", "inventorypro", "--max-examples", "1", *args]) == 2
    assert message in capsys.readouterr().err


def test_include_limits_the_run_to_the_named_operations(tmp_path):
    code, report = fuzz("inventorypro", "--include", "getCustomer", "--include", "GET /Customer/All",
                        "--phases", "examples,coverage", "--max-examples", "2", report=tmp_path)
    assert code == 0
    tested = {op["operation"] for op in report["operations"] if op["requests"]}
    assert tested == {"GET /Customer/{id}", "GET /Customer/All"}


RUNS_IN_ONE_PROCESS = """
import json
from sparring.contract import fuzz

def run(partner, **options):
    lines = []
    result = fuzz(partner, seed=0, progress=lines.append, **options)
    return {"progress": lines, "findings": [[f.operation, f.check] for f in result.findings],
            "operations": [[op.label, op.cases, sorted(op.checks.items())] for op in result.operations.values()]}

first = run("inventorypro", max_examples=10)
run("komet", max_examples=1, phases=["examples"])  # serving komet imports its own modules
print(json.dumps([first, run("inventorypro", max_examples=10)]))
"""


def test_a_run_sends_the_same_requests_whatever_ran_before_it_in_the_process():
    """Same seed, same cases, also after runs of other partners in the same Python process (a CI job,
    a pytest suite): hypothesis drew constants from every module the process had imported, and
    serving a partner imports its own modules, so a repeated run's stateful phase drew other steps."""
    proc = subprocess.run([sys.executable, "-c", RUNS_IN_ONE_PROCESS], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    first, again = json.loads(proc.stdout.splitlines()[-1])
    # per phase: every operation's request count, the stateful scenarios and their requests
    assert any("scenarios" in line for line in first["progress"])
    assert again == first


def test_two_in_process_runs_send_the_same_requests_down_to_the_query_values():
    """Server time stands still in an in-process run, so the timestamps the app writes, and what
    schemathesis draws from them (modifiedSince, ids of records read back), are the same every run.
    Read through the journal of the app each run fuzzed."""
    from starlette.testclient import TestClient

    from sparring.contract import prepare, runner

    def requests() -> list:
        partner, target, creds, settings = prepare("inventorypro", max_examples=20)
        runner.run(partner, target, creds, settings)
        with TestClient(target.app) as client:
            entries = client.get("/__sparring/journal", params={"limit": 2000}).json()["entries"]
        return [[e["method"], e["path"], e.get("query"), e["status"]] for e in entries]

    first = requests()
    assert len(first) > 300 and any("modifiedSince=" in (entry[2] or "") for entry in first)
    assert requests() == first


def test_a_run_tunes_the_garbage_collector_and_leaves_the_callers_as_it_was():
    """contract/gc_tuning.py: during a run the collector walks less often and skips what the run
    started with; a caller's process (pytest, the Python API) gets its own settings back."""
    import gc

    from sparring.contract import fuzz
    from sparring.contract.gc_tuning import THRESHOLDS

    before = gc.get_threshold(), gc.get_freeze_count()
    during: list = []
    result = fuzz("inventorypro", max_examples=2, progress=lambda line: during.append((gc.get_threshold(), gc.get_freeze_count())))
    assert result.cases > 0 and during
    assert all(thresholds == THRESHOLDS and frozen > before[1] for thresholds, frozen in during)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_an_unreachable_store_is_a_message_not_a_traceback():
    env = {**os.environ, "SPARRING_STORE": "redis://127.0.0.1:9/0"}
    proc = subprocess.run([sys.executable, "-m", "sparring", "fuzz", "inventorypro", "--max-examples", "1"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 2
    assert "cannot use the store SPARRING_STORE=redis://127.0.0.1:9/0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_documents_the_auth_options_per_partner(capsys):
    with pytest.raises(SystemExit):
        main(["fuzz", "--help"])
    out = capsys.readouterr().out
    for text in ("--client-id", "--client-secret", "--token", "--api-key", "--header", "--reset-url", "--junit",
                 "auth per partner:", "inventorypro", "--client-id demo-warehouse --client-secret demo-warehouse-secret",
                 "exchanged at POST /Token"):
        assert text in out, text


def test_importing_the_fuzz_command_does_not_import_schemathesis():
    code = "import sys, sparring.cli; sparring.cli.build_parser(); print('schemathesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# -- the pytest entry point ---------------------------------------------------------------------------


def test_pytest_entry_point_passes_on_sparring_and_fails_on_a_broken_target(tmp_path):
    (tmp_path / "test_contract.py").write_text(textwrap.dedent("""
        import os
        from sparring.contract.pytest_checks import contract

        inventorypro = contract("inventorypro", max_examples=3)

        @inventorypro.schema.parametrize()
        def test_inventorypro(case):
            inventorypro.check(case)

        TestInventoryProWorkflows = inventorypro.workflows()

        broken = contract("inventorypro", url=os.environ["BROKEN_URL"], include=["getCustomer"], max_examples=3,
                          client_id="demo-warehouse", client_secret="demo-warehouse-secret")

        @broken.schema.parametrize()
        def test_broken(case):
            broken.check(case)
    """))
    with serve(CONTROLS["loses-email"]()) as origin:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml", str(tmp_path / "r.xml"),
             str(tmp_path / "test_contract.py")],
            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "BROKEN_URL": origin + PREFIX},
            timeout=300)
    results = {}
    for case in ET.parse(tmp_path / "r.xml").getroot().iter("testcase"):
        outcome = "failed" if case.find("failure") is not None or case.find("error") is not None else "passed"
        results.setdefault(case.get("name").split("[")[0], set()).add(outcome)
    assert results == {"test_inventorypro": {"passed"}, "runTest": {"passed"}, "test_broken": {"failed"}}, proc.stdout
    (failure,) = ET.parse(tmp_path / "r.xml").getroot().iter("failure")
    assert "ST108 Response violates schema" in failure.text and '"email" is a required property' in failure.text
    assert "curl -X GET -H 'Authorization: [Filtered]'" in failure.text


def test_pytest_entry_point_generates_the_same_cases_whatever_the_test_process_imported(tmp_path):
    """A user's suite imports its own modules; which ones must not change the contract's cases (it did:
    hypothesis took literals such as 'Bad Request' from every non-library module imported)."""
    (tmp_path / "test_contract.py").write_text(textwrap.dedent("""
        import os
        if os.environ.get("IMPORT_MORE"):
            import sparring.partners.komet.documents, sparring.partners.komet.rules, sparring.partners.komet.weborders
        from sparring.contract.pytest_checks import contract

        inventorypro = contract("inventorypro", max_examples=10)
        SENT = open(os.environ["SENT"], "a")

        @inventorypro.schema.parametrize()
        def test_inventorypro(case):
            body = None if type(case.body).__name__ == "NotSet" else case.body
            SENT.write(repr((case.method, case.path, case.path_parameters, case.query, body)) + "\\n")
            inventorypro.check(case)
    """))

    def sent(name: str, **env: str) -> list[str]:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_contract.py"],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300,
                              env={**os.environ, "SENT": str(tmp_path / name), **env})
        assert proc.returncode == 0, proc.stdout[-2000:]
        return (tmp_path / name).read_text().splitlines()

    plain = sent("plain.txt")
    assert len(plain) > 100 and sent("more.txt", IMPORT_MORE="1") == plain


def test_api_key_partners_take_their_keys_by_scheme_or_parameter_name(tmp_path, monkeypatch, capsys):
    """A Komet-like partner: a query token and an account header, both required on every call."""
    (tmp_path / "keyed.yaml").write_text(textwrap.dedent("""
        openapi: 3.0.3
        info: {title: Keyed, version: '1'}
        servers: [{url: 'https://keyed.example.com/api'}]
        security: [{token: [], account: []}]
        components:
          securitySchemes:
            token: {type: apiKey, in: query, name: authenticationToken}
            account: {type: apiKey, in: header, name: X-ACCOUNT}
        paths:
          /Items:
            get:
              operationId: listItems
              responses: {'200': {description: ok}}
    """))
    monkeypatch.setenv("SPARRING_SPEC_DIR", str(tmp_path))
    from sparring.contract import prepare

    _, target, creds, _ = prepare("keyed", url="https://keyed.example.com/api",
                                  api_keys=["authenticationToken=t0k3n", "account=ACME"])
    assert creds.schemes == {"token": {"api_key": "t0k3n"}, "account": {"api_key": "ACME"}}
    assert creds.secrets == {"t0k3n": "$AUTHENTICATIONTOKEN", "ACME": "$X_ACCOUNT"}
    # a bare token does not say which of the two keys it is: refused before any request
    assert main(["fuzz", "keyed", "--url", "https://keyed.example.com/api", "--token", "x"]) == 2
    assert "none of the credentials given fits" in capsys.readouterr().err
