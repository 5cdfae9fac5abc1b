#!/usr/bin/env python3
"""Sustained load: mixed claim / complete / check / retry traffic at 64 connections for 10 minutes
against `dedup serve` with a short rolling window, so pruning runs all along.

wrk drives the load in back-to-back segments (10 s by default) so latency percentiles come out per
segment; a sampler records the server's resident memory, the database and WAL file sizes and the
vector index rows every second. Passes when no request failed, and memory and disk stopped growing
once the window filled: the last third of the run grows by less than --max-growth over the middle third
(the database file by less than that times the growth in live index rows, since the rows a window holds
follow the throughput, which differs from segment to segment), and the WAL came back under the store's
`journal_size_limit` (--wal-limit, 64 MiB) at least once in the last third. The WAL file is a high-water
mark that grows up to that limit by design, so a short run judging it by growth alone would fail a store
that is working as built.

Usage: soak.py [--duration 600] [--connections 64] [--window 60] [--json FILE] [--svg FILE]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import common

KEY = "dk_soak_key_0123456789abcdefghij"
HERE = os.path.dirname(os.path.abspath(__file__))


class Sampler(threading.Thread):
    def __init__(self, server, db):
        super().__init__(daemon=True)
        self.server, self.db = server, db
        self.samples = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def size_mib(self, path):
        try:
            return os.path.getsize(path) / (1 << 20)
        except OSError:
            return 0.0

    def run(self):
        while not self.stop.is_set():
            index_rows = None
            try:
                _, _, metrics = common.request(self.server.port, "GET", "/metrics", timeout=5)
                match = re.search(r"^dedup_index_rows (\d+)", str(metrics), re.M)
                index_rows = int(match.group(1)) if match else None
            except OSError:
                pass
            self.samples.append({
                "t": round(time.monotonic() - self.started, 1), "rss_mib": round(self.server.rss_mib() or 0, 1),
                "db_mib": round(self.size_mib(self.db), 1), "wal_mib": round(self.size_mib(self.db + "-wal"), 1),
                "index_rows": index_rows,
            })
            self.stop.wait(1)


def run_segment(port, seconds, connections, threads, prefix):
    env = dict(os.environ, DEDUP_SOAK_KEY=KEY, DEDUP_SOAK_PREFIX=prefix)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", os.path.join(HERE, "mixed.lua"), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=False,
    )
    line = next((l for l in out.stdout.splitlines() if l.startswith("SOAK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")
    text = line[5:]
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(re.sub(r',"last_error":.*}$', ',"last_error":"(unparsable)"}', text))


def svg(segments, samples, path, title):
    """p99 per segment, resident memory and database size over time, in one self-contained SVG."""
    width, height, pad = 900, 620, 60
    panels = [
        ("p99 latency per segment (ms)", [(s["t_end"], s["p99_ms"]) for s in segments], "#c0392b"),
        ("resident memory (MiB)", [(s["t"], s["rss_mib"]) for s in samples], "#2c7fb8"),
        ("database + WAL (MiB)", [(s["t"], s["db_mib"] + s["wal_mib"]) for s in samples], "#31a354"),
    ]
    t_max = max([p[0] for _, points, _ in panels for p in points] + [1])
    panel_h = (height - pad * 2) / len(panels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
             f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">{title}</text>']
    for i, (label, points, colour) in enumerate(panels):
        top = pad + i * panel_h + 10
        bottom = top + panel_h - 40
        y_max = max([p[1] for p in points] + [1e-9]) * 1.15
        def x(t):
            return pad + (width - pad * 2) * t / t_max
        def y(v):
            return bottom - (bottom - top) * v / y_max
        parts.append(f'<text x="{pad}" y="{top - 4}" font-weight="bold">{label}</text>')
        parts.append(f'<line x1="{pad}" y1="{bottom}" x2="{width - pad}" y2="{bottom}" stroke="#888"/>')
        parts.append(f'<line x1="{pad}" y1="{top}" x2="{pad}" y2="{bottom}" stroke="#888"/>')
        for fraction in (0, 0.5, 1):
            value = y_max / 1.15 * fraction
            parts.append(f'<text x="{pad - 6}" y="{y(value) + 4}" text-anchor="end">{value:.3g}</text>')
        for minute in range(0, int(t_max // 60) + 1):
            parts.append(f'<text x="{x(minute * 60)}" y="{bottom + 14}" text-anchor="middle">{minute} min</text>')
        if points:
            path_d = " ".join(f"{'M' if j == 0 else 'L'}{x(t):.1f},{y(v):.1f}" for j, (t, v) in enumerate(points))
            parts.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--segment", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--window", type=int, default=60, help="window_seconds of the server")
    parser.add_argument("--prune", type=int, default=5, help="prune_interval_seconds of the server")
    parser.add_argument("--max-growth", type=float, default=0.15)
    parser.add_argument("--wal-limit", type=float, default=64,
                        help="MiB a restarted WAL is truncated back to (SQLiteStore.walSizeLimit)")
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    parser.add_argument("--svg")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    workdir = args.workdir or tempfile.mkdtemp(prefix="dedup-soak-")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "soak.sqlite")
    config = os.path.join(workdir, "soak.json")
    common.write_config(config, database=db, window_seconds=args.window, prune_interval_seconds=args.prune,
                        log_level="warning")
    server = common.Server(workdir, config, {"soak": KEY})
    server.start()
    sampler = Sampler(server, db)
    sampler.start()
    segments = []
    print(f"soak: {args.duration} s at {args.connections} connections, window {args.window} s, "
          f"prune every {args.prune} s, {common.binary()}", flush=True)
    elapsed = 0
    while elapsed < args.duration:
        seconds = min(args.segment, args.duration - elapsed)
        result = run_segment(server.port, seconds, args.connections, args.threads, f"s{len(segments)}x")
        elapsed += seconds
        result["t_end"] = round(time.monotonic() - sampler.started, 1)
        segments.append(result)
        last = sampler.samples[-1] if sampler.samples else {}
        print(f"  {result['t_end']:6.0f} s  {result['requests'] / result['seconds']:7.0f} req/s  "
              f"p99 {result['p99_ms']:6.2f} ms  errors {result['errors'] + result['socket_errors']}  "
              f"rss {last.get('rss_mib')} MiB  db {last.get('db_mib')}+{last.get('wal_mib')} MiB  "
              f"index {last.get('index_rows')}", flush=True)
    sampler.stop.set()
    sampler.join()
    exit_status = server.stop()

    samples = sampler.samples
    t_end = samples[-1]["t"]
    def peak(key, start, end):
        values = [s[key] for s in samples if start <= s["t"] < end]
        return max(values) if values else 0.0
    def disk(s):
        return s["db_mib"] + s["wal_mib"]
    for s in samples:
        s["disk_mib"] = round(disk(s), 1)
    middle = (t_end / 3, 2 * t_end / 3)
    rss_mid, rss_last = peak("rss_mib", *middle), peak("rss_mib", middle[1], t_end + 1)
    disk_mid, disk_last = peak("disk_mib", *middle), peak("disk_mib", middle[1], t_end + 1)
    db_mid, db_last = peak("db_mib", *middle), peak("db_mib", middle[1], t_end + 1)
    rows = [(s["t"], s["index_rows"] or 0) for s in samples]
    rows_mid = max([n for t, n in rows if middle[0] <= t < middle[1]] + [0])
    rows_last = max([n for t, n in rows if t >= middle[1]] + [0])
    row_growth = rows_last / rows_mid if rows_mid else 1.0
    wal_last_min = min([s["wal_mib"] for s in samples if s["t"] >= middle[1]] + [0.0])
    requests = sum(s["requests"] for s in segments)
    errors = sum(s["errors"] + s["socket_errors"] for s in segments)
    problems = []
    if errors:
        problems.append(f"{errors} failed requests (last: {[s['last_error'] for s in segments if s['last_error']][-1:]})")
    if args.duration >= 3 * (args.window + args.prune):
        if rss_last > rss_mid * (1 + args.max_growth):
            problems.append(f"resident memory kept growing: {rss_mid:.0f} → {rss_last:.0f} MiB")
        if db_last > db_mid * (1 + args.max_growth) * max(1.0, row_growth):
            problems.append(f"database kept growing: {db_mid:.1f} → {db_last:.1f} MiB while live index rows went "
                            f"{rows_mid} → {rows_last}")
        if wal_last_min > args.wal_limit:
            problems.append(f"the WAL never came back under {args.wal_limit:.0f} MiB in the last third "
                            f"(smallest {wal_last_min:.0f} MiB): checkpoints are not restarting it")
    if exit_status != 0:
        problems.append(f"graceful stop exited with {exit_status}")
    p99s = [s["p99_ms"] for s in segments]
    summary = {
        "duration_s": args.duration, "connections": args.connections, "window_s": args.window,
        "prune_interval_s": args.prune, "machine": common.machine(), "requests": requests,
        "throughput_rps": round(requests / sum(s["seconds"] for s in segments)),
        "new": sum(s["new"] for s in segments), "completed": sum(s["completed"] for s in segments),
        "duplicates": sum(s["duplicates"] for s in segments), "in_progress": sum(s["in_progress"] for s in segments),
        "errors": errors, "p99_ms": {"median_segment": round(common.percentile(p99s, 50), 2),
                                     "worst_segment": round(max(p99s), 2)},
        "rss_mib": {"peak_middle_third": rss_mid, "peak_last_third": rss_last, "peak": peak("rss_mib", 0, t_end + 1)},
        "disk_mib": {"peak_middle_third": disk_mid, "peak_last_third": disk_last,
                     "peak": peak("disk_mib", 0, t_end + 1)},
        "db_mib": {"peak_middle_third": db_mid, "peak_last_third": db_last},
        "wal_mib": {"smallest_last_third": wal_last_min, "peak": peak("wal_mib", 0, t_end + 1)},
        "index_rows": {"peak_middle_third": rows_mid, "peak_last_third": rows_last},
        "segments": segments, "samples": samples, "problems": problems,
    }
    if args.svg:
        svg(segments, samples, args.svg,
            f"agent-dedup soak: {args.connections} connections, window {args.window} s, {args.duration // 60} min")
    print(json.dumps({k: v for k, v in summary.items() if k not in ("segments", "samples")}, indent=2))
    common.finish(summary, args.json, problems, "soak passed: no errors; memory and disk bounded")


if __name__ == "__main__":
    main()
