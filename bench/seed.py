"""A journal as it looks after years of use: realistic rows, inserted fast, in one rhythm.

Rows arrive at a steady rate (about 1,400 a day, newest now), so a journal of 1,000 rows is
the first 17 hours of one of 1,000,000 rows: the same query over "the last day" then matches
a similar number of rows in both, and any difference is the table's size, not the answer's.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from kapture import vendor_example
from storage.models import Submission
from storage.submissions import name_key, phone_key

ROWS_PER_DAY = 1_400
CUSTOMERS = 40_000
FIRST_ORDER_ID = 23_518_266
# Outcomes in the proportions a busy desk sees them.
_OUTCOMES = ["success"] * 90 + ["rejected"] * 5 + ["http_error"] * 2 + ["auth_failed"] + ["timeout_unknown"]
_OUTCOMES += ["network_error"]
_SOURCES = ["form"] * 70 + ["editor"] * 15 + ["suite"] * 10 + ["replay"] * 3 + ["bulk"] * 2
_OPERATORS = ["Meera", "Arjun", "Asha", "QA bot", "Farah", "Vikram"]
_NAMES = ["Asha Traders", "Bharat Steel", "Chennai Silks", "Delhi Darbar", "Everest Foods", "Fortune Agro"]


def seed(engine: Engine, rows: int, *, now: datetime | None = None, batch: int = 5_000) -> None:
    """Insert ``rows`` submissions, the newest at ``now``, in batches."""
    now = now or datetime.now(UTC)
    with engine.begin() as connection:
        generated = _rows(rows, now)
        while chunk := [row for _, row in zip(range(batch), generated, strict=False)]:
            connection.execute(insert(Submission.__table__), chunk)


def _rows(count: int, now: datetime) -> Iterator[dict]:
    rng = random.Random(7)
    template = vendor_example()
    step = timedelta(days=1) / ROWS_PER_DAY
    for n in range(count):
        created = now - step * (count - 1 - n)
        customer = rng.randrange(CUSTOMERS)
        name = f"{_NAMES[customer % len(_NAMES)]} {customer}"
        phone = f"+91 9{customer:09d}"
        outcome = rng.choice(_OUTCOMES)
        order_id = str(FIRST_ORDER_ID + n) if outcome == "success" else ""
        payload = dict(template)
        payload["customer_info"] = {**template["customer_info"], "customer_name": name, "phone": phone}
        yield {
            "created_at": created,
            "finished_at": created + timedelta(milliseconds=180),
            "profile_name": "acme.kapturecrm.com",
            "base_url": "https://acme.kapturecrm.com",
            "operation": "add",
            "source": rng.choice(_SOURCES),
            "operator": rng.choice(_OPERATORS),
            "template": "",
            "variant": "",
            "run_id": "",
            "client_token": None,
            "request_body": json.dumps(payload, separators=(",", ":")),
            "payload_hash": f"{rng.getrandbits(128):032x}",
            "outcome": outcome,
            "http_status": 200 if outcome in ("success", "rejected") else 500,
            "message": "Order Added successfully !" if outcome == "success" else "Invalid request",
            "response_body": '{"status":"success","message":"Order Added successfully !"}',
            "error": "",
            "order_id": order_id,
            "customer_id": str(191_696_571 + customer),
            "enquiry_id": "",
            "contact_id": "",
            "action_event": "ADD_ORDER" if order_id else "",
            "duration_ms": rng.uniform(120, 900),
            "customer_name": name,
            "customer_name_key": name_key(name),
            "phone": phone,
            "phone_key": phone_key(phone),
            "email": f"buyer{customer}@example.com",
        }
