"""``sparring fuzz``: schemathesis contract checks and fuzzing of a partner API, against sparring's own
app (in-process, no port) or against any deployment at a URL.

Modules, one job each: ``auth`` (credentials from the spec's security schemes and the options),
``target`` (in-process app or URL, reset), ``runner`` (schemathesis schema, engine, results),
``report`` (summary, JUnit XML, report folder). This module only wires them to the CLI and to
Python callers; it imports nothing heavy so that ``sparring`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
import typing as t

if t.TYPE_CHECKING:
    from sparring.contract.runner import RunResult

PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_MAX_EXAMPLES = 50

EPILOG = """\
targets:
  without --url   sparring's own app for PARTNER, in-process (no network, no port), fixture seed 0;
                  it is reset to freshly seeded data before the run, each phase and each stateful scenario
  --url BASE_URL  the partner's base URL (what the spec's servers entry stands for), e.g.
                  http://127.0.0.1:8000/inventorypro/api/v1 or https://wms.example.com/api/v1;
                  add --reset-url http://127.0.0.1:8000/__sparring/reset when it is a sparring serve

auth (from the partner spec's securitySchemes and x-sparring.auth):
  oauth2 / bearer  --token TOKEN, or --client-id ID --client-secret SECRET: sparring exchanges them
                   (client_credentials) at the partner's token path before the run
  apiKey           --api-key NAME=VALUE, NAME = scheme or parameter name (header, query or cookie token);
                   repeat for partners that need several keys
  http basic       --basic USER:PASSWORD
  anything else    --header 'NAME: VALUE' (sent on every request)
  no option        the partner's first demo client, which sparring itself accepts
{partners}
exit code: 0 when no check failed, 1 when a check failed, 2 when the run could not be made.
Every schemathesis check runs; curl commands in the report reproduce each failure.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("partner", metavar="PARTNER",
                        help="a partner in spec/ (see `sparring specs`), a spec file's path, or `control` "
                             "(sparring's own control API; with --url, its base: ORIGIN/__sparring)")
    where = parser.add_argument_group("target")
    where.add_argument("--url", metavar="BASE_URL", help="fuzz the deployment at this base URL instead of sparring in-process")
    where.add_argument("--reset-url", metavar="URL",
                       help="POSTed before the run, each phase and each stateful scenario (sparring: ORIGIN/__sparring/reset)")
    where.add_argument("--request-timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default 10)")
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help="with --url: requests in flight at once (schemathesis' worker threads; default 1). "
                            "In-process runs use one: the fuzzer and the app share one interpreter")
    where.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="in-process: split the run over N processes (default 1), each with its own copy of "
                            "the app; operations are dealt out, stateful scenarios shared. Same seed and same N, "
                            "same cases")
    auth = parser.add_argument_group("auth (see below; default: the partner's first demo client)")
    auth.add_argument("--token", metavar="TOKEN", help="a bearer token (oauth2, openIdConnect, http bearer)")
    auth.add_argument("--client-id", metavar="ID", help="client credentials, exchanged for a token before the run")
    auth.add_argument("--client-secret", metavar="SECRET")
    auth.add_argument("--api-key", action="append", default=[], metavar="NAME=VALUE", help="an apiKey scheme's value")
    auth.add_argument("--basic", metavar="USER:PASSWORD", help="http basic credentials")
    auth.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'", help="an extra header, every request")
    auth.add_argument("--no-auth", action="store_true", help="send no credentials at all")
    gen = parser.add_argument_group("generation")
    gen.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, metavar="N",
                     help=f"generated cases per operation and phase (default {DEFAULT_MAX_EXAMPLES}); "
                          "examples and coverage cases come on top")
    gen.add_argument("--seed", type=int, default=0, help="same seed, same cases (default 0)")
    gen.add_argument("--phases", default=",".join(PHASES), metavar="LIST",
                     help=f"comma-separated, of {','.join(PHASES)} (default: all)")
    gen.add_argument("--include", action="append", default=[], metavar="OP",
                     help="only this operation: operationId, 'METHOD /path' or /path (repeatable)")
    gen.add_argument("--exclude", action="append", default=[], metavar="OP", help="not this operation (repeatable)")
    out = parser.add_argument_group("output")
    out.add_argument("--junit", metavar="FILE", help="write JUnit XML here")
    out.add_argument("--report", metavar="DIR", help="write summary.txt, report.json and junit.xml here")
    out.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    parser.epilog = EPILOG.format(partners="")
    plain = parser.format_help

    def format_help() -> str:  # the per-partner auth lines need the specs: read them only for --help
        return plain().replace(EPILOG.format(partners="").rstrip(), EPILOG.format(partners=_partner_auth_help()).rstrip())

    parser.format_help = format_help  # type: ignore[method-assign]


def _partner_auth_help() -> str:
    try:
        from sparring.catalog import load_partners
        from sparring.contract.auth import describe_options, token_path

        lines = ["", "auth per partner:"]
        for partner in load_partners():
            lines.append(f"  {partner.name}")
            auth = partner.declarations.auth
            lines += [f"    {line}" for line in describe_options(partner.spec, auth).splitlines()]
            first = auth.demo_client
            if first is not None:
                shown = (f"--client-id {first.client_id} --client-secret {first.client_secret}"
                         if first.client_secret and token_path(partner.spec, auth) else f"--token {first.token}")
                lines.append(f"    demo: {shown}")
        return "\n".join(lines) + "\n"
    except Exception as exc:  # help must print even when a spec is broken
        return f"\n(auth per partner unavailable: {exc})\n"


def _phases(text: str) -> tuple[str, ...]:
    phases = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases:
        raise ValueError(f"--phases: unknown {', '.join(unknown) or '(empty)'}; choose from {','.join(PHASES)}")
    return phases


CONTROL = "control"


def _spec(partner: str):
    """A partner by name, the control API's own document (``control``), or a spec file by path."""
    from pathlib import Path

    from sparring.catalog import load_partner, load_partners

    if partner == CONTROL:
        from sparring.control.docs import DOCUMENT

        loaded = load_partner(DOCUMENT)
        loaded.name = CONTROL
        return loaded
    if partner.endswith((".yaml", ".yml", ".json")) and Path(partner).is_file():
        return load_partner(Path(partner))
    return load_partners([partner])[0]


def _control_app():
    from sparring.app import create_app

    return create_app()


def prepare(partner: str, *, url: str | None = None, reset_url: str | None = None, token: str | None = None,
            client_id: str | None = None, client_secret: str | None = None, api_keys: t.Sequence[str] = (),
            basic: str | None = None, headers: t.Sequence[str] = (), no_auth: bool = False,
            max_examples: int = DEFAULT_MAX_EXAMPLES, seed: int = 0, phases: t.Sequence[str] = PHASES,
            include: t.Sequence[str] = (), exclude: t.Sequence[str] = (), request_timeout: float = 10.0,
            workers: int = 1, jobs: int = 1, app: t.Any = None):
    """(partner, target, credentials, settings) for a run; raises on bad options or failed auth.

    ``app``: fuzz this ASGI app in-process instead of a fresh sparring app for the partner (one
    that ``sparring.app.create_app`` built, perhaps wrapped; it needs its ``runtime`` for resets).
    """
    from sparring.contract import jobs as jobs_
    from sparring.contract.auth import AuthOptions, resolve
    from sparring.contract.runner import Settings
    from sparring.contract.target import InProcess, Remote

    if not 1 <= workers <= 64:
        raise ValueError(f"--workers wants 1 to 64, got {workers}")
    if workers > 1 and not url:
        raise ValueError("--workers goes with --url: in-process, the fuzzer and the app share one interpreter, "
                         "so threads would only take turns")
    jobs_.check(jobs, in_process=not url)
    if app is not None and url:
        raise ValueError("app and url exclude each other: the one is fuzzed in-process, the other over HTTP")
    loaded = _spec(partner)
    if url:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"--url wants an http(s) base URL, got {url!r}")
        target = Remote(url, reset_url, request_timeout)
    else:
        if reset_url:
            raise ValueError("--reset-url goes with --url; in-process runs reset the app directly")
        if not loaded.servable and partner != CONTROL:
            raise ValueError(f"{loaded.name} is spec only (no x-sparring actions yet): sparring does not serve it; "
                             "fuzz a deployment with --url")
        target = InProcess(loaded, app=app if app is not None else _control_app() if partner == CONTROL else None)
        jobs_.check_store(jobs, target.app.runtime.store)
    options = AuthOptions(token, client_id, client_secret, basic, list(api_keys), list(headers), no_auth)
    creds = resolve(loaded.spec, loaded.declarations.auth, options, target.post_form, target.base_url, target.repro_base_url)
    settings = Settings(max_examples, seed, tuple(phases), list(include), list(exclude), request_timeout, workers, jobs)
    return loaded, target, creds, settings


def fuzz(partner: str, *, progress: t.Callable[[str], None] | None = None, **options: t.Any) -> "RunResult":
    """Run every phase and check against ``partner`` (options as :func:`prepare`); returns the result."""
    from sparring.contract import runner

    loaded, target, creds, settings = prepare(partner, **options)
    return runner.run(loaded, target, creds, settings, progress or (lambda line: None))


def main(args: argparse.Namespace) -> int:
    from sparring.contract import report, runner
    from sparring.contract.auth import AuthError
    from sparring.contract.target import TargetError

    def say(line: str) -> None:
        if not args.quiet:
            print(line, flush=True)

    try:
        loaded, target, creds, settings = prepare(
            args.partner, url=args.url, reset_url=args.reset_url, token=args.token, client_id=args.client_id,
            client_secret=args.client_secret, api_keys=args.api_key, basic=args.basic, headers=args.header,
            no_auth=args.no_auth, max_examples=args.max_examples, seed=args.seed, phases=_phases(args.phases),
            include=args.include, exclude=args.exclude, request_timeout=args.request_timeout,
            workers=args.workers, jobs=args.jobs)
        say(f"sparring fuzz {loaded.name} -> {target.description}")
        say(f"  auth: {creds.description}; seed {settings.seed}, max-examples {settings.max_examples}, "
            f"phases {','.join(settings.phases)}" + (f", {settings.workers} workers" if settings.workers > 1 else "")
            + (f", {settings.jobs} jobs" if settings.jobs > 1 else ""))
        if target.kind == "url" and not target.resets:
            say("  no --reset-url: the target keeps the state each request leaves (right for a real deployment)")
        result = runner.run(loaded, target, creds, settings, say)
    except (AuthError, TargetError, ValueError) as exc:
        print(f"sparring fuzz: {exc}", file=sys.stderr)
        return 2
    text = report.summary(result)
    print(text, flush=True)
    if args.junit:
        print(f"JUnit XML: {report.write_junit(result, args.junit)}")
    if args.report:
        print(f"report: {report.write_report_dir(result, args.report, text)}/")
    return result.exit_code
