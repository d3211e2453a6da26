"""In-memory collections with sorted indexes, one lock per partner namespace.

A record is a plain dict owned by the store: callers get copies and hand back new dicts, so an
index can never disagree with the record it points at. Every sortable or filterable field has a
sorted index, which is what lets a page or a range filter cost O(log n + page) instead of a scan.
"""

from __future__ import annotations

import marshal
import threading
import typing as t
from dataclasses import dataclass

from sortedcontainers import SortedKeyList

Record = dict[str, t.Any]


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
    """A filter on one indexed field: ``low <= value <= high`` (either bound optional)."""

    field: str
    low: t.Any = None
    high: t.Any = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @classmethod
    def equal(cls, field: str, value: t.Any) -> "Range":
        return cls(field, value, value)


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

    def get(self, pk: t.Any) -> Record | None:
        record = self._records.get(pk)
        return None if record is None else clone(record)

    def indexed(self, field: str) -> bool:
        return field in self._indexes

    def next_id(self) -> int:
        """The next integer id, never reused even after deletes."""
        value = self._next_id
        self._next_id += 1
        return value

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
        where: t.Sequence[Range] = (),
        predicate: t.Callable[[Record], bool] | None = None,
        offset: int = 0,
        limit: int | None = None,
        copy: bool = True,
        keys: t.Iterable[t.Any] | None = None,
    ) -> tuple[list[Record], int]:
        """One page of records and the number of records matching.

        ``copy=False`` hands out the stored records themselves, for callers that only serialize
        them (a list response) and so must not change them.

        With no filter, or one range filter on the sort field, the page comes straight from the
        sorted index. Otherwise the most selective indexed range is read and the rest is checked
        record by record: the cost follows the matches, never the whole collection. ``keys`` limits
        the candidates to the records with these keys, found by direct lookup.
        """
        sort = sort or self.key
        index = self._indexes[sort]
        if keys is not None:
            candidates = [self._records[k] for k in dict.fromkeys(keys) if k in self._records]
            return self._match(candidates, [*where], predicate, index, descending, offset, limit, copy)
        ranges = [r for r in where if r.field in self._indexes]
        residual = [r for r in where if r.field not in self._indexes]
        if not ranges and not residual and predicate is None:
            return self._slice(index, 0, len(index), descending, offset, limit, copy), len(index)
        if len(ranges) == 1 and ranges[0].field == sort and not residual and predicate is None:
            lo, hi = self._bounds(ranges[0])
            return self._slice(index, lo, hi, descending, offset, limit, copy), hi - lo

        if ranges:
            spans = [(self._bounds(r), r) for r in ranges]
            (lo, hi), narrowest = min(spans, key=lambda span: span[0][1] - span[0][0])
            candidates = self._indexes[narrowest.field].islice(lo, hi)
            others = [r for r in ranges if r is not narrowest] + residual
        else:
            candidates = iter(index)
            others = residual
        return self._match(candidates, others, predicate, index, descending, offset, limit, copy)

    @staticmethod
    def _match(candidates: t.Iterable[Record], others: t.Sequence[Range], predicate: t.Callable | None,
               index: SortedKeyList, descending: bool, offset: int, limit: int | None,
               copy: bool) -> tuple[list[Record], int]:
        matches = [r for r in candidates if all(_within(r, c) for c in others) and (predicate is None or predicate(r))]
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

    def records(self) -> t.Iterator[Record]:
        """Every record in key order, copied: a scan, for fixtures, snapshots and free-text search,
        never for a get or a page."""
        return (clone(r) for r in self._indexes[self.key])


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


class Namespace:
    """All collections of one partner, guarded by one lock, with a snapshot to reset to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.RLock()
        self.collections: dict[str, Collection] = {}
        self._snapshot: dict[str, list[Record]] | None = None

    def add(self, collection: Collection) -> Collection:
        self.collections[collection.name] = collection
        return collection

    def __getitem__(self, name: str) -> Collection:
        return self.collections[name]

    def snapshot(self) -> None:
        """Remember the current contents as the state :meth:`restore` goes back to."""
        with self.lock:
            self._snapshot = {name: list(c.records()) for name, c in self.collections.items()}

    def restore(self) -> None:
        with self.lock:
            for name, collection in self.collections.items():
                fresh = Collection(name, collection.key, [f for f in collection._indexes if f != collection.key])
                for record in (self._snapshot or {}).get(name, []):
                    fresh.put(record)
                self.collections[name] = fresh
