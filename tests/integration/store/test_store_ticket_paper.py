"""The tickets a sale queues and a reprint queues again (issue 12): a family package's tickets
carry the package and its price per set — the bytes sent to the printer hold no allocated
share — and every ticket its place in the order, first print and reprint alike."""

import sqlalchemy as sa
from conftest import sell

from app.services.prints import reprint
from app.store.models import PrintJobRow
from printing.layouts import render_job
from printing.profile import PrinterProfile


def _ticket_jobs(db, ids=None):
    with db.session() as s:
        query = sa.select(PrintJobRow).where(PrintJobRow.kind == "ticket")
        if ids is not None:
            query = query.where(PrintJobRow.id.in_(ids))
        rows = s.execute(query).scalars().all()
        return sorted((r.payload for r in rows), key=lambda p: p["number"])


def test_a_family_package_prints_its_set_price_and_each_ticket_its_place(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1), ("FAMILY", 2), tendered=40000)
    jobs = _ticket_jobs(db)
    assert [(j["number"], j["count"]) for j in jobs] == [(i, 5) for i in range(1, 6)]
    assert [j["code"] for j in jobs] == [t.code for t in sale.tickets]
    assert jobs[0]["package_name"] == ""  # the adult ticket bought on its own
    family = jobs[1:]
    assert {(j["package_name"], j["package_price_fen"], j["package_size"]) for j in family} == {
        ("亲子套票", 13000, 2)}
    assert [j["ticket_type_name"] for j in family] == ["亲子套票·成人票", "亲子套票·儿童票"] * 2
    for job in family:  # what reaches the printer
        data = render_job("ticket", job, PrinterProfile())
        assert b"86.67" not in data and b"43.33" not in data
        assert b"130.00/" in data


def test_a_reprint_keeps_the_place_and_the_set_price(db, now, venue):
    sale = sell(db, now, venue, ("FAMILY", 1), ("CHILD", 1), tendered=40000)
    child_alone = sale.tickets[2].ticket_id
    again = reprint.reprint(db.session(), sale.order_no, ticket_ids=[
        sale.tickets[1].ticket_id, child_alone], actor="clerk1", now=now)
    jobs = _ticket_jobs(db, again.print_job_ids)
    assert [(j["number"], j["count"], j["reprint_no"]) for j in jobs] == [(2, 3, 1), (3, 3, 1)]
    assert (jobs[0]["package_name"], jobs[0]["package_price_fen"]) == ("亲子套票", 13000)
    assert jobs[1]["package_name"] == "" and jobs[1]["price_fen"] == 5000


def test_a_reprint_of_a_ticket_queued_before_places_existed_gains_them(db, now, venue):
    """A sale made by an older version queued tickets without place or package: reprinted,
    they print both (from the order's rows: the price its visitor paid per set)."""
    sale = sell(db, now, venue, ("FAMILY", 2), tendered=40000)
    with db.session() as s, s.begin():
        for row in s.execute(sa.select(PrintJobRow)
                             .where(PrintJobRow.kind == "ticket")).scalars():
            row.payload = {k: v for k, v in row.payload.items()
                           if k not in ("number", "count", "package_name",
                                        "package_price_fen", "package_size")}
        s.execute(sa.text("UPDATE ticket_types SET price_fen = 15000 WHERE code = 'FAMILY'"))
    again = reprint.reprint(db.session(), sale.order_no, actor="clerk1", now=now)
    jobs = _ticket_jobs(db, again.print_job_ids)
    assert [(j["number"], j["count"]) for j in jobs] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert {j["package_price_fen"] for j in jobs} == {13000}  # paid, not today's list price
