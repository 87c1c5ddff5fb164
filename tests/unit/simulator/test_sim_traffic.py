"""What the simulator sends: parties, visit dates, ids, bodies (pure functions)."""

import random
from datetime import UTC, date, datetime

from app.domain.venue import Venue
from simulator import traffic

MORNING = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
EVENING = datetime(2026, 11, 21, 11, 0, tzinfo=UTC)  # 19:00: the gates have closed


def test_visit_dates_are_today_to_three_days_on_and_never_today_after_closing():
    rng, venue = random.Random(3), Venue()
    morning = {traffic.visit_date(rng, MORNING, venue) for _ in range(300)}
    assert morning == {date(2026, 11, d) for d in (21, 22, 23, 24)}
    evening = {traffic.visit_date(rng, EVENING, venue) for _ in range(300)}
    assert evening == {date(2026, 11, d) for d in (22, 23, 24)}


def test_parties_and_prices():
    rng = random.Random(5)
    parties = [traffic.party(rng, discount=True) for _ in range(500)]
    assert {sum(q * (2 if c == "FAMILY" else 1) for c, q in p.lines) for p in parties} == \
        {1, 2, 3, 4}
    assert any(c == "FAMILY" for p in parties for c, _ in p.lines)
    assert any(p.amount_fen < p.list_fen for p in parties)
    assert all(p.list_fen * 0.92 <= p.amount_fen <= p.list_fen for p in parties)
    plain = [traffic.party(rng) for _ in range(100)]
    assert all(p.amount_fen == p.list_fen for p in plain)


def test_bodies_follow_the_api():
    at = datetime(2026, 11, 21, 2, 3, 4, tzinfo=UTC)
    cb = traffic.callback("WX1", "MP-1", 10000, at, attach={"channel": "miniprogram"})
    assert cb == {"provider_txn_id": "WX1", "order_no": "MP-1", "amount_fen": 10000,
                  "status": "success", "paid_at": "2026-11-21T02:03:04Z",
                  "attach": {"channel": "miniprogram"}}
    scan = traffic.redemption("n1", "MP1-X", "gate-2", at, failed_reason="闸机读头故障")
    assert scan == {"nonce": "n1", "ticket_code": "MP1-X", "device_id": "gate-2",
                    "at": "2026-11-21T02:03:04Z", "result": "failed", "reason": "闸机读头故障"}
    assert "result" not in traffic.redemption("n2", "MP1-X", "gate-1", at)


def test_run_tags_differ_between_runs_and_are_id_safe():
    a = traffic.run_tag(random.Random(1), MORNING)
    b = traffic.run_tag(random.Random(1), EVENING)
    assert a != b and a.isalnum() and len(a) == 8
