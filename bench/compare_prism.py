#!/usr/bin/env python3
"""Throughput of sparring against Stoplight Prism on the same spec, in the same run.

Starts ``sparring serve --partner inventorypro`` and ``prism mock spec/inventorypro.yaml``, checks
that every scenario answers 2xx, then loads each with wrk (warm-up, then the measured run) and
prints req/s, p50 and p99 per scenario and the sparring/Prism ratios for GET list and GET one.
Results also go to ``bench/results/latest.json``.

Installs what it needs when absent: Prism into ``bench/node_modules`` (npm), wrk with apt-get.
Exits non-zero only when something failed to run, never because of the figures.

    .venv/bin/python bench/compare_prism.py              # 3 s warm-up + 10 s per scenario
    .venv/bin/python bench/compare_prism.py --quick      # 1 s + 3 s, a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SPEC = ROOT / "spec" / "inventorypro.yaml"
PRISM_BIN = BENCH / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
RESULTS = BENCH / "results"

SPARRING_PREFIX = "/inventorypro/api/v1"
PRISM_PREFIX = ""  # Prism serves the spec's paths at its root: the server URL's /api/v1 is not used
CLIENT_ID, CLIENT_SECRET = "demo-warehouse", "demo-warehouse-secret"
# Prism checks only that the security scheme is present (an Authorization header), not the token.
MARK = "@@BENCH@@"


class BenchError(Exception):
    """Something needed for the run is missing or failed; the message says what."""


# -- tools ----------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BenchError("wrk is not installed and cannot be installed here (needs root and apt-get); "
                         "install wrk (https://github.com/wg/wrk) and run again")
    print("bench: wrk not found, installing it with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            raise BenchError("apt-get install wrk failed; install wrk and run again")
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is still not on PATH after apt-get install wrk")
    return found


def ensure_prism() -> Path:
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if not npm:
        raise BenchError("Prism is not installed in bench/node_modules and npm is not available "
                         "(install Node.js 18+ with npm)")
    print(f"bench: installing {PRISM_PACKAGE} into bench/node_modules ...", flush=True)
    cmd = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(BENCH), PRISM_PACKAGE]
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not PRISM_BIN.exists():
        raise BenchError(f"npm install of {PRISM_PACKAGE} failed:\n{done.stdout[-2000:]}")
    return PRISM_BIN


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


# -- servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    cmd: list[str]
    port: int
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        # a session of its own: Ctrl-C in the terminal reaches us, and we stop the whole group
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        handle.close()

    def wait_ready(self, probe: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{probe}"
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with code {self.proc.returncode} while starting:\n"
                                 f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers HTTP: up
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer on port {self.port} within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of every process in the server's group (Linux /proc), or None."""
        if self.proc is None:
            return None
        return group_cpu_seconds(self.proc.pid)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def _stat(pid: int | str) -> tuple[int, float] | None:
    """(process group, user + system CPU seconds) of one process (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    # after "pid (comm)": state ppid pgrp ... utime (14th field overall) stime (15th)
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, 0 when it cannot be read."""
    stat = _stat(pid)
    return stat[1] if stat else 0.0


def group_cpu_seconds(pgid: int) -> float | None:
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    stats = [_stat(entry) for entry in entries if entry.isdigit()]
    mine = [stat[1] for stat in stats if stat is not None and stat[0] == pgid]
    return sum(mine) if mine else None


# -- HTTP checks ----------------------------------------------------------------------------------


def http(method: str, url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sparring_token(base: str) -> str:
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                   "client_secret": CLIENT_SECRET}).encode()
    status, body = http("POST", f"{base}{SPARRING_PREFIX}/Token",
                        {"Content-Type": "application/x-www-form-urlencoded"}, form)
    if status != 200:
        raise BenchError(f"sparring token request answered {status}: {body[:300]!r}")
    return json.loads(body)["access_token"]


# -- scenarios and wrk ----------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    server: str  # "sparring" | "prism"
    method: str
    path: str  # with query
    body_template: str | None = None  # for POST; %d becomes a rotating number
    rotate: int = 100


@dataclass
class Result:
    scenario: str
    server: str
    method: str
    url: str
    check_status: int
    response_bytes: int
    requests: int = 0
    duration_s: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    server_cpu_s: float | None = None  # CPU the server used during the measured run
    cpu_us_per_request: float | None = None  # the same per request: steadier than req/s on a busy box
    non_2xx: int = 0  # wrk's "non-2xx or 3xx"; every scenario here answers 2xx
    socket_errors: dict[str, int] = field(default_factory=dict)


def lua_script(scenario: Scenario, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    if scenario.body_template is not None:
        headers["Content-Type"] = "application/json"
    lines = [f'wrk.method = "{scenario.method}"']
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if scenario.body_template is not None:
        lines += [
            "local n = 0",
            f"local template = {json.dumps(scenario.body_template)}",
            "request = function()",
            f"  n = (n + 1) % {scenario.rotate}",
            "  return wrk.format(nil, nil, nil, string.format(template, n, n))",
            "end",
        ]
    # the figures as one JSON line: more robust than parsing wrk's text report
    lines += [
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        f'  io.write(string.format("{MARK}{{\\"requests\\":%d,\\"duration_us\\":%d,\\"status\\":%d,'
        '\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"timeout\\":%d,'
        '\\"p50\\":%d,\\"p90\\":%d,\\"p99\\":%d,\\"max\\":%d}\\n",',
        "    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,",
        "    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(wrk: str, url: str, script: Path, duration: float, threads: int, connections: int) -> dict:
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency",
           "-s", str(script), url]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=duration + 60)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            try:
                return json.loads(line[len(MARK):])
            except json.JSONDecodeError:
                break
    raise BenchError(f"wrk failed (exit {done.returncode}) on {url}:\n{done.stdout[-2000:]}")


def check(scenario: Scenario, base: str, token: str) -> tuple[int, int]:
    """One request as wrk will send it; a scenario that does not answer 2xx is not worth measuring."""
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if scenario.body_template is not None:
        headers["Content-Type"] = "application/json"
        body = (scenario.body_template % (0, 0)).encode()
    status, payload = http(scenario.method, base + scenario.path, headers, body)
    if not 200 <= status < 300:
        raise BenchError(f"{scenario.name}: {scenario.method} {base + scenario.path} answered {status} "
                         f"before the run: {payload[:400]!r}")
    return status, len(payload)


UPSERT_BODY = ('{"shortID":"BENCH-%d","name":"Bench Customer %d","address1":"1 Load Street",'
               '"city":"Springfield","state":"IL","zip":"62701","country":"US",'
               '"email":"bench@example.com","contact":"Wrk Runner"}')


def scenarios(extra_list_1: bool) -> list[Scenario]:
    # interleaved, so that each sparring/Prism pair runs close together in time; writes last, so the
    # upserted records do not change what the GETs read
    out = [
        Scenario("sparring GET list", "sparring", "GET", f"{SPARRING_PREFIX}/Customer/All?pageSize=25"),
        Scenario("prism GET list", "prism", "GET", f"{PRISM_PREFIX}/Customer/All?pageSize=25"),
        Scenario("sparring GET one", "sparring", "GET", f"{SPARRING_PREFIX}/Customer/ACME-CORP"),
        Scenario("prism GET one", "prism", "GET", f"{PRISM_PREFIX}/Customer/ACME-CORP"),
    ]
    if extra_list_1:
        # Prism's list is its static example: one customer. This is sparring with the same payload size.
        out.insert(2, Scenario("sparring GET list pageSize=1", "sparring", "GET",
                               f"{SPARRING_PREFIX}/Customer/All?pageSize=1"))
    out.append(Scenario("sparring POST upsert", "sparring", "POST", f"{SPARRING_PREFIX}/Customer",
                        body_template=UPSERT_BODY))
    return out


# -- report ---------------------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def table(results: list[Result]) -> str:
    head = (f"{'scenario':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} "
            f"{'bytes':>6} {'CPU µs/req':>10}")
    rows = [head, "-" * len(head)]
    for r in results:
        rows.append(f"{r.scenario:<30} {r.rps:>9,.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.non_2xx:>8} "
                    f"{sum(r.socket_errors.values()):>8} {r.response_bytes:>6} {fmt(r.cpu_us_per_request):>10}")
    return "\n".join(rows)


PAIRS = (("GET list", "sparring GET list", "prism GET list"),
         ("GET list pageSize=1 vs Prism list", "sparring GET list pageSize=1", "prism GET list"),
         ("GET one", "sparring GET one", "prism GET one"))


def ratios(results: list[Result]) -> dict[str, float | None]:
    """sparring/Prism throughput: above 1 means sparring answers more requests per second."""
    by = {r.scenario: r.rps for r in results}
    return {label: (round(by[ours] / by[theirs], 3) if by[theirs] else None)
            for label, ours, theirs in PAIRS if ours in by and theirs in by}


def cpu_ratios(results: list[Result]) -> dict[str, float | None]:
    """Prism/sparring server CPU per request: above 1 means sparring spends less CPU per request."""
    by = {r.scenario: r.cpu_us_per_request for r in results}
    return {label: (round(by[theirs] / by[ours], 3) if by.get(ours) and by.get(theirs) else None)
            for label, ours, theirs in PAIRS if ours in by and theirs in by}


# -- main -----------------------------------------------------------------------------------------


def parse_args(argv: t.Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10, help="seconds of each measured run (default 10)")
    p.add_argument("--warmup", type=float, default=3, help="seconds of warm-up before each run (default 3)")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--quick", action="store_true", help="smoke run: 1 s warm-up, 3 s per scenario")
    p.add_argument("--no-list-1", action="store_true",
                   help="skip the extra sparring GET list with pageSize=1 (Prism's list has one item)")
    p.add_argument("--sparring-port", type=int, default=0, help="default: a free port")
    p.add_argument("--prism-port", type=int, default=0, help="default: a free port")
    p.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 1
    return args


def _sigterm(signum, frame):  # noqa: ARG001 - so that `finally` stops the servers on SIGTERM too
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    prism = ensure_prism()
    sparring_exe = Path(sys.executable).with_name("sparring")
    if not sparring_exe.exists():
        sparring_exe = Path(shutil.which("sparring") or "sparring")
    sp_port = args.sparring_port or free_port()
    pr_port = args.prism_port or free_port()
    servers = {
        "sparring": Server("sparring", [str(sparring_exe), "serve", "--port", str(sp_port), "--no-access-log",
                                        "--log-level", "warning", "--partner", "inventorypro"],
                           sp_port, RESULTS / "sparring.log"),
        "prism": Server("prism", [str(prism), "mock", "-h", "127.0.0.1", "-p", str(pr_port), "-v", "error",
                                  str(SPEC.relative_to(ROOT))], pr_port, RESULTS / "prism.log"),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        print(f"bench: warning: load average {load:.2f} before the run; other work on this machine "
              "skews the figures (the ratios less, as the pairs run back to back)", flush=True)
    results: list[Result] = []
    try:
        for server in servers.values():
            server.start()
        servers["sparring"].wait_ready("/__sparring/health")
        servers["prism"].wait_ready("/__bench_probe__")  # any HTTP answer (404) means it is up
        base = {name: f"http://127.0.0.1:{s.port}" for name, s in servers.items()}
        token = sparring_token(base["sparring"])

        plan = scenarios(not args.no_list_1)
        checked = {sc.name: check(sc, base[sc.server], token) for sc in plan}
        print(f"bench: every scenario answers 2xx; wrk -t{args.threads} -c{args.connections} "
              f"-d{args.duration:g}s --latency after a {args.warmup:g} s warm-up", flush=True)

        with tempfile.TemporaryDirectory(prefix="sparring-bench-") as tmp:
            for sc in plan:
                script = Path(tmp) / f"{sc.server}-{len(results)}.lua"
                script.write_text(lua_script(sc, token))
                url = base[sc.server] + sc.path
                if args.warmup > 0:
                    run_wrk(wrk, url, script, args.warmup, args.threads, args.connections)
                cpu_before = servers[sc.server].cpu_seconds()
                raw = run_wrk(wrk, url, script, args.duration, args.threads, args.connections)
                cpu_after = servers[sc.server].cpu_seconds()
                cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
                duration = raw["duration_us"] / 1e6
                status, size = checked[sc.name]
                result = Result(
                    scenario=sc.name, server=sc.server, method=sc.method, url=url,
                    check_status=status, response_bytes=size,
                    requests=raw["requests"], duration_s=round(duration, 3),
                    rps=round(raw["requests"] / duration, 1) if duration else 0.0,
                    p50_ms=raw["p50"] / 1000, p90_ms=raw["p90"] / 1000, p99_ms=raw["p99"] / 1000,
                    max_ms=raw["max"] / 1000, non_2xx=raw["status"],
                    server_cpu_s=None if cpu is None else round(cpu, 2),
                    cpu_us_per_request=round(cpu / raw["requests"] * 1e6, 1) if cpu and raw["requests"] else None,
                    socket_errors={k: raw[k] for k in ("connect", "read", "write", "timeout")},
                )
                results.append(result)
                print(f"  {sc.name:<30} {result.rps:>9,.0f} req/s  p50 {result.p50_ms:.2f} ms  "
                      f"p99 {result.p99_ms:.2f} ms  non-2xx {result.non_2xx}  "
                      f"server CPU {fmt(result.cpu_us_per_request)} µs/req", flush=True)
                for server in servers.values():
                    if server.proc and server.proc.poll() is not None:
                        raise BenchError(f"{server.name} died during the run:\n{server.log_tail()}")
    finally:
        for server in servers.values():
            server.stop()

    ratio, cpu_ratio = ratios(results), cpu_ratios(results)
    print()
    print(table(results))
    print()
    print(f"{'sparring/Prism':<40} {'req/s':>8} {'CPU/req (Prism/sparring)':>26}")
    for label, value in ratio.items():
        cpu_value = cpu_ratio.get(label)
        print(f"  {label:<38} {'n/a' if value is None else f'{value:.2f}x':>8} "
              f"{'n/a' if cpu_value is None else f'{cpu_value:.2f}x':>26}")

    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": {"duration_s": args.duration, "warmup_s": args.warmup, "threads": args.threads,
                     "connections": args.connections, "spec": str(SPEC.relative_to(ROOT))},
        "environment": {
            "cpus": os.cpu_count(), "load_average_before": round(load, 2), "python": platform.python_version(), "platform": platform.platform(),
            "wrk": tool_version([wrk, "--version"]), "prism": tool_version([str(prism), "--version"]),
            "node": tool_version(["node", "--version"]),
            "sparring": tool_version([str(sparring_exe), "--version"]),
        },
        "results": [asdict(r) for r in results],
        "ratios_sparring_over_prism": ratio,
        "cpu_per_request_ratios_prism_over_sparring": cpu_ratio,
        "notes": ["Prism's list body is its static example (one customer); sparring's has pageSize records.",
                  "cpu_us_per_request is the server's user+system CPU over the measured run divided by its "
                  "requests: less sensitive than req/s to other work on the machine.",
                  "wrk and both servers share the machine's CPUs: compare ratios, not absolute figures."],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nresults written to {args.output}")
    return 0


def main(argv: t.Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    # also when started where SIGINT is ignored (a background job of a script): Ctrl-C must still stop
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
