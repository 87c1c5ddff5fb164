"""What a window's cash refund writes, read back from the database on both engines: the order
row's status, money, version and timeline head (`last_hash`, `event_count`) agree with its tickets
and its chain; the feed carries the order's and the stock row's final state (the order's entry,
handed over by the refund without a read-back, is what reading the order gives); refunds are
numbered R1, R2 … even when two of one order race (the order row lock, PostgreSQL's READ
COMMITTED: the second reads what the first committed)."""

import threading
import uuid
from datetime import timedelta

import requests
import sqlalchemy as sa

from app.domain.lifecycle import derive_status
from app.domain.timeline import verify_chain
from app.services.journal import orders, timeline
from app.store.models import ChangeLog, Inventory, Order, Ticket, TimelineEvent

_o, _t, _ev = Order.__table__, Ticket.__table__, TimelineEvent.__table__
_log, _inv = ChangeLog.__table__, Inventory.__table__


def _sell(live, n):
    day = live.venue.local_date(live.clock()) + timedelta(days=5)
    r = requests.post(live.url("/orders"), json={
        "channel": "window", "visit_date": day.isoformat(),
        "lines": [{"ticket_type": "ADULT", "qty": n}],
        "payment": {"method": "cash", "amount_fen": 10000 * n}}, timeout=20,
        headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _refund(live, order, ids, headers):
    return requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json={
        "ticket_ids": ids, "method": "cash", "reason": "行程变更"}, timeout=30,
        headers=headers | {"Idempotency-Key": str(uuid.uuid4())})


def _last_change(conn, entity, entity_id):
    return conn.execute(sa.select(_log).where(_log.c.entity == entity,
                                              _log.c.entity_id == entity_id)
                        .order_by(_log.c.seq.desc()).limit(1)).one()


def _check_written(live, order, refunded_fen):
    with live.db.engine.connect() as conn:
        row = conn.execute(sa.select(_o).where(_o.c.order_no == order["order_no"])).one()
        states = conn.execute(sa.select(_t.c.status).where(_t.c.order_id == row.order_id)
                              ).scalars().all()
        events = [timeline.as_event(e) for e in conn.execute(
            sa.select(_ev).where(_ev.c.order_id == row.order_id).order_by(_ev.c.seq))]
        fed = _last_change(conn, "order", row.order_id)
        stock = conn.execute(sa.select(_inv).where(_inv.c.ticket_type == "ADULT",
                                                   _inv.c.visit_date == row.visit_date)).one()
        fed_stock = _last_change(conn, "inventory", f"ADULT:{row.visit_date.isoformat()}")
    assert row.refunded_fen == refunded_fen
    assert row.status == derive_status(row.payment_state, row.cancelled, states)
    assert verify_chain(events)
    assert (row.event_count, row.last_hash) == (events[-1].seq, events[-1].hash)
    assert (fed.version, fed.data["version"]) == (row.version, row.version)
    assert (fed.data["status"], fed.data["refunded_fen"]) == (row.status, refunded_fen)
    assert sorted(t["status"] for t in fed.data["tickets"]) == sorted(states)
    assert fed.data == orders.get_order(live.db.session(), order["order_no"])
    assert (fed_stock.version, fed_stock.data["sold"]) == (stock.version, stock.sold)
    return events


def test_refunds_of_one_order_write_its_row_head_and_feed(live):
    order = _sell(live, 3)
    ids = [t["ticket_id"] for t in order["tickets"]]
    clerk = live.login("clerk1")
    first = _refund(live, order, ids[:1], clerk)
    assert first.status_code == 201, first.text
    events = _check_written(live, order, 10000)
    assert [e.action for e in events[-3:]] == ["refund.requested", "refund.succeeded",
                                                "ticket.refunded"]
    second = _refund(live, order, ids[1:], clerk)
    assert second.status_code == 201, second.text
    assert [first.json()["refund_no"], second.json()["refund_no"]] == [
        f"{order['order_no']}-R1", f"{order['order_no']}-R2"]
    events = _check_written(live, order, 30000)
    assert [e.action for e in events[-4:]] == ["refund.requested", "refund.succeeded",
                                                "ticket.refunded", "ticket.refunded"]


def test_a_full_refund_feeds_the_order_as_read(live):
    order = _sell(live, 2)
    r = _refund(live, order, [t["ticket_id"] for t in order["tickets"]], live.login("clerk1"))
    assert r.status_code == 201, r.text
    _check_written(live, order, 20000)


def test_a_refund_awaiting_approval_feeds_the_order_as_read(live):
    order = _sell(live, 60)  # ¥6,000: supervisor and finance must approve
    r = _refund(live, order, [t["ticket_id"] for t in order["tickets"]], live.login("clerk1"))
    assert r.status_code == 201 and r.json()["status"] == "awaiting_approval", r.text
    _check_written(live, order, 0)


def test_two_refunds_of_one_order_at_once(live):
    order = _sell(live, 2)
    ids = [t["ticket_id"] for t in order["tickets"]]
    clerk = live.login("clerk1")
    barrier, answers = threading.Barrier(2), {}

    def refund(i):
        barrier.wait()
        answers[i] = _refund(live, order, ids[i:i + 1], clerk)

    threads = [threading.Thread(target=refund, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r.status_code == 201 for r in answers.values()), [r.text for r in
                                                                answers.values()]
    assert sorted(r.json()["refund_no"] for r in answers.values()) == [
        f"{order['order_no']}-R1", f"{order['order_no']}-R2"]
    events = _check_written(live, order, 20000)
    assert [e.action for e in events].count("refund.succeeded") == 2


def test_one_key_sent_twice_at_once_makes_one_refund(live):
    order = _sell(live, 2)
    ids = [t["ticket_id"] for t in order["tickets"]][:1]
    headers = live.login("clerk1") | {"Idempotency-Key": "twin-1"}
    barrier, answers = threading.Barrier(2), []

    def refund():
        barrier.wait()
        answers.append(requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json={
            "ticket_ids": ids, "method": "cash", "reason": "行程变更"}, timeout=30,
            headers=headers))

    threads = [threading.Thread(target=refund) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [r.status_code for r in answers] == [201, 201], [r.text for r in answers]
    assert answers[0].json() == answers[1].json()
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in answers) == ["", "true"]
    _check_written(live, order, 10000)
