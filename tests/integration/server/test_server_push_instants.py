"""Every pushed op kind over real HTTP on SQLite and PostgreSQL, with an instant that has no
UTC equivalent (`0001-01-01T00:00+14:00` is before year 1 in UTC, `9999-12-31T23:59-14:00`
after year 9999) in each of its instant fields: `rejected` with a `validation_error`, nothing
written but the refusal kept in `applied_ops`, never a 5xx (a window retries a 5xx forever)."""

import uuid
from datetime import date, timedelta

import pytest
import requests
from conftest import snapshot
from test_server_sync import push, sale_op

from app.services.journal.outbox import OP_KINDS

UNREPRESENTABLE = ("0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00")
AT = "2026-11-21T02:30:00Z"


def _op(kind, payload, seq):
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind, "device_time": AT,
            "payload": payload}


def _payloads(sale):
    """kind → (a well-formed payload, its instant fields)."""
    p = sale["payload"]
    ticket_id = p["tickets"][0]["ticket_id"]
    shift = {"shift_id": str(uuid.uuid4()), "terminal": "01", "clerk": "clerk1",
             "opening_float_fen": 50000, "opened_at": AT}
    return {
        "sale": (sale_op(day=_day(p), seq=9)["payload"], ("created_at",)),
        "refund": ({"order_no": p["order_no"], "order_id": p["order_id"],
                    "refund_id": str(uuid.uuid4()), "refund_no": f"{p['order_no']}-R1",
                    "ticket_ids": [ticket_id], "amount_fen": 10000, "fee_fen": 0,
                    "payment_fee_fen": 0, "reason": "游客临时有事", "clerk": "clerk1",
                    "created_at": AT}, ("created_at",)),
        "shift_open": (shift, ("opened_at",)),
        "shift_close": ({**shift, "closed_at": AT, "cash_expected_fen": 50000,
                         "cash_counted_fen": 50000, "variance_fen": 0, "report": {}},
                        ("opened_at", "closed_at")),
        "reprint": ({"order_id": p["order_id"], "order_no": p["order_no"],
                     "tickets": [{"ticket_id": ticket_id, "reprint_no": 1}],
                     "receipt_reprint_no": None, "actor": "user:clerk1", "at": AT}, ("at",)),
        "redeem": ({"nonce": str(uuid.uuid4()), "ticket_code": p["tickets"][0]["code"],
                    "device_id": "dev-1", "at": AT}, ("at",)),
    }


def _day(payload):
    return date.fromisoformat(payload["visit_date"])


def test_every_op_kind_is_covered():
    sale = sale_op(day=_day({"visit_date": "2026-11-26"}))
    assert set(_payloads(sale)) == set(OP_KINDS)


@pytest.mark.parametrize("instant", UNREPRESENTABLE)
def test_an_instant_outside_utc_rejects_every_op_kind_and_writes_nothing(live, instant):
    h = live.login("clerk1")
    sale = sale_op(day=live.venue.local_date(live.clock()) + timedelta(days=5))
    assert push(live, h, [sale])[0]["status"] == "applied"
    ops = []
    for kind, (payload, fields) in _payloads(sale).items():
        for name in fields:
            ops.append(_op(kind, {**payload, name: instant}, len(ops) + 2))
    before = snapshot(live.db)
    r = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": ops},
                      headers=h, timeout=30)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [(op["kind"], res["status"], res["error"]["code"])
            for op, res in zip(ops, results, strict=True)] == [
        (op["kind"], "rejected", "validation_error") for op in ops]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in res["error"]["message"])
               for res in results)
    after = snapshot(live.db)
    assert after["counts"]["applied_ops"] == before["counts"]["applied_ops"] + len(ops)
    after["counts"]["applied_ops"] = before["counts"]["applied_ops"]
    assert after == before
    again = push(live, h, ops)  # the refusal is kept: the same op gets the same answer
    assert [res["status"] for res in again] == ["rejected"] * len(ops)
