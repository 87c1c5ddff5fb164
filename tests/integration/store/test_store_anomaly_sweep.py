"""`anomaly_sweep.sweep_anomalies` on both engines: each time-based kind is opened once its
time has come (not before), names its evidence, is never opened twice, and the priority of
open anomalies grows with their age."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell

from app.domain.anomalies import priority
from app.domain.errors import ValidationError
from app.domain.ids import new_ticket_code
from app.services.anomalies import anomaly_sweep
from app.services.pushed import refunds as refund_records
from app.services.pushed.sales import record_sale
from app.services.refunds import refund_requests
from app.services.sales import channels, payments
from app.store.models import Anomaly, Inventory, Order


def _anomalies(db, kind=None):
    with db.session() as s:
        q = sa.select(Anomaly).order_by(Anomaly.detected_at)
        if kind:
            q = q.where(Anomaly.kind == kind)
        return list(s.execute(q).scalars())


def _sweep(db, now, venue):
    return anomaly_sweep.sweep_anomalies(db.session(), now=now, venue=venue)


def _paying_order(db, now, venue, txn="WXSTART0001"):
    req = channels.ChannelOrder(
        "miniprogram", "EXT" + txn, venue.local_date(now) + timedelta(days=1),
        (channels.ChannelLine("ADULT", 2),), 20000, False, None,
        channels.PaymentStart("wechat", txn))
    return channels.take_order(db.session(), req, now=now, venue=venue)


def test_an_order_paying_for_ten_minutes_is_flagged_once(db, now, venue):
    taken = _paying_order(db, now, venue)
    with db.session() as s:
        assert s.get(Order, taken.order_id).status == "paying"
    assert _sweep(db, now + timedelta(minutes=9, seconds=59), venue).total == 0
    result = _sweep(db, now + timedelta(minutes=10), venue)
    assert result.opened == {"payment_failed_order_open": 1}
    [a] = _anomalies(db)
    assert a.order_no == taken.order_no and a.fixes == ["query_payment", "cancel_and_release"]
    assert "WXSTART0001" in a.reason and "微信支付" in a.reason and "10 分钟" in a.reason
    assert "10:00" in a.reason  # started at 10:00 Asia/Shanghai, local time in the reason
    assert a.evidence["provider_txn_id"] == "WXSTART0001"
    assert _sweep(db, now + timedelta(minutes=20), venue).opened == {}


def test_the_callback_of_a_started_payment_settles_it_and_nothing_is_flagged(db, now, venue):
    taken = _paying_order(db, now, venue, txn="WXSTART0002")
    result = payments.record_callback(db.session(), payments.Callback(
        "wechat", "WXSTART0002", taken.order_no, 20000, "success", now), now=now)
    assert result.outcome == "paid"
    with db.session() as s:
        order = s.get(Order, taken.order_id)
        assert (order.status, order.paid_fen) == ("paid", 20000)
        n = s.execute(sa.text("SELECT count(*), min(status) FROM payments WHERE order_id = :o"),
                      {"o": taken.order_id}).one()
    assert tuple(n) == (1, "succeeded")
    assert _sweep(db, now + timedelta(hours=1), venue).total == 0


def _awaiting_refund(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2), visit_date=venue.local_date(now) + timedelta(days=5))
    ids = [t.ticket_id for t in sale.tickets]
    info = refund_requests.request_refund(
        db.session(), sale.order_no, ids[:1], "cash", "游客摔伤", actor="clerk1", role="clerk",
        now=now, today=venue.local_date(now),
        override={"fee_bp": 0, "reason": "医院证明", "evidence_no": "YY-1"})
    assert info.status == "awaiting_approval"
    return sale, info


def test_a_refund_waiting_thirty_minutes_is_flagged_naming_who_must_act(db, now, venue):
    sale, info = _awaiting_refund(db, now, venue)
    assert _sweep(db, now + timedelta(minutes=29), venue).total == 0
    assert _sweep(db, now + timedelta(minutes=31), venue).opened == {"refund_not_processed": 1}
    [a] = _anomalies(db)
    assert a.order_no == sale.order_no and a.fixes == ["process_refund"]
    assert info.refund_no in a.reason and "主管审批" in a.reason and "31 分钟" in a.reason
    assert _sweep(db, now + timedelta(minutes=45), venue).total == 0


def test_units_missing_from_sold_are_laid_on_the_newest_paid_order(db, now, venue):
    day = venue.local_date(now)
    first = sell(db, now, venue, ("ADULT", 2))
    second = sell(db, now + timedelta(minutes=1), venue, ("ADULT", 1), ("CHILD", 1))
    assert _sweep(db, now, venue).total == 0  # every unit is counted
    with db.engine.begin() as conn:  # a stock row edited by hand: one ADULT unit lost
        conn.execute(sa.update(Inventory).where(Inventory.ticket_type == "ADULT",
                                                Inventory.visit_date == day)
                     .values(sold=Inventory.sold - 1))
    assert _sweep(db, now, venue).opened == {"paid_inventory_not_deducted": 1}
    [a] = _anomalies(db)
    assert a.order_no == second.order_no != first.order_no
    assert a.evidence | {"ticket_ids": None} == a.evidence | {
        "ticket_type": "ADULT", "units": 1, "live": 3, "sold": 2, "deficit": 1,
        "ticket_ids": None}
    assert "成人票" in a.reason and "少计 1 张" in a.reason
    assert _sweep(db, now + timedelta(minutes=1), venue).total == 0


def _window_sale(day, created_at, qty=1, ticket_type="ADULT"):
    tickets = [{"ticket_id": str(uuid.uuid4()), "code": new_ticket_code(),
                "ticket_type": ticket_type} for _ in range(qty)]
    return {"order_id": str(uuid.uuid4()), "order_no": f"W07-{day:%Y%m%d}-{qty:04d}",
            "channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": ticket_type, "qty": qty}], "customer": None,
            "payment": {"method": "cash", "amount_fen": 10000 * qty}, "tickets": tickets,
            "terminal": "07", "clerk": "clerk1", "created_at": created_at.isoformat()}


def test_a_pushed_sale_for_a_day_without_stock_is_flagged_once_the_day_gets_stock(db, now,
                                                                                   venue):
    from app.services.stock import catalog

    day = venue.local_date(now) + timedelta(days=45)  # beyond the seeded 30 days
    payload = _window_sale(day, now)
    record = record_sale(db.session(), payload, device_id="dev-7", user="clerk1", now=now,
                         venue=venue)
    assert record.oversold == 1
    assert _sweep(db, now, venue).total == 0  # no stock row: the oversold anomaly says it
    catalog.set_capacity(db.session(), "ADULT", day, 500, now=now)
    assert _sweep(db, now, venue).opened == {"paid_inventory_not_deducted": 1}
    [a] = _anomalies(db, "paid_inventory_not_deducted")
    assert a.order_no == payload["order_no"] and a.evidence["sold"] == 0


def _offline_refund(db, sale, venue, *, refunded_at, recorded_at):
    ids = [t.ticket_id for t in sale.tickets]
    payload = {"order_no": sale.order_no, "order_id": sale.order_id,
               "refund_id": str(uuid.uuid4()), "refund_no": f"{sale.order_no}-R1",
               "ticket_ids": ids[:1], "amount_fen": 7000, "fee_fen": 3000,
               "payment_fee_fen": 0, "reason": "游客临时有事", "clerk": "clerk1",
               "created_at": refunded_at.isoformat()}
    refund_records.record_offline_refund(db.session(), payload, user="clerk1", now=recorded_at,
                                         venue=venue, before_commit=lambda s, v: None)


def test_a_refund_made_in_time_but_synced_after_the_day_is_flagged(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))  # for today
    next_day = now + timedelta(days=1)
    _offline_refund(db, sale, venue, refunded_at=now + timedelta(hours=1), recorded_at=next_day)
    result = _sweep(db, next_day, venue)
    assert result.opened == {"refund_inventory_not_restored": 1}
    [a] = _anomalies(db)
    assert a.evidence["ticket_id"] == sale.tickets[0].ticket_id and a.evidence["surplus"] == 1
    assert sale.tickets[0].code in a.reason and "11:00" in a.reason  # refunded 11:00 local
    assert "同步到中心库" in a.reason
    assert _sweep(db, next_day + timedelta(minutes=1), venue).total == 0


def test_a_refund_asked_after_the_visit_date_is_refused_and_nothing_is_flagged(db, now,
                                                                               venue):
    # DESIGN.md §14: a ticket the store's quote does not refund (past its visit day) is refused
    sale = sell(db, now, venue, ("ADULT", 2))
    next_day = now + timedelta(days=1)
    with pytest.raises(ValidationError, match="闭园"):
        _offline_refund(db, sale, venue, refunded_at=next_day, recorded_at=next_day)
    assert _sweep(db, next_day, venue).total == 0


def test_a_refund_in_time_gives_its_unit_back_and_nothing_is_flagged(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    _offline_refund(db, sale, venue, refunded_at=now, recorded_at=now + timedelta(minutes=5))
    assert _sweep(db, now + timedelta(minutes=6), venue).total == 0


def test_open_anomalies_gain_priority_with_age(db, now, venue):
    db.emit_changes = True
    _paying_order(db, now, venue, txn="WXSTART0003")
    swept_at = now + timedelta(minutes=10)
    _sweep(db, swept_at, venue)
    [a] = _anomalies(db)
    assert a.priority == priority(a.kind, 20000, swept_at, swept_at)
    later = swept_at + timedelta(minutes=25)
    result = _sweep(db, later, venue)
    assert result.reprioritised == 1
    [b] = _anomalies(db)
    assert b.priority == a.priority + 2 and b.version == a.version + 1
    assert _sweep(db, later + timedelta(seconds=30), venue).reprioritised == 0


def test_causes_already_flagged_never_fill_the_batch(db, now, venue, monkeypatch):
    monkeypatch.setattr(anomaly_sweep, "BATCH", 1)
    _paying_order(db, now, venue, txn="WXSTART0004")
    _paying_order(db, now + timedelta(minutes=1), venue, txn="WXSTART0005")
    later = now + timedelta(minutes=15)
    assert _sweep(db, later, venue).opened == {"payment_failed_order_open": 1}
    assert _sweep(db, later, venue).opened == {"payment_failed_order_open": 1}
    assert {a.evidence["provider_txn_id"] for a in _anomalies(db)} == {"WXSTART0004",
                                                                       "WXSTART0005"}
    assert _sweep(db, later, venue).total == 0
