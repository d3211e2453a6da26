"""Request headers read straight from the ASGI scope's raw list, for the layers every request
passes: one scan, nothing decoded that is not asked for, no exception for a header not sent.

Header names arrive lower-cased (ASGI); a repeated header's first value counts, as starlette's
``Headers.get`` has it.
"""

from __future__ import annotations

import typing as t

Raw = t.Iterable[tuple[bytes, bytes]]


def first(headers: Raw, name: bytes) -> bytes | None:
    """The first value of the (lower-case) header ``name``, or None when it was not sent."""
    for key, value in headers:
        if key == name:
            return value
    return None


class RequestHeaders(t.Mapping[str, str]):
    """The request's headers by lower-cased name (the first of a repeated one, as starlette's
    ``Headers.get``): ``get`` scans for the one asked; iterating or indexing decodes all once. A
    missing name costs no exception."""

    __slots__ = ("_raw", "_decoded")

    def __init__(self, raw: t.Sequence[tuple[bytes, bytes]]) -> None:
        self._raw = raw
        self._decoded: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._decoded is None:
            decoded: dict[str, str] = {}
            for name, value in self._raw:
                decoded.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
            self._decoded = decoded
        return self._decoded

    def get(self, key: str, default: t.Any = None) -> t.Any:
        if self._decoded is not None:
            return self._decoded.get(key.lower(), default)
        # one header asked for (most requests ask for one or two): a scan, not a decoded copy of all
        value = first(self._raw, key.lower().encode("latin-1"))
        return default if value is None else value.decode("latin-1")

    def __getitem__(self, key: str) -> str:
        return self._all()[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._all()

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
