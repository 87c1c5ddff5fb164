"""The admin's capacity over date ranges (DESIGN.md §4, §15) over real HTTP on SQLite and
PostgreSQL: one capacity over a range and weekdays, never below what is sold or held (409
naming the day, nothing written), bad ranges refused, every change in the admin log and the
feed, and a capacity lowered while sales race for the units never oversells."""

import random
import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot

from app.store.models import ChangeLog, Inventory, LeaseRow, Order, Ticket


def _put(live, headers, code, body):
    return requests.put(live.url(f"/inventory/{code}"), json=body, headers=headers, timeout=30)


def _capacities(live, code):
    with live.db.engine.connect() as conn:
        return dict(conn.execute(sa.select(Inventory.visit_date, Inventory.capacity)
                                 .where(Inventory.ticket_type == code)).all())


def _sell(live, headers, day, qty, code="ADULT"):
    return requests.post(live.url("/orders"), timeout=60, headers=headers | {
        "Idempotency-Key": uuid.uuid4().hex}, json={
        "channel": "window", "visit_date": day.isoformat(),
        "lines": [{"ticket_type": code, "qty": qty}],
        "payment": {"method": "cash", "amount_fen": qty * 10000}})


def _log(live, headers, **params):
    r = requests.get(live.url("/admin/changes"), params=params, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["changes"]


def test_one_capacity_over_a_range_on_weekends_only(live):
    admin = live.login("admin", terminal=None)
    today = live.venue.local_date(live.clock())  # 2026-11-21, a Saturday
    with live.db.session() as s:
        seeded = s.execute(sa.select(sa.func.max(ChangeLog.seq))).scalar_one()
    r = _put(live, admin, "ADULT", {"from": today.isoformat(),
                                    "to": (today + timedelta(days=13)).isoformat(),
                                    "capacity": 1500, "weekdays": [6, 7]})
    assert r.status_code == 200, r.text
    weekend = [today + timedelta(days=n) for n in (0, 1, 7, 8)]
    assert r.json() == {"items": [
        {"ticket_type": "ADULT", "visit_date": d.isoformat(), "capacity": 1500, "sold": 0,
         "held": 0, "available": 1500} for d in weekend]}
    capacities = _capacities(live, "ADULT")
    for n in range(14):
        day = today + timedelta(days=n)
        assert capacities[day] == (1500 if day in weekend else 1000), day

    # past the seeded 30 days: the rows are made; a window can sell there now
    first, last = today + timedelta(days=28), today + timedelta(days=33)
    r = _put(live, admin, "ADULT", {"from": first.isoformat(), "to": last.isoformat(),
                                    "capacity": 800})
    assert [i["visit_date"] for i in r.json()["items"]] == [
        (first + timedelta(days=n)).isoformat() for n in range(6)]
    assert _capacities(live, "ADULT")[last] == 800
    assert _sell(live, live.login("clerk1"), last, 2).status_code == 201

    newest, weekends = _log(live, admin, entity="inventory", key="ADULT")
    assert weekends["actor"] == "user:admin" and weekends["action"] == "set_capacity"
    assert weekends["before"]["weekdays"] == [6, 7]
    assert weekends["before"]["capacity"] == {d.isoformat(): 1000 for d in weekend}
    assert weekends["after"]["capacity"] == {d.isoformat(): 1500 for d in weekend}
    assert newest["before"]["capacity"] == {first.isoformat(): 1000,
                                            (first + timedelta(days=1)).isoformat(): 1000}
    assert len(newest["after"]["capacity"]) == 6
    with live.db.session() as s:  # windows hear of every day that changed
        fed = {row.entity_id: row.data["capacity"] for row in s.execute(
            sa.select(ChangeLog).where(ChangeLog.entity == "inventory", ChangeLog.seq > seeded)
            .order_by(ChangeLog.seq)).scalars()}
    assert fed[f"ADULT:{today}"] == 1500 and fed[f"ADULT:{last}"] == 800
    assert f"ADULT:{today + timedelta(days=2)}" not in fed  # a Monday: left alone


def test_capacity_below_sold_or_held_is_refused_naming_the_day(live):
    admin = live.login("admin", terminal=None)
    today = live.venue.local_date(live.clock())
    sold_day, held_day = today + timedelta(days=2), today + timedelta(days=3)
    assert _sell(live, live.login("clerk1"), sold_day, 5).status_code == 201
    r = requests.post(live.url("/leases"), headers=live.login("clerk2", terminal="02",
                                                              device_id="dev-2"),
                      json={"ticket_type": "ADULT", "visit_date": held_day.isoformat(),
                            "qty": 4}, timeout=10)
    assert r.status_code in (200, 201) and r.json()["granted"] == 4, r.text
    before = snapshot(live.db), _capacities(live, "ADULT")

    span = {"from": today.isoformat(), "to": (today + timedelta(days=5)).isoformat()}
    message = assert_error(_put(live, admin, "ADULT", span | {"capacity": 4}), 409, "conflict")
    assert f"{sold_day:%Y-%m-%d}" in message and "（5）" in message, message
    message = assert_error(_put(live, admin, "ADULT", span | {
        "from": held_day.isoformat(), "capacity": 3}), 409, "conflict")
    assert f"{held_day:%Y-%m-%d}" in message and "（4）" in message, message
    assert (snapshot(live.db), _capacities(live, "ADULT")) == before

    r = _put(live, admin, "ADULT", span | {"capacity": 5})  # exactly what is taken: fine
    assert r.status_code == 200, r.text
    by_day = {i["visit_date"]: i for i in r.json()["items"]}
    assert by_day[sold_day.isoformat()]["available"] == 0
    assert by_day[held_day.isoformat()] == {
        "ticket_type": "ADULT", "visit_date": held_day.isoformat(), "capacity": 5, "sold": 0,
        "held": 4, "available": 1}


def test_the_one_day_route_still_works_and_is_logged(live):
    admin = live.login("admin", terminal=None)
    today = live.venue.local_date(live.clock())
    r = requests.put(live.url(f"/inventory/{today}/CHILD"), json={"capacity": 7},
                     headers=admin, timeout=10)
    assert r.status_code == 200 and r.json()["capacity"] == 7, r.text
    (change,) = _log(live, admin, entity="inventory", key="CHILD")
    assert change["before"]["capacity"] == {today.isoformat(): 1000}
    assert change["after"]["capacity"] == {today.isoformat(): 7}


def _bad(today):
    d = today.isoformat()
    later = (today + timedelta(days=6)).isoformat()
    return [
        ("ADULT", {"from": later, "to": d, "capacity": 5}, 422, "开始日期不能晚于结束日期"),
        ("ADULT", {"from": d, "to": (today + timedelta(days=366)).isoformat(), "capacity": 5},
         422, "最多设置 366 天"),
        ("ADULT", {"from": (today - timedelta(days=1)).isoformat(), "to": d, "capacity": 5},
         422, "不能早于今天"),
        ("ADULT", {"from": d, "to": later, "capacity": 5, "weekdays": [0]}, 422, "星期"),
        ("ADULT", {"from": d, "to": later, "capacity": 5, "weekdays": [8]}, 422, "星期"),
        ("ADULT", {"from": d, "to": later, "capacity": 5, "weekdays": [1, 1]}, 422, "不重复"),
        ("ADULT", {"from": d, "to": d, "capacity": 5, "weekdays": [1]}, 422, "没有所选的星期"),
        ("ADULT", {"from": d, "to": later, "capacity": 5, "weekdays": []}, 422, "星期"),
        ("ADULT", {"from": d, "to": later, "capacity": -1}, 422, "capacity"),
        ("ADULT", {"from": d, "to": later, "capacity": 10**7}, 422, "capacity"),
        ("ADULT", {"from": d, "to": later, "capacity": "5"}, 422, "capacity"),
        ("ADULT", {"to": later, "capacity": 5}, 422, "from"),
        ("ADULT", {"from": "2026-02-30", "to": later, "capacity": 5}, 422, "from"),
        ("ADULT", {"from": d, "to": later, "capacity": 5, "days": 3}, 422, "days"),
        ("FAMILY", {"from": d, "to": later, "capacity": 5}, 422, "套票"),
        ("DRAGON", {"from": d, "to": later, "capacity": 5}, 404, "没有这种票"),
    ]


def test_bad_ranges_are_refused_with_nothing_written(live):
    admin = live.login("admin", terminal=None)
    today = live.venue.local_date(live.clock())
    clerk, supervisor = live.login("clerk1"), live.login("supervisor", terminal=None)
    before = snapshot(live.db), _capacities(live, "ADULT")
    for code, body, status, words in _bad(today):
        message = assert_error(_put(live, admin, code, body), status,
                               "not_found" if status == 404 else "validation_error")
        assert words in message, (body, message)
    good = {"from": today.isoformat(), "to": today.isoformat(), "capacity": 5}
    for who in (clerk, supervisor):
        assert_error(_put(live, who, "ADULT", good), 403, "forbidden")
    assert (snapshot(live.db), _capacities(live, "ADULT")) == before


def _stock(live, day):
    with live.db.session() as s:
        row = s.execute(sa.select(Inventory).where(Inventory.ticket_type == "ADULT",
                                                   Inventory.visit_date == day)).scalar_one()
        return row.capacity, row.sold, row.held, row.oversold


def _tickets(live, day):
    with live.db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(Ticket).join(Order).where(
            Ticket.ticket_type == "ADULT", Order.visit_date == day,
            Order.cancelled.is_(False))).scalar_one()


@pytest.mark.timeout(300)
def test_capacity_lowered_while_sales_race_never_oversells(live):
    """Windows sell and a window holds a lease while the admin lowers the capacity of three
    days again and again: each change lands whole or is refused, no sale gets past it."""
    admin = live.login("admin", terminal=None)
    today = live.venue.local_date(live.clock())
    days = [today + timedelta(days=n) for n in range(3)]
    span = {"from": days[0].isoformat(), "to": days[-1].isoformat()}
    assert _put(live, admin, "ADULT", span | {"capacity": 200}).status_code == 200
    assert _sell(live, live.login("clerk1"), days[0], 25).status_code == 201  # 20 is too low
    seed = random.randrange(1 << 30)
    errors: list[str] = []
    admin_outcomes: list[tuple[int, int]] = []
    start = threading.Barrier(6)  # everyone signed in: then the race

    def window(n: int) -> None:
        rng = random.Random(seed + n)
        h = live.login("clerk1", terminal=f"{n:02d}", device_id=f"win-{n}")
        start.wait(60)
        for _ in range(15):
            r = _sell(live, h, rng.choice(days), rng.randint(1, 4))
            if r.status_code not in (201, 409):
                errors.append(f"window {r.status_code} {r.text[:200]}")

    def lease() -> None:
        h = live.login("clerk2", terminal="L1", device_id="lease-1")
        start.wait(60)
        for day in days:
            r = requests.post(live.url("/leases"), headers=h, timeout=60, json={
                "ticket_type": "ADULT", "visit_date": day.isoformat(), "qty": 6})
            if r.status_code not in (200, 201, 409):
                errors.append(f"lease {r.status_code} {r.text[:200]}")

    def lower() -> None:
        start.wait(60)
        for capacity in (150, 120, 100, 80, 60, 50, 40, 30, 20):
            r = _put(live, admin, "ADULT", span | {"capacity": capacity})
            if r.status_code not in (200, 409):
                errors.append(f"admin {r.status_code} {r.text[:200]}")
            admin_outcomes.append((capacity, r.status_code))
            time.sleep(0.05)

    threads = ([threading.Thread(target=window, args=(i,)) for i in range(1, 5)]
               + [threading.Thread(target=lease), threading.Thread(target=lower)])
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    assert not errors, (seed, errors[:5])
    assert admin_outcomes[-1] == (20, 409), (seed, admin_outcomes)  # day 1 sold 25 already
    applied = [c for c, status in admin_outcomes if status == 200]
    with live.db.session() as s:
        leases = s.execute(sa.select(LeaseRow)).scalars().all()
    for day in days:
        capacity, sold, held, oversold = _stock(live, day)
        assert sold + held <= capacity and oversold == 0, (seed, day, capacity, sold, held)
        assert capacity == (applied[-1] if applied else 200), (seed, day, admin_outcomes)
        assert _tickets(live, day) == sold, (seed, day)
        assert held == sum(x.granted - x.used for x in leases
                           if x.visit_date == day and x.status == "active"), (seed, day)
