"""The store: what every partner's state lives in, as protocols any backend implements.

The engine talks to three things:

- a :class:`Store` holds the namespaces of every partner. ``store.namespace(partner, name)``
  returns the namespace, creating it on first use from the partner's seeded snapshot;
  ``reset`` drops namespaces back to that snapshot; ``shared`` holds the little state that is not
  records (the clock offset, the seed, the token signing secret) so every worker reads the same.
- a :class:`Namespace` is one copy of a partner's data: its collections by name, and
  ``transaction()``, the only way an action groups reads and writes that must not interleave with
  another request's.
- a :class:`Collection` is records of one kind keyed by a primary key, with a sorted index per
  sortable or filterable field. ``query`` takes declarative :class:`Filter` s (field, op, value),
  never Python predicates, so a backend can run them where the data is.

``memory`` (the default) keeps everything in the process: a namespace is created in microseconds
because its collections are copy-on-write views of the seeded snapshot until their first write.

How a shared backend maps onto Redis (the ``redis`` backend follows this):

- a record is a hash field: key ``...:{namespace}:{collection}:rec``, field = the primary key's
  sortable encoding, value = the record (marshalled, as the memory store copies records);
  ``get`` is ``HGET``, a page is ``HMGET`` of the keys an index gives;
- each sorted index is a sorted set ``...:{collection}:idx:{field}``. Numbers score by value;
  strings and mixed values use score 0 and a member ``<sortable encoding of the value>\\0<key>``
  so ``ZRANGEBYLEX`` gives ranges and order, exactly as :func:`memory._order` orders values;
- ``next_id`` is ``INCR ...:{collection}:seq``; ``transaction()`` (every write takes one) holds a
  per-namespace lock in Redis, and each write applies its record and index changes in one
  ``MULTI``/``EXEC``, so concurrent writers on several workers never lose an update;
- a namespace is a key prefix; a collection's snapshot keys are copied (``COPY``, in Lua) on its
  first write, as the memory backend does; reset moves to a new key generation and deletes the old;
  a scoped namespace (a tenant's, ``namespace.seed-field``) starts from its part of the snapshot,
  seeded into keys of its own on the first use of that value (values no seeded record holds share
  one part, as in memory);
- a namespace opens on its first use with one Lua call (generations, which collections it wrote,
  its last use for idle dropping, the namespace cap), which also reads the record a ``get`` asks for;
- ``shared`` is one hash ``{prefix}:shared`` (clock offset, seed, secret); the clock offset and seed
  are cached in each process and every write waits until each process has dropped its copy
  (``redis_shared.py``).
"""

from __future__ import annotations

import contextlib
import typing as t
from dataclasses import dataclass

Record = dict[str, t.Any]

FILTER_OPS = ("eq", "gte", "gt", "lte", "lt", "in", "contains", "present")


@dataclass(frozen=True)
class Filter:
    """One condition of a list query, as data: ``field op value``.

    ``eq gte gt lte lt`` compare in the store's total order (nulls first, then booleans, numbers,
    strings); ``in`` takes a list of values; ``contains`` is a case-insensitive substring match
    over ``fields`` (or ``field``); ``present`` keeps records whose field is set (a truthy value:
    1, true) or null (a falsy one: 0, false).
    """

    field: str
    op: str
    value: t.Any
    fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.op not in FILTER_OPS:
            raise ValueError(f"unknown filter op {self.op!r}; known: {', '.join(FILTER_OPS)}")

    @classmethod
    def equal(cls, field: str, value: t.Any) -> "Filter":
        return cls(field, "eq", value)


@t.runtime_checkable
class Collection(t.Protocol):
    name: str
    key: str

    def __len__(self) -> int: ...
    def __contains__(self, pk: t.Any) -> bool: ...
    def get(self, pk: t.Any, copy: bool = True) -> Record | None: ...  # copy=False: to serialize, never to change
    def put(self, record: Record) -> Record: ...
    def remove(self, pk: t.Any) -> Record | None: ...
    def next_id(self) -> int: ...
    def indexed(self, field: str) -> bool: ...
    def records(self) -> t.Iterator[Record]: ...

    def query(self, *, sort: str | None = None, descending: bool = False, where: t.Sequence[Filter] = (),
              offset: int = 0, limit: int | None = None, copy: bool = True,
              keys: t.Iterable[t.Any] | None = None) -> tuple[list[Record], int]: ...


@t.runtime_checkable
class Namespace(t.Protocol):
    name: str
    pending: bool  # true until opened (a shared store opens on first use; the endpoint then opens it)

    def __getitem__(self, collection: str) -> Collection: ...
    def __contains__(self, collection: str) -> bool: ...
    def transaction(self) -> t.ContextManager[None]: ...
    def export(self) -> dict[str, list[Record]]: ...


class Shared(t.Protocol):
    """Small values every worker must agree on."""

    def get(self, name: str, default: t.Any = None) -> t.Any: ...
    def set(self, name: str, value: t.Any) -> None: ...


Seeder = t.Callable[[Namespace], None]


@t.runtime_checkable
class Store(t.Protocol):
    shared: Shared

    def define(self, partner: str, collections: t.Mapping[str, t.Any], seeder: Seeder) -> None:
        """Declare a partner's collections (name -> CollectionSpec) and how its snapshot is seeded."""

    def namespace(self, partner: str, name: str = "default", scope: tuple[str, t.Any] | None = None) -> Namespace:
        """The namespace, created on first use from the partner's seeded snapshot; with a
        ``scope`` (field, value), from the snapshot's records whose field holds that value or
        that lack the field (a tenant's own records)."""

    def namespaces(self, partner: str) -> list[str]: ...

    def reset(self, partner: str | None = None, name: str | None = None, *, reseed: bool = False) -> None:
        """Back to the snapshot: one namespace, every namespace of a partner, or everything;
        ``reseed`` makes the snapshot again (after the seed changed)."""

    def drop(self, partner: str, name: str) -> None: ...


@contextlib.contextmanager
def no_transaction() -> t.Iterator[None]:
    yield


__all__ = ["Collection", "Filter", "FILTER_OPS", "Namespace", "Record", "Seeder", "Shared", "Store", "no_transaction"]
