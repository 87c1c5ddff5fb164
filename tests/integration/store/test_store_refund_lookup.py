"""Which order a clerk's input at the Refund screen means (`refund_routing`), on both engines:
a scanned ticket code (that ticket pre-checked), an order number, a phone tail."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell

from app.domain.errors import NotFound
from app.services.refunds.refund_routing import find_order_for_refund
from app.store.models import Order


def test_a_scanned_code_finds_its_order_with_that_ticket_checked(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 2))
    code, ticket_id = sale.tickets[1].code, sale.tickets[1].ticket_id
    found = find_order_for_refund(db.session(), f"  {code} ")
    assert found.order["order_no"] == sale.order_no
    assert found.checked == (ticket_id,) and found.others == 0


def test_an_order_number_finds_its_order_nothing_checked(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    found = find_order_for_refund(db.session(), sale.order_no)
    assert (found.order["order_no"], found.checked) == (sale.order_no, ())


def test_a_phone_tail_finds_the_newest_order_with_a_valid_ticket(db, now, venue):
    older, newer = sell(db, now, venue, ("ADULT", 1)), sell(db, now, venue, ("ADULT", 1))
    with db.session() as session, session.begin():
        session.execute(sa.update(Order).values(customer_phone="13812345678"))
        session.execute(sa.update(Order).where(Order.order_no == older.order_no)
                        .values(created_at=now - timedelta(hours=1)))
    found = find_order_for_refund(db.session(), "5678")
    assert found.order["order_no"] == newer.order_no and found.others == 1


def test_nothing_matching_is_not_found(db, now, venue):
    sell(db, now, venue, ("ADULT", 1))
    with pytest.raises(NotFound):
        find_order_for_refund(db.session(), "W09-20991231-0001")
