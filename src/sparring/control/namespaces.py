"""``/__sparring/namespaces``: which namespaces exist, how full they are, and dropping them.

A namespace is created by the first request that names it (``X-Sparring-Namespace``); the store's
caps (``--max-namespaces``, ``--max-records``) bound memory, and idle ones can be dropped here.
"""

from __future__ import annotations

import typing as t

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sparring.background import Periodic
from sparring.control.common import PREFIX, ControlError, guarded, json_object, known_partner, namespace_name


def describe(runtime: t.Any) -> dict:
    store = runtime.store
    partners = {}
    for name in runtime.served:
        rows = []
        for ns_name in store.namespaces(name):
            space = store.existing(name, ns_name)
            if space is None:
                continue
            rows.append({"name": ns_name, "records": space.count(), "written_collections": space.materialized(),
                         "idle_seconds": round(space.idle_seconds(), 3)})
        partners[name] = rows
    return {"max_namespaces": getattr(store, "max_namespaces", None), "max_records": getattr(store, "max_records", None),
            "count": sum(len(rows) for rows in partners.values()), "partners": partners}


def routes(control: t.Any) -> list:
    async def listing(request: Request) -> JSONResponse:
        return JSONResponse(describe(control.runtime))

    async def drop(request: Request) -> JSONResponse:
        name = namespace_name(request.path_params["name"], field="name")
        partner = known_partner(control.runtime, request.query_params.get("partner"))
        dropped = []
        for p in [partner] if partner else list(control.runtime.served):
            if control.runtime.store.existing(p, name) is not None:
                control.runtime.store.drop(p, name)
                dropped.append({"partner": p, "namespace": name})
        if not dropped:
            raise ControlError(404, f"No namespace {name!r}{' of ' + partner if partner else ''} exists.")
        return JSONResponse({"dropped": dropped})

    async def drop_idle(request: Request) -> JSONResponse:
        payload = await json_object(request, "dropIdleNamespaces", required=True)
        idle = payload.get("idle_seconds")
        if not isinstance(idle, (int, float)) or isinstance(idle, bool) or idle < 0:
            raise ControlError(400, "idle_seconds must be a number of seconds, 0 or more.")
        dropped = control.runtime.store.drop_idle(idle)
        return JSONResponse({"dropped": [{"partner": p, "namespace": n} for p, n in dropped]})

    return [
        Route(f"{PREFIX}/namespaces", guarded(listing), methods=["GET"]),
        Route(f"{PREFIX}/namespaces/drop-idle", guarded(drop_idle), methods=["POST"]),
        Route(f"{PREFIX}/namespaces/{{name}}", guarded(drop), methods=["DELETE"]),
    ]


class IdleSweeper(Periodic):
    """``sparring serve --drop-idle-after SECONDS``: a thread that drops, now and then, every
    namespace no request used for that long (its next request starts from seeded data again)."""

    name = "sparring-idle-sweeper"

    def __init__(self, store_of: t.Callable[[], t.Any], idle_seconds: float,
                 say: t.Callable[[str], None] = lambda line: None) -> None:
        self.store_of = store_of
        self.idle_seconds = idle_seconds
        self.say = say
        self.interval = max(0.5, min(60.0, idle_seconds / 2))
        super().__init__()

    def tick(self) -> None:
        dropped = self.store_of().drop_idle(self.idle_seconds)
        if dropped:
            self.say(f"sparring: dropped {len(dropped)} idle namespace(s): "
                     + ", ".join(f"{p}/{n}" for p, n in dropped))
