"""``sparring``: serve | specs | credentials | declarations | fuzz | reconstruct. Thin: parses and calls the modules."""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import json
import sys
import threading
import typing as t

from sparring import __version__
from sparring.catalog import SpecError, load_partners

DEFAULT_PORT = 8000


def _partners_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partner", action="append", metavar="NAME",
                        help="serve only this partner (repeatable); default: every spec in spec/")


def cmd_serve(args: argparse.Namespace) -> int:
    from sparring import running
    from sparring.app import create_app
    from sparring.control.access import is_loopback, token_for
    from sparring.control.state import StateFile, StateFileError
    from sparring.http import server

    sock = _bind(args.host, args.port)  # before anything is printed: a port in use is the first thing said
    if sock is None:
        return 2
    if args.workers > 1 and args.store == "memory":
        print("sparring: --workers needs a shared store (--store redis://127.0.0.1:6379/0)", file=sys.stderr)
        return 2
    if args.workers > 1 and args.reload:
        print("sparring: --reload goes with one worker: each of several workers would reload the specs on its "
              "own, and for a while they would serve different ones. Restart to pick up changes instead.",
              file=sys.stderr)
        return 2
    store = "memory"
    if args.store != "memory":
        from sparring.serving import shared_store

        try:
            store = shared_store(args.store, args.seed)
        except Exception as exc:  # redis.ConnectionError and kin: say what, not a traceback
            print(f"sparring: cannot use the store {args.store}: {exc}", file=sys.stderr)
            return 2
    admin_token = token_for(args.host, args.admin_token)
    state_file = StateFile(args.state) if args.state else None

    # create_app's options, the same for this process's app and each worker's (serving.py)
    app_options = {"seed": args.seed, "strict": args.strict, "admin_token": admin_token,
                   "read_timeout": args.read_timeout, "max_namespaces": args.max_namespaces,
                   "max_records": args.max_records, "journal_capacity": args.journal_size}

    def build():
        return create_app(args.partner, store=store, state_file=state_file, **app_options)

    app = build()
    if state_file is not None:
        try:
            loaded = state_file.load(app.runtime)
        except StateFileError as exc:
            print(f"sparring: {exc}", file=sys.stderr)
            return 2
        print(f"state: {state_file.path} " + ("loaded (" + ", ".join(f"{p}: {len(n)} namespace(s)" for p, n in loaded.items())
                                            + ")" if loaded is not None else "does not exist yet; written on shutdown"))
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    base = f"http://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{args.port}"
    print(f"sparring {__version__}: seed {args.seed}, admin at {base}/__sparring/partners, "
          f"control API docs at {base}/__sparring/ui/"
          + ("  (strict: undocumented input is refused)" if args.strict else ""))
    for name, served in app.runtime.served.items():
        partner = served.partner
        print(f"\n  {partner.title}  [{name}, {len(partner.operations)} operations]")
        print(f"    base URL    {base}{partner.prefix}")
        print(f"    Swagger UI  {base}{partner.prefix}/ui/")
        _print_credentials(partner.declarations.auth.describe(), base + partner.prefix, indent="    ")
    if admin_token is not None:
        print(f"\n  control API token  {admin_token}  (send Authorization: Bearer TOKEN to /__sparring/...)")
    if not is_loopback(args.host):
        print(f"\n  WARNING: listening on {args.host}, reachable from other machines. The demo credentials "
              "above are published to anyone who can reach this port, in each partner's openapi.json and "
              "Swagger UI; use sparring only with data you can show to them.")
    print(f"\n  store {args.store}, {args.workers} worker{'s' if args.workers > 1 else ''}\n", flush=True)
    sweeper = None
    if args.drop_idle_after:  # with several workers, the parent sweeps the shared store
        from sparring.control.namespaces import IdleSweeper

        sweeper = IdleSweeper(lambda: app.runtime.store, args.drop_idle_after,
                              say=lambda line: print(line, flush=True)).start()
    if args.workers > 1:
        from sparring.serving import run_workers

        sock.close()  # uvicorn's workers bind it themselves
        try:
            run_workers({"partners": args.partner, **app_options}, store=args.store, prefix=store.prefix,
                        state=args.state, host=args.host, port=args.port, workers=args.workers,
                        log_level=args.log_level, access_log=args.access_log)
        finally:
            if sweeper is not None:
                sweeper.stop()
        if state_file is not None:  # the workers stopped: the shared store holds what they wrote
            print(f"state: saved to {state_file.save(app.runtime)}", flush=True)
        print("sparring stopped", flush=True)
        return 0
    reloader = None
    if args.reload:
        from sparring.reload import Reloader

        reloader = Reloader(app, build, say=lambda line: print(line, flush=True)).start()
    threading.Thread(target=app.runtime.warm, daemon=True, name="sparring-seed").start()
    record = running.announce(base)
    try:
        config = server.config(app, host=args.host, port=args.port, log_level=args.log_level,
                               access_log=args.access_log, read_timeout=args.read_timeout,
                               shutdown_timeout=args.shutdown_timeout)
        uvicorn_server = server.Server(config)
        uvicorn_server.run(sockets=[sock])  # returns on Ctrl-C or SIGTERM
    finally:
        running.withdraw(record)
        for helper in (reloader, sweeper):
            if helper is not None:
                helper.stop()
    if state_file is not None and uvicorn_server.started:
        print(f"state: saved to {state_file.save(app.runtime)}", flush=True)
    print("sparring stopped", flush=True)
    return 0


def _bind(host: str, port: int):
    """A socket bound to host:port, or None after saying why it cannot be had."""
    from sparring.serving import bound_socket

    try:
        return bound_socket(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"sparring: port {port} on {host} is already in use (another sparring serve?). Stop that "
                  f"server, or pick a free port: sparring serve --port {port + 1}", file=sys.stderr)
        else:
            print(f"sparring: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return None


def _store_url(value: str) -> str:
    if value == "memory" or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    raise argparse.ArgumentTypeError("use memory or redis://HOST:PORT/DB")


def _print_credentials(info: dict, base_url: str, indent: str = "") -> None:
    if info.get("token_path"):
        print(f"{indent}token       POST {base_url}{info['token_path']}  (grant_type=client_credentials)")
    for client in info["clients"]:
        secret = client.get("client_secret") or client.get("token", "")
        label = "client_secret" if client.get("client_secret") else "token"
        if client.get("permissions"):
            rights = "permissions " + ",".join(client["permissions"])
        else:
            rights = "scopes " + (",".join(client.get("scopes") or []) or "none")
        bound = ",".join(f"{k}={v}" for k, v in (client.get("bindings") or {}).items())
        scheme = f"  ({client['scheme']})" if client.get("scheme") else ""
        print(f"{indent}  {client['client_id']:<18} {label} {secret:<24} {rights}"
              + (f"  bindings {bound}" if bound else "") + scheme)
    for user in info.get("users") or []:  # users who log in (auth.users)
        bound = ",".join(f"{k}={v}" for k, v in (user.get("bindings") or {}).items())
        print(f"{indent}  user {user['username']:<13} password {user['password']:<21} "
              f"permissions {','.join(user['permissions']) or 'none'}" + (f"  bindings {bound}" if bound else ""))


def cmd_specs(args: argparse.Namespace) -> int:
    for partner in load_partners(args.partner):
        note = "" if partner.servable else "  (spec only: no x-sparring actions yet, not served)"
        print(f"{partner.name:<14} {len(partner.operations):>3} operations  {partner.prefix:<28} {partner.title}{note}")
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    from sparring import running

    partners = load_partners([args.partner_name] if args.partner_name else None)
    if args.base_url:
        base = args.base_url
    elif args.port:
        base = f"http://127.0.0.1:{args.port}"
    else:  # the server running now, else where `sparring serve` listens by default
        base = (running.base_urls() or [f"http://127.0.0.1:{DEFAULT_PORT}"])[-1]
    out = {}
    for partner in partners:
        info = partner.declarations.auth.describe()
        base_url = base.rstrip("/") + partner.prefix
        info = {"base_url": base_url, **info}
        if info.get("token_path"):
            info["token_url"] = base_url + info["token_path"]
        out[partner.name] = info
    if args.json:
        json.dump(out if not args.partner_name else out[args.partner_name], sys.stdout, indent=2)
        print()
    else:
        for name, info in out.items():
            print(f"{name}  ({info['kind']})  {info['base_url']}")
            _print_credentials(info, info["base_url"], indent="  ")
    return 0


def cmd_declarations(args: argparse.Namespace) -> int:
    from sparring.declarations.reference import reference_markdown, replace_section

    if args.readme:
        replace_section(args.readme, reference_markdown())
        print(f"{args.readme}: Declaration reference rewritten from the schema")
    else:
        print(reference_markdown(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sparring", description="Stand-in partner APIs from OpenAPI specs.")
    parser.add_argument("--version", action="version", version=f"sparring {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve every partner API, stateful and seeded")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--seed", type=int, default=0, help="fixture seed: the same seed gives the same data")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--no-access-log", dest="access_log", action="store_false", help="do not log every request")
    serve.add_argument("--strict", action="store_true",
                       help="refuse query parameters and body fields the spec does not document (default: ignore "
                            "them, as the vendors' .NET model binding does)")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help="require this token on the control API (/__sparring/...); off loopback one is "
                            "generated and printed when not given")
    serve.add_argument("--read-timeout", type=float, default=30.0, metavar="SECONDS",
                       help="close a connection whose request headers, or next body chunk, take longer (408)")
    serve.add_argument("--shutdown-timeout", type=float, default=5.0, metavar="SECONDS",
                       help="on SIGTERM/Ctrl-C, wait this long for in-flight requests, then close them and exit")
    serve.add_argument("--state", metavar="FILE", help="load the state from FILE at start (refused if corrupt or "
                       "incompatible), write it atomically on shutdown and on POST /__sparring/state/save")
    serve.add_argument("--reload", action="store_true", help="pick up changed spec and fixture files without a restart")
    serve.add_argument("--max-namespaces", type=int, metavar="N", help="cap on namespaces, all partners together")
    serve.add_argument("--max-records", type=int, metavar="N", help="cap on the records of one namespace")
    serve.add_argument("--drop-idle-after", type=float, metavar="SECONDS",
                       help="drop namespaces no request used for this long (they start again from seeded data)")
    serve.add_argument("--journal-size", type=int, default=None, metavar="N",
                       help="journal entries kept (oldest dropped first; default 2000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (more than 1 needs --store redis://...)")
    serve.add_argument("--store", default="memory", metavar="URL", type=_store_url,
                       help="where state lives: memory (default) or redis://HOST:PORT/DB, shared by every worker")
    _partners_arg(serve)
    serve.set_defaults(func=cmd_serve)

    specs = sub.add_parser("specs", help="list the partners and their operation counts")
    _partners_arg(specs)
    specs.set_defaults(func=cmd_specs)

    creds = sub.add_parser("credentials", help="print the demo credentials of the partners")
    creds.add_argument("partner_name", nargs="?", metavar="PARTNER")
    creds.add_argument("--json", action="store_true", help="machine-readable output")
    creds.add_argument("--base-url", help="where sparring serve listens (default: the server running now, "
                                          f"else http://127.0.0.1:{DEFAULT_PORT})")
    creds.add_argument("--port", type=int, help="the port sparring serve listens on, on 127.0.0.1")
    creds.set_defaults(func=cmd_credentials)

    decls = sub.add_parser("declarations", help="print the x-sparring declaration reference (Markdown, from the schema)")
    decls.add_argument("--readme", metavar="FILE", help="rewrite the '### Declaration reference' section of FILE instead")
    decls.set_defaults(func=cmd_declarations)

    for name, module, help_text in (
        ("fuzz", "sparring.contract", "contract checks and schema fuzzing against sparring or any deployment"),
        ("reconstruct", "sparring.reconstruct", "turn a vendor's rendered API reference into an OpenAPI spec"),
        ("coverage", "sparring.coverage_cli", "operations a running sparring saw called; --fail-under for CI"),
    ):
        delegate = importlib.import_module(module)  # light: each defers its heavy imports to main()
        command = sub.add_parser(name, help=help_text, description=help_text)
        delegate.add_arguments(command)
        command.set_defaults(func=delegate.main)
    return parser


def console() -> None:
    """The ``sparring`` command. Everything is written and closed when main() returns; the heap is
    frozen so that the interpreter's exit skips a last collection of all of it (after a fuzz run,
    0.15 to 0.3 s of a run that lasts seconds)."""
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: t.Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SpecError as exc:
        print(f"sparring: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
