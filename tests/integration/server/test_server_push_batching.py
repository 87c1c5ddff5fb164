"""A pushed batch applies its sale ops in groups, one transaction per group
(`app.services.pushed.apply.apply_group`): the sales checked first and written together (the
bulk path), or, when that cannot be, one op at a time in a savepoint each. Either way an op
that fails rolls back only itself and answers as it would alone; the others are applied, in
seq order, and the changes feed carries them in that order."""

from collections import Counter
from contextlib import contextmanager

import requests
import sqlalchemy as sa
from test_server_sync import feed, push, sale_op, stock

from app.services.pushed.apply import GROUP
from app.store.models import Anomaly, AppliedOp, Order, Ticket, TimelineEvent


def _orders(live) -> set[str]:
    with live.db.session() as s:
        return set(s.execute(sa.select(Order.order_id)).scalars())


@contextmanager
def _inserts(live):
    """How many INSERT statements the store sends per table (an executemany counts once)."""
    seen: Counter[str] = Counter()

    def count(conn, cursor, statement, params, context, executemany):
        if statement.startswith("INSERT INTO"):
            seen[statement.split()[2]] += 1

    sa.event.listen(live.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(live.db.engine, "before_cursor_execute", count)


def _kept(live) -> dict[str, dict]:
    with live.db.session() as s:
        return dict(s.execute(sa.select(AppliedOp.op_id, AppliedOp.result)).all())


def test_a_bad_op_in_the_middle_is_refused_alone_on_the_bulk_path(live, now):
    """Op 3 of 5 names no ticket type of the catalog: the four others are written together
    (one INSERT per table for the group) and its refusal is kept with their claims."""
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    sold_before = stock(live, "ADULT", day)[1]
    ops = [sale_op(day=day, qty=2, seq=n) for n in range(1, 6)]
    ops[2]["payload"]["lines"][0]["ticket_type"] = "NOPE"
    for t in ops[2]["payload"]["tickets"]:
        t["ticket_type"] = "NOPE"
    with _inserts(live) as inserts:
        results = push(live, h, ops)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied",
                                              "applied"]
    assert results[2]["error"]["code"] == "validation_error"
    assert inserts["orders"] == inserts["tickets"] == inserts["applied_ops"] == 1  # bulk
    ids = [op["payload"]["order_id"] for op in ops]
    assert _orders(live) == {ids[0], ids[1], ids[3], ids[4]}
    assert stock(live, "ADULT", day)[1] == sold_before + 8
    kept = _kept(live)
    assert {op["op_id"] for op in ops} == set(kept)
    assert kept[ops[2]["op_id"]]["status"] == "rejected"
    assert kept[ops[0]["op_id"]] == {"op_id": ops[0]["op_id"], "status": "applied",
                                     "server_version": 1}
    for op in ops[:2] + ops[3:]:
        r = requests.get(live.url(f"/orders/{op['payload']['order_no']}/timeline"),
                         headers=h, timeout=10)
        assert r.json()["verified"] and len(r.json()["events"]) == 2
    again = push(live, h, ops)
    assert [r["status"] for r in again] == ["duplicate", "duplicate", "rejected", "duplicate",
                                            "duplicate"]
    assert again[2]["error"] == results[2]["error"]
    assert stock(live, "ADULT", day)[1] == sold_before + 8


def test_a_group_clashing_with_a_stored_order_falls_back_to_one_op_at_a_time(live, now):
    """Op 2 reuses the order_no of an order already stored: the group's bulk write fails,
    the group runs again op by op, and only op 2 answers `conflict`."""
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    first = sale_op(day=day, seq=1)
    assert push(live, h, [first])[0]["status"] == "applied"
    ops = [sale_op(day=day, seq=n) for n in range(2, 5)]
    ops[1]["payload"]["order_no"] = first["payload"]["order_no"]
    with _inserts(live) as inserts:
        results = push(live, h, ops)
    assert [r["status"] for r in results] == ["applied", "conflict", "applied"]
    assert first["payload"]["order_no"] in results[1]["error"]["message"]
    assert inserts["orders"] == 1 + 3  # the failed bulk INSERT, then one per op
    assert _orders(live) == {first["payload"]["order_id"], ops[0]["payload"]["order_id"],
                             ops[2]["payload"]["order_id"]}
    assert _kept(live)[ops[1]["op_id"]]["status"] == "conflict"


def test_op_3_of_5_failing_half_way_rolls_back_only_itself(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    sold_before = stock(live, "ADULT", day)[1]
    ops = [sale_op(day=day, qty=2, seq=n) for n in range(1, 6)]
    # op 3 reuses a ticket code of op 1: its stock and order rows are written before the
    # tickets' unique key refuses it, inside the group's transaction
    ops[2]["payload"]["tickets"][1]["code"] = ops[0]["payload"]["tickets"][0]["code"]
    results = push(live, h, ops)
    assert [r["status"] for r in results] == ["applied", "applied", "conflict", "applied",
                                              "applied"]
    assert results[2]["error"]["code"] == "conflict"
    ids = [op["payload"]["order_id"] for op in ops]
    assert _orders(live) == {ids[0], ids[1], ids[3], ids[4]}
    assert stock(live, "ADULT", day)[1] == sold_before + 8  # op 3 took no unit
    with live.db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Ticket)
                         .where(Ticket.order_id == ids[2])).scalar_one() == 0
        assert s.execute(sa.select(sa.func.count()).select_from(TimelineEvent)
                         .where(TimelineEvent.order_id == ids[2])).scalar_one() == 0
        kept = dict(s.execute(sa.select(AppliedOp.op_id, AppliedOp.result)).all())
    assert {op["op_id"] for op in ops} == set(kept)  # the refusal is kept too
    assert kept[ops[2]["op_id"]]["status"] == "conflict"
    for op in ops[:2] + ops[3:]:
        r = requests.get(live.url(f"/orders/{op['payload']['order_no']}/timeline"),
                         headers=h, timeout=10)
        assert r.json()["verified"] and len(r.json()["events"]) == 2
    again = push(live, h, ops)  # the same answers again, nothing more written
    assert [r["status"] for r in again] == ["duplicate", "duplicate", "conflict", "duplicate",
                                            "duplicate"]
    assert stock(live, "ADULT", day)[1] == sold_before + 8


def test_a_long_batch_keeps_seq_order_in_the_feed_across_groups(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    start = int(feed(live, h)["next_cursor"])
    n = 2 * GROUP + 5
    ops = [sale_op(day=day, seq=k) for k in range(1, n + 1)]
    bad = {GROUP - 1, GROUP + 3}  # one in the first group, one in the second
    for k in bad:
        ops[k]["payload"]["lines"][0]["ticket_type"] = "NOPE"  # refused before any write
    results = push(live, h, ops)
    assert [r["status"] for r in results] == [
        "rejected" if k in bad else "applied" for k in range(n)]
    orders, cursor = [], str(start)
    while True:
        page = feed(live, live.login("supervisor"), since=cursor)
        orders += [c["id"] for c in page["changes"] if c["entity"] == "order"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert orders == [op["payload"]["order_id"] for k, op in enumerate(ops) if k not in bad]
    assert stock(live, "ADULT", day)[1] >= n - len(bad)


def test_a_group_short_of_capacity_is_applied_one_by_one(live, now):
    """Room for 3 of 5 grouped sales: the first three take free capacity, the last two are
    counted as oversold, each with its anomaly — as if pushed one at a time."""
    h = live.login("clerk1")
    admin = live.login("admin", terminal=None)
    day = live.venue.local_date(now)
    r = requests.put(live.url(f"/inventory/{day}/CHILD"), json={"capacity": 3}, headers=admin,
                     timeout=10)
    assert r.status_code == 200, r.text
    ops = [sale_op(day=day, ticket_type="CHILD", price=5000, seq=n) for n in range(1, 6)]
    assert [r["status"] for r in push(live, h, ops)] == ["applied"] * 5
    assert stock(live, "CHILD", day) == (3, 3, 0, 2)
    with live.db.session() as s:
        flagged = s.execute(sa.select(Anomaly.order_no).where(Anomaly.kind == "oversold")
                            ).scalars().all()
    assert sorted(flagged) == sorted(op["payload"]["order_no"] for op in ops[3:])


def test_the_bulk_path_feeds_each_order_and_stock_row_exactly_as_stored(live, now):
    """The bulk path hands the changes feed the orders it wrote and the stock rows its
    UPDATE returned (no read-back at commit): each entry must be what reading gives."""
    from app.services.journal import changes, orders

    h = live.login("clerk1")
    day = live.venue.local_date(now)
    page = feed(live, h, limit=500)
    while page["has_more"]:
        page = feed(live, h, since=page["next_cursor"], limit=500)
    since = page["next_cursor"]
    ops = [sale_op(day=day, qty=n % 3 + 1, seq=n) for n in range(1, 8)]
    with _inserts(live) as inserts:
        assert {r["status"] for r in push(live, h, ops)} == {"applied"}
    assert inserts["orders"] == 1  # the bulk path
    entries = feed(live, h, since=since)["changes"]
    fed = [(c["entity"], c["id"]) for c in entries]
    assert fed == [("order", op["payload"]["order_id"]) for op in ops] + [
        ("inventory", changes.inventory_id("ADULT", day))]
    with live.db.session() as s:
        for entry, op in zip(entries[:-1], ops, strict=True):
            assert entry["data"] == orders.get_order(s, op["payload"]["order_no"])
            assert entry["version"] == 1
    capacity, sold, held, oversold = stock(live, "ADULT", day)
    assert {k: entries[-1]["data"][k] for k in ("capacity", "sold", "held", "oversold")} == {
        "capacity": capacity, "sold": sold, "held": held, "oversold": oversold}


def test_a_group_of_refusals_only_is_kept_in_one_statement_without_falling_back(live, now):
    """No sale to write: the bulk path keeps the refusals' claims in one INSERT and writes no
    order (it used to send an empty order INSERT, fail, and redo the group op by op)."""
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    ops = [sale_op(day=day, qty=1, seq=n) for n in range(1, 4)]
    for op in ops:
        op["payload"]["lines"][0]["ticket_type"] = "NOPE"
        for t in op["payload"]["tickets"]:
            t["ticket_type"] = "NOPE"
    with _inserts(live) as inserts:
        results = push(live, h, ops)
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert inserts["applied_ops"] == 1 and inserts["orders"] == 0
