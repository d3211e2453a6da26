"""The pytest plugin, as a user runs it: the example client suite (examples/client_suite) under
pytest-xdist against one shared sparring, each worker in its own namespace; and the control API
fuzzed against its own OpenAPI document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sparring.contract import fuzz
from sparring.pytest_plugin import InProcessServer

SUITE = Path(__file__).resolve().parents[1] / "examples" / "client_suite"


@pytest.fixture(scope="module")
def shared():
    server = InProcessServer(["inventorypro"], 0)
    yield server.url
    server.stop()


def test_the_example_suite_passes_under_xdist_against_one_sparring(shared):
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", str(SUITE),
                          "--sparring-url", shared, "--rootdir", str(SUITE)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "18 passed" in run.stdout
    spaces = httpx.get(f"{shared}/__sparring/namespaces").json()["partners"]["inventorypro"]
    assert {"pytest-gw0", "pytest-gw1"} <= {s["name"] for s in spaces}
    coverage = httpx.get(f"{shared}/__sparring/coverage").json()
    assert coverage["operations_called"] == 5  # token, list, get, upsert, discontinue


def test_the_plugin_is_registered_through_its_entry_point():
    from importlib.metadata import entry_points

    assert [e.value for e in entry_points(group="pytest11") if e.name == "sparring"] == ["sparring.pytest_plugin"]


def test_the_control_api_passes_fuzzing_against_its_own_document():
    result = fuzz("control", max_examples=5, seed=1)
    assert result.ok, (result.findings[:3], result.errors)
    assert result.cases > 200


def test_fuzz_takes_a_spec_file_by_path():
    spec = Path(__file__).resolve().parents[1] / "spec" / "inventorypro.yaml"
    result = fuzz(str(spec), max_examples=2, phases=("examples",))
    assert result.ok and result.partner == "inventorypro" and result.cases > 0
