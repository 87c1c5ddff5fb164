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


def test_todays_tail_finds_this_windows_order_of_today(db, now, venue):
    """`0003` at window 01 means W01-{today}-0003, never another window's or another day's
    order with that tail, nor a visitor whose phone ends in it (named, not shown)."""
    first, mine = sell(db, now, venue, ("ADULT", 1)), None
    for _ in range(2):
        mine = sell(db, now, venue, ("ADULT", 1))
    other = sell(db, now, venue, ("ADULT", 1), terminal="02")
    today = venue.local_date(now)
    assert mine.order_no == f"W01-{today:%Y%m%d}-0003"
    with db.session() as session, session.begin():  # newer look-alikes
        session.execute(sa.update(Order).where(Order.order_no == other.order_no).values(
            order_no=f"W02-{today:%Y%m%d}-0003", created_at=now + timedelta(minutes=1),
            customer_phone="13900000003"))
        session.execute(sa.update(Order).where(Order.order_no == first.order_no).values(
            order_no=f"W01-{today - timedelta(days=1):%Y%m%d}-0003",
            created_at=now + timedelta(minutes=2)))
    for typed in ("0003", "3", " 003 "):
        found = find_order_for_refund(db.session(), typed, terminal="01", today=today)
        assert found.order["order_no"] == mine.order_no, typed
    assert find_order_for_refund(db.session(), "0003", terminal="01", today=today).phones == 1
    at_02 = find_order_for_refund(db.session(), "0003", terminal="02", today=today)
    assert at_02.order["order_no"] == f"W02-{today:%Y%m%d}-0003"
    # without a window (the store's lookups) 4 digits stay a phone tail
    assert find_order_for_refund(db.session(), "0003").order["order_no"] == \
        f"W02-{today:%Y%m%d}-0003"


def test_a_tail_with_no_order_today_says_what_was_looked_for(db, now, venue):
    sell(db, now, venue, ("ADULT", 1))
    today = venue.local_date(now)
    with pytest.raises(NotFound) as refused:
        find_order_for_refund(db.session(), "0042", terminal="01", today=today)
    assert refused.value.message == (f"今天本窗口没有 W01-{today:%Y%m%d}-0042 号订单，"
                                     "也没有手机尾号是 0042 的订单")
    with pytest.raises(NotFound):
        find_order_for_refund(db.session(), "0", terminal="01", today=today)
