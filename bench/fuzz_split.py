#!/usr/bin/env python3
"""Where an in-process ``sparring fuzz`` run spends its time: generation, transport, app, checks.

Runs ``sparring fuzz PARTNER`` in-process (every phase and check, the fixed seed) with timers
around four layers and prints the split:

- app: the sparring ASGI app itself (``Sparring.__call__``);
- transport: the in-process transport around the app (sparring's ``DirectTransport.send``, and
  schemathesis' ``ASGITransport.send`` where it hands a case over) minus the app: serializing and
  preparing the request, running the app's coroutine, building the response;
- checks: schemathesis' checks on each response (``run_checks``);
- reset: the runtime resets between phases and scenarios;
- the collector's pauses are printed too (wall time, within whichever layer they fell);
- generation and engine: the rest (hypothesis generating cases, schemathesis' engine, the
  collector).

The same split is printed per phase (examples, coverage, fuzzing, stateful) of that one run: the
phases feed each other (schemathesis reuses what earlier phases received), so a phase run alone
is not the same work.

Times are CPU seconds (the process's, and each layer's thread CPU time), so a busy machine
changes them less than wall time; wall time and requests per wall second are printed too.

    .venv/bin/python bench/fuzz_split.py inventorypro --max-examples 100
    .venv/bin/python bench/fuzz_split.py yodify --max-examples 20
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from collections import defaultdict

TIMES: dict[str, float] = defaultdict(float)
COUNTS: dict[str, int] = defaultdict(int)
_GC_STARTED = [0.0]


class _Within(threading.local):
    """The layers a thread is timing now."""

    def __init__(self) -> None:
        self.names: set[str] = set()


_WITHIN = _Within()


def timed(name: str, function):
    """``function`` timed as the layer ``name``; a call within that layer (a subclass's method
    calling its base's) counts once."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        within = _WITHIN.names
        if name in within:
            return function(*args, **kwargs)
        within.add(name)
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[name] += time.thread_time() - started
            COUNTS[name] += 1
            within.discard(name)
    return wrapper


def _collections(phase: str, info: dict) -> None:  # the collector's pauses, in whichever layer they fell
    if phase == "start":
        _GC_STARTED[0] = time.perf_counter()
    else:
        TIMES["gc"] += time.perf_counter() - _GC_STARTED[0]


def instrument() -> None:
    import gc

    gc.callbacks.append(_collections)
    import schemathesis.engine._validate as validate
    import schemathesis.engine.run.stateful._executor as stateful
    from schemathesis.transport.asgi import ASGITransport

    from sparring.app import Sparring
    from sparring.contract.direct_transport import DirectTransport
    from sparring.runtime import Runtime

    ASGITransport.send = timed("transport+app", ASGITransport.send)
    DirectTransport.send = timed("transport+app", DirectTransport.send)
    validate.run_checks = timed("checks", validate.run_checks)
    stateful.run_checks = timed("checks", stateful.run_checks)
    Runtime.reset = timed("reset", Runtime.reset)
    original = Sparring.__call__

    async def call(self, scope, receive, send):
        started = time.thread_time()
        try:
            return await original(self, scope, receive, send)
        finally:
            TIMES["app"] += time.thread_time() - started
            COUNTS["app"] += 1

    Sparring.__call__ = call


PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _snapshot() -> tuple[float, dict, int]:
    return time.process_time(), dict(TIMES), COUNTS["app"]


def _layers(cpu: float, times: dict, requests: int) -> dict:
    app = times.get("app", 0.0)
    checks, reset = times.get("checks", 0.0), times.get("reset", 0.0)
    return {"requests": requests, "total": cpu, "app": app, "transport": times.get("transport+app", 0.0) - app,
            "checks": checks, "reset": reset, "generation": cpu - times.get("transport+app", 0.0) - checks - reset}


def split(partner: str, max_examples: int, seed: int = 0) -> dict:
    """Run one fuzz and return the split (seconds) and counts, for the run and for each phase."""
    TIMES.clear()
    COUNTS.clear()
    from sparring.contract import fuzz

    marks: list[tuple[str, tuple[float, dict, int]]] = []

    def progress(line: str) -> None:  # an unindented line naming a phase: that phase starts
        name = line.split(" ", 1)[0]
        if not line.startswith(" ") and name in PHASES:
            marks.append((name, _snapshot()))

    started, cpu = time.perf_counter(), time.process_time()
    result = fuzz(partner, max_examples=max_examples, seed=seed, progress=progress)
    wall, total = time.perf_counter() - started, time.process_time() - cpu
    end = _snapshot()
    phases = {}
    for (name, (c0, t0, r0)), (_, (c1, t1, r1)) in zip(marks, [*marks[1:], ("end", end)]):
        phases[name] = _layers(c1 - c0, {k: t1.get(k, 0.0) - t0.get(k, 0.0) for k in t1}, r1 - r0)
    row = _layers(total, TIMES, COUNTS["app"])
    row["gc"] = TIMES.get("gc", 0.0)
    row.update(partner=partner, cases=result.cases, findings=len(result.findings), wall=wall, phases=phases)
    return row


def show(row: dict) -> None:
    total = row["total"]
    print(f"{row['partner']}: {row['requests']} requests ({row['cases']} cases, {row['findings']} findings): "
          f"{total:.1f} s CPU = {row['requests'] / total:.0f} requests per CPU second; "
          f"wall {row['wall']:.1f} s = {row['requests'] / row['wall']:.0f} requests/s")
    for name in ("generation", "transport", "app", "checks", "reset"):
        print(f"  {name:<11} {row[name]:7.2f} s  {100 * row[name] / total:5.1f} %")
    print(f"  (collector pauses, within the layers above: {row['gc']:.2f} s, {100 * row['gc'] / total:.1f} %)")
    print(f"  {'phase':<10} {'requests':>8} {'CPU s':>7}  {'generation':>10} {'transport':>9} {'app':>6} {'checks':>6}")
    for name, phase in row["phases"].items():
        print(f"  {name:<10} {phase['requests']:>8} {phase['total']:7.2f}  {phase['generation']:10.2f} "
              f"{phase['transport']:9.2f} {phase['app']:6.2f} {phase['checks']:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partners", nargs="*", default=["inventorypro"])
    parser.add_argument("--max-examples", type=int, default=100)
    args = parser.parse_args()
    instrument()
    for partner in args.partners:
        show(split(partner, args.max_examples))


if __name__ == "__main__":
    main()
