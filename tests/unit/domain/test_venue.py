from datetime import UTC, date, datetime

import pytest

from app.domain.errors import ValidationError
from app.domain.venue import Venue

V = Venue()


def test_local_date_uses_zone():
    # 2026-11-21 17:00 UTC is already the 22nd in Shanghai
    assert V.local_date(datetime(2026, 11, 21, 17, 0, tzinfo=UTC)) == date(2026, 11, 22)


def test_visit_date_rules():
    now = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 local
    V.check_visit_date(date(2026, 11, 21), now)
    V.check_visit_date(date(2026, 12, 1), now)
    with pytest.raises(ValidationError, match="已过"):
        V.check_visit_date(date(2026, 11, 20), now)
    with pytest.raises(ValidationError, match="天内"):
        V.check_visit_date(date(2027, 6, 1), now)


def test_no_sale_for_today_after_closing():
    after_close = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)  # 18:30 local
    with pytest.raises(ValidationError, match="闭园"):
        V.check_visit_date(date(2026, 11, 21), after_close)
    V.check_visit_date(date(2026, 11, 22), after_close)
