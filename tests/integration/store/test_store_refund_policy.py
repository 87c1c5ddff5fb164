"""A window's copy of the refund policy (DESIGN.md §9, §15), applied from feed pages in its
database on SQLite and PostgreSQL: the newest version wins, an older page replayed never rolls
it back, a malformed copy is left out without stopping the feed; and the policy in force at
an instant is the one the admin log says was in force then."""

from datetime import date, timedelta

from app.domain.refunds import Holiday, RefundPolicy
from app.services.refunds import refund_policy
from sync import cache


def _page(cursor, version, data):
    return {"changes": [{"seq": cursor, "entity": "policy", "id": "refund_policy",
                         "version": version, "data": data}], "next_cursor": str(cursor)}


def _data(bp, line=500_000):
    return {"holidays": [{"start": "2026-11-21", "end": "2026-11-23", "same_day_fee_bp": bp}],
            "dual_approval_fen": line, "payment_fee_bp": {"wechat": 60, "alipay": 60},
            "version": 0}


def _in_force(db):
    with db.session() as s, s.begin():
        return refund_policy.in_force(s, RefundPolicy())


def test_the_newest_copy_wins_and_an_old_page_never_rolls_it_back(db, now):
    assert _in_force(db) == RefundPolicy()  # nothing kept: the code defaults
    assert cache.apply_page(db.session(), _page(10, 2, _data(5000)), now=now).policy
    assert not cache.apply_page(db.session(), _page(11, 1, _data(4000)), now=now).policy
    policy = _in_force(db)
    assert policy.holidays == (Holiday(date(2026, 11, 21), date(2026, 11, 23), 5000),)
    assert cache.apply_page(db.session(), _page(12, 3, _data(6000, 1000)), now=now).policy
    assert _in_force(db).dual_approval_fen == 1000
    assert _in_force(db).holidays[0].same_day_fee_bp == 6000


def test_a_malformed_copy_is_left_out_and_the_feed_moves_on(db, now):
    cache.apply_page(db.session(), _page(10, 1, _data(5000)), now=now)
    broken = {"holidays": [{"start": "not a date"}], "version": 2}
    applied = cache.apply_page(db.session(), _page(11, 2, broken), now=now)
    assert not applied.policy and cache.cursor(db.session()) == "11"
    assert _in_force(db).holidays[0].same_day_fee_bp == 5000


def test_the_policy_in_force_at_an_instant_comes_from_the_admin_log(db, now):
    holiday = Holiday(date(2026, 11, 21), date(2026, 11, 23), 5000)
    refund_policy.set_policy(db.session(), refund_policy.PolicyChange(holidays=[holiday]),
                             actor="user:admin", now=now)
    later = now + timedelta(hours=1)
    refund_policy.set_policy(db.session(), refund_policy.PolicyChange(dual_approval_fen=1000),
                             actor="user:admin", now=later)

    def at(when):
        with db.session() as s, s.begin():
            return refund_policy.in_force_at(s, RefundPolicy(), when)

    before_any = refund_policy.policy_json(at(now - timedelta(minutes=1)))
    assert before_any == refund_policy.policy_json(RefundPolicy())
    assert at(now + timedelta(minutes=30)).holidays == (holiday,)
    assert at(now + timedelta(minutes=30)).dual_approval_fen == 500_000
    assert at(later + timedelta(minutes=1)).dual_approval_fen == 1000
