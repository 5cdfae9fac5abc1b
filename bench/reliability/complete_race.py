"""Racing completions across two `dedup serve` replicas on one PostgreSQL ledger.

Each round claims a call on one replica, then sends six concurrent `POST /v1/calls/{id}/complete` —
three `succeeded` with a result, three `failed` with an error — spread over both replicas. Exactly one
outcome may be acknowledged: the others must get 409 (or 200 only for the very same outcome). A round
where two different outcomes were both answered 200 means a caller was told its outcome was recorded and
it was overwritten. Prints the count of such rounds; exits 1 if there was any.

    python3 bench/reliability/complete_race.py --postgres URL [--rounds 200] [--json out.json]
"""
import argparse
import concurrent.futures
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

KEY = "dk_race_key_0123456789abcdef0123"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", required=True, metavar="URL")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="dedup-complete-race-")
    replicas = []
    for index in range(2):
        config = os.path.join(workdir, f"replica{index}.json")
        common.write_config(config, database=args.postgres, log_level="warning")
        server = common.Server(workdir, config, {"race": KEY}, log_name=f"serve{index}.log")
        server.start()
        replicas.append(server)
    doubled = 0
    rounds = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            for round_number in range(args.rounds):
                status, _, verdict = common.request(replicas[0].port, "POST", "/v1/claim", key=KEY, body={
                    "scope": f"race-{os.getpid()}", "tool": "charge_card",
                    "arguments": {"customer": f"cus_{round_number}", "amount": 100}})
                assert status == 200 and verdict["decision"] == "new", (status, verdict)
                call_id = verdict["call_id"]
                bodies = [{"status": "succeeded", "result": {"charge": f"ch_{i}"}} if i % 2 == 0
                          else {"status": "failed", "error": f"declined {i}"} for i in range(6)]

                def complete(i):
                    server = replicas[i % 2]
                    status, _, _ = common.request(server.port, "POST", f"/v1/calls/{call_id}/complete", key=KEY,
                                                  body=bodies[i])
                    return i, status

                answers = list(pool.map(complete, range(6)))
                acknowledged = {json.dumps(bodies[i], sort_keys=True) for i, status in answers if status == 200}
                if len(acknowledged) > 1:
                    doubled += 1
                rounds.append(sorted(status for _, status in answers))
    finally:
        for server in replicas:
            server.stop()
    summary = {"rounds": args.rounds, "rounds_with_two_outcomes_acknowledged": doubled,
               "status_mix_first_rounds": rounds[:5], "machine": common.machine()}
    print(f"{doubled} of {args.rounds} rounds acknowledged two different outcomes")
    common.finish(summary, args.json, [f"{doubled} rounds acknowledged two outcomes"] if doubled else [],
                  "racing completions: one outcome acknowledged per round")


if __name__ == "__main__":
    main()
