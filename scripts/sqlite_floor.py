#!/usr/bin/env python3
"""SQLite's own ceiling for the gateway's writes, with nothing else running.

Replays, from one thread, what the message writer commits for each batch of 85 submits:
the messages' rows and charge lines (multi-row INSERTs in the writer's shapes), the handoffs
(ENROUTE) of the previous batch (one JSON-fed INSERT), the delivery roll-up upsert, and a
commit with synchronous=FULL in WAL mode. The schema is taken from a database the service
created, so it is the real one with its indexes:

    SIM_DELAY_MS=600000 target/release/examples/smpp_load 4 64 20000 "sqlite:///tmp/x.db?mode=rwc"
    python3 scripts/sqlite_floor.py /tmp/x.db [all|noup|bare] [BATCHES]

`noup` leaves out the handoffs; `bare` writes only the message rows.
"""
import json
import os
import shutil
import sqlite3
import sys
import time

source = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "all"
batches = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
copy = source + ".floor"
for f in (copy, copy + "-wal", copy + "-shm"):
    if os.path.exists(f):
        os.remove(f)
s = sqlite3.connect(source)
s.execute("pragma wal_checkpoint(truncate)")
s.close()
shutil.copy(source, copy)
c = sqlite3.connect(copy, isolation_level=None)
for pragma in ("journal_mode=wal", "synchronous=FULL", "cache_size=-65536", "temp_store=memory"):
    c.execute("pragma " + pragma)

COLUMNS = (
    "message_id, customer_id, direction, kind, number_id, number_kind, source, destination, "
    "destination_country, carrier_id, status, reject_reason, error_code, data_coding, encoding, "
    "fragment_count, body, concat_ref, concat_total, concat_seq, registered_delivery, "
    "receipt_failure_only, priority, expires_at, "
    "charge_micros, currency, submitted_at, done_at, updated_at, use_case_id, subject"
).split(", ")
CHARGES = (
    "message_id, kind, quantity, unit_price_micros, amount_micros, rate_card_id, rate_id, "
    "carrier_fee_id, international"
).split(", ")
BATCH = 85
SHAPES = (64, 16, 4, 1)
now = "2026-12-01T21:05:58.793224958+00:00"


def insert(table, columns, rows):
    one = "(" + ", ".join("?" * len(columns)) + ")"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([one] * len(rows))
    c.execute(sql, [v for r in rows for v in r])


def row(i):
    return ["floor%017d" % i, 1, "mt", "sms", 1, "long_code", "+12065550100",
            "+1425%07d" % (2000000 + i), "US", None, "accepted", None, None, 0, "gsm7", 1,
            "Your code is 482913. It expires in 10 minutes.", None, None, None, 0, 0, 0, now,
            6320, "USD", now, None, now, None, None]


previous = []
started = time.time()
n = 0
for _ in range(batches):
    rows = [row(n + k) for k in range(BATCH)]
    n += BATCH
    c.execute("begin")
    at = 0
    for shape in SHAPES:
        while len(rows) - at >= shape:
            chunk = rows[at:at + shape]
            at += shape
            insert("messages", COLUMNS, chunk)
            if mode != "bare":
                insert("message_charges", CHARGES,
                       [[r[0], "usage", 1, 6320, 6320, 2, 45, None, 0] for r in chunk])
    if previous and mode == "all":
        c.execute(
            "INSERT INTO message_handoffs (message_id, connector, carrier_message_id, sent_at) "
            "SELECT value ->> 0, ?, value ->> 1, ? FROM json_each(?) WHERE true "
            "ON CONFLICT (message_id) DO NOTHING",
            ["simulator", now, json.dumps([[m, "sim-" + m] for m in previous])])
    if mode != "bare":
        c.execute(
            "INSERT INTO delivery_daily (day, customer_id, number_id, carrier_id, direction, "
            "received, fragments, delivered, undeliverable, expired, rejected, cancelled) "
            "VALUES ('2026-12-01', 1, 1, 0, 'mt', ?, ?, 0, 0, 0, 0, 0) ON CONFLICT (day, "
            "customer_id, number_id, carrier_id, direction) DO UPDATE SET received = received "
            "+ excluded.received, fragments = fragments + excluded.fragments", (BATCH, BATCH))
    c.execute("commit")
    previous = [r[0] for r in rows]
took = time.time() - started
print(f"{mode}: {took / batches * 1e3:.2f} ms per commit of {BATCH} messages, "
      f"{n / took:,.0f} messages/s")
for f in (copy, copy + "-wal", copy + "-shm"):
    if os.path.exists(f):
        os.remove(f)
