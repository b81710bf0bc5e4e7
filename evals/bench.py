"""`python -m evals bench`: how fast the assistant is on this machine, and how much memory it takes.

    python -m evals bench [--json] [--corpus DIR] [--model NAME_OR_PATH] [--asks 200] [--out DIR]

In: a corpus and model (flags; the built index in the cache is built first if missing). Out, as
one JSON object with `--json` (else a table), also written to `bench-<date>.json` / `.md`
under evals/results/:
    cold_start_s          a new `python -m assistant ask "<question>" --json` process to its
                          answer, built index and warm page cache; median of 3
    server_ready_s        a new `python app.py` process until its port answers and it printed
                          "assistant ready" (index loaded, first question's encoder warm)
    ask_ms_p50, _p95      `Assistant.ask` in this process over `--asks` questions (the project's
                          question set, cycled), after one untimed question
    build_s               `build_index` of the corpus into a temporary folder, model loaded
                          (passage encoder warmed up first)
    passages_per_s        `encode_passages` over 512 passages of ~150 characters, recombined
                          from sentences of the corpus's provisions; median of 3 runs (this
                          machine's per-core speed drifts within minutes), all three in
                          `passages_per_s_runs`
    peak_rss_mb           peak resident memory of this process (build, asks and baseline);
                          `cli_peak_rss_mb` is that of the cold-start processes
    baseline_ask_ms_p50   the tutorial recipe (`evals.systems.tutorial`) on the same questions,
                          and `ask_vs_baseline_ratio` = ask_ms_p50 / baseline_ask_ms_p50
plus the machine, its load average (above the core count the timings are inflated) and the
targets. Progress goes to stderr.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from index.cli_common import Parser, add_common, cache_dir

from .report import DEFAULT_OUT, PROJECT

PASSAGES, PASSAGE_CHARS = 512, 150
COLD_RUNS = EMBED_RUNS = 3
TARGETS = {"cold_start_s": 4.0, "ask_ms_p50": 40.0, "ask_ms_p95": 80.0, "passages_per_s": 100.0,
           "server_ready_s": 10.0}
SERVER_TIMEOUT_S = 180


def questions() -> list[str]:
    """The question texts of the project's question set (any corpus can be asked them)."""
    from .questions import DEFAULT_QUESTIONS
    return [json.loads(line)["question"] for line in DEFAULT_QUESTIONS.read_text("utf-8").splitlines()
            if line.strip()]


def synthetic_passages(corpus, n: int = PASSAGES, chars: int = PASSAGE_CHARS, seed: int = 0) -> list[str]:
    """`n` passages of `chars` characters, each a run of random sentences (split at 。) of the
    corpus's provisions: ["任何公民和组织发现间谍行为…。国家安全机关…", …]."""
    sentences = [s + "。" for doc in corpus.documents for art in doc.articles
                 for s in art.text.replace("\n", "").split("。") if s.strip()]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < chars:
            text += rng.choice(sentences)
        out.append(text[:chars])
    return out


def cold_start(question: str, corpus: str | None, model: str | None, log) -> tuple[float, float]:
    """Median wall time of `python -m assistant ask` processes, and their peak RSS in MB."""
    cmd = [sys.executable, "-m", "assistant", "ask", question, "--json"]
    cmd += ["--corpus", corpus] if corpus else []
    cmd += ["--model", model] if model else []
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    times = []
    for run in range(COLD_RUNS):
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"error: `{' '.join(cmd[1:4])} …` failed: {done.stderr.strip()[-400:]}")
        json.loads(done.stdout)  # it printed an answer
        log(f"  cold start {run + 1}/{COLD_RUNS}: {times[-1]:.2f}s")
    return statistics.median(times), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def server_ready(corpus: str | None, model: str | None, log) -> float:
    """Seconds from starting `python app.py` on a free loopback port to its being ready."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "app.py", "--port", str(port)]
    cmd += ["--corpus", corpus] if corpus else []
    cmd += ["--model", model] if model else []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    server = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:
            if line.startswith("error:") or time.perf_counter() - started > SERVER_TIMEOUT_S:
                raise SystemExit(f"error: `python app.py` did not start: {line.strip()}")
            if line.strip() == "assistant ready":
                break
        else:
            raise SystemExit(f"error: `python app.py` exited with code {server.wait()}")
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        ready_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    log(f"  server ready: {ready_s:.2f}s")
    return ready_s


def timed_asks(system, texts: list[str], n: int) -> np.ndarray:
    """Latencies (ms) of `system` over `n` questions, cycling `texts`, after one untimed call."""
    system(texts[0])
    return np.array([system(texts[i % len(texts)]).latency_ms for i in range(n)])


def machine() -> dict:
    import faiss
    import onnxruntime
    import torch
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "torch": torch.__version__, "onnxruntime": onnxruntime.__version__, "faiss": faiss.__version__,
            "load_avg": [round(x, 2) for x in os.getloadavg()]}


def bench(corpus_dir: str | None, model_name: str | None, asks: int, log) -> dict:
    from assistant.service import Assistant
    from index.build import build_index
    from index.embed_model import DEFAULT_MODEL, encode_passages

    from .systems import product, tutorial

    load_start = [round(x, 2) for x in os.getloadavg()]
    log(f"load average {load_start[0]} on {os.cpu_count()} cores (above that the timings are inflated)")
    log("opening the assistant (builds the cached index if missing) …")
    assistant = Assistant.open(corpus_dir, None, model_name, cache_dir(), progress=False)
    texts = questions()
    log(f"cold start: {COLD_RUNS} × `python -m assistant ask --json` …")
    cold_s, cli_rss = cold_start(texts[0], corpus_dir, model_name, log)
    log("web server: `python app.py` until ready …")
    ready_s = server_ready(corpus_dir, model_name, log)
    log(f"warm ask: {asks} questions …")
    ask_ms = timed_asks(product(assistant), texts, asks)
    log("tutorial recipe: the same questions …")
    name = model_name or DEFAULT_MODEL
    base_ms = timed_asks(tutorial(assistant.corpus, assistant.model, name, cache_dir()), texts, asks)
    passages = synthetic_passages(assistant.corpus)
    encode_passages(assistant.model, passages[:8])  # the passage encoder loads on first use
    log("index build into a temporary folder …")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        built = build_index(assistant.corpus, Path(tmp) / "index", model_name, cache_dir(),
                            model=assistant.model, progress=False)
        build_s = time.perf_counter() - started
    log(f"embedding: {EMBED_RUNS} × {len(passages)} passages of {PASSAGE_CHARS} characters …")
    runs = []
    for _ in range(EMBED_RUNS):
        started = time.perf_counter()
        encode_passages(assistant.model, passages)
        runs.append(round(len(passages) / (time.perf_counter() - started), 1))
    per_s = statistics.median(runs)
    p50, base_p50 = float(np.percentile(ask_ms, 50)), float(np.percentile(base_ms, 50))
    return {"cold_start_s": round(cold_s, 2), "server_ready_s": round(ready_s, 2), "ask_ms_p50": round(p50, 1),
            "ask_ms_p95": round(float(np.percentile(ask_ms, 95)), 1), "build_s": round(build_s, 2),
            "passages_per_s": round(per_s, 1), "passages_per_s_runs": runs,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "baseline_ask_ms_p50": round(base_p50, 1), "ask_vs_baseline_ratio": round(p50 / base_p50, 2),
            "cli_peak_rss_mb": round(cli_rss, 1), "baseline_ask_ms_p95": round(float(np.percentile(base_ms, 95)), 1),
            "asks": asks, "n_chunks": built.params["n_chunks"], "index_kind": built.params["index_kind"],
            "model": name, "embedder": assistant.model.backend, "corpus_hash": assistant.corpus.hash, "targets": TARGETS,
            "machine": {**machine(), "load_avg_start": load_start}, "date": dt.date.today().isoformat()}


def markdown(r: dict) -> str:
    m = r["machine"]
    rows = [("cold start (CLI ask, median of 3)", f"{r['cold_start_s']} s", "≤ 4 s"),
            ("web server ready (`python app.py`)", f"{r['server_ready_s']} s", "≤ 10 s"),
            (f"warm ask p50 / p95 ({r['asks']} questions)", f"{r['ask_ms_p50']} / {r['ask_ms_p95']} ms",
             "≤ 40 / 80 ms"),
            ("tutorial recipe p50 / p95", f"{r['baseline_ask_ms_p50']} / {r['baseline_ask_ms_p95']} ms", ""),
            ("ask ÷ tutorial (p50)", f"{r['ask_vs_baseline_ratio']}", ""),
            (f"index build ({r['n_chunks']} chunks, {r['index_kind']})", f"{r['build_s']} s", ""),
            (f"embedding ({PASSAGES} passages of {PASSAGE_CHARS} characters, median of {EMBED_RUNS})",
             f"{r['passages_per_s']} /s (runs: {', '.join(map(str, r['passages_per_s_runs']))})", "≥ 100 /s"),
            ("peak RSS: bench process / CLI ask", f"{r['peak_rss_mb']} / {r['cli_peak_rss_mb']} MB", "")]
    return (f"# Benchmark, {r['date']}\n\nModel `{r['model']}` ({r['embedder']}), corpus hash "
            f"{r['corpus_hash'][:8]}; {m['cpus']} × {m['cpu']}, onnxruntime {m['onnxruntime']}, "
            f"torch {m['torch']}, faiss {m['faiss']}; load average "
            f"{m['load_avg_start'][0]} at the start, {m['load_avg'][0]} at the end.\n\n"
            "| measure | value | target |\n|---|---:|---:|\n"
            + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows) + "\n")


def main(argv=None) -> int:
    parser = Parser(prog="python -m evals bench", description=__doc__.split("\n")[0])
    add_common(parser, index=False)
    parser.add_argument("--asks", type=int, default=200, help="warm questions to time (default 200)")
    parser.add_argument("--out", help="results folder (default: evals/results/)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.asks < 1:
        parser.error("--asks must be at least 1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    result = bench(args.corpus, args.model, args.asks, log)
    out = Path(args.out) if args.out else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"bench-{result['date']}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", "utf-8")
    stem.with_suffix(".md").write_text(markdown(result), "utf-8")
    print(json.dumps(result, ensure_ascii=False) if args.json else markdown(result))
    log(f"written: {stem}.json, {stem}.md")
    return 0
