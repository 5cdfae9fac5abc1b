#!/usr/bin/env python3
"""Hostile input: targeted malformed, huge, slow and mistyped requests against `dedup serve`.

Every case is sent on a raw socket (so nothing is tidied up by an HTTP library) and must be answered
with a 4xx problem+json — or, for a case that is hostile but valid (a 900 KB string, a 100,000-element
array), a 2xx. Never a 5xx, never a dropped server. Meanwhile the server's resident memory is sampled:
a 100 MiB body must not be buffered. Calls claimed before the barrage are checked afterwards, and the
file must pass `PRAGMA integrity_check`.

Usage: hostile.py [--workdir DIR] [--json FILE] [--slowloris 200]
"""

import argparse
import os
import socket
import sqlite3
import tempfile
import threading
import time

import common

KEY = "dk_hostile_key_0123456789abcdef"
OTHER = "dk_hostile_other_0123456789abcd"
LIMIT = 1 << 20


def raw(port, data, timeout=120, stream=None):
    """Sends `data` (then `stream` chunks, if any) and returns (status, headers, body); status 0 when the
    server closed the connection without an answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            for chunk in stream or ():
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early (413) and stopped reading; read what it said
        received = b""
        try:
            while b"\r\n\r\n" not in received:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            headers = {}
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            length = int(headers.get("content-length", "0") or 0)
            while len(body) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
        except (ConnectionResetError, socket.timeout):
            head, body, headers = received, b"", {}
        status_line = head.split(b"\r\n")[0].split(b" ")
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        return status, headers, body


def http(method, path, body=b"", content_type="application/json", key=KEY, extra=b"", length=None):
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    if key is not None:
        lines.append(f"Authorization: Bearer {key}".encode())
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}".encode())
    if body is not None:
        lines.append(f"Content-Length: {len(body) if length is None else length}".encode())
    return b"\r\n".join(lines) + b"\r\n" + extra + b"\r\n" + (body or b"")


def claim_body(arguments_json):
    return b'{"scope": "hostile", "tool": "send_email", "arguments": ' + arguments_json + b"}"


def cases():
    """(name, request bytes, stream chunks or None, expected: '4xx' problem+json, 'ok' (2xx) or 'http'
    (not parseable as HTTP: a bare 4xx from the HTTP parser, or a close))."""
    mib = 1 << 20
    big_chunk = b"a" * (1 << 16)
    deep_arrays = b"[" * 10_000 + b"]" * 10_000
    deep_objects = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    out = [
        ("empty body", http("POST", "/v1/claim", b""), None, "4xx"),
        ("one byte", http("POST", "/v1/claim", b"{"), None, "4xx"),
        ("body 1 MiB + 1 (declared)", http("POST", "/v1/claim", b"x" * (LIMIT + 1)), None, "4xx"),
        ("body 100 MiB (declared length)", http("POST", "/v1/claim", b"", length=100 * mib),
         (big_chunk for _ in range(100 * mib // len(big_chunk))), "4xx"),
        ("body 100 MiB (chunked)",
         b"POST /v1/claim HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + KEY.encode()
         + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
         (b"10000\r\n" + big_chunk + b"\r\n" for _ in range(100 * mib // len(big_chunk))), "4xx"),
        ("10,000-deep arrays", http("POST", "/v1/claim", claim_body(deep_arrays)), None, "4xx"),
        ("10,000-deep objects", http("POST", "/v1/claim", claim_body(deep_objects)), None, "4xx"),
        ("invalid UTF-8 in a value", http("POST", "/v1/claim", claim_body(b'{"to": "\xff\xfe"}')), None, "4xx"),
        ("invalid UTF-8 in a key", http("POST", "/v1/claim", claim_body(b'{"\xc3\x28": 1}')), None, "4xx"),
        ("overlong UTF-8", http("POST", "/v1/claim", claim_body(b'{"to": "\xc0\xaf"}')), None, "4xx"),
        ("lone surrogate escape", http("POST", "/v1/claim", claim_body(b'{"to": "\\ud800"}')), None, "4xx"),
        ("raw NUL in a string", http("POST", "/v1/claim", claim_body(b'{"to": "a\x00b"}')), None, "4xx"),
        ("byte order mark", http("POST", "/v1/claim", b"\xef\xbb\xbf" + claim_body(b"{}")), None, "4xx"),
        ("trailing garbage", http("POST", "/v1/claim", claim_body(b"{}") + b"x"), None, "4xx"),
        ("two documents", http("POST", "/v1/claim", claim_body(b"{}") + b"{}"), None, "4xx"),
    ]
    for number in [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"1e-400", b"1e999999999", b"0x10",
                   b"01", b"1.", b".5", b"+1"]:
        out.append((f"number {number.decode()}", http("POST", "/v1/claim", claim_body(b'{"amount": ' + number + b"}")),
                    None, "4xx"))
    out += [
        ("duplicate top-level key", http("POST", "/v1/claim", b'{"scope": "a", "scope": "b", "tool": "t"}'), None, "4xx"),
        ("duplicate nested key", http("POST", "/v1/claim", claim_body(b'{"to": "a", "to": "b"}')), None, "4xx"),
        ("huge string, valid (900 KB)", http("POST", "/v1/claim", claim_body(b'{"body": "' + b"lorem ipsum " * 75_000 + b'"}')),
         None, "ok"),
        ("huge string over the limit", http("POST", "/v1/claim", claim_body(b'{"body": "' + b"x" * (LIMIT + 10) + b'"}')),
         None, "4xx"),
        ("huge array, valid (200,000 numbers)", http("POST", "/v1/claim", claim_body(b'{"ids": [' + b"7," * 199_999 + b"7]}")),
         None, "ok"),
        ("100,000 keys", http("POST", "/v1/claim", claim_body(b"{" + b",".join(b'"k%d": 1' % i for i in range(80_000)) + b"}")),
         None, "ok"),
        # Names that differ only after a control character must never alias (a NUL once ended a name in
        # SQLite's binding): refused with a 400 naming the field, in both stores.
        ("scope with an escaped NUL", http("POST", "/v1/claim", b'{"scope": "a\\u0000x", "tool": "t"}'), None, "4xx"),
        ("tool with an escaped NUL", http("POST", "/v1/claim", b'{"scope": "a", "tool": "t\\u0000x"}'), None, "4xx"),
        ("idempotency key with an escaped NUL",
         http("POST", "/v1/claim", b'{"scope": "a", "tool": "t", "idempotency_key": "k\\u0000x"}'), None, "4xx"),
        ("scope with an escaped escape character", http("POST", "/v1/claim", b'{"scope": "a\\u001bx", "tool": "t"}'),
         None, "4xx"),
        ("events of a scope with NUL", http("GET", "/v1/scopes/a%00x/events", None, content_type=None), None, "4xx"),
        ("unknown top-level field", http("POST", "/v1/claim", b'{"scope": "a", "tool": "t", "tenant": "other"}'), None, "4xx"),
        ("unknown complete field", http("POST", "/v1/calls/call_x/complete", b'{"status": "failed", "x": 1}'), None, "4xx"),
    ]
    for body in [b'{"scope": 1, "tool": "t"}', b'{"scope": "a", "tool": null}', b'{"scope": "a"}',
                 b'{"scope": "a", "tool": "t", "arguments": "x"}', b'{"scope": "a", "tool": "t", "arguments": [1]}',
                 b'{"scope": "a", "tool": "t", "lease_seconds": "10"}', b'{"scope": "a", "tool": "t", "lease_seconds": -1}',
                 b'{"scope": "a", "tool": "t", "lease_seconds": 0}', b'{"scope": "a", "tool": "t", "lease_seconds": 1.5}',
                 b'{"scope": "a", "tool": "t", "lease_seconds": 99999999999999999999}',
                 b'{"scope": "", "tool": "t"}', b'{"scope": "' + b"s" * 300 + b'", "tool": "t"}',
                 b'{"scope": "a", "tool": "t", "idempotency_key": 5}', b"[]", b'"text"', b"1", b"null", b"true"]:
        out.append((f"wrong shape {body[:60].decode(errors='replace')}", http("POST", "/v1/claim", body), None, "4xx"))
    for content_type in [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/xml", "json", ""]:
        out.append((f"content type {content_type!r}",
                    http("POST", "/v1/claim", claim_body(b"{}"), content_type=content_type), None, "4xx"))
    out += [
        ("no key", http("POST", "/v1/claim", claim_body(b"{}"), key=None), None, "4xx"),
        ("wrong key", http("POST", "/v1/claim", claim_body(b"{}"), key="dk_wrong"), None, "4xx"),
        ("key of 60 KB", http("POST", "/v1/claim", claim_body(b"{}"), key="k" * 60_000), None, "4xx"),
        ("key with invalid UTF-8", http("POST", "/v1/claim", claim_body(b"{}"), key=None,
                                        extra=b"Authorization: Bearer \xff\xfe\r\n"), None, "4xx"),
        ("header of 200 KB", http("POST", "/v1/claim", claim_body(b"{}"), extra=b"X-Pad: " + b"p" * 200_000 + b"\r\n"),
         None, "http"),
        ("10,000 headers", http("POST", "/v1/claim", claim_body(b"{}"),
                                extra=b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))), None, "http"),
        ("Idempotency-Key of 10 KB", http("POST", "/v1/claim", claim_body(b"{}"),
                                          extra=b"Idempotency-Key: " + b"i" * 10_000 + b"\r\n"), None, "4xx"),
        ("call id of 10 KB", http("GET", "/v1/calls/" + "c" * 10_000, None, content_type=None), None, "4xx"),
        ("call id with dot segments", http("GET", "/v1/calls/..%2F..%2Fetc%2Fpasswd", None, content_type=None), None, "4xx"),
        ("events limit -1", http("GET", "/v1/scopes/s/events?limit=-1", None, content_type=None), None, "4xx"),
        ("events limit abc", http("GET", "/v1/scopes/s/events?limit=abc", None, content_type=None), None, "4xx"),
        ("events limit 10^30", http("GET", "/v1/scopes/s/events?limit=" + "9" * 30, None, content_type=None), None, "4xx"),
        ("unsupported method", http("DELETE", "/v1/claim", None, content_type=None), None, "4xx"),
        ("unknown route", http("GET", "/v1/../../etc/passwd", None, content_type=None), None, "4xx"),
        ("garbage request line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", None, "http"),
        ("HTTP/0.9", b"GET /\r\n\r\n", None, "http"),
        ("negative Content-Length", http("POST", "/v1/claim", b"{}", length=-1), None, "http"),
        ("Content-Length and chunked", http("POST", "/v1/claim", b"0\r\n\r\n",
                                            extra=b"Transfer-Encoding: chunked\r\n"), None, "http"),
    ]
    return out


class Sampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            rss = self.server.rss_mib()
            if rss:
                self.peak = max(self.peak, rss)
            time.sleep(0.02)


def slow_body(port, timeout_s):
    """Content-Length 100, one byte every 0.5 s: answered 408 once the body timeout passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s + 10) as s:
        s.sendall(http("POST", "/v1/claim", b"", length=100).replace(b"Connection: close\r\n", b""))
        started = time.monotonic()
        s.settimeout(0.5)
        received = b""
        while time.monotonic() - started < timeout_s + 8:
            try:
                s.sendall(b"{")
            except OSError:
                break
            try:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
                if b"\r\n\r\n" in received:
                    break
            except socket.timeout:
                pass
        status_line = received.split(b"\r\n")[0].split(b" ")
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        return status, time.monotonic() - started, received


def slowloris(port, connections, idle_timeout):
    """Holds `connections` sockets with half-sent headers; a normal request must still be answered at
    once, and the server must drop the half-open ones after its idle timeout."""
    sockets = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /v1/claim HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(s)
    started = time.monotonic()
    status, _, _ = common.request(port, "GET", "/healthz", timeout=5)
    answered_in = time.monotonic() - started
    time.sleep(idle_timeout + 2)
    closed = 0
    for s in sockets:
        s.settimeout(0.5)
        try:
            s.sendall(b"x")
            closed += 1 if s.recv(1) == b"" else 0
        except (OSError, socket.timeout) as error:
            closed += 0 if isinstance(error, socket.timeout) else 1
        s.close()
    return status, answered_in, closed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    parser.add_argument("--slowloris", type=int, default=200)
    parser.add_argument("--max-rss-mib", type=float, default=256)
    parser.add_argument("--postgres", metavar="URL",
                        help="run against a PostgreSQL ledger at URL instead of a fresh SQLite file")
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="dedup-hostile-")
    os.makedirs(workdir, exist_ok=True)
    db = args.postgres or os.path.join(workdir, "hostile.sqlite")
    config = os.path.join(workdir, "hostile.json")
    body_timeout, idle_timeout = 2, 3
    # The drill is about behaviour, not the clock: a debug build on a machine several times slower than
    # this one must still answer the large valid cases 200, so the ledger deadline is a minute here
    # rather than the 5 s default (which the timing of the valid cases says nothing about).
    common.write_config(config, database=db, body_timeout_ms=body_timeout * 1000,
                        idle_timeout_seconds=idle_timeout, request_timeout_ms=60_000, log_level="warning")
    server = common.Server(workdir, config, {"hostile": KEY, "other": OTHER})
    server.start()
    sampler = Sampler(server)
    sampler.start()
    baseline_rss = server.rss_mib()
    problems = []

    # Calls made before the barrage, to check afterwards that nothing was lost or changed.
    before = []
    for i in range(20):
        status, _, verdict = common.request(server.port, "POST", "/v1/claim", key=KEY, body={
            "scope": "kept", "tool": "charge_card", "arguments": {"customer": f"cus_{i}", "amount": i + 1}})
        call_id = verdict["call_id"]
        common.request(server.port, "POST", f"/v1/calls/{call_id}/complete", key=KEY,
                       body={"status": "succeeded", "result": {"receipt": i}})
        before.append((call_id, i))

    results = []
    for name, data, stream, expected in cases():
        started = time.monotonic()
        try:
            status, headers, body = raw(server.port, data, stream=stream)
        except OSError as error:
            status, headers, body = 0, {}, str(error).encode()
        elapsed = time.monotonic() - started
        content_type = headers.get("content-type", "")
        if expected == "4xx":
            ok = 400 <= status < 500 and content_type == "application/problem+json"
        elif expected == "http":
            # Bytes that do not parse as HTTP never reach the application: SwiftNIO's HTTP parser answers
            # a bare 400 and closes (or just closes). Any 4xx or a close is right; a 5xx is not.
            ok = status == 0 or 400 <= status < 500
        else:
            ok = 200 <= status < 300
        alive = server.alive() and common.request(server.port, "GET", "/healthz", timeout=5)[0] == 200
        results.append({"case": name, "status": status, "content_type": content_type, "ok": ok, "alive": alive,
                        "ms": round(elapsed * 1000, 1)})
        if not ok or not alive:
            problems.append(f"{name}: status {status} {content_type} {body[:200]!r} (server alive: {alive})")
        if status >= 500:
            problems.append(f"{name}: a 5xx")

    status, elapsed, received = slow_body(server.port, body_timeout)
    results.append({"case": "slow body (1 byte / 0.5 s)", "status": status, "ok": status == 408,
                    "ms": round(elapsed * 1000)})
    if status != 408:
        problems.append(f"slow body: expected 408 after {body_timeout} s, got {status} {received[:200]!r}")
    status, answered_in, closed = slowloris(server.port, args.slowloris, idle_timeout)
    results.append({"case": f"slowloris ({args.slowloris} half-sent requests)", "status": status,
                    "ok": status == 200 and closed == args.slowloris, "healthz_ms": round(answered_in * 1000, 1),
                    "closed_by_server": closed})
    if status != 200 or answered_in > 1:
        problems.append(f"slowloris: a normal request took {answered_in:.2f} s (status {status})")
    if closed != args.slowloris:
        problems.append(f"slowloris: only {closed} of {args.slowloris} half-open connections were closed")

    # Nothing was lost or changed, and no 5xx was counted.
    for call_id, i in before:
        status, _, record = common.request(server.port, "GET", f"/v1/calls/{call_id}", key=KEY)
        if status != 200 or record.get("status") != "succeeded" or record.get("result") != {"receipt": i}:
            problems.append(f"call {call_id} changed: {status} {record}")
    status, _, metrics = common.request(server.port, "GET", "/metrics")
    server_errors = [line for line in str(metrics).splitlines() if 'http_errors_total{status="5' in line]
    if server_errors:
        problems.append(f"5xx counted in /metrics: {server_errors}")
    sampler.stop.set()
    sampler.join()
    final_rss = server.rss_mib()
    exit_status = server.stop()
    # PostgreSQL checks its own pages; the SQLite file is checked here.
    integrity = "ok" if args.postgres else sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    if exit_status != 0:
        problems.append(f"graceful stop exited with {exit_status}")
    if sampler.peak > args.max_rss_mib:
        problems.append(f"peak RSS {sampler.peak:.0f} MiB exceeds {args.max_rss_mib:.0f} MiB")

    summary = {
        "cases": len(results), "passed": sum(1 for r in results if r["ok"]),
        "rss_mib": {"start": round(baseline_rss or 0, 1), "peak": round(sampler.peak, 1),
                    "end": round(final_rss or 0, 1)},
        "integrity_check": integrity, "results": results, "problems": problems,
    }
    for r in results:
        print(f"  {'ok ' if r['ok'] else 'BAD'} {r['status']:>3}  {r['case']}")
    print(f"peak RSS {sampler.peak:.0f} MiB (start {baseline_rss:.0f} MiB); integrity_check {integrity}")
    common.finish(summary, args.json, problems,
                  f"hostile input passed: {len(results)} cases, all 4xx problem+json (or 2xx where valid), no 5xx")


if __name__ == "__main__":
    main()
