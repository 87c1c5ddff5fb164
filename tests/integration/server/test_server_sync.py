"""Sync over real HTTP (DESIGN.md §9): push applies each op exactly once, the changes feed
carries every change in commit order, long-polls wake, leases hold units for offline sales."""

import threading
import time
import uuid
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot

from app.domain.ids import new_ticket_code
from app.services.journal import changes
from app.store.models import Anomaly, AppliedOp, Inventory, LeaseRow, Order


def sale_op(*, ticket_type="ADULT", qty=1, day, lease_id=None, order_no=None, price=10000,
            seq=1, terminal="01"):
    order_id = str(uuid.uuid4())
    payload = {
        "order_id": order_id, "order_no": order_no or f"W{terminal}-{day:%Y%m%d}-{seq:04d}",
        "channel": "window", "visit_date": day.isoformat(),
        "lines": [{"ticket_type": ticket_type, "qty": qty}], "customer": None,
        "payment": {"method": "cash", "amount_fen": price * qty, "tendered_fen": price * qty},
        "tickets": [{"ticket_id": str(uuid.uuid4()), "code": new_ticket_code(),
                     "ticket_type": ticket_type} for _ in range(qty)],
        "lease_id": lease_id, "leases": [], "terminal": terminal, "clerk": "clerk1",
        "device_id": "dev-1", "created_at": "2026-11-21T01:59:00Z"}
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "sale",
            "device_time": "2026-11-21T01:59:00Z", "payload": payload}


def push(live, headers, ops, device_id="dev-1"):
    r = requests.post(live.url("/sync/push"), json={"device_id": device_id, "ops": ops},
                      headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def feed(live, headers, since="0", **params):
    r = requests.get(live.url("/sync/changes"), params={"since": since, **params},
                     headers=headers, timeout=90)
    assert r.status_code == 200, r.text
    return r.json()


def stock(live, code, day):
    with live.db.session() as s:
        row = s.execute(sa.select(Inventory).where(Inventory.ticket_type == code,
                                                   Inventory.visit_date == day)).scalar_one()
        return row.capacity, row.sold, row.held, row.oversold


def test_push_applies_once_and_replays_as_duplicate(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    op = sale_op(day=day, qty=2)
    first = push(live, h, [op])
    assert first[0]["status"] == "applied" and first[0]["server_version"] >= 1
    again = push(live, h, [op])
    assert again[0]["status"] == "duplicate"
    assert again[0]["server_version"] == first[0]["server_version"]
    assert stock(live, "ADULT", day)[1] == 2
    r = requests.get(live.url(f"/orders/{op['payload']['order_no']}"), headers=h, timeout=10)
    assert r.status_code == 200
    order = r.json()
    assert order["order_id"] == op["payload"]["order_id"] and order["status"] == "paid"
    assert [t["code"] for t in order["tickets"]] == [t["code"] for t in op["payload"]["tickets"]]
    timeline = requests.get(live.url(f"/orders/{order['order_no']}/timeline"), headers=h,
                            timeout=10).json()
    assert timeline["verified"] and [e["action"] for e in timeline["events"]][:2] == [
        "order.created", "payment.succeeded"]


def test_same_op_id_other_payload_is_rejected_and_writes_nothing(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    op = sale_op(day=day)
    push(live, h, [op])
    before = snapshot(live.db)
    forged = dict(op, payload=dict(op["payload"], clerk="someone-else"))
    result = push(live, h, [forged])[0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "idempotency_key_reused"
    assert snapshot(live.db) == before


def test_malformed_ops_are_rejected_one_by_one(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    good = sale_op(day=day, seq=5)
    bad_type = sale_op(day=day, seq=6, ticket_type="NOPE")
    negative = sale_op(day=day, seq=7)
    negative["payload"]["lines"][0]["qty"] = -3
    no_tickets = sale_op(day=day, seq=8)
    no_tickets["payload"]["tickets"] = []
    not_uuid = dict(sale_op(day=day, seq=9), op_id="x' OR 1=1")
    results = push(live, h, [good, bad_type, negative, no_tickets, not_uuid])
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 4
    assert all(r["error"]["code"] == "validation_error" for r in results[1:])
    assert all(any("\u4e00" <= c <= "\u9fff" for c in r["error"]["message"])
               for r in results[1:])
    with live.db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Order)).scalar_one() == 1


def test_push_body_errors_are_the_error_format(live, now):
    h = live.login("clerk1")
    r = requests.post(live.url("/sync/push"), data=b"{not json", headers=h | {
        "Content-Type": "application/json"}, timeout=10)
    assert_error(r, 422, "validation_error")
    r = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": [{}] * 201},
                      headers=h, timeout=10)
    assert_error(r, 422, "validation_error")
    day = live.venue.local_date(now)
    unordered = [sale_op(day=day, seq=2), sale_op(day=day, seq=1)]
    r = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": unordered},
                      headers=h, timeout=10)
    assert_error(r, 422, "validation_error")
    r = requests.post(live.url("/sync/push"), json={"device_id": "other", "ops": []},
                      headers=h, timeout=10)
    assert_error(r, 403, "forbidden")
    r = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": []},
                      timeout=10)
    assert_error(r, 401, "unauthorized")


def test_old_offline_sale_for_a_past_day_is_still_recorded(live, now):
    day = live.venue.local_date(now)
    live.clock.at = now + timedelta(days=3)  # the window was offline for days
    h = live.login("clerk1")
    result = push(live, h, [sale_op(day=day)])[0]
    assert result["status"] == "applied"


def test_lease_grant_top_up_return(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    r = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                 "visit_date": day.isoformat(), "qty": 30},
                      headers=h, timeout=10)
    assert r.status_code == 200, r.text
    lease = r.json()
    assert lease["granted"] == 30 and lease["used"] == 0 and lease["expires_at"].endswith("Z")
    assert stock(live, "ADULT", day) == (1000, 0, 30, 0)
    again = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                     "visit_date": day.isoformat(), "qty": 5},
                          headers=h, timeout=10).json()
    assert again["lease_id"] == lease["lease_id"] and again["granted"] == 35
    op = sale_op(day=day, qty=3, lease_id=lease["lease_id"])
    assert push(live, h, [op])[0]["status"] == "applied"
    assert stock(live, "ADULT", day) == (1000, 3, 32, 0)
    back = requests.post(live.url(f"/leases/{lease['lease_id']}/return"), headers=h,
                         timeout=10).json()
    assert back["status"] == "returned" and back["used"] == 3
    assert stock(live, "ADULT", day) == (1000, 3, 0, 0)
    twice = requests.post(live.url(f"/leases/{lease['lease_id']}/return"), headers=h,
                          timeout=10)
    assert twice.status_code == 200 and stock(live, "ADULT", day) == (1000, 3, 0, 0)


def test_lease_errors(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    for body in ({"ticket_type": "FAMILY", "visit_date": day.isoformat(), "qty": 1},
                 {"ticket_type": "NOPE", "visit_date": day.isoformat(), "qty": 1},
                 {"ticket_type": "ADULT", "visit_date": day.isoformat(), "qty": 0},
                 {"ticket_type": "ADULT", "visit_date": day.isoformat(), "qty": "3"},
                 {"ticket_type": "ADULT", "visit_date": "2026-13-01", "qty": 1}):
        r = requests.post(live.url("/leases"), json=body, headers=h, timeout=10)
        assert_error(r, 422, "validation_error")
    admin = live.login("admin", terminal=None)
    requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 0}, headers=admin,
                 timeout=10)
    r = requests.post(live.url("/leases"), json={"ticket_type": "CHILD",
                                                 "visit_date": day.isoformat(), "qty": 1},
                      headers=h, timeout=10)
    assert_error(r, 409, "sold_out")
    gate = live.login("gate1", terminal=None)
    r = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                 "visit_date": day.isoformat(), "qty": 1},
                      headers=gate, timeout=10)
    assert_error(r, 403, "forbidden")
    other = live.login("clerk2", device_id="dev-2")
    lease = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                     "visit_date": day.isoformat(), "qty": 2},
                          headers=h, timeout=10).json()
    r = requests.post(live.url(f"/leases/{lease['lease_id']}/return"), headers=other,
                      timeout=10)
    assert_error(r, 403, "forbidden")


def test_sale_on_dead_lease_takes_free_capacity_then_counts_oversold(live, now):
    h = live.login("clerk1")
    admin = live.login("admin", terminal=None)
    day = live.venue.local_date(now)
    lease = requests.post(live.url("/leases"), json={"ticket_type": "CHILD",
                                                     "visit_date": day.isoformat(), "qty": 2},
                          headers=h, timeout=10).json()
    requests.post(live.url(f"/leases/{lease['lease_id']}/return"), headers=h, timeout=10)
    r = requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 1}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    op = sale_op(day=day, ticket_type="CHILD", qty=3, price=5000, lease_id=lease["lease_id"])
    assert push(live, h, [op])[0]["status"] == "applied"
    assert stock(live, "CHILD", day) == (1, 1, 0, 2)
    with live.db.session() as s:
        anomaly = s.execute(sa.select(Anomaly)).scalar_one()
        assert anomaly.kind == "oversold" and anomaly.order_no == op["payload"]["order_no"]
        assert "超售 2 张" in anomaly.reason
    order = requests.get(live.url(f"/orders/{op['payload']['order_no']}"), headers=h,
                         timeout=10).json()
    assert order["display_status"] == "anomaly"


def test_sale_beyond_its_lease_takes_free_capacity_then_the_devices_other_lease(live, now):
    h = live.login("clerk1")
    admin = live.login("admin", terminal=None)
    day = live.venue.local_date(now)
    lease = requests.post(live.url("/leases"), json={"ticket_type": "CHILD",
                                                     "visit_date": day.isoformat(), "qty": 2},
                          headers=h, timeout=10).json()
    with live.db.session() as s, s.begin():  # an older active lease of the same type and day
        s.add(LeaseRow(lease_id=str(uuid.uuid4()), device_id="dev-1", ticket_type="CHILD",
                       visit_date=day, granted=3, used=0, status="active",
                       expires_at=now + timedelta(hours=8), created_at=now - timedelta(hours=1),
                       updated_at=now, version=1))
        s.execute(sa.update(Inventory).where(Inventory.ticket_type == "CHILD",
                                             Inventory.visit_date == day)
                  .values(held=Inventory.held + 3))
    r = requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 6}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text  # 2 + 3 held, 1 free
    op = sale_op(day=day, ticket_type="CHILD", qty=5, price=5000, lease_id=lease["lease_id"])
    assert push(live, h, [op])[0]["status"] == "applied"
    assert stock(live, "CHILD", day) == (6, 5, 1, 0)  # 2 on its lease, 1 free, 2 the older
    with live.db.session() as s:
        used = dict(s.execute(sa.select(LeaseRow.granted, LeaseRow.used)
                              .where(LeaseRow.visit_date == day)).all())
        assert used == {2: 2, 3: 2}
        assert s.execute(sa.select(sa.func.count()).select_from(Anomaly)).scalar_one() == 0


def test_twin_pushes_of_one_op_make_one_order(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    op = sale_op(day=day, qty=2)
    results, errors = [], []

    def send():
        try:
            results.append(push(live, h, [op])[0]["status"])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(results) == ["applied"] + ["duplicate"] * 5
    assert stock(live, "ADULT", day)[1] == 2
    with live.db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(AppliedOp)).scalar_one() == 1


def test_feed_carries_changes_in_order_and_pages(live, now):
    h = live.login("clerk1")
    start = feed(live, h)
    assert start["has_more"] is False and start["server_time"].endswith("Z")
    entities = {c["entity"] for c in start["changes"]}
    assert entities == {"catalog", "inventory"}
    cursor = start["next_cursor"]
    day = live.venue.local_date(now)
    op = sale_op(day=day)
    push(live, h, [op])
    page = feed(live, h, since=cursor)
    kinds = [(c["entity"], c["id"]) for c in page["changes"]]
    assert ("order", op["payload"]["order_id"]) in kinds
    assert ("inventory", f"ADULT:{day}") in kinds
    order = next(c for c in page["changes"] if c["entity"] == "order")
    assert order["data"]["order_no"] == op["payload"]["order_no"]
    seqs = [c["seq"] for c in page["changes"]]
    assert seqs == sorted(seqs) and seqs[0] > int(cursor)
    small = feed(live, h, since="0", limit=7)
    assert len(small["changes"]) == 7 and small["has_more"] is True
    assert small["next_cursor"] == str(small["changes"][-1]["seq"])
    r = requests.get(live.url("/sync/changes"), params={"since": "abc"}, headers=h, timeout=10)
    assert_error(r, 422, "validation_error")


def test_long_poll_wakes_on_a_commit(live, now):
    h = live.login("clerk1")
    cursor = feed(live, h)["next_cursor"]
    got = {}

    def poll():
        started = time.monotonic()
        got["page"] = feed(live, h, since=cursor, wait=20)
        got["took"] = time.monotonic() - started

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    assert t.is_alive()  # holding: nothing new yet
    push(live, h, [sale_op(day=live.venue.local_date(now))])
    t.join(25)
    assert got["page"]["changes"], got
    assert got["took"] < 15  # woken by the commit, not by the 20 s wait running out


def test_late_commit_is_never_skipped(live, now):
    """A transaction that emitted a change but commits late blocks later ones on the counter,
    so a reader never sees a higher seq while a lower one is still to come."""
    h = live.login("clerk1")
    cursor = int(feed(live, h)["next_cursor"])
    day = live.venue.local_date(now)
    slow = live.db.session()
    slow.begin()
    row = slow.execute(sa.select(Inventory).where(Inventory.ticket_type == "CHILD",
                                                  Inventory.visit_date == day)).scalar_one()
    row.version += 1
    changes.touch_inventory(slow, ["CHILD"], day, now=now)
    changes._emit(slow)  # numbered, not yet committed  # noqa: SLF001
    pushed = {}
    t = threading.Thread(target=lambda: pushed.setdefault(
        "r", push(live, h, [sale_op(day=day)])))
    t.start()
    time.sleep(1.0)
    seen = [c["seq"] for c in feed(live, h, since=str(cursor))["changes"]]
    assert seen == []  # nothing visible: the later sale waits behind the late commit
    slow.commit()
    slow.close()
    t.join(30)
    after = [c["seq"] for c in feed(live, h, since=str(cursor))["changes"]]
    assert after == list(range(cursor + 1, cursor + 1 + len(after))) and len(after) >= 3


def test_lease_expiry_sweep_releases_units(live, now):
    from app.services.stock import leases

    h = live.login("clerk1")
    day = live.venue.local_date(now)
    lease = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                     "visit_date": day.isoformat(), "qty": 10},
                          headers=h, timeout=10).json()
    # DESIGN.md §14: a lease lives hours (its lifetime or closing time, the earlier)
    ends = datetime.fromisoformat(lease["expires_at"])
    assert ends == min(now + timedelta(hours=4), live.venue.closing_at(day))
    assert leases.expire(live.db.session(), now=ends - timedelta(seconds=1)) == 0
    assert leases.expire(live.db.session(), now=ends) == 1
    assert stock(live, "ADULT", day)[2] == 0
    with live.db.session() as s:
        assert s.execute(sa.select(LeaseRow.status)).scalar_one() == "expired"


def test_two_windows_with_one_terminal_number_clash_as_conflict(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    first = sale_op(day=day, order_no="W01-20261121-0001")
    twin_window = sale_op(day=day, order_no="W01-20261121-0001", seq=2)
    assert push(live, h, [first])[0]["status"] == "applied"
    before = snapshot(live.db)
    result = push(live, h, [twin_window])[0]
    assert result["status"] == "conflict"
    assert "终端号" in result["error"]["message"]
    again = push(live, h, [twin_window])[0]  # the same answer on every retry
    assert again["status"] == "conflict" and again["error"] == result["error"]
    after = snapshot(live.db)
    assert after["stock"] == before["stock"]
    assert after["counts"]["orders"] == before["counts"]["orders"]


def test_a_device_clock_a_day_ahead_still_applies_once_at_the_stores_time(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    op = sale_op(day=day)
    ahead = "2026-11-22T02:00:00Z"  # the window's clock is 24 h fast
    op["device_time"] = op["payload"]["created_at"] = ahead
    assert push(live, h, [op])[0]["status"] == "applied"
    assert push(live, h, [op])[0]["status"] == "duplicate"
    order = requests.get(live.url(f"/orders/{op['payload']['order_no']}"), headers=h,
                         timeout=10).json()
    assert order["created_at"] == "2026-11-21T02:00:00Z"  # never later than the store's now
    assert stock(live, "ADULT", day)[1] == 1


def test_a_sale_op_with_an_impossible_time_is_rejected_not_a_500(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "yesterday"):
        op = sale_op(day=day)
        op["payload"]["created_at"] = when
        result = push(live, h, [op])[0]
        assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"


def test_an_order_taken_over_http_skips_the_numbers_a_window_already_used(live):
    h = live.login("clerk1")  # window 01
    day = live.venue.local_date(live.clock())
    sale = sale_op(day=day, qty=1)  # W01-{day}-0001, numbered by the window
    assert push(live, h, [sale])[0]["status"] == "applied"
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}],
            "payment": {"method": "cash", "amount_fen": 10000}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=h | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    assert r.json()["order_no"] == f"W01-{day:%Y%m%d}-0002"
