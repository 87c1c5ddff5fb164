"""Sale ops per second through `POST /sync/push` on PostgreSQL (real HTTP, batches of 200,
through `app.services`), beside a baseline that INSERTs the same rows with raw psycopg, one
transaction per op, on the same schema. Aim: >= 500 ops/s.

The day's ADULT capacity is raised through the admin API first (`make_room`), in both runs:
the demo's would be sold out after a few hundred ops, and from then on the store would count
every sale as oversold (one by one, each with its anomaly) and the raw UPDATE would take
nothing — neither measuring the ordinary push. Each run checks that every op was `applied`
and took its units (`check_sold`).

    python -m bench.sync_push [OPS]
"""

import json
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

import psycopg
import requests

from app.domain.ids import new_ticket_code

from .live_store import Store, enroll, pg_database

OPS = 2000
BATCH = 200
DEVICES = 2


def sale_ops(n: int, terminal: str, day: str, start_seq: int = 1) -> list[dict]:
    # the sale's instant: now (the store refuses sales older than its offline window)
    at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    ops = []
    for i in range(n):
        seq = start_seq + i
        payload = {
            "order_id": str(uuid.uuid4()), "order_no": f"W{terminal}-{day.replace('-', '')}-"
                                                       f"{seq:05d}",
            "channel": "window", "visit_date": day,
            "lines": [{"ticket_type": "ADULT", "qty": 2}], "customer": None,
            "payment": {"method": "cash", "amount_fen": 20000, "tendered_fen": 20000},
            "tickets": [{"ticket_id": str(uuid.uuid4()), "code": new_ticket_code(),
                         "ticket_type": "ADULT"} for _ in range(2)],
            "lease_id": None, "leases": [], "terminal": terminal, "clerk": "clerk1",
            "device_id": f"bench-{terminal}", "created_at": at}
        ops.append({"op_id": str(uuid.uuid4()), "seq": seq, "kind": "sale",
                    "device_time": at, "payload": payload})
    return ops


ROOM = 1_000_000  # units of the day's ADULT capacity: more than any run sells


def _admin(base: str) -> dict[str, str]:
    r = requests.post(f"{base}/auth/login", json={"username": "admin", "password": "admin"},
                      timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def make_room(base: str, day: str) -> int:
    """Raise the day's ADULT capacity (as `store_workers` does); returns the units sold."""
    r = requests.put(f"{base}/inventory/{day}/ADULT", json={"capacity": ROOM},
                     headers=_admin(base), timeout=30)
    r.raise_for_status()
    return r.json()["sold"]


def check_sold(base: str, day: str, sold_before: int, units: int) -> None:
    """Every op's units were taken from free capacity: none oversold, none lost."""
    r = requests.get(f"{base}/inventory", params={"date": day}, headers=_admin(base), timeout=30)
    r.raise_for_status()
    sold = next(i["sold"] for i in r.json()["items"] if i["ticket_type"] == "ADULT")
    assert sold == sold_before + units, (sold, sold_before, units)


def _login(base: str, device: str, terminal: str) -> dict[str, str]:
    r = requests.post(f"{base}/auth/login", json={
        "username": "clerk1", "password": "clerk1", "device_id": device,
        "device_secret": enroll(base, device, terminal)}, timeout=10)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _push_all(base: str, terminal: str, ops: list[dict]) -> None:
    device = f"bench-{terminal}"
    headers = _login(base, device, terminal)
    with requests.Session() as http:
        for i in range(0, len(ops), BATCH):
            r = http.post(f"{base}/sync/push", json={"device_id": device,
                                                     "ops": ops[i:i + BATCH]},
                          headers=headers, timeout=120)
            r.raise_for_status()
            bad = [x for x in r.json()["results"] if x["status"] != "applied"]
            assert not bad, bad[:3]


def _through_http(n: int, devices: int) -> float:
    with pg_database() as url, Store(url) as store:
        day = store.venue.local_date(store.clock()).isoformat()
        make_room(store.base, day)
        _push_all(store.base, "90", sale_ops(50, "90", day))  # warm-up
        sold = make_room(store.base, day)
        per = n // devices
        batches = {f"{d + 1:02d}": sale_ops(per, f"{d + 1:02d}", day) for d in range(devices)}
        threads = [threading.Thread(target=_push_all, args=(store.base, t, ops))
                   for t, ops in batches.items()]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        check_sold(store.base, day, sold, 2 * per * devices)
        return (per * devices) / took


def _raw_rows(cur: psycopg.Cursor, op: dict, at: datetime) -> None:
    p = op["payload"]
    oid, no = p["order_id"], p["order_no"]
    cur.execute("UPDATE inventory SET sold = sold + 2, version = version + 1, updated_at = %s "
                "WHERE ticket_type = 'ADULT' AND visit_date = %s AND sold + held + 2 <= "
                "capacity", (at, p["visit_date"]))
    cur.execute("INSERT INTO orders (order_id, order_no, channel, terminal, clerk, device_id, "
                "visit_date, status, payment_state, cancelled, total_fen, paid_fen, "
                "refunded_fen, receipt_reprint_count, created_at, updated_at, version) VALUES "
                "(%s,%s,'window','01','clerk1','bench',%s,'paid','paid',false,20000,20000,0,0,"
                "%s,%s,1)", (oid, no, p["visit_date"], at, at))
    cur.executemany(
        "INSERT INTO tickets (ticket_id, order_id, position, code, ticket_type, sold_as, name, "
        "kind, price_fen, list_price_fen, status, uses_total, uses_left, reprint_count, "
        "updated_at, version) VALUES (%s,%s,%s,%s,'ADULT','ADULT','成人票','regular',10000,"
        "10000,'valid',1,1,0,%s,1)",
        [(t["ticket_id"], oid, n, t["code"], at) for n, t in enumerate(p["tickets"], 1)])
    cur.execute("INSERT INTO payments (payment_id, payment_no, order_id, method, amount_fen, "
                "tendered_fen, change_fen, status, at) VALUES (%s,%s,%s,'cash',20000,20000,0,"
                "'succeeded',%s)", (str(uuid.uuid4()), no + "-P1", oid, at))
    cur.executemany(
        "INSERT INTO timeline_events (order_id, seq, at, actor, action, detail, source, "
        "prev_hash, hash) VALUES (%s,%s,%s,'user:clerk1',%s,%s,'window',%s,%s)",
        [(oid, s, at, a, json.dumps({"order_no": no}), "0" * 64, "f" * 64)
         for s, a in ((1, "order.created"), (2, "payment.succeeded"))])
    cur.execute("INSERT INTO applied_ops (op_id, payload_sha256, kind, device_id, result, "
                "applied_at) VALUES (%s,%s,'sale','bench',%s,%s)",
                (op["op_id"], "e" * 64, json.dumps({"status": "applied"}), at))
    cur.execute("UPDATE counters SET value = value + 2 WHERE name = 'change_log' "
                "RETURNING value")
    last = cur.fetchone()[0]
    cur.execute("INSERT INTO change_log (seq, entity, entity_id, version, data, at) VALUES "
                "(%s, 'order', %s, 1, %s, %s), (%s, 'inventory', %s, 2, %s, %s)",
                (last - 1, oid, json.dumps(p), at, last, "ADULT:" + p["visit_date"],
                 json.dumps({"ticket_type": "ADULT"}), at))


def _raw(n: int, devices: int) -> float:
    with pg_database() as url, Store(url) as store:
        day = store.venue.local_date(store.clock()).isoformat()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        per = n // devices
        sold = make_room(store.base, day)

        def insert(terminal: str) -> None:
            ops = sale_ops(per, terminal, day)
            with psycopg.connect(dsn) as conn:
                for op in ops:
                    with conn.transaction(), conn.cursor() as cur:
                        _raw_rows(cur, op, datetime.now(UTC))

        threads = [threading.Thread(target=insert, args=(f"{d + 1:02d}",))
                   for d in range(devices)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        check_sold(store.base, day, sold, 2 * per * devices)
        return (per * devices) / took


def run(n: int = OPS, rounds: int = 3) -> dict:
    """Alternate the two, `rounds` times each; report medians of ops/s."""
    pushed, raw = [], []
    for _ in range(rounds):
        pushed.append(_through_http(n, DEVICES))
        raw.append(_raw(n, DEVICES))
    push_med, raw_med = sorted(pushed)[len(pushed) // 2], sorted(raw)[len(raw) // 2]
    result = {"ops": n, "devices": DEVICES, "batch": BATCH, "rounds": rounds,
              "push_ops_per_s_median": round(push_med, 1),
              "raw_insert_ops_per_s_median": round(raw_med, 1),
              "ratio_raw_over_push": round(raw_med / push_med, 2), "aim_ops_per_s": 500}
    print(f"sync push on PostgreSQL, {n} sale ops (2 adults each) from {DEVICES} devices, "
          f"batches of {BATCH}, median of {rounds}")
    print(f"  /sync/push (HTTP + services): {push_med:8.1f} ops/s")
    print(f"  raw psycopg INSERT baseline:  {raw_med:8.1f} ops/s")
    print(f"  baseline / push:              {raw_med / push_med:8.2f}x   (aim >= 500 ops/s)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else OPS)
