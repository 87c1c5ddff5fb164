"""Whole-store consistency checks shared by the crash, concurrency and sale tests: every order
is a whole sale (or absent), every refund a whole refund (or absent), and the counters and
inventory agree with the rows."""

from collections import Counter, defaultdict
from datetime import date, datetime

import sqlalchemy as sa

from app.domain.lifecycle import derive_status
from app.domain.timeline import Event, verify_chain
from app.domain.venue import Venue
from app.services.journal.outbox import payload_digest
from app.store.models import Order, OutboxOp, PrintJobRow, Refund, TimelineEvent

VENUE = Venue()  # the zone that decides whether a refund's visit date was past


def _rows(conn: sa.Connection, sql: str) -> list:
    return conn.execute(sa.text(sql)).mappings().all()


def _check_orders(orders, tickets, payments, events, sales, jobs) -> None:
    for o in orders:
        oid, no = o["order_id"], o["order_no"]
        ts = tickets.get(oid, [])
        assert ts, f"{no}: no tickets"
        assert sum(t["price_fen"] for t in ts) == o["total_fen"], f"{no}: ticket sum"
        ps = payments.get(oid, [])
        assert len(ps) == 1 and ps[0]["amount_fen"] == o["total_fen"], f"{no}: payment {ps}"
        chain = [Event(e["seq"], e["at"], e["actor"], e["action"], e["source"], e["detail"],
                       e["prev_hash"], e["hash"]) for e in events.get(oid, [])]
        assert [e.action for e in chain[:2]] == ["order.created", "payment.succeeded"], no
        assert verify_chain(chain), f"{no}: timeline does not verify"
        op = sales.get(oid)
        assert op is not None, f"{no}: no sale op in the outbox"
        assert op["payload_sha256"] == payload_digest(op["payload"]), f"{no}: op digest"
        assert [t["ticket_id"] for t in op["payload"]["tickets"]] == \
            [t["ticket_id"] for t in ts], f"{no}: op tickets"
        kinds = Counter(j["kind"] for j in jobs.get(no, []))
        assert kinds["ticket"] >= len(ts) and kinds["receipt"] >= 1, f"{no}: print jobs {kinds}"


def _group(rows, key) -> dict:
    out = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _check_counters(conn: sa.Connection, orders) -> None:
    seqs = [r["seq"] for r in _rows(conn, "SELECT seq FROM outbox ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1)), "outbox seq has gaps"
    counter = conn.execute(sa.text("SELECT value FROM counters WHERE name='outbox'")).scalar()
    assert (counter or 0) == len(seqs), "outbox counter disagrees with the outbox"
    per_day = Counter(o["order_no"].rsplit("-", 1)[0] for o in orders)
    for r in _rows(conn, "SELECT terminal, local_date, last_seq FROM order_counters"):
        day = str(r["local_date"]).replace("-", "")
        assert per_day[f"W{r['terminal']}-{day}"] == r["last_seq"], f"order counter {r}"


def stock_comes_back(visit_date: date, settled_at: datetime) -> bool:
    """A succeeded refund gives its units back unless the visit date was past (venue zone)."""
    return visit_date >= VENUE.local_date(settled_at)


def _returned_tickets(conn: sa.Connection) -> set[str]:
    """Tickets whose units a succeeded refund gave back (they no longer count as sold)."""
    rf = Refund.__table__
    days = {o["order_id"]: o["visit_date"] for o in _typed(conn, Order.__table__)}
    back: set[str] = set()
    for r in _typed(conn, rf, rf.c.status == "succeeded"):
        if stock_comes_back(days[r["order_id"]], r["updated_at"]):  # the moment it succeeded
            back.update(r["ticket_ids"])
    return back


def _check_stock(conn: sa.Connection) -> None:
    back = _returned_tickets(conn)
    sold = Counter((r["ticket_type"], str(r["visit_date"])) for r in _rows(
        conn, "SELECT t.ticket_id, t.ticket_type, o.visit_date FROM tickets t "
              "JOIN orders o ON o.order_id = t.order_id") if r["ticket_id"] not in back)
    for r in _rows(conn, "SELECT ticket_type, visit_date, capacity, sold, held FROM inventory"):
        key = (r["ticket_type"], str(r["visit_date"]))
        assert r["sold"] + r["held"] <= r["capacity"], f"oversold {r}"
        assert r["sold"] == sold.pop(key, 0), f"inventory sold != tickets for {key}"
    assert not sold, f"tickets without inventory rows: {sold}"


def _typed(conn: sa.Connection, table: sa.Table, *where, order_by=()) -> list:
    """Rows read through the model's types: aware datetimes, decoded JSON."""
    return conn.execute(sa.select(table).where(*where).order_by(*order_by)).mappings().all()


def check_store_whole(engine: sa.Engine) -> int:
    """Assert every sale is whole and every counter agrees; returns the number of orders."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        orders = _rows(conn, "SELECT * FROM orders")
        tickets = _group(_rows(conn, "SELECT * FROM tickets ORDER BY position"), "order_id")
        payments = _group(_rows(conn, "SELECT * FROM payments"), "order_id")
        jobs = _group(_rows(conn, "SELECT kind, order_no FROM print_jobs"), "order_no")
        ev = TimelineEvent.__table__
        events = _group(_typed(conn, ev, order_by=(ev.c.order_id, ev.c.seq)), "order_id")
        ob = OutboxOp.__table__
        sales = {op["payload"]["order_id"]: op for op in _typed(conn, ob, ob.c.kind == "sale")}
        order_ids = {o["order_id"] for o in orders}
        assert set(sales) <= order_ids, "sale op without its order"
        assert set(payments) <= order_ids, "payment without its order"
        assert set(jobs) <= {o["order_no"] for o in orders}, "print job without its order"
        _check_orders(orders, tickets, payments, events, sales, jobs)
        _check_counters(conn, orders)
        _check_stock(conn)
    return len(orders)


REFUND_FIELDS = ("order_id", "refund_no", "ticket_ids", "amount_fen", "fee_fen",
                 "payment_fee_fen")


def _check_refund(r, order, tickets, ops, slips, events) -> None:
    """One succeeded window refund is whole: its op, its slip, its tickets, its events."""
    no = r["refund_no"]
    assert r["status"] == "succeeded" and r["method"] == "cash", f"{no}: {r['status']}"
    assert r["ticket_ids"] and len(set(r["ticket_ids"])) == len(r["ticket_ids"]), no
    mine = [tickets[t] for t in r["ticket_ids"]]
    assert all(t["order_id"] == r["order_id"] for t in mine), f"{no}: foreign ticket"
    assert all(t["status"] == "refunded" for t in mine), f"{no}: tickets not refunded"
    assert len(ops.get(r["refund_id"], [])) == 1, f"{no}: not one refund op in the outbox"
    op = ops[r["refund_id"]][0]
    assert op["payload_sha256"] == payload_digest(op["payload"]), f"{no}: op digest"
    assert {k: op["payload"][k] for k in REFUND_FIELDS} == {k: r[k] for k in REFUND_FIELDS}, \
        f"{no}: op says {op['payload']}"
    assert op["payload"]["order_no"] == order["order_no"], f"{no}: op order"
    assert len(slips.get(no, [])) == 1, f"{no}: not one refund slip print job"
    slip = slips[no][0]
    assert slip["order_no"] == order["order_no"], f"{no}: slip order"
    doc = slip["payload"]
    assert (doc["refund_fen"], doc["fee_fen"], doc["kick_drawer"]) == \
        (r["amount_fen"], r["fee_fen"], True), f"{no}: slip amounts"
    assert [line["code"] for line in doc["tickets"]] == [t["code"] for t in mine], no
    acts = Counter(e["action"] for e in events.get(no, []))
    assert acts == {"refund.requested": 1, "refund.succeeded": 1,
                    "ticket.refunded": len(mine)}, f"{no}: timeline {acts}"
    assert all(e["order_id"] == r["order_id"] for e in events[no]), f"{no}: event order"
    done = next(e["detail"] for e in events[no] if e["action"] == "refund.succeeded")
    assert (done["amount_fen"], done["ticket_ids"]) == (r["amount_fen"], r["ticket_ids"]), no
    back = stock_comes_back(order["visit_date"], r["updated_at"])
    assert done["stock_returned"] is back, f"{no}: stock_returned says {done}"
    assert sorted(e["detail"]["ticket_id"] for e in events[no]
                  if e["action"] == "ticket.refunded") == sorted(r["ticket_ids"]), no


def check_refunds_whole(engine: sa.Engine) -> int:
    """Assert every refund of a window's store (cash refunds at the window, succeeded) is
    whole: refund row ⇔ its `refund` op ⇔ its `refund_slip` job ⇔ its tickets `refunded` ⇔
    its timeline events ⇔ the order's `refunded_fen` and status; the stock is checked by
    `check_store_whole` (units back unless the visit date was past). Returns the refunds."""
    with engine.connect() as conn:
        orders = {o["order_id"]: o for o in _typed(conn, Order.__table__)}
        tickets = {t["ticket_id"]: t for t in _rows(conn, "SELECT * FROM tickets")}
        refunds = _typed(conn, Refund.__table__)
        ob, pj, ev = OutboxOp.__table__, PrintJobRow.__table__, TimelineEvent.__table__
        ops = _group([{**op, "refund_id": op["payload"]["refund_id"]}
                      for op in _typed(conn, ob, ob.c.kind == "refund")], "refund_id")
        slips = _group([{**j, "refund_no": j["payload"]["refund_no"]}
                        for j in _typed(conn, pj, pj.c.kind == "refund_slip")], "refund_no")
        events = _group([{**e, "refund_no": e["detail"]["refund_no"]} for e in _typed(
            conn, ev, ev.c.action.in_(("refund.requested", "refund.succeeded",
                                       "ticket.refunded")))], "refund_no")
    nos = {r["refund_no"] for r in refunds}
    assert set(ops) <= {r["refund_id"] for r in refunds}, "refund op without its refund"
    assert set(slips) <= nos, "refund slip without its refund"
    assert set(events) <= nos, "refund event without its refund"
    for r in refunds:
        _check_refund(r, orders[r["order_id"]], tickets, ops, slips, events)
    owner = Counter(t for r in refunds for t in r["ticket_ids"])
    assert max(owner.values(), default=1) == 1, "a ticket refunded twice"
    refunded = {i for i, t in tickets.items() if t["status"] == "refunded"}
    assert refunded == set(owner), "refunded tickets without a refund, or the reverse"
    assert all(t["status"] != "refunding" for t in tickets.values()), "a ticket left refunding"
    per_order = Counter()
    for r in refunds:
        per_order[r["order_id"]] += r["amount_fen"]
    by_order = _group(tickets.values(), "order_id")
    for oid, o in orders.items():
        assert o["refunded_fen"] == per_order[oid], f"{o['order_no']}: refunded_fen"
        states = [t["status"] for t in by_order.get(oid, [])]
        assert o["status"] == str(derive_status(o["payment_state"], o["cancelled"], states)), \
            f"{o['order_no']}: status {o['status']} for tickets {states}"
    return len(refunds)
