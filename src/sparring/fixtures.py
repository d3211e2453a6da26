"""Seeds each partner's collections from its recipe ``fixtures/<partner>.yaml``.

A recipe says how many records each collection gets, which records are pinned exactly as the
vendor's docs show them, and how particular fields are made::

    timeline: {start: 2021-01-01, end: 2025-06-30}
    collections:
      customers:
        count: 48                      # pinned records included
        records: [{shortID: ACME-CORP, ...}]
        fields:
          shortID: "{company_code}"    # template over the persona and the record so far
          active: {choice: [true, true, true, false]}
          account_id: {ref: accounts}  # the key of an existing record of another collection
          tier: {faker: random_element, args: [[gold, silver]]}

Every other field comes from :mod:`sparring.fake` by name and schema. The same seed gives the
same records on any machine and any day.
"""

from __future__ import annotations

import string
import typing as t

from faker import Faker

from sparring.fake import TIMELINE, Persona, moment_between, value_for
from sparring.engine.actions import CollectionSpec
from sparring.engine.store import Namespace, Record


class RecipeError(ValueError):
    pass


def seed_namespace(namespace: Namespace, specs: dict[str, CollectionSpec], recipe: dict, seed: int, partner: str) -> None:
    """Fill every collection of the namespace (emptied first) from the recipe."""
    timeline = recipe.get("timeline") or {}
    window = (str(timeline.get("start", TIMELINE[0])), str(timeline.get("end", TIMELINE[1])))
    wanted = recipe.get("collections") or {}
    unknown = set(wanted) - set(specs)
    if unknown:
        raise RecipeError(f"{partner}: fixtures name undeclared collection(s) {', '.join(sorted(unknown))}")
    with namespace.lock:
        for name, spec in specs.items():
            namespace.add(spec.new_collection())
        for name in [*wanted, *(n for n in specs if n not in wanted)]:  # recipe order: refs need their targets first
            fake = Faker("en_US")
            fake.seed_instance(f"{seed}:{partner}:{name}")
            _fill(namespace, specs[name], wanted.get(name) or {}, fake, window)


def _fill(namespace: Namespace, spec: CollectionSpec, recipe: dict, fake: Faker, window: tuple[str, str]) -> None:
    collection = namespace[spec.name]
    pinned = list(recipe.get("records") or [])
    for record in pinned:
        if spec.generate != "client" and spec.key not in record:
            record = {**record, spec.key: collection.next_id()}
        collection.put({**spec.blank(), **spec.server_owned, **record})
    fields = recipe.get("fields") or {}
    for _ in range(max(0, int(recipe.get("count", len(pinned))) - len(pinned))):
        persona = Persona.make(fake)
        record = _make(spec, fields, fake, persona, namespace, window)
        if spec.generate == "client":
            record[spec.key] = _unique(collection, str(record[spec.key]))
        elif spec.generate == "uuid":
            record[spec.key] = str(fake.uuid4())
        else:
            record[spec.key] = collection.next_id()
        collection.put(record)


def _make(spec: CollectionSpec, fields: dict, fake: Faker, persona: Persona, namespace: Namespace,
          window: tuple[str, str]) -> Record:
    record: Record = {}
    created = moment_between(fake, *window)
    for prop, schema in spec.schema.get("properties", {}).items():
        if prop in fields:
            record[prop] = _override(fields[prop], fake, persona, record, namespace, prop)
        elif prop == spec.created:
            record[prop] = spec.format_time(created)
        elif prop == spec.modified:
            record[prop] = spec.format_time(moment_between(fake, created, window[1]))
        elif prop in spec.server_owned:
            record[prop] = spec.server_owned[prop]
        elif prop == spec.key and spec.generate != "client":
            continue
        else:
            record[prop] = value_for(prop, schema, fake, persona)
    return record


def _override(rule: t.Any, fake: Faker, persona: Persona, record: Record, namespace: Namespace, prop: str) -> t.Any:
    if isinstance(rule, str) and "{" in rule:
        names = {n for _, n, _, _ in string.Formatter().parse(rule) if n}
        values = {n: record.get(n, persona.get(n)) for n in names}
        missing = [n for n, v in values.items() if v is None]
        if missing:
            raise RecipeError(f"field {prop}: template names unknown value(s) {', '.join(missing)}")
        return rule.format(**values)
    if isinstance(rule, dict):
        if "choice" in rule:
            return fake.random_element(rule["choice"])
        if "faker" in rule:
            return getattr(fake, rule["faker"])(*rule.get("args", []), **rule.get("kwargs", {}))
        if "ref" in rule:
            keys = [r[namespace[rule["ref"]].key] for r in namespace[rule["ref"]].records()]
            if not keys:
                raise RecipeError(f"field {prop}: collection {rule['ref']} has no records to point at")
            return fake.random_element(keys)
        raise RecipeError(f"field {prop}: unknown rule {sorted(rule)}")
    return rule


def _unique(collection, key: str) -> str:
    candidate, n = key, 2
    while candidate in collection:
        candidate, n = f"{key}-{n}", n + 1
    return candidate
