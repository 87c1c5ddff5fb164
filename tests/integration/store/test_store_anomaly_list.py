"""`anomaly_list` (the queue as a window's cache or the store reads it) and
`orders.reveal_customer` on both engines."""

import pytest
import sqlalchemy as sa
from conftest import sell

from app.domain.errors import NotFound, ValidationError
from app.services import anomaly_list, anomaly_log, orders
from app.store.models import Anomaly, Order


def _open(db, now, kind, key, **kw):
    with db.session() as s, s.begin():
        args = {"reason": f"{kind} 测试", "evidence": {}, "now": now, "dedupe_key": key} | kw
        return anomaly_log.open_anomaly(s, kind, **args)


def test_priority_order_categories_counts_amounts_and_devices(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    with db.session() as s:
        ticket = s.execute(sa.text("SELECT ticket_id FROM tickets WHERE order_id = :o "
                                   "ORDER BY position"), {"o": sale.order_id}).first()[0]
    redemption = _open(db, now, "duplicate_redemption", "r1", order_id=sale.order_id,
                       evidence={"ticket_id": ticket, "device_id": "gate-2",
                                 "first_redeemed_by": "gate-1"})
    payment = _open(db, now, "duplicate_payment", "p1", order_id=sale.order_id,
                    amount_fen=20000, evidence={"provider": "wechat"})
    lost = _open(db, now, "paid_no_order", "n1", amount_fen=5000,
                 evidence={"order_no": "MP-NOPE", "provider": "alipay"})
    with db.session() as s:
        found = anomaly_list.list_anomalies(s)
        assert [a["id"] for a in found] == [payment, lost, redemption]  # ¥200 before ¥50
        assert [a["amount_fen"] for a in found] == [20000, 5000, 10000]  # the ticket's price
        assert [a["device_id"] for a in found] == [None, None, "gate-2"]
        assert [a["id"] for a in anomaly_list.list_anomalies(s, category="redemption")] == [
            redemption]
        assert anomaly_list.list_anomalies(s, limit=1)[0]["id"] == payment
        assert [a["id"] for a in anomaly_list.list_anomalies(s, limit=2, offset=1)] == [
            lost, redemption]
        assert anomaly_list.open_counts(s) == {"payment": 2, "redemption": 1, "refund": 0,
                                               "inventory": 0, "all": 3}
    with db.session() as s, s.begin():
        s.execute(sa.update(Anomaly).where(Anomaly.anomaly_id == payment)
                  .values(status="resolved"))
    with db.session() as s:
        assert anomaly_list.open_counts(s)["payment"] == 1
        assert [a["id"] for a in anomaly_list.list_anomalies(s, status="resolved")] == [payment]
        assert len(anomaly_list.list_anomalies(s, status=None)) == 3
        for bad in ({"category": "nope"}, {"status": "closed"}, {"limit": 0}):
            with pytest.raises(ValidationError):
                anomaly_list.list_anomalies(s, **bad)


def test_detail_has_the_order_and_the_stock_involved(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1), ("CHILD", 1))
    with_order = _open(db, now, "duplicate_payment", "p1", order_id=sale.order_id,
                       amount_fen=15000)
    no_order = _open(db, now, "paid_no_order", "n1", amount_fen=100)
    oversold = _open(db, now, "oversold", "o1", evidence={
        "ticket_type": "ADULT", "visit_date": venue.local_date(now).isoformat()})
    with db.session() as s:
        d = anomaly_list.anomaly_detail(s, with_order)
        assert d["order"]["order_no"] == sale.order_no and d["amount_fen"] == 15000
        assert "phone" not in d["order"]["customer"]  # masked
        assert [(i["ticket_type"], i["sold"]) for i in d["inventory"]] == [("ADULT", 1),
                                                                          ("CHILD", 1)]
        assert anomaly_list.anomaly_detail(s, no_order)["order"] is None
        assert anomaly_list.anomaly_detail(s, no_order)["inventory"] == []
        assert [i["ticket_type"] for i in anomaly_list.anomaly_detail(s, oversold)[
            "inventory"]] == ["ADULT"]
        with pytest.raises(NotFound):
            anomaly_list.anomaly_detail(s, "no-such-id")


def test_revealing_a_customer_is_logged_in_the_chain(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    with db.session() as s, s.begin():
        s.execute(sa.update(Order).where(Order.order_id == sale.order_id)
                  .values(customer_phone="13812345678"))
    shown = orders.reveal_customer(db.session(), sale.order_no, actor="user:supervisor",
                                   now=now)
    assert shown["customer"]["phone"] == "13812345678"
    assert shown["customer"]["phone_masked"] == "138****5678"
    events, verified = orders.timeline(db.session(), sale.order_no)
    assert verified
    assert (events[-1]["action"], events[-1]["actor"], events[-1]["detail"]) == (
        "customer.revealed", "user:supervisor", {"fields": ["phone"]})
    with pytest.raises(NotFound):
        orders.reveal_customer(db.session(), "W01-20991231-0001", actor="user:x", now=now)
