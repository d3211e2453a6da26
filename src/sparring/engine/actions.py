"""The generic actions: what most operations of most partners do to a collection.

An operation picks one with ``x-sparring: {action: NAME, collection: NAME, ...}``. Each action is a
class built once at start-up from the declaration (so a bad declaration fails the start, not a
request) and called once per request with a :class:`Call`. Actions check everything before they
write, so a refused request changes no state.

Collection declarations are read by :mod:`sparring.engine.collections`.

Declarations an operation can add: ``parent: {param, collection, field}`` (a nested path: 404
when the parent does not exist; lists filter on it, reads check it, creates set it),
``lookup: {param, field}`` (read by another unique field than the key), ``expand: PARAM``
(the query parameter naming children to expand; or ``{body: FIELD}``, a field of an options
body), ``ids: PARAM`` (list: fetch these keys by direct lookup), ``null-values: {param: P}``
(patch: nulls in the body are ignored unless ``P`` is true; ``{}``: always ignored); a list
filter with ``min-param: P`` refuses a value earlier than parameter ``P`` (a date window).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, replace

from sparring.engine import nested_writes, timestamps
from sparring.engine.collections import CollectionSpec
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.paging import Page, paging_style
from sparring.engine.registry import ACTIONS, Rules
from sparring.engine.store import Collection, Filter, Record
from sparring.engine.store.undo import UndoLog

if t.TYPE_CHECKING:
    from sparring.catalog import Operation, Partner
    from sparring.engine.auth import PartnerAuth
    from sparring.engine.clock import Clock

Hook = t.Callable[["Action", Call, Record, "Record | None"], Record]

__all__ = ["Action", "Call", "CollectionSpec", "PartnerEnv", "Result"]


@dataclass
class PartnerEnv:
    """What every action of one partner shares: its declarations, clock, credentials and rules.
    Its state is not here: each request brings the namespace it acts on (``call.state``)."""

    partner: "Partner"
    clock: "Clock"
    auth: "PartnerAuth"
    collections: dict[str, CollectionSpec]
    rules: Rules

    def now(self, collection: str) -> str:
        """The current time in that collection's own timestamp style."""
        return self.collections[collection].format_time(self.clock.now())

    def touch(self, collection: str, record: Record) -> Record:
        """Stamp the modified field (if that collection declares one) of a record a rule changes in
        a collection other than its own, in that collection's own style."""
        spec = self.collections[collection]
        if spec.modified:
            record[spec.modified] = self.now(collection)
        return record


def _body_properties(operation: dict) -> frozenset[str] | None:
    """The property names the operation's request body schema declares (None: any)."""
    names: set[str] = set()
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        properties = (media.get("schema") or {}).get("properties")
        if properties is None:
            return None
        names |= set(properties)
    return frozenset(names) if names else None


class Action:
    """Base of every action: knows its operation, its collection and the partner's environment.

    Writing actions call an optional ``before-save`` rule ``(action, call, record, old) -> record``:
    the place for a partner's computed fields and invariants on top of generic CRUD.
    """

    def __init__(self, operation: "Operation", env: PartnerEnv) -> None:
        self.env = env
        self.operation = operation
        self.decl = operation.declaration
        self.clock = env.clock
        self.accepted = _body_properties(operation.spec)
        self.spec = env.collections[self.decl.collection] if self.decl.collection else None
        hook = self.decl.before_save
        self.before_save: Hook | None = env.rules.get("before-save", hook) if hook else None
        self.id_param = self.decl.id_param or (operation.path_params[-1] if operation.path_params else None)
        responses = operation.spec.get("responses", {})
        self.success = sorted(int(s) for s in responses if s.isdigit() and 200 <= int(s) < 300)
        self.documented = {int(s) for s in responses if s.isdigit()}
        self.parent = self.decl.parent  # ParentDeclaration: param, collection, field
        self.lookup = self.decl.lookup  # LookupDeclaration: param, field
        self.expand_param = self.decl.expand_param
        self.expand_body = self.decl.expand_body
        # children the request body may carry (the collection's ``nested-writes``)
        self.child_writes = nested_writes.for_action(self, ChildWrite) if self.spec is not None else None

    def collection(self, call: Call) -> Collection:
        """This operation's collection in the namespace the request acts on."""
        return call.state[self.spec.name]

    def status(self, *preferred: int) -> int:
        for code in preferred:
            if code in self.success:
                return code
        return self.success[0] if self.success else preferred[0]

    def now(self) -> str:
        return self.spec.format_time(self.clock.now())

    def not_found(self, name: str | None = None) -> ApiError:
        return ApiError.not_found((name or (self.spec.name if self.spec else "resource")).rstrip("s").replace("_", " "))

    def parent_key(self, call: Call) -> t.Any:
        """The parent's key from the path; 404 when the parent does not exist."""
        spec = self.env.collections[self.parent.collection]
        value = spec.coerce_key(call.params.get(self.parent.param))
        if value not in call.state[spec.name]:
            raise self.not_found(spec.name)
        return value

    def find(self, call: Call, copy: bool = True) -> Record:
        """The record the request names; ``copy=False``: the stored one, for a caller that only
        shows it (see ``Collection.query``)."""
        if self.lookup:
            value = call.params.get(self.lookup.param)
            found, _ = self.collection(call).query(sort=self.lookup.field,
                                                   where=[Filter.equal(self.lookup.field, value)], limit=1, copy=copy)
            record = found[0] if found else None
        else:
            record = self.collection(call).get(self.spec.coerce_key(call.params.get(self.id_param)), copy=copy)
        if record is None:
            raise self.not_found()
        if self.parent and record.get(self.parent.field) != self.parent_key(call):
            raise self.not_found()
        return record

    def expansions(self, call: Call) -> list[str]:
        """The declared children the request's expand parameter names (unknown names are ignored),
        and those the request wrote itself (nested writes)."""
        if not self.spec.expand:
            return []
        written = [f for f in self.child_writes.carried(call.body) if f in self.spec.expand] if self.child_writes else []
        if not (self.expand_param or self.expand_body):
            return written
        if self.expand_body:
            raw = call.body.get(self.expand_body) if isinstance(call.body, dict) else None
        else:
            raw = call.params.get(self.expand_param)
        raw = raw or []
        names = [part.strip().lower() for item in (raw if isinstance(raw, list) else [raw])
                 for part in str(item).split(",")]
        asked = [self.spec.expand_names[n] for n in dict.fromkeys(names) if n in self.spec.expand_names]
        return asked + [f for f in written if f not in asked]

    def out(self, record: Record, call: Call, expand: list[str] | None = None) -> Record:
        """The record as the response shows it: projected, with its embedded children and the
        children asked for."""
        body = self.spec.project(record)
        for name, decl in self.spec.embed.items():
            body = {**body, name: self.children(call, decl, record)}
        for name in self.expansions(call) if expand is None else expand:
            decl = self.spec.expand[name]
            if decl.from_field is not None:
                child_spec = self.env.collections[self.spec.references[decl.from_field]]
                child = call.state[child_spec.name].get(record.get(decl.from_field))
                if child is not None:
                    body = {**body, name: child_spec.project(child)}
            else:
                body = {**body, name: self.children(call, decl, record)}
        return body

    def children(self, call: Call, decl: t.Any, record: Record) -> list[Record]:
        """The records of ``decl.collection`` whose ``decl.where`` field holds this record's key."""
        child_spec = self.env.collections[decl.collection]
        found, _ = call.state[child_spec.name].query(where=[Filter.equal(decl.where, record.get(self.spec.key))],
                                                     copy=False)
        return [child_spec.project(c) for c in found]

    def check_unique(self, call: Call, record: Record, pk: t.Any = None) -> None:
        for field_name in self.spec.unique:
            value = record.get(field_name)
            if value in (None, ""):
                continue
            clashes, _ = self.collection(call).query(sort=field_name, where=[Filter.equal(field_name, value)], limit=2)
            if any(c[self.spec.key] != pk for c in clashes):
                raise self.conflict(field_name, f"{field_name} '{value}' is already in use.")

    def conflict(self, field_name: str, message: str) -> ApiError:
        """A clash with a stored record: 409 where the operation documents it, else a 400 naming the field."""
        if 409 in self.documented:
            return ApiError(409, message, "conflict")
        return ApiError.validation({field_name: [message]})

    def check_references(self, call: Call, record: Record, old: Record | None) -> None:
        bad = {}
        for field_name, target in self.spec.references.items():
            value = record.get(field_name)
            if value is None or (old is not None and old.get(field_name) == value):
                continue
            if self.env.collections[target].coerce_key(value) not in call.state[target]:
                bad[field_name] = [f"No {target.rstrip('s').replace('_', ' ')} has the id {value}."]
        if bad:
            raise ApiError.validation(bad)

    def check_immutable(self, body: t.Any, old: Record) -> None:
        if not isinstance(body, dict):
            return
        bad = {f: [f"{f} cannot be changed after creation."] for f in self.spec.immutable
               if f in body and body[f] != old.get(f)}
        if bad:
            raise ApiError.validation(bad)

    def stamp(self, record: Record, *, created: bool) -> None:
        now = self.now()
        if created and self.spec.created:
            record[self.spec.created] = now
        if self.spec.modified:
            record[self.spec.modified] = now

    def save(self, call: Call, record: Record, old: Record | None) -> Record:
        """Check references and uniqueness, then run the before-save hook, then store: a hook
        (which may write other collections) only runs once the generic checks have passed.
        Children the body carries (nested writes) are written next, through an undo log:
        when one is refused, the whole request is undone."""
        if self.child_writes is None or not self.child_writes.carried(call.body):
            return self._store(call, record, old)
        outermost = not isinstance(call.state, UndoLog)
        if outermost:
            call = replace(call, state=UndoLog(call.state))
        try:
            saved = self._store(call, record, old)
            self.child_writes.write(call, saved, saved[self.spec.key])
        except BaseException:
            if outermost:
                call.state.rollback()
            raise
        return saved

    def _store(self, call: Call, record: Record, old: Record | None) -> Record:
        self.spec.number_nested(record, old)
        self.check_references(call, record, old)
        self.check_unique(call, record, None if old is None else old[self.spec.key])
        if self.before_save is not None:
            record = self.before_save(self, call, record, old)
        return self.collection(call).put(record)

    def writable(self, body: t.Any) -> dict:
        """The body's fields less the server-owned ones and the expandable children (the key stays:
        upserts match on it). Fields the request schema does not name are dropped, as a server
        that binds JSON to a model does: a spec that refuses them says ``additionalProperties:
        false`` and validation answers 400 first."""
        if not isinstance(body, dict):
            return {}
        owned = set(self.spec.server_owned) | self.spec.time_fields | set(self.spec.expand) | set(self.spec.embed) \
            | set(self.spec.nested_writes)
        if self.expand_body:
            owned.add(self.expand_body)
        accepted = self.accepted
        return {k: v for k, v in body.items() if k not in owned and (accepted is None or k in accepted)}

    def __call__(self, call: Call) -> Result:
        raise NotImplementedError


class ChildWrite(Action):
    """Writes the entries of a parent's nested array (see ``engine/nested_writes.py``): an action
    on the child collection, built from the entry's schema, that no route calls directly."""


@ACTIONS.register("get")
class Get(Action):
    def __call__(self, call: Call) -> Result:
        # read, shown and serialized with no await between: the stored record needs no copy
        return Result(self.status(200), self.out(self.find(call, copy=False), call))


@ACTIONS.register("list")
class List(Action):
    """A page of a collection with the vendor's paging, sorting and filters."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        self.paging = paging_style(self.decl.paging)
        sorting = self.decl.sorting
        self.sort_param = sorting.field
        self.direction_param = sorting.direction
        self.minus_prefix = sorting.style == "minus-prefix"
        self.ids_param = self.decl.ids
        self.filters = self.decl.filters

    def _sort(self, call: Call) -> tuple[str, bool]:
        field_name = call.params.get(self.sort_param) if self.sort_param else None
        descending = False
        if field_name and self.minus_prefix and field_name.startswith("-"):
            field_name, descending = field_name[1:], True
        if self.direction_param:
            descending = str(call.params.get(self.direction_param) or "ASC").upper() == "DESC"
        field_name = field_name or self.spec.default_sort
        if not self.collection(call).indexed(field_name):
            raise ApiError.validation({self.sort_param or "sort": [f"Cannot sort by {field_name}."]})
        return field_name, descending

    def _where(self, call: Call) -> list[Filter]:
        where: list[Filter] = []
        for f in self.filters:
            value = call.params.get(f.param)
            if value is None or value == [] or value == "":
                continue
            if f.field in self.spec.time_fields:
                value = self._moment(f.param, value)
                low = call.params.get(f.min_param) if f.min_param else None
                if low is not None and self._moment(f.min_param, low) > value:
                    raise ApiError.validation({f.param: [f"{f.param} must not be earlier than {f.min_param}."]})
            where.append(Filter(f.field, f.op, value, f.fields))
        return where

    def _moment(self, param: str, value: t.Any) -> str:
        try:
            return self.spec.format_time(timestamps.parse(str(value)))
        except ValueError:
            raise ApiError.validation({param: [f"{value!r} is not a date-time."]}) from None

    def __call__(self, call: Call) -> Result:
        number, size = self.paging.window(call.params)
        sort, descending = self._sort(call)
        where = self._where(call)
        if self.parent:
            where.append(Filter.equal(self.parent.field, self.parent_key(call)))
        keys = call.params.get(self.ids_param) if self.ids_param else None
        keys = [self.spec.coerce_key(k) for k in keys] if keys else None
        items, total = self.collection(call).query(sort=sort, descending=descending, where=where,
                                                   offset=(number - 1) * size, limit=size, copy=False, keys=keys)
        if self.spec.fields is not None or self.expand_param or self.spec.embed:
            expand = self.expansions(call)
            items = [self.out(item, call, expand) for item in items]
        body, headers = self.paging.render(Page(items, total, number, size, call.params, call.url))
        return Result(self.status(200), body, headers)


@ACTIONS.register("create")
class Create(Action):
    def build(self, call: Call, body: t.Any) -> Record:
        record = self.spec.blank()
        record.update(self.spec.server_owned)
        record.update(self.writable(body))
        record[self.spec.key] = self.spec.new_key(self.collection(call), record)
        self.stamp(record, created=True)
        return record

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            parent = self.parent_key(call) if self.parent else None
            record = self.build(call, call.body)
            if self.parent:
                record[self.parent.field] = parent
            if record[self.spec.key] in self.collection(call):
                raise self.conflict(self.spec.key, f"A record with {self.spec.key} {record[self.spec.key]} already exists.")
            return Result(self.status(201, 200), self.out(self.save(call, record, None), call))


@ACTIONS.register("upsert")
class Upsert(Create):
    """Create, or update the record whose key the body carries (200 on update, 201 on create)."""

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            pk = call.body[self.spec.key]
            old = self.collection(call).get(pk)
            if old is None:
                record = self.build(call, call.body)
                status = self.status(201, 200)
            else:
                record = {**old, **self.writable(call.body)}
                self.stamp(record, created=False)
                status = self.status(200)
            return Result(status, self.out(self.save(call, record, old), call))


@ACTIONS.register("patch")
class Patch(Action):
    """Write the fields sent over the stored record."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        self.null_values = self.decl.null_values  # None: nulls are written; param None: always ignored

    def merge(self, old: Record, body: t.Any) -> Record:
        return {**old, **self.writable(body)}

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            old = self.find(call)
            body = call.body
            if self.null_values and isinstance(body, dict) and \
                    not (self.null_values.param and call.params.get(self.null_values.param)):
                body = {k: v for k, v in body.items() if v is not None}
            self.check_immutable(body, old)
            record = self.merge(old, body)
            record[self.spec.key] = old[self.spec.key]
            if self.parent:
                record[self.parent.field] = old.get(self.parent.field)
            self.stamp(record, created=False)
            return Result(self.status(200), self.out(self.save(call, record, old), call))


@ACTIONS.register("replace")
class Replace(Patch):
    """Replace every client-writable field; server-owned fields and timestamps carry over."""

    def merge(self, old: Record, body: t.Any) -> Record:
        record = self.spec.blank()
        kept = set(self.spec.server_owned) | self.spec.time_fields
        record.update({k: v for k, v in old.items() if k in kept})
        record.update(self.writable(body))
        return record


@ACTIONS.register("delete")
class Delete(Action):
    """Remove the record and its embedded children; 204, or 200 with the deleted record where the
    vendor returns it."""

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            record = self.find(call)
            shown = None if self.status(204, 200) == 204 else self.out(record, call)
            for decl in self.spec.embed.values():
                children = call.state[decl.collection]
                found, _ = children.query(where=[Filter.equal(decl.where, record[self.spec.key])])
                for child in found:
                    children.remove(child[children.key])
            self.collection(call).remove(record[self.spec.key])
        status = self.status(204, 200)
        return Result(status, shown)


@ACTIONS.register("soft-delete")
class SoftDelete(Action):
    """Mark the record deleted (discontinued, archived) and keep it."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        if not self.spec.soft_field:
            raise ValueError(f"{self.operation.id}: collection {self.spec.name} declares no soft-delete field")

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            record = self.find(call)
            record[self.spec.soft_field] = self.spec.soft_value
            self.stamp(record, created=False)
            record = self.collection(call).put(record)
        status = self.status(204, 200)
        return Result(status, None if status == 204 else self.out(record, call))


@ACTIONS.register("rule")
class Rule(Action):
    """A business rule of the partner: ``x-sparring: {action: rule, rule: NAME}`` calls the
    function its rules module registered as ``@rules.rule("NAME")``: ``(action, call) -> Result``."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        self.function = self.env.rules.get("rule", self.decl.rule)

    def __call__(self, call: Call) -> Result:
        with call.state.transaction():
            return self.function(self, call)
