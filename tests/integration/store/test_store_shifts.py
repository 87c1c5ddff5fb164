"""The cash shift on both engines: open with a float, cash in/out, close by count → expected,
counted, variance; the Z report queued and stored; shift_open/shift_close ops; refusals."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot

from app.domain.errors import Conflict, Forbidden, IllegalTransition, NotFound, ValidationError
from app.services.shifts import shift_history, shift_tally, shifts
from app.store.models import OutboxOp, PrintJobRow, Refund, Shift


def later(now, minutes):
    return now + timedelta(minutes=minutes)


def test_a_whole_shift_closes_to_the_fen_with_a_short_variance(db, now, venue):
    opened = shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=50000,
                               now=now)
    assert shifts.current_shift(db.session(), "01") == opened
    t1 = later(now, 1)
    sale = sell(db, t1, venue, ("ADULT", 2))  # cash 2 × 100 yuan at terminal 01
    sell(db, t1, venue, ("ADULT", 1), method="wechat")
    sell(db, t1, venue, ("ADULT", 1), terminal="02")  # another window: not ours
    with db.session() as s, s.begin():
        s.add(Refund(refund_id=str(uuid.uuid4()), refund_no="R1", order_id=sale.order_id, ticket_ids=[], method="cash",
                     status="succeeded", amount_fen=8000, fee_fen=2000, payment_fee_fen=0,
                     created_at=later(now, 2), updated_at=later(now, 2)))
    moved = shifts.cash_movement(db.session(), terminal="01", clerk="clerk1", kind="in",
                                 amount_fen=10000, reason="补零钱", now=later(now, 3))
    assert moved.expected_fen == 50000 + 20000 - 8000 + 10000
    shifts.cash_movement(db.session(), terminal="01", clerk="clerk1", kind="out",
                         amount_fen=30000, reason="中途上缴", now=later(now, 4))
    assert shifts.expected_now(db.session(), "01", now=later(now, 5)) == 42000

    report = shifts.close_shift(db.session(), terminal="01", clerk="clerk1",
                                counted={10000: 4, 1000: 1, 100: 9}, now=later(now, 60),
                                venue=venue)

    assert (report.expected_fen, report.counted_fen, report.variance_fen) == (42000, 41900, -100)
    doc = report.report
    assert (doc["cash_sales_count"], doc["cash_sales_fen"]) == (1, 20000)
    assert doc["noncash_sales"] == [{"method": "wechat", "count": 1, "amount_fen": 10000}]
    assert (doc["refunds_count"], doc["refunds_fen"]) == (1, 8000)
    assert (doc["cash_in_fen"], doc["cash_out_fen"]) == (10000, 30000)
    assert [m["reason"] for m in doc["movements"]] == ["补零钱", "中途上缴"]
    assert shifts.current_shift(db.session(), "01") is None
    with db.session() as s:
        row = s.get(Shift, opened.shift_id)
        assert (row.status, row.cash_expected_fen, row.cash_counted_fen, row.variance_fen) == (
            "closed", 42000, 41900, -100)
        assert row.report == doc and row.closed_at == later(now, 60)
        (job,) = s.execute(sa.select(PrintJobRow).where(
            PrintJobRow.id.in_(report.print_job_ids))).scalars()
        assert job.kind == "shift_report" and job.payload["variance_fen"] == -100
        ops = s.execute(sa.select(OutboxOp).where(OutboxOp.kind.like("shift%"))
                        .order_by(OutboxOp.seq)).scalars().all()
    assert [o.kind for o in ops] == ["shift_open", "shift_close"]
    assert ops[0].payload == {"shift_id": opened.shift_id, "terminal": "01", "clerk": "clerk1",
                              "opening_float_fen": 50000, "opened_at": now.isoformat()}
    assert ops[1].payload["variance_fen"] == -100
    assert ops[1].payload["closed_at"] == later(now, 60).isoformat()


def test_sales_before_the_shift_opened_do_not_count(db, now, venue):
    sell(db, now, venue, ("ADULT", 1))
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0,
                      now=later(now, 1))
    report = shifts.close_shift(db.session(), terminal="01", clerk="clerk1", counted={},
                                now=later(now, 2), venue=venue)
    assert (report.expected_fen, report.variance_fen) == (0, 0)


def test_a_second_open_shift_on_the_terminal_is_refused(db, now):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=100, now=now)
    before = snapshot(db)
    with pytest.raises(Conflict, match="未交班"):
        shifts.open_shift(db.session(), terminal="01", clerk="clerk2", float_fen=0, now=now)
    assert snapshot(db) == before
    shifts.open_shift(db.session(), terminal="02", clerk="clerk2", float_fen=0, now=now)


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda s, now: shifts.cash_movement(s, terminal="01", clerk="clerk1", kind="in",
                                         amount_fen=100, reason="x", now=now),
     IllegalTransition, "还没有开班"),
    (lambda s, now: shifts.close_shift(s, terminal="01", clerk="clerk1", counted={}, now=now),
     IllegalTransition, "还没有开班"),
    (lambda s, now: shifts.open_shift(s, terminal="01", clerk="clerk1", float_fen=-1, now=now),
     ValidationError, "不能为负数"),
    (lambda s, now: shifts.open_shift(s, terminal="!!", clerk="clerk1", float_fen=0, now=now),
     ValidationError, "终端号"),
])
def test_refusals_without_an_open_shift(db, now, call, error, words):
    before = snapshot(db)
    with pytest.raises(error, match=words):
        call(db.session(), now)
    assert snapshot(db) == before


@pytest.mark.parametrize(("changes", "error", "words"), [
    ({"reason": "  "}, ValidationError, "必须填写原因"),
    ({"amount_fen": -5}, ValidationError, "必须大于 0"),
    ({"amount_fen": 0}, ValidationError, "必须大于 0"),
    ({"kind": "steal"}, ValidationError, "存入或取出"),
    ({"clerk": "clerk2"}, Forbidden, "只能由本人"),
    ({"kind": "out", "amount_fen": 1001}, ValidationError, "不能取出更多"),
])
def test_cash_movement_refusals(db, now, changes, error, words):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=1000, now=now)
    before = snapshot(db)
    args = {"terminal": "01", "clerk": "clerk1", "kind": "in", "amount_fen": 100,
            "reason": "补零钱", "now": now, **changes}
    with pytest.raises(error, match=words):
        shifts.cash_movement(db.session(), **args)
    assert snapshot(db) == before


@pytest.mark.parametrize(("changes", "error", "words"), [
    ({"clerk": "clerk2"}, Forbidden, "只能由本人"),
    ({"counted": {300: 1}}, ValidationError, "面额"),
    ({"counted": {100: -1}}, ValidationError, "张数"),
])
def test_close_refusals(db, now, changes, error, words):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=1000, now=now)
    before = snapshot(db)
    args = {"terminal": "01", "clerk": "clerk1", "counted": {100: 10}, "now": now, **changes}
    with pytest.raises(error, match=words):
        shifts.close_shift(db.session(), **args)
    assert snapshot(db) == before


def test_closing_before_opening_is_refused(db, now):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    with pytest.raises(ValidationError, match="早于开班"):
        shifts.close_shift(db.session(), terminal="01", clerk="clerk1", counted={},
                           now=now - timedelta(seconds=1))


def refund_row(db, sale, now, *, no, amount, approvals=()):
    """A cash refund paid out of window 01's drawer at `now` (an approved one has approvals)."""
    with db.session() as s, s.begin():
        s.add(Refund(refund_id=str(uuid.uuid4()), refund_no=no, order_id=sale.order_id,
                     ticket_ids=[], method="cash", status="succeeded", amount_fen=amount,
                     fee_fen=0, payment_fee_fen=0, created_at=now, updated_at=now,
                     approvals=list(approvals), paid_out_terminal="01", paid_out_at=now))


def test_the_tally_lists_window_refunds_and_approved_payouts_apart(db, now, venue):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    sale = sell(db, later(now, 1), venue, ("ADULT", 3))
    refund_row(db, sale, later(now, 2), no="R-WIN", amount=8000)
    refund_row(db, sale, later(now, 3), no="R-APP", amount=10000,
               approvals=[{"by": "supervisor", "as": "supervisor"}])
    with db.session() as s, s.begin():
        t = shift_tally.tally(s, shift_id="x", terminal="01", start=now, end=later(now, 5))
    assert [(r["kind"], r["refund_no"], r["order_no"], r["amount_fen"]) for r in t.refunds] == [
        ("refund", "R-WIN", sale.order_no, 8000), ("payout", "R-APP", sale.order_no, 10000)]
    assert t.refunds_of("refund") == (1, 8000) and t.refunds_of("payout") == (1, 10000)
    assert (t.refunds_count, t.refunds_fen) == (2, 18000)
    assert shifts.expected_now(db.session(), "01", now=later(now, 5)) == 30000 - 18000


def test_a_close_confirmed_on_a_stale_expected_cash_is_refused(db, now, venue):
    """The clerk confirmed ¥0 expected; a sale came in meanwhile: nothing closes, nothing is
    written, and he is told the new figure."""
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    sell(db, later(now, 1), venue, ("ADULT", 1))
    before = snapshot(db)
    with pytest.raises(Conflict, match="应有现金已变为 ¥100.00"):
        shifts.close_shift(db.session(), terminal="01", clerk="clerk1", counted={},
                           now=later(now, 2), expected_fen=0)
    assert snapshot(db) == before
    report = shifts.close_shift(db.session(), terminal="01", clerk="clerk1",
                                counted={10000: 1}, now=later(now, 2), expected_fen=10000)
    assert (report.variance_fen, report.closed_by) == (0, "clerk1")


def test_a_supervisor_takes_over_a_shift_a_clerk_left_open(db, now, venue):
    opened = shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=50000,
                               now=now)
    sell(db, later(now, 1), venue, ("ADULT", 2))
    report = shifts.take_over_shift(
        db.session(), terminal="01", supervisor="supervisor", role="supervisor",
        reason=" 售票员1 临时离岗未交班 ", counted={10000: 7}, now=later(now, 30), venue=venue,
        expected_fen=70000)
    assert (report.clerk, report.closed_by, report.variance_fen) == ("clerk1", "supervisor", 0)
    assert (report.report["closed_by"], report.report["close_reason"]) == (
        "supervisor", "售票员1 临时离岗未交班")
    assert shifts.current_shift(db.session(), "01") is None
    with db.session() as s:
        row = s.get(Shift, opened.shift_id)
        op = s.execute(sa.select(OutboxOp).where(OutboxOp.kind == "shift_close")).scalar_one()
        job = s.execute(sa.select(PrintJobRow).where(PrintJobRow.kind == "shift_report")
                        ).scalar_one()
    assert (row.status, row.clerk, row.report["closed_by"]) == ("closed", "clerk1", "supervisor")
    assert (op.payload["clerk"], op.payload["closed_by"], op.payload["close_reason"]) == (
        "clerk1", "supervisor", "售票员1 临时离岗未交班")
    assert job.payload["closed_by"] == "supervisor"
    shifts.open_shift(db.session(), terminal="01", clerk="clerk2", float_fen=0,
                      now=later(now, 31))  # the window works again


@pytest.mark.parametrize(("changes", "error", "words"), [
    ({"role": "clerk", "supervisor": "clerk2"}, Forbidden, "只有主管可以代交"),
    ({"reason": "  "}, ValidationError, "必须填写原因"),
    ({"supervisor": "clerk1"}, ValidationError, "本人的班次"),
    ({"terminal": "02"}, IllegalTransition, "没有未交班"),
    ({"expected_fen": 1}, Conflict, "应有现金已变为"),
])
def test_take_over_refusals_write_nothing(db, now, changes, error, words):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    before = snapshot(db)
    args = {"terminal": "01", "supervisor": "supervisor", "role": "supervisor",
            "reason": "离岗", "counted": {}, "now": now, **changes}
    with pytest.raises(error, match=words):
        shifts.take_over_shift(db.session(), **args)
    assert snapshot(db) == before


def test_a_clerk_who_does_not_own_the_shift_is_told_to_ask_a_supervisor(db, now):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    with pytest.raises(Forbidden, match="或请主管代为交班"):
        shifts.close_shift(db.session(), terminal="01", clerk="clerk2", counted={}, now=now)
    with pytest.raises(Conflict, match="请 clerk1 交班，或请主管代为交班"):
        shifts.open_shift(db.session(), terminal="01", clerk="clerk2", float_fen=0, now=now)


def test_past_shifts_newest_first_and_a_z_reprint_queues_the_stored_report(db, now, venue):
    first = shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=100,
                              now=now)
    shifts.close_shift(db.session(), terminal="01", clerk="clerk1", counted={100: 1},
                       now=later(now, 10), venue=venue)
    second = shifts.open_shift(db.session(), terminal="01", clerk="clerk2", float_fen=0,
                               now=later(now, 11))
    shifts.take_over_shift(db.session(), terminal="01", supervisor="supervisor",
                           role="supervisor", reason="离岗", counted={}, now=later(now, 20),
                           venue=venue)
    shifts.open_shift(db.session(), terminal="02", clerk="clerk1", float_fen=0, now=now)
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0,
                      now=later(now, 21))  # open: not a past shift yet

    past = shift_history.past_shifts(db.session(), "01")
    assert [p.shift_id for p in past] == [second.shift_id, first.shift_id]
    assert (past[0].closed_by, past[0].close_reason) == ("supervisor", "离岗")
    assert (past[1].closed_by, past[1].variance_fen, past[1].float_fen) == ("clerk1", 0, 100)

    one = shift_history.reprint_report(db.session(), first.shift_id, terminal="01",
                                       actor="clerk1", now=later(now, 30), venue=venue)
    two = shift_history.reprint_report(db.session(), first.shift_id, terminal="01",
                                       actor="clerk1", now=later(now, 31), venue=venue)
    assert (one.reprint_no, two.reprint_no) == (1, 2)
    with db.session() as s:
        row = s.get(Shift, first.shift_id)
        jobs = s.execute(sa.select(PrintJobRow).where(PrintJobRow.id.in_(
            one.print_job_ids + two.print_job_ids)).order_by(PrintJobRow.created_at)
            ).scalars().all()
    assert [j.kind for j in jobs] == ["shift_report"] * 2
    assert [j.payload["reprint_no"] for j in jobs] == [1, 2]
    assert {k: v for k, v in jobs[0].payload.items() if k not in ("reprint_no", "printed_at")} \
        == {k: v for k, v in row.report.items() if k not in ("reprint_no", "printed_at")}
    assert row.report["reprint_no"] == 0  # the stored Z report itself is left as it was


@pytest.mark.parametrize(("which", "error", "words"), [
    ("open", IllegalTransition, "还没有交班"),
    ("other_window", Forbidden, "终端 02"),
    ("unknown", NotFound, "没有找到"),
])
def test_z_reprint_refusals(db, now, venue, which, error, words):
    here = shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    there = shifts.open_shift(db.session(), terminal="02", clerk="clerk2", float_fen=0, now=now)
    shifts.close_shift(db.session(), terminal="02", clerk="clerk2", counted={},
                       now=later(now, 1), venue=venue)
    shift_id = {"open": here.shift_id, "other_window": there.shift_id,
                "unknown": str(uuid.uuid4())}[which]
    before = snapshot(db)
    with pytest.raises(error, match=words):
        shift_history.reprint_report(db.session(), shift_id, terminal="01", actor="clerk1",
                                     now=later(now, 2), venue=venue)
    assert snapshot(db) == before
