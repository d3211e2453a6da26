"""What a running sparring holds: the store, and per partner its dispatcher, credentials and error style.

The app (``app.py``) routes requests; the runtime is what they act on, and what the control API
resets and reseeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sparring.catalog import Partner, by_routing_order, path_pattern
from sparring.engine.actions import PartnerEnv
from sparring.engine.auth import PartnerAuth
from sparring.engine.clock import Clock
from sparring.engine.collections import CollectionSpec
from sparring.engine.dispatch import Dispatcher
from sparring.engine.errors import ErrorStyle, style_named
from sparring.engine.registry import rules_of
from sparring.engine.store.memory import MemoryStore
from sparring.fixtures import seed_namespace


@dataclass
class Served:
    """One partner as the running app holds it."""

    partner: Partner
    env: PartnerEnv
    dispatcher: Dispatcher
    style: ErrorStyle
    allow: list[tuple[re.Pattern, str]]  # path pattern -> Allow header value, for 405s


class Runtime:
    """The state behind the app: the store with every partner's namespaces, auth and a shared clock."""

    def __init__(self, partners: list[Partner], seed: int = 0, store=None, clock_standing_at: float | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self.store.shared.setdefault("seed", seed)  # a shared store may have it from another worker
        self.clock = Clock(self.store.shared, clock_standing_at)
        self.served: dict[str, Served] = {}
        for partner in partners:
            declared = partner.declarations
            collections = {name: CollectionSpec(decl, partner) for name, decl in declared.collections.items()}
            rules = rules_of(declared.rules)
            auth = PartnerAuth(partner.name, declared.auth, self.clock, self.store.shared)
            env = PartnerEnv(partner, self.clock, auth, collections, rules)
            style = style_named(declared.errors)
            self.served[partner.name] = Served(partner, env, Dispatcher(env, style), style, _allow_table(partner))
            self.store.define(partner.name, collections, self._seeder(partner.name))
        self._prefixes = [(s.partner.prefix, s.partner.prefix + "/", s) for s in self.served.values()]

    @property
    def seed(self) -> int:
        return self.store.shared.get("seed", 0)

    def _seeder(self, name: str):
        def seed(namespace) -> None:
            served = self.served[name]
            seed_namespace(namespace, served.env.collections, served.partner.fixture_recipe, self.seed, name,
                           served.env.rules)
        return seed

    def warm(self) -> None:
        """Seed every partner's snapshot now rather than on its first request (``sparring serve``
        calls this in a background thread once it listens). The store seeds each partner under a
        lock of that partner's, so a request that arrives meanwhile waits for whole data of its own
        partner only; a store that seeds elsewhere (Redis: one worker, on first use) has no
        snapshot to make here."""
        snapshot = getattr(self.store, "snapshot", None)
        if snapshot is not None:
            for name in self.served:
                snapshot(name)

    def namespace(self, partner: str, name: str = "default"):
        return self.store.namespace(partner, name)

    def reset(self, seed: int | None = None, partner: str | None = None, namespace: str | None = None) -> None:
        """Back to freshly seeded data (a new seed regenerates it); tokens and the clock are kept."""
        reseed = seed is not None and seed != self.seed
        if reseed:
            self.store.shared.set("seed", seed)
        self.store.reset(partner, namespace, reseed=reseed)

    def style_for(self, path: str) -> ErrorStyle:
        """The error style of the partner serving this path; RFC 7807 outside every partner."""
        served = self.partner_for(path)
        return served.style if served else style_named("problem-details")

    def partner_for(self, path: str) -> Served | None:
        """The partner whose prefix the path is under (asked by the journal on every request)."""
        for prefix, under, served in self._prefixes:
            if path.startswith(under) or path == prefix:
                return served
        return None

    def allow_header(self, path: str) -> str | None:
        """The methods a path answers, for the Allow header of a 405."""
        served = self.partner_for(path)
        if served is not None:
            for pattern, allow in served.allow:
                if pattern.match(path):
                    return allow
        return None


def _allow_table(partner: Partner) -> list[tuple[re.Pattern, str]]:
    """Path patterns, the first match wins: concrete paths before templated ones, as routing does
    (``/Customer/All`` is not ``/Customer/{id}``)."""
    return [(path_pattern(partner.prefix + path), ", ".join(sorted(set(methods))))
            for path, methods in by_routing_order(partner.methods_by_path().items(), lambda item: item[0])]
