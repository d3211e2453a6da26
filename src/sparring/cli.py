"""``sparring``: serve | specs | credentials | declarations | fuzz | reconstruct. Thin: parses and calls the modules."""

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

    _Server = _uvicorn_server()

    app = create_app(args.partner, seed=args.seed)
    base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
    print(f"sparring {__version__}: seed {args.seed}, admin at {base}/__sparring/partners")
    for name, served in app.runtime.served.items():
        partner = served.partner
        print(f"\n  {partner.title}  [{name}, {len(partner.operations)} operations]")
        print(f"    base URL    {base}{partner.prefix}")
        print(f"    Swagger UI  {base}{partner.prefix}/ui/")
        _print_credentials(partner.declarations.auth.describe(), base + partner.prefix, indent="    ")
    print(flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            access_log=args.access_log, lifespan="off")
    _Server(config).run()  # returns on Ctrl-C or SIGTERM, after in-flight requests finish
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
        bound = "".join(f"  {k} {v}" for k, v in (client.get("bindings") or {}).items())
        scheme = f"  ({client['scheme']})" if client.get("scheme") else ""
        print(f"{indent}  {client['client_id']:<18} {label} {secret:<24} {rights}{bound}{scheme}")


def cmd_specs(args: argparse.Namespace) -> int:
    for partner in load_partners(args.partner):
        note = "" if partner.servable else "  (spec only: no x-sparring actions yet, not served)"
        print(f"{partner.name:<14} {len(partner.operations):>3} operations  {partner.prefix:<28} {partner.title}{note}")
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    partners = load_partners([args.partner_name] if args.partner_name else None)
    out = {}
    for partner in partners:
        info = partner.declarations.auth.describe()
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

    decls = sub.add_parser("declarations", help="print the x-sparring declaration reference (Markdown, from the schema)")
    decls.add_argument("--readme", metavar="FILE", help="rewrite the '### Declaration reference' section of FILE instead")
    decls.set_defaults(func=cmd_declarations)

    for name, module, help_text in (
        ("fuzz", "sparring.contract", "contract checks and schema fuzzing against sparring or any deployment"),
        ("reconstruct", "sparring.reconstruct", "turn a vendor's rendered API reference into an OpenAPI spec"),
    ):
        delegate = importlib.import_module(module)  # light: each defers its heavy imports to main()
        command = sub.add_parser(name, help=help_text, description=help_text)
        delegate.add_arguments(command)
        command.set_defaults(func=delegate.main)
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
