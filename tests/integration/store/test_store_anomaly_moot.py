"""`anomaly_moot` through the sweep, on both engines: an open anomaly whose condition no longer
holds is resolved by `system` with a resolution that says why and an `anomaly.resolved` event
on its order's (still verified) timeline; one whose condition still holds stays open."""

from datetime import timedelta

import sqlalchemy as sa
from conftest import sell

from app.domain.timeline import verify_chain
from app.services.anomalies import anomaly_sweep
from app.services.journal import timeline
from app.services.refunds import refund_requests
from app.services.sales import channels, payments
from app.store.models import Anomaly, Inventory


def _sweep(db, now, venue):
    return anomaly_sweep.sweep_anomalies(db.session(), now=now, venue=venue)


def _one(db, kind):
    with db.session() as s:
        [a] = s.execute(sa.select(Anomaly).where(Anomaly.kind == kind)).scalars().all()
        return a


def _events(db, order_id):
    with db.session() as s:
        return timeline.load(s, order_id)


def _paying(db, now, venue, txn):
    req = channels.ChannelOrder(
        "miniprogram", "EXT" + txn, venue.local_date(now) + timedelta(days=1),
        (channels.ChannelLine("ADULT", 2),), 20000, False, None,
        channels.PaymentStart("wechat", txn))
    return channels.take_order(db.session(), req, now=now, venue=venue)


def test_a_payment_anomaly_closes_itself_once_the_order_is_paid(db, now, venue):
    taken = _paying(db, now, venue, "WXMOOT0001")
    later = now + timedelta(minutes=11)
    assert _sweep(db, later, venue).opened == {"payment_failed_order_open": 1}
    assert _sweep(db, later, venue).closed == 0  # still paying: it stays open
    assert _one(db, "payment_failed_order_open").status == "open"
    payments.record_callback(db.session(), payments.Callback(
        "wechat", "WXMOOT0001", taken.order_no, 20000, "success", later), now=later)
    result = _sweep(db, later + timedelta(seconds=30), venue)
    assert result.closed == 1 and result.total == 0
    a = _one(db, "payment_failed_order_open")
    assert (a.status, a.resolved_by) == ("resolved", "system")
    assert a.resolution == f"系统自动关闭：订单 {taken.order_no} 已支付 ¥200.00，异常已不存在"
    events = _events(db, taken.order_id)
    last = events[-1]
    assert (last.action, last.actor, last.source) == ("anomaly.resolved", "system", "server")
    assert last.detail["resolution"] == a.resolution and verify_chain(events)
    assert _sweep(db, later + timedelta(minutes=1), venue).closed == 0  # once


def test_a_refund_waiting_for_approval_closes_itself_once_approved(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2), visit_date=venue.local_date(now) + timedelta(days=5))
    info = refund_requests.request_refund(
        db.session(), sale.order_no, [sale.tickets[0].ticket_id], "cash", "游客摔伤",
        actor="clerk1", role="clerk", now=now, today=venue.local_date(now),
        override={"fee_bp": 0, "reason": "医院证明", "evidence_no": "YY-1"})
    later = now + timedelta(minutes=31)
    assert _sweep(db, later, venue).opened == {"refund_not_processed": 1}
    refund_requests.approve(db.session(), info.refund_no, approver="supervisor",
                            role="supervisor", now=later, today=venue.local_date(later))
    result = _sweep(db, later + timedelta(seconds=30), venue)
    assert result.closed == 1
    with db.session() as s:
        rows = s.execute(sa.select(Anomaly.status, Anomaly.resolved_by, Anomaly.resolution)
                         .where(Anomaly.kind == "refund_not_processed")
                         .order_by(Anomaly.detected_at)).all()
    # the waiting one closed, saying why: the refund went through
    assert rows[0][:2] == ("resolved", "system")
    assert f"退款 {info.refund_no} 已变为“已退款”" in rows[0][2]


def test_a_stock_deficit_anomaly_closes_itself_once_the_row_adds_up(db, now, venue):
    day = venue.local_date(now)
    sale = sell(db, now, venue, ("ADULT", 2))
    row = (Inventory.ticket_type == "ADULT", Inventory.visit_date == day)
    with db.engine.begin() as conn:
        conn.execute(sa.update(Inventory).where(*row).values(sold=Inventory.sold - 1))
    assert _sweep(db, now, venue).opened == {"paid_inventory_not_deducted": 1}
    assert _sweep(db, now, venue).closed == 0
    with db.engine.begin() as conn:  # someone put the unit back by hand
        conn.execute(sa.update(Inventory).where(*row).values(sold=Inventory.sold + 1))
    assert _sweep(db, now + timedelta(seconds=30), venue).closed == 1
    a = _one(db, "paid_inventory_not_deducted")
    assert a.status == "resolved" and "库存已与有效票数一致" in a.resolution
    assert _events(db, sale.order_id)[-1].action == "anomaly.resolved"
