"""The resolved-spec cache: a second load reads it, a corrupt entry is ignored and rewritten, an
edited spec misses, and concurrent starts never read half a file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sparring.catalog import data_dir, load_partner

SPEC = data_dir("spec") / "inventorypro.yaml"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_second_load_reads_the_cache_and_gives_the_same_partner(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARRING_CACHE_DIR", str(tmp_path))
    first = load_partner(SPEC)
    [entry] = _entries(tmp_path)
    again = load_partner(SPEC)
    assert again.spec == first.spec
    assert list(again.operations) == list(first.operations)
    assert _entries(tmp_path) == [entry]


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARRING_CACHE_DIR", str(tmp_path))
    good = load_partner(SPEC).spec
    [entry] = _entries(tmp_path)
    entry.write_bytes(b"not a pickle at all")
    assert load_partner(SPEC).spec == good
    entry.write_bytes(entry.read_bytes()[:-1] if entry.stat().st_size > 1 else b"")
    assert load_partner(SPEC).spec == good


def test_an_edited_spec_misses_and_an_invalid_one_is_never_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARRING_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "inventorypro.yaml"
    shutil.copy(SPEC, spec)
    load_partner(spec, data_dir("fixtures"))
    spec.write_text(spec.read_text().replace("title:", "title: Edited", 1))
    assert load_partner(spec, data_dir("fixtures")).title.startswith("Edited")
    assert len(_entries(tmp_path / "cache")) == 2
    spec.write_text(spec.read_text().replace("openapi: 3.0", "openapi: 9.9", 1))
    try:
        load_partner(spec, data_dir("fixtures"))
    except Exception as exc:
        assert "inventorypro.yaml" in str(exc)
    else:
        raise AssertionError("an invalid spec loaded")
    assert len(_entries(tmp_path / "cache")) == 2


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARRING_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_partner(SPEC)
    assert not list(tmp_path.rglob("*.pickle"))


def test_concurrent_starts_share_one_cache(tmp_path):
    code = "from sparring.catalog import load_partners; print(len(load_partners(['inventorypro'])[0].operations))"
    env = {"SPARRING_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(4)]
    outputs = {run.communicate(timeout=120)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(outputs) == 1
    assert len(_entries(tmp_path)) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_the_cache_keeps_only_its_newest_entries(tmp_path, monkeypatch):
    from sparring import speccache

    monkeypatch.setenv("SPARRING_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(speccache, "MAX_ENTRIES", 3)
    for n in range(5):
        speccache.store(f"{n:064d}", {"n": n})
    assert len(_entries(tmp_path)) == 3
    assert speccache.load(f"{4:064d}") == {"n": 4}


# A first start resolves the specs the cache lacks in forked workers (sparring/parallel_resolve.py).
# Only a process with no other thread forks, so these run in a fresh interpreter; the CPU time of
# its finished children (os.times) shows whether workers did the work.
PARALLEL_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

_DIGESTS = """
import hashlib, json, os, sys
from sparring.catalog import load_partners, spec_paths
names = [p.stem for p in spec_paths()]
partners = load_partners() if sys.argv[1] == "together" else [load_partners([n])[0] for n in names]
print(json.dumps({"specs": {p.name: hashlib.sha256(json.dumps(p.spec, sort_keys=True).encode()).hexdigest()
                            for p in partners},
                  "operations": {p.name: sorted(p.operations) for p in partners},
                  "children_cpu": os.times().children_user + os.times().children_system}))
"""


def _digests(how: str, cache: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _DIGESTS, how],
                          env={"SPARRING_CACHE_DIR": cache, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_first_start_resolves_every_spec_at_once_and_gets_what_one_at_a_time_gets(tmp_path):
    together = _digests("together", str(tmp_path))  # empty cache: all five specs resolved at once
    one_by_one = _digests("one by one", "off")  # one spec per load: resolved here, no worker
    again = _digests("together", str(tmp_path))  # every spec from the cache the first run filled
    assert together["specs"] == one_by_one["specs"] == again["specs"]
    assert together["operations"] == one_by_one["operations"] == again["operations"]
    assert len(together["specs"]) == len(_entries(tmp_path)) >= 5
    assert one_by_one["children_cpu"] == again["children_cpu"] == 0
    if PARALLEL_CORES > 1:
        assert together["children_cpu"] > 0, "no worker resolved a spec"
    else:  # one core: no worker forked, nothing to gain
        assert together["children_cpu"] == 0


_FIRST_ERROR = """
import os, sys
from pathlib import Path
from sparring.catalog import SpecError, load_partner, load_partners
folder = Path(sys.argv[1])
try:
    load_partners(spec_dir=folder)
except SpecError as exc:
    together, cpu = str(exc), os.times().children_user + os.times().children_system
else:
    sys.exit("the specs loaded")
try:
    load_partner(folder / "komet.yaml")
except SpecError as exc:
    print(together == str(exc), cpu > 0, together, sep="\\n")
"""


def test_the_first_bad_spec_of_several_is_named_as_when_it_is_loaded_alone(tmp_path):
    for name in ("inventorypro", "komet", "skuio"):
        text = (data_dir("spec") / f"{name}.yaml").read_text()
        if name != "inventorypro":  # both broken; komet comes first
            text = text.replace("info:\n", "info: 7\nx-was-info:\n", 1)
        (tmp_path / f"{name}.yaml").write_text(text)
    done = subprocess.run([sys.executable, "-c", _FIRST_ERROR, str(tmp_path)], capture_output=True, text=True,
                          env={"SPARRING_CACHE_DIR": "off", "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stderr
    same, forked, message = done.stdout.strip().split("\n", 2)
    assert same == "True", message
    assert "komet.yaml" in message and "7 is not of type 'object'" in message
    assert forked == str(PARALLEL_CORES > 1)
