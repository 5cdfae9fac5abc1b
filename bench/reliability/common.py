"""Shared helpers for the reliability suite: run `dedup serve`, talk HTTP to it, read its memory.

Standard library only, so the suite runs on a fresh machine with nothing but Python 3.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def binary():
    """The dedup executable: $DEDUP_BIN, else the release build, else the debug build."""
    if os.environ.get("DEDUP_BIN"):
        return os.path.abspath(os.environ["DEDUP_BIN"])
    for kind in ("release", "debug"):
        path = os.path.join(ROOT, ".build", kind, "dedup")
        if os.path.exists(path):
            return path
    raise SystemExit("no dedup binary: run `swift build -c release` or set DEDUP_BIN")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`dedup serve` as a child process on a fixed loopback port, so restarts keep the address."""

    def __init__(self, workdir, config, keys, port=None, log_name="serve.log"):
        self.workdir = workdir
        self.config = config
        self.keys = keys
        self.port = port or free_port()
        self.log_path = os.path.join(workdir, log_name)
        self.process = None
        self.starts = 0

    def start(self, timeout=120):
        env = dict(os.environ)
        env["DEDUP_API_KEYS"] = ",".join(f"{tenant}:{key}" for tenant, key in self.keys.items())
        env.pop("DEDUP_CONFIG", None)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [binary(), "serve", "--config", self.config, "--port", str(self.port)],
            cwd=self.workdir, env=env, stdout=log, stderr=log,
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dedup serve exited with {self.process.returncode}; see {self.log_path}")
            try:
                status, _, _ = request(self.port, "GET", "/healthz", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"dedup serve did not answer within {timeout} s; see {self.log_path}")

    def kill(self):
        """SIGKILL: no shutdown hook runs, the WAL is not checkpointed, in-flight requests die."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM, the graceful path; returns the exit status."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_mib(self):
        return rss_mib(self.process.pid) if self.alive() else None


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def request(port, method, path, body=None, key=None, headers=None, timeout=10, conn=None):
    """One request; returns (status, headers dict with lower-case names, parsed JSON or raw text).

    Raises OSError (connection refused/reset, timeout) when no HTTP answer came back.
    """
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
    except (http.client.HTTPException, OSError) as error:
        conn.close()
        raise OSError(str(error)) from error
    finally:
        if own:
            conn.close()
    response_headers = {k.lower(): v for k, v in response.getheaders()}
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return response.status, response_headers, parsed


def write_config(path, **settings):
    with open(path, "w") as f:
        json.dump(settings, f, indent=2)


def finish(summary, json_path, problems, passed):
    """Ends a part: writes `summary` to `json_path` (if given), then exits 1 listing `problems`, or
    prints `passed`."""
    if json_path:
        with open(json_path, "w") as f:
            json.dump(summary, f, indent=1)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"FAILED: {len(problems)} problems", file=sys.stderr)
        sys.exit(1)
    print(passed)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[index]


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores, {cpu}"
