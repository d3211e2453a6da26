"""One in-process fuzz run split over several processes (``sparring fuzz --jobs N``).

In-process, the fuzzer and the app share one interpreter, and most of a run is hypothesis drawing
cases: threads would only take turns on the GIL. N forked processes each run every phase and
every check against their own copy of the app, freshly seeded:

- examples, coverage and fuzzing: each operation is tested by exactly one job (operations dealt
  out by their request schemas' size, see :func:`shards`), with the run's seed, so it gets as
  many cases as in a one-process run;
- stateful: every job links all operations as a whole run does and plays its share of the
  scenarios, from seeds of its own (job 1 keeps the run's);
- the results merge: requests and checks per operation add up, and a failure two jobs found is
  reported once.

A job does not see what the other jobs' responses taught schemathesis, so a run with N jobs draws
different cases from a run with one; the same seed and the same N draw the same cases. Progress
lines come phase by phase: a job's lines for a later phase wait until every job has finished the
earlier ones.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
import traceback
import typing as t
from collections import defaultdict
from dataclasses import replace

from sparring.contract.gc_tuning import tuned_gc
from sparring.contract.runner import PHASES, OperationStats, RunResult, Settings, Shard, operation_label, selected_operations

MAX_JOBS = 64


def shards(partner: t.Any, settings: Settings) -> list[Shard]:
    """The operations dealt out so that each job gets about the same work; the stateful scenarios
    split as evenly as they go.

    An operation's work is guessed from the size of what a request to it carries (its parameters'
    and body's schemas, references followed): the heaviest goes first, to the job with the least
    so far (ties: the spec's order, the lower job). Only the spec decides, so the same spec and N
    always deal the same way.
    """
    count = settings.jobs
    spec = partner.spec
    weighed = sorted((-request_size(spec, op.spec), position, operation_label(op))
                     for position, op in enumerate(selected_operations(partner, settings)))
    loads, dealt = [0] * count, [[] for _ in range(count)]
    for negative, _, label in weighed:
        job = loads.index(min(loads))
        loads[job] -= negative
        dealt[job].append(label)
    share, extra = divmod(settings.max_examples, count)
    return [Shard(index, count, frozenset(dealt[index]), share + (index < extra)) for index in range(count)]


def request_size(spec: dict, operation: dict) -> int:
    """Schema nodes a request to the operation carries (each referenced schema counted once), at least 1."""
    seen: set[str] = set()

    def size(node: t.Any) -> int:
        if isinstance(node, list):
            return sum(size(item) for item in node)
        if not isinstance(node, dict):
            return 0
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in seen or not ref.startswith("#/"):
                return 1
            seen.add(ref)
            target: t.Any = spec
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
            return 1 + size(target)
        return 1 + sum(size(value) for key, value in node.items() if key not in ("description", "example", "examples"))

    return max(1, size(operation.get("parameters", [])) + size(operation.get("requestBody", {})))


def run(partner: t.Any, target: t.Any, creds: t.Any, settings: Settings,
        progress: t.Callable[[str], None]) -> RunResult:
    """Run the jobs in forked processes and merge what they found."""
    started = time.monotonic()
    schema = _prepare_once(partner, target, creds, settings)
    parts = shards(partner, settings)
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    processes = [context.Process(target=_job, args=(partner, target, creds, settings, shard, schema, messages),
                                 name=f"sparring-fuzz-job-{shard.index + 1}", daemon=True) for shard in parts]
    results: dict[int, RunResult | str] = {}  # job index -> its result, or why it has none
    with tuned_gc():  # frozen before the fork: the jobs share what the parent built (gc_tuning.py)
        for process in processes:
            process.start()
        try:
            _collect(processes, messages, PhaseOrder(len(parts), progress), results)
        except KeyboardInterrupt:  # as one process's run reports it: what was found so far, and that it stopped
            results[len(parts)] = "interrupted"
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                process.join(5)
    merged = merge(partner, target, creds, [results[index] for index in sorted(results)], settings)
    merged.elapsed = time.monotonic() - started
    return merged


# What a run imports on its way (schemathesis' engine, its ASGI transport, the OpenAPI checks):
# imported before the fork, once, instead of once in every job. A name missing here costs time, not
# correctness.
ENGINE_MODULES = ("schemathesis.engine.core", "schemathesis.engine.run.unit", "schemathesis.engine.run.stateful",
                  "schemathesis.python.asgi", "schemathesis.transport.asgi", "schemathesis.specs.openapi.checks")


def _prepare_once(partner: t.Any, target: t.Any, creds: t.Any, settings: Settings) -> t.Any:
    """Work every job would repeat, done before the fork: the run's schema (each job confines its
    own copy), imports and seeding the app's data."""
    import importlib

    from sparring.contract import runner

    schema = runner.build_schema(partner, target, creds, settings)
    for name in ENGINE_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    runtime = getattr(getattr(target, "app", None), "runtime", None)
    if runtime is not None:
        runtime.warm()
    return schema


def _job(partner: t.Any, target: t.Any, creds: t.Any, settings: Settings, shard: Shard, schema: t.Any,
         messages: t.Any) -> None:
    """A forked job: run its part, send progress lines as they come and the result at the end."""
    from sparring.contract import runner

    _forget_parent_threads()

    phases = settings.phases if shard.stateful_examples else tuple(p for p in settings.phases if p != "stateful")
    mine = replace(settings, phases=phases)
    try:
        result = runner.run(partner, target, creds, mine, lambda line: messages.put(("line", shard.index, line)), shard,
                            schema)
        result.settings = settings
        messages.put(("result", shard.index, result))
    except BaseException as exc:  # noqa: BLE001  (the parent reports it; a job must not die silently)
        messages.put(("error", shard.index, "".join(traceback.format_exception_only(type(exc), exc)).strip()))
    finally:
        messages.close()
        messages.join_thread()


_ORPHANED: list[t.Any] = []


def _forget_parent_threads() -> None:
    """A forked process has only the thread that forked it. schemathesis keeps one event-loop thread
    per process for its ASGI transport (started by any earlier in-process run in the parent) and the
    apps' lifespans on it; in the job that thread does not exist, so its state is dropped and made
    again on first use, with locks no parent thread can be holding."""
    from schemathesis.python import asgi

    # Kept, never collected: collecting the old stack would close the parent's portal, which waits
    # for the missing thread forever. The job ends with os._exit, so nothing is closed at exit either.
    _ORPHANED.append((asgi._STACK, asgi._PORTAL, dict(asgi._LIFESPANS)))
    asgi._LOCK = threading.Lock()
    asgi._STACK = contextlib.ExitStack()
    asgi._PORTAL = None
    asgi._LIFESPANS.clear()
    asgi._STARTUP_LOCKS.clear()


def _collect(processes: list[t.Any], messages: t.Any, order: "PhaseOrder", results: dict) -> None:
    """Print progress in phase order until every job has sent its result or died."""
    while len(results) < len(processes):
        try:
            kind, index, payload = messages.get(timeout=0.5)
        except queue.Empty:
            dead = [index for index, process in enumerate(processes)
                    if index not in results and process.exitcode is not None]
            if not dead:
                continue
            try:  # a job that has ended may have left its last messages in the pipe
                kind, index, payload = messages.get(timeout=1)
            except queue.Empty:
                kind, index, payload = "error", dead[0], f"ended with exit code {processes[dead[0]].exitcode} and no result"
        if kind == "line":
            order.line(index, payload)
            continue
        results[index] = payload if kind == "result" else f"job {index + 1}: {payload}"
        order.finish(index)


class PhaseOrder:
    """Prints the jobs' progress lines phase by phase.

    A line of the earliest phase some job is still in is printed at once; a line of a later phase
    waits until every job has left the earlier ones. A phase's heading is printed once.
    """

    def __init__(self, count: int, progress: t.Callable[[str], None]) -> None:
        self.progress = progress
        self.phase = [-1] * count  # the phase each job is in (index into PHASES); len(PHASES) when done
        self.waiting: dict[int, list[str]] = defaultdict(list)
        self.headings: set[str] = set()  # phases whose heading is printed

    @property
    def floor(self) -> int:
        return min(self.phase)

    def line(self, job: int, text: str) -> None:
        name = text.split(" ", 1)[0]
        if not text.startswith(" ") and name in PHASES:
            self.phase[job] = PHASES.index(name)
            if name in self.headings:  # the jobs' headings differ only in links inferred from responses
                self._advance()
                return
            self.headings.add(name)
        self._emit(self.phase[job], text)
        self._advance()

    def finish(self, job: int) -> None:
        self.phase[job] = len(PHASES)
        self._advance()

    def _emit(self, phase: int, text: str) -> None:
        if phase <= self.floor:
            self.progress(text)
        else:
            self.waiting[phase].append(text)

    def _advance(self) -> None:
        for phase in sorted(p for p in self.waiting if p <= self.floor):
            for text in self.waiting.pop(phase):
                self.progress(text)


def merge(partner: t.Any, target: t.Any, creds: t.Any, results: t.Sequence[RunResult | str],
          settings: Settings) -> RunResult:
    """One result from the jobs': counts add up, a failure found twice is reported once, and a job
    without a result is an error."""
    merged = RunResult(partner.name, target.description, creds.description, settings, repro_setup=list(creds.setup))
    for op in partner.operations.values():
        merged.operations[operation_label(op)] = OperationStats(operation_label(op), op.id)
    seen: set[str] = set()
    for result in results:
        if isinstance(result, str):
            merged.errors.append(result)
            continue
        for label, stats in result.operations.items():
            total = merged.operations.setdefault(label, OperationStats(label, stats.operation_id))
            total.cases += stats.cases
            total.checks.update(stats.checks)
        for key, finding in zip(result.finding_keys, result.findings):
            if key in seen:
                continue
            seen.add(key)
            merged.finding_keys.append(key)
            merged.findings.append(finding)
            merged.operations.setdefault(finding.operation, OperationStats(finding.operation)).failures[finding.check] += 1
        merged.errors += [error for error in result.errors if error not in merged.errors]
        merged.soft_delete_reads += result.soft_delete_reads
        merged.scenarios.update(result.scenarios)
    return merged


def check_store(jobs: int, store: t.Any) -> None:
    """Raise ValueError when the in-process app keeps its data where every job would share it."""
    from sparring.engine.store.memory import MemoryStore

    if jobs > 1 and not isinstance(store, MemoryStore):
        raise ValueError("--jobs gives each job its own copy of the app's data, in memory; this app keeps it in a "
                         "shared store (SPARRING_STORE), where the jobs would reset each other's data: unset "
                         "SPARRING_STORE or run without --jobs")


def check(jobs: int, in_process: bool) -> None:
    """Raise ValueError when ``--jobs`` cannot be used as asked."""
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"--jobs wants 1 to {MAX_JOBS}, got {jobs}")
    if jobs > 1 and not in_process:
        raise ValueError("--jobs splits an in-process run over processes; against a URL, --workers sends "
                         "requests in parallel")
    if jobs > 1 and "fork" not in multiprocessing.get_all_start_methods():
        raise ValueError("--jobs needs processes started by fork, which this platform does not have; run without it")
