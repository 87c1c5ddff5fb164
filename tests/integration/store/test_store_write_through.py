"""`write_through.write` on both engines: a new row INSERTed whole and then held by the session
as loaded; a loaded row's changed columns UPDATEd (nothing else), the objects clean after it;
a later change flushes the ordinary way; a scalar default filled in, a computed one refused."""

import pytest
import sqlalchemy as sa
from conftest import sell

from app.store import write_through
from app.store.models import Order, Refund, Ticket


def _refund(order: Order, now, **kw) -> Refund:
    return Refund(refund_id="r-1", refund_no=f"{order.order_no}-R1", order_id=order.order_id,
                  ticket_ids=["t"], method="cash", status="succeeded", amount_fen=100,
                  fee_fen=0, payment_fee_fen=0, rule="r", reason="why", override=None,
                  approvals=[], requested_by="clerk1", created_at=now, updated_at=now, **kw)


def test_new_and_changed_rows_are_written_and_left_clean(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    with db.session() as s, s.begin():
        order = s.execute(sa.select(Order).where(Order.order_no == sale.order_no)).scalar_one()
        tickets = list(s.execute(sa.select(Ticket).where(Ticket.order_id == order.order_id)
                                 .order_by(Ticket.position)).scalars())
        was = {c.name: getattr(order, c.name) for c in Order.__table__.c}
        order.refunded_fen, order.version = 100, order.version + 1
        tickets[0].status = "refunded"
        tickets[1].status = tickets[1].status  # set to what it was: not a change
        refund = _refund(order, now)
        write_through.write(s, [refund, order, *tickets])
        assert not s.new and not any(s.is_modified(o) for o in [refund, order, *tickets])
        assert refund in s and sa.inspect(refund).persistent
        assert (refund.attempts, refund.version) == (0, 1)  # scalar defaults, as a flush sets
        refund.status = "failed"  # a later change: the ordinary flush
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(Order.__table__)
                           .where(Order.order_id == order.order_id)).one()._asdict()
        assert row == was | {"refunded_fen": 100, "version": was["version"] + 1}
        states = conn.execute(sa.select(Ticket.status).where(Ticket.order_id == order.order_id)
                              .order_by(Ticket.position)).scalars().all()
        assert states == ["refunded", "valid"]
        written = conn.execute(sa.select(Refund.__table__)).one()
        assert (written.status, written.attempts, written.ticket_ids) == ("failed", 0, ["t"])


def test_a_computed_default_must_be_set(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    with db.session() as s, s.begin():
        order = s.execute(sa.select(Order).where(Order.order_no == sale.order_no)).scalar_one()
        refund = _refund(order, now)
        refund.approvals = None  # `default=list`: computed, not a scalar
        with pytest.raises(ValueError, match="approvals"):
            write_through.write(s, [refund])


def test_a_value_repeated_across_columns_is_written_to_each(db, now, venue):
    """On PostgreSQL a value repeated in columns of one type is sent once (`_Binds`): the same
    string in three text columns, NULL in columns of four types, the same time twice; each
    column still gets its own value, and fewer parameters go than columns are written."""
    sale = sell(db, now, venue, ("ADULT", 1))
    sent: list[int] = []
    sa.event.listen(db.engine, "before_cursor_execute",
                    lambda *a: sent.append(len(a[3]) if isinstance(a[3], dict) else 0))
    with db.session() as s, s.begin():
        order = s.execute(sa.select(Order).where(Order.order_no == sale.order_no)).scalar_one()
        order.version += 1
        refund = _refund(order, now, attempts=0, version=1, paid_out_terminal=None,
                         paid_out_at=None, last_error=None)
        refund.reason = refund.requested_by = refund.rule = "clerk1"
        sent.clear()
        write_through.write(s, [refund, order])
        statements = list(sent)
    with db.engine.connect() as conn:
        r = conn.execute(sa.select(Refund.__table__)).one()
        assert (r.reason, r.requested_by, r.rule) == ("clerk1",) * 3
        assert (r.override, r.paid_out_terminal, r.paid_out_at, r.last_error) == (None,) * 4
        assert r.created_at == r.updated_at == now and r.order_id == order.order_id
        assert conn.execute(sa.select(Order.version).where(
            Order.order_id == order.order_id)).scalar_one() == order.version
    if db.dialect == "postgresql":  # one statement, its repeated values sent once
        written = len(Refund.__table__.c) + 2  # the refund's columns, the order's SET and key
        assert len(statements) == 1 and statements[0] <= written - 3, statements
