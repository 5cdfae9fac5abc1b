#!/usr/bin/env python3
"""Writes bench/results/reliability.md from the JSON the reliability parts left in a directory.

Usage: report.py RESULTS_DIR OUTPUT_MD
"""

import datetime
import json
import os
import sys

import common


def load(directory, name):
    path = os.path.join(directory, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def main():
    directory, output = sys.argv[1], sys.argv[2]
    crash, full, hostile, fuzz, soak = (load(directory, n) for n in ("crash", "diskfull", "hostile", "fuzz", "soak"))
    rel = os.path.relpath(directory, os.path.dirname(output))
    lines = [
        "# Reliability",
        "",
        f"Measured {datetime.date.today().isoformat()} on {common.machine()}, release build, with "
        "`bench/reliability/run.sh` (the long versions; `--short` is what CI runs). Raw figures: "
        f"[`{rel}/`]({rel}/).",
        "",
    ]
    if crash:
        lines += [
            "## Crash safety (SIGKILL under load)",
            "",
            f"`bench/reliability/crash.py --kills {crash['kills']} --clients {crash['clients']}`: {crash['clients']} "
            f"concurrent agent loops claim, execute and complete; {crash['abandoned_claims']} claims were abandoned "
            f"on purpose (the agent \"crashed\"); the server was killed with SIGKILL {crash['kills']} times at random "
            f"moments and restarted (lease {crash['lease_seconds']} s, seed {crash['seed']}).",
            "",
            "| figure | value |",
            "|---|---|",
            f"| SIGKILLs / wall time | {crash['kills']} / {crash['seconds']} s |",
            f"| requests sent (transport errors while the server was down) | {crash['requests']:,} ({crash['transport_errors']:,}) |",
            f"| actions / ledger rows | {crash['actions']:,} / {crash['ledger_rows']:,} |",
            f"| acknowledged `new` / acknowledged completions | {crash['acknowledged_new']:,} / {crash['acknowledged_completions']:,} |",
            f"| `duplicate` answers, each replaying the completed result | {crash['duplicates_replayed']:,} |",
            f"| takeovers after the lease, flagged `recovered` | {crash['takeovers_recovered']} |",
            f"| restart to first answer (median / max) | {crash['restart_ms_median']} ms / {crash['restart_ms_max']} ms |",
            f"| acknowledged claims or completions missing | **{0 if not crash['problems'] else 'see problems'}** |",
            "| actions granted `new` twice (other than a takeover) | **0** |" if not crash["problems"] else
            f"| problems | {'; '.join(crash['problems'][:5])} |",
            f"| `PRAGMA integrity_check` | {crash['integrity_check']} |",
            "",
        ]
    if full:
        lines += [
            "## Disk full",
            "",
            "`bench/reliability/diskfull.py`: the SQLite file on a 4 MiB tmpfs, claims until it fills, then the "
            "filesystem is grown while the server runs.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| answer once full | {full.get('full_answer', {}).get('status')} `{full.get('full_answer', {}).get('content_type')}`: "
            f"\"{full.get('full_answer', {}).get('detail', '').split(': database')[0]}\" |",
            f"| `GET /v1/calls/{{id}}` and `check` while full | {full.get('read_while_full')} / {full.get('check_while_full')} |",
            f"| claims after space was freed (no restart) | {full.get('claims_after_space_freed')} of 100 |",
            f"| acknowledged claims missing afterwards | {full.get('missing')} of {full.get('acknowledged')} |",
            f"| `PRAGMA integrity_check` | {full.get('integrity_check')} |",
            "",
        ]
    if hostile:
        lines += [
            "## Hostile input",
            "",
            f"`bench/reliability/hostile.py`: {hostile['cases']} targeted requests on raw sockets; "
            f"{hostile['passed']} answered as expected. Resident memory: {hostile['rss_mib']['start']} MiB at start, "
            f"{hostile['rss_mib']['peak']} MiB peak (while parsing the valid 900 KB / 200,000-element bodies), "
            f"{hostile['rss_mib']['end']} MiB at the end; the 100 MiB bodies are refused at the limit, never "
            f"buffered. Calls made before the barrage were unchanged; integrity_check {hostile['integrity_check']}.",
            "",
            "| case | status | ok |",
            "|---|---|---|",
        ]
        for r in hostile["results"]:
            extra = ""
            if "closed_by_server" in r:
                extra = f" (healthz answered in {r['healthz_ms']} ms; {r['closed_by_server']} closed by the idle timeout)"
            lines.append(f"| {r['case'].replace('|', '/')}{extra} | {r['status'] or 'closed'} | {'✓' if r['ok'] else '✗'} |")
        lines += ["", "Bytes that are not HTTP at all (a TLS hello, HTTP/0.9, a 200 KB header, 10,000 headers, a "
                  "negative or doubled length) never reach the application: SwiftNIO's parser answers a bare 400 "
                  "and closes. Everything that parses as HTTP gets problem+json.", ""]
    if fuzz:
        lines += [
            "## Fuzzing from the OpenAPI document (schemathesis)",
            "",
            f"`bench/reliability/fuzz.py --max-examples {fuzz['max_examples']}` (seed {fuzz['seed']}): "
            f"{fuzz['generated']} generated requests over every operation, all checks except "
            "`positive_data_acceptance` (cross-field rules OpenAPI cannot state), in "
            f"{fuzz['seconds']} s. 5xx answers counted by the server: {len(fuzz['server_5xx'])}.",
            "",
            "```",
            fuzz["summary"],
            "```",
            "",
        ]
    if soak:
        rps = soak["throughput_rps"]
        lines += [
            "## Sustained load",
            "",
            f"`bench/reliability/soak.py`: {soak['duration_s'] // 60} minutes of mixed traffic (claim new actions, "
            f"complete them, check reworded retries, re-claim finished ones) at {soak['connections']} connections "
            f"with wrk, window {soak['window_s']} s and pruning every {soak['prune_interval_s']} s, so the ledger "
            "rolls over ten times.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| requests / throughput | {soak['requests']:,} / {rps:,} per s |",
            f"| new / completed / duplicate / in_progress | {soak['new']:,} / {soak['completed']:,} / "
            f"{soak['duplicates']:,} / {soak['in_progress']:,} |",
            f"| failed requests (5xx, unexpected 4xx, socket errors) | **{soak['errors']}** |",
            f"| p99 per 10 s segment: median / worst | {soak['p99_ms']['median_segment']} ms / {soak['p99_ms']['worst_segment']} ms |",
            f"| resident memory: peak in the middle third / last third | {soak['rss_mib']['peak_middle_third']} / "
            f"{soak['rss_mib']['peak_last_third']} MiB |",
            f"| database + WAL: peak in the middle third / last third | {soak['disk_mib']['peak_middle_third']} / "
            f"{soak['disk_mib']['peak_last_third']} MiB |",
            "",
            f"![p99, memory and disk over time]({rel}/soak.svg)",
            "",
            "| minute | req/s | p50 ms | p99 ms | p99.9 ms | RSS MiB | DB+WAL MiB | index rows |",
            "|---|---|---|---|---|---|---|---|",
        ]
        samples = soak["samples"]
        for segment in soak["segments"][5::6]:
            t = segment["t_end"]
            sample = min(samples, key=lambda s: abs(s["t"] - t))
            lines.append(
                f"| {t / 60:.0f} | {segment['requests'] / segment['seconds']:,.0f} | {segment['p50_ms']:.2f} | "
                f"{segment['p99_ms']:.2f} | {segment['p999_ms']:.2f} | {sample['rss_mib']} | {sample['disk_mib']} | "
                f"{sample['index_rows']} |")
        lines.append("")
    with open(output, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
