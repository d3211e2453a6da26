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
          status: {cycle: [new, open, closed]}  # each value in turn, so every one occurs
          account_id: {ref: accounts}  # the key of an existing record of another collection
          tier: {faker: random_element, args: [[gold, silver]]}
          owner_id: {ref: users, where: {active: [true]}}   # only records matching the filter
          city: {via: account_id, collection: accounts, field: city}  # a field of the record referenced
          items:                       # an array of sub-records, made like records
            array: {count: [1, 4], fields: {sku_id: {ref: skus}, quantity: {faker: random_int, args: [1, 20]}}}
          address: {object: {fields: {}}}  # one sub-record from the property's schema
        finish: name_of_rule           # rules.NAME(record, fake, namespace) -> record, once the key is set

Fields of the recipe that the schema does not have are made after the schema's, and kept on the
record (internal fields such as a parent key). Every other field comes from :mod:`sparring.fake` by name and schema. The same seed gives the
same records on any machine and any day.
"""

from __future__ import annotations

import string
import typing as t

from sparring.engine.collections import CollectionSpec
from sparring.engine.registry import Rules
from sparring.engine.store import Filter, Namespace, Record
from sparring.fake import TIMELINE, Persona, moment_between, value_for

if t.TYPE_CHECKING:
    from faker import Faker


class RecipeError(ValueError):
    pass


def seed_namespace(namespace: Namespace, specs: dict[str, CollectionSpec], recipe: dict, seed: int, partner: str,
                   rules: Rules) -> None:
    """Fill the (empty) collections of the namespace from the recipe."""
    timeline = recipe.get("timeline") or {}
    window = (str(timeline.get("start", TIMELINE[0])), str(timeline.get("end", TIMELINE[1])))
    wanted = recipe.get("collections") or {}
    unknown = set(wanted) - set(specs)
    if unknown:
        raise RecipeError(f"{partner}: fixtures name undeclared collection(s) {', '.join(sorted(unknown))}")
    from faker import Faker  # here: faker takes a tenth of a second to load, and only seeding needs it

    with namespace.transaction():
        for name in [*wanted, *(n for n in specs if n not in wanted)]:  # recipe order: refs need their targets first
            fake = Faker("en_US")
            fake.seed_instance(f"{seed}:{partner}:{name}")
            _fill(namespace, specs[name], wanted.get(name) or {}, fake, window, rules)


def _fill(namespace: Namespace, spec: CollectionSpec, recipe: dict, fake: Faker, window: tuple[str, str],
          rules: Rules) -> None:
    collection = namespace[spec.name]
    pinned = list(recipe.get("records") or [])
    for record in pinned:
        if spec.generate != "client" and spec.key not in record:
            record = {**record, spec.key: collection.next_id()}
        collection.put({**spec.blank(), **spec.server_owned, **record})
    fields = recipe.get("fields") or {}
    finish = rules.get("fixture", recipe["finish"]) if recipe.get("finish") else None
    for n in range(max(0, int(recipe.get("count", len(pinned))) - len(pinned))):
        persona = Persona.make(fake)
        persona["n"] = n
        record = _make(spec, fields, fake, persona, namespace, window)
        if spec.generate == "client":
            record[spec.key] = _unique(collection, str(record[spec.key]))
        else:
            record[spec.key] = spec.new_key(collection, record, fake.uuid4)
        for field_name in spec.unique:
            if isinstance(record.get(field_name), str):
                record[field_name] = _unique_value(collection, field_name, record[field_name])
        spec.number_nested(record)
        if finish is not None:
            record = finish(record, fake, namespace)
        collection.put(record)


def _make(spec: CollectionSpec, fields: dict, fake: Faker, persona: Persona, namespace: Namespace,
          window: tuple[str, str]) -> Record:
    return _make_from(spec.schema, fields, fake, persona, namespace, window, spec)


def _make_from(schema_: dict, fields: dict, fake: Faker, persona: Persona, namespace: Namespace,
               window: tuple[str, str], spec: CollectionSpec | None = None) -> Record:
    record: Record = {}
    created = moment_between(fake, *window)
    properties = schema_.get("properties", {})
    if spec is not None and spec.created and spec.created not in properties:
        record[spec.created] = spec.format_time(created)
    for prop, schema in properties.items():
        if spec is None:
            if prop in fields:
                record[prop] = _override(fields[prop], fake, persona, record, namespace, prop, schema, window)
            elif "properties" not in schema:  # a sub-record's own sub-objects only when the recipe asks
                record[prop] = value_for(prop, schema, fake, persona)
            continue
        if prop in spec.expand or prop in spec.embed:
            continue
        if prop in fields:
            record[prop] = _override(fields[prop], fake, persona, record, namespace, prop, schema, window)
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
    for prop, rule in fields.items():  # the recipe's internal fields
        if prop not in properties:
            record[prop] = _override(rule, fake, persona, record, namespace, prop, {}, window)
    return record


def _override(rule: t.Any, fake: Faker, persona: Persona, record: Record, namespace: Namespace, prop: str,
              schema: dict | None, window: tuple[str, str]) -> t.Any:
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
        if "cycle" in rule:  # each value in turn, so every one occurs
            return rule["cycle"][persona["n"] % len(rule["cycle"])]
        if "faker" in rule:
            return getattr(fake, rule["faker"])(*rule.get("args", []), **rule.get("kwargs", {}))
        if "ref" in rule:
            wanted = {k: set(v if isinstance(v, list) else [v]) for k, v in (rule.get("where") or {}).items()}
            target = namespace[rule["ref"]]
            # every record in key order, as records() gives them, but read in place, not copied
            keys = [r[target.key] for r in target.query(copy=False)[0]
                    if all(r.get(k) in v for k, v in wanted.items())]
            if not keys:
                if rule.get("optional"):
                    return None
                raise RecipeError(f"field {prop}: collection {rule['ref']} has no records to point at")
            return fake.random_element(keys)
        if "via" in rule:
            target = namespace[rule["collection"]].get(record.get(rule["via"]))
            return None if target is None else target.get(rule["field"])
        if "array" in rule:
            spec_ = rule["array"]
            low, high = spec_.get("count", [1, 3])
            item_schema = (schema or {}).get("items", {})
            return [_make_from(item_schema, spec_.get("fields") or {}, fake, persona, namespace, window)
                    for _ in range(fake.random_int(low, high))]
        if "object" in rule:
            return _make_from(schema or {}, (rule["object"] or {}).get("fields") or {}, fake, persona, namespace, window)
        raise RecipeError(f"field {prop}: unknown rule {sorted(rule)}")
    return rule


def _unique_value(collection, field_name: str, value: str) -> str:
    candidate, n = value, 2
    while collection.query(sort=field_name, where=[Filter.equal(field_name, candidate)], limit=1)[1]:
        candidate, n = f"{value} {n}", n + 1
    return candidate


def _unique(collection, key: str) -> str:
    candidate, n = key, 2
    while candidate in collection:
        candidate, n = f"{key}-{n}", n + 1
    return candidate
