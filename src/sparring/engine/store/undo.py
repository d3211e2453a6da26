"""An undo log over a namespace: a write that spans several records and collections is kept
or undone as a whole.

A namespace's ``transaction()`` keeps other requests out but does not roll back, so an action
normally checks everything before it writes. A write that creates children once its parent
exists (nested writes) cannot check everything first; it writes through a :class:`UndoLog`
instead, and :meth:`UndoLog.rollback` puts every record it touched back as it was. It uses only
the store protocol (``get``, ``put``, ``remove``), so it works on any backend.
"""

from __future__ import annotations

import typing as t

from sparring.engine.store import Record


class UndoableCollection:
    """A collection whose writes are recorded in the undo log before they happen."""

    def __init__(self, base: t.Any, log: list[tuple[t.Any, t.Any, Record | None]]) -> None:
        self._base = base
        self._log = log

    def __getattr__(self, name: str) -> t.Any:  # reads go straight to the collection
        return getattr(self._base, name)

    def __contains__(self, pk: t.Any) -> bool:
        return pk in self._base

    def __len__(self) -> int:
        return len(self._base)

    def put(self, record: Record) -> Record:
        pk = record[self._base.key]
        self._log.append((self._base, pk, self._base.get(pk)))
        return self._base.put(record)

    def remove(self, pk: t.Any) -> Record | None:
        self._log.append((self._base, pk, self._base.get(pk)))
        return self._base.remove(pk)


class UndoLog:
    """A namespace seen through an undo log (use it as ``call.state`` for the writes to guard)."""

    def __init__(self, namespace: t.Any) -> None:
        self.namespace = namespace
        self._log: list[tuple[t.Any, t.Any, Record | None]] = []
        self._views: dict[str, UndoableCollection] = {}

    def __getitem__(self, name: str) -> UndoableCollection:
        view = self._views.get(name)
        if view is None:
            view = self._views[name] = UndoableCollection(self.namespace[name], self._log)
        return view

    def __contains__(self, name: str) -> bool:
        return name in self.namespace

    def __getattr__(self, name: str) -> t.Any:  # transaction(), export(), name ...
        return getattr(self.namespace, name)

    def rollback(self) -> None:
        """Every record written through the log back as it was, newest write first."""
        while self._log:
            collection, pk, old = self._log.pop()
            if old is None:
                collection.remove(pk)
            else:
                collection.put(old)
