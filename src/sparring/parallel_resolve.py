"""Specs the cache lacks, resolved in forked processes at once.

A first start (an empty spec cache: a fresh CI machine, a new sparring version, an edited spec)
parses, validates and resolves every spec, about half a second for the five partners on one core.
That work is Python holding the GIL, so threads would only take turns; forked processes run it on
every core. Workers take specs from one queue, largest first (the queue balances them better
than shares dealt out by size: Yodify's spec takes longer than its bytes say), and send back the
resolved document or the spec's error. The caller reads the results in its own order, so the
first bad spec it names is the one a load one after another would have named.

A process is forked only where that is safe and pays: two specs or more to resolve, two cores or
more, and no other thread in this process (a child forked while another thread holds a lock can
wait for it forever). Otherwise, and if a worker cannot start or dies, the specs are resolved
here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import typing as t
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

Resolve = t.Callable[[Path, bytes], dict]


def resolve_all(resolve: Resolve, specs: t.Sequence[tuple[Path, bytes]],
                expected: type[Exception]) -> list[dict | Exception]:
    """``resolve(path, content)`` of each spec, in order; an ``expected`` error is returned, not raised."""
    workers = min(len(specs), _cores())
    if workers < 2 or not _may_fork():
        return [_attempt(resolve, path, content, expected) for path, content in specs]
    results: list[dict | Exception | None] = [None] * len(specs)
    largest_first = sorted(range(len(specs)), key=lambda i: -len(specs[i][1]))
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {i: pool.submit(_attempt, resolve, *specs[i], expected) for i in largest_first}
            for i, future in futures.items():
                results[i] = future.result()
    except (BrokenProcessPool, OSError):
        pass  # what the workers did not deliver is resolved below
    return [_attempt(resolve, *specs[i], expected) if result is None else result
            for i, result in enumerate(results)]


def _attempt(resolve: Resolve, path: Path, content: bytes, expected: type[Exception]) -> dict | Exception:
    try:
        return resolve(path, content)
    except expected as exc:
        return exc


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _may_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
