"""Phone tails and name parts find the same orders on both engines — on PostgreSQL through the
indexes of migration 0013 (reversed phone, pg_trgm, the name's characters and pairs)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.services.lookup.search import OrderFilters, search_orders

ORDER = ("INSERT INTO orders (order_id, order_no, channel, visit_date, status, payment_state, "
         "created_at, updated_at, customer_name, customer_phone) VALUES (:id, :no, 'website', "
         ":day, 'paid', 'paid', :at, :at, :name, :phone)")
CUSTOMERS = {  # order_no: (name, phone)
    "WEB-1": ("张三", "13812345678"),
    "WEB-2": ("张小明", "+86 139-0000-5678"),
    "WEB-3": ("Wang Lei", "13700001111"),
    "WEB-4": ("欧阳娜娜", None),
    "WEB-5": ("50%_off", "15800005678"),
    "WEB-6": ("O'Neil \\李", None),
}


@pytest.fixture
def customers(db, now, venue):
    with db.engine.begin() as conn:
        for i, (no, (name, phone)) in enumerate(CUSTOMERS.items()):
            conn.execute(sa.text(ORDER), {"id": f"00000000-0000-0000-0000-00000000000{i}",
                                          "no": no, "day": venue.local_date(now),
                                          "at": now - timedelta(minutes=i), "name": name,
                                          "phone": phone})
    return db


@pytest.mark.parametrize(("q", "expected"), [
    ("5678", {"WEB-1", "WEB-2", "WEB-5"}),
    ("0005678", {"WEB-5"}),  # the dashes of a stored phone are not skipped
    ("45678", {"WEB-1"}),
    ("张", {"WEB-1", "WEB-2"}),
    ("小明", {"WEB-2"}),
    ("张小明", {"WEB-2"}),
    ("娜", {"WEB-4"}),
    ("阳娜娜", {"WEB-4"}),
    ("WA", {"WEB-3"}),
    ("g l", {"WEB-3"}),
    ("Lei", {"WEB-3"}),
    ("%", {"WEB-5"}),
    ("%_", {"WEB-5"}),
    ("_o", {"WEB-5"}),
    ("三小", set()),
    ("web-4", {"WEB-4"}),
    ("明", {"WEB-2"}),
    ("o'", {"WEB-6"}),  # quotes and backslashes are written into the SQL as literals
    ("O'NEIL", {"WEB-6"}),
    ("\\李", {"WEB-6"}),
    ("l \\", {"WEB-6"}),
    ("'; DROP TABLE orders; --", set()),
])
def test_tails_and_parts_find_the_same_orders_on_both_engines(customers, venue, q, expected):
    page, _ = search_orders(customers.session(), OrderFilters(q=q), venue=venue)
    assert {o["order_no"] for o in page} == expected
