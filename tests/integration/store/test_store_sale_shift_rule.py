"""The window's rule "cash needs an open shift" inside `selling.sell` (require_shift=True): one
home for it, raised in the sale's transaction, nothing written; the central store's sale (no
drawer) is not subject to it."""

import pytest
from conftest import snapshot

from app.domain.errors import Forbidden, IllegalTransition
from app.services.sales import selling
from app.services.shifts import shifts


def request(venue, now, method="cash", clerk="clerk1", terminal="01"):
    return selling.SaleRequest(
        terminal=terminal, clerk=clerk, device_id="dev-" + terminal,
        visit_date=venue.local_date(now), lines=(selling.SaleLine("ADULT", 1),),
        tendered_fen=10000, payment_method=method)


def test_a_window_cash_sale_without_a_shift_is_refused_and_writes_nothing(db, now, venue):
    before = snapshot(db)
    with pytest.raises(IllegalTransition) as refused:
        selling.sell(db.session(), request(venue, now), now=now, venue=venue,
                     require_shift=True)
    assert refused.value.message == "终端 01 还没有开班，请先开班"  # what the Sell view shows
    assert snapshot(db) == before


def test_another_clerks_shift_takes_no_cash_of_mine(db, now, venue):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk2", float_fen=0, now=now)
    before = snapshot(db)
    with pytest.raises(Forbidden):
        selling.sell(db.session(), request(venue, now), now=now, venue=venue,
                     require_shift=True)
    assert snapshot(db) == before


def test_with_the_clerks_own_shift_the_cash_sale_goes_through(db, now, venue):
    shifts.open_shift(db.session(), terminal="01", clerk="clerk1", float_fen=0, now=now)
    sale = selling.sell(db.session(), request(venue, now), now=now, venue=venue,
                        require_shift=True)
    assert sale.order_no.startswith("W01-")
    assert shifts.expected_now(db.session(), "01", now=now) == 10000


def test_a_sale_paid_otherwise_needs_no_drawer(db, now, venue):
    sale = selling.sell(db.session(), request(venue, now, method="wechat"), now=now,
                        venue=venue, require_shift=True)
    assert sale.total_fen == 10000


def test_the_central_stores_sale_is_not_subject_to_the_windows_rule(db, now, venue):
    sale = selling.sell(db.session(), request(venue, now), now=now, venue=venue,
                        local_effects=False)
    assert sale.total_fen == 10000 and sale.print_job_ids == ()
