"""The refund policy reaches the windows (DESIGN.md §5, §9, §15), over real HTTP on SQLite and
PostgreSQL: an admin's holiday comes down the changes feed into the window's own database; the
window quotes and refunds by it, also with the store out of reach and after a restart; and the
store, re-quoting the offline refund when it arrives, judges it by the policy of its instant."""

from datetime import timedelta

import requests
import sqlalchemy as sa

from app.services.refunds import refund_quotes, window_refunds
from app.services.shifts import shifts
from app.store.db import Database
from app.store.models import Anomaly, Refund, TimelineEvent


def _put_policy(live, body):
    r = requests.put(live.url("/refund-policy"), json=body, timeout=10,
                     headers=live.login("admin", terminal=None))
    assert r.status_code == 200, r.text
    return r.json()


def _holiday(day, bp):
    return {"holidays": [{"start": day.isoformat(), "end": (day + timedelta(days=2)).isoformat(),
                          "same_day_fee_bp": bp}]}


def _quote(db, w, sale):
    with db.session() as s:
        return refund_quotes.quote(s, sale.order_no, [t.ticket_id for t in sale.tickets],
                                   now=w.clock(), policy=window_refunds.policy_of(w.venue))


def test_a_holiday_set_at_the_store_is_quoted_by_the_window_online_and_off(
        live, proxy, make_window, client_clock, tmp_path):
    w = make_window(proxy.base)
    assert w.engine.sync_once().online
    shifts.open_shift(w.db.session(), terminal=w.terminal, clerk=w.clerk, float_fen=0,
                      now=w.clock() - timedelta(hours=1))
    sale = w.sell(("ADULT", 2))  # visit today
    assert {q.rule for _, q in _quote(w.db, w, sale).tickets} == {"same_day"}  # 30 %

    today = w.venue.local_date(w.clock())
    _put_policy(live, _holiday(today, 5000))
    assert w.engine.sync_once().online  # the feed brings the policy

    q = _quote(w.db, w, sale)
    assert [(t.rule, t.fee_fen, t.refund_fen) for _, t in q.tickets] == [
        ("holiday_same_day", 5000, 5000)] * 2

    proxy.down()  # the store is out of reach from here on
    client_clock.at += timedelta(minutes=5)
    assert not w.engine.sync_once().online
    restarted = Database.open(f"sqlite:///{tmp_path / 'w1.sqlite3'}")  # the window restarts
    try:
        assert [t.rule for _, t in _quote(restarted, w, sale).tickets] == [
            "holiday_same_day"] * 2
    finally:
        restarted.dispose()
    done = window_refunds.refund_cash(
        w.db.session(), sale.order_no, [sale.tickets[0].ticket_id], "游客临时有事",
        terminal=w.terminal, clerk=w.clerk, role="clerk", now=w.clock(), venue=w.venue)
    assert (done.fee_fen, done.amount_fen) == (5000, 5000)

    # Meanwhile the admin raises the rate; the window's refund was made under the old one.
    live.clock.at += timedelta(minutes=10)
    _put_policy(live, _holiday(today, 8000))
    proxy.up()
    client_clock.at += timedelta(minutes=10)
    status = w.engine.sync_once()
    assert (status.online, status.pending, status.rejected) == (True, 0, 0)

    with live.db.session() as s:
        refund = s.execute(sa.select(Refund)).scalar_one()
        assert (refund.amount_fen, refund.fee_fen, refund.status) == (5000, 5000, "succeeded")
        kinds = set(s.execute(sa.select(Anomaly.kind)).scalars())
        recorded = s.execute(sa.select(TimelineEvent.detail).where(
            TimelineEvent.action == "refund.succeeded")).scalars().all()
    assert "refund_mismatch" not in kinds
    assert [(d.get("store_quote_fen"), d.get("differs_from_store_quote")) for d in recorded] \
        == [(5000, False)]
    # and the window now quotes the new rate for the ticket left
    q = refund_quotes.quote(w.db.session(), sale.order_no, [sale.tickets[1].ticket_id],
                            now=w.clock(), policy=window_refunds.policy_of(w.venue))
    assert [(t.rule, t.fee_fen) for _, t in q.tickets] == [("holiday_same_day", 8000)]
