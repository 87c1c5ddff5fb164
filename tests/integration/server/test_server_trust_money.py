"""DESIGN.md §14 over real HTTP on SQLite and PostgreSQL, attack by attack: leases capped per
device and living hours; dual approval counted over a day's refunds of an order or a phone; a
second person for fee overrides and force-majeure rules; the signed daily checkpoint that
finds a chain rewritten with recomputed hashes, or cut short."""

from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot
from test_server_refunds import _approve, _ids, _quote, _refund, _sell
from test_server_sync import stock

from app.domain.timeline import event_hash
from app.store.models import LeaseRow, Order, TimelineEvent
from server.app import sweep_tasks
from server.sweeper import Sweeper

KEY = "test-audit-key-kept-outside-the-db"


def _lease(live, h, qty, code="ADULT", day=None):
    day = day or live.venue.local_date(live.clock())
    return requests.post(live.url("/leases"), json={"ticket_type": code,
                                                    "visit_date": day.isoformat(), "qty": qty},
                         headers=h, timeout=10)


# -- leases ----------------------------------------------------------------------------------

def test_one_device_cannot_hold_the_days_stock(live, now):
    day = live.venue.local_date(now)
    h = live.login("clerk1")
    first = _lease(live, h, 1000)  # the attack: the whole day's stock for one window
    assert first.status_code == 200 and first.json()["granted"] == 50, first.text  # cut
    before = snapshot(live.db)
    assert "上限" in assert_error(_lease(live, h, 5), 409, "conflict")
    assert snapshot(live.db) == before
    assert stock(live, "ADULT", day) == (1000, 0, 50, 0)
    other = _lease(live, live.login("clerk2", terminal="02", device_id="dev-2"), 30)
    assert other.json()["granted"] == 30  # the other windows and online still sell


def test_leases_live_hours_and_a_top_up_renews_them(quiet_live, now):
    live = quiet_live
    day = live.venue.local_date(now)
    h = live.login("clerk1")
    lease = _lease(live, h, 20).json()
    assert datetime.fromisoformat(lease["expires_at"]) == now + timedelta(hours=4)
    child = _lease(live, h, 10, code="CHILD").json()
    live.clock.at = now + timedelta(hours=3)
    renewed = _lease(live, h, 5, code="CHILD").json()
    assert renewed["lease_id"] == child["lease_id"] and renewed["granted"] == 15
    assert datetime.fromisoformat(renewed["expires_at"]) == now + timedelta(hours=7)
    expiry = now + timedelta(hours=4)
    Sweeper(live.db, lambda: expiry, sweep_tasks(live.venue)).sweep_once()
    with live.db.session() as s:
        status = dict(s.execute(sa.select(LeaseRow.ticket_type, LeaseRow.status)).all())
    assert status == {"ADULT": "expired", "CHILD": "active"}
    assert stock(live, "ADULT", day) == (1000, 0, 0, 0)  # granted - used came back
    assert stock(live, "CHILD", day) == (1000, 0, 15, 0)


# -- dual approval, second person --------------------------------------------------------------

def test_a_split_refund_needs_both_approvals_on_the_second_half(live):
    order = _sell(live, ("ADULT", 60))  # ¥6,000, 5 days ahead: fee-free
    ids = _ids(order)
    first = _refund(live, order, ids[:30]).json()  # ¥3,000: under the line on its own
    assert first["status"] == "succeeded" and first["amount_fen"] == 300000
    q = _quote(live, order, ids[30:]).json()
    assert q["needs_approval"] and q["approval_roles"] == ["supervisor", "finance"]
    assert any("24 小时" in reason for reason in q["reasons"])
    second = _refund(live, order, ids[30:]).json()
    assert second["status"] == "awaiting_approval"
    assert _approve(live, second["refund_no"], "supervisor").json()["status"] \
        == "awaiting_approval"
    assert _approve(live, second["refund_no"], "finance").json()["status"] == "approved"


def test_refunds_of_one_phone_across_orders_count_together(live):
    phone = "13912345678"
    a = _sell(live, ("ADULT", 30), phone=phone)
    b = _sell(live, ("ADULT", 30), phone=phone)
    assert _refund(live, a, _ids(a)).json()["status"] == "succeeded"
    assert _refund(live, b, _ids(b)).json()["status"] == "awaiting_approval"
    # another visitor's refund the same day is not counted
    c = _sell(live, ("ADULT", 30), phone="13700000000")
    assert _refund(live, c, _ids(c)).json()["status"] == "succeeded"


def test_an_override_by_one_supervisor_needs_another_person(live):
    order = _sell(live, ("ADULT", 1), days=0)
    override = {"fee_bp": 0, "reason": "就医", "evidence_no": "YY-77"}
    mine = _refund(live, order, _ids(order), who="admin", override=override).json()
    assert mine["status"] == "awaiting_approval" and mine["fee_fen"] == 0
    assert_error(_approve(live, mine["refund_no"], "admin"), 403, "forbidden")
    assert _approve(live, mine["refund_no"], "supervisor").json()["status"] == "approved"


def test_a_force_majeure_rule_takes_effect_only_when_a_second_person_confirms(live):
    order = _sell(live, ("SPECIAL", 1), days=0)
    day = live.venue.local_date(live.clock())
    rule = live.url(f"/refund-rules/force-majeure/{day}")
    body = {"fee_bp": 0, "label": "台风闭园"}
    sup = live.login("supervisor")
    assert requests.put(rule, json=body, headers=sup, timeout=10).json()["status"] == "pending"
    again = requests.put(rule, json=body, headers=sup, timeout=10).json()  # same person
    assert again["status"] == "pending"
    assert_error(_refund(live, order, _ids(order)), 422, "validation_error")  # special_late
    changed = requests.put(rule, json=body | {"fee_bp": 100}, headers=live.login("admin"),
                           timeout=10).json()  # not the same rule: a new proposal
    assert changed["status"] == "pending" and changed["set_by"] == "admin"
    ok = requests.put(rule, json=body | {"fee_bp": 100}, headers=sup, timeout=10).json()
    assert ok["status"] == "active" and ok["confirmed_by"] == "supervisor"
    assert _quote(live, order, _ids(order)).json()["tickets"][0]["rule"] == "force_majeure"


# -- tamper evidence ---------------------------------------------------------------------------

def _audit(live, day, who="supervisor"):
    return requests.get(live.url(f"/audit/verify?date={day}"), headers=live.login(who),
                        timeout=20)


def _seal(live, day):
    return requests.post(live.url(f"/audit/checkpoint?date={day}"),
                         headers=live.login("admin", terminal=None), timeout=20)


def _rewrite(live, order_no, *, fix_row):
    """The attacker with database access: every event's detail edited, every hash recomputed
    (and, with `fix_row`, the order row's head too)."""
    ev = TimelineEvent.__table__
    with live.db.engine.begin() as conn:
        oid = conn.execute(sa.select(Order.order_id).where(Order.order_no == order_no)).scalar()
        prev = "0" * 64
        for r in conn.execute(sa.select(ev).where(ev.c.order_id == oid).order_by(ev.c.seq)).all():
            detail = dict(r.detail) | {"note": "改过"}
            new = event_hash(prev, r.seq, r.at, r.actor, r.action, detail, r.source)
            conn.execute(sa.update(ev).where(ev.c.id == r.id).values(
                detail=detail, prev_hash=prev, hash=new))
            prev = new
        if fix_row:
            conn.execute(sa.update(Order).where(Order.order_id == oid).values(last_hash=prev))


def test_checkpoint_finds_a_chain_rewritten_with_recomputed_hashes_or_cut(quiet_live,
                                                                          monkeypatch):
    live = quiet_live
    monkeypatch.delenv("MENPIAO_AUDIT_KEY", raising=False)
    day = live.venue.local_date(live.clock())
    a, b = _sell(live, ("ADULT", 1)), _sell(live, ("CHILD", 2))
    _refund(live, b, _ids(b, 1))
    today = _audit(live, day).json()
    assert today == {"date": day.isoformat(), "verified": True, "orders": 2,
                     "checkpoint": False, "broken": []}
    assert_error(_audit(live, day, who="clerk1"), 403, "forbidden")
    assert "尚未结束" in assert_error(_seal(live, day), 422, "validation_error")
    live.clock.at += timedelta(days=1)
    before = snapshot(live.db)
    assert "MENPIAO_AUDIT_KEY" in assert_error(_seal(live, day), 409, "conflict")
    assert snapshot(live.db) == before
    monkeypatch.setenv("MENPIAO_AUDIT_KEY", KEY)
    sealed = _seal(live, day).json()
    assert sealed["orders"] == 2 and sealed["created_by"] == "user:admin"
    assert _audit(live, day).json()["verified"] is True
    untouched = _audit(live, day - timedelta(days=3)).json()
    assert untouched["verified"] is True and untouched["orders"] == 0

    _rewrite(live, a["order_no"], fix_row=True)  # chain and row agree: only the checkpoint knows
    found = _audit(live, day).json()
    assert found["verified"] is False
    assert [x["order_no"] for x in found["broken"]] == [a["order_no"]]
    assert "检查点" in found["broken"][0]["reason"]

    ev = TimelineEvent.__table__
    with live.db.engine.begin() as conn:  # the last event of b deleted
        oid = conn.execute(sa.select(Order.order_id).where(Order.order_no == b["order_no"])
                           ).scalar()
        last = conn.execute(sa.select(sa.func.max(ev.c.seq)).where(ev.c.order_id == oid)).scalar()
        conn.execute(sa.delete(ev).where(ev.c.order_id == oid, ev.c.seq == last))
    found = _audit(live, day).json()
    assert {x["order_no"] for x in found["broken"]} == {a["order_no"], b["order_no"]}
    [cut] = [x for x in found["broken"] if x["order_no"] == b["order_no"]]
    assert "删减" in cut["reason"]


def test_without_a_checkpoint_the_order_row_finds_a_rewritten_chain(live):
    day = live.venue.local_date(live.clock())
    a = _sell(live, ("ADULT", 1))
    _rewrite(live, a["order_no"], fix_row=False)
    found = _audit(live, day).json()
    assert found["verified"] is False and found["broken"][0]["order_no"] == a["order_no"]


def test_an_edited_checkpoint_and_a_wrong_key_are_found(quiet_live, monkeypatch):
    live = quiet_live
    monkeypatch.setenv("MENPIAO_AUDIT_KEY", KEY)
    day = live.venue.local_date(live.clock())
    _sell(live, ("ADULT", 1))
    live.clock.at += timedelta(days=1)
    assert _seal(live, day).status_code == 200
    assert _seal(live, day).json()["orders"] == 1  # sealed once: the same answer
    monkeypatch.setenv("MENPIAO_AUDIT_KEY", "another-key")
    wrong = _audit(live, day).json()
    assert wrong["verified"] is False and wrong["broken"][0]["order_no"] is None
    monkeypatch.setenv("MENPIAO_AUDIT_KEY", KEY)
    with live.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_checkpoints SET chain_hash = :h"), {"h": "f" * 64})
    assert _audit(live, day).json()["verified"] is False


def test_the_sweep_seals_yesterday_after_midnight(quiet_live, now):
    live = quiet_live
    day = live.venue.local_date(now)
    _sell(live, ("ADULT", 1))
    after_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                      live.venue.tz) + timedelta(minutes=1)
    tasks = sweep_tasks(live.venue, audit_key=lambda: None)
    Sweeper(live.db, lambda: after_midnight, tasks).sweep_once()  # no key: nothing sealed
    with live.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_checkpoints")).scalar() == 0
    tasks = sweep_tasks(live.venue, audit_key=lambda: KEY)
    Sweeper(live.db, lambda: after_midnight, tasks).sweep_once()
    with live.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT day, created_by FROM audit_checkpoints")).all()
    assert [(str(d)[:10], by) for d, by in rows] == [(day.isoformat(), "system")]


def test_a_date_out_of_range_is_a_validation_error(live, monkeypatch):
    monkeypatch.setenv("MENPIAO_AUDIT_KEY", KEY)
    for day in ("0001-01-01", "9999-12-31"):
        assert_error(_audit(live, day), 422, "validation_error")
        assert_error(_seal(live, day), 422, "validation_error")
