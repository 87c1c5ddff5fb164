"""What a window pushes (DESIGN.md §9 `POST /sync/push`): sale and refund ops built from a
seeded `random.Random`, so a run is repeatable. Pure functions, no I/O."""

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from .traffic import iso_utc

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ticket_code(rng: random.Random) -> str:
    """`MP1-` + 26 base32 characters, like a window makes them."""
    return "MP1-" + "".join(rng.choice(_BASE32) for _ in range(26))


def sale_op(rng: random.Random, *, seq: int, order_no: str, day: date, ticket_type: str,
            qty: int, price_fen: int, terminal: str, clerk: str, device_id: str,
            sold_at: datetime, lease_id: str | None = None) -> dict[str, Any]:
    """A cash sale made at a window (offline, maybe on a lease), as its outbox op."""
    amount = price_fen * qty
    payload = {
        "order_id": new_uuid(rng), "order_no": order_no, "channel": "window",
        "visit_date": day.isoformat(), "lines": [{"ticket_type": ticket_type, "qty": qty}],
        "customer": None,
        "payment": {"method": "cash", "amount_fen": amount, "tendered_fen": amount},
        "tickets": [{"ticket_id": new_uuid(rng), "code": ticket_code(rng),
                     "ticket_type": ticket_type} for _ in range(qty)],
        "lease_id": lease_id,
        "leases": [{"lease_id": lease_id, "ticket_type": ticket_type, "qty": qty}]
        if lease_id else [],
        "terminal": terminal, "clerk": clerk, "device_id": device_id,
        "created_at": iso_utc(sold_at)}
    return {"op_id": new_uuid(rng), "seq": seq, "kind": "sale",
            "device_time": iso_utc(sold_at), "payload": payload}


def refund_op(rng: random.Random, *, seq: int, order_no: str, order_id: str,
              ticket_ids: Sequence[str], amount_fen: int, clerk: str, refunded_at: datetime,
              reason: str = "游客临时有事（窗口离线退现金）") -> dict[str, Any]:
    """A cash refund made at a window while it was offline, as its outbox op."""
    payload = {"order_no": order_no, "order_id": order_id, "refund_id": new_uuid(rng),
               "refund_no": f"{order_no}-R1", "ticket_ids": list(ticket_ids),
               "amount_fen": amount_fen, "fee_fen": 0, "payment_fee_fen": 0,
               "reason": reason, "clerk": clerk, "created_at": iso_utc(refunded_at)}
    return {"op_id": new_uuid(rng), "seq": seq, "kind": "refund",
            "device_time": iso_utc(refunded_at), "payload": payload}


def push_body(device_id: str, ops: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"device_id": device_id, "ops": [dict(op) for op in ops]}
