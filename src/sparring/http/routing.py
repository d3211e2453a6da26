"""connexion's routing, with the routes a path could match found by an index instead of a scan.

connexion routes with a starlette ``Router``: a ``Mount`` per API, then each ``Route`` of that API
tried in order, one regular expression each, until one matches; for Yodify's 84 operations that
is dozens of failed matches per request. Here the routes are indexed once by method, number of
path segments and first segment, and only the routes an incoming path could match are tried, in
the router's order, each with its own expression and convertors. The first full match is the
route starlette's router takes (a full match anywhere wins over a partial one), and the operation
is attached to the scope as connexion's ``RoutingOperation`` attaches it.

Anything the index does not answer goes through connexion's router unchanged: no route matches
in full (a 404, a 405 with its ``Allow``, a trailing slash to redirect), a ``root_path`` is set,
or an API has a route whose parameter could span segments. What a (method, path) routes to depends
only on the routes built at start-up, so the last thousand or so are remembered.

Behind the router, each of connexion's routed layers (security, request validation) looks the
operation up again by base path and operation id, and so does the engine. Once the stack is
built, :meth:`IndexedRouting.link` chains each operation's layers to the next layer's operation
for the same id, and the last to the engine's endpoint: the same objects in the same order, with
the lookups made once.
"""

from __future__ import annotations

import typing as t

import starlette.convertors
from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedMiddleware
from connexion.middleware.routing import RoutingMiddleware
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

# Convertors whose values never contain "/": a path matched by a route has its segment count.
# (connexion's integer and float convertors subclass starlette's.)
_ONE_SEGMENT = (starlette.convertors.StringConvertor, starlette.convertors.IntegerConvertor,
                starlette.convertors.FloatConvertor, starlette.convertors.UUIDConvertor)


class _Api:
    """One mounted API: its routes by (method, segment count, first segment), in router order."""

    __slots__ = ("mount", "under", "literal", "wild", "plain")

    def __init__(self, mount: Mount, routes: list[Route]) -> None:
        self.mount = mount
        self.under = mount.path + "/"  # the mount's expression, ^base/(?P<path>.*)$, on a path with no newline
        self.plain = {id(route) for route in routes if all(type(c) is starlette.convertors.StringConvertor
                                                        for c in route.param_convertors.values())}
        by_shape: dict[tuple[str, int], list[tuple[int, str | None, Route]]] = {}
        for order, route in enumerate(routes):
            segments = route.path.split("/")[1:]
            first = None if "{" in segments[0] else segments[0]
            for method in route.methods or ():
                by_shape.setdefault((method, len(segments)), []).append((order, first, route))
        # a path whose first segment is known meets the routes spelling it and those starting with
        # a parameter; any other path meets only the latter
        self.literal: dict[tuple[str, int, str], tuple[Route, ...]] = {}
        self.wild: dict[tuple[str, int], tuple[Route, ...]] = {}
        for (method, count), entries in by_shape.items():
            self.wild[(method, count)] = tuple(route for _, first, route in entries if first is None)
            for name in {first for _, first, _ in entries if first is not None}:
                self.literal[(method, count, name)] = tuple(
                    route for _, first, route in entries if first is None or first == name)

    def candidates(self, method: str, remaining: str) -> tuple[Route, ...]:
        count = remaining.count("/")
        first = remaining[1:].split("/", 1)[0]
        found = self.literal.get((method, count, first))
        return found if found is not None else self.wild.get((method, count), ())


def _indexable(routes: t.Iterable[t.Any]) -> bool:
    return all(isinstance(route, Route) and all(isinstance(c, _ONE_SEGMENT) for c in route.param_convertors.values())
               for route in routes)


class _Routed(t.NamedTuple):
    base_path: str
    operation_id: str
    app: t.Any  # the operation's first routed layer
    params: dict[str, t.Any]  # read only: copied into each request's path_params


_UNKNOWN = object()
_REMEMBERED = 1024  # (method, path) pairs whose routing is kept: it is a function of the built routes only
_REMEMBERED_PATH = 256  # characters; a longer path is routed each time


class IndexedRouting(RoutingMiddleware):
    """connexion's ``RoutingMiddleware`` that looks the route up in an index first."""

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self._routed: dict[tuple[str, str], _Routed | None] = {}
        self._apis: dict[str, tuple[_Api | None, ...]] = {}  # first segment of a base path -> APIs in order
        self._heads: dict[tuple[str, str], t.Any] = {}  # (base path, operation id) -> its first routed layer

    def link(self) -> None:
        """Chain every operation's routed layers directly (call once the middleware stack is built)."""
        layers = []
        layer = self.app
        while isinstance(layer, RoutedMiddleware):
            layers.append(layer)
            layer = layer.app
        endpoints = getattr(layer, "endpoints", {})  # the engine's, by (base path, operation id)

        def operation_in(depth: int, base: str, operation_id: str) -> t.Any:
            """What the layer at ``depth`` calls for this operation: as RoutedMiddleware looks it up,
            the first API under the base path that has it; past the last layer, the endpoint."""
            if depth == len(layers):
                return endpoints.get((base, operation_id))
            for api in layers[depth].apis.get(base, ()):
                if operation_id in api.operations:
                    return api.operations[operation_id]
            return None

        for depth, routed in enumerate(layers):
            for base, apis in routed.apis.items():
                for api in apis:
                    for operation_id, operation in api.operations.items():
                        following = operation_in(depth + 1, base, operation_id)
                        if following is not None and getattr(operation, "next_app", None) is routed.app:
                            operation.next_app = following
        self._routed.clear()
        if layers:
            self._heads = {(base, operation_id): operation_in(0, base, operation_id)
                           for base, apis in layers[0].apis.items() for api in apis for operation_id in api.operations}

    def add_api(self, specification: t.Any, base_path: str | None = None, arguments: t.Any = None,
                **kwargs: t.Any) -> None:
        super().add_api(specification, base_path=base_path, arguments=arguments, **kwargs)
        self._index()

    def _index(self) -> None:
        apis: dict[str, list[_Api | None]] = {}
        for mount in self.router.routes:
            if not isinstance(mount, Mount) or not mount.path or set(mount.param_convertors) != {"path"}:
                # a root mount, or one with parameters in its base path, may take any path: leave
                # every path to connexion's router
                self._apis = {}
                return
            first = mount.path.split("/")[1]
            routes = list(getattr(mount.app, "routes", ()))
            # an API the index cannot place still takes the paths under it (None: not indexed)
            apis.setdefault(first, []).append(_Api(mount, routes) if _indexable(routes) else None)
        self._apis = {first: tuple(found) for first, found in apis.items()}
        self._routed.clear()

    def _route(self, method: str, path: str) -> _Routed | None:
        """The operation a path routes to, or None: ask the router."""
        apis = self._apis.get(path[1:].split("/", 1)[0])
        if apis is None or "\n" in path:
            return None
        for api in apis:
            if api is None:
                return None
            if not path.startswith(api.under):
                continue
            remaining = path[len(api.under) - 1:]
            for route in api.candidates(method, remaining):
                found = route.path_regex.match(remaining)
                if found is not None:
                    params = found.groupdict()
                    if id(route) not in api.plain:  # a string convertor gives the value as matched
                        convertors = route.param_convertors
                        params = {name: convertors[name].convert(value) for name, value in params.items()}
                    base_path, operation_id = api.mount.path, route.endpoint.operation_id
                    head = self._heads.get((base_path, operation_id))
                    return _Routed(base_path, operation_id, head if head is not None else route.endpoint.next_app,
                                   params)
            return None  # the first mount matching takes the path, as in the router
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed = None
        if scope["type"] == "http" and not scope.get("root_path") and "route_root_path" not in scope:
            key = (scope["method"], scope["path"])
            routed = self._routed.get(key, _UNKNOWN)
            if routed is _UNKNOWN:
                routed = self._route(*key)
                if len(key[1]) <= _REMEMBERED_PATH:
                    if len(self._routed) >= _REMEMBERED:
                        self._routed.clear()
                    self._routed[key] = routed
        if routed is None:
            return await super().__call__(scope, receive, send)
        # as RoutingOperation does: the next layer gets a copy of the scope as it came in, with
        # the path parameters and the routing extension added
        scope = scope.copy()
        scope.setdefault("path_params", {}).update(routed.params)
        extensions = scope.setdefault("extensions", {})
        extensions.setdefault(ROUTING_CONTEXT, {}).update(
            {"api_base_path": routed.base_path, "operation_id": routed.operation_id})
        await routed.app(scope, receive, send)
