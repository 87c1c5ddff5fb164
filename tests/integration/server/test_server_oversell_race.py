"""No oversell (DESIGN.md §4): window sales online, OTA orders and offline lease sales race
for the last units of one day over real HTTP; at the end `sold + held <= capacity`, no lease
is used past what it was granted, and every unit sold is accounted for (sold + oversold =
tickets of live orders). Randomised with a seed per run, on SQLite and PostgreSQL."""

import random
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa
from signed import SECRET, post_signed
from test_server_sync import sale_op

from app.store.models import Inventory, LeaseRow, Order, Ticket

CAPACITY = 60


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _stock(live, day):
    with live.db.session() as s:
        row = s.execute(sa.select(Inventory).where(Inventory.ticket_type == "ADULT",
                                                   Inventory.visit_date == day)).scalar_one()
        return row.capacity, row.sold, row.held, row.oversold


def test_racing_channels_never_oversell_free_capacity(live, now):
    day = live.venue.local_date(now)
    admin = live.login("admin", terminal=None)
    assert requests.put(live.url(f"/inventory/{day}/ADULT"), json={"capacity": CAPACITY},
                        headers=admin, timeout=10).status_code == 200
    seed = random.randrange(1 << 30)
    errors: list[str] = []
    outcomes: dict[str, list[int]] = {"window": [], "ota": [], "lease": []}

    def window(n: int) -> None:
        rng = random.Random(seed + n)
        h = live.login("clerk1", terminal=f"{n:02d}", device_id=f"win-{n}")
        for _ in range(12):
            qty = rng.randint(1, 3)
            r = requests.post(live.url("/orders"), headers=h | {
                "Idempotency-Key": uuid.uuid4().hex}, json={
                "channel": "window", "visit_date": day.isoformat(),
                "lines": [{"ticket_type": "ADULT", "qty": qty}],
                "payment": {"method": "cash", "amount_fen": qty * 10000,
                            "tendered_fen": qty * 10000}}, timeout=30)
            if r.status_code not in (201, 409):
                errors.append(f"window {r.status_code} {r.text[:200]}")
            outcomes["window"].append(r.status_code)

    def ota(n: int) -> None:
        rng = random.Random(seed * 7 + n)
        for _ in range(12):
            qty = rng.randint(1, 3)
            r = post_signed(live, "/channels/ota_ctrip/orders", {
                "external_id": uuid.uuid4().hex[:16], "visit_date": day.isoformat(),
                "lines": [{"ticket_type": "ADULT", "qty": qty}],
                "customer": {"name": "游客", "phone": "13900001111"},
                "amount_fen": qty * 10000, "paid": True})
            if r.status_code not in (200, 201, 409):
                errors.append(f"ota {r.status_code} {r.text[:200]}")
            outcomes["ota"].append(r.status_code)

    def offline_window(n: int) -> None:
        """Takes a lease, then pushes offline sales on it, some past what it holds."""
        rng = random.Random(seed * 13 + n)
        device = f"lease-{n}"
        h = live.login("clerk2", terminal=f"L{n}", device_id=device)
        r = requests.post(live.url("/leases"), json={"ticket_type": "ADULT",
                                                     "visit_date": day.isoformat(), "qty": 8},
                          headers=h, timeout=30)
        if r.status_code == 409:
            return
        lease = r.json()
        for seq in range(1, 7):
            op = sale_op(day=day, qty=rng.randint(1, 3), lease_id=lease["lease_id"], seq=seq,
                         terminal=f"L{n}")
            op["payload"]["device_id"] = device
            op["payload"]["clerk"] = "clerk2"  # the token's clerk (DESIGN.md §14)
            res = requests.post(live.url("/sync/push"), json={"device_id": device,
                                                              "ops": [op]},
                                headers=h, timeout=60)
            if res.status_code != 200 or res.json()["results"][0]["status"] != "applied":
                errors.append(f"push {res.status_code} {res.text[:200]}")
            outcomes["lease"].append(res.status_code)

    threads = ([threading.Thread(target=window, args=(i,)) for i in range(1, 4)]
               + [threading.Thread(target=ota, args=(i,)) for i in range(3)]
               + [threading.Thread(target=offline_window, args=(i,)) for i in range(2)])
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors, (seed, errors[:5])
    capacity, sold, held, oversold = _stock(live, day)
    assert capacity == CAPACITY and sold + held <= capacity, (seed, sold, held)
    assert 409 in outcomes["window"] + outcomes["ota"], "the race never reached the last units"
    with live.db.session() as s:
        leases = s.execute(sa.select(LeaseRow)).scalars().all()
        assert all(0 <= x.used <= x.granted for x in leases), seed
        active_held = sum(x.granted - x.used for x in leases if x.status == "active")
        assert held == active_held, (seed, held, active_held)
        tickets = s.execute(
            sa.select(sa.func.count()).select_from(Ticket).join(Order)
            .where(Ticket.ticket_type == "ADULT", Order.visit_date == day,
                   Order.cancelled.is_(False))).scalar_one()
    assert tickets == sold + oversold, (seed, tickets, sold, oversold)
