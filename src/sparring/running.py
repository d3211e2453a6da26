"""Where running ``sparring serve`` processes listen, so ``sparring credentials`` prints real URLs.

Each server writes ``sparring-serve-<pid>.json`` (its base URL) into the user's temporary
directory while it runs and removes it on exit; a record whose process is gone is ignored.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _folder() -> Path:
    return Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def announce(base_url: str) -> Path | None:
    """Record this process's base URL; returns the file to remove at exit (None if unwritable)."""
    path = _folder() / f"sparring-serve-{os.getpid()}.json"
    try:
        path.write_text(json.dumps({"pid": os.getpid(), "base_url": base_url}), encoding="utf-8")
    except OSError:
        return None
    return path


def withdraw(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def base_urls() -> list[str]:
    """Base URLs of the servers running now, oldest process first."""
    found = []
    for path in _folder().glob("sparring-serve-*.json"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("pid"), int) and _alive(record["pid"]):
            found.append((record["pid"], str(record.get("base_url"))))
    return [url for _, url in sorted(found)]
