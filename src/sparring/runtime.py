"""What a running sparring holds: each partner's state, credentials and error style, and a clock.

The app (``app.py``) routes requests; the runtime is what they act on, and what the admin routes
reset and reseed.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from sparring.auth import PartnerAuth
from sparring.catalog import Partner
from sparring.clock import Clock
from sparring.engine.actions import CollectionSpec, PartnerEnv
from sparring.engine.errors import ErrorStyle, style_named
from sparring.engine.store import Namespace
from sparring.fixtures import seed_namespace


@dataclass
class Served:
    """One partner as the running app holds it."""

    partner: Partner
    env: PartnerEnv
    style: ErrorStyle
    allow: list[tuple[re.Pattern, str]]  # path pattern -> Allow header value, for 405s


class Runtime:
    """The state behind the app: every partner's namespace, auth and a shared clock."""

    def __init__(self, partners: list[Partner], seed: int = 0) -> None:
        self.seed = seed
        self.clock = Clock()
        self.served: dict[str, Served] = {}
        for partner in partners:
            cfg = partner.config
            collections = {name: CollectionSpec(name, decl, partner) for name, decl in partner.collections.items()}
            rules = importlib.import_module(cfg["rules"]) if cfg.get("rules") else None
            env = PartnerEnv(partner, Namespace(partner.name), self.clock,
                             PartnerAuth(partner.name, cfg.get("auth") or {}, self.clock), collections, rules)
            self.served[partner.name] = Served(partner, env, style_named(cfg.get("errors", "problem-details")),
                                               _allow_table(partner))
        self.reset(seed)

    def reset(self, seed: int | None = None) -> None:
        """Back to freshly seeded data (a new seed regenerates it); tokens and the clock are kept."""
        if seed is not None and seed != self.seed or not getattr(self, "_seeded", False):
            self.seed = self.seed if seed is None else seed
            for served in self.served.values():
                env = served.env
                seed_namespace(env.namespace, env.collections, served.partner.fixture_recipe, self.seed, served.partner.name,
                               env.rules)
                env.namespace.snapshot()
            self._seeded = True
        else:
            for served in self.served.values():
                served.env.namespace.restore()

    def style_for(self, path: str) -> ErrorStyle:
        """The error style of the partner serving this path; RFC 7807 outside every partner."""
        served = self.partner_for(path)
        return served.style if served else style_named("problem-details")

    def partner_for(self, path: str) -> Served | None:
        for served in self.served.values():
            prefix = served.partner.prefix
            if path == prefix or path.startswith(prefix + "/"):
                return served
        return None


def _allow_table(partner: Partner) -> list[tuple[re.Pattern, str]]:
    """Path patterns, the first match wins: concrete paths before templated ones, as routing does
    (``/Customer/All`` is not ``/Customer/{id}``)."""
    table = []
    for path, methods in sorted(partner.methods_by_path().items(), key=lambda item: item[0].count("{")):
        pattern = re.escape(partner.prefix + path)
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", pattern)
        table.append((re.compile(f"^{pattern}$"), ", ".join(sorted(set(methods)))))
    return table
