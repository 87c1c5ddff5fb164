"""The cash shift on both engines: open with a float, cash in/out, close by count → expected,
counted, variance; the Z report queued and stored; shift_open/shift_close ops; refusals."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot

from app.domain.errors import Conflict, Forbidden, IllegalTransition, ValidationError
from app.services.shifts import shifts
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
