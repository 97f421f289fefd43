#!/usr/bin/env python3
"""Cold start of the three Lambda binaries, measured locally.

    .venv/bin/python infra/bench/cold_start.py [--runs 5] [--moto URL] [--target-dir target]

Needs the release binaries (`sam build`, or `make -f infra/build/Makefile functions`),
which land in target/lambda/<function>/bootstrap.

For each function and run it starts the binary as Lambda would, against a
small Lambda Runtime API emulator served by this script (which also answers
Slack Web API calls with {"ok": true}), with moto standing in for Secrets
Manager, DynamoDB and EventBridge. It measures

  init_ms    exec -> the first GET /runtime/invocation/next (ready), with the
             Slack credentials and the pseudonym key read from Secrets
             Manager (moto), as deployed
  local_ms   the same with the credentials in the environment: no network
             at all during init (the target of 50 ms is on this figure)
  first_ms   the first invocation: /next answered -> /response received
             (events: a signed app_mention; interactions: a signed
             `/mentoring help`; scheduler: an hourly tick on an empty table)

and prints the median of each over the runs, plus each bootstrap's size and
its zip's size (deflate, as `sam deploy` packages it). Starts its own moto
server unless --moto is given.
"""

import argparse
import hashlib
import hmac
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FUNCTIONS = ["slack-events", "slack-interactions", "scheduler"]
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
PSEUDONYM_KEY = "bench-pseudonym-key-0123456789"
CHANNEL = "C0PROGRAM"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Emulator:
    """Lambda Runtime API (one invocation per process) plus a yes-man Slack."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset(None)
        emu = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", ctype="application/json", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the runtime was stopped while we held its request

            def body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def do_GET(self):
                if self.path.endswith("/runtime/invocation/next"):
                    now = time.perf_counter()
                    with emu.lock:
                        first = emu.ready_at is None
                        if first:
                            emu.ready_at = now
                    if not first:
                        # The runtime asks for more work: hold it until the bench ends.
                        emu.done.wait(30)
                        return self.reply(500, b"{}")
                    req_id = str(uuid.uuid4())
                    body = json.dumps(emu.event).encode()
                    deadline = int(time.time() * 1000) + 10_000
                    emu.sent_at = time.perf_counter()
                    return self.reply(
                        200,
                        body,
                        headers={
                            "Lambda-Runtime-Aws-Request-Id": req_id,
                            "Lambda-Runtime-Deadline-Ms": str(deadline),
                            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:bench",
                            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                        },
                    )
                return self.reply(404, b"{}")

            def do_POST(self):
                body = self.body()
                if "/runtime/invocation/" in self.path:
                    emu.answered_at = time.perf_counter()
                    emu.outcome = ("error" if self.path.endswith("/error") else "ok", body[:300])
                    emu.answered.set()
                    return self.reply(202, b"{}")
                if self.path.endswith("/runtime/init/error"):
                    emu.outcome = ("init_error", body[:300])
                    emu.answered.set()
                    return self.reply(202, b"{}")
                if self.path.startswith("/slack/"):
                    emu.slack_calls += 1
                    return self.reply(
                        200,
                        json.dumps({"ok": True, "channel": {"id": "D0BENCH"}, "members": [], "user": {}}).encode(),
                    )
                return self.reply(404, b"{}")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a stopped runtime's connection; nothing to report

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, event):
        self.event = event
        self.ready_at = None
        self.sent_at = None
        self.answered_at = None
        self.outcome = None
        self.slack_calls = 0
        self.answered = threading.Event()
        self.done = threading.Event()


def sign(body):
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return ts, sig


def http_event(path, body, content_type):
    ts, sig = sign(body)
    return {
        "version": "2.0",
        "routeKey": f"POST {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": sig,
            "user-agent": "Slackbot 1.0",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "bench.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "bench",
            "http": {"method": "POST", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "Slackbot 1.0"},
            "requestId": str(uuid.uuid4()),
            "routeKey": f"POST {path}",
            "stage": "$default",
            "time": "27/Nov/2026:16:00:00 +0000",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": body,
        "isBase64Encoded": False,
    }


def first_event(function):
    if function == "slack-events":
        with open(os.path.join(ROOT, "infra", "events", "app-mention.json")) as f:
            doc = json.load(f)
        doc["event_id"] = "Ev" + uuid.uuid4().hex[:10].upper()
        return http_event("/slack/events", json.dumps(doc), "application/json")
    if function == "slack-interactions":
        body = urllib.parse.urlencode(
            {
                "command": "/mentoring",
                "text": "help",
                "user_id": "U0MODERATOR",
                "channel_id": CHANNEL,
                "team_id": "T0TEAM001",
                "trigger_id": "1.2.bench",
                "response_url": "https://hooks.slack.com/commands/bench",
            }
        )
        return http_event("/slack/commands", body, "application/x-www-form-urlencoded")
    return {"kind": "tick"}


def start_moto():
    port = free_port()
    exe = os.path.join(os.path.dirname(sys.executable), "moto_server")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return proc, url
        except Exception:
            time.sleep(0.1)
    proc.kill()
    sys.exit("moto did not start")


def aws_resources(moto):
    import boto3

    kw = dict(endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    suffix = uuid.uuid4().hex[:8]
    with open(os.path.join(ROOT, "infra", "table.json")) as f:
        table = json.load(f)
    table["TableName"] = f"bench-{suffix}"
    boto3.client("dynamodb", **kw).create_table(**table)
    bus = f"bench-{suffix}"
    boto3.client("events", **kw).create_event_bus(Name=bus)
    sm = boto3.client("secretsmanager", **kw)
    slack = sm.create_secret(
        Name=f"bench-{suffix}", SecretString=json.dumps({"signing_secret": SIGNING_SECRET, "bot_token": BOT_TOKEN})
    )["ARN"]
    pseudonyms = sm.create_secret(
        Name=f"bench-pseudonyms-{suffix}", SecretString=json.dumps({"pseudonym_key": PSEUDONYM_KEY})
    )["ARN"]
    return table["TableName"], bus, slack, pseudonyms


def zipped_size(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, "bootstrap")
    return len(buf.getvalue())


def run_once(binary, function, env):
    # A fresh emulator per run, so a stopped runtime's last request can't
    # reach the next run.
    emu = Emulator()
    emu.reset(first_event(function))
    env = dict(
        env,
        AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{emu.port}",
        SLACK_API_BASE_URL=f"http://127.0.0.1:{emu.port}/slack",
    )
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ok = emu.answered.wait(20)
    emu.done.set()
    proc.kill()
    _, err = proc.communicate()
    emu.server.shutdown()
    emu.server.server_close()
    if not ok or emu.outcome is None or emu.outcome[0] != "ok" or emu.ready_at is None:
        sys.exit(f"{function}: no answer ({emu.outcome}); stderr:\n{err.decode()[-2000:]}")
    return (emu.ready_at - t0) * 1000, (emu.answered_at - emu.sent_at) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--moto", help="moto endpoint (default: start one)")
    ap.add_argument("--target-dir", default=os.path.join(ROOT, "target"))
    ap.add_argument("--bin-dir", help="read <function> binaries from this directory instead of <target-dir>/lambda/<function>/bootstrap")
    args = ap.parse_args()

    moto_proc = None
    moto = args.moto
    if not moto:
        moto_proc, moto = start_moto()
    try:
        table, bus, secret_arn, pseudonym_arn = aws_resources(moto)
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_FUNCTION_NAME": "bench",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
            "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": moto,
            "TABLE_NAME": table,
            "EVENT_BUS_NAME": bus,
            "PROGRAMME_CHANNEL_ID": CHANNEL,
            "MODERATOR_IDS": "U0MODERATOR",
            "RUST_LOG": "warn",
        }
        with_secret = dict(base, SLACK_SECRET_ARN=secret_arn, PSEUDONYM_SECRET_ARN=pseudonym_arn)
        local = dict(base, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_BOT_TOKEN=BOT_TOKEN, PSEUDONYM_KEY=PSEUDONYM_KEY)
        print(f"{'function':20} {'bootstrap_MB':>12} {'zip_MB':>7} {'init_ms':>8} {'local_ms':>9} {'first_ms':>9}   (median of {args.runs})")
        worst_local, biggest_zip = 0.0, 0
        for fn in FUNCTIONS:
            binary = os.path.join(args.bin_dir, fn) if args.bin_dir else os.path.join(args.target_dir, "lambda", fn, "bootstrap")
            if not os.path.exists(binary):
                sys.exit(f"{binary} is missing: run `sam build` (or make -f infra/build/Makefile functions) first")
            inits, locals_, firsts = [], [], []
            for _ in range(args.runs):
                i, f = run_once(binary, fn, with_secret)
                inits.append(i)
                firsts.append(f)
                l, _ = run_once(binary, fn, local)
                locals_.append(l)
            size = os.path.getsize(binary)
            z = zipped_size(binary)
            med = statistics.median
            worst_local = max(worst_local, med(locals_))
            biggest_zip = max(biggest_zip, z)
            print(f"{fn:20} {size / 1e6:12.1f} {z / 1e6:7.1f} {med(inits):8.1f} {med(locals_):9.1f} {med(firsts):9.1f}")
        print(f"max_local_init_ms={worst_local:.1f} max_zip_mb={biggest_zip / 1e6:.1f}")
    finally:
        if moto_proc:
            moto_proc.kill()


if __name__ == "__main__":
    main()
