"""`sell`: one transaction that writes a whole sale, or refuses and writes nothing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import sell, snapshot, tomorrow
from store_checks import check_store_whole

from app.domain.errors import Conflict, SoldOut, ValidationError
from app.services.journal import orders
from app.services.journal.outbox import payload_digest
from app.services.stock import catalog
from app.store.models import Inventory, OutboxOp, PrintJobRow, Ticket


def _stock(db, code, day):
    with db.session() as s:
        row = s.execute(sa.select(Inventory).where(
            Inventory.ticket_type == code, Inventory.visit_date == day)).scalar_one_or_none()
        return (row.sold, row.held, row.capacity) if row else None


def test_a_sale_writes_every_row_in_one_transaction(db, now, venue):
    result = sell(db, now, venue, ("ADULT", 2), ("FAMILY", 1), tendered=40000)
    assert result.order_no == "W01-20261121-0001"
    assert (result.total_fen, result.tendered_fen, result.change_fen) == (33000, 40000, 7000)
    assert [t.name for t in result.tickets] == ["成人票", "成人票", "亲子套票·成人票",
                                                "亲子套票·儿童票"]
    order = orders.get_order(db.session(), result.order_no)
    assert order["status"] == "paid" and order["display_status"] == "paid"
    assert order["paid_fen"] == order["total_fen"] == 33000
    assert [t["code"] for t in order["tickets"]] == [t.code for t in result.tickets]
    assert order["payments"][0]["method"] == "cash"
    events, verified = orders.timeline(db.session(), result.order_no)
    assert verified and [e["action"] for e in events] == ["order.created", "payment.succeeded"]
    assert events[0]["actor"] == "user:clerk1" and events[0]["source"] == "window"
    day = venue.local_date(now)
    assert _stock(db, "ADULT", day)[0] == 3 and _stock(db, "CHILD", day)[0] == 1
    assert _stock(db, "FAMILY", day) is None  # packages draw on their components
    assert check_store_whole(db.engine) == 1


def test_the_sale_op_and_print_jobs(db, now, venue):
    result = sell(db, now, venue, ("ADULT", 2), tendered=20000)
    with db.session() as s:
        op = s.execute(sa.select(OutboxOp)).scalar_one()
        jobs = s.execute(sa.select(PrintJobRow).order_by(PrintJobRow.created_at)).scalars().all()
    p = op.payload
    assert (op.kind, op.seq, op.state) == ("sale", 1, "pending")
    assert op.payload_sha256 == payload_digest(p)
    assert (p["order_id"], p["order_no"], p["channel"]) == (
        result.order_id, result.order_no, "window")
    assert p["lines"] == [{"ticket_type": "ADULT", "qty": 2}] and p["lease_id"] is None
    assert p["payment"] == {"method": "cash", "amount_fen": 20000, "tendered_fen": 20000}
    assert [t["code"] for t in p["tickets"]] == [t.code for t in result.tickets]
    by_id = {j.id: j for j in jobs}
    assert [by_id[i].kind for i in result.print_job_ids] == ["ticket", "ticket", "receipt"]
    ticket = by_id[result.print_job_ids[0]].payload
    assert ticket["code"] == result.tickets[0].code and ticket["reprint_no"] == 0
    assert ticket["ticket_type_name"] == "成人票" and ticket["visit_date"] == "2026-11-21"
    receipt = by_id[result.print_job_ids[2]].payload
    assert receipt["kick_drawer"] is True and receipt["change_fen"] == 0
    assert receipt["lines"] == [{"name": "成人票", "qty": 2, "unit_fen": 10000,
                                 "amount_fen": 20000}]
    assert all(j.status == "pending" and j.order_no == result.order_no for j in jobs)


def test_sold_out_refuses_and_writes_nothing(db, now, venue):
    day = venue.local_date(now)
    catalog.set_capacity(db.session(), "ADULT", day, 3, now=now)
    before = snapshot(db)
    with pytest.raises(SoldOut) as err:
        sell(db, now, venue, ("CHILD", 1), ("ADULT", 4))
    assert err.value.message == "成人票余票不足，仅剩 3 张"
    with pytest.raises(SoldOut, match="成人票余票不足，仅剩 3 张"):
        sell(db, now, venue, ("FAMILY", 4))  # the package's adult component is short
    assert snapshot(db) == before
    sell(db, now, venue, ("ADULT", 3))
    with pytest.raises(SoldOut, match="成人票已售罄"):
        sell(db, now, venue, ("ADULT", 1))
    with pytest.raises(SoldOut, match="未开放售票"):
        sell(db, now, venue, ("ADULT", 1), visit_date=day + timedelta(days=60))


def test_bad_requests_are_refused_in_chinese_and_write_nothing(db, now, venue):
    day = venue.local_date(now)
    cases = [
        (dict(lines=[("ADULT", 2)], tendered=15000), "实收金额不足，还差 ¥50.00"),
        (dict(lines=[("ADULT", 1)], visit_date=day - timedelta(days=1)), "已过，不能售票"),
        (dict(lines=[("ADULT", 0)]), "数量必须是正整数"),
        (dict(lines=[("ADULT", -3)]), "数量必须是正整数"),
        (dict(lines=[("ADULT", 10**9)]), "一次最多售 200 张"),
        (dict(lines=[("ADULT", 150), ("CHILD", 150)]), "一次最多售 200 张"),
        (dict(lines=[("DRAGON", 1)]), "没有这种票：DRAGON"),
        (dict(lines=[("GROUP", 3)]), "团队票至少 10 人"),
        (dict(lines=[]), "请至少选择一种票"),
        (dict(lines=[("ADULT", 1)], tendered=-1), "实收金额不正确"),
        (dict(lines=[("ADULT", 1)], tendered=10**15), "实收金额不正确"),
        (dict(lines=[("ADULT", 1)], method="bitcoin"), "不支持的支付方式"),
        (dict(lines=[("ADULT", 1)], terminal="窗口一"), "终端编号不正确"),
    ]
    before = snapshot(db)
    for kw, message in cases:
        lines = kw.pop("lines")
        with pytest.raises(ValidationError) as err:
            sell(db, now, venue, *lines, **kw)
        assert message in err.value.message, (lines, kw, err.value.message)
    closed = venue.closing_at(day) + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="今日已闭园"):
        sell(db, closed, venue, ("ADULT", 1), visit_date=day)
    assert snapshot(db) == before


def test_package_price_is_split_and_stock_taken_from_components(db, now, venue):
    day = tomorrow(now, venue)
    result = sell(db, now, venue, ("FAMILY", 2), visit_date=day)
    assert [(t.ticket_type, t.price_fen) for t in result.tickets] == [
        ("ADULT", 8667), ("CHILD", 4333), ("ADULT", 8667), ("CHILD", 4333)]
    assert result.total_fen == 26000
    with db.session() as s:
        rows = s.execute(sa.select(Ticket).order_by(Ticket.position)).scalars().all()
    # face price of a component (DESIGN §5): its share of the package's list price
    assert {(t.sold_as, t.list_price_fen) for t in rows} == {("FAMILY", 8667),
                                                            ("FAMILY", 4333)}
    assert _stock(db, "ADULT", day)[0] == 2 and _stock(db, "CHILD", day)[0] == 2
    catalog.set_capacity(db.session(), "CHILD", day, 5, now=now)
    left = catalog.availability(db.session(), day)
    assert (left["ADULT"], left["CHILD"], left["FAMILY"]) == (998, 3, 3)


def test_order_numbers_count_per_terminal_and_local_day(sqlite_db, now, venue):
    nos = [sell(sqlite_db, now, venue, ("ADULT", 1), terminal=t).order_no
           for t in ("01", "01", "02", "01")]
    assert nos == ["W01-20261121-0001", "W01-20261121-0002", "W02-20261121-0001",
                   "W01-20261121-0003"]
    after_midnight = now.replace(hour=16, minute=30)  # 00:30 on the 22nd in Shanghai
    assert sell(sqlite_db, after_midnight, venue, ("ADULT", 1)).order_no == \
        "W01-20261122-0001"
    assert check_store_whole(sqlite_db.engine) == 5


def test_non_cash_sale_takes_the_total_and_keeps_the_drawer_shut(sqlite_db, now, venue):
    result = sell(sqlite_db, now, venue, ("SPECIAL", 1), method="wechat", tendered=0)
    assert (result.total_fen, result.tendered_fen, result.change_fen) == (6000, 6000, 0)
    with sqlite_db.session() as s:
        receipt = s.get(PrintJobRow, result.print_job_ids[-1]).payload
    assert receipt["kick_drawer"] is False and receipt["payment_method"] == "wechat"


def test_a_client_made_order_id_is_kept_and_never_reused(sqlite_db, now, venue):
    oid = "5b0f2c1e-0000-4000-8000-000000000001"
    assert sell(sqlite_db, now, venue, ("ADULT", 1), order_id=oid).order_id == oid
    before = snapshot(sqlite_db)
    with pytest.raises(Conflict):
        sell(sqlite_db, now, venue, ("ADULT", 1), order_id=oid)
    assert snapshot(sqlite_db) == before


def test_capacity_never_drops_below_what_is_sold(sqlite_db, now, venue):
    day = venue.local_date(now)
    sell(sqlite_db, now, venue, ("ADULT", 4))
    with pytest.raises(ValidationError, match="容量不能小于已售加预留"):
        catalog.set_capacity(sqlite_db.session(), "ADULT", day, 3, now=now)
    with pytest.raises(ValidationError, match="套票"):
        catalog.set_capacity(sqlite_db.session(), "FAMILY", day, 10, now=now)
    item = catalog.set_capacity(sqlite_db.session(), "ADULT", day, 4, now=now)
    assert (item.capacity, item.sold, item.available) == (4, 4, 0)


def test_passes_and_groups(sqlite_db, now, venue):
    sale = sell(sqlite_db, now, venue, ("ANNUAL", 1), ("GROUP", 10))
    assert sale.total_fen == 50000 + 10 * 8000 and len(sale.tickets) == 11
    ticket = orders.get_order(sqlite_db.session(), sale.order_no)["tickets"][0]
    assert (ticket["ticket_type"], ticket["uses_total"], ticket["uses_left"]) == ("ANNUAL", 12, 12)
    with sqlite_db.session() as s:
        doc = s.get(PrintJobRow, sale.print_job_ids[0]).payload
    assert doc["uses_total"] == 12 and doc["ticket_type_name"] == "年卡"
