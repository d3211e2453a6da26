"""Work a running ``sparring serve`` does now and then, beside the requests (``--reload``,
``--drop-idle-after``): a daemon thread that calls ``tick`` every ``interval`` seconds until stopped."""

from __future__ import annotations

import threading


class Periodic:
    interval: float = 1.0
    name: str = "sparring-periodic"

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=self.name)

    def start(self) -> "Periodic":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        raise NotImplementedError
