"""Pre-generates distinct, validly signed ingest requests for wrk (bench/ingest.lua).

Writes one file per wrk thread; each line is: webhook-id TAB timestamp TAB signature TAB body.
Bodies are realistic (~300 bytes) and every webhook-id is unique, so each request stores one
new event. Timestamps are "now", so the files must be used within the timestamp tolerance.
Signing uses the same scheme as the gateway (Standard Webhooks v1) via hmac/hashlib.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import time

EVENT_TYPES = [
    "appointment.scheduled", "appointment.cancelled", "appointment.rescheduled",
    "appointment.completed", "appointment.no_show",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--count", type=int, required=True, help="requests in all")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--prefix", required=True, help="webhook-id prefix, unique per run")
    parser.add_argument("--out", required=True, help="directory for the per-thread files")
    arguments = parser.parse_args()

    encoded = arguments.secret[len("whsec_"):] if arguments.secret.startswith("whsec_") else arguments.secret
    key = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    timestamp = str(int(time.time()))
    os.makedirs(arguments.out, exist_ok=True)
    files = [open(os.path.join(arguments.out, f"requests_{t}.tsv"), "w") for t in range(arguments.threads)]
    rng = random.Random(7)
    for index in range(arguments.count):
        body = json.dumps({
            "event_type": rng.choice(EVENT_TYPES),
            "appointment_id": f"apt_{index:09d}",
            "patient_id": f"pat_{rng.randrange(10**8):08d}",
            "timestamp": "2026-12-03T16:04:27.123+01:00",
            "notes": "Follow-up visit; patient asked for a morning slot. Bring previous lab results "
                     "and the referral letter. Parking at the north entrance.",
            "clinic": {"id": "north-17", "room": "B2"},
        }, separators=(",", ":"))
        webhook_id = f"{arguments.prefix}_{index:09d}"
        signed = f"{webhook_id}.{timestamp}.{body}".encode()
        signature = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        files[index % arguments.threads].write(f"{webhook_id}\t{timestamp}\t{signature}\t{body}\n")
    for handle in files:
        handle.close()


if __name__ == "__main__":
    main()
