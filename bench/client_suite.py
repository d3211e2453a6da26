"""The issue-12 done-when checks that take minutes, not test time: the example client suite
(``examples/client_suite``) run N times in a row with ``pytest -n 4`` against one ``sparring serve``
(each xdist worker in its own namespace), then the coverage page of that run screenshotted in
headless Chromium.

    python bench/client_suite.py [--runs 10] [--workers 4] [--out bench/out]

Writes ``coverage.png``, ``coverage.html`` and ``runs.json`` into ``--out``; exits 1 if a run failed.
Needs the ``chromium`` binary (Debian: ``apt-get install chromium``) for the screenshot.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "examples" / "client_suite"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sparring serve exited: {proc.communicate()[0]}")
        try:
            urllib.request.urlopen(f"{url}/__sparring/health", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("sparring serve did not answer")


def screenshot(url: str, png: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise SystemExit("no chromium binary: apt-get install chromium")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1100", f"--screenshot={png}", url],
                   check=True, capture_output=True, timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Yodify is served too, and never called by the suite: its rows show what "not exercised" looks like.
    server = subprocess.Popen([sys.executable, "-m", "sparring", "serve", "--partner", "inventorypro", "--partner", "yodify",
                               "--port", str(port),
                               "--no-access-log", "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    runs = []
    try:
        wait_up(url, server)
        for i in range(1, args.runs + 1):
            started = time.monotonic()
            run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", str(args.workers), "-p", "no:cacheprovider",
                                  str(SUITE), "--rootdir", str(SUITE), "--sparring-url", url],
                                 capture_output=True, text=True)
            summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-300:]
            runs.append({"run": i, "exit": run.returncode, "seconds": round(time.monotonic() - started, 1),
                         "summary": summary})
            print(f"run {i}/{args.runs}: exit {run.returncode}, {summary}", flush=True)
            if run.returncode:
                print(run.stdout[-4000:], run.stderr[-2000:])
        spaces = json.load(urllib.request.urlopen(f"{url}/__sparring/namespaces"))
        coverage = json.load(urllib.request.urlopen(f"{url}/__sparring/coverage?partner=inventorypro"))
        (out / "coverage.html").write_bytes(urllib.request.urlopen(f"{url}/__sparring/coverage.html").read())
        screenshot(f"{url}/__sparring/coverage.html", out / "coverage.png")
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    report = {"runs": runs, "passed_runs": sum(r["exit"] == 0 for r in runs), "workers": args.workers,
              "namespaces": [s["name"] for s in spaces["partners"]["inventorypro"]],
              "coverage": {k: coverage[k] for k in ("operations_called", "operations_total", "percent")},
              "cpu_count": os.cpu_count()}
    (out / "runs.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))
    print(f"screenshot: {out / 'coverage.png'}")
    return 0 if report["passed_runs"] == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
