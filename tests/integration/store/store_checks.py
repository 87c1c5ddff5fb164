"""Whole-store consistency checks shared by the crash, concurrency and sale tests: every order
is a whole sale (or absent), and the counters and inventory agree with the rows."""

from collections import Counter, defaultdict

import sqlalchemy as sa

from app.domain.timeline import Event, verify_chain
from app.services.outbox import payload_digest
from app.store.models import OutboxOp, TimelineEvent


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


def _check_stock(conn: sa.Connection) -> None:
    sold = Counter((r["ticket_type"], str(r["visit_date"])) for r in _rows(
        conn, "SELECT t.ticket_type, o.visit_date FROM tickets t "
              "JOIN orders o ON o.order_id = t.order_id"))
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
