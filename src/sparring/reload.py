"""``sparring serve --reload``: a changed spec or fixture file is picked up without a restart.

A thread polls the modification times of ``spec/*.yaml`` and ``fixtures/*.yaml``. On a change it
builds the app again; if that fails (an invalid spec) the error is printed and the previous build
keeps serving. Otherwise the running app switches to the new partners, keeping its journal, faults,
coverage, seed, clock and token secrets (issued tokens stay valid), and carries the state over when the new schemas accept it (else the changed build
starts from freshly seeded data, and says so).
"""

from __future__ import annotations

import threading
import typing as t
from pathlib import Path

from sparring.catalog import data_dir


def snapshot(folders: t.Sequence[Path]) -> dict[Path, float]:
    found = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                found[path] = path.stat().st_mtime_ns
            except OSError:
                continue
    return found


class Reloader:
    def __init__(self, app: t.Any, build: t.Callable[[], t.Any], *, interval: float = 1.0,
                 say: t.Callable[[str], None] = print, folders: t.Sequence[Path] | None = None) -> None:
        self.app = app
        self.build = build
        self.interval = interval
        self.say = say
        self.folders = list(folders or [data_dir("spec"), data_dir("fixtures")])
        self.seen = snapshot(self.folders)
        self.stopped = threading.Event()
        self.reloads = 0
        self.thread = threading.Thread(target=self._run, daemon=True, name="sparring-reload")

    def start(self) -> "Reloader":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            now = snapshot(self.folders)
            if now != self.seen:
                changed = sorted(p.name for p in set(now) ^ set(self.seen) | {p for p in now if self.seen.get(p) != now[p]})
                self.seen = now
                self.reload(changed)

    def reload(self, changed: t.Sequence[str] = ()) -> bool:
        from sparring.control.common import ControlError
        from sparring.control.state import apply, export

        what = ", ".join(changed) or "files"
        try:
            new = self.build()
        except Exception as exc:  # an invalid spec: report it, keep serving the previous build
            self.say(f"sparring: reload after {what} changed failed, still serving the previous specs:\n  {exc}")
            return False
        old_shared, new_shared = self.app.runtime.store.shared, new.runtime.store.shared
        for name in list(old_shared):  # seed, clock offset, token secrets: tokens issued stay valid
            new_shared.set(name, old_shared[name])
        try:
            apply(new.runtime, export(self.app.runtime))
            carried = "state carried over"
        except ControlError as exc:
            carried = f"state not carried over ({exc.detail}); freshly seeded data"
        self.app.swap(new)
        self.reloads += 1
        self.say(f"sparring: reloaded after {what} changed; {carried}")
        return True
