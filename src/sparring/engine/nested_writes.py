"""Children written in the same request as their parent: a collection's ``nested-writes``.

Some vendors take a parent with arrays of its children and create, update or link those
children in the same call (a discount level with its brand discounts and accounts, an account
with its users). The parent collection declares, per array field of its request body::

    nested-writes:
      brand_discounts:                    # the array field of the request body
        collection: brand_discounts       # where its entries are stored
        link: discount_level_id           # the child's field that holds the parent's key
        match:                            # how an entry finds the child it updates
          - {field: brand_discount_id, to: id}        # the entry names the child's key
          - {field: brand_id, scope: parent}          # or the parent's child with this brand
        before-save: hook_name            # optional: a before-save rule run on each child

An entry is matched by the first rule whose field it fills (``null``, ``""`` and ``0`` do not
fill it): a match is updated (the fields sent overwrite, the link moves it to this parent), no
match is created. A rule on the child's key (``to`` is the key) must find the child: an id that
names none is refused. ``scope: parent`` looks only among this parent's children. The link is
always the parent's key, whatever the entry says. Children the request does not list are kept.

Children are written after the parent (they need its key) through the same checks as any write:
references, uniqueness, fields fixed after creation, the child's own nested writes and its
before-save rule. The request goes through an undo log (store/undo.py), so when any entry is refused
nothing of it stays; the 400 names every refused field by its place (``accounts[1].name``).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, replace

from sparring.engine.context import Call
from sparring.engine.errors import ApiError
from sparring.engine.store import Filter, Record

if t.TYPE_CHECKING:
    from sparring.declarations import NestedWriteDeclaration
    from sparring.engine.actions import Action


@dataclass(frozen=True)
class MatchRule:
    field: str  # the entry's field
    to: str  # the child's field it is compared with
    within_parent: bool  # only among this parent's children
    on_key: bool  # ``to`` is the child's key: a given value must name a child

    def value(self, entry: Record) -> t.Any:
        value = entry.get(self.field)
        return None if value in (None, "", 0) or isinstance(value, bool) else value


class ChildArray:
    """One declared array field: its entries become records of the child collection."""

    def __init__(self, field: str, decl: "NestedWriteDeclaration", writer: "Action") -> None:
        self.field = field
        self.writer = writer  # the child's action: its collection, checks, hook and own nested writes
        self.spec = writer.spec
        self.link = decl.link
        self.rules = [MatchRule(m.field, m.to, m.scope == "parent", m.to == self.spec.key) for m in decl.match]
        # entry fields that only serve to find the child are not stored on it
        self.lookup_only = frozenset(r.field for r in self.rules if r.on_key and r.field != r.to)

    def existing(self, call: Call, entry: Record, parent_key: t.Any) -> Record | None:
        """The child this entry updates, or None for a new one."""
        collection = call.state[self.spec.name]
        for rule in self.rules:
            value = rule.value(entry)
            if value is None:
                continue
            if rule.on_key:
                found = collection.get(self.spec.coerce_key(value))
                if found is None or (rule.within_parent and found.get(self.link) != parent_key):
                    raise ApiError.validation({rule.field: [f"No {_singular(self.spec.name)} has the id {value}."]})
                return found
            where = [Filter.equal(rule.to, value)]
            if rule.within_parent:
                where.append(Filter.equal(self.link, parent_key))
            found, _ = collection.query(where=where, limit=1)
            return found[0] if found else None
        return None

    def write(self, call: Call, entry: Record, parent_key: t.Any) -> Record:
        old = self.existing(call, entry, parent_key)
        entry = {k: v for k, v in entry.items() if k not in self.lookup_only}
        child_call = replace(call, body=entry)
        writer, spec = self.writer, self.spec
        if old is None:
            record = spec.blank()
            record.update(spec.server_owned)
            record.update(writer.writable(entry))
            record[self.link] = parent_key
            record[spec.key] = spec.new_key(writer.collection(call), record)
            writer.stamp(record, created=True)
        else:
            writer.check_immutable(entry, old)
            record = {**old, **writer.writable(entry)}
            record[spec.key] = old[spec.key]
            record[self.link] = parent_key
            writer.stamp(record, created=False)
        return writer.save(child_call, record, old)


class NestedWrites:
    """The nested writes one operation's request body can carry."""

    def __init__(self, arrays: list[ChildArray]) -> None:
        self.arrays = arrays
        self.fields = [a.field for a in arrays]

    def carried(self, body: t.Any) -> list[str]:
        """The declared arrays this body fills (a null or absent array writes nothing)."""
        if not isinstance(body, dict):
            return []
        return [f for f in self.fields if isinstance(body.get(f), list) and body[f]]

    def write(self, call: Call, parent: Record, parent_key: t.Any) -> None:
        """Write every entry; refuse with every refused field named by its place."""
        details: dict[str, list[str]] = {}
        for array in self.arrays:
            entries = call.body.get(array.field) if isinstance(call.body, dict) else None
            for n, entry in enumerate(entries or []):
                if not isinstance(entry, dict):
                    continue
                try:
                    array.write(call, entry, parent_key)
                except ApiError as error:
                    if error.status != 400 or not error.details:
                        raise
                    for name, messages in error.details.items():
                        details.setdefault(f"{array.field}[{n}].{name}", []).extend(messages)
        if details:
            raise ApiError.validation(details)


def for_action(action: "Action", child_action: t.Callable[..., "Action"]) -> NestedWrites | None:
    """The nested writes of an action's operation: the collection's ``nested-writes`` whose field
    the operation's request body declares as an array. ``child_action(operation)`` builds the
    action that writes one child."""
    from sparring.catalog import Operation
    from sparring.declarations import OperationDeclaration

    declared = action.spec.nested_writes
    if not declared:
        return None
    arrays = []
    for field, decl in declared.items():
        items = _items_schema(action.operation.spec, field)
        if items is None:
            continue
        op = action.operation
        child_decl = OperationDeclaration(f"{op.id}.{field}", op.method, op.path, "create", collection=decl.collection,
                                          before_save=decl.before_save)
        child_op = Operation(child_decl.operation_id, op.method, op.path,
                             {"requestBody": {"content": {"application/json": {"schema": items}}}, "responses": {}},
                             child_decl)
        arrays.append(ChildArray(field, decl, child_action(child_op, action.env)))
    return NestedWrites(arrays) if arrays else None


def _items_schema(operation: dict, field: str) -> dict | None:
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        prop = ((media.get("schema") or {}).get("properties") or {}).get(field)
        if isinstance(prop, dict) and prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            return prop["items"]
    return None


def _singular(name: str) -> str:
    return name.rstrip("s").replace("_", " ")
