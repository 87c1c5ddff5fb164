"""Reading orders back, the tamper-evident timeline, and reprints marked 重打 N."""

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot

from app.domain.errors import IllegalTransition, NotFound, ValidationError
from app.services.journal import orders
from app.services.prints import reprint
from app.store.models import OutboxOp, PrintJobRow, Ticket


def _jobs(db, ids):
    with db.session() as s:
        by_id = {j.id: j for j in s.execute(
            sa.select(PrintJobRow).where(PrintJobRow.id.in_(ids))).scalars()}
    return [by_id[i] for i in ids]


def test_reprint_marks_the_documents_and_logs_it(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2), tendered=30000)
    later = now.replace(minute=5)
    first = reprint.reprint(db.session(), sale.order_no, actor="user:clerk1", now=later)
    assert first.reprint_no == 1
    jobs = _jobs(db, first.print_job_ids)
    assert [(j.kind, j.payload["code"], j.payload["reprint_no"]) for j in jobs] == [
        ("ticket", t.code, 1) for t in sale.tickets]
    assert jobs[0].payload["ticket_type_name"] == "成人票" and jobs[0].order_no == sale.order_no

    one = sale.tickets[1].ticket_id
    second = reprint.reprint(db.session(), sale.order_no, ticket_ids=[one], receipt=True,
                             actor="clerk2", now=later)
    ticket_job, receipt_job = _jobs(db, second.print_job_ids)
    assert second.reprint_no == 2 and ticket_job.payload["reprint_no"] == 2
    assert receipt_job.kind == "receipt" and receipt_job.payload["reprint_no"] == 1
    assert receipt_job.payload["kick_drawer"] is False  # a reprint never opens the drawer
    assert receipt_job.payload["tendered_fen"] == 30000

    with db.session() as s:
        counts = dict(s.execute(sa.select(Ticket.ticket_id, Ticket.reprint_count)).all())
        ops = s.execute(sa.select(OutboxOp).order_by(OutboxOp.seq)).scalars().all()
    assert counts == {sale.tickets[0].ticket_id: 1, one: 2}
    assert [(o.seq, o.kind) for o in ops] == [(1, "sale"), (2, "reprint"), (3, "reprint")]
    assert ops[2].payload["tickets"] == [{"ticket_id": one, "reprint_no": 2}]
    events, verified = orders.timeline(db.session(), sale.order_no)
    assert verified
    assert [(e["action"], e["actor"]) for e in events[2:]] == [
        ("ticket.reprinted", "user:clerk1"), ("ticket.reprinted", "user:clerk1"),
        ("ticket.reprinted", "user:clerk2"), ("receipt.reprinted", "user:clerk2")]
    assert events[4]["detail"] == {"ticket_id": one, "code": sale.tickets[1].code,
                                   "reprint_no": 2}
    assert orders.get_order(db.session(), sale.order_no)["tickets"][1]["reprint_count"] == 2


def test_reprint_refusals_write_nothing(sqlite_db, now, venue):
    sale = sell(sqlite_db, now, venue, ("ADULT", 1))
    other = sell(sqlite_db, now, venue, ("CHILD", 1))
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE tickets SET status = 'refunded' WHERE order_id = :o"),
                     {"o": other.order_id})
    before = snapshot(sqlite_db)
    with pytest.raises(NotFound, match="没有找到订单"):
        reprint.reprint(sqlite_db.session(), "W01-20991231-0001", actor="clerk1", now=now)
    with pytest.raises(ValidationError, match="不属于该订单"):
        reprint.reprint(sqlite_db.session(), sale.order_no,
                        ticket_ids=[other.tickets[0].ticket_id], actor="clerk1", now=now)
    with pytest.raises(IllegalTransition, match="已退票.*不能重打"):
        reprint.reprint(sqlite_db.session(), other.order_no,
                        ticket_ids=[other.tickets[0].ticket_id], actor="clerk1", now=now)
    with pytest.raises(ValidationError, match="没有可以重打的票"):
        reprint.reprint(sqlite_db.session(), other.order_no, actor="clerk1", now=now)
    assert snapshot(sqlite_db) == before


def test_a_tampered_timeline_no_longer_verifies(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    reprint.reprint(db.session(), sale.order_no, actor="clerk1", now=now)
    assert orders.timeline(db.session(), sale.order_no)[1] is True
    with db.engine.begin() as conn:  # someone edits the amount in the stored log
        conn.execute(sa.text(
            "UPDATE timeline_events SET actor = 'user:mallory' WHERE seq = 2"))
    events, verified = orders.timeline(db.session(), sale.order_no)
    assert verified is False
    assert [e["intact"] for e in events] == [True, False, False]


def test_order_json_masks_personal_data(sqlite_db, now, venue):
    sale = sell(sqlite_db, now, venue, ("ADULT", 1))
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text(
            "UPDATE orders SET customer_name = '张三', customer_phone = '13812345678', "
            "customer_id_no = '110101199001011234'"))
    order = orders.get_order(sqlite_db.session(), sale.order_no)
    assert order["customer"] == {"name": "张三", "phone_masked": "138****5678",
                                 "id_masked": "1101**********1234"}
    shown = orders.get_order(sqlite_db.session(), sale.order_no, reveal=True)["customer"]
    assert shown["phone"] == "13812345678"
    with pytest.raises(NotFound):
        orders.get_order(sqlite_db.session(), "W09-20261121-0001")


def test_recent_orders_newest_first_and_by_terminal(sqlite_db, now, venue):
    made = [sell(sqlite_db, now.replace(minute=m), venue, ("ADULT", 1), terminal=t).order_no
            for m, t in ((1, "01"), (2, "02"), (3, "01"))]
    listed = orders.recent_orders(sqlite_db.session(), limit=10)
    assert [o["order_no"] for o in listed] == made[::-1]
    assert [o["order_no"] for o in orders.recent_orders(sqlite_db.session(), terminal="01")] \
        == [made[2], made[0]]
    page = orders.recent_orders(sqlite_db.session(), limit=1, offset=1)
    assert [o["order_no"] for o in page] == [made[1]]
    assert listed[0]["tickets"][0]["status"] == "valid"
