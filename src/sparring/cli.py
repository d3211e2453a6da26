"""``sparring``: serve | specs | credentials | fuzz | reconstruct. Thin: parses and calls the modules."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import typing as t

from sparring import __version__
from sparring.catalog import SpecError, load_partners

DEFAULT_PORT = 8000


def _partners_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partner", action="append", metavar="NAME",
                        help="serve only this partner (repeatable); default: every spec in spec/")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sparring.app import create_app

    from sparring.control.state import StateFile, StateFileError

    _Server = _uvicorn_server()

    state_file = StateFile(args.state) if args.state else None

    def build():
        return create_app(args.partner, seed=args.seed, max_namespaces=args.max_namespaces,
                          max_records=args.max_records, journal_capacity=args.journal_size, state_file=state_file)

    app = build()
    if state_file is not None:
        try:
            loaded = state_file.load(app.runtime)
        except StateFileError as exc:
            print(f"sparring: {exc}", file=sys.stderr)
            return 2
        print(f"state: {state_file.path} " + ("loaded (" + ", ".join(f"{p}: {len(n)} namespace(s)" for p, n in loaded.items())
                                            + ")" if loaded is not None else "does not exist yet; written on shutdown"))
    base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
    print(f"sparring {__version__}: seed {args.seed}, admin at {base}/__sparring/partners, "
          f"control API docs at {base}/__sparring/ui/")
    for name, served in app.runtime.served.items():
        partner = served.partner
        print(f"\n  {partner.title}  [{name}, {len(partner.operations)} operations]")
        print(f"    base URL    {base}{partner.prefix}")
        print(f"    Swagger UI  {base}{partner.prefix}/ui/")
        _print_credentials(served.env.auth.describe(), base + partner.prefix, indent="    ")
    print(flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            access_log=args.access_log, lifespan="off")
    reloader = None
    if args.reload:
        from sparring.reload import Reloader

        reloader = Reloader(app, build, say=lambda line: print(line, flush=True)).start()
    sweeper = None
    if args.drop_idle_after:
        from sparring.control.namespaces import IdleSweeper

        sweeper = IdleSweeper(lambda: app.runtime.store, args.drop_idle_after,
                              say=lambda line: print(line, flush=True)).start()
    server = _Server(config)
    server.run()  # returns on Ctrl-C or SIGTERM, after in-flight requests finish
    for helper in (reloader, sweeper):
        if helper is not None:
            helper.stop()
    if state_file is not None and server.started:
        print(f"state: saved to {state_file.save(app.runtime)}", flush=True)
    print("sparring stopped", flush=True)
    return 0


def _uvicorn_server():
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn re-raises SIGINT/SIGTERM after shutting down; a clean stop should exit 0."""

        def handle_exit(self, sig, frame) -> None:
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    return Server


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
        print(f"{indent}  {client['client_id']:<18} {label} {secret:<24} {rights}")


def cmd_specs(args: argparse.Namespace) -> int:
    for partner in load_partners(args.partner):
        note = "" if partner.servable else "  (spec only: no x-sparring actions yet, not served)"
        print(f"{partner.name:<14} {len(partner.operations):>3} operations  {partner.prefix:<28} {partner.title}{note}")
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    from sparring.engine.auth import PartnerAuth
    from sparring.engine.clock import Clock

    partners = load_partners([args.partner_name] if args.partner_name else None)
    out = {}
    for partner in partners:
        info = PartnerAuth(partner.name, partner.config.get("auth") or {}, Clock()).describe()
        base_url = args.base_url.rstrip("/") + partner.prefix
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


def _delegate(module: str) -> tuple[t.Callable, t.Callable] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    if hasattr(mod, "add_arguments") and hasattr(mod, "main"):
        return mod.add_arguments, mod.main
    return None


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
    serve.add_argument("--state", metavar="FILE", help="load the state from FILE at start (refused if corrupt or "
                       "incompatible), write it atomically on shutdown and on POST /__sparring/state/save")
    serve.add_argument("--reload", action="store_true", help="pick up changed spec and fixture files without a restart")
    serve.add_argument("--max-namespaces", type=int, metavar="N", help="cap on namespaces, all partners together")
    serve.add_argument("--max-records", type=int, metavar="N", help="cap on the records of one namespace")
    serve.add_argument("--drop-idle-after", type=float, metavar="SECONDS",
                       help="drop namespaces no request used for this long (they start again from seeded data)")
    serve.add_argument("--journal-size", type=int, default=None, metavar="N",
                       help="journal entries kept (oldest dropped first; default 2000)")
    _partners_arg(serve)
    serve.set_defaults(func=cmd_serve)

    specs = sub.add_parser("specs", help="list the partners and their operation counts")
    _partners_arg(specs)
    specs.set_defaults(func=cmd_specs)

    creds = sub.add_parser("credentials", help="print the demo credentials of the partners")
    creds.add_argument("partner_name", nargs="?", metavar="PARTNER")
    creds.add_argument("--json", action="store_true", help="machine-readable output")
    creds.add_argument("--base-url", default=f"http://127.0.0.1:{DEFAULT_PORT}", help="where sparring serve listens")
    creds.set_defaults(func=cmd_credentials)

    for name, module, help_text in (
        ("fuzz", "sparring.contract", "contract checks and schema fuzzing against sparring or any deployment"),
        ("reconstruct", "sparring.reconstruct", "turn a vendor's rendered API reference into an OpenAPI spec"),
        ("coverage", "sparring.coverage_cli", "operations a running sparring saw called; --fail-under for CI"),
    ):
        hooks = _delegate(module)
        if hooks is None:
            continue
        command = sub.add_parser(name, help=help_text, description=help_text)
        hooks[0](command)
        command.set_defaults(func=hooks[1])
    return parser


def main(argv: t.Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SpecError as exc:
        print(f"sparring: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
