"""`python -m evals load`: drive the web server with concurrent gradio_client sessions.

Starts `python app.py` on a free loopback port (or uses `--url`), warms it up, then sends
`--requests` calls (default 1,000) from `--sessions` concurrent clients (default 32): a mix of
answerable questions, unanswerable ones and citation checks from the project's question set.
Reports errors, p50/p95 latency, throughput and the server's resident memory after warm-up
and at the end. Exit code 1 when any request failed or memory grew by more than 10%.
Traffic goes only to 127.0.0.1; the loop is bounded by `--requests` and `--timeout`.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import psutil

from index.cli_common import Parser

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["根据《重庆市反间谍工作条例》第十三条第二款，“涉密人员未经审批出境的，所在单位发现后应当立即向国家安全机关报告”。",
          "《贵州省反间谍安全防范办法》第十六条规定，可以通过12339举报电话举报。",
          "依照反间谍法第四十条，单位应当及时报告。"]


def workload(n: int) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (ROOT / "evals" / "questions.jsonl").read_text("utf-8").splitlines()]
    answerable = [r["question"] for r in rows if r["answerable"]]
    unanswerable = [r["question"] for r in rows if not r["answerable"]]
    calls = []
    for i in range(n):
        if i % 5 == 4:
            calls.append(("/check", CHECKS[i % len(CHECKS)]))
        elif i % 5 == 3:
            calls.append(("/ask", unanswerable[i % len(unanswerable)]))
        else:
            calls.append(("/ask", answerable[i % len(answerable)]))
    return calls


def start_server(port: int, timeout: float) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from gradio_client import Client
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict("重庆条例第八条", api_name="/show")
            return proc
        except Exception:  # noqa: BLE001 - still starting
            if proc.poll() is not None:
                raise SystemExit("error: app.py exited during start-up")
            time.sleep(1)
    proc.terminate()
    raise SystemExit(f"error: app.py not ready within {timeout:.0f}s")


def main(argv=None) -> int:
    parser = Parser(prog="python -m evals load", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--url", help="an already running server (default: start app.py)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for start-up")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from gradio_client import Client
    proc = None
    if args.url:
        url = args.url
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = start_server(port, args.timeout)
        url = f"http://127.0.0.1:{port}/"
    server = psutil.Process(proc.pid) if proc else None
    try:
        clients = [Client(url, verbose=False) for _ in range(args.sessions)]
        for call in workload(20):  # warm-up
            clients[0].predict(call[1], api_name=call[0])
        rss_warm = server.memory_info().rss if server else None
        calls = workload(args.requests)
        latencies, errors = [], []

        def one(i: int):
            endpoint, text = calls[i]
            started = time.perf_counter()
            try:
                result = clients[i % args.sessions].predict(text, api_name=endpoint)
                assert isinstance(result, dict)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                errors.append(f"{endpoint} {text[:20]}: {exc}")
            latencies.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        with ThreadPoolExecutor(args.sessions) as pool:
            list(pool.map(one, range(len(calls))))
        elapsed = time.perf_counter() - began
        rss_end = server.memory_info().rss if server else None
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    growth = (rss_end / rss_warm - 1) if rss_warm else None
    report = {"requests": len(calls), "sessions": args.sessions, "errors": len(errors),
              "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1),
              "latency_ms_p95": round(float(np.percentile(latencies, 95)), 1),
              "throughput_rps": round(len(calls) / elapsed, 2), "seconds": round(elapsed, 1),
              "rss_mb_after_warmup": rss_warm and round(rss_warm / 2**20, 1),
              "rss_mb_end": rss_end and round(rss_end / 2**20, 1),
              "rss_growth": growth if growth is None else round(growth, 4)}
    print(json.dumps(report, indent=2) if args.json else
          "\n".join(f"{k}: {v}" for k, v in report.items()))
    for error in errors[:5]:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors or (growth is not None and growth > 0.10) else 0


if __name__ == "__main__":
    from index.cli_common import run
    run(main)
