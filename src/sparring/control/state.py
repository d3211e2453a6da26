"""A partner's state as JSON: export, import (validated whole, applied whole), and the state file
``sparring serve --state FILE`` loads at start and writes atomically on shutdown and on demand.

The document::

    {"sparring_state": 1, "seed": 0, "partners": {"<partner>": {"namespaces": {"<name>": {
        "collections": {"<collection>": [records]}, "sequences": {"<collection>": next id}}}}}}

An import replaces the namespaces it names (all their collections: a collection it leaves out is
the seeded one) and leaves the others alone. Every record is checked against the schema its
collection declares, its key must be there and unique; the first problems are reported and nothing
is applied. Bytes (uploaded files) travel as ``{"$bytes": "<base64>"}``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import re
import tempfile
import typing as t
from pathlib import Path

import jsonschema_rs

from sparring.control.common import NAMESPACE_NAME, ControlError
from sparring.http.validation import to_json_schema

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

FORMAT = "sparring_state"
VERSION = 1
MAX_PROBLEMS = 20


class StateFileError(Exception):
    """A state file that cannot be loaded: unreadable, not JSON, another format, or invalid data."""


def export(runtime: "Runtime", partner: str | None = None, namespace: str | None = None) -> dict:
    """Every namespace a request has used (or the one named), of every partner (or one)."""
    partners = {}
    for name in runtime.served:
        if partner is not None and name != partner:
            continue
        names = [namespace] if namespace is not None else runtime.store.namespaces(name)
        spaces = {}
        for ns_name in names:
            space = runtime.store.existing(name, ns_name)
            if space is None:
                continue
            with space.transaction():
                spaces[ns_name] = {"collections": {c: [_to_json(r) for r in records]
                                                   for c, records in space.export().items()},
                                   "sequences": space.sequences()}
        partners[name] = {"namespaces": spaces}
    return {FORMAT: VERSION, "seed": runtime.seed,
            "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "partners": partners}


def check(runtime: "Runtime", document: t.Any) -> dict[str, dict[str, tuple[dict, dict]]]:
    """The document as ``{partner: {namespace: (collections, sequences)}}``, or :class:`ControlError`
    (422) listing what is wrong. Nothing is changed."""
    problems: list[str] = []
    if not isinstance(document, dict) or document.get(FORMAT) != VERSION:
        raise ControlError(422, f"Not a sparring state document: expected {{\"{FORMAT}\": {VERSION}, ...}}.")
    partners = document.get("partners")
    if not isinstance(partners, dict):
        raise ControlError(422, "partners must be an object of partner name to its namespaces.")
    plan: dict[str, dict[str, tuple[dict, dict]]] = {}
    for pname, pdoc in partners.items():
        served = runtime.served.get(pname)
        if served is None:
            problems.append(f"partners.{pname}: this sparring does not serve {pname!r} "
                            f"(serves {', '.join(sorted(runtime.served))})")
            continue
        spaces = pdoc.get("namespaces") if isinstance(pdoc, dict) else None
        if not isinstance(spaces, dict):
            problems.append(f"partners.{pname}.namespaces must be an object")
            continue
        plan[pname] = {}
        collections = served.env.collections
        for ns_name, ns_doc in spaces.items():
            where = f"partners.{pname}.namespaces.{ns_name}"
            if not NAMESPACE_NAME.match(ns_name):
                problems.append(f"{where}: not a valid namespace name")
                continue
            records = ns_doc.get("collections") if isinstance(ns_doc, dict) else None
            sequences = ns_doc.get("sequences", {}) if isinstance(ns_doc, dict) else None
            if not isinstance(records, dict) or not isinstance(sequences, dict):
                problems.append(f"{where}: wants {{\"collections\": {{...}}, \"sequences\": {{...}}}}")
                continue
            decoded = {}
            for cname, rows in records.items():
                spec = collections.get(cname)
                if spec is None:
                    problems.append(f"{where}.collections.{cname}: {pname} has no collection {cname!r} "
                                    f"(has {', '.join(sorted(collections))})")
                    continue
                if not isinstance(rows, list):
                    problems.append(f"{where}.collections.{cname} must be a list of records")
                    continue
                problems += _check_records(f"{where}.collections.{cname}", rows, spec, _validator(runtime, pname, cname))
                decoded[cname] = [_from_json(r) for r in rows if isinstance(r, dict)]
            for cname, value in sequences.items():
                if cname not in collections or not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    problems.append(f"{where}.sequences.{cname}: wants a known collection and an integer from 1")
            plan[pname][ns_name] = (decoded, {c: v for c, v in sequences.items() if c in collections})
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise ControlError(422, f"The state was refused, nothing was changed: {len(problems[:MAX_PROBLEMS])} "
                                f"problem(s){' (first ' + str(MAX_PROBLEMS) + ')' if len(problems) >= MAX_PROBLEMS else ''}.",
                           problems[:MAX_PROBLEMS])
    return plan


def apply(runtime: "Runtime", document: t.Any) -> dict[str, list[str]]:
    """Check the document, then replace the namespaces it names; returns them per partner."""
    plan = check(runtime, document)
    store = runtime.store
    new = sum(1 for p, spaces in plan.items() for n in spaces if store.existing(p, n) is None)
    limit = getattr(store, "max_namespaces", None)
    if limit is not None and new and sum(len(store.namespaces(p)) for p in runtime.served) + new > limit:
        raise ControlError(429, f"Namespace cap reached: the import adds {new} namespaces and this sparring holds "
                                f"at most {limit} (--max-namespaces); nothing was changed.")
    cap = getattr(store, "max_records", None)
    if cap is not None:
        for p, spaces in plan.items():
            for n, (records, _) in spaces.items():
                count = sum(len(rows) for rows in records.values())
                if count > cap:
                    raise ControlError(429, f"Record cap reached: namespace {n!r} of {p} would hold {count} records, "
                                            f"at most {cap} (--max-records); nothing was changed.")
    for p, spaces in plan.items():
        store.restore(p, spaces)
    return {p: sorted(spaces) for p, spaces in plan.items()}


_VALIDATORS: dict[tuple[int, str, str], t.Any] = {}


def _validator(runtime: "Runtime", partner: str, collection: str):
    key = (id(runtime), partner, collection)
    if key not in _VALIDATORS:
        schema = runtime.served[partner].env.collections[collection].schema
        _VALIDATORS[key] = jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True) if schema else None
    return _VALIDATORS[key]


def _check_records(where: str, rows: list, spec: t.Any, validator: t.Any) -> list[str]:
    problems, keys = [], set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append(f"{where}[{i}] must be an object")
            continue
        key = row.get(spec.key)
        if key is None:
            problems.append(f"{where}[{i}]: the key field {spec.key!r} is missing")
        elif not isinstance(key, (str, int)) or isinstance(key, bool):
            problems.append(f"{where}[{i}]: the key {spec.key!r} must be a string or an integer")
        elif key in keys:
            problems.append(f"{where}[{i}]: key {key!r} appears twice")
        else:
            keys.add(key)
        if validator is not None:
            for error in validator.iter_errors(row):
                path = ".".join(str(p) for p in error.instance_path)
                problems.append(f"{where}[{i}]{'.' + path if path else ''}: {error.message}")
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def _to_json(value: t.Any) -> t.Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _from_json(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        if set(value) == {"$bytes"} and isinstance(value["$bytes"], str):
            try:
                return base64.b64decode(value["$bytes"], validate=True)
            except ValueError:
                return value
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


# Shared values a restart keeps besides the records: the clock offset and the token signing
# secrets (tokens issued before the restart stay valid). The seed is the command line's.
_KEPT = re.compile(r"^(clock-offset|token-secret:.+)$")


class StateFile:
    """``--state FILE``: loaded at start (a bad file stops the start and is left as it is), written
    atomically (a temporary file in the same folder, fsynced, then renamed over the old one), with
    the clock offset and token secrets besides the records."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.saves = 0

    def load(self, runtime: "Runtime") -> dict[str, list[str]] | None:
        """Apply the file's state; None when there is no file yet. :class:`StateFileError` otherwise."""
        if not self.path.exists():
            return None
        try:
            document = json.loads(self.path.read_bytes())
        except (OSError, ValueError) as exc:
            raise StateFileError(f"{self.path}: not a readable sparring state file ({exc}); "
                                 "it was left untouched. Move it away to start with fresh state.") from None
        try:
            loaded = apply(runtime, document)
        except ControlError as exc:
            details = "".join(f"\n  - {p}" for p in exc.errors)
            raise StateFileError(f"{self.path}: incompatible with this sparring: {exc.detail}{details}\n"
                                 "The file was left untouched.") from None
        kept = document.get("shared") if isinstance(document.get("shared"), dict) else {}
        for name, value in kept.items():
            if _KEPT.match(name) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                runtime.store.shared.set(name, value)
        return loaded

    def save(self, runtime: "Runtime") -> Path:
        document = export(runtime)
        shared = runtime.store.shared
        document["shared"] = {name: shared.get(name) for name in list(shared) if _KEPT.match(name)}
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.saves += 1
        return self.path


def routes(control: t.Any) -> list:
    """``GET /__sparring/state`` (partner, namespace), ``PUT /__sparring/state`` (import),
    ``POST /__sparring/state/save`` (write the ``--state`` file now)."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from sparring.control.common import PREFIX, by_method, guarded, json_object, known_partner, namespace_name

    async def get(request: Request) -> JSONResponse:
        q = request.query_params
        partner = known_partner(control.runtime, q.get("partner"))
        namespace = namespace_name(q.get("namespace"))
        if namespace is not None and not any(control.runtime.store.existing(p, namespace) is not None
                                             for p in ([partner] if partner else control.runtime.served)):
            raise ControlError(404, f"No namespace {namespace!r}{' of ' + partner if partner else ''} (no request has used it).")
        return JSONResponse(export(control.runtime, partner, namespace))

    async def put(request: Request) -> JSONResponse:
        return JSONResponse({"imported": apply(control.runtime, await json_object(request, "importState", required=True))})

    async def save(request: Request) -> JSONResponse:
        if control.state_file is None:
            raise ControlError(409, "No state file: start sparring serve with --state FILE.")
        path = control.state_file.save(control.runtime)
        return JSONResponse({"saved": str(path)})

    return [
        by_method(f"{PREFIX}/state", {"GET": guarded(get), "PUT": guarded(put)}),
        Route(f"{PREFIX}/state/save", guarded(save), methods=["POST"]),
    ]

