"""`anomaly_fixes.fix_anomaly` through the services on both engines: the checks of the
request (role, action, note, order version), the "already fixed" answer, and every fix
refusing — with nothing written — when its precondition no longer holds. States the HTTP
API cannot reach (a payment refunded behind the fix's back, a refund settled meanwhile) are
set here directly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot

from app.domain.errors import Conflict, Forbidden, NotFound, SoldOut, ValidationError
from app.domain.ids import new_id
from app.services.anomalies.anomaly_fixes import fix_anomaly
from app.services.journal import anomaly_log
from app.services.refunds.refund_providers import SandboxProvider
from app.store.models import Anomaly, Inventory, Order, Payment, Refund, Ticket


def _open(db, now, kind, *, order_id=None, evidence=None):
    with db.session() as s, s.begin():
        return anomaly_log.open_anomaly(s, kind, order_id=order_id, reason="测试异常",
                                        evidence=evidence or {}, now=now,
                                        dedupe_key=f"{kind}:{new_id()}")


def _fix(db, now, venue, anomaly_id, action, *, role="supervisor", provider=None, **kw):
    return fix_anomaly(db.session(), anomaly_id, action, actor="boss", role=role, now=now,
                       venue=venue, provider=provider or SandboxProvider(), **kw)


def _refused(db, now, venue, anomaly_id, action, error=Conflict, **kw) -> str:
    before = snapshot(db)
    with pytest.raises(error) as caught:
        _fix(db, now, venue, anomaly_id, action, **kw)
    assert snapshot(db) == before
    return caught.value.message


def _update(db, model, where, **values):
    with db.engine.begin() as conn:
        conn.execute(sa.update(model).where(where).values(**values))


def _extra_payment(db, sale, now, txn="WX-DUP"):
    """A second succeeded wechat payment on the sale's order (a duplicate)."""
    payment_id = new_id()
    with db.session() as s, s.begin():
        s.add(Payment(payment_id=payment_id, payment_no=f"{sale.order_no}-P2",
                      order_id=sale.order_id, method="wechat", amount_fen=sale.total_fen,
                      tendered_fen=sale.total_fen, change_fen=0, status="succeeded",
                      provider="wechat", provider_txn_id=txn, at=now))
        order = s.get(Order, sale.order_id)
        order.paid_fen += sale.total_fen
    return payment_id


def test_who_and_what_is_checked_before_anything(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    a = _open(db, now, "redeem_failed", order_id=sale.order_id)
    for role in ("clerk", "gate"):
        assert _refused(db, now, venue, a, "mark_resolved", Forbidden, role=role,
                        note="x") == "只有主管及以上可以处理异常"
    assert "财务" in _refused(db, now, venue, a, "manual_redeem", Forbidden, role="finance")
    message = _refused(db, now, venue, a, "refund_duplicate", ValidationError)
    assert "refund_duplicate" in message and "manual_redeem" in message
    assert _refused(db, now, venue, a, "mark_resolved", ValidationError) == "请填写处理说明"
    assert _refused(db, now, venue, a, "dismiss", ValidationError, note=" ") == "请填写处理说明"
    _refused(db, now, venue, a, "mark_resolved", ValidationError, note="长" * 501)
    _refused(db, now, venue, "no-such-anomaly", "mark_resolved", NotFound, note="x")
    with db.session() as s:
        version = s.get(Order, sale.order_id).version
    assert _refused(db, now, venue, a, "mark_resolved", note="x",
                    order_version=version - 1) == (
        f"订单已变更（版本 {version - 1} → {version}），请刷新后再处理")
    done = _fix(db, now, venue, a, "mark_resolved", note="核实无误", order_version=version)
    assert not done.already_fixed and done.anomaly["status"] == "resolved"
    assert done.anomaly["resolution"].endswith("（说明：核实无误）")
    before = snapshot(db)
    again = _fix(db, now, venue, a, "manual_redeem", order_version=1)
    assert again.already_fixed and again.message == "已处理" and snapshot(db) == before


def test_refund_duplicate_refused_once_the_other_payment_is_gone(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1), method="wechat")
    dup = _extra_payment(db, sale, now)
    a = _open(db, now, "duplicate_payment", order_id=sale.order_id,
              evidence={"payment_id": dup})
    _update(db, Payment, sa.and_(Payment.order_id == sale.order_id, Payment.payment_id != dup),
            status="refunded")
    assert "不是重复支付" in _refused(db, now, venue, a, "refund_duplicate")
    _update(db, Payment, Payment.payment_id == dup, status="refunded")
    assert "已退款" in _refused(db, now, venue, a, "refund_duplicate")


def test_manual_redeem_refused_for_a_ticket_no_longer_valid_or_a_locked_order(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    first, second = (t.ticket_id for t in sale.tickets)
    a = _open(db, now, "redeem_failed", order_id=sale.order_id, evidence={"ticket_id": first})
    _update(db, Ticket, Ticket.ticket_id == first, status="refunded")
    assert "已退票" in _refused(db, now, venue, a, "manual_redeem")
    b = _open(db, now, "redeem_failed", order_id=sale.order_id, evidence={"ticket_id": second})
    _update(db, Order, Order.order_id == sale.order_id, locked_at=now, locked_by="boss")
    assert "锁定" in _refused(db, now, venue, b, "manual_redeem")
    tomorrow = sell(db, now, venue, ("ADULT", 1), visit_date=venue.local_date(now) +
                    timedelta(days=1))
    c = _open(db, now, "redeem_failed", order_id=tomorrow.order_id,
              evidence={"ticket_id": tomorrow.tickets[0].ticket_id})
    assert "游玩日期" in _refused(db, now, venue, c, "manual_redeem")


def test_lock_order_refused_when_already_locked(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    a = _open(db, now, "duplicate_redemption", order_id=sale.order_id)
    b = _open(db, now, "duplicate_redemption", order_id=sale.order_id)
    _fix(db, now, venue, a, "lock_order")
    assert "被 boss 锁定" in _refused(db, now, venue, b, "lock_order")


def test_cancel_and_release_refused_for_paid_or_used_orders(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))  # a cash sale: paid
    a = _open(db, now, "payment_failed_order_open", order_id=sale.order_id)
    assert "已支付" in _refused(db, now, venue, a, "cancel_and_release")
    _update(db, Order, Order.order_id == sale.order_id, payment_state="failed")
    _update(db, Ticket, Ticket.order_id == sale.order_id, status="redeemed")
    assert "已核销" in _refused(db, now, venue, a, "cancel_and_release")
    _update(db, Order, Order.order_id == sale.order_id, cancelled=True)
    assert "已取消" in _refused(db, now, venue, a, "cancel_and_release")


def _failed_refund(db, now, sale, status="failed"):
    with db.session() as s, s.begin():
        s.add(Refund(refund_id=new_id(), refund_no=f"{sale.order_no}-R1",
                     order_id=sale.order_id, ticket_ids=[t.ticket_id for t in sale.tickets],
                     method="wechat", status=status, amount_fen=9940, fee_fen=0,
                     payment_fee_fen=60, rule="tier_72h", reason="测试", override=None,
                     approvals=[], requested_by="clerk1", attempts=3, created_at=now,
                     updated_at=now, version=1))
    _update(db, Ticket, Ticket.order_id == sale.order_id, status="refunding")
    return f"{sale.order_no}-R1"


@pytest.mark.parametrize("action", ["retry_refund", "change_refund_method"])
def test_refund_fixes_refused_once_the_refund_settled(db, now, venue, action):
    sale = sell(db, now, venue, ("ADULT", 1), method="wechat")
    refund_no = _failed_refund(db, now, sale)
    a = _open(db, now, "refund_failed", order_id=sale.order_id,
              evidence={"refund_no": refund_no})
    _update(db, Refund, Refund.refund_no == refund_no, status="succeeded")
    assert "已退款" in _refused(db, now, venue, a, action, note="改现金")


def test_process_refund_refused_for_a_settled_refund(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1), method="wechat")
    refund_no = _failed_refund(db, now, sale, status="succeeded")
    a = _open(db, now, "refund_not_processed", order_id=sale.order_id,
              evidence={"refund_no": refund_no})
    assert "已退款" in _refused(db, now, venue, a, "process_refund")


def test_inventory_fixes_refused_when_the_count_is_right_or_refunded_late(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    a = _open(db, now, "paid_inventory_not_deducted", order_id=sale.order_id)
    assert "无需补扣" in _refused(db, now, venue, a, "deduct_inventory")
    b = _open(db, now, "refund_inventory_not_restored", order_id=sale.order_id)
    assert "无需恢复" in _refused(db, now, venue, b, "restore_inventory")
    # refunded two days after the visit date: its unit rightly stays sold
    later, ticket = now + timedelta(days=2), sale.tickets[0].ticket_id
    with db.session() as s, s.begin():
        s.add(Refund(refund_id=new_id(), refund_no=f"{sale.order_no}-R1",
                     order_id=sale.order_id, ticket_ids=[ticket], method="cash",
                     status="succeeded", amount_fen=0, fee_fen=0, payment_fee_fen=0,
                     rule="expired", reason="测试", override=None, approvals=[],
                     requested_by="clerk1", attempts=0, created_at=later, updated_at=later,
                     version=1))
    _update(db, Ticket, Ticket.ticket_id == ticket, status="refunded")
    c = _open(db, later, "refund_inventory_not_restored", order_id=sale.order_id,
              evidence={"ticket_id": ticket})
    assert "之后才退" in _refused(db, later, venue, c, "restore_inventory")
    _update(db, Ticket, Ticket.ticket_id == ticket, status="valid")
    day = venue.local_date(now)
    _update(db, Inventory, sa.and_(Inventory.ticket_type == "ADULT",
                                   Inventory.visit_date == day), sold=0)
    _fix(db, now, venue, a, "deduct_inventory")
    with db.session() as s:
        row = s.execute(sa.select(Inventory).where(Inventory.ticket_type == "ADULT",
                                                   Inventory.visit_date == day)).scalar_one()
        assert row.sold == 2


def _orphan(db, now, *, attach, status="succeeded", txn="WX-ORPHAN"):
    payment_id = new_id()
    with db.session() as s, s.begin():
        s.add(Payment(payment_id=payment_id, payment_no=f"PAY-WECHAT-{txn}", order_id=None,
                      method="wechat", amount_fen=10000, tendered_fen=10000, change_fen=0,
                      status=status, provider="wechat", provider_txn_id=txn, at=now))
    return _open(db, now, "paid_no_order", evidence={
        "payment_id": payment_id, "provider_txn_id": txn, "provider": "wechat",
        "amount_fen": 10000, "order_no": "MP-LOST", "attach": attach})


def test_backfill_refused_without_stock_a_bad_attach_or_a_refunded_payment(db, now, venue):
    day = venue.local_date(now).isoformat()
    lines = [{"ticket_type": "ADULT", "qty": 1}]
    bad = _orphan(db, now, attach={"visit_date": "someday", "lines": lines}, txn="T1")
    assert "游玩日期" in _refused(db, now, venue, bad, "backfill_order")
    junk = _orphan(db, now, attach={"visit_date": day, "lines": [{"qty": "x"}]}, txn="T2")
    assert "格式" in _refused(db, now, venue, junk, "backfill_order")
    unknown = _orphan(db, now, attach={"visit_date": day, "lines": [
        {"ticket_type": "NOPE", "qty": 1}]}, txn="T3")
    assert "NOPE" in _refused(db, now, venue, unknown, "backfill_order")
    _update(db, Inventory, sa.and_(Inventory.ticket_type == "ADULT",
                                   Inventory.visit_date == venue.local_date(now)), capacity=0)
    full = _orphan(db, now, attach={"visit_date": day, "lines": lines}, txn="T4")
    _refused(db, now, venue, full, "backfill_order", SoldOut)
    refunded = _orphan(db, now, attach={"visit_date": day, "lines": lines}, txn="T5",
                       status="refunded")
    assert "已退款" in _refused(db, now, venue, refunded, "backfill_order")
    assert "已退款" in _refused(db, now, venue, refunded, "refund_payment")


def test_a_closed_anomaly_reports_already_fixed_even_with_a_stale_version(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    a = _open(db, now, "oversold", order_id=sale.order_id)
    _fix(db, now, venue, a, "dismiss", note="误报")
    with db.session() as s:
        row = s.get(Anomaly, a)
        assert (row.status, row.resolved_by) == ("dismissed", "boss")
        assert row.dedupe_key is not None  # a dismissed cause stays quiet
    done = _fix(db, now, venue, a, "mark_resolved", note="x", order_version=1)
    assert done.already_fixed and done.anomaly["status"] == "dismissed"
