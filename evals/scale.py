"""`python -m evals scale`: vector search at 10k, 100k and 1M chunks, exact against approximate.

    python -m evals scale [--json] [--sizes 10000,100000,1000000] [--dim 384] [--kinds LIST]
                          [--decay 1.0] [--queries 200] [--seed 0] [--out DIR]

In: sizes, dimension and index kinds (`index.store`). Out: per size and kind the build time,
the index size (bytes of the serialised index, about what it holds in memory), and for each
search breadth (efSearch / nprobe) single-query search p50/p95 in ms (one thread: a query per
core) and recall@10 against exact search (`faiss.knn`); printed, and written as
`scale-<date>.json` / `.md` under evals/results/.

The vectors are synthetic and shaped like e5 embeddings rather than uniform on the sphere:
Gaussian with eigenvalues decaying as i^-decay in a random basis, normalised. The default
corpus's 455 real e5 vectors decay as i^-1.6 (participation ratio 33); the default 1.0 is
flatter, so harder. `--decay 0` gives uniform random unit vectors, the worst case, whose
10-nearest neighbours are all nearly equidistant and which no index finds cheaply. Queries are
noisy copies of stored vectors, normalise(x + 0.5·u) with u drawn from the same distribution
(cosine ~0.9 to their source, like a paraphrase): a purely random query has no near neighbours
and measures nothing an assistant sees.

`--chunks N` also measures the lexical side on real text: N passages of ~150 characters
recombined from sentences of the default corpus's provisions, tokenised (jieba words and
character pairs), two BM25 indexes built, and the per-question cost of scoring them and of
taking the top 100 by a full sort (`assistant.retrieve`) or by a partial one; with the resident
memory they add per chunk.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from index.cli_common import Parser
from index.store import APPROX_FROM, APPROX_KIND, FaissStore, choose_kind, default_effort, ivf_lists

from .report import DEFAULT_OUT

KINDS = ("flat", "hnsw_flat", "hnsw_sq8", "ivfpq", "ivfpqr", "ivfsq8")
EFFORTS = {"hnsw": (16, 32, 64, 128, 256, 384, 512), "ivf": (16, 32, 64, 128, 256, 384)}
NOISE = 0.5
K = 10
PRODUCT_K = 256  # dense candidates the retriever asks for (assistant.retrieve.DENSE_CANDIDATES)


class Synthetic:
    """Unit vectors of dimension `dim` with covariance spectrum i^-decay (see module docstring)."""

    def __init__(self, dim: int, decay: float, seed: int):
        self.rng = np.random.default_rng(seed)
        self.scale = (np.arange(1, dim + 1, dtype=np.float64) ** (-decay / 2)).astype(np.float32)
        basis, _ = np.linalg.qr(self.rng.standard_normal((dim, dim)))
        self.basis_t = np.ascontiguousarray(basis.T, dtype=np.float32)

    def draw(self, n: int, block: int = 100_000) -> np.ndarray:
        out = np.empty((n, len(self.scale)), np.float32)
        for s in range(0, n, block):
            z = self.rng.standard_normal((min(block, n - s), len(self.scale)), dtype=np.float32)
            z = (z * self.scale) @ self.basis_t
            out[s:s + len(z)] = z / np.linalg.norm(z, axis=1, keepdims=True)
        return out

    def noisy_copies(self, vectors: np.ndarray, n: int) -> np.ndarray:
        """`n` queries: normalise(x + NOISE·u) for random stored rows x."""
        rows = self.rng.choice(len(vectors), size=n, replace=False)
        q = vectors[rows] + NOISE * self.draw(n)
        return q / np.linalg.norm(q, axis=1, keepdims=True)


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the exact top-k found: ([[1, 2]], [[2, 3]]) -> 0.5."""
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def latencies_ms(store: FaissStore, queries: np.ndarray, k: int) -> np.ndarray:
    """One query at a time on one thread, after one untimed pass."""
    faiss.omp_set_num_threads(1)
    try:
        for q in queries[:20]:
            store.search(q, k)
        out = np.empty(len(queries))
        for i, q in enumerate(queries):
            started = time.perf_counter()
            store.search(q, k)
            out[i] = (time.perf_counter() - started) * 1000
        return out
    finally:
        faiss.omp_set_num_threads(build_threads())


def build_threads() -> int:
    return os.cpu_count() or 1


def kind_name(base: str, n: int) -> str:
    return f"{base}_{ivf_lists(n)}" if base.startswith("ivf") else base


def serialised_bytes(store: FaissStore) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store.save(Path(tmp) / "index.faiss")
        return (Path(tmp) / "index.faiss").stat().st_size


def measure_kind(kind: str, vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray,
                 log) -> dict:
    """Build one index, then search it at every breadth of its family."""
    started = time.perf_counter()
    store = FaissStore.create(vectors.shape[1], kind)
    store.add(vectors)
    build_s = time.perf_counter() - started
    size = serialised_bytes(store)
    family = "hnsw" if kind.startswith("hnsw") else "ivf" if kind.startswith("ivf") else None
    default = default_effort(kind)
    efforts = sorted({*EFFORTS[family], default}) if family else [0]
    sweep = []
    for effort in efforts:
        store.effort = effort
        found = store.search(queries, K)[1]
        lat = latencies_ms(store, queries, K)
        sweep.append({"effort": effort, "recall_at_10": round(recall_at_k(found, truth), 4),
                      "search_ms_p50": round(float(np.percentile(lat, 50)), 3),
                      "search_ms_p95": round(float(np.percentile(lat, 95)), 3)})
        log(f"    {kind} effort {effort}: recall@10 {sweep[-1]['recall_at_10']:.3f}, "
            f"p50 {sweep[-1]['search_ms_p50']:.2f} ms")
    store.effort = default
    at_default = next(s for s in sweep if s["effort"] == default)
    row = {"kind": kind, "build_s": round(build_s, 2), "index_mb": round(size / 1e6, 1),
           "bytes_per_vector": round(size / len(vectors), 1), **at_default,
           "qps_per_core": round(1000 / max(at_default["search_ms_p50"], 1e-3)), "sweep": sweep}
    if kind.startswith(APPROX_KIND) or kind == "flat":
        row["search_ms_p50_k256"] = round(float(np.percentile(latencies_ms(store, queries, PRODUCT_K), 50)), 3)
    del store
    gc.collect()
    return row


def run_size(n: int, dim: int, kinds: list[str], decay: float, n_queries: int, seed: int, log) -> dict:
    gen = Synthetic(dim, decay, seed)
    started = time.perf_counter()
    vectors = gen.draw(n)
    queries = gen.noisy_copies(vectors, n_queries)
    truth = faiss.knn(queries, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)[1]
    log(f"  {n:,} vectors and exact top-{K} of {n_queries} queries in {time.perf_counter() - started:.1f}s")
    rows = []
    for base in kinds:
        kind = kind_name(base, n)
        log(f"  building {kind} over {n:,} …")
        rows.append(measure_kind(kind, vectors, queries, truth, log))
        log(f"  {kind}: built in {rows[-1]['build_s']}s, {rows[-1]['index_mb']} MB")
    return {"n": n, "chosen_kind": choose_kind(n), "kinds": rows}


def lexical_at_scale(n: int, log) -> dict:
    """Tokenise, index and query `n` synthetic chunks of real provision text (see module docstring)."""
    import psutil

    from assistant.query import make_query
    from corpus import load_corpus
    from index.lexical import BM25, bigrams, tokenize

    from .bench import questions, synthetic_passages

    rss = psutil.Process().memory_info
    texts = synthetic_passages(load_corpus(None), n)
    tokenize(texts[0])  # jieba's dictionary loads once
    gc.collect()
    before = rss().rss
    started = time.perf_counter()
    words = [tokenize(t) for t in texts]
    tokenize_s = time.perf_counter() - started
    started = time.perf_counter()
    indexes = [BM25(words), BM25([bigrams(t) for t in texts])]
    bm25_s = time.perf_counter() - started
    del words
    gc.collect()
    per_chunk = (rss().rss - before) / n
    held = sum(ix.docs.nbytes + ix.weights.nbytes + ix.indptr.nbytes + sys.getsizeof(ix.vocab)
               + sum(sys.getsizeof(t) for t in ix.vocab) for ix in indexes) / n
    log(f"  {n:,} chunks: tokenised in {tokenize_s:.1f}s, two BM25 in {bm25_s:.1f}s, "
        f"{held:,.0f} bytes a chunk held by the indexes, resident memory +{per_chunk:,.0f} a chunk")
    score, full, part = [], [], []
    for question in questions()[:200]:
        lexical = make_query(question).lexical
        started = time.perf_counter()
        arrays = [indexes[0].scores(tokenize(lexical)), indexes[1].scores(bigrams(lexical))]
        score.append(time.perf_counter() - started)
        started = time.perf_counter()
        for a in arrays:
            np.argsort(-a)[:100]
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        for a in arrays:
            top = np.argpartition(-a, 100)[:100]
            top[np.argsort(-a[top], kind="stable")]
        part.append(time.perf_counter() - started)
    ms = lambda xs: round(float(np.percentile(xs, 50)) * 1000, 2)  # noqa: E731
    return {"n": n, "chunks_per_s_tokenise": round(n / tokenize_s), "bm25_build_s": round(bm25_s, 1),
            "index_bytes_per_chunk": round(held), "rss_bytes_per_chunk": round(per_chunk),
            "score_ms_p50": ms(score),
            "top100_full_sort_ms_p50": ms(full), "top100_partial_sort_ms_p50": ms(part)}


def machine() -> dict:
    return {"cpus": os.cpu_count(), "cpu": _cpu_name(), "python": platform.python_version(),
            "faiss": faiss.__version__, "load_avg": [round(x, 2) for x in os.getloadavg()]}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def markdown(result: dict) -> str:
    p, m = result["params"], result["machine"]
    lines = [f"# Vector search at scale, {result['date']}", "",
             f"{p['dim']}-dimensional synthetic unit vectors, spectrum decay {p['decay']} "
             f"(see `evals/scale.py`), {p['queries']} noisy-copy queries, recall@{K} against exact "
             f"search. Single-query latency on one thread; {m['cpus']} × {m['cpu']}, load average "
             f"{m['load_avg_start'][0]} at the start and {m['load_avg'][0]} at the end. Index sizes are "
             "serialised bytes. `effort` = efSearch (HNSW) or nprobe (IVF), the store's default. "
             f"`choose_kind`: flat below {p['approx_from']:,} vectors, else {p['approx_kind']}.", "",
             "| n | kind | build s | index MB | bytes/vector | effort | recall@10 | p50 ms | p95 ms "
             "| QPS/core | p50 ms at k=256 |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in result["sizes"]:
        for r in size["kinds"]:
            chosen = " (chosen)" if r["kind"] == size["chosen_kind"] else ""
            lines.append(f"| {size['n']:,} | {r['kind']}{chosen} | {r['build_s']} | {r['index_mb']} | "
                         f"{r['bytes_per_vector']} | {r['effort'] or '–'} | {r['recall_at_10']:.3f} | "
                         f"{r['search_ms_p50']} | {r['search_ms_p95']} | {r['qps_per_core']:,} | "
                         f"{r.get('search_ms_p50_k256', '–')} |")
    lines += ["", "Recall@10 and p50 ms by search breadth (efSearch or nprobe):", "",
              "| n | kind | breadth: recall@10 / p50 ms |", "|---:|---|---|"]
    for size in result["sizes"]:
        for r in size["kinds"]:
            if len(r["sweep"]) > 1:
                cells = [f"{s['effort']}: {s['recall_at_10']:.3f} / {s['search_ms_p50']}" for s in r["sweep"]]
                lines.append(f"| {size['n']:,} | {r['kind']} | " + "; ".join(cells) + " |")
    if lex := result.get("lexical"):
        lines += ["", f"Lexical side over {lex['n']:,} chunks of real provision text: tokenised at "
                  f"{lex['chunks_per_s_tokenise']:,} chunks/s, two BM25 indexes built in {lex['bm25_build_s']} s, "
                  f"holding {lex['index_bytes_per_chunk']:,} bytes a chunk (resident memory grew by "
                  f"{lex['rss_bytes_per_chunk']:,} bytes a chunk, allocator slack included); per question, scoring both "
                  f"{lex['score_ms_p50']} ms, top 100 of each by full sort {lex['top100_full_sort_ms_p50']} ms, "
                  f"by partial sort {lex['top100_partial_sort_ms_p50']} ms (p50)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = Parser(prog="python -m evals scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated vector counts")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, from {','.join(KINDS)}")
    parser.add_argument("--decay", type=float, default=1.0,
                        help="spectrum decay of the synthetic vectors (0 = uniform random)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="results folder (default: evals/results/)")
    parser.add_argument("--chunks", type=int, default=0,
                        help="also measure tokenising and BM25 over this many chunks of real text")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if unknown := [k for k in kinds if k not in KINDS]:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    if any(n <= args.queries for n in sizes):
        parser.error("every size must be larger than --queries")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    faiss.omp_set_num_threads(build_threads())
    load_start = [round(x, 2) for x in os.getloadavg()]
    log(f"load average {load_start[0]} (above {os.cpu_count()} the timings are inflated)")
    results = []
    for n in sizes:
        log(f"n = {n:,}")
        results.append(run_size(n, args.dim, kinds, args.decay, args.queries, args.seed, log))
    result = {"date": dt.date.today().isoformat(),
              "params": {"dim": args.dim, "decay": args.decay, "queries": args.queries, "noise": NOISE,
                         "k": K, "seed": args.seed, "approx_from": APPROX_FROM, "approx_kind": APPROX_KIND},
              "machine": {**machine(), "load_avg_start": load_start}, "sizes": results}
    if args.chunks:
        log(f"lexical side over {args.chunks:,} chunks of real provision text …")
        result["lexical"] = lexical_at_scale(args.chunks, log)
    out = Path(args.out) if args.out else DEFAULT_OUT
    suffix = "" if args.decay == 1.0 else f"-decay{args.decay:g}"
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"scale-{result['date']}{suffix}.json", out / f"scale-{result['date']}{suffix}.md"
    json_path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown(result), encoding="utf-8")
    print(json.dumps(result) if args.json else markdown(result))
    log(f"written: {json_path}, {md_path}")
    return 0
