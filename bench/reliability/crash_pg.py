#!/usr/bin/env python3
"""Crash safety of the shared ledger: two `dedup serve` replicas on one PostgreSQL database, SIGKILLed at
random under concurrent claims and completes.

The clients of crash.py (claim; on `new`, execute and complete; on `in_progress`, come back after the
lease; some never complete, so their action must be taken over) send every request to a random live
replica. One replica at a time is killed with SIGKILL and restarted, again and again; the other keeps
serving. Afterwards, with both stopped, the rows of PostgreSQL are copied into a SQLite snapshot and the
checks of crash.py run on it: every acknowledged `new` is in the ledger, every acknowledged completion has
its status and result, no action was granted `new` twice (one row per action; a second grant only as a
`recovered` takeover after the lease), every `duplicate` carried the stored result.

Needs PostgreSQL: $DEDUP_TEST_POSTGRES_URL, or a throwaway cluster of its own (scripts/postgres.sh).

Usage: crash_pg.py [--kills 20] [--clients 8] [--lease 2] [--workdir DIR] [--json FILE]
"""

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import threading
import time

import common
import crash

COLUMNS = "id, tenant, scope, tool, canonical, status, result, attempts"


class Replicas:
    """Looks like one `common.Server` to crash.Client: each `port` read picks a live replica at random."""

    def __init__(self, servers: list[common.Server], seed: float) -> None:
        self.servers = servers
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        live = [server for server in self.servers if server.alive()] or self.servers
        with self.lock:
            return self.rng.choice(live).port

    def alive(self) -> bool:
        return any(server.alive() for server in self.servers)


def started_cluster() -> tuple[str, dict[str, str] | None]:
    """$DEDUP_TEST_POSTGRES_URL, or a cluster started here (returned environment: to stop it)."""
    if os.environ.get("DEDUP_TEST_POSTGRES_URL"):
        return os.environ["DEDUP_TEST_POSTGRES_URL"], None
    script = os.path.join(common.ROOT, "scripts", "postgres.sh")
    output = subprocess.run(["bash", script, "start"], check=True, capture_output=True, text=True).stdout
    exported = dict(
        assignment.split("=", 1) for line in output.splitlines() for assignment in line.removeprefix("export ").split()
    )
    return exported["DEDUP_TEST_POSTGRES_URL"], exported


def fresh_database(url: str) -> str:
    """A new database on the cluster of `url`, so the drill starts from an empty ledger."""
    name = f"crash_{int(time.time())}_{random.randrange(1 << 30)}"
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True)
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def snapshot(url: str, path: str) -> None:
    """Copies the calls of the drill's tenant from PostgreSQL into a SQLite file crash.verify can read."""
    query = f"COPY (SELECT {COLUMNS} FROM calls WHERE tenant = 'crash') TO STDOUT WITH CSV"
    text = subprocess.run(["psql", url, "-qc", query], check=True, capture_output=True, text=True).stdout
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE calls (id TEXT, tenant TEXT, scope TEXT, tool TEXT, canonical TEXT, status TEXT, "
        "result TEXT, attempts INTEGER)"
    )
    rows = [[value if value != "" else None for value in row] for row in csv.reader(io.StringIO(text))]
    connection.executemany("INSERT INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()


def main() -> None:
    args = crash.arguments(__doc__)

    workdir = args.workdir or tempfile.mkdtemp(prefix="dedup-crash-pg-")
    os.makedirs(workdir, exist_ok=True)
    cluster_url, cluster = started_cluster()
    try:
        run(args, workdir, fresh_database(cluster_url))
    finally:
        if cluster is not None:
            script = os.path.join(common.ROOT, "scripts", "postgres.sh")
            subprocess.run(["bash", script, "stop"], env={**os.environ, **cluster}, check=False)


def run(args: argparse.Namespace, workdir: str, url: str) -> None:
    config = os.path.join(workdir, "crash.json")
    # Through the environment: a "database" in the file is resolved as a path against the file's folder.
    os.environ["DEDUP_DATABASE"] = url
    common.write_config(config, lease_seconds=args.lease, log_level="warning", prune_interval_seconds=0)
    rng = random.Random(args.seed)
    servers = [common.Server(workdir, config, {"crash": crash.KEY}, log_name=f"serve-{i}.log") for i in range(2)]
    replicas = Replicas(servers, rng.random())
    journal = crash.Journal()
    stop = threading.Event()
    print(f"PostgreSQL crash drill: {args.kills} SIGKILLs over 2 replicas, {args.clients} clients, "
          f"lease {args.lease} s, seed {args.seed}, workdir {workdir}", flush=True)
    for server in servers:
        server.start()
    clients = [crash.Client(i, replicas, journal, stop, args.lease, args.abandon, rng.random())
               for i in range(args.clients)]
    for client in clients:
        client.start()
    started = time.monotonic()
    restart_times = []
    for kill in range(args.kills):
        time.sleep(rng.uniform(*args.uptime))
        victim = rng.randrange(len(servers))
        servers[victim].kill()
        time.sleep(rng.uniform(0, 0.3))  # the other replica serves alone for a moment
        t0 = time.monotonic()
        servers[victim].start()
        restart_times.append(time.monotonic() - t0)
        print(f"  kill {kill + 1}/{args.kills}: replica {victim} restarted in {restart_times[-1] * 1000:.0f} ms",
              flush=True)
    time.sleep(0.5)
    stop.set()
    for client in clients:
        client.join(timeout=args.lease * 10 + 60)
    elapsed = time.monotonic() - started
    exit_statuses = [server.stop() for server in servers]

    db = os.path.join(workdir, "snapshot.sqlite")
    snapshot(url, db)
    problems, figures = crash.verify(journal, db, args.lease, clients)
    problems += [f"replica {i}: the final graceful stop exited with {status}"
                 for i, status in enumerate(exit_statuses) if status != 0]
    problems += [line for client in clients for line in client.counts["unexpected"]][:20]
    left_waiting = sum(client.counts.get("left_waiting", 0) for client in clients)
    if left_waiting:
        problems.append(f"{left_waiting} actions were still in progress after the drain")
    summary = {
        "ledger": "postgresql", "replicas": len(servers), "kills": args.kills, "clients": args.clients,
        "lease_seconds": args.lease, "seed": args.seed, "seconds": round(elapsed, 1),
        "actions": len(journal.actions), "acknowledged_new": sum(len(e["grants"]) for e in journal.actions.values()),
        "acknowledged_completions": sum(1 for e in journal.actions.values() if e["completed"]),
        "duplicates_replayed": sum(len(e["duplicates"]) for e in journal.actions.values()),
        "takeovers_recovered": figures["takeovers"], "abandoned_claims": figures["abandoned"],
        "ledger_rows": figures["rows"],
        "requests": sum(c.counts["requests"] for c in clients),
        "transport_errors": sum(c.counts["transport_errors"] for c in clients),
        "restart_ms_median": round(common.percentile(restart_times, 50) * 1000),
        "restart_ms_max": round(max(restart_times) * 1000) if restart_times else 0,
        "problems": problems,
    }
    print(json.dumps(summary, indent=2))
    common.finish(summary, args.json, problems,
                  "PostgreSQL crash drill passed: nothing acknowledged was lost, nothing was granted twice")


if __name__ == "__main__":
    main()
