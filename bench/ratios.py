#!/usr/bin/env python3
"""The figures of issue 13 in one run: start-up, fuzz speed, serving against a bare app, workers.

    .venv/bin/python bench/ratios.py                       # everything (about 25 minutes)
    .venv/bin/python bench/ratios.py startup serving       # some sections
    .venv/bin/python bench/ratios.py fuzz --fuzz-examples 100 --fuzz-partners inventorypro

Sections:

- ``startup``: ``sparring serve`` (every partner) to the first answered request, cold (empty spec
  cache) and warm, and what seeding a partner on its first use costs on top (in-process);
- ``fuzz``: in-process ``sparring fuzz`` per partner (``bench/fuzz_split.py``): requests per second
  of wall time and per CPU second, and where the CPU goes; then ``sparring fuzz PARTNER --jobs N``
  for N in ``--fuzz-jobs`` (default 1 and 2) as whole commands, and the baseline the issue names in
  the same run: the schemathesis CLI against a live ``sparring serve`` (``--fuzz-baseline``); each
  command runs ``--fuzz-repeat`` times (default 3) and its median run is the figure;
- ``serving``: wrk against ``sparring serve --partner inventorypro`` and against a bare Starlette
  app returning the same bytes (``bench/bare_app.py``), back to back: GET one customer, POST upsert;
- ``workers``: wrk GET one customer against ``--workers 1, 2, 4 --store redis://...`` and one
  worker in memory; starts its own redis-server on a free port. Besides req/s, the CPU per request
  of the workers and redis-server together, and of wrk: when the server's stays flat as workers
  are added, throughput grows with the cores given to them. With wrk's, it gives the ceiling of
  this machine (cores / CPU per request) and how near each run came to it.

Every figure shares the machine with wrk and whatever else runs: read ratios, not absolutes. Each
section prints the machine's load average before it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from compare_prism import (  # noqa: E402
    Scenario, Server, ensure_wrk, free_port, lua_script, process_cpu_seconds, run_wrk, sparring_token)

SPARRING = str(Path(sys.executable).with_name("sparring"))
IP = "/inventorypro/api/v1"
UPSERT = '{"shortID":"BENCH-%d","name":"Bench Customer %d","city":"Springfield"}'


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# -- start-up --------------------------------------------------------------------------------------


def first_answer(cache: str) -> float:
    """Seconds from starting ``sparring serve`` (every partner) to its first answered request."""
    port = free_port()
    # as a user's Python runs it: writing bytecode caches (the project machine's environment turns
    # that off, which makes every start compile sparring's own modules again)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SPARRING_CACHE_DIR"] = cache
    started = time.perf_counter()
    process = subprocess.Popen([SPARRING, "serve", "--port", str(port), "--log-level", "warning", "--no-access-log"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                get(f"http://127.0.0.1:{port}/__sparring/partners")
                return time.perf_counter() - started
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("sparring serve exited while starting") from None
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(30)


def section_startup(args: argparse.Namespace) -> dict:
    print(f"\n== start-up: sparring serve (every partner in spec/) to the first answer   [load {load()}]")
    from sparring.catalog import load_partners

    names = [p.name for p in load_partners() if p.servable]
    out = {"partners": names, "cold": [], "warm": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            cold = first_answer(cache)
            warm = first_answer(cache)
        out["cold"].append(cold)
        out["warm"].append(warm)
    seeding = _seeding(names)
    out["seeding"] = seeding
    print(f"  partners: {', '.join(names)}")
    print(f"  cold cache: {_fmt(out['cold'])} s   warm cache: {_fmt(out['warm'])} s   (best of {args.repeat}, each run)")
    print("  seeding on a partner's first use (in-process): " +
          ", ".join(f"{n} {s:.2f} s" for n, s in seeding.items()))
    return out


def _seeding(names: list[str]) -> dict[str, float]:
    code = ("import time, json; from sparring.app import create_app; app = create_app(); out = {}\n"
            "for p in app.runtime.served:\n"
            "    t = time.perf_counter(); app.runtime.store.namespace(p); out[p] = time.perf_counter() - t\n"
            "print(json.dumps(out))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _fmt(values: list[float]) -> str:
    return f"{min(values):.2f} [" + " ".join(f"{v:.2f}" for v in values) + "]"


# -- fuzz --------------------------------------------------------------------------------------------


def section_fuzz(args: argparse.Namespace) -> dict:
    print(f"\n== fuzz: in-process sparring fuzz, every phase and check, --max-examples {args.fuzz_examples}"
          f"   [load {load()}]")
    import fuzz_split
    from sparring.catalog import load_partners

    fuzz_split.instrument()
    names = args.fuzz_partners or [p.name for p in load_partners() if p.servable]
    rows = []
    for name in names:
        row = fuzz_split.split(name, args.fuzz_examples)
        fuzz_split.show(row)
        rows.append(row)
    print(f"\n  whole commands, timed from start to exit: sparring fuzz PARTNER --max-examples "
          f"{args.fuzz_examples} --jobs N, and the schemathesis CLI against a live sparring serve   [load {load()}]")
    print(f"  {'command':<34} {'requests':>8} {'wall s':>7} {'requests/s':>10} {'findings':>8}")
    commands = []
    for name in names:
        for count in args.fuzz_jobs:
            commands.append(_median_of(args.fuzz_repeat, _fuzz_command, name, args.fuzz_examples, count))
            _show_command(commands[-1])
    if args.fuzz_baseline:
        commands.append(_median_of(args.fuzz_repeat, _schemathesis_cli, args.fuzz_baseline, args.fuzz_examples))
        _show_command(commands[-1])
        base = commands[-1]["requests"] / commands[-1]["wall"]
        for row in commands[:-1]:
            if row["partner"] == args.fuzz_baseline:
                print(f"  {row['command']:<34} {row['requests'] / row['wall'] / base:.1f}x the schemathesis CLI's requests/s")
    return {"max_examples": args.fuzz_examples, "runs": rows, "commands": commands}


def _show_command(row: dict) -> None:
    findings = "-" if row["findings"] is None else row["findings"]
    runs = "   runs: " + ", ".join(f"{wall:.1f}" for wall in row["walls"]) if len(row["walls"]) > 1 else ""
    print(f"  {row['command']:<34} {row['requests']:>8} {row['wall']:7.1f} {row['requests'] / row['wall']:10.0f} "
          f"{findings:>8}{runs}")


def _median_of(times: int, command: t.Callable[..., dict], *args: t.Any) -> dict:
    """The run with the median wall time of ``times`` runs of a whole command (the machine's speed
    drifts between runs), and every run's wall time."""
    runs = sorted((command(*args) for _ in range(max(times, 1))), key=lambda row: row["wall"])
    return {**runs[len(runs) // 2], "walls": [row["wall"] for row in runs]}


def _fuzz_command(name: str, examples: int, jobs: int) -> dict:
    """``sparring fuzz`` as a user runs it, in-process, with bytecode caches written as a user's
    Python writes them; the request count from its report."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as report:
        started = time.perf_counter()
        subprocess.run([SPARRING, "fuzz", name, "--max-examples", str(examples), "--jobs", str(jobs), "--quiet",
                        "--report", report], capture_output=True, text=True, cwd=ROOT, env=env, timeout=3600)
        wall = time.perf_counter() - started
        result = json.loads((Path(report) / "report.json").read_text())
    return {"command": f"sparring fuzz {name} --jobs {jobs}", "partner": name, "jobs": jobs,
            "requests": result["requests"], "findings": len(result["findings"]), "wall": wall}


def _schemathesis_cli(name: str, examples: int) -> dict:
    """The baseline the issue names: the schemathesis CLI against a live ``sparring serve``, every
    phase and check, the same max-examples and seed, with a token; requests counted by sparring's
    journal. Its findings are what schemathesis alone reports (it does not know, for one, that
    InventoryPro's DELETE is a soft delete)."""
    from sparring.catalog import load_partners

    prefix = load_partners([name])[0].prefix
    port = free_port()
    server = _serve(f"sparring-schemathesis-{name}", [SPARRING, "serve", "--partner", name, "--port", str(port),
                                                       "--log-level", "warning", "--no-access-log"], port)
    origin = f"http://127.0.0.1:{port}"

    def journaled() -> int:
        listing = json.loads(get(f"{origin}/__sparring/journal?limit=1")[1])
        return listing["held"] + listing["dropped"]

    try:
        token = sparring_token(origin)
        before = journaled()
        started = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).with_name("schemathesis")), "run", f"{origin}{prefix}/openapi.json",
                               "--url", origin + prefix, "--max-examples", str(examples), "--seed", "0", "--checks", "all",
                               "--phases", "examples,coverage,fuzzing,stateful", "-H", f"Authorization: Bearer {token}"],
                              capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=3600)
        wall = time.perf_counter() - started
        requests = journaled() - before - 1  # the journal read itself
    finally:
        server.stop()
    return {"command": f"schemathesis run ({name})", "partner": name, "jobs": None, "requests": requests,
            "findings": None, "wall": wall, "exit_code": done.returncode}


# -- serving -----------------------------------------------------------------------------------------


def _wrk(wrk: str, url: str, scenario: Scenario, token: str, args: argparse.Namespace) -> float:
    return _wrk_cpu(wrk, url, scenario, token, args)[0]


def _wrk_cpu(wrk: str, url: str, scenario: Scenario, token: str, args: argparse.Namespace,
             server: Server | None = None, also: t.Sequence[int] = (),
             client: dict | None = None) -> tuple[float, float | None]:
    """req/s of the measured run and, given the server, its CPU µs per request (user + system of
    its process group, and of the processes ``also`` names, a redis-server say): steadier than
    req/s when other jobs share the cores. ``client`` gets wrk's own CPU µs per request."""
    def cpu() -> float | None:
        group = server.cpu_seconds() if server else None
        return None if group is None else group + sum(process_cpu_seconds(pid) for pid in also)

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua_script(scenario, token))
        script = Path(fh.name)
    try:
        run_wrk(wrk, url, script, args.warmup, 1, args.connections)
        before, wrk_before = cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = run_wrk(wrk, url, script, args.duration, 1, args.connections)
        after, wrk_after = cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        script.unlink()
    if figures["status"]:
        raise SystemExit(f"{url}: {figures['status']} non-2xx answers under load")
    cpu = (after - before) / figures["requests"] * 1e6 if before is not None and after is not None and figures["requests"] else None
    if client is not None and figures["requests"]:
        used = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
        client["cpu_us"] = used / figures["requests"] * 1e6
    return figures["requests"] / (figures["duration_us"] / 1e6), cpu


def _serve(name: str, cmd: list[str], port: int, env: dict | None = None) -> Server:
    server = Server(name, cmd, port, Path(tempfile.gettempdir()) / f"sparring-bench-{name}.log")
    if env:
        os.environ.update(env)
    server.start()
    server.wait_ready("/__sparring/health" if "sparring" in name else "/", timeout=120)
    return server


def section_serving(args: argparse.Namespace) -> dict:
    print(f"\n== serving: wrk -t1 -c{args.connections}, {args.rounds} rounds of {args.duration:.0f} s per server, "
          f"sparring and a bare Starlette app returning the same bytes taking turns   [load {load()}]")
    wrk = ensure_wrk()
    port = free_port()
    sparring = _serve("sparring", [SPARRING, "serve", "--partner", "inventorypro", "--port", str(port),
                                   "--log-level", "warning", "--no-access-log"], port)
    bare = None
    out = {}
    try:
        base = f"http://127.0.0.1:{port}{IP}"
        token = sparring_token(f"http://127.0.0.1:{port}")
        status, body = get(base + "/Customer/ACME-CORP", {"Authorization": f"Bearer {token}"})
        assert status == 200, status
        body_file = Path(tempfile.gettempdir()) / "sparring-bench-body.json"
        body_file.write_bytes(body)
        bare_port = free_port()
        bare = _serve("bare", [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE), "--port",
                               str(bare_port), "--log-level", "warning", "--no-access-log"], bare_port,
                      {"BARE_BODY_FILE": str(body_file)})
        scenarios = {"GET one customer": Scenario("one", "sparring", "GET", "/Customer/ACME-CORP"),
                     "POST upsert": Scenario("upsert", "sparring", "POST", "/Customer", UPSERT)}
        servers = {"sparring": (sparring, base, token), "bare": (bare, f"http://127.0.0.1:{bare_port}{IP}", "x")}
        for label, scenario in scenarios.items():
            # Both servers are up and take turns, so a slow spell of a shared machine falls on both;
            # the medians of the rounds are compared.
            rounds: dict[str, list[tuple[float, float | None]]] = {"sparring": [], "bare": []}
            for _ in range(args.rounds):
                for name, (server, url, credential) in servers.items():
                    rounds[name].append(_wrk_cpu(wrk, url + scenario.path, scenario, credential, args, server))
            row = {}
            for name, figures in rounds.items():
                row[name] = statistics.median(rps for rps, _ in figures)
                cpus = [cpu for _, cpu in figures if cpu]
                row[f"{name}_cpu_us"] = statistics.median(cpus) if cpus else None
                row[f"{name}_rounds"] = [round(rps) for rps, _ in figures]
            out[label] = row
    finally:
        sparring.stop()
        if bare is not None:
            bare.stop()
    for label, row in out.items():
        row["ratio"] = row["sparring"] / row["bare"]
        mine, theirs = row["sparring_cpu_us"], row["bare_cpu_us"]
        row["cpu_ratio"] = theirs / mine if mine and theirs else None
        cpu = "" if row["cpu_ratio"] is None else \
            f"   server CPU {mine:,.0f} / {theirs:,.0f} µs/req = {row['cpu_ratio']:.2f}"
        print(f"  {label:<18} sparring {row['sparring']:8,.0f} req/s   bare {row['bare']:8,.0f} req/s   "
              f"ratio {row['ratio']:.2f}{cpu}")
        ratios = ", ".join(f"{a / b:.2f}" for a, b in zip(row["sparring_rounds"], row["bare_rounds"]))
        print(f"  {'':<18} per round: {ratios}")
    return out


# -- workers -----------------------------------------------------------------------------------------


def section_workers(args: argparse.Namespace) -> dict:
    print(f"\n== workers: wrk -t1 -c{args.connections * 2} GET one customer, Redis store against one worker in memory"
          f"   [load {load()}, {os.cpu_count()} cores]")
    from redis_server import RedisServer, redis_server_binary

    wrk = ensure_wrk()
    binary, why = redis_server_binary()
    if binary is None:
        raise SystemExit(f"workers: {why}")
    redis = RedisServer(binary)
    scenario = Scenario("one", "sparring", "GET", "/Customer/ACME-CORP")
    heavy = argparse.Namespace(**{**vars(args), "connections": args.connections * 2})
    out = {}
    try:
        for label, extra in [("memory, 1 worker", [])] + [
                (f"redis, {n} worker{'s' if n > 1 else ''}", ["--workers", str(n), "--store", redis.url])
                for n in args.workers]:
            port = free_port()
            server = _serve("sparring-" + label.replace(" ", "").replace(",", "-"),
                            [SPARRING, "serve", "--partner", "inventorypro", "--port", str(port), "--log-level",
                             "warning", "--no-access-log", *extra], port)
            try:
                base = f"http://127.0.0.1:{port}{IP}"
                token = sparring_token(f"http://127.0.0.1:{port}")
                client: dict = {}
                rps, cpu = _wrk_cpu(wrk, base + scenario.path, scenario, token, heavy, server,
                                    also=[redis.process.pid] if extra else [], client=client)
                out[label] = {"requests_per_second": rps, "server_cpu_us": cpu, "wrk_cpu_us": client.get("cpu_us")}
            finally:
                server.stop()
    finally:
        redis.stop()
    memory = out["memory, 1 worker"]["requests_per_second"]
    cores = os.cpu_count() or 1
    print(f"  {'':<18} {'req/s':>8}   {'of memory':>9}   {'server CPU':>10}   {'wrk CPU':>7}   {'of the ' + str(cores) + '-core ceiling'}")
    for label, row in out.items():
        rps, server_us, wrk_us = row["requests_per_second"], row["server_cpu_us"], row["wrk_cpu_us"]
        # What the cores could serve if every request cost what it cost here, wrk included
        row["ceiling"] = cores * 1e6 / (server_us + wrk_us) if server_us and wrk_us else None
        ceiling = f"{rps / row['ceiling']:.2f}" if row["ceiling"] else "-"
        print(f"  {label:<18} {rps:8,.0f}   {rps / memory:9.2f}   {server_us or 0:7,.0f} µs   {wrk_us or 0:4,.0f} µs   {ceiling}")
    return out


SECTIONS = {"startup": section_startup, "fuzz": section_fuzz, "serving": section_serving, "workers": section_workers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"some of: {', '.join(SECTIONS)}")
    parser.add_argument("--repeat", type=int, default=3, help="start-up runs (default 3)")
    parser.add_argument("--fuzz-examples", type=int, default=100)
    parser.add_argument("--fuzz-partners", nargs="*", default=None)
    parser.add_argument("--fuzz-jobs", type=int, nargs="*", default=[1, 2], help="fuzz: --jobs values to time (default 1 2)")
    parser.add_argument("--fuzz-repeat", type=int, default=3,
                        help="fuzz: runs of each whole command, the median reported (default 3)")
    parser.add_argument("--fuzz-baseline", default="inventorypro", metavar="PARTNER",
                        help="fuzz: time the schemathesis CLI against sparring serve for this partner (default "
                             "inventorypro; '' for none)")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3, help="serving: turns per server and scenario (default 3)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args()
    print(f"sparring bench/ratios.py on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    results = {name: SECTIONS[name](args) for name in (args.sections or list(SECTIONS))}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
