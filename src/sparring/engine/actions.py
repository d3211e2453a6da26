"""The generic actions: what most operations of most partners do to a collection.

An operation picks one with ``x-sparring: {action: NAME, collection: NAME, ...}``. Each action is a
class built once at start-up from the declaration (so a bad declaration fails the start, not a
request) and called once per request with a :class:`Call`. Actions check everything before they
write, so a refused request changes no state.
"""

from __future__ import annotations

import typing as t
import uuid
from dataclasses import dataclass, field

from sparring.engine import timestamps
from sparring.engine.errors import ApiError
from sparring.engine.paging import Page, paging_style
from sparring.engine.store import Collection, Namespace, Range, Record

if t.TYPE_CHECKING:
    from sparring.auth import PartnerAuth
    from sparring.catalog import Operation, Partner
    from sparring.clock import Clock

Hook = t.Callable[["Action", "Call", Record, "Record | None"], Record]


@dataclass
class Call:
    """One request, as an action sees it."""

    params: dict[str, t.Any]
    body: t.Any = None
    token_info: dict | None = None
    url: str = ""
    headers: t.Mapping[str, str] = field(default_factory=dict)


@dataclass
class Result:
    status: int
    body: t.Any = None
    headers: dict[str, str] = field(default_factory=dict)


class CollectionSpec:
    """A collection's declaration under ``x-sparring.collections``, read once."""

    def __init__(self, name: str, decl: dict, partner: "Partner") -> None:
        self.name = name
        self.key = decl.get("key", "id")
        self.generate = decl.get("generate", "integer")  # integer | uuid | client
        schema_name = decl.get("schema")
        schemas = partner.spec.get("components", {}).get("schemas", {})
        if schema_name and schema_name not in schemas:
            raise ValueError(f"collection {name}: schema {schema_name} is not in components/schemas")
        self.schema = schemas.get(schema_name, {}) if schema_name else {}
        ts = decl.get("timestamps") or {}
        self.created = ts.get("created")
        self.modified = ts.get("modified")
        self.format_time = timestamps.formatter(ts.get("style", "utc-seconds"))
        soft = decl.get("soft-delete") or {}
        self.soft_field = soft.get("field")
        self.soft_value = soft.get("deleted-value")
        self.server_owned: dict = dict(decl.get("server-owned") or {})
        self.unique: list[str] = list(decl.get("unique", []))
        self.sortable: list[str] = list(decl.get("sortable", []))
        self.default_sort = decl.get("default-sort", self.key)
        self.indexed = [*self.sortable, *self.unique, *decl.get("indexed", []),
                        *(f for f in (self.created, self.modified, self.soft_field) if f)]

    @property
    def time_fields(self) -> set[str]:
        return {f for f in (self.created, self.modified) if f}

    def new_collection(self) -> Collection:
        return Collection(self.name, self.key, self.indexed)

    def blank(self) -> Record:
        """Values for the fields a client did not send: empty for required fields, null when nullable."""
        record: Record = {}
        required = set(self.schema.get("required", []))
        for prop, schema in self.schema.get("properties", {}).items():
            if schema.get("nullable"):
                record[prop] = None
            elif prop in required:
                record[prop] = _empty(schema)
        return record


def _empty(schema: dict) -> t.Any:
    if "default" in schema:
        return schema["default"]
    return {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}.get(
        schema.get("type", "string"), None
    )


@dataclass
class PartnerEnv:
    """What every action of one partner shares: its state, clock, credentials and business rules."""

    partner: "Partner"
    namespace: Namespace
    clock: "Clock"
    auth: "PartnerAuth"
    collections: dict[str, CollectionSpec]
    rules: t.Any = None  # the partner's rules module, if it has one

    def rule(self, name: str) -> t.Callable:
        function = getattr(self.rules, name, None)
        if not callable(function):
            module = getattr(self.rules, "__name__", "no rules module")
            raise ValueError(f"rule {name!r} is not a function of {module}")
        return function


class Action:
    """Base of every action: knows its operation, its collection and the partner's environment.

    Writing actions call an optional ``before-save`` rule ``(action, call, record, old) -> record``:
    the place for a partner's computed fields and invariants on top of generic CRUD.
    """

    def __init__(self, operation: "Operation", env: PartnerEnv) -> None:
        self.env = env
        self.partner = env.partner
        self.operation = operation
        self.decl = operation.declaration
        self.namespace = env.namespace
        self.clock = env.clock
        name = self.decl.get("collection")
        if name is not None and name not in env.collections:
            raise ValueError(f"{operation.id}: collection {name!r} is not declared")
        self.spec = env.collections.get(name) if name else None
        hook = self.decl.get("before-save")
        self.before_save: Hook | None = env.rule(hook) if hook else None
        self.id_param = self.decl.get("id-param") or (operation.path_params[-1] if operation.path_params else None)
        responses = operation.spec.get("responses", {})
        self.success = sorted(int(s) for s in responses if s.isdigit() and 200 <= int(s) < 300)

    @property
    def collection(self) -> Collection:
        return self.namespace[self.spec.name]

    def status(self, *preferred: int) -> int:
        for code in preferred:
            if code in self.success:
                return code
        return self.success[0] if self.success else preferred[0]

    def now(self) -> str:
        return self.spec.format_time(self.clock.now())

    def find(self, call: Call) -> Record:
        pk = call.params.get(self.id_param)
        record = self.collection.get(pk)
        if record is None:
            raise ApiError.not_found(self.spec.name.rstrip("s") if self.spec else "resource")
        return record

    def check_unique(self, record: Record, pk: t.Any = None) -> None:
        for field_name in self.spec.unique:
            value = record.get(field_name)
            if value in (None, ""):
                continue
            clashes, _ = self.collection.query(sort=field_name, where=[Range.equal(field_name, value)], limit=2)
            if any(c[self.spec.key] != pk for c in clashes):
                raise ApiError(409, f"Another record already has this {field_name}.", "conflict",
                               headers={})

    def stamp(self, record: Record, *, created: bool) -> None:
        now = self.now()
        if created and self.spec.created:
            record[self.spec.created] = now
        if self.spec.modified:
            record[self.spec.modified] = now

    def save(self, call: Call, record: Record, old: Record | None) -> Record:
        """Run the before-save rule and the unique checks, then store; raises before any write."""
        if self.before_save is not None:
            record = self.before_save(self, call, record, old)
        self.check_unique(record, None if old is None else old[self.spec.key])
        return self.collection.put(record)

    def writable(self, body: t.Any) -> dict:
        """The body's fields less the server-owned ones (the key stays: upserts match on it)."""
        if not isinstance(body, dict):
            return {}
        owned = set(self.spec.server_owned) | self.spec.time_fields
        return {k: v for k, v in body.items() if k not in owned}

    def __call__(self, call: Call) -> Result:
        raise NotImplementedError


class Get(Action):
    def __call__(self, call: Call) -> Result:
        return Result(self.status(200), self.find(call))


class List(Action):
    """A page of a collection with the vendor's paging, sorting and filters."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        self.paging = paging_style(self.decl.get("paging", {"style": "bare-array"}))
        sorting = self.decl.get("sorting") or {}
        self.sort_param = sorting.get("field")
        self.direction_param = sorting.get("direction")
        self.minus_prefix = sorting.get("style") == "minus-prefix"
        self.filters = [dict(f) for f in self.decl.get("filters", [])]
        for f in self.filters:
            if f.get("op", "eq") not in _OPS:
                raise ValueError(f"{self.operation.id}: unknown filter op {f['op']!r}")

    def _sort(self, call: Call) -> tuple[str, bool]:
        field_name = call.params.get(self.sort_param) if self.sort_param else None
        descending = False
        if field_name and self.minus_prefix and field_name.startswith("-"):
            field_name, descending = field_name[1:], True
        if self.direction_param:
            descending = str(call.params.get(self.direction_param) or "ASC").upper() == "DESC"
        field_name = field_name or self.spec.default_sort
        if not self.collection.indexed(field_name):
            raise ApiError.validation({self.sort_param or "sort": [f"Cannot sort by {field_name}."]})
        return field_name, descending

    def _where(self, call: Call) -> tuple[list[Range], t.Callable[[Record], bool] | None]:
        ranges: list[Range] = []
        checks: list[t.Callable[[Record], bool]] = []
        for f in self.filters:
            value = call.params.get(f["param"])
            if value is None or value == [] or value == "":
                continue
            field_name, op = f.get("field", f["param"]), f.get("op", "eq")
            if field_name in self.spec.time_fields:
                value = self._moment(f["param"], value)
            made = _OPS[op](field_name, value, f)
            (ranges if isinstance(made, Range) else checks).append(made)
        if not checks:
            return ranges, None
        return ranges, lambda record: all(check(record) for check in checks)

    def _moment(self, param: str, value: t.Any) -> str:
        try:
            return self.spec.format_time(timestamps.parse(str(value)))
        except ValueError:
            raise ApiError.validation({param: [f"{value!r} is not a date-time."]}) from None

    def __call__(self, call: Call) -> Result:
        number, size = self.paging.window(call.params)
        sort, descending = self._sort(call)
        where, predicate = self._where(call)
        items, total = self.collection.query(sort=sort, descending=descending, where=where, predicate=predicate,
                                             offset=(number - 1) * size, limit=size, copy=False)
        body, headers = self.paging.render(Page(items, total, number, size, call.params, call.url))
        return Result(self.status(200), body, headers)


def _range_op(kind: str):
    def make(field_name: str, value: t.Any, decl: dict) -> Range:
        return {
            "eq": Range(field_name, value, value),
            "gte": Range(field_name, low=value),
            "gt": Range(field_name, low=value, low_inclusive=False),
            "lte": Range(field_name, high=value),
            "lt": Range(field_name, high=value, high_inclusive=False),
        }[kind]
    return make


def _in_op(field_name: str, value: t.Any, decl: dict):
    wanted = set(value if isinstance(value, list) else [value])
    return lambda record: record.get(field_name) in wanted


def _contains_op(field_name: str, value: t.Any, decl: dict):
    """Case-insensitive substring search over one field or the declared ``fields``."""
    needle = str(value).casefold()
    fields = decl.get("fields") or [field_name]
    return lambda record: any(needle in str(record.get(f) or "").casefold() for f in fields)


_OPS = {op: _range_op(op) for op in ("eq", "gte", "gt", "lte", "lt")} | {"in": _in_op, "contains": _contains_op}


class Create(Action):
    def new_key(self, body: dict) -> t.Any:
        if self.spec.generate == "client":
            return body[self.spec.key]
        if self.spec.generate == "uuid":
            return str(uuid.uuid4())
        return self.collection.next_id()

    def build(self, body: t.Any) -> Record:
        record = self.spec.blank()
        record.update(self.spec.server_owned)
        record.update(self.writable(body))
        record[self.spec.key] = self.new_key(record)
        self.stamp(record, created=True)
        return record

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            record = self.build(call.body)
            if record[self.spec.key] in self.collection:
                raise ApiError(409, f"A record with {self.spec.key} {record[self.spec.key]} already exists.", "conflict")
            return Result(self.status(201, 200), self.save(call, record, None))


class Upsert(Create):
    """Create, or update the record whose key the body carries (200 on update, 201 on create)."""

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            pk = call.body[self.spec.key]
            old = self.collection.get(pk)
            if old is None:
                record = self.build(call.body)
                status = self.status(201, 200)
            else:
                record = {**old, **self.writable(call.body)}
                self.stamp(record, created=False)
                status = self.status(200)
            return Result(status, self.save(call, record, old))


class Patch(Action):
    """Write the fields sent over the stored record."""

    def merge(self, old: Record, body: t.Any) -> Record:
        return {**old, **self.writable(body)}

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            old = self.find(call)
            record = self.merge(old, call.body)
            record[self.spec.key] = old[self.spec.key]
            self.stamp(record, created=False)
            return Result(self.status(200), self.save(call, record, old))


class Replace(Patch):
    """Replace every client-writable field; server-owned fields and timestamps carry over."""

    def merge(self, old: Record, body: t.Any) -> Record:
        record = self.spec.blank()
        kept = set(self.spec.server_owned) | self.spec.time_fields
        record.update({k: v for k, v in old.items() if k in kept})
        record.update(self.writable(body))
        return record


class Delete(Action):
    """Remove the record; 204, or 200 with the deleted record where the vendor returns it."""

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            record = self.find(call)
            self.collection.remove(record[self.spec.key])
        status = self.status(204, 200)
        return Result(status, None if status == 204 else record)


class SoftDelete(Action):
    """Mark the record deleted (discontinued, archived) and keep it."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        if not self.spec.soft_field:
            raise ValueError(f"{self.operation.id}: collection {self.spec.name} declares no soft-delete field")

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            record = self.find(call)
            record[self.spec.soft_field] = self.spec.soft_value
            self.stamp(record, created=False)
            record = self.collection.put(record)
        status = self.status(204, 200)
        return Result(status, None if status == 204 else record)


class Rule(Action):
    """A business rule of the partner: ``x-sparring: {action: rule, rule: NAME}`` calls
    ``rules.NAME(action, call) -> Result`` from ``sparring/partners/<partner>.py``."""

    def __init__(self, *args: t.Any) -> None:
        super().__init__(*args)
        self.function = self.env.rule(self.decl["rule"])

    def __call__(self, call: Call) -> Result:
        with self.namespace.lock:
            return self.function(self, call)


ACTIONS: dict[str, type[Action]] = {
    "get": Get,
    "list": List,
    "create": Create,
    "upsert": Upsert,
    "patch": Patch,
    "replace": Replace,
    "delete": Delete,
    "soft-delete": SoftDelete,
    "rule": Rule,
}
