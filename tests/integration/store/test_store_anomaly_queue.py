"""`anomaly_queue` read from a database — the store's, or a window's cache (same tables) — on
both engines, and `orders.reveal_customer`."""

import pytest
import sqlalchemy as sa
from conftest import sell

from app.domain.errors import NotFound, ValidationError
from app.services.anomalies import anomaly_queue
from app.services.anomalies.anomaly_queue import QueueFilters
from app.services.journal import anomaly_log, orders
from app.store.models import Anomaly, Order


def _open(db, now, kind, key, **kw):
    with db.session() as s, s.begin():
        args = {"reason": f"{kind} 测试", "evidence": {}, "now": now, "dedupe_key": key} | kw
        return anomaly_log.open_anomaly(s, kind, **args)


def _ids(page):
    return [a["id"] for a in page.anomalies]


def test_priority_order_categories_counts_amounts_and_cursor(db, now, venue):
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
        page = anomaly_queue.list_anomalies(s)
        assert _ids(page) == [payment, lost, redemption]  # ¥200 before ¥50
        assert page.next_cursor is None
        # the amount its priority was computed from (0 here), not the ticket's price
        assert [a["amount_fen"] for a in page.anomalies] == [20000, 5000, 0]
        assert [a["label_zh"] for a in page.anomalies] == ["重复支付", "已支付无订单", "重复核销"]
        assert _ids(anomaly_queue.list_anomalies(s, QueueFilters(category="redemption"))) == [
            redemption]
        first = anomaly_queue.list_anomalies(s, limit=1)
        assert _ids(first) == [payment] and first.next_cursor
        rest = anomaly_queue.list_anomalies(s, cursor=first.next_cursor, limit=2)
        assert _ids(rest) == [lost, redemption] and rest.next_cursor is None
        assert page.counts == anomaly_queue.open_counts(s) == {
            "payment": 2, "redemption": 1, "refund": 0, "inventory": 0}
    with db.session() as s, s.begin():
        s.execute(sa.update(Anomaly).where(Anomaly.anomaly_id == payment)
                  .values(status="resolved"))
    with db.session() as s:
        assert anomaly_queue.open_counts(s)["payment"] == 1
        assert _ids(anomaly_queue.list_anomalies(s, QueueFilters(status="resolved"))) == [
            payment]
        assert len(anomaly_queue.list_anomalies(s, QueueFilters(status="all")).anomalies) == 3
        for filters, kw in ((QueueFilters(category="nope"), {}),
                            (QueueFilters(status="closed"), {}),
                            (QueueFilters(kind="nope"), {}), (None, {"limit": 0}),
                            (None, {"cursor": "garbage"})):
            with pytest.raises(ValidationError):
                anomaly_queue.list_anomalies(s, filters, **kw)


def test_the_cursor_walks_ties_in_detection_order_then_id(db, now):
    ids = [_open(db, now, "paid_no_order", f"t{n}", amount_fen=100) for n in range(5)]
    with db.session() as s:
        walked, cursor = [], None
        while True:
            page = anomaly_queue.list_anomalies(s, cursor=cursor, limit=2)
            walked += _ids(page)
            if (cursor := page.next_cursor) is None:
                break
        assert walked == sorted(ids)  # same priority and instant: by id
        assert _ids(anomaly_queue.list_anomalies(s)) == walked


def test_an_evidence_without_an_amount_has_none_at_stake(db, now):
    a = _open(db, now, "oversold", "o1")
    with db.session() as s, s.begin():
        s.execute(sa.update(Anomaly).where(Anomaly.anomaly_id == a).values(evidence={}))
    with db.session() as s:
        assert anomaly_queue.list_anomalies(s).anomalies[0]["amount_fen"] is None


def test_detail_has_the_order_and_the_stock_involved(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1), ("CHILD", 1))
    with_order = _open(db, now, "duplicate_payment", "p1", order_id=sale.order_id,
                       amount_fen=15000)
    no_order = _open(db, now, "paid_no_order", "n1", amount_fen=100)
    oversold = _open(db, now, "oversold", "o1", evidence={
        "ticket_type": "ADULT", "visit_date": venue.local_date(now).isoformat()})
    with db.session() as s:
        d = anomaly_queue.anomaly_detail(s, with_order)
        assert d.order["order_no"] == sale.order_no and d.anomaly["amount_fen"] == 15000
        assert "phone" not in d.order["customer"]  # masked
        assert [(i["ticket_type"], i["sold"]) for i in d.stock] == [("ADULT", 1), ("CHILD", 1)]
        assert d.devices == []
        assert anomaly_queue.anomaly_detail(s, no_order).order is None
        assert anomaly_queue.anomaly_detail(s, no_order).stock == []
        assert [i["ticket_type"] for i in anomaly_queue.anomaly_detail(s, oversold).stock] == [
            "ADULT"]
        with pytest.raises(NotFound):
            anomaly_queue.anomaly_detail(s, "no-such-id")


def test_detail_finds_the_order_by_its_number_when_the_cache_has_no_order_id(db, now, venue):
    """A window's cache stores an anomaly that came before its order without the order_id."""
    sale = sell(db, now, venue, ("ADULT", 1))
    a = _open(db, now, "duplicate_payment", "p1", order_id=sale.order_id, amount_fen=10000)
    with db.session() as s, s.begin():
        s.execute(sa.update(Anomaly).where(Anomaly.anomaly_id == a).values(order_id=None))
    with db.session() as s:
        assert anomaly_queue.anomaly_detail(s, a).order["order_no"] == sale.order_no


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
