"""``sparring fuzz --jobs N``: one in-process run split over N forked processes.

Each run starts in a process of its own (the CLI, or a short script for the Python API), as a user
runs it: jobs are forked from the process that asks for them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ["examples", "coverage", "fuzzing", "stateful"]
OPERATIONS = {"GET /Customer/All", "GET /Customer/{id}", "POST /Customer", "DELETE /Customer/{id}", "POST /Token"}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sparring", "fuzz", *args], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)


def test_two_jobs_test_every_operation_once_per_phase_and_repeat_exactly(tmp_path):
    runs = []
    for n in (1, 2):
        proc = cli("inventorypro", "--jobs", "2", "--max-examples", "10", "--report", str(tmp_path / str(n)))
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        runs.append((proc.stdout, json.loads((tmp_path / str(n) / "report.json").read_text())))
    (out, report), (_, again) = runs
    assert report["settings"]["jobs"] == 2 and report["passed"]
    assert {op["operation"] for op in report["operations"] if op["requests"] > 0} == OPERATIONS
    assert report["scenarios"]["stateful"] > 0
    # the same seed and the same number of jobs: the same requests per operation, the same scenarios
    assert [(op["operation"], op["requests"], op["checks"]) for op in again["operations"]] == \
           [(op["operation"], op["requests"], op["checks"]) for op in report["operations"]]
    assert again["scenarios"] == report["scenarios"]
    # progress comes phase by phase: each heading once, in order, then one line per operation
    lines = out.splitlines()
    headings = [i for i, line in enumerate(lines) if line.split(" ", 1)[0] in PHASES]
    assert [lines[i].split(" ", 1)[0] for i in headings] == PHASES
    for start, end in zip(headings[:3], headings[1:]):
        block = [line.split()[0] + " " + line.split()[1] for line in lines[start + 1:end]]
        assert sorted(block) == sorted(OPERATIONS), lines[start:end]
    stateful = lines[headings[3] + 1:headings[3] + 3]
    assert sorted(line.split(":")[0].strip() for line in stateful) == ["job 1 of 2", "job 2 of 2"]
    assert "2 jobs" in out


CONTROLS_IN_PROCESS = """
import json, sys
sys.path.insert(0, "tests")
from controls import CONTROLS
from sparring.contract import fuzz

runs = {"ignores-auth": dict(max_examples=5), "loses-email": dict(max_examples=5),
        "delete-keeps": dict(max_examples=20, phases=["stateful"])}
found = {}
for name, options in runs.items():
    for jobs in (1, 2):
        result = fuzz("inventorypro", app=CONTROLS[name](), jobs=jobs, seed=0, **options)
        found[f"{name} {jobs}"] = sorted([f.operation, f.check] for f in result.findings)
print(json.dumps(found))
"""


def test_negative_controls_find_with_two_jobs_exactly_what_one_process_finds():
    """Broken copies of InventoryPro (tests/controls), fuzzed in-process through the Python API's
    ``app``: the unit phases (auth ignored, a field missing from a body) and the stateful phase (a
    DELETE that keeps the record) report the same failures with two jobs as with one."""
    proc = subprocess.run([sys.executable, "-c", CONTROLS_IN_PROCESS], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout.splitlines()[-1])
    for name in ("ignores-auth", "loses-email", "delete-keeps"):
        assert found[f"{name} 2"] == found[f"{name} 1"], name
    assert {op for op, check in found["ignores-auth 1"] if check == "ignored_auth"} == OPERATIONS - {"POST /Token"}
    assert found["loses-email 1"] == [["GET /Customer/{id}", "response_schema_conformance"]]
    assert found["delete-keeps 1"] == [["DELETE /Customer/{id}", "use_after_free"]]


def test_jobs_refuse_an_app_whose_data_every_job_would_share(redis_url):
    """With SPARRING_STORE naming a Redis server, the in-process app keeps its data there: every job
    would reset the others' data, so --jobs says so and stops; one process still runs."""
    env = {**os.environ, "SPARRING_STORE": redis_url}
    proc = subprocess.run([sys.executable, "-m", "sparring", "fuzz", "inventorypro", "--jobs", "2", "--max-examples", "1"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "--jobs gives each job its own copy of the app's data" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "sparring", "fuzz", "inventorypro", "--max-examples", "1",
                           "--phases", "examples"], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_jobs_go_with_in_process_runs_only():
    proc = cli("inventorypro", "--jobs", "2", "--url", "http://127.0.0.1:9/inventorypro/api/v1")
    assert proc.returncode == 2
    assert "--jobs splits an in-process run over processes" in proc.stderr
    proc = cli("inventorypro", "--jobs", "0")
    assert proc.returncode == 2 and "--jobs wants 1 to 64" in proc.stderr
