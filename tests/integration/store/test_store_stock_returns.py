"""Units given back (a refund in time, a void) in one conditional UPDATE: on both engines the row
ends exactly where the domain rule `inventory.return_units` puts it (oversold first, then sold; a
row counting fewer units left as it is, its version unchanged)."""

import pytest
import sqlalchemy as sa
from conftest import tomorrow

from app.domain import inventory as inv_rules
from app.services.stock import catalog, stock_writes
from app.store.models import Inventory

_inv = Inventory.__table__
CASES = [  # (sold, oversold, units given back)
    (5, 0, 2), (5, 2, 1), (5, 2, 2), (5, 2, 3), (0, 3, 3), (2, 2, 4), (1, 0, 1),
    (2, 2, 5), (1, 0, 2), (0, 0, 1)]


@pytest.mark.parametrize(("sold", "oversold", "n"), CASES)
def test_returned_units_follow_the_domain_rule(db, now, venue, sold, oversold, n):
    day = tomorrow(now, venue)
    catalog.set_capacity(db.session(), "ADULT", day, 10, now=now)
    where = sa.and_(_inv.c.ticket_type == "ADULT", _inv.c.visit_date == day)
    with db.engine.begin() as conn:
        conn.execute(sa.update(_inv).where(where).values(sold=sold, oversold=oversold, held=1))
        version = conn.execute(sa.select(_inv.c.version).where(where)).scalar_one()
    s = db.session()
    with s.begin():
        stock_writes.return_units(s, {"ADULT": n, "CHILD": 0}, day, now)
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(_inv).where(where)).one()
    want = inv_rules.return_units(inv_rules.Stock(10, sold, 1, oversold), n)
    assert (row.capacity, row.sold, row.held, row.oversold) == \
        (want.capacity, want.sold, want.held, want.oversold)
    changed = (want.sold, want.oversold) != (sold, oversold)
    assert row.version == version + (1 if changed else 0)
