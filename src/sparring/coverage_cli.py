"""``sparring coverage``: which operations a running sparring saw called, for a person or for CI (outside
``control/`` so the command starts without importing the server).

Reads ``GET /__sparring/coverage`` of the server at ``--url``; ``--fail-under N`` exits 1 when
fewer than N percent of the operations were called (per the partner and namespace asked for).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the sparring serve (default http://127.0.0.1:8000)")
    parser.add_argument("--partner", help="one partner only")
    parser.add_argument("--namespace", help="one namespace only (default: every namespace)")
    parser.add_argument("--fail-under", type=float, metavar="N", help="exit 1 when under N percent of operations were called")
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument("--html", metavar="FILE", help="also write the HTML page to FILE")


def main(args: argparse.Namespace) -> int:
    import httpx

    params = {k: v for k, v in (("partner", args.partner), ("namespace", args.namespace)) if v}
    base = args.url.rstrip("/") + "/__sparring"
    try:
        response = httpx.get(base + "/coverage", params=params, timeout=30)
        page = httpx.get(base + "/coverage.html", params=params, timeout=30) if args.html else None
    except httpx.HTTPError as exc:
        print(f"sparring coverage: {args.url}: {exc}", file=sys.stderr)
        return 2
    if response.status_code != 200:
        print(f"sparring coverage: HTTP {response.status_code}: {response.text[:300]}", file=sys.stderr)
        return 2
    report = response.json()
    if args.html and page is not None:
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(page.text)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(summary(report))
    if args.fail_under is not None and report["percent"] < args.fail_under:
        print(f"FAIL: {report['percent']}% of operations called, under {args.fail_under}%", file=sys.stderr)
        return 1
    return 0


def summary(report: dict) -> str:
    scope = f"namespace {report['namespace']}" if report.get("namespace") else "every namespace"
    lines = [f"coverage ({scope}): {report['operations_called']}/{report['operations_total']} operations "
             f"({report['percent']}%), {report['statuses_seen']}/{report['statuses_documented']} documented statuses seen"]
    for partner in report["partners"]:
        lines.append(f"\n{partner['name']}: {partner['operations_called']}/{partner['operations_total']} "
                     f"({partner['percent']}%)")
        for row in partner["operations"]:
            mark = "-" if not row["calls"] else ("+" if not row["unseen"] else "~")
            seen = " ".join(f"{code}x{n}" for code, n in row["statuses"].items())
            unseen = f"  never: {' '.join(row['unseen'])}" if row["unseen"] and row["calls"] else ""
            lines.append(f"  {mark} {row['method']:<6} {row['path']:<40} {row['calls']:>5}  {seen}{unseen}")
    return "\n".join(lines)
