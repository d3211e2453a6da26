"""connexion's API build, minus its repeated walks and deep copies of specs already resolved.

For each API, ``connexion.spec.Specification.from_dict`` rebuilds the spec to make its keys
strings, deep-copies it with :func:`copy.deepcopy`, then walks and copies it again to resolve
``$ref`` s. The catalog has resolved every ``$ref`` (prance) and made every key a string already,
so the walks find nothing; on Yodify they cost most of a second per start. While the APIs are
added, they become one C-speed copy each (marshal), which keeps what the copies are for:
connexion's later changes to its copies never reach the partner's spec.
"""

from __future__ import annotations

import contextlib
import copy
import marshal
import typing as t

import connexion.spec
from connexion.spec import OpenAPISpecification, Specification, Swagger2Specification


def clone(value: t.Any) -> t.Any:
    """A deep copy of JSON-like data; anything marshal cannot copy goes through deepcopy."""
    try:
        return marshal.loads(marshal.dumps(value))
    except (ValueError, TypeError):
        return copy.deepcopy(value)


class _Copy:
    """Stands in for the ``copy`` module inside ``connexion.spec``."""

    deepcopy = staticmethod(clone)
    copy = staticmethod(copy.copy)


def _resolved(spec: t.Any, store: t.Any = None, base_uri: str = "") -> t.Any:
    return spec  # from_dict below hands each Specification a copy of its own


def _from_dict(cls: type, spec: dict, *, base_uri: str = "") -> Specification:
    spec = clone(spec)
    version = cls._get_spec_version(spec)
    kind = Swagger2Specification if version < (3, 0, 0) else OpenAPISpecification
    return kind(spec, base_uri=base_uri)


@contextlib.contextmanager
def resolved_specs() -> t.Iterator[None]:
    """Within: connexion takes the specs as resolved, string-keyed documents and copies each once."""
    saved = connexion.spec.copy, connexion.spec.resolve_refs, Specification.__dict__["from_dict"]
    connexion.spec.copy, connexion.spec.resolve_refs = _Copy, _resolved
    Specification.from_dict = classmethod(_from_dict)
    try:
        yield
    finally:
        connexion.spec.copy, connexion.spec.resolve_refs = saved[:2]
        Specification.from_dict = saved[2]
