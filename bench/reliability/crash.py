#!/usr/bin/env python3
"""Crash safety: SIGKILL `dedup serve` (SQLite) at random moments under concurrent claims and completes.

Several clients each work through their own actions as an agent loop would: claim; on `new`, execute
and complete (retrying the complete until the server answers); on `in_progress`, come back after the
lease; on a dead connection, retry once the server is back. A few clients "crash" with their claim
(never complete it), so their action must later be taken over, flagged `recovered`. Meanwhile the
server is killed with SIGKILL and restarted, again and again.

Afterwards, with the server stopped, it checks what the clients saw against the file:
  - every claim acknowledged `new` is in the ledger, and every acknowledged completion has its status
    and result;
  - no action was granted `new` twice: one row per action, and a second grant only as a takeover
    (`recovered`) after the lease of an uncompleted claim ran out;
  - every `duplicate` answer carried the result its action was completed with;
  - `PRAGMA integrity_check` is ok.

Usage: crash.py [--kills 20] [--clients 8] [--lease 2] [--workdir DIR] [--json FILE]
"""

import argparse
import json
import os
import random
import sqlite3
import tempfile
import threading
import time

import common

KEY = "dk_crash_drill_key_0123456789abcdef"


class Journal:
    """What clients saw acknowledged, per action."""

    def __init__(self):
        self.lock = threading.Lock()
        self.actions = {}  # action -> dict

    def entry(self, action):
        with self.lock:
            return self.actions.setdefault(
                action, {"grants": [], "completed": None, "call_id": None, "duplicates": [], "abandoned": False}
            )


class Client(threading.Thread):
    def __init__(self, index, server, journal, stop, lease, abandon_rate, rng_seed):
        super().__init__(daemon=True)
        self.index = index
        self.server = server
        self.journal = journal
        self.stop = stop
        self.lease = lease
        self.abandon_rate = abandon_rate
        self.rng = random.Random(rng_seed)
        self.retry = []  # (not_before, action)
        self.done = []
        self.counts = {"requests": 0, "transport_errors": 0, "unexpected": []}
        self.next_action = 0

    def body(self, action):
        customer, order = action.split("/")
        return {
            "scope": f"client-{self.index}",
            "tool": "charge_card",
            "arguments": {"customer": customer, "order": int(order), "amount": 100 + int(order) % 900,
                          "note": f"Charge order {order} for {customer}"},
        }

    def call(self, method, path, body=None):
        """Retries until the server answers (it may be dead, restarting or killed mid-request)."""
        while True:
            self.counts["requests"] += 1
            try:
                status, _, parsed = common.request(self.server.port, method, path, body, key=KEY, timeout=10)
            except OSError:
                self.counts["transport_errors"] += 1
                if self.stop.is_set() and not self.server.alive():
                    return None, None
                time.sleep(0.05)
                continue
            if status == 503:  # the ledger was busy past the request deadline; retry
                time.sleep(0.05)
                continue
            return status, parsed

    def claim(self, action):
        entry = self.journal.entry(action)
        status, verdict = self.call("POST", "/v1/claim", self.body(action))
        if status is None:
            return
        now = time.monotonic()
        decision = verdict.get("decision") if isinstance(verdict, dict) else None
        if status == 200 and decision == "new":
            entry["grants"].append({"at": now, "call_id": verdict["call_id"], "recovered": verdict["recovered"]})
            entry["call_id"] = verdict["call_id"]
            if self.rng.random() < self.abandon_rate:
                entry["abandoned"] = True  # the agent "crashes" holding the claim
                self.retry.append((now + self.lease + 0.2, action))
                return
            time.sleep(self.rng.random() * 0.01)  # execute the side effect
            result = {"receipt": f"r-{action}", "attempt": verdict["attempt"]}
            status, record = self.call(
                "POST", f"/v1/calls/{verdict['call_id']}/complete", {"status": "succeeded", "result": result}
            )
            if status == 200:
                entry["completed"] = {"call_id": verdict["call_id"], "result": result, "at": time.monotonic()}
                self.done.append(action)
            elif status is not None:
                self.counts["unexpected"].append(f"complete {action}: {status} {record}")
        elif status == 200 and decision == "duplicate":
            entry["duplicates"].append({"call_id": verdict["call_id"], "status": verdict["match"]["status"],
                                        "result": verdict["match"]["result"]})
        elif status == 409 and decision == "in_progress":
            # A claim whose answer was lost to a kill, or an abandoned one: its lease must run out first.
            self.retry.append((now + self.lease + 0.2, action))
        else:
            self.counts["unexpected"].append(f"claim {action}: {status} {verdict}")

    def run(self):
        while not self.stop.is_set():
            now = time.monotonic()
            due = [item for item in self.retry if item[0] <= now]
            if due:
                self.retry.remove(due[0])
                self.claim(due[0][1])
            elif self.done and self.rng.random() < 0.1:
                self.claim(self.rng.choice(self.done))  # a retry of a finished action must be a duplicate
            else:
                self.next_action += 1
                self.claim(f"cus_{self.index}_{self.next_action % 97}/{self.next_action}")
        # Drain: every action left waiting on a lease is claimed again until it resolves.
        deadline = time.monotonic() + self.lease * 6 + 10
        while self.retry and time.monotonic() < deadline:
            self.retry.sort()
            wait = self.retry[0][0] - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            _, action = self.retry.pop(0)
            self.claim(action)
        self.counts["left_waiting"] = len(self.retry)


def verify(journal, db_path, lease, clients):
    problems = []
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    rows = {}
    for call_id, status, result, attempts in connection.execute(
        "SELECT id, status, result, attempts FROM calls WHERE tenant = 'crash'"
    ):
        rows[call_id] = (status, json.loads(result) if result else None, attempts)
    duplicate_rows = connection.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM calls GROUP BY tenant, scope, tool, canonical HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    if duplicate_rows:
        problems.append(f"{duplicate_rows} actions have more than one row: granted new twice")
    connection.close()

    takeovers = abandoned = 0
    for action, entry in journal.actions.items():
        grants = entry["grants"]
        if entry["abandoned"]:
            abandoned += 1
        ids = {g["call_id"] for g in grants}
        if len(ids) > 1:
            problems.append(f"{action}: granted under several call ids {sorted(ids)}")
        for i, grant in enumerate(grants):
            if grant["call_id"] not in rows:
                problems.append(f"{action}: acknowledged claim {grant['call_id']} is not in the ledger")
            if i == 0:
                continue
            if not grant["recovered"]:
                problems.append(f"{action}: granted new twice without a takeover")
            elif grant["at"] - grants[i - 1]["at"] < lease - 0.5:
                problems.append(f"{action}: taken over {grant['at'] - grants[i - 1]['at']:.2f} s after the grant, "
                                f"before its {lease} s lease ran out")
            else:
                takeovers += 1
        completed = entry["completed"]
        if completed:
            row = rows.get(completed["call_id"])
            if row is None or row[0] != "succeeded" or row[1] != completed["result"]:
                problems.append(f"{action}: acknowledged completion {completed} but the ledger has {row}")
            if any(grant["at"] > completed["at"] for grant in grants):
                problems.append(f"{action}: granted new after it was completed")
        for duplicate in entry["duplicates"]:
            if duplicate["status"] == "succeeded" and completed and duplicate["result"] != completed["result"]:
                problems.append(f"{action}: a duplicate replayed {duplicate['result']}, not {completed['result']}")
    return problems, {"rows": len(rows), "takeovers": takeovers, "abandoned": abandoned, "integrity": integrity}


def arguments(description):
    """The options of a crash drill (this one and crash_pg.py's), parsed."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--lease", type=int, default=2, help="lease_seconds of the servers (short, to see takeovers)")
    parser.add_argument("--uptime", type=float, nargs=2, default=(0.3, 1.5),
                        help="time between two kills, a random value in this range (seconds)")
    parser.add_argument("--abandon", type=float, default=0.03, help="share of claims whose agent never completes")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--workdir")
    parser.add_argument("--json", help="write the figures here")
    return parser.parse_args()


def main():
    args = arguments(__doc__)

    workdir = args.workdir or tempfile.mkdtemp(prefix="dedup-crash-")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "crash.sqlite")
    config = os.path.join(workdir, "crash.json")
    common.write_config(config, database=db, lease_seconds=args.lease, log_level="warning",
                        prune_interval_seconds=0)
    rng = random.Random(args.seed)
    server = common.Server(workdir, config, {"crash": KEY})
    journal = Journal()
    stop = threading.Event()
    print(f"crash drill: {args.kills} SIGKILLs, {args.clients} clients, lease {args.lease} s, seed {args.seed}, "
          f"workdir {workdir}", flush=True)
    server.start()
    clients = [Client(i, server, journal, stop, args.lease, args.abandon, rng.random()) for i in range(args.clients)]
    for client in clients:
        client.start()
    started = time.monotonic()
    restart_times = []
    for kill in range(args.kills):
        time.sleep(rng.uniform(*args.uptime))
        server.kill()
        time.sleep(rng.uniform(0, 0.3))  # clients hammer a dead port for a moment
        t0 = time.monotonic()
        server.start()
        restart_times.append(time.monotonic() - t0)
        print(f"  kill {kill + 1}/{args.kills}: restarted in {restart_times[-1] * 1000:.0f} ms", flush=True)
    time.sleep(0.5)
    stop.set()
    for client in clients:
        client.join(timeout=args.lease * 10 + 60)
    elapsed = time.monotonic() - started
    exit_status = server.stop()

    problems, figures = verify(journal, db, args.lease, clients)
    if exit_status != 0:
        problems.append(f"the final graceful stop exited with {exit_status}")
    unexpected = [line for client in clients for line in client.counts["unexpected"]]
    problems += unexpected[:20]
    left_waiting = sum(client.counts.get("left_waiting", 0) for client in clients)
    if left_waiting:
        problems.append(f"{left_waiting} actions were still in progress after the drain")
    grants = sum(len(e["grants"]) for e in journal.actions.values())
    completions = sum(1 for e in journal.actions.values() if e["completed"])
    duplicates = sum(len(e["duplicates"]) for e in journal.actions.values())
    summary = {
        "kills": args.kills, "clients": args.clients, "lease_seconds": args.lease, "seed": args.seed,
        "seconds": round(elapsed, 1), "actions": len(journal.actions), "acknowledged_new": grants,
        "acknowledged_completions": completions, "duplicates_replayed": duplicates,
        "takeovers_recovered": figures["takeovers"], "abandoned_claims": figures["abandoned"],
        "ledger_rows": figures["rows"], "integrity_check": figures["integrity"],
        "requests": sum(c.counts["requests"] for c in clients),
        "transport_errors": sum(c.counts["transport_errors"] for c in clients),
        "restart_ms_median": round(common.percentile(restart_times, 50) * 1000),
        "restart_ms_max": round(max(restart_times) * 1000) if restart_times else 0,
        "problems": problems,
    }
    print(json.dumps(summary, indent=2))
    common.finish(summary, args.json, problems,
                  "crash drill passed: nothing acknowledged was lost, nothing was granted twice")


if __name__ == "__main__":
    main()
