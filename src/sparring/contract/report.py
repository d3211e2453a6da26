"""What a fuzz run tells: the summary per operation, each failure with its reproduction, JUnit XML
and a report folder (summary.txt, report.json, junit.xml)."""

from __future__ import annotations

import json
import textwrap
import typing as t
from dataclasses import asdict
from pathlib import Path
from xml.etree import ElementTree as ET

if t.TYPE_CHECKING:
    from sparring.contract.runner import RunResult


def summary(result: "RunResult") -> str:
    s = result.settings
    lines = [
        "",
        f"sparring fuzz {result.partner}: {result.cases} requests in {result.elapsed:.1f} s "
        f"(seed {s.seed}, max-examples {s.max_examples}, phases {','.join(s.phases)})",
        "",
    ]
    width = max([len(label) for label in result.operations] + [9])
    lines.append(f"  {'operation':<{width}}  {'requests':>8}  {'checks':>6}  failures")
    for label, op in sorted(result.operations.items(), key=lambda kv: kv[0].split(" ", 1)[::-1]):
        failed = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in sorted(op.failures.items())) or "-"
        lines.append(f"  {label:<{width}}  {op.cases:>8}  {sum(op.checks.values()):>6}  {failed}")
    lines.append("")
    if result.soft_delete_reads:
        lines.append(f"  {result.soft_delete_reads} reads after a soft delete returned the record marked deleted, "
                     "as the spec declares (x-sparring action soft-delete): not use-after-free")
        lines.append("")
    if result.findings:
        lines.append(f"FAILURES ({len(result.findings)})")
        if result.repro_setup:
            lines.append("")
            lines.append("  Reproduce with curl; first set:")
            lines += [f"    {line}" for line in result.repro_setup]
        for n, f in enumerate(result.findings, 1):
            lines.append("")
            lines.append(f"{n}. {f.operation}: {f.check} [{f.code}] {f.title} (phase {f.phase})")
            if f.message:
                lines += ["   " + line for line in textwrap.dedent(f.message).strip().splitlines()]
            if f.status is not None:
                lines.append(f"   response: HTTP {f.status}" + (f"  {f.response_excerpt}" if f.response_excerpt else ""))
            if f.curl:
                lines.append("   reproduce:")
                lines += ["     " + line for line in f.curl.strip().splitlines()]
        lines.append("")
    if result.errors:
        lines.append(f"ERRORS ({len(result.errors)})")
        lines += ["  " + e.replace("\n", "\n  ") for e in result.errors]
        lines.append("")
    verdict = ("PASSED: no check failed" if result.ok else
               f"FAILED: {len(result.findings)} failure(s)" + (f", {len(result.errors)} error(s)" if result.errors else ""))
    lines.append(f"{verdict}  [{result.partner} @ {result.target}; auth: {result.auth}]")
    return "\n".join(lines)


def junit_xml(result: "RunResult") -> bytes:
    """One testcase per operation and check that ran; a failure element per finding."""
    suite = ET.Element("testsuite", name=f"sparring fuzz {result.partner}", timestamp="", hostname="")
    suite.attrib.pop("timestamp")
    suite.attrib.pop("hostname")
    by_pair: dict[tuple[str, str], list] = {}
    for f in result.findings:
        by_pair.setdefault((f.operation, f.check), []).append(f)
    tests = failures = errors = 0
    for label, op in sorted(result.operations.items()):
        checks = set(op.checks) | {check for (o, check) in by_pair if o == label}
        for check in sorted(checks):
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=f"{result.partner}.{op.operation_id or label}",
                                 name=f"{label} :: {check}")
            for f in by_pair.get((label, check), []):
                failures += 1
                element = ET.SubElement(case, "failure", type=f.code, message=f"{f.title}")
                element.text = "\n".join(filter(None, [
                    f.message,
                    f"response: HTTP {f.status} {f.response_excerpt}" if f.status is not None else "",
                    "reproduce:\n" + "\n".join(result.repro_setup + [f.curl]) if f.curl else "",
                ]))
        if not checks:
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=f"{result.partner}.{op.operation_id or label}",
                                 name=f"{label}")
            ET.SubElement(case, "skipped", message="no request reached this operation")
    for error in result.errors:
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", classname=result.partner, name="run error")
        ET.SubElement(case, "error", message=error.splitlines()[0][:200]).text = error
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(sum(1 for c in suite.iter("skipped"))))
    suite.set("time", f"{result.elapsed:.3f}")
    root = ET.Element("testsuites", name="sparring fuzz", tests=str(tests), failures=str(failures),
                      errors=str(errors), time=f"{result.elapsed:.3f}")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def as_json(result: "RunResult") -> dict:
    return {
        "partner": result.partner,
        "target": result.target,
        "auth": result.auth,
        "settings": asdict(result.settings),
        "passed": result.ok,
        "exit_code": result.exit_code,
        "requests": result.cases,
        "elapsed_seconds": round(result.elapsed, 3),
        "scenarios": dict(result.scenarios),
        "soft_delete_reads": result.soft_delete_reads,
        "operations": [
            {"operation": label, "operation_id": op.operation_id, "requests": op.cases,
             "checks": dict(sorted(op.checks.items())), "failures": dict(sorted(op.failures.items()))}
            for label, op in sorted(result.operations.items())
        ],
        "reproduce_setup": result.repro_setup,
        "findings": [asdict(f) for f in result.findings],
        "errors": result.errors,
    }


def write_junit(result: "RunResult", path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(result))
    return path


def write_report_dir(result: "RunResult", directory: str | Path, text: str) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "summary.txt").write_text(text + "\n", encoding="utf-8")
    (directory / "report.json").write_text(json.dumps(as_json(result), indent=2) + "\n", encoding="utf-8")
    write_junit(result, directory / "junit.xml")
    return directory
