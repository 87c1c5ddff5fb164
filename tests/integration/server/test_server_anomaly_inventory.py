"""The inventory anomalies end to end over HTTP (DESIGN.md §6): an offline sale beyond its
lease (`oversold`, via sync push), and the sweep's kinds — a paid order whose units are not
in `sold`, a refunded one whose units were not given back — fixed from the queue so the
stock counts every ticket that holds a unit exactly once."""

from datetime import date

import requests
import sqlalchemy as sa
from anomaly_kit import fixed, one_open, raise_anomaly, refused, request_refund, window_sale
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
    body = fixed(live, a, "mark_resolved", note="已加开临时容量")
    assert body["order"]["display_status"] == "paid"
    assert stock(live, "CHILD", day) == (1, 1, 0, 2)  # the count stays as it happened


def test_paid_inventory_not_deducted_deduct_inventory(live):
    order = window_sale(live, qty=2, method="cash")
    day = date.fromisoformat(order["visit_date"])
    raise_anomaly(live, "paid_inventory_not_deducted", order["order_no"],
                  reason="已支付订单的 2 张成人票未计入已售",
                  evidence={"ticket_type": "ADULT", "visit_date": str(day), "missing": 2})
    a = one_open(live, "paid_inventory_not_deducted", order["order_no"])
    # the stock is right (nothing is missing): refused, nothing moved
    assert "无需补扣" in refused(live, a["id"], "deduct_inventory")
    _shift_sold(live, "ADULT", day, -2)
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    body = fixed(live, a, "deduct_inventory")
    assert stock(live, "ADULT", day) == (capacity, sold + 2, held, oversold)
    assert "成人票 2 张" in body["message"]
    assert body["order"]["status"] == "paid"


def test_deduct_beyond_capacity_counts_the_rest_as_oversold(live):
    admin = live.login("admin", terminal=None)
    order = window_sale(live, qty=2, method="cash")
    day = date.fromisoformat(order["visit_date"])
    _shift_sold(live, "ADULT", day, -2)
    r = requests.put(live.url(f"/inventory/{day}/ADULT"), json={"capacity": 1}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    raise_anomaly(live, "paid_inventory_not_deducted", order["order_no"], reason="未扣库存",
                  evidence={})
    a = one_open(live, "paid_inventory_not_deducted", order["order_no"])
    body = fixed(live, a, "deduct_inventory")
    assert stock(live, "ADULT", day) == (1, 1, 0, 1) and "超售" in body["message"]


def test_refund_inventory_not_restored_restore_inventory(live):
    order = window_sale(live, qty=3, method="cash")
    day = date.fromisoformat(order["visit_date"])
    refund = request_refund(live, order, method="cash",
                            tickets=[t["ticket_id"] for t in order["tickets"][:2]])
    assert refund["status"] == "succeeded"
    raise_anomaly(live, "refund_inventory_not_restored", order["order_no"],
                  reason="退票后 2 张成人票仍计入已售", evidence={"ticket_type": "ADULT"})
    a = one_open(live, "refund_inventory_not_restored", order["order_no"])
    assert "无需恢复" in refused(live, a["id"], "restore_inventory")  # the refund gave them back
    _shift_sold(live, "ADULT", day, +2)
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    body = fixed(live, a, "restore_inventory")
    assert stock(live, "ADULT", day) == (capacity, sold - 2, held, oversold)
    assert [t["status"] for t in body["order"]["tickets"]] == ["refunded", "refunded", "valid"]
