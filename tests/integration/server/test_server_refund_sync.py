"""The `refund` sync op over real HTTP on SQLite and PostgreSQL: a window's offline cash refund
is recorded as it happened (never held for approval), once; a gate redemption that crossed it
stays redeemed and raises `redeemed_after_refund`; stock comes back for the tickets refunded."""

import uuid
from datetime import timedelta

import requests
import sqlalchemy as sa
from conftest import snapshot
from test_server_sync import push, sale_op

from app.domain.timeline import iso_utc
from app.store.models import Anomaly, Refund


def _refund_op(sale, ticket_ids, *, amount, seq=2, refund_no=None, fee=0):
    p = sale["payload"]
    payload = {"order_no": p["order_no"], "order_id": p["order_id"],
               "refund_id": str(uuid.uuid4()), "refund_no": refund_no or f"{p['order_no']}-R1",
               "ticket_ids": ticket_ids, "amount_fen": amount, "fee_fen": fee,
               "payment_fee_fen": 0, "reason": "游客临时有事", "clerk": "clerk1",
               "created_at": "2026-11-21T02:30:00Z"}
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "refund",
            "device_time": "2026-11-21T02:30:00Z", "payload": payload}


def _order(live, order_no):
    return requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                        timeout=10).json()


def _sold(live, day):
    r = requests.get(live.url(f"/inventory?date={day}"), headers=live.login("clerk1"), timeout=10)
    return {i["ticket_type"]: i["sold"] for i in r.json()["items"]}["ADULT"]


def test_offline_cash_refund_is_recorded_once(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock()) + timedelta(days=5)
    sale = sale_op(day=day, qty=2)
    assert push(live, h, [sale])[0]["status"] == "applied"
    sold = _sold(live, day.isoformat())
    ids = [t["ticket_id"] for t in sale["payload"]["tickets"]]
    op = _refund_op(sale, ids[:1], amount=10000)
    result = push(live, h, [op])[0]
    assert result["status"] == "applied", result
    order = _order(live, sale["payload"]["order_no"])
    assert [t["status"] for t in order["tickets"]] == ["refunded", "valid"]
    assert order["refunded_fen"] == 10000
    assert order["refunds"][0]["status"] == "succeeded"
    assert order["refunds"][0]["refund_no"] == f"{sale['payload']['order_no']}-R1"
    assert _sold(live, day.isoformat()) == sold - 1
    before = snapshot(live.db)
    assert push(live, h, [op])[0]["status"] == "duplicate"
    assert snapshot(live.db) == before


def test_big_offline_refund_is_never_held_for_approval(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock()) + timedelta(days=5)
    sale = sale_op(day=day, qty=60)  # 600,000 fen: online it would need two approvals
    assert push(live, h, [sale])[0]["status"] == "applied"
    ids = [t["ticket_id"] for t in sale["payload"]["tickets"]]
    assert push(live, h, [_refund_op(sale, ids, amount=600_000)])[0]["status"] == "applied"
    assert _order(live, sale["payload"]["order_no"])["status"] == "refunded"


def test_refund_crossing_a_gate_redemption_raises_an_anomaly(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock())
    sale = sale_op(day=day, qty=2)
    push(live, h, [sale])
    tickets = sale["payload"]["tickets"]
    gate = live.login("gate1", terminal=None, device_id="G1")
    scan = requests.post(live.url("/redemptions"), headers=gate, timeout=20, json={
        "nonce": "x-1", "ticket_code": tickets[0]["code"], "device_id": "G1",
        "at": iso_utc(live.clock())})
    assert scan.json()["outcome"] == "valid", scan.text
    live.clock.at += timedelta(minutes=40)
    op = _refund_op(sale, [t["ticket_id"] for t in tickets], amount=14000, fee=6000)
    assert push(live, h, [op])[0]["status"] == "applied"
    order = _order(live, sale["payload"]["order_no"])
    assert [t["status"] for t in order["tickets"]] == ["redeemed", "refunded"]
    assert order["refunded_fen"] == 14000  # the cash that left the drawer
    assert order["display_status"] == "anomaly"
    with live.db.engine.connect() as conn:
        kinds = conn.execute(sa.select(Anomaly.kind, Anomaly.reason)).all()
        refunds = conn.execute(sa.select(Refund.status, Refund.amount_fen)).all()
    assert [k for k, _ in kinds] == ["redeemed_after_refund"]
    assert tickets[0]["code"] in kinds[0][1] and "离线退" in kinds[0][1]
    assert refunds == [("succeeded", 14000)]
    events = requests.get(live.url(f"/orders/{sale['payload']['order_no']}/timeline"),
                          headers=live.login("supervisor"), timeout=10).json()
    assert events["verified"] is True
    actions = [e["action"] for e in events["events"]]
    assert "anomaly.detected" in actions and actions.count("ticket.refunded") == 1


def test_refund_no_taken_online_gets_the_next_number(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock()) + timedelta(days=5)
    sale = sale_op(day=day, qty=2)
    push(live, h, [sale])
    ids = [t["ticket_id"] for t in sale["payload"]["tickets"]]
    online = requests.post(
        live.url(f"/orders/{sale['payload']['order_no']}/refunds"),
        json={"ticket_ids": ids[:1], "method": "cash", "reason": "改期"},
        headers=h | {"Idempotency-Key": "k1"}, timeout=20)
    assert online.status_code == 201, online.text
    assert push(live, h, [_refund_op(sale, ids[1:], amount=10000)])[0]["status"] == "applied"
    nos = sorted(r["refund_no"] for r in _order(live, sale["payload"]["order_no"])["refunds"])
    assert nos == [f"{sale['payload']['order_no']}-R1", f"{sale['payload']['order_no']}-R2"]


def test_malformed_refund_ops_are_rejected_and_write_nothing(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock()) + timedelta(days=5)
    sale = sale_op(day=day, qty=1)
    push(live, h, [sale])
    tid = sale["payload"]["tickets"][0]["ticket_id"]
    bad = [_refund_op(sale, [tid], amount=-1, seq=2), _refund_op(sale, [], amount=0, seq=3),
           _refund_op(sale, [str(uuid.uuid4())], amount=100, seq=4),
           _refund_op(sale, [tid], amount=100, seq=5)]
    bad[3]["payload"]["created_at"] = "yesterday"
    before = snapshot(live.db)
    results = push(live, h, bad)
    assert [r["status"] for r in results] == ["rejected"] * 4, results
    assert all(any("\u4e00" <= c <= "\u9fff" for c in r["error"]["message"]) for r in results)
    after = snapshot(live.db)
    assert after["counts"]["refunds"] == before["counts"]["refunds"]
    assert after["stock"] == before["stock"]
