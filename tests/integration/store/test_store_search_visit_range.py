"""A search bounded by a short range of visit dates (sorted apart on PostgreSQL, see
`search._newest`) pages newest first without a duplicate or a miss, on both engines, exactly
like the same range searched as a long one (which walks the created_at index)."""

from datetime import timedelta

from app.services.lookup.search import VISIT_SORT_MAX_DAYS, OrderFilters, search_orders
from app.store.models import Order


def _pages(db, venue, filters: OrderFilters) -> list[str]:
    seen, cursor = [], None
    for _ in range(10):
        page, cursor = search_orders(db.session(), filters, limit=2, cursor=cursor, venue=venue)
        seen += [o["order_no"] for o in page]
        if cursor is None:
            break
    return seen


def test_a_short_visit_range_pages_like_a_long_one(db, now, venue):
    today = venue.local_date(now)
    rows = []
    for i in range(9):  # visits inside and outside the range; two orders share an instant
        at = now - timedelta(hours=i if i != 6 else 5)
        day = today - timedelta(days=30 + i % 4)
        rows.append({"id": f"00000000-0000-0000-0000-00000000010{i}", "no": f"WEB-{i}",
                     "day": day, "at": at})
    with db.engine.begin() as conn:  # typed columns: SQLite stores instants as the app does
        conn.execute(Order.__table__.insert(), [
            {"order_id": r["id"], "order_no": r["no"], "channel": "website",
             "visit_date": r["day"], "status": "paid", "payment_state": "paid",
             "created_at": r["at"], "updated_at": r["at"]} for r in rows])
    first, last = today - timedelta(days=33), today - timedelta(days=31)  # none older
    expected = [r["no"] for r in sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=True)
                if first <= r["day"] <= last]
    short = _pages(db, venue, OrderFilters(visit_from=first, visit_to=last))
    long = _pages(db, venue, OrderFilters(
        visit_from=last - timedelta(days=VISIT_SORT_MAX_DAYS + 5), visit_to=last))
    assert short == expected
    assert long == expected
    assert len(expected) == 6 and "WEB-5" in expected and "WEB-6" in expected  # the tie
