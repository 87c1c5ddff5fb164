"""撤销上一单 at the window (`window_voids`), on a real SQLite file: the sale just made comes back
whole at no fee in one transaction (refund rule `void`, tickets refunded, stock, timeline, the
`refund` op, the void slip, the drawer's cash) — or, refused in Chinese, nothing is written."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot

from app.domain.errors import IllegalTransition, NotFound
from app.services.journal import orders
from app.services.refunds import window_voids
from app.services.refunds.window_voids import VoidRefused
from app.services.shifts import shifts
from app.store.models import Inventory, Order, OutboxOp, PrintJobRow, Refund, Ticket


@pytest.fixture
def db(sqlite_db, now):
    shifts.open_shift(sqlite_db.session(), terminal="01", clerk="clerk1", float_fen=50_000,
                      now=now - timedelta(hours=1))
    return sqlite_db


def void(db, order_no, now, venue, *, clerk="clerk1", role="clerk"):
    return window_voids.void_last_sale(db.session(), order_no, terminal="01", clerk=clerk,
                                       role=role, now=now, venue=venue)


def sold(db, code, day):
    with db.session() as s:
        return s.execute(sa.select(Inventory.sold).where(
            Inventory.ticket_type == code, Inventory.visit_date == day)).scalar_one()


def one(db, model, *where):
    with db.session() as s:
        return s.execute(sa.select(model).where(*where)).scalars().one()


def test_the_sale_just_made_comes_back_whole_at_no_fee(db, now, venue):
    day = venue.local_date(now)
    before = sold(db, "ADULT", day)
    sale = sell(db, now, venue, ("ADULT", 2), ("CHILD", 1), tendered=30000)
    assert shifts.expected_now(db.session(), "01", now=now) == 50_000 + 25_000

    done = void(db, sale.order_no, now + timedelta(minutes=3), venue)

    assert (done.order_no, done.refund_no, done.amount_fen) == (
        sale.order_no, f"{sale.order_no}-R1", 25_000)
    refund = one(db, Refund)
    assert (refund.rule, refund.method, refund.status, refund.fee_fen, refund.payment_fee_fen,
            refund.amount_fen, refund.paid_out_terminal) == (
        "void", "cash", "succeeded", 0, 0, 25_000, "01")
    order = one(db, Order)
    assert (order.status, order.refunded_fen, order.paid_fen) == ("refunded", 25_000, 25_000)
    with db.session() as s:
        assert set(s.execute(sa.select(Ticket.status)).scalars()) == {"refunded"}
    assert sold(db, "ADULT", day) == before  # the units are for sale again
    # the drawer: the shift's cash is the float again
    assert shifts.expected_now(db.session(), "01", now=now + timedelta(minutes=4)) == 50_000
    events, verified = orders.timeline(db.session(), sale.order_no)
    assert verified
    assert [e["action"] for e in events][2:] == [
        "sale.voided", "refund.succeeded", "ticket.refunded", "ticket.refunded",
        "ticket.refunded"]
    assert events[2]["detail"]["seconds_after_sale"] == 180
    assert events[2]["actor"] == "user:clerk1"
    op = one(db, OutboxOp, OutboxOp.op_id == done.op_id)
    assert op.kind == "refund" and op.payload["rule"] == "void"
    assert (op.payload["amount_fen"], op.payload["fee_fen"], op.payload["clerk"],
            op.payload["terminal"]) == (25_000, 0, "clerk1", "01")
    assert sorted(op.payload["ticket_ids"]) == sorted(t.ticket_id for t in sale.tickets)
    [job_id] = done.print_job_ids
    slip = one(db, PrintJobRow, PrintJobRow.id == job_id)
    assert slip.kind == "void_slip" and slip.order_no == sale.order_no
    assert slip.payload["kick_drawer"] is True and slip.payload["refund_fen"] == 25_000
    assert [t["code"] for t in slip.payload["tickets"]] == [t.code for t in sale.tickets]


def test_the_last_sale_is_what_the_clerk_is_asked_about(db, now, venue):
    sell(db, now, venue, ("ADULT", 1))
    sale = sell(db, now + timedelta(seconds=20), venue, ("ADULT", 2), ("CHILD", 1))
    last = window_voids.last_sale(db.session(), terminal="01", clerk="clerk1", role="clerk",
                                  now=now + timedelta(minutes=1))
    assert (last.order_no, last.total_fen, last.refusal) == (sale.order_no, 25_000, None)
    assert last.lines == (("成人票", 2), ("儿童票", 1))
    later = window_voids.last_sale(db.session(), terminal="01", clerk="clerk1", role="clerk",
                                   now=now + timedelta(minutes=11))
    assert later.refusal == f"订单 {sale.order_no} 售出已超过 10 分钟，不能撤销，请按退票办理"


def refused(db, order_no, now, venue, **who):
    before = snapshot(db)
    with pytest.raises(VoidRefused) as e:
        void(db, order_no, now, venue, **who)
    assert snapshot(db) == before
    return e.value


def test_ten_minutes_is_the_limit(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    e = refused(db, sale.order_no, now + timedelta(minutes=10, seconds=1), venue)
    assert e.detail["rule"] == "too_old" and "超过 10 分钟" in e.message
    assert void(db, sale.order_no, now + timedelta(minutes=10), venue).amount_fen == 10000


def test_only_the_last_sale_of_the_shift(db, now, venue):
    first = sell(db, now, venue, ("ADULT", 1))
    last = sell(db, now + timedelta(seconds=30), venue, ("CHILD", 1))
    e = refused(db, first.order_no, now + timedelta(minutes=1), venue)
    assert e.detail["rule"] == "not_last"
    assert e.message == (f"只能撤销本班次的最后一单（{last.order_no}），"
                         f"订单 {first.order_no} 请按退票办理")


def test_a_redeemed_ticket_keeps_the_sale(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    with db.session() as s, s.begin():  # a gate's redemption, as the store's feed brings it
        s.execute(sa.update(Ticket).where(Ticket.ticket_id == sale.tickets[1].ticket_id)
                  .values(status="redeemed"))
    e = refused(db, sale.order_no, now + timedelta(minutes=2), venue)
    assert e.message == f"订单 {sale.order_no} 已有票核销入园，不能撤销，请按退票办理"


def test_a_voided_sale_is_not_voided_twice(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    void(db, sale.order_no, now + timedelta(minutes=1), venue)
    e = refused(db, sale.order_no, now + timedelta(minutes=2), venue)
    assert e.message == f"订单 {sale.order_no} 已退票或已撤销，不能再撤销"


def test_another_clerks_sale_needs_a_supervisor(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    with db.session() as s, s.begin():  # sold by clerk2 earlier in this shift
        s.execute(sa.update(Order).values(clerk="clerk2"))
    e = refused(db, sale.order_no, now + timedelta(minutes=1), venue)
    assert e.detail["rule"] == "other_clerk" and "clerk2" in e.message


def test_a_sale_of_the_last_shift_is_not_this_shifts(sqlite_db, now, venue):
    sale = sell(sqlite_db, now, venue, ("ADULT", 1))
    shifts.open_shift(sqlite_db.session(), terminal="01", clerk="clerk1", float_fen=0,
                      now=now + timedelta(minutes=1))
    e = refused(sqlite_db, sale.order_no, now + timedelta(minutes=2), venue)
    assert e.detail["rule"] == "other_shift"


def test_no_open_shift_no_void(sqlite_db, now, venue):
    sale = sell(sqlite_db, now, venue, ("ADULT", 1))
    before = snapshot(sqlite_db)
    with pytest.raises(IllegalTransition) as e:
        void(sqlite_db, sale.order_no, now, venue)
    assert e.value.message == "终端 01 还没有开班，请先开班"
    assert snapshot(sqlite_db) == before


def test_a_shift_with_no_sale_has_nothing_to_void(db, now):
    with pytest.raises(NotFound) as e:
        window_voids.last_sale(db.session(), terminal="01", clerk="clerk1", role="clerk",
                               now=now)
    assert e.value.message == "本班次还没有售票，没有可撤销的订单"


def test_the_z_report_counts_the_void_as_cash_back(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2), tendered=20000)
    void(db, sale.order_no, now + timedelta(minutes=1), venue)
    report = shifts.close_shift(db.session(), terminal="01", clerk="clerk1",
                                counted={10000: 5}, now=now + timedelta(minutes=5),
                                venue=venue)
    z = report.report
    assert (z["cash_sales_count"], z["cash_sales_fen"]) == (1, 20000)
    assert (z["refunds_count"], z["refunds_fen"]) == (1, 20000)
    assert (report.expected_fen, report.variance_fen) == (50_000, 0)
