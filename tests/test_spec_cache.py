"""The resolved-spec cache: a second load reads it, a corrupt entry is ignored and rewritten, an
edited spec misses, and concurrent starts never read half a file."""

from __future__ import annotations

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
