"""Resolved specs cached by content hash, so a start skips YAML parsing, validation and ``$ref``
resolution for a spec it has seen before.

The key is a hash of the spec's bytes together with what decides how it is checked and resolved
(sparring's version, the declarations schema, the validator and resolver versions): an edited spec,
or a sparring that checks differently, never reads an old entry. Entries are written to a
temporary file and renamed into place, so concurrent starts (pytest-xdist, several workers) never
read half a file; an entry that cannot be read is ignored and written again.

``SPARRING_CACHE_DIR`` moves the cache (``off`` turns it off); the default is the user's cache
directory (``$XDG_CACHE_HOME/sparring`` or ``~/.cache/sparring``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import typing as t
from functools import lru_cache
from pathlib import Path

FORMAT = 2  # 2: keys made strings
MAX_ENTRIES = 64


def cache_dir() -> Path | None:
    configured = os.environ.get("SPARRING_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sparring"


@lru_cache(maxsize=1)
def _salt() -> bytes:
    """What, besides the spec's bytes, decides the resolved result and whether it is valid."""
    from importlib import metadata

    from sparring import __version__

    parts = [f"format {FORMAT}", __version__]
    for dist in ("prance", "openapi-spec-validator", "PyYAML"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} none")
    schema = Path(__file__).parent / "declarations" / "schema.json"
    parts.append(hashlib.sha256(schema.read_bytes()).hexdigest() if schema.exists() else "")
    return "\n".join(parts).encode()


def key_for(spec_path: Path, content: bytes) -> str:
    digest = hashlib.sha256(_salt())
    digest.update(str(spec_path.resolve()).encode())  # relative external $refs resolve from here
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


def load(key: str) -> t.Any | None:
    """The cached value, or None when absent, unreadable or corrupt."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"{key}.pickle", "rb") as fh:
            stored_key, value = pickle.load(fh)
        return value if stored_key == key else None
    except Exception:  # missing, truncated, from another Python: recompute
        return None


def store(key: str, value: t.Any) -> None:
    """Write atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{key[:16]}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, folder / f"{key}.pickle")
        except BaseException:
            with _ignored():
                os.unlink(temp)
            raise
        _prune(folder)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Keep the newest MAX_ENTRIES entries: every edited spec (or test copy) leaves one behind."""
    entries = []
    for path in folder.glob("*.pickle"):
        with _ignored():
            entries.append((path.stat().st_mtime, path))
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        with _ignored():
            path.unlink()


class _ignored:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: t.Any) -> bool:
        return True


_EXTERNAL_REF = re.compile(rb"""\$ref["']?\s*:\s*["']?(?![#'"\s])""")


def cacheable(content: bytes) -> bool:
    """Only a self-contained spec: one whose ``$ref`` s all point inside it (another file's change
    would not change this file's hash)."""
    return _EXTERNAL_REF.search(content) is None
