#!/usr/bin/env python3
"""Disk full: run `dedup serve` with its SQLite file on a small tmpfs and claim until the disk fills.

Expected: once full, writes are answered 507 problem+json naming the file, while reads (`check`,
`GET /v1/calls/{id}`) keep working and the server stays up; after the filesystem is grown, claims succeed
again; every claim acknowledged before, during and after is in the ledger; `PRAGMA integrity_check` is ok.

Needs root (it mounts a tmpfs); without it, it says so and exits 0 (skipped).
Usage: diskfull.py [--size-mib 4] [--json FILE]
"""

import argparse
import json
import os
import sqlite3
import subprocess
import tempfile

import common

KEY = "dk_diskfull_key_0123456789abcdefg"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=4)
    parser.add_argument("--json")
    args = parser.parse_args()
    mount = tempfile.mkdtemp(prefix="dedup-diskfull-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size_mib}m", "tmpfs", mount],
                      capture_output=True).returncode != 0:
        print("disk-full drill skipped: cannot mount a tmpfs here (needs root)")
        return
    problems = []
    summary = {}
    try:
        db = os.path.join(mount, "full.sqlite")
        config = os.path.join(mount, "full.json")
        common.write_config(config, database=db, log_level="error", prune_interval_seconds=0)
        server = common.Server(mount, config, {"full": KEY})
        server.log_path = mount + "-serve.log"  # not on the full disk
        server.start()
        acknowledged = []
        statuses = {}
        first_full = None
        def claim(i):
            return common.request(server.port, "POST", "/v1/claim", key=KEY, body={
                "scope": f"s{i % 8}", "tool": "send_email",
                "arguments": {"to": f"user{i}@example.com", "body": f"Report {i} " + "padding text " * 40}})
        i = 0
        while i < 200_000:
            status, headers, verdict = claim(i)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                acknowledged.append(verdict["call_id"])
            elif status == 507:
                first_full = first_full or (i, headers.get("content-type"), verdict)
                if statuses[507] >= 20:
                    break
            else:
                problems.append(f"claim {i}: unexpected {status} {verdict}")
                break
            i += 1
        summary["claims_before_full"] = len(acknowledged)
        if not first_full:
            problems.append("the disk never filled")
        else:
            summary["full_answer"] = {"status": 507, "content_type": first_full[1], "detail": first_full[2].get("detail")}
            if first_full[1] != "application/problem+json":
                problems.append(f"507 with content type {first_full[1]}")
        # Reads still work while full, and the server is alive.
        status, _, record = common.request(server.port, "GET", f"/v1/calls/{acknowledged[0]}", key=KEY)
        summary["read_while_full"] = status
        if status != 200:
            problems.append(f"read while full: {status}")
        status, _, _ = common.request(server.port, "POST", "/v1/check", key=KEY, body={
            "scope": "s0", "tool": "send_email", "arguments": {"to": "user0@example.com"}})
        summary["check_while_full"] = status
        if status != 200:
            problems.append(f"check while full: {status}")
        # Grow the filesystem: claims succeed again, without a restart.
        subprocess.run(["mount", "-o", f"remount,size={args.size_mib * 4}m", mount], check=True)
        recovered = 0
        for j in range(i + 1, i + 101):
            status, _, verdict = claim(j)
            if status == 200:
                acknowledged.append(verdict["call_id"])
                recovered += 1
        summary["claims_after_space_freed"] = recovered
        if recovered != 100:
            problems.append(f"after freeing space only {recovered} of 100 claims succeeded")
        exit_status = server.stop()
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        summary["integrity_check"] = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0] for row in connection.execute("SELECT id FROM calls")}
        connection.close()
        missing = [call_id for call_id in acknowledged if call_id not in stored]
        summary["acknowledged"] = len(acknowledged)
        summary["missing"] = len(missing)
        if summary["integrity_check"] != "ok":
            problems.append(f"integrity_check: {summary['integrity_check']}")
        if missing:
            problems.append(f"{len(missing)} acknowledged claims are missing")
        if exit_status != 0:
            problems.append(f"graceful stop exited with {exit_status}")
    finally:
        subprocess.run(["umount", "-l", mount], capture_output=True)
    summary["problems"] = problems
    print(json.dumps(summary, indent=2))
    common.finish(summary, args.json, problems,
                  "disk-full drill passed: 507 while full, reads kept working, claims resumed, nothing lost")


if __name__ == "__main__":
    main()
