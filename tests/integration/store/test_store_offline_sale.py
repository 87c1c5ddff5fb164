"""Offline selling at the window: units come only from this device's leases, so an offline
sale can never oversell; the sale op names the leases it used."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import snapshot

from app.domain.errors import SoldOut
from app.services.sales import selling
from app.services.stock import catalog
from app.store.models import LeaseRow, OutboxOp


def _lease(db, now, venue, code, granted, *, used=0, device="window-01", expires=None):
    day = venue.local_date(now)
    with db.session() as s, s.begin():
        row = LeaseRow(lease_id=f"00000000-0000-4000-8000-{granted:04d}{len(code):04d}{used:04d}",
                       device_id=device, ticket_type=code, visit_date=day, granted=granted,
                       used=used, status="active",
                       expires_at=expires or venue.closing_at(day), created_at=now,
                       updated_at=now, version=1)
        s.add(row)
    return row.lease_id


def _offline_sale(db, now, venue, *lines, device="window-01"):
    req = selling.SaleRequest("01", "clerk1", device, venue.local_date(now),
                              tuple(selling.SaleLine(c, n) for c, n in lines), 10**7,
                              from_leases=True)
    return selling.sell(db.session(), req, now=now, venue=venue)


def test_offline_sale_uses_the_leases_and_names_them_in_the_op(db, now, venue):
    adult = _lease(db, now, venue, "ADULT", 5)
    child = _lease(db, now, venue, "CHILD", 3)
    result = _offline_sale(db, now, venue, ("FAMILY", 2), ("ADULT", 1))
    with db.session() as s:
        used = dict(s.execute(sa.select(LeaseRow.ticket_type, LeaseRow.used)).all())
        payload = s.execute(sa.select(OutboxOp.payload)).scalar_one()
    assert used == {"ADULT": 3, "CHILD": 2}
    assert payload["order_no"] == result.order_no
    assert sorted((x["ticket_type"], x["lease_id"], x["qty"]) for x in payload["leases"]) == [
        ("ADULT", adult, 3), ("CHILD", child, 2)]
    assert payload["lease_id"] in (adult, child)
    left = catalog.availability(db.session(), venue.local_date(now), leases_of="window-01",
                                now=now)
    assert (left["ADULT"], left["CHILD"], left["FAMILY"]) == (2, 1, 1)


@pytest.mark.parametrize("case", ["no_lease", "too_few", "expired", "other_device"])
def test_offline_sale_without_enough_lease_is_refused_and_writes_nothing(db, now, venue, case):
    if case == "too_few":
        _lease(db, now, venue, "ADULT", 3, used=2)
    elif case == "expired":
        _lease(db, now, venue, "ADULT", 5, expires=now - timedelta(minutes=1))
    elif case == "other_device":
        _lease(db, now, venue, "ADULT", 5, device="window-02")
    before = snapshot(db)
    with pytest.raises(SoldOut) as refused:
        _offline_sale(db, now, venue, ("ADULT", 2))
    assert "成人票" in refused.value.message
    assert snapshot(db) == before
