#!/usr/bin/env python3
"""Monthly AWS cost of mentor-pairing, from per-member counts.

    python3 infra/bench/cost.py [--round-writes W] [--round-reads R]
        [--round-events E] [--round-invocations I] [--round-gb-s G]

The --round-* figures are per member and per round, as measured by
`local-runner bench-round` (its `dynamodb:`, `notify:` and closing lines);
the defaults are the release-build figures in the README (10,000 members:
35,008 write units, 15,593 reads, 5,001 bus entries, 5,501 invocations,
6,038 s busy at 0.25 GB = 0.15 GB-s, a 99.6 s tick on moto: 10 s per 1,000,
an overestimate kept on purpose). Everything else a
month brings (the "stay in?" reminder and its click, two check-ins and their
answers, hourly ticks, a few messages) is counted from what the code does
per member, listed in MONTH below. Prices: us-east-1, x86_64, on-demand,
no free tier. Prints a Markdown table and the arithmetic behind it.
"""

import argparse

PRICE = {
    "lambda_request": 0.20 / 1e6,  # per request
    "lambda_gb_s": 0.0000166667,  # per GB-second (x86_64; arm64 is 0.0000133334)
    "http_api_request": 1.00 / 1e6,  # API Gateway HTTP API, per request
    "ddb_write": 0.625 / 1e6,  # on-demand write request unit
    "ddb_read": 0.125 / 1e6,  # on-demand read request unit
    "ddb_gb_month": 0.25 + 0.20,  # storage + point-in-time recovery, per GB-month
    "eventbridge_event": 1.00 / 1e6,  # custom bus, per event published
    "scheduler_invocation": 1.00 / 1e6,  # EventBridge Scheduler (14M/month free, ignored)
    "secret_month": 0.40,  # per secret per month
    "secret_call": 0.05 / 1e4,  # per API call
    "logs_gb": 0.50,  # CloudWatch Logs ingestion, per GB
    "logs_gb_month": 0.03,  # storage, per GB-month
    "alarm_month": 0.10,  # standard alarm
}

MEMORY_GB = 256 / 1024  # MemorySize in the template
SECRETS = 2  # the Slack secret and the pseudonym key
ALARMS = 10  # CloudWatch alarms in the template (tests/tests/alarms.rs lists them)
TICKS = 24 * 30  # hourly EventBridge Scheduler tick

# Per member per month, outside the round itself (what the code does):
MONTH = {
    # "stay in?": 1 bus event -> 1 scheduler invocation (claim + complete = 2
    # writes, member read), 1 DM; the Yes click: 1 HTTP request (click claim +
    # complete, member update, ledger = 4 writes, 2 reads).
    # Check-ins: 2 per group (= 1 per member per check-in day) -> 1 bus
    # event, 1 scheduler invocation per group, claim + complete per group;
    # about half the members answer (group update + click claim/complete).
    # Plus about 2 other Slack requests per member (messages, App Home).
    "http_requests": 1 + 2 * 0.5 + 2,
    "scheduler_invocations": 1 + 2 * 0.5,
    "eventbridge_events": 1 + 2 * 0.5,
    "writes": 2 + 4 + 2 * (0.5 * 2 + 0.5 * 3) + 2 * 1,
    "reads": 2 + 2 + 2 * (0.5 * 2 + 0.5 * 2) + 2 * 2,
}
HTTP_SECONDS = 0.10  # billed time of one Slack request (a few DynamoDB calls)
SCHEDULER_SECONDS = 0.30  # one reminder / check-in (DynamoDB + 1-2 Slack calls)
TICK_SECONDS = 0.10  # an hourly tick with nothing due (a few reads)
TICK_READS = 4
LOG_BYTES_PER_INVOCATION = 1500  # our JSON lines + Lambda's START/END/REPORT
ITEM_KB_PER_MEMBER = 2.0  # profile + ~24 months of groups and markers
COLD_STARTS_PER_MONTH = 3 * 24 * 30 / 4  # a cold start per function about every 4 h


def monthly(n, a):
    http = n * MONTH["http_requests"]
    sched = TICKS + n * (MONTH["scheduler_invocations"] + a.round_invocations)
    gb_s = (
        http * HTTP_SECONDS * MEMORY_GB
        + TICKS * TICK_SECONDS * MEMORY_GB
        + n * MONTH["scheduler_invocations"] * SCHEDULER_SECONDS * MEMORY_GB
        + n * a.round_gb_s
        + a.plan_seconds(n) * MEMORY_GB
    )
    invocations = http + sched
    writes = n * (MONTH["writes"] + a.round_writes)
    reads = n * (MONTH["reads"] + a.round_reads) + TICKS * TICK_READS
    events = n * (MONTH["eventbridge_events"] + a.round_events)
    log_gb = invocations * LOG_BYTES_PER_INVOCATION / 1e9
    store_gb = n * ITEM_KB_PER_MEMBER / 1e6
    secret_calls = COLD_STARTS_PER_MONTH * SECRETS
    c = {
        "Lambda requests": invocations * PRICE["lambda_request"],
        "Lambda GB-s": gb_s * PRICE["lambda_gb_s"],
        "HTTP API": http * PRICE["http_api_request"],
        "DynamoDB": writes * PRICE["ddb_write"] + reads * PRICE["ddb_read"] + store_gb * PRICE["ddb_gb_month"],
        "EventBridge": events * PRICE["eventbridge_event"] + TICKS * PRICE["scheduler_invocation"],
        "Secrets Manager": SECRETS * PRICE["secret_month"] + secret_calls * PRICE["secret_call"],
        "CloudWatch": log_gb * PRICE["logs_gb"] + log_gb * PRICE["logs_gb_month"] + ALARMS * PRICE["alarm_month"],
    }
    counts = dict(
        invocations=invocations, gb_s=gb_s, http=http, writes=writes, reads=reads, events=events, log_gb=log_gb
    )
    return c, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--round-writes", type=float, default=3.5, help="DynamoDB write units per member per round")
    ap.add_argument("--round-reads", type=float, default=1.56, help="DynamoDB read requests per member per round")
    ap.add_argument("--round-events", type=float, default=0.5, help="EventBridge entries per member per round")
    ap.add_argument("--round-invocations", type=float, default=0.55, help="scheduler invocations per member per round")
    ap.add_argument(
        "--round-gb-s", type=float, default=0.15, help="scheduler GB-s per member per round (busy time x 0.25 GB)"
    )
    ap.add_argument("--plan-s-per-1000", type=float, default=10.0, help="tick seconds per 1,000 members")
    ap.add_argument("--members", default="100,1000,10000")
    a = ap.parse_args()
    a.plan_seconds = lambda n: a.plan_s_per_1000 * n / 1000
    sizes = [int(x) for x in a.members.split(",")]
    rows = {}
    detail = []
    for n in sizes:
        c, k = monthly(n, a)
        rows[n] = c
        detail.append(
            f"{n:>6} members: {k['invocations']:,.0f} invocations, {k['gb_s']:,.0f} GB-s, "
            f"{k['http']:,.0f} HTTP API requests, {k['writes']:,.0f} writes, {k['reads']:,.0f} reads, "
            f"{k['events']:,.0f} bus events, {k['log_gb'] * 1000:,.1f} MB of logs"
        )
    print("| USD / month | " + " | ".join(f"{n:,} members" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for item in rows[sizes[0]]:
        print(f"| {item} | " + " | ".join(f"{rows[n][item]:.2f}" for n in sizes) + " |")
    print("| **total** | " + " | ".join(f"**{sum(rows[n].values()):.2f}**" for n in sizes) + " |")
    print()
    for line in detail:
        print(line)


if __name__ == "__main__":
    main()
