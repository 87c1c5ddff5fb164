"""No drawer pays out cash it does not hold (`window_refunds`, DESIGN §5 cash at the window):
a cash refund above the open shift's expected cash is refused in Chinese and writes nothing."""

import pytest
import sqlalchemy as sa
from conftest import sell, tomorrow

from app.services.refunds import window_refunds
from app.services.shifts import shifts
from app.store.models import OutboxOp, PrintJobRow, Refund, Ticket


def move(db, now, kind: str, amount_fen: int, reason: str) -> None:
    shifts.cash_movement(db.session(), terminal="01", clerk="clerk1", kind=kind,
                         amount_fen=amount_fen, reason=reason, now=now)


def refund(db, now, venue, sale):
    return window_refunds.refund_cash(
        db.session(), sale.order_no, [sale.tickets[0].ticket_id], "行程有变", terminal="01",
        clerk="clerk1", role="clerk", now=now, venue=venue)


def test_a_cash_refund_the_drawer_cannot_cover_is_refused_and_writes_nothing(db, now, venue):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    sale = sell(db, now, venue, ("ADULT", 1), visit_date=tomorrow(now, venue))
    paid = sale.tickets[0].price_fen
    move(db, now, "out", paid, "交存银行")  # banked: the drawer is empty
    with pytest.raises(window_refunds.DrawerShort) as refused:
        refund(db, now, venue, sale)
    assert refused.value.message.startswith("抽屉应有现金只有 ¥0.00，不够付现 ¥")
    with db.session() as session:
        assert session.execute(sa.select(Refund)).first() is None
        assert session.execute(sa.select(Ticket.status).where(
            Ticket.ticket_id == sale.tickets[0].ticket_id)).scalar_one() == "valid"
        assert session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "refund")).first() \
            is None
        assert session.execute(sa.select(PrintJobRow).where(
            PrintJobRow.kind == "refund_slip")).first() is None
    move(db, now, "in", paid, "补备用金")  # cash put back: now it is paid out
    done = refund(db, now, venue, sale)
    assert done.status == "succeeded"
    with db.session() as session:
        assert shifts.expected_now(session, "01", now=now) == paid - done.amount_fen
