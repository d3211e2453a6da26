"""Coverage: every operation of each partner's spec, how often it was called, which statuses it
answered, and the documented statuses never seen; as JSON and as one HTML page.

Counts are kept per (partner, namespace, operation, status) and never dropped (unlike journal
entries), so a long test run still reports every call. Requests answered by an injected fault do
not count: the partner never saw them.
"""

from __future__ import annotations

import collections
import html
import threading
import typing as t

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime


class Coverage:
    def __init__(self) -> None:
        self._counts: collections.Counter[tuple[str, str, str, int]] = collections.Counter()
        self._lock = threading.Lock()

    def count(self, partner: str, namespace: str, operation: str, status: int) -> None:
        with self._lock:
            self._counts[(partner, namespace, operation, status)] += 1

    def clear(self, *, partner: str | None = None, namespace: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._counts
                        if (partner is None or k[0] == partner) and (namespace is None or k[1] == namespace)]:
                del self._counts[key]

    def report(self, runtime: "Runtime", *, partner: str | None = None, namespace: str | None = None) -> dict:
        """Per partner, per operation in spec order: calls, statuses seen, documented statuses unseen."""
        with self._lock:
            counts = list(self._counts.items())
        seen: dict[tuple[str, str], collections.Counter[int]] = collections.defaultdict(collections.Counter)
        for (p, ns, op, status), n in counts:
            if namespace is None or ns == namespace:
                seen[(p, op)][status] += n
        partners = []
        for name, served in runtime.served.items():
            if partner is not None and name != partner:
                continue
            rows = []
            for op in served.partner.operations.values():
                statuses = seen.get((name, op.id), collections.Counter())
                documented = sorted(str(s) for s in op.spec.get("responses", {}))
                seen_codes = {str(s) for s in statuses}
                rows.append({
                    "operation": op.id,
                    "method": op.method.upper(),
                    "path": op.path,
                    "calls": sum(statuses.values()),
                    "statuses": {str(s): statuses[s] for s in sorted(statuses)},
                    "documented": documented,
                    "unseen": [s for s in documented if s not in seen_codes and s != "default"],
                    "undocumented": sorted(s for s in seen_codes if s not in documented and "default" not in documented),
                })
            partners.append({"name": name, "title": served.partner.title, **_summary(rows), "operations": rows})
        every = [row for p in partners for row in p["operations"]]
        return {"namespace": namespace, **_summary(every), "partners": partners}


def _summary(rows: list[dict]) -> dict:
    called = sum(1 for r in rows if r["calls"])
    documented = sum(len([s for s in r["documented"] if s != "default"]) for r in rows)
    unseen = sum(len(r["unseen"]) for r in rows)
    return {
        "operations_total": len(rows),
        "operations_called": called,
        "percent": round(100 * called / len(rows), 1) if rows else 100.0,
        "statuses_documented": documented,
        "statuses_seen": documented - unseen,
    }


def _level(row: dict) -> str:
    if not row["calls"]:
        return "none"
    return "full" if not row["unseen"] else "partial"


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 6px}
.meta{color:#57606a;margin-bottom:12px}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e1e4e8;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.full td:first-child{border-left:6px solid #2da44e} tr.full{background:#e6f6ea}
tr.partial td:first-child{border-left:6px solid #d4a72c} tr.partial{background:#fff8e1}
tr.none td:first-child{border-left:6px solid #cf222e} tr.none{background:#fdeceb}
code{font-size:12px} .s{display:inline-block;margin:1px 4px 1px 0;padding:0 6px;border-radius:8px;background:#ddf4ff}
.u{background:#ffebe9;color:#82071e} .bar{height:10px;background:#e1e4e8;border-radius:5px;width:220px;display:inline-block;vertical-align:middle}
.bar i{display:block;height:10px;border-radius:5px;background:#2da44e}
.legend span{margin-right:16px} .legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.summary td{padding:3px 10px}
"""


def render_html(report: dict) -> str:
    """One page: a summary line, then a table per partner, a row per operation coloured by coverage
    (green: called with every documented status seen; amber: called, some unseen; red: never)."""
    e = html.escape
    scope = f"namespace {e(report['namespace'])}" if report["namespace"] else "all namespaces"
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>sparring coverage</title><style>{_CSS}</style>"
             "</head><body>",
             f"<h1>sparring coverage</h1><div class='meta'>{scope}: {report['operations_called']} of "
             f"{report['operations_total']} operations called ({report['percent']}%), "
             f"{report['statuses_seen']} of {report['statuses_documented']} documented statuses seen</div>",
             "<div class='legend meta'><span><i style='background:#2da44e'></i>called, every documented status seen</span>"
             "<span><i style='background:#d4a72c'></i>called, some documented statuses never seen</span>"
             "<span><i style='background:#cf222e'></i>never called</span></div>"]
    if len(report["partners"]) > 1:
        parts.append("<table class='summary' style='width:auto;margin-bottom:8px'><tr><th>Partner</th><th>Operations called</th>"
                     "<th></th><th>Statuses seen</th></tr>")
        for partner in report["partners"]:
            parts.append(f"<tr><td><a href='#{e(partner['name'])}'>{e(partner['title'])}</a></td>"
                         f"<td class='n'>{partner['operations_called']}/{partner['operations_total']}</td>"
                         f"<td><span class='bar'><i style='width:{partner['percent']}%'></i></span> {partner['percent']}%</td>"
                         f"<td class='n'>{partner['statuses_seen']}/{partner['statuses_documented']}</td></tr>")
        parts.append("</table>")
    for partner in report["partners"]:
        parts.append(f"<h2 id='{e(partner['name'])}'>{e(partner['title'])} <code>{e(partner['name'])}</code> "
                     f"<span class='bar'><i style='width:{partner['percent']}%'></i></span> "
                     f"{partner['operations_called']}/{partner['operations_total']} ({partner['percent']}%)</h2>")
        parts.append("<table><tr><th>Operation</th><th>Method</th><th>Path</th><th>Calls</th>"
                     "<th>Statuses seen</th><th>Documented, never seen</th></tr>")
        for row in partner["operations"]:
            seen = "".join(f"<span class='s{' u' if code in row['undocumented'] else ''}'>{e(code)} &times;{n}</span>"
                           for code, n in row["statuses"].items())
            unseen = " ".join(f"<span class='s u'>{e(code)}</span>" for code in row["unseen"])
            parts.append(f"<tr class='{_level(row)}'><td><code>{e(row['operation'])}</code></td><td>{e(row['method'])}</td>"
                         f"<td><code>{e(row['path'])}</code></td><td class='n'>{row['calls']}</td>"
                         f"<td>{seen}</td><td>{unseen}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def routes(control: t.Any) -> list:
    """``GET /__sparring/coverage`` (JSON), ``GET /__sparring/coverage.html``, ``DELETE /__sparring/coverage``;
    each takes ``partner`` and ``namespace``."""
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route

    from sparring.control.common import PREFIX, by_method, guarded, known_partner, namespace_name

    coverage: Coverage = control.coverage

    def scope(request: Request) -> dict:
        q = request.query_params
        return {"partner": known_partner(control.runtime, q.get("partner")), "namespace": namespace_name(q.get("namespace"))}

    async def as_json(request: Request) -> JSONResponse:
        return JSONResponse(coverage.report(control.runtime, **scope(request)))

    async def as_html(request: Request) -> HTMLResponse:
        return HTMLResponse(render_html(coverage.report(control.runtime, **scope(request))))

    async def clear(request: Request) -> JSONResponse:
        coverage.clear(**scope(request))
        return JSONResponse({"cleared": True})

    return [
        by_method(f"{PREFIX}/coverage", {"GET": guarded(as_json), "DELETE": guarded(clear)}),
        Route(f"{PREFIX}/coverage.html", guarded(as_html), methods=["GET"]),
    ]
