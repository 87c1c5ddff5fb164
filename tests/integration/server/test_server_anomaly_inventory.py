"""The inventory anomalies end to end over HTTP (DESIGN.md §6): an offline sale beyond its
lease (`oversold`, via sync push), and the sweep's kinds — a paid order whose units are not
in `sold`, a refunded one whose units were not given back — fixed from the queue so the
stock counts every ticket that holds a unit exactly once."""

import uuid
from datetime import date, timedelta

import requests
import sqlalchemy as sa
from anomaly_kit import (
    detect,
    fixed,
    one_open,
    order_of,
    queue,
    refused,
    request_refund,
    window_sale,
)
from test_server_sync import push, sale_op, stock

from app.store.models import Inventory


def _shift_sold(live, code, day, by):
    """A fault: the stock row's `sold` off by `by` (what the sweep detects)."""
    with live.db.engine.begin() as conn:
        conn.execute(sa.update(Inventory).where(Inventory.ticket_type == code,
                                                Inventory.visit_date == day)
                     .values(sold=Inventory.sold + by))


def test_oversold_marked_resolved_with_a_note(live, now):
    h = live.login("clerk1")
    admin = live.login("admin", terminal=None)
    day = live.venue.local_date(now)
    r = requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 1}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    op = sale_op(day=day, ticket_type="CHILD", qty=3, price=5000)
    assert push(live, h, [op])[0]["status"] == "applied"
    order_no = op["payload"]["order_no"]
    a = one_open(live, "oversold", order_no)
    assert a["category"] == "inventory" and a["fixes"] == ["mark_resolved"]
    assert a["evidence"]["device_id"] == "dev-1" and a["evidence"]["oversold"] == 2
    assert "请填写处理说明" in refused(live, a["id"], "mark_resolved", 422, "validation_error")
    seen = order_of(live, order_no)["version"]
    requests.post(live.url("/redemptions"), headers=live.login("gate1", device_id="G1"),
                  timeout=10, json={"nonce": "ov-1", "ticket_code": op["payload"]["tickets"][0][
                      "code"], "device_id": "G1", "at": "2026-11-21T02:00:00Z"})
    assert "订单已变更" in refused(live, a["id"], "mark_resolved", note="x", order_version=seen)
    body = fixed(live, a, "mark_resolved", note="已加开临时容量")
    assert body["order"]["display_status"] == "paid"
    assert stock(live, "CHILD", day) == (1, 1, 0, 2)  # the count stays as it happened


def test_paid_inventory_not_deducted_found_by_the_sweep_and_deducted(live):
    order = window_sale(live, qty=2, method="cash")
    day = date.fromisoformat(order["visit_date"])
    _shift_sold(live, "ADULT", day, -2)  # the units of this paid order went missing
    detect(live)
    a = one_open(live, "paid_inventory_not_deducted", order["order_no"])
    assert (a["evidence"]["ticket_type"], a["evidence"]["units"]) == ("ADULT", 2)
    _shift_sold(live, "ADULT", day, +2)  # someone put them back by hand meanwhile
    assert "无需补扣" in refused(live, a["id"], "deduct_inventory")
    _shift_sold(live, "ADULT", day, -2)
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    body = fixed(live, a, "deduct_inventory")
    assert stock(live, "ADULT", day) == (capacity, sold + 2, held, oversold)
    assert "成人票 2 张" in body["message"] and body["order"]["status"] == "paid"
    detect(live)  # the row adds up now: nothing new
    assert queue(live, kind="paid_inventory_not_deducted")["anomalies"] == []


def test_deduct_beyond_capacity_counts_the_rest_as_oversold(live):
    admin = live.login("admin", terminal=None)
    order = window_sale(live, qty=2, method="cash")
    day = date.fromisoformat(order["visit_date"])
    _shift_sold(live, "ADULT", day, -2)
    r = requests.put(live.url(f"/inventory/{day}/ADULT"), json={"capacity": 1}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    detect(live)
    a = one_open(live, "paid_inventory_not_deducted", order["order_no"])
    body = fixed(live, a, "deduct_inventory")
    assert stock(live, "ADULT", day) == (1, 1, 0, 1) and "超售" in body["message"]


def test_refund_inventory_not_restored_found_by_the_sweep_and_restored(live):
    order = window_sale(live, qty=3, method="cash")
    day = date.fromisoformat(order["visit_date"])
    refund = request_refund(live, order, method="cash",
                            tickets=[t["ticket_id"] for t in order["tickets"][:2]])
    assert refund["status"] == "succeeded"
    _shift_sold(live, "ADULT", day, +2)  # the refund's units did not come back
    detect(live)
    first, second = queue(live, kind="refund_inventory_not_restored")["anomalies"]
    assert {first["evidence"]["ticket_id"], second["evidence"]["ticket_id"]} == {
        t["ticket_id"] for t in order["tickets"][:2]}
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    body = fixed(live, first, "restore_inventory")
    assert stock(live, "ADULT", day) == (capacity, sold - 1, held, oversold)
    assert [t["status"] for t in body["order"]["tickets"]] == ["refunded", "refunded", "valid"]
    _shift_sold(live, "ADULT", day, -1)  # the other unit was put back by hand meanwhile
    assert "无需恢复" in refused(live, second["id"], "restore_inventory")
    fixed(live, second, "dismiss", note="库存已手工调整")


def test_a_refund_synced_after_its_day_gets_its_unit_back(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    sale = sale_op(day=day, qty=2)
    assert push(live, h, [sale])[0]["status"] == "applied"
    live.clock.at += timedelta(days=2)  # the window was offline: the refund comes late
    h = live.login("clerk1")
    p = sale["payload"]
    refund = {"op_id": str(uuid.uuid4()), "seq": 2, "kind": "refund",
              "device_time": "2026-11-21T02:30:00Z", "payload": {
                  "order_no": p["order_no"], "order_id": p["order_id"],
                  "refund_id": str(uuid.uuid4()), "refund_no": f"{p['order_no']}-R1",
                  "ticket_ids": [p["tickets"][0]["ticket_id"]], "amount_fen": 10000,
                  "fee_fen": 0, "payment_fee_fen": 0, "reason": "游客当天退票",
                  "clerk": "clerk1", "created_at": "2026-11-21T02:30:00Z"}}
    assert push(live, h, [refund])[0]["status"] == "applied"
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    detect(live)
    a = one_open(live, "refund_inventory_not_restored", p["order_no"])
    fixed(live, a, "restore_inventory")
    assert stock(live, "ADULT", day) == (capacity, sold - 1, held, oversold)


def test_a_refund_of_an_oversold_sale_gives_back_the_oversold_units_first(live, now):
    h = live.login("clerk1")
    admin = live.login("admin", terminal=None)
    day = live.venue.local_date(now)
    r = requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 1}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    op = sale_op(day=day, ticket_type="CHILD", qty=3, price=5000)
    assert push(live, h, [op])[0]["status"] == "applied"
    assert stock(live, "CHILD", day) == (1, 1, 0, 2)
    order = order_of(live, op["payload"]["order_no"])
    refund = request_refund(live, order, method="cash",
                            tickets=[t["ticket_id"] for t in order["tickets"][:2]])
    assert refund["status"] == "succeeded"
    # two visitors fewer than places sold beyond capacity: no place is freed for a new sale
    assert stock(live, "CHILD", day) == (1, 1, 0, 0)
    detect(live)  # the row counts the one ticket left: nothing to report
    assert queue(live, kind="refund_inventory_not_restored")["anomalies"] == []
    assert queue(live, kind="paid_inventory_not_deducted")["anomalies"] == []
