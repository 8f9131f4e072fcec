"""Signs deliveries with the third-party Standard Webhooks and Svix libraries and posts them.

Run by the Swift test suite (GatewayTests/ThirdPartySenderTests) against a gateway it starts.
Prints one JSON object per delivery: the library used, the HTTP status and the body.
"""

import argparse
import datetime
import json
import sys
import urllib.error
import urllib.request
import uuid

from standardwebhooks.webhooks import Webhook as StandardWebhook
from svix.webhooks import Webhook as SvixWebhook


def post(url, api_key, headers, body):
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-API-Key", api_key)
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--secret", action="append", required=True, help="sign with each (rotation)")
    arguments = parser.parse_args()

    for name, webhook_class in (("standardwebhooks", StandardWebhook), ("svix", SvixWebhook)):
        message_id = "msg_" + uuid.uuid4().hex
        now = datetime.datetime.now(tz=datetime.timezone.utc)
        body = json.dumps({
            "event_type": "appointment.scheduled",
            "appointment_id": "apt-" + name,
            "patient_id": "pat-interop",
            "timestamp": "2025-01-10T12:30:00Z",
            "notes": "signed by " + name,
        })
        # A sender holding several secrets during a rotation sends one signature per secret.
        signatures = [webhook_class(secret).sign(message_id, now, body) for secret in arguments.secret]
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": " ".join(signatures),
        }
        status, response = post(arguments.url, arguments.api_key, headers, body)
        print(json.dumps({"library": name, "status": status, "body": response}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
