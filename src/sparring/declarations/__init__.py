"""The ``x-sparring`` declarations of a spec: one JSON Schema (``schema.json``), checked when a spec
loads, and parsed once into typed, frozen objects that serve, fuzz, credentials and the CLI read.

- :mod:`check`: the schema check of the file as written, with messages naming the JSON path and
  what is allowed there;
- :mod:`registered`: the names code registers (actions, styles, auth kinds) a declaration may use;
- :mod:`model`: the typed declarations and their defaults;
- :mod:`reference`: the README's declaration reference, written from the schema.
"""

from __future__ import annotations

from sparring.declarations.check import DeclarationError, check_document, schema
from sparring.declarations.model import (
    AuthDeclaration,
    BindingDeclaration,
    ClientDeclaration,
    CollectionDeclaration,
    ContractDeclaration,
    EnvelopeDeclaration,
    ErrorsDeclaration,
    ExpansionDeclaration,
    FilterDeclaration,
    LookupDeclaration,
    NamespaceDeclaration,
    NestedDeclaration,
    NullValuesDeclaration,
    OperationDeclaration,
    PagingDeclaration,
    ParentDeclaration,
    PartnerDeclaration,
    SoftDeleteDeclaration,
    SortingDeclaration,
    TimestampsDeclaration,
    UserDeclaration,
    parse_partner,
)
from sparring.declarations.registered import allowed_names


def load(raw: dict, resolved: dict, name: str, source: str) -> PartnerDeclaration:
    """Check the document as written, then parse the declarations of its resolved form.

    Raises :class:`DeclarationError` naming the source, the JSON path and what is allowed there.
    """
    check_document(raw, source)
    return parse_partner(resolved, name, source)


__all__ = [
    "AuthDeclaration", "BindingDeclaration", "ClientDeclaration", "CollectionDeclaration", "ContractDeclaration", "DeclarationError",
    "EnvelopeDeclaration", "ErrorsDeclaration", "ExpansionDeclaration", "FilterDeclaration", "LookupDeclaration",
    "NamespaceDeclaration", "NestedDeclaration", "NullValuesDeclaration", "OperationDeclaration", "PagingDeclaration",
    "ParentDeclaration", "PartnerDeclaration", "SoftDeleteDeclaration", "SortingDeclaration", "TimestampsDeclaration", "UserDeclaration",
    "allowed_names", "check_document", "load", "parse_partner", "schema",
]
