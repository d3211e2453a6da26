"""The in-memory store: collections with sorted indexes, copy-on-write namespaces, one lock each.

A record is a plain dict owned by the store: callers get copies and hand back new dicts, so an
index can never disagree with the record it points at. Every sortable or filterable field has a
sorted index, which is what lets a page or a range filter cost O(log n + page) instead of a scan.
"""

from __future__ import annotations

import marshal
import threading
import time
import typing as t
from dataclasses import dataclass

from sortedcontainers import SortedKeyList

from sparring.engine.errors import ApiError
from sparring.engine.store import Filter, Record, Seeder


def clone(value: t.Any) -> t.Any:
    """A deep copy of JSON-like data; marshal does it in C, several times faster than deepcopy."""
    return marshal.loads(marshal.dumps(value))


def _order(value: t.Any) -> tuple:
    """A total order over JSON scalars: nulls first, then by type, then by value."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4, repr(value))


@dataclass(frozen=True)
class Range:
    """A comparison filter as bounds on one field: ``low <= value <= high`` (either optional)."""

    field: str
    low: t.Any = None
    high: t.Any = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @classmethod
    def equal(cls, field: str, value: t.Any) -> "Range":
        return cls(field, value, value)

    @classmethod
    def of(cls, where: Filter) -> "Range | None":
        """The bounds of a comparison filter; None for ``in`` and ``contains``."""
        f, v = where.field, where.value
        return {
            "eq": lambda: cls(f, v, v),
            "gte": lambda: cls(f, low=v),
            "gt": lambda: cls(f, low=v, low_inclusive=False),
            "lte": lambda: cls(f, high=v),
            "lt": lambda: cls(f, high=v, high_inclusive=False),
        }.get(where.op, lambda: None)()


def _check(where: Filter) -> t.Callable[[Record], bool]:
    """A record test for the filters no index answers (``in``, ``contains``, unindexed fields)."""
    bounds = Range.of(where)
    if bounds is not None:
        return lambda record: _within(record, bounds)
    if where.op == "in":
        wanted = where.value if isinstance(where.value, (list, tuple, set, frozenset)) else [where.value]
        wanted = {_order(v) for v in wanted}
        return lambda record: _order(record.get(where.field)) in wanted
    if where.op == "present":
        wanted = str(where.value).strip().lower() not in ("0", "false", "", "none")
        return lambda record: (record.get(where.field) is not None) == wanted
    needle = str(where.value).casefold()
    fields = where.fields or (where.field,)
    return lambda record: any(needle in str(record.get(f) or "").casefold() for f in fields)


class Collection:
    """Records of one kind, keyed by their primary key, with a sorted index per declared field."""

    def __init__(self, name: str, key: str, indexed: t.Iterable[str] = ()) -> None:
        self.name = name
        self.key = key
        self._records: dict[t.Any, Record] = {}
        self._indexes: dict[str, SortedKeyList] = {}
        for field in dict.fromkeys([key, *indexed]):
            self._indexes[field] = SortedKeyList(key=self._sort_key(field))
        self._next_id = 1

    def _sort_key(self, field: str) -> t.Callable[[Record], tuple]:
        key = self.key
        return lambda record: (_order(record.get(field)), _order(record[key]))

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, pk: t.Any) -> bool:
        return pk in self._records

    def get(self, pk: t.Any, copy: bool = True) -> Record | None:
        """The record with this key, copied; ``copy=False`` hands out the stored record itself, as
        ``query`` does, for a caller that only serializes it."""
        record = self._records.get(pk)
        return clone(record) if copy and record is not None else record

    def indexed(self, field: str) -> bool:
        return field in self._indexes

    def next_id(self) -> int:
        """The next integer id, never reused even after deletes."""
        value = self._next_id
        self._next_id += 1
        return value

    @property
    def sequence(self) -> int:
        """The id :meth:`next_id` gives next (exported with the records, so a restore never reuses one)."""
        return self._next_id

    def advance(self, sequence: int) -> None:
        self._next_id = max(self._next_id, int(sequence))

    def put(self, record: Record) -> Record:
        """Insert or replace the record with this primary key.

        A replaced record is updated in place and moved only in the indexes whose field changed:
        an update that touches one field costs one index move, not one per index.
        """
        pk = record[self.key]
        new = clone(record)
        stored = self._records.get(pk)
        if stored is None:
            self._records[pk] = stored = new
            for index in self._indexes.values():
                index.add(stored)
        else:
            moved = [index for field, index in self._indexes.items() if stored.get(field) != new.get(field)]
            for index in moved:
                index.remove(stored)
            stored.clear()
            stored.update(new)
            for index in moved:
                index.add(stored)
        if isinstance(pk, str) and pk.isdigit():  # numeric-string keys share the integer sequence
            pk = int(pk)
        if isinstance(pk, int) and not isinstance(pk, bool) and pk >= self._next_id:
            self._next_id = pk + 1
        return clone(stored)

    def remove(self, pk: t.Any) -> Record | None:
        old = self._records.pop(pk, None)
        if old is not None:
            for index in self._indexes.values():
                index.remove(old)
        return old

    def query(
        self,
        *,
        sort: str | None = None,
        descending: bool = False,
        where: t.Sequence[Filter] = (),
        offset: int = 0,
        limit: int | None = None,
        copy: bool = True,
        keys: t.Iterable[t.Any] | None = None,
    ) -> tuple[list[Record], int]:
        """One page of records and the number of records matching.

        ``copy=False`` hands out the stored records themselves, for callers that only serialize
        them (a list response) and so must not change them.

        With no filter, or one comparison on the sort field, the page comes straight from the
        sorted index. Otherwise the most selective indexed comparison is read and the rest is
        checked record by record: the cost follows the matches, never the whole collection. ``keys``
        limits the candidates to the records with these keys, found by direct lookup.
        """
        sort = sort or self.key
        index = self._indexes[sort]
        if keys is not None:
            candidates = [self._records[k] for k in dict.fromkeys(keys) if k in self._records]
            return self._match(candidates, [_check(w) for w in where], index, descending, offset, limit, copy)
        ranges = [r for r in map(Range.of, where) if r is not None and r.field in self._indexes]
        residual = [w for w in where if Range.of(w) is None or w.field not in self._indexes]
        if not ranges and not residual:
            return self._slice(index, 0, len(index), descending, offset, limit, copy), len(index)
        if len(ranges) == 1 and ranges[0].field == sort and not residual:
            lo, hi = self._bounds(ranges[0])
            return self._slice(index, lo, hi, descending, offset, limit, copy), hi - lo

        checks = [_check(w) for w in residual]
        if ranges:
            spans = [(self._bounds(r), r) for r in ranges]
            (lo, hi), narrowest = min(spans, key=lambda span: span[0][1] - span[0][0])
            candidates = self._indexes[narrowest.field].islice(lo, hi)
            checks += [(lambda record, r=r: _within(record, r)) for r in ranges if r is not narrowest]
        else:
            candidates = iter(index)
        return self._match(candidates, checks, index, descending, offset, limit, copy)

    @staticmethod
    def _match(candidates: t.Iterable[Record], checks: t.Sequence[t.Callable[[Record], bool]],
               index: SortedKeyList, descending: bool, offset: int, limit: int | None,
               copy: bool) -> tuple[list[Record], int]:
        matches = [r for r in candidates if all(check(r) for check in checks)]
        matches.sort(key=index.key, reverse=descending)
        end = None if limit is None else offset + limit
        page = matches[offset:end]
        return ([clone(r) for r in page] if copy else page), len(matches)

    def _bounds(self, where: Range) -> tuple[int, int]:
        index = self._indexes[where.field]
        lowest, highest = (0, 0), (9, 0)
        if where.low is None:
            lo = 0
        elif where.low_inclusive:
            lo = index.bisect_key_left((_order(where.low), lowest))
        else:
            lo = index.bisect_key_left((_order(where.low), highest))
        if where.high is None:
            hi = len(index)
        elif where.high_inclusive:
            hi = index.bisect_key_right((_order(where.high), highest))
        else:
            hi = index.bisect_key_right((_order(where.high), lowest))
        return lo, max(lo, hi)

    @staticmethod
    def _slice(index: SortedKeyList, lo: int, hi: int, descending: bool, offset: int, limit: int | None,
               copy: bool = True) -> list[Record]:
        count = hi - lo if limit is None else min(limit, max(0, hi - lo - offset))
        if count <= 0:
            return []
        if descending:
            stop = hi - offset
            found = index.islice(stop - count, stop, reverse=True)
        else:
            start = lo + offset
            found = index.islice(start, start + count)
        return [clone(r) for r in found] if copy else list(found)

    def copy(self) -> "Collection":
        """An independent copy: records cloned, indexes copied in their sorted order."""
        other = Collection.__new__(Collection)
        other.name, other.key, other._next_id = self.name, self.key, self._next_id
        other._records = records = {pk: clone(r) for pk, r in self._records.items()}
        key = self.key
        other._indexes = {field: _copy_index(index, lambda r: records[r[key]])
                          for field, index in self._indexes.items()}
        return other

    def records(self) -> t.Iterator[Record]:
        """Every record in key order, copied: a scan, for fixtures, snapshots and free-text search,
        never for a get or a page."""
        return (clone(r) for r in self._indexes[self.key])

    def only(self, field: str, value: t.Any) -> "Collection":
        """A copy holding the records whose ``field`` is ``value`` or that lack the field."""
        other = Collection(self.name, self.key, [f for f in self._indexes if f != self.key])
        for record in self._indexes[self.key]:
            if field not in record or record[field] == value:
                other.put(record)
        other._next_id = max(other._next_id, self._next_id)
        return other


def _copy_index(index: SortedKeyList, remap: t.Callable[[Record], Record]) -> SortedKeyList:
    """A copy of a sorted index over other record objects, without sorting again: the sort keys
    (immutable tuples) are shared and the sublists copied as they are. This reads sortedcontainers'
    internal layout (stable since 2.0; ``sortedcontainers<3`` is pinned); a test compares a copy's
    order with a freshly built index."""
    copied = SortedKeyList(key=index.key)
    copied._lists = [[remap(r) for r in sub] for sub in index._lists]
    copied._keys = [list(keys) for keys in index._keys]
    copied._maxes = list(index._maxes)
    copied._len = len(index)
    copied._load = index._load
    copied._index = []
    copied._offset = 0
    return copied


def _within(record: Record, where: Range) -> bool:
    value = _order(record.get(where.field))
    if where.low is not None:
        low = _order(where.low)
        if value < low or (value == low and not where.low_inclusive):
            return False
    if where.high is not None:
        high = _order(where.high)
        if value > high or (value == high and not where.high_inclusive):
            return False
    return True


class LazyCollection:
    """A namespace's view of a snapshot collection: reads go to the snapshot until the first
    write, which copies it (records and indexes) into the namespace. A namespace that only reads
    costs nothing; one that writes pays for the collections it writes."""

    _WRITES = ("put", "remove", "next_id")

    def __init__(self, base: Collection, owner: "Namespace | None" = None) -> None:
        self.name = base.name
        self.key = base.key
        self._base = base
        self._own: Collection | None = None
        self._owner = owner

    @property
    def materialized(self) -> bool:
        return self._own is not None

    def _writable(self) -> Collection:
        if self._own is None:
            self._own = self._base.copy()
        return self._own

    def __getattr__(self, name: str) -> t.Any:  # reads: whichever copy is current
        target = self._own if self._own is not None else self._base
        return getattr(target, name)

    def __len__(self) -> int:
        return len(self._own if self._own is not None else self._base)

    def __contains__(self, pk: t.Any) -> bool:
        return pk in (self._own if self._own is not None else self._base)

    def put(self, record: Record) -> Record:
        if self._owner is not None and record[self.key] not in self:
            self._owner.check_room()
        return self._writable().put(record)

    def remove(self, pk: t.Any) -> Record | None:
        return self._writable().remove(pk)

    def next_id(self) -> int:
        return self._writable().next_id()


class Namespace:
    """One copy of a partner's data: its collections, guarded by one lock.

    ``max_records`` caps the records it holds across its collections (None: no cap); a write that
    would add one more is refused with :class:`RecordLimit`. ``last_used`` is when a request last
    asked for it (``time.monotonic()``), for dropping idle namespaces.
    """

    pending = False  # exists from the start (a Redis namespace opens on first use)

    def __init__(self, name: str, collections: t.Mapping[str, Collection] | None = None,
                 max_records: int | None = None, partner: str = "") -> None:
        self.name = name
        self.partner = partner
        self.lock = threading.RLock()
        self.collections: dict[str, t.Any] = dict(collections or {})
        self.max_records = max_records
        self.last_used = time.monotonic()

    def count(self) -> int:
        return sum(len(c) for c in self.collections.values())

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last_used

    def check_room(self) -> None:
        if self.max_records is not None and self.count() >= self.max_records:
            raise RecordLimit(self.partner, self.name, self.max_records)

    def sequences(self) -> dict[str, int]:
        return {name: c.sequence for name, c in self.collections.items()}

    def materialized(self) -> list[str]:
        """The collections this namespace has written to (its own copies)."""
        return [n for n, c in self.collections.items() if getattr(c, "materialized", True)]

    def add(self, collection: Collection) -> Collection:
        self.collections[collection.name] = collection
        return collection

    def __getitem__(self, name: str) -> Collection:
        return self.collections[name]

    def __contains__(self, name: str) -> bool:
        return name in self.collections

    def transaction(self) -> t.ContextManager[t.Any]:
        """Reads and writes that no other request interleaves with (the process is one event loop;
        the lock also covers threads such as a test client's)."""
        return self.lock

    def export(self) -> dict[str, list[Record]]:
        with self.lock:
            return {name: list(c.records()) for name, c in self.collections.items()}

    def only(self, name: str, field: str, value: t.Any) -> "Namespace":
        """A new namespace of the records whose ``field`` is ``value`` (or that lack it)."""
        return Namespace(name, {n: c.only(field, value) for n, c in self.collections.items()})

    def view(self, name: str, max_records: int | None = None, partner: str = "") -> "Namespace":
        """A new namespace whose collections are copy-on-write views of this one's."""
        space = Namespace(name, max_records=max_records, partner=partner)
        space.collections = {n: LazyCollection(c, space) for n, c in self.collections.items()}
        return space


_ABSENT = object()  # the scoped part for a value no seeded record holds


class MemoryShared(dict):
    """:class:`sparring.engine.store.Shared` in the process's memory."""

    def set(self, name: str, value: t.Any) -> None:
        self[name] = value


def seeded_snapshot(partner: str, collections: t.Mapping[str, t.Any], seeder: Seeder) -> Namespace:
    """A partner's snapshot made in this process: its collections, filled by its seeder (the Redis
    store seeds this way too, then writes the result to Redis)."""
    snapshot = Namespace(f"{partner}:snapshot")
    for spec in collections.values():
        snapshot.add(spec.new_collection())
    seeder(snapshot)
    return snapshot


def scope_values(snapshot: Namespace, field: str) -> set:
    """The values of ``field`` the snapshot's records hold: the scopes that start from records of
    their own (``namespace.seed-field``); any other value starts from the records without the field."""
    return {r[field] for c in snapshot.collections.values() for r in c.records() if isinstance(r.get(field), (str, int))}


class MemoryStore:
    """Every partner's namespaces in this process. A partner's snapshot is seeded on the first use
    of any of its namespaces, then each namespace is a copy-on-write view of it.

    A partner seeds under a lock of its own: no request sees half-seeded data, and seeding one
    partner (``sparring serve`` seeds in the background) holds up no other partner's requests. The
    store's lock guards only the tables; a snapshot seeded across a reseed is thrown away and seeded
    again, never kept."""

    def __init__(self, max_namespaces: int | None = None, max_records: int | None = None) -> None:
        self.shared = MemoryShared()
        self.max_namespaces = max_namespaces
        self.max_records = max_records
        self._lock = threading.RLock()  # the tables below
        self._seeding: dict[str, threading.RLock] = {}  # partner -> held while its snapshot (or a part) is made
        self._generations: dict[str, int] = {}  # partner -> bumped when its snapshot is dropped
        self._partners: dict[str, tuple[t.Mapping[str, t.Any], Seeder]] = {}
        self._snapshots: dict[str, Namespace] = {}
        self._scoped: dict[tuple[str, str, t.Any], Namespace] = {}  # (partner, field, value) -> snapshot part
        self._scope_values: dict[tuple[str, str], set] = {}  # (partner, field) -> values seeded records hold
        self._namespaces: dict[str, dict[str, Namespace]] = {}

    def define(self, partner: str, collections: t.Mapping[str, t.Any], seeder: Seeder) -> None:
        with self._lock:
            self._partners[partner] = (collections, seeder)
            self._seeding.setdefault(partner, threading.RLock())
            self._drop_snapshot(partner)
            self._namespaces[partner] = {}

    def _drop_snapshot(self, partner: str) -> None:
        """(Under the store's lock.) The next use seeds the partner again."""
        self._snapshots.pop(partner, None)
        self._drop_scoped(partner)
        self._generations[partner] = self._generations.get(partner, 0) + 1

    def snapshot(self, partner: str) -> Namespace:
        snapshot = self._snapshots.get(partner)
        if snapshot is not None:
            return snapshot
        with self._seeding[partner]:
            while True:
                with self._lock:
                    snapshot = self._snapshots.get(partner)
                    if snapshot is not None:
                        return snapshot
                    generation = self._generations[partner]
                    collections, seeder = self._partners[partner]
                made = seeded_snapshot(partner, collections, seeder)
                with self._lock:
                    if self._generations[partner] == generation:  # else reseeded meanwhile: seed again
                        self._snapshots[partner] = made
                        return made

    def scoped(self, partner: str, field: str, value: t.Any) -> Namespace:
        """The part of the snapshot a namespace scoped to ``field = value`` starts from: the
        records with that value or without the field. Values no seeded record holds share one
        part (the records without the field), so arbitrary keys cost no copies."""
        while True:
            generation = self._generations[partner]
            snapshot = self.snapshot(partner)
            with self._seeding[partner]:
                with self._lock:
                    values = self._scope_values.get((partner, field))
                if values is None:
                    values = scope_values(snapshot, field)
                wanted = value if isinstance(value, (str, int)) and value in values else _ABSENT
                with self._lock:
                    part = self._scoped.get((partner, field, wanted))
                if part is None:
                    part = snapshot.only(f"{partner}:{field}", field, wanted)
                with self._lock:
                    if self._generations[partner] == generation:  # else reseeded meanwhile: again
                        self._scope_values.setdefault((partner, field), values)
                        return self._scoped.setdefault((partner, field, wanted), part)

    def _drop_scoped(self, partner: str) -> None:
        for cache in (self._scoped, self._scope_values):
            for key in [k for k in cache if k[0] == partner]:
                del cache[key]

    def namespace(self, partner: str, name: str = "default", scope: tuple[str, t.Any] | None = None) -> Namespace:
        found = self._namespaces[partner].get(name)
        if found is not None:
            found.last_used = time.monotonic()
            return found
        while True:
            generation = self._generations[partner]
            snapshot = self.snapshot(partner) if scope is None else self.scoped(partner, *scope)
            with self._lock:
                spaces = self._namespaces[partner]
                found = spaces.get(name)
                if found is not None:
                    return found
                if self._generations[partner] == generation:  # else reseeded meanwhile: view the new snapshot
                    self._check_namespace_room()
                    found = spaces[name] = snapshot.view(name, self.max_records, partner)
                    return found

    def _check_namespace_room(self) -> None:
        if self.max_namespaces is not None and sum(map(len, self._namespaces.values())) >= self.max_namespaces:
            raise NamespaceLimit(self.max_namespaces)

    def namespaces(self, partner: str) -> list[str]:
        return sorted(self._namespaces.get(partner, {}))

    def existing(self, partner: str, name: str) -> Namespace | None:
        """The namespace if a request has used it, without creating it."""
        return self._namespaces.get(partner, {}).get(name)

    def partners(self) -> list[str]:
        return list(self._partners)

    def restore(self, partner: str, spaces: t.Mapping[str, tuple[t.Mapping[str, list[Record]], t.Mapping[str, int]]]) -> None:
        """Replace whole namespaces of a partner with the given records and id sequences
        (``{name: ({collection: [records]}, {collection: next id})}``); a collection a namespace
        does not list keeps the seeded records. All or nothing: the namespaces are built first,
        then swapped in at once."""
        collections, _ = self._partners[partner]
        snapshot = self.snapshot(partner)
        built: dict[str, Namespace] = {}
        for name, (records, sequences) in spaces.items():
            space = snapshot.view(name, self.max_records, partner)
            for cname, rows in records.items():
                own = collections[cname].new_collection()
                for row in rows:
                    own.put(row)
                own.advance(sequences.get(cname, 1))
                space.collections[cname]._own = own
            built[name] = space
        with self._lock:
            spaces_now = self._namespaces[partner]
            new = [n for n in built if n not in spaces_now]
            if new and self.max_namespaces is not None and \
                    sum(map(len, self._namespaces.values())) + len(new) > self.max_namespaces:
                raise NamespaceLimit(self.max_namespaces)
            spaces_now.update(built)

    def drop_idle(self, idle_seconds: float) -> list[tuple[str, str]]:
        """Drop every namespace no request used for ``idle_seconds``; returns (partner, name) pairs."""
        cutoff = time.monotonic() - idle_seconds
        dropped = []
        with self._lock:
            for partner, spaces in self._namespaces.items():
                for name in [n for n, s in spaces.items() if s.last_used <= cutoff]:
                    del spaces[name]
                    dropped.append((partner, name))
        return dropped

    def reset(self, partner: str | None = None, name: str | None = None, *, reseed: bool = False) -> None:
        with self._lock:
            for p in [partner] if partner else list(self._partners):
                if reseed:
                    self._drop_snapshot(p)
                if name is None:
                    self._namespaces[p] = {}
                else:
                    self._namespaces[p].pop(name, None)

    def drop(self, partner: str, name: str) -> None:
        self.reset(partner, name)


class NamespaceLimit(ApiError):
    """More namespaces than the store is allowed to hold (``--max-namespaces``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(429, f"Namespace cap reached: this sparring holds at most {limit} namespaces "
                              "(--max-namespaces). Drop or reset namespaces through /__sparring/namespaces.",
                         "namespace_cap", headers={"X-Sparring-Cap": "max-namespaces"})
        self.limit = limit


class RecordLimit(ApiError):
    """A write that would take a namespace past its record cap (``--max-records``)."""

    def __init__(self, partner: str, name: str, limit: int) -> None:
        super().__init__(429, f"Record cap reached: namespace {name!r} of {partner} holds at most {limit} records "
                              "(--max-records). Delete records or reset the namespace.",
                         "record_cap", headers={"X-Sparring-Cap": "max-records"})
        self.limit = limit
