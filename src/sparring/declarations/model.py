"""The typed declarations: what a spec's ``x-sparring`` blocks say, parsed once when it loads.

Every default the engine applies lives here, so a reader learns what an omitted key means in one
place. The dicts parsed have passed ``schema.json`` (see :mod:`check`); parsing then checks what a
schema cannot: registered names (actions, styles, auth kinds) and names that must point at
something in the same spec (collections, schemas, references).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from types import MappingProxyType

from sparring.declarations.check import DeclarationError, json_path
from sparring.declarations.registered import allowed_names

# the operations of a Path Item, in the order the OpenAPI specification lists them
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
EMPTY: t.Mapping[str, t.Any] = MappingProxyType({})


def _frozen(mapping: t.Mapping | None) -> t.Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class ErrorsDeclaration:
    style: str = "problem-details"
    no_body: frozenset[int] = frozenset()
    media_type: str | None = None  # None: the style's own
    http_status: int | None = None  # None: each error's own status
    max_message: int | None = None  # None: messages as long as they come (status-zero cuts them)


@dataclass(frozen=True)
class ClientDeclaration:
    client_id: str
    client_secret: str = ""
    token: str | None = None  # a fixed token, for schemes without a token endpoint
    permissions: frozenset[str] = frozenset()
    scopes: tuple[str, ...] = ()
    credentials: t.Mapping[str, str] = field(default_factory=lambda: EMPTY)  # apiKey values by scheme or parameter name
    description: str = ""
    bindings: t.Mapping[str, t.Any] = field(default_factory=lambda: EMPTY)  # tenant, customer, account ...
    scheme: str | None = None  # the securitySchemes entry the credential stands for, where several take one kind


@dataclass(frozen=True)
class UserDeclaration:
    """A demo user who logs in (``auth.users``): the keys a login issues carry these."""

    username: str
    password: str
    permissions: frozenset[str] = frozenset()
    bindings: t.Mapping[str, t.Any] = field(default_factory=lambda: EMPTY)
    description: str = ""


@dataclass(frozen=True)
class AuthDeclaration:
    kind: str = "none"
    token_path: str | None = None
    token_lifetime: int = 3600
    clients: tuple[ClientDeclaration, ...] = ()
    users: tuple[UserDeclaration, ...] = ()
    bound_keys: t.Mapping[str, str] = field(default_factory=lambda: EMPTY)  # apiKey parameter -> binding name
    roles: t.Mapping[str, str] = field(default_factory=lambda: EMPTY)  # role permission -> its 403 message

    @property
    def demo_client(self) -> ClientDeclaration | None:
        """The first client: what sparring fuzz uses when given no credentials."""
        return self.clients[0] if self.clients else None

    def describe(self) -> dict:
        """The demo credentials, as ``sparring credentials`` and ``serve`` print them."""
        return {
            "kind": self.kind,
            "token_path": self.token_path,
            "clients": [
                {
                    "client_id": c.client_id,
                    **({"client_secret": c.client_secret} if c.client_secret else {}),
                    **({"token": c.token} if c.token else {}),
                    "permissions": sorted(c.permissions),
                    **({"scopes": list(c.scopes)} if c.scopes else {}),
                    **({"bindings": dict(c.bindings)} if c.bindings else {}),
                    **({"scheme": c.scheme} if c.scheme else {}),
                    "description": c.description,
                }
                for c in self.clients
            ],
            **({"users": [{"username": u.username, "password": u.password, "permissions": sorted(u.permissions),
                           **({"bindings": dict(u.bindings)} if u.bindings else {}), "description": u.description}
                          for u in self.users]} if self.users else {}),
        }


@dataclass(frozen=True)
class BindingDeclaration:
    """A parameter that must equal one of the caller's bindings (``bind``)."""

    param: str
    binding: str
    status: int = 404


@dataclass(frozen=True)
class ContractDeclaration:
    rule_refusals: tuple[int, ...] = ()


@dataclass(frozen=True)
class NamespaceDeclaration:
    by: str = "partner"  # partner | header | path-param | caller
    name: str | None = None
    seed_field: str | None = None  # a keyed namespace starts from the seeded records with this field = its key


@dataclass(frozen=True)
class EnvelopeDeclaration:
    style: str
    options: t.Mapping[str, t.Any] = field(default_factory=lambda: EMPTY)  # the style's own options


@dataclass(frozen=True)
class TimestampsDeclaration:
    created: str | None = None
    modified: str | None = None
    style: str = "utc-seconds"


@dataclass(frozen=True)
class SoftDeleteDeclaration:
    field: str
    deleted_value: t.Any


@dataclass(frozen=True)
class ExpansionDeclaration:
    """``{from: F}`` (the record reference F points at) or ``{collection: C, where: F}``."""

    from_field: str | None = None
    collection: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class NestedDeclaration:
    key: str = "id"
    server_owned: t.Mapping[str, t.Any] = field(default_factory=lambda: EMPTY)
    parent_field: str | None = None


@dataclass(frozen=True)
class MatchDeclaration:
    field: str  # the entry's field
    to: str  # the child's field it is compared with
    scope: str | None = None  # parent: only among this parent's children


@dataclass(frozen=True)
class NestedWriteDeclaration:
    collection: str
    link: str  # the child's field holding the parent's key
    match: tuple[MatchDeclaration, ...] = ()
    before_save: str | None = None


@dataclass(frozen=True)
class CollectionDeclaration:
    name: str
    key: str = "id"
    generate: str = "integer"  # integer | numeric-string | uuid | client
    schema: str | None = None
    timestamps: TimestampsDeclaration = TimestampsDeclaration()
    soft_delete: SoftDeleteDeclaration | None = None
    server_owned: t.Mapping[str, t.Any] = field(default_factory=lambda: EMPTY)
    unique: tuple[str, ...] = ()
    sortable: tuple[str, ...] = ()
    default_sort: str | None = None  # None: the key (see ``sort_field``)
    indexed: tuple[str, ...] = ()
    immutable: tuple[str, ...] = ()
    references: t.Mapping[str, str] = field(default_factory=lambda: EMPTY)
    project: bool = False
    expand: t.Mapping[str, ExpansionDeclaration] = field(default_factory=lambda: EMPTY)
    embed: t.Mapping[str, ExpansionDeclaration] = field(default_factory=lambda: EMPTY)  # always shown; collection + where
    nested: t.Mapping[str, NestedDeclaration] = field(default_factory=lambda: EMPTY)
    nested_writes: t.Mapping[str, NestedWriteDeclaration] = field(default_factory=lambda: EMPTY)

    @property
    def sort_field(self) -> str:
        return self.default_sort or self.key


@dataclass(frozen=True)
class PagingDeclaration:
    style: str = "bare-array"
    page: str = "page"
    size: str = "pageSize"
    default_size: int | None = None  # None: the style's own (25; laravel 10)
    max_size: int | None = None
    first_page: int | None = None  # None: the style's own (1)
    headers: t.Mapping[str, str] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class SortingDeclaration:
    field: str | None = None
    direction: str | None = None
    style: str | None = None  # minus-prefix


@dataclass(frozen=True)
class FilterDeclaration:
    param: str
    field: str
    op: str = "eq"  # eq gte gt lte lt in contains
    min_param: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParentDeclaration:
    param: str
    collection: str
    field: str


@dataclass(frozen=True)
class LookupDeclaration:
    param: str
    field: str


@dataclass(frozen=True)
class NullValuesDeclaration:
    param: str | None = None  # None: nulls always ignored


@dataclass(frozen=True)
class OperationDeclaration:
    operation_id: str
    method: str
    path: str
    action: str
    collection: str | None = None
    permissions: tuple[str, ...] = ()  # all required; the 403 names the first one missing
    rule: str | None = None
    before_save: str | None = None
    id_param: str | None = None  # None: the last path parameter
    paging: PagingDeclaration | None = None  # None: a list answers a bare array
    sorting: SortingDeclaration = SortingDeclaration()
    filters: tuple[FilterDeclaration, ...] = ()
    ids: str | None = None
    expand_param: str | None = None  # expand: PARAM
    expand_body: str | None = None  # expand: {body: FIELD}
    parent: ParentDeclaration | None = None
    lookup: LookupDeclaration | None = None
    null_values: NullValuesDeclaration | None = None
    envelope: EnvelopeDeclaration | None = None
    credential_body: str | None = None  # credential: {body: FIELD}: the token travels in the JSON body


@dataclass(frozen=True)
class PartnerDeclaration:
    """Everything a partner's spec declares to sparring, top level and per operation."""

    name: str
    prefix: str
    errors: ErrorsDeclaration = ErrorsDeclaration()
    rules: str | None = None
    auth: AuthDeclaration = AuthDeclaration()
    collections: t.Mapping[str, CollectionDeclaration] = field(default_factory=lambda: EMPTY)
    contract: ContractDeclaration = ContractDeclaration()
    namespace: NamespaceDeclaration = NamespaceDeclaration()
    envelope: EnvelopeDeclaration | None = None
    bind: tuple[BindingDeclaration, ...] = ()
    case_insensitive_paths: bool = False  # routing: {case-insensitive: true}
    operations: t.Mapping[str, OperationDeclaration] = field(default_factory=lambda: EMPTY)  # by operationId, declared ones only

    @property
    def servable(self) -> bool:
        """False for a spec no operation of which declares an action yet (spec only)."""
        return bool(self.operations)


# -- parsing ----------------------------------------------------------------------------------


@dataclass
class _Parse:
    """One spec's parse: collects every problem, so a spec with three mistakes reports three."""

    spec: dict
    problems: list[tuple[str, str]] = field(default_factory=list)

    def registered(self, kind: str, value: str | None, path: list, what: str) -> None:
        names = allowed_names(kind)
        if value is not None and value not in names:
            self.problems.append((json_path(path), f"unknown {what} {value!r}; registered: {', '.join(names) or 'none yet'}"))

    def declared(self, value: str | None, known: t.Iterable[str], path: list, what: str) -> None:
        known = list(known)
        if value is not None and value not in known:
            self.problems.append((json_path(path), f"{what} {value!r} is not declared; declared: {', '.join(known) or 'none'}"))


def parse_partner(spec: dict, name: str, source: str) -> PartnerDeclaration:
    """The declarations of a spec whose blocks passed the schema; raises :class:`DeclarationError`."""
    p = _Parse(spec)
    top = spec.get("x-sparring") or {}
    base = ["x-sparring"]
    collections = {n: _collection(p, n, d, [*base, "collections", n]) for n, d in (top.get("collections") or {}).items()}
    for cname, coll in collections.items():
        cpath = [*base, "collections", cname]
        for fname, target in coll.references.items():
            p.declared(target, collections, [*cpath, "references", fname], "collection")
        for child, e in coll.expand.items():
            if e.from_field is not None and e.from_field not in coll.references:
                p.problems.append((json_path([*cpath, "expand", child, "from"]),
                                   f"{e.from_field!r} is not a field of references; declared: {', '.join(coll.references) or 'none'}"))
            p.declared(e.collection, collections, [*cpath, "expand", child, "collection"], "collection")
        for f, w in coll.nested_writes.items():
            p.declared(w.collection, collections, [*cpath, "nested-writes", f, "collection"], "collection")
        for child, e in coll.embed.items():
            p.declared(e.collection, collections, [*cpath, "embed", child, "collection"], "collection")
    operations: dict[str, OperationDeclaration] = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict) and op.get("x-sparring"):
                decl = _operation(p, op, method, path, collections)
                operations[decl.operation_id] = decl
    declaration = PartnerDeclaration(
        name=name,
        prefix=str(top.get("prefix", f"/{name}")).rstrip("/"),
        errors=_errors(p, top.get("errors"), [*base, "errors"]),
        rules=top.get("rules"),
        auth=_auth(p, top.get("auth") or {}, [*base, "auth"]),
        collections=MappingProxyType(collections),
        contract=ContractDeclaration(tuple((top.get("contract") or {}).get("rule-refusals") or ())),
        namespace=NamespaceDeclaration(**{k.replace("-", "_"): v for k, v in (top.get("namespace") or {}).items()}),
        envelope=_envelope(p, top.get("envelope"), [*base, "envelope"]),
        case_insensitive_paths=bool((top.get("routing") or {}).get("case-insensitive", False)),
        bind=tuple(BindingDeclaration(b["param"], b["binding"], int(b.get("status", 404))) for b in top.get("bind") or ()),
        operations=MappingProxyType(operations),
    )
    if p.problems:
        raise DeclarationError(source, p.problems)
    return declaration


def _errors(p: _Parse, raw: t.Any, path: list) -> ErrorsDeclaration:
    if raw is None:
        return ErrorsDeclaration()
    if isinstance(raw, str):
        p.registered("errors", raw, path, "error style")
        return ErrorsDeclaration(raw)
    p.registered("errors", raw["style"], [*path, "style"], "error style")
    return ErrorsDeclaration(raw["style"], frozenset(raw.get("no-body") or ()), raw.get("media-type"),
                             raw.get("http-status"), raw.get("max-message"))


def _auth(p: _Parse, raw: dict, path: list) -> AuthDeclaration:
    kind = raw.get("kind", "none")
    p.registered("auth", kind, [*path, "kind"], "auth kind")
    clients = tuple(
        ClientDeclaration(
            client_id=str(c["client_id"]),
            client_secret=str(c.get("client_secret", "")),
            token=c.get("token"),
            permissions=frozenset(str(x) for x in c.get("permissions") or ()),
            scopes=tuple(c.get("scopes") or ()),
            credentials=_frozen(c.get("credentials")),
            description=c.get("description", ""),
            bindings=_frozen(c.get("bindings")),
            scheme=c.get("scheme"),
        )
        for c in raw.get("clients") or ()
    )
    users = tuple(
        UserDeclaration(str(u["username"]), str(u["password"]), frozenset(str(x) for x in u.get("permissions") or ()),
                        _frozen(u.get("bindings")), u.get("description", ""))
        for u in raw.get("users") or ()
    )
    return AuthDeclaration(kind, raw.get("token-path"), int(raw.get("token-lifetime", 3600)), clients, users,
                           _frozen(raw.get("bound-keys")), _frozen(raw.get("roles")))


def _envelope(p: _Parse, raw: dict | None, path: list) -> EnvelopeDeclaration | None:
    if raw is None:
        return None
    p.registered("envelope", raw["style"], [*path, "style"], "envelope style")
    return EnvelopeDeclaration(raw["style"], _frozen({k: v for k, v in raw.items() if k != "style"}))


def _collection(p: _Parse, name: str, raw: dict, path: list) -> CollectionDeclaration:
    schemas = (p.spec.get("components") or {}).get("schemas") or {}
    if raw.get("schema") is not None:
        p.declared(raw["schema"], schemas, [*path, "schema"], "schema")
    ts = raw.get("timestamps") or {}
    timestamps = TimestampsDeclaration(ts.get("created"), ts.get("modified"), ts.get("style", "utc-seconds"))
    p.registered("timestamps", timestamps.style, [*path, "timestamps", "style"], "timestamp style")
    soft = raw.get("soft-delete")
    expand = {
        child: ExpansionDeclaration(e.get("from"), e.get("collection"), e.get("where"))
        for child, e in (raw.get("expand") or {}).items()
    }
    nested = {
        f: NestedDeclaration(n.get("key", "id"), _frozen(n.get("server-owned")), n.get("parent-field"))
        for f, n in (raw.get("nested") or {}).items()
    }
    return CollectionDeclaration(
        name=name,
        key=raw.get("key", "id"),
        generate=raw.get("generate", "integer"),
        schema=raw.get("schema"),
        timestamps=timestamps,
        soft_delete=SoftDeleteDeclaration(soft["field"], soft["deleted-value"]) if soft else None,
        server_owned=_frozen(raw.get("server-owned")),
        unique=tuple(raw.get("unique") or ()),
        sortable=tuple(raw.get("sortable") or ()),
        default_sort=raw.get("default-sort"),
        indexed=tuple(raw.get("indexed") or ()),
        immutable=tuple(raw.get("immutable") or ()),
        references=_frozen(raw.get("references")),
        project=bool(raw.get("project", False)),
        expand=MappingProxyType(expand),
        embed=MappingProxyType({child: ExpansionDeclaration(None, e["collection"], e["where"])
                                for child, e in (raw.get("embed") or {}).items()}),
        nested=MappingProxyType(nested),
        nested_writes=MappingProxyType({
            f: NestedWriteDeclaration(w["collection"], w["link"],
                                      tuple(MatchDeclaration(m["field"], m.get("to", m["field"]), m.get("scope"))
                                            for m in w.get("match") or ()),
                                      w.get("before-save"))
            for f, w in (raw.get("nested-writes") or {}).items()}),
    )


def _operation(p: _Parse, op: dict, method: str, path: str, collections: dict) -> OperationDeclaration:
    raw = op["x-sparring"]
    where = ["paths", path, method, "x-sparring"]
    p.registered("action", raw["action"], [*where, "action"], "action")
    p.declared(raw.get("collection"), collections, [*where, "collection"], "collection")
    paging = None
    if raw.get("paging") is not None:
        pg = raw["paging"]
        p.registered("paging", pg["style"], [*where, "paging", "style"], "paging style")
        paging = PagingDeclaration(pg["style"], pg.get("page", "page"), pg.get("size", "pageSize"), pg.get("default-size"),
                                   pg.get("max-size"), pg.get("first-page"), _frozen(pg.get("headers")))
    sorting = raw.get("sorting") or {}
    parent = ParentDeclaration(**raw["parent"]) if raw.get("parent") else None
    if parent is not None:
        p.declared(parent.collection, collections, [*where, "parent", "collection"], "collection")
    expand = raw.get("expand")
    null_values = raw.get("null-values")
    permission = raw.get("permission")
    permissions = () if permission is None else tuple(map(str, permission if isinstance(permission, list) else [permission]))
    return OperationDeclaration(
        operation_id=str(op.get("operationId") or f"{method.upper()} {path}"),
        method=method,
        path=path,
        action=raw["action"],
        collection=raw.get("collection"),
        permissions=permissions,
        rule=raw.get("rule"),
        before_save=raw.get("before-save"),
        id_param=raw.get("id-param"),
        paging=paging,
        sorting=SortingDeclaration(sorting.get("field"), sorting.get("direction"), sorting.get("style")),
        filters=tuple(
            FilterDeclaration(f["param"], f.get("field", f["param"]), f.get("op", "eq"), f.get("min-param"),
                              tuple(f.get("fields") or ()))
            for f in raw.get("filters") or ()
        ),
        ids=raw.get("ids"),
        expand_param=expand if isinstance(expand, str) else None,
        expand_body=expand.get("body") if isinstance(expand, dict) else None,
        parent=parent,
        lookup=LookupDeclaration(**raw["lookup"]) if raw.get("lookup") else None,
        null_values=None if null_values is None else NullValuesDeclaration(null_values.get("param")),
        envelope=_envelope(p, raw.get("envelope"), [*where, "envelope"]),
        credential_body=(raw.get("credential") or {}).get("body"),
    )
