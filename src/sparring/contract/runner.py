"""Builds the schemathesis schema for a partner and a target, runs its engine, collects the results.

Every phase and every check schemathesis has runs; what sparring adds is read from the spec:

- the target, the credentials and the seed (same seed, same cases: generation is derandomized,
  keeps no example database and draws no constants from the modules the process has imported, so
  earlier runs in the same process change nothing);
- a known state: the target is reset before the run, before each phase and before every stateful
  scenario (in-process through the runtime, against a URL through ``--reset-url``), and an
  in-process target's clock stands still (``target.py``), so its answers are the same every run;
- one job's part of a run split over processes (``--jobs``, ``jobs.py``): a :class:`Shard`
  confines the unit phases to its operations and the stateful phase to its share of scenarios;
- soft deletes: an operation declared ``x-sparring: {action: soft-delete}`` keeps the record and
  marks it (``soft-delete: {field: active, deleted-value: false}`` on the collection). Reading it
  back after the DELETE is the documented behaviour, so a use-after-free finding on such an
  operation is dropped when, and only when, the record read back carries the deleted marker. A
  DELETE that leaves the record untouched is still reported.
"""

from __future__ import annotations

import contextlib
import copy
import time
import typing as t
from collections import Counter
from dataclasses import dataclass, field

from sparring.contract.auth import Credentials
from sparring.contract.constants import spec_only
from sparring.contract.direct import same_thread
from sparring.contract.gc_tuning import tuned_gc
from sparring.contract.strategies_once import strategies_once
from sparring.contract.target import IN_PROCESS_HOST

PHASES = ("examples", "coverage", "fuzzing", "stateful")
TESTING_PHASES = set(PHASES)


@dataclass
class Settings:
    max_examples: int = 50
    seed: int = 0
    phases: tuple[str, ...] = PHASES
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    request_timeout: float = 10.0
    workers: int = 1  # schemathesis' worker threads: requests in flight at once against a URL
    jobs: int = 1  # processes the run is split over (in-process targets; see contract/jobs.py)


@dataclass(frozen=True)
class Shard:
    """One job's part of a run split over processes (``--jobs``): see :mod:`sparring.contract.jobs`."""

    index: int  # 0-based; job 0 keeps the run's stateful seed
    count: int
    labels: frozenset[str]  # "METHOD /path" of the operations this job tests in examples, coverage, fuzzing
    stateful_examples: int  # this job's share of the stateful scenarios


@dataclass
class Finding:
    """One distinct contract violation, with what reproduces it."""

    operation: str  # "GET /Customer/All": the operation whose contract is broken
    check: str  # schemathesis check name
    code: str  # schemathesis failure code (ST101 ...)
    title: str
    message: str
    phase: str
    status: int | None
    response_excerpt: str
    curl: str


@dataclass
class OperationStats:
    label: str
    operation_id: str | None = None
    cases: int = 0
    checks: Counter = field(default_factory=Counter)  # check name -> times run
    failures: Counter = field(default_factory=Counter)  # check name -> distinct findings


@dataclass
class RunResult:
    partner: str
    target: str
    auth: str
    settings: Settings
    operations: dict[str, OperationStats] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    soft_delete_reads: int = 0  # use-after-free findings dropped: the record read back marked deleted
    scenarios: Counter = field(default_factory=Counter)  # phase -> scenarios run
    elapsed: float = 0.0
    repro_setup: list[str] = field(default_factory=list)
    finding_keys: list[str] = field(default_factory=list, repr=False)  # one per finding: what makes it distinct

    @property
    def cases(self) -> int:
        return sum(op.cases for op in self.operations.values())

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 2 if self.errors else 0


# -- schema -------------------------------------------------------------------------------------


def build_schema(partner: t.Any, target: t.Any, creds: Credentials, settings: Settings) -> t.Any:
    """A schemathesis schema of the partner's spec, aimed at the target, configured for the run."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.config._auth import AuthConfig
    from schemathesis.config._cache import CacheConfig

    # No run cache (.schemathesis/): what one run learned must not change the next one.
    config = SchemathesisConfig(seed=settings.seed, cache=CacheConfig(enabled=False))
    schema = schemathesis.openapi.from_dict(wire_spec(partner.spec), config=config)
    if settings.include or settings.exclude:
        selected = {operation_label(op) for op in selected_operations(partner, settings)}
        schema = schema.include(func=lambda ctx: ctx.operation.label in selected)
    app = getattr(target, "app", None)
    if app is not None:
        schema.app = app
    schema.config.update(base_url=target.base_url, workers=settings.workers, request_timeout=settings.request_timeout,
                         headers=dict(creds.headers) or None)
    schema.config.auth = AuthConfig(openapi=creds.schemes or None)
    schema.config.generation.update(max_examples=settings.max_examples, deterministic=True, database="none")
    # No constants read from the in-process app's source (sparring's own modules, not the partner's
    # API): they were read only from an editable install, so two installs drew different cases, and
    # they were cached in .hypothesis/ in the user's working directory.
    schema.config.analysis.constants.enabled = False
    schema.config.phases.update(phases=list(settings.phases))
    # Reports hide nothing by default; known secrets are replaced by shell variables instead.
    schema.config.output.sanitization.update(enabled=False)
    refusals = rule_refusal_statuses(partner)
    if refusals:
        from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, PositiveDataAcceptanceConfig

        schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
            expected_statuses=[*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, *refusals])
    schema.hooks.register_hook_with_name(soft_delete_filter(partner), "filter_failure")
    reset_before_scenarios(schema, target.reset)
    return schema


UNIT_PHASES = ("examples", "coverage", "fuzzing")


def confine(schema: t.Any, shard: Shard) -> None:
    """Limit the schema's run to one job's part: its operations in the unit phases, its stateful share.

    Every operation stays in the schema, so the stateful phase links all of them as in a whole run.
    """
    from schemathesis.config._operations import OperationConfig
    from schemathesis.config._phases import PhasesConfig
    from schemathesis.filters import FilterSet

    others = FilterSet()
    others.include(func=lambda ctx: ctx.operation.label not in shard.labels)
    off = PhasesConfig.from_dict({phase: {"enabled": False} for phase in UNIT_PHASES})
    schema.config.operations.operations.append(OperationConfig(filter_set=others, phases=off))
    stateful = schema.config.phases.stateful
    if shard.stateful_examples:
        stateful.generation.update(max_examples=shard.stateful_examples)
    else:  # more jobs than scenarios: this one has none
        stateful.enabled = False


STATEFUL_SEED_STRIDE = 1_000_003  # far apart: a suite retried after a failure takes the next seed


@contextlib.contextmanager
def stateful_seeds(shard: Shard | None) -> t.Iterator[None]:
    """Within: the stateful suites of job ``index`` draw from seeds no other job uses.

    schemathesis seeds the n-th stateful suite of a run with ``seed + n``; without an offset every
    job would play the same scenarios. Job 0 keeps the run's seeds.
    """
    if shard is None or not shard.index:
        yield
        return
    from schemathesis.engine.context import EngineContext

    original = EngineContext.next_stateful_seed

    def next_stateful_seed(self: t.Any) -> int | None:
        seed = original(self)
        return None if seed is None else seed + shard.index * STATEFUL_SEED_STRIDE

    EngineContext.next_stateful_seed = next_stateful_seed  # type: ignore[method-assign]
    try:
        yield
    finally:
        EngineContext.next_stateful_seed = original  # type: ignore[method-assign]


def wire_spec(spec: dict) -> dict:
    """The spec as the checks need it: OAuth2 and OpenID Connect schemes as the bearer tokens they are.

    An OAuth2 access token travels as ``Authorization: Bearer`` (RFC 6750). schemathesis' auth
    checks (``ignored_auth``) only take credentials away for ``apiKey`` and ``http`` schemes, so in
    the copy it fuzzes with, those schemes say what goes over the wire.
    """
    spec = copy.deepcopy(spec)
    schemes = spec.get("components", {}).get("securitySchemes", {})
    for name, scheme in list(schemes.items()):
        if scheme.get("type") in ("oauth2", "openIdConnect"):
            schemes[name] = {"type": "http", "scheme": "bearer",
                             "description": f"{scheme.get('type')} access token: {scheme.get('description', '')}".strip()}
    return spec


def selected_operations(partner: t.Any, settings: Settings) -> list[t.Any]:
    """The partner's operations that ``--include`` and ``--exclude`` leave, in the spec's order."""
    operations = list(partner.operations.values())
    unknown = [s for s in settings.include + settings.exclude if not any(_matches(s, op) for op in operations)]
    if unknown:
        known = ", ".join(f"{op.id} ({op.method.upper()} {op.path})" for op in operations)
        raise ValueError(f"no operation matches {', '.join(map(repr, unknown))}; known: {known}")
    return [op for op in operations if (not settings.include or any(_matches(s, op) for s in settings.include))
            and not any(_matches(s, op) for s in settings.exclude)]


def operation_label(op: t.Any) -> str:
    """How schemathesis names an operation: ``METHOD /path``."""
    return f"{op.method.upper()} {op.path}"


def _matches(selector: str, op: t.Any) -> bool:
    """An operationId, ``METHOD /path`` or ``/path``."""
    if " " in selector.strip():
        method, _, path = selector.strip().partition(" ")
        return op.method.upper() == method.upper() and op.path == path.strip()
    if selector.startswith("/"):
        return op.path == selector
    return op.id == selector


def rule_refusal_statuses(partner: t.Any) -> list[str]:
    """Statuses a vendor answers schema-valid requests with when a business rule refuses them.

    A schema cannot say "this id must exist" or "only a New order can be confirmed"; a vendor
    that reports such refusals with 400 (Yodify: every rule error is a ValidationProblemDetails)
    declares ``x-sparring: {contract: {rule-refusals: [400]}}``, and positive data acceptance
    takes those statuses as a refusal, not as valid data rejected.
    """
    return [str(status) for status in partner.declarations.contract.rule_refusals]


def soft_delete_markers(partner: t.Any) -> dict[str, tuple[str, t.Any]]:
    """``DELETE /path`` -> (field, deleted value), for operations declared ``action: soft-delete``."""
    markers = {}
    declared = partner.declarations
    for op in declared.operations.values():
        collection = declared.collections.get(op.collection) if op.collection else None
        if op.action == "soft-delete" and collection is not None and collection.soft_delete is not None:
            markers[operation_label(op)] = (collection.soft_delete.field, collection.soft_delete.deleted_value)
    return markers


def soft_delete_filter(partner: t.Any) -> t.Callable:
    markers = soft_delete_markers(partner)

    def filter_failure(context, failure, case, response) -> bool:
        from schemathesis.openapi.checks import UseAfterFree

        if not isinstance(failure, UseAfterFree) or failure.operation not in markers:
            return True
        name, deleted = markers[failure.operation]
        try:
            body = response.json()
        except Exception:
            return True
        # Keep the failure unless the record read back is marked deleted, as the spec documents.
        return not (isinstance(body, dict) and name in body and body[name] == deleted)

    return filter_failure


def reset_before_scenarios(schema: t.Any, reset: t.Callable[[], None]) -> None:
    """Every stateful scenario starts from freshly seeded data.

    The engine subclasses the state machine the schema builds and does not call its ``setup``;
    the constructor still runs once per scenario (and per shrinking replay), so the reset goes there.
    """
    build = schema.build_state_machine

    def build_state_machine(*args: t.Any, **kwargs: t.Any) -> type:
        base = build(*args, **kwargs)

        class ResettingStateMachine(base):  # type: ignore[valid-type,misc]
            def __init__(self) -> None:
                reset()
                super().__init__()

        ResettingStateMachine.__name__ = base.__name__
        return ResettingStateMachine

    schema.build_state_machine = build_state_machine


# -- run ----------------------------------------------------------------------------------------


class Collector:
    """Turns engine events into a :class:`RunResult` and progress lines."""

    def __init__(self, result: RunResult, partner: t.Any, secrets: dict[str, str], repro_base: tuple[str, str] | None,
                 progress: t.Callable[[str], None], shard: Shard | None = None) -> None:
        self.result = result
        self.shard = shard
        self.secrets = sorted(secrets.items(), key=lambda kv: -len(kv[0]))
        self.repro_base = repro_base
        self.progress = progress
        self.seen: set = set()
        self.stateful_cases = 0
        self.ids = {operation_label(op): op.id for op in partner.operations.values()}
        for label, op_id in self.ids.items():
            result.operations[label] = OperationStats(label, op_id)

    def stats(self, label: str) -> OperationStats:
        if label not in self.result.operations:
            self.result.operations[label] = OperationStats(label, self.ids.get(label))
        return self.result.operations[label]

    def redact(self, text: str, shell: bool = False) -> str:
        """Known secrets as shell variables; in-process URLs as sparring serve's default address."""
        for secret, variable in self.secrets:
            if secret:
                text = shell_substitute(text, secret, variable) if shell else text.replace(secret, variable)
        if self.repro_base:
            text = text.replace(*self.repro_base)
        return text

    def on_event(self, event: t.Any) -> None:
        from schemathesis.engine import events

        if isinstance(event, (events.PhaseStarted, events.PhaseFinished)) and \
                event.phase.name.value not in self.result.settings.phases:
            return
        if isinstance(event, events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
            links = event.payload
            detail = (f"  ({links.transitions_total} links between operations, {links.inferred_transitions} of them "
                      "inferred; the data is reset before every scenario)") if links is not None else ""
            self.progress(f"{event.phase.name.value}{detail}")
        elif isinstance(event, events.PhaseFinished) and event.phase.name.value in TESTING_PHASES:
            phase = event.phase.name.value
            if event.status.value == "skip" and not self.result.scenarios[phase]:
                reason = event.phase.skip_reason.value if event.phase.skip_reason else "nothing to run"
                self.progress(f"  skipped: {reason}")
            elif phase == "stateful":
                job = f"job {self.shard.index + 1} of {self.shard.count}: " if self.shard is not None else ""
                self.progress(f"  {job}{self.result.scenarios[phase]} scenarios, {self.stateful_cases} requests"
                              f"  {self._verdict_text(event.status.value)}")
        elif isinstance(event, events.ScenarioFinished):
            phase = event.phase.value
            if self.shard is not None and phase != "stateful" and event.recorder.label not in self.shard.labels:
                return  # another job's operation: skipped here, tested there
            self.result.scenarios[phase] += 1
            new = self.record(event.recorder, phase)
            if phase != "stateful":
                cases = sum(1 for i in event.recorder.interactions.values() if i.response is not None)
                verdict = ("FAILED " + ", ".join(sorted({f.check for f in new}))) if new else (
                    "skipped" if event.status.value == "skip" else "ok")
                self.progress(f"  {event.recorder.label:<44} {cases:>5} requests  {verdict}")
            else:
                self.stateful_cases += sum(1 for i in event.recorder.interactions.values() if i.response is not None)
                for finding in new:
                    self.progress(f"  FAILED {finding.check} on {finding.operation}")
        elif isinstance(event, events.NonFatalError):
            self.result.errors.append(self.redact(f"{event.label}: {event.info.title}: {event.info.message}"))
            self.progress(f"  ERROR {event.label}: {event.info.title}")
        elif isinstance(event, events.FatalError):
            self.result.errors.append(self.redact(f"fatal: {event.exception!r}"))
            self.progress(f"  FATAL {event.exception!r}")
        elif isinstance(event, events.Interrupted):
            self.result.errors.append("interrupted")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures or []:
                self._add(Finding(failure.operation or "(run)", "after-run", failure.code, failure.title,
                                  self.redact(failure.message), "run", None, "", ""),
                          (failure.operation, "after-run", type(failure).__name__, failure._unique_key))

    @staticmethod
    def _verdict_text(status: str) -> str:
        return {"success": "ok", "failure": "FAILED", "error": "ERROR"}.get(status, status)

    def record(self, recorder: t.Any, phase: str) -> list[Finding]:
        """Count requests and checks per operation; return the findings not seen before."""
        self.result.soft_delete_reads += sum(recorder.filtered_failures.values())
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            if node is not None and interaction.response is not None:
                self.stats(node.value.operation.label).cases += 1
        new = []
        for case_id, checks in recorder.checks.items():
            node = recorder.cases.get(case_id)
            label = node.value.operation.label if node is not None else recorder.label
            for check in checks:
                self.stats(label).checks[check.name] += 1
                info = check.failure_info
                if info is None:
                    continue
                failure = info.failure
                owner = failure.operation if failure.operation in self.ids else label
                key = (owner, check.name, type(failure).__name__, failure._unique_key)
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                finding = Finding(
                    operation=owner,
                    check=check.name,
                    code=failure.code,
                    title=failure.title,
                    message=self.redact(failure.message),
                    phase=phase,
                    status=response.status_code if response is not None else None,
                    response_excerpt=self.redact(_excerpt(response)),
                    curl=self.redact(info.code_sample or "", shell=True),
                )
                if self._add(finding, key):
                    new.append(finding)
        return new

    def _add(self, finding: Finding, key: tuple) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        self.result.finding_keys.append(repr(key))
        self.result.findings.append(finding)
        self.stats(finding.operation).failures[finding.check] += 1
        return True


def shell_substitute(command: str, literal: str, variable: str) -> str:
    """Replace ``literal`` by ``$VARIABLE`` so that the shell still expands it inside single quotes."""
    out, i, quote = [], 0, None
    while i < len(command):
        if command.startswith(literal, i):
            out.append(f"'\"{variable}\"'" if quote == "'" else f"\"{variable}\"" if quote is None else variable)
            i += len(literal)
            continue
        char = command[i]
        if char == "\\" and quote != "'" and i + 1 < len(command):
            out.append(command[i:i + 2])
            i += 2
            continue
        if char in "'\"" and quote in (None, char):
            quote = None if quote == char else char
        out.append(char)
        i += 1
    return "".join(out)


def _excerpt(response: t.Any, limit: int = 300) -> str:
    if response is None:
        return ""
    try:
        text = response.content.decode("utf-8", "replace") if response.content else ""
    except Exception:
        return ""
    return text if len(text) <= limit else text[:limit] + "..."


def run(partner: t.Any, target: t.Any, creds: Credentials, settings: Settings,
        progress: t.Callable[[str], None] = lambda line: None, shard: Shard | None = None,
        schema: t.Any = None) -> RunResult:
    """One fuzz run of every selected operation, phase and check; never raises on findings.

    With ``settings.jobs`` above one, the run is split over that many processes (contract/jobs.py);
    ``shard`` is one such job's part, run on ``schema`` (the job's copy of the one the parent built).
    """
    if settings.jobs > 1 and shard is None:
        from sparring.contract import jobs

        return jobs.run(partner, target, creds, settings, progress)
    from schemathesis.engine import events, from_schema

    started = time.monotonic()
    if schema is None:
        schema = build_schema(partner, target, creds, settings)
    if shard is not None:
        confine(schema, shard)
    result = RunResult(partner.name, target.description, creds.description, settings, repro_setup=list(creds.setup))
    in_process = getattr(target, "app", None) is not None
    repro = (IN_PROCESS_HOST, target.repro_base_url[: len(target.repro_base_url) - len(partner.prefix)]) if in_process else None
    collector = Collector(result, partner, creds.secrets, repro, progress, shard)
    target.reset()
    with tuned_gc(), spec_only(), strategies_once(), stateful_seeds(shard), \
            same_thread(target.app) if in_process else contextlib.nullcontext():
        for event in from_schema(schema).execute():
            if isinstance(event, events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
                target.reset()  # the phase's requests start only after this event is handled
            collector.on_event(event)
    result.elapsed = time.monotonic() - started
    return result
