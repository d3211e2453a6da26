"""A collection's declaration under ``x-sparring.collections``, read once when the app starts.

It knows how keys are made, which fields are timestamps, soft-delete markers, server-owned,
unique, immutable or references, and how a stored record is shaped for a response.

Declarations a collection can add to its CRUD (all optional; see README "Declaring behaviour"):

- ``generate: integer | numeric-string | uuid | client``: how new keys are made
  (``numeric-string``: integer ids written as strings, ``"12321"``);
- ``unique: [field]``: a repeat is refused with 409 where the operation documents 409, else with a
  400 validation error naming the field;
- ``immutable: [field]``: set on create; a later write with another value is a 400 naming it;
- ``references: {field: collection}``: a written value must be the key of a record there (400);
- ``project: true``: responses carry only the schema's properties, so fields the record keeps for
  the server (a parent key, a request-only field) stay internal;
- ``expand: {name: {from: field}}`` (the record that ``references`` field points at) or
  ``{name: {collection: c, where: field}}`` (the records of ``c`` whose ``field`` is this key):
  child objects a response carries only when the operation's ``expand`` parameter names them;
  request bodies never write them;
- ``nested: {field: {key: id, server-owned: {...}, parent-field: f}}``: an array of sub-records
  whose entries get an id (``parent key * 1000 + n``; ids already on the record are kept), fixed
  fields and their parent's key;
- ``nested-writes: {field: {collection, link, match, before-save}}``: arrays of the request body
  whose entries create, update or link records of another collection in the same request
  (``engine/nested_writes.py``).
"""

from __future__ import annotations

import hashlib
import typing as t
import uuid

from sparring.engine import timestamps
from sparring.engine.store import Record
from sparring.engine.store.memory import Collection

if t.TYPE_CHECKING:
    from sparring.catalog import Partner
    from sparring.declarations import CollectionDeclaration


class CollectionSpec:
    """A collection's declaration under ``x-sparring.collections``, read once."""

    def __init__(self, decl: "CollectionDeclaration", partner: "Partner") -> None:
        self.declaration = decl
        self.name = decl.name
        self.key = decl.key
        self.generate = decl.generate  # integer | numeric-string | uuid | client
        schemas = partner.spec.get("components", {}).get("schemas", {})
        self.schema = schemas.get(decl.schema, {}) if decl.schema else {}
        self.created = decl.timestamps.created
        self.modified = decl.timestamps.modified
        self.time_fields = {f for f in (self.created, self.modified) if f}
        self.format_time = timestamps.formatter(decl.timestamps.style)
        self.soft_field = decl.soft_delete.field if decl.soft_delete else None
        self.soft_value = decl.soft_delete.deleted_value if decl.soft_delete else None
        self.server_owned: dict = dict(decl.server_owned)
        self.unique = list(decl.unique)
        self.sortable = list(decl.sortable)
        self.default_sort = decl.sort_field
        self.immutable = list(decl.immutable)
        self.references: dict[str, str] = dict(decl.references)
        self.expand = dict(decl.expand)  # name -> ExpansionDeclaration
        self.embed = dict(decl.embed)  # name -> ExpansionDeclaration (collection, where): always shown
        self.expand_names = {name.lower(): name for name in self.expand}
        self.nested = dict(decl.nested)  # field -> NestedDeclaration
        self.nested_writes = dict(decl.nested_writes)  # body array field -> NestedWriteDeclaration
        self.fields = [p for p in self.schema.get("properties", {}) if p not in self.expand and p not in self.embed] \
            if decl.project else None
        self.indexed = [*self.sortable, *self.unique, *decl.indexed,
                        *(f for f in (self.created, self.modified, self.soft_field) if f)]

    def coerce_key(self, value: t.Any) -> t.Any:
        """A key as the store holds it (``numeric-string`` keys are strings, even from an integer list)."""
        if self.generate == "numeric-string" and value is not None:
            return str(value)
        return value

    def project(self, record: Record) -> Record:
        """The record as responses show it (see ``project``)."""
        if self.fields is None:
            return record
        return {f: record[f] for f in self.fields if f in record}

    def number_nested(self, record: Record, old: Record | None = None) -> None:
        """Give new entries of the ``nested`` arrays their ids, fixed fields and parent key."""
        for field_name, decl in self.nested.items():
            entries = record.get(field_name)
            if not isinstance(entries, list):
                continue
            key = decl.key
            known = {e.get(key) for e in (old or {}).get(field_name) or [] if isinstance(e, dict)}
            pk = record.get(self.key)
            base = pk * 1000 if isinstance(pk, int) else 0
            used = {e.get(key) for e in entries if isinstance(e, dict) and e.get(key) in known}
            nxt = max([base, *(k for k in used if isinstance(k, int))]) + 1
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                if entry.get(key) not in known or entry.get(key) is None:
                    while nxt in used:
                        nxt += 1
                    entry[key] = nxt
                    used.add(nxt)
                entry.update(decl.server_owned)
                if decl.parent_field:
                    entry[decl.parent_field] = pk

    def new_key(self, collection: Collection, record: Record, make_uuid: t.Callable[[], t.Any] | None = None) -> t.Any:
        """The key of a new record: the client's, a uuid, or the collection's next integer
        (written as a string for ``numeric-string``).

        A uuid comes from ``make_uuid`` (the fixtures' seeded faker), or else from the collection's
        sequence: a version-4 uuid hashed from the collection's name and its next integer, so the
        records a client creates get the same keys after every reset (a fuzz run with the same
        seed sends the same requests) and never one a record had before.
        """
        if self.generate == "client":
            return record[self.key]
        if self.generate == "uuid":
            if make_uuid is not None:
                return str(make_uuid())
            digest = hashlib.sha256(f"{collection.name}:{collection.next_id()}".encode()).digest()
            return str(uuid.UUID(bytes=digest[:16], version=4))
        number = collection.next_id()
        return str(number) if self.generate == "numeric-string" else number

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
