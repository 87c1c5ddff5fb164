"""Excel exports (DESIGN.md §15) over real HTTP on SQLite and PostgreSQL, read back with
openpyxl: `GET /orders/export` (every matching order over many search pages, masked, the
filters of `GET /orders`), `GET /reports/day-close/export` (the figures of
`GET /reports/day-close`), who may export, and the admin log of exports."""

import io
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error
from openpyxl import load_workbook

from app.domain.ids import channel_order_no, new_id, new_ticket_code
from app.services.shifts import shifts
from app.store.models import Order, Payment, Ticket

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: seed_orders
from seed_orders import channel_order, sell  # noqa: E402

HEADERS = ["订单号", "渠道", "状态", "下单时间", "游玩日期", "票种明细", "张数", "金额(元)",
           "支付方式", "客户", "手机", "窗口", "售票员"]


def get(live, path: str, who: str, **params) -> requests.Response:
    return requests.get(live.url(path), params=params, timeout=60,
                        headers=live.login(who, terminal=None))


def rows_of(r: requests.Response, sheet: str | None = None) -> list[tuple]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert int(r.headers["content-length"]) == len(r.content)
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    width = len(rows[0])  # read-only sheets drop trailing empty cells
    return [row + (None,) * (width - len(row)) for row in rows]


def a_few_orders(live) -> dict:
    now, visit = live.clock(), live.clock().date() + timedelta(days=3)
    window = sell(live.db, now, live.venue, ("ADULT", 2), ("CHILD", 1))
    ctrip = channel_order(live.db, "ota_ctrip", "C100", created_at=now - timedelta(minutes=5),
                          visit_date=visit, lines=(("ADULT", 1),), name="张三",
                          phone="13812345678")
    mini = channel_order(live.db, "miniprogram", "M200", created_at=now - timedelta(hours=1),
                         visit_date=visit, name="欧阳娜娜", phone="13900001111",
                         anomaly="duplicate_payment")
    return {"window": window.order_no, "ctrip": ctrip["order_no"], "mini": mini["order_no"]}


def test_orders_export_is_every_matching_order_masked(live):
    made = a_few_orders(live)
    rows = rows_of(get(live, "/orders/export", "supervisor"))
    assert list(rows[0]) == HEADERS
    by_no = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert set(by_no) == set(made.values())
    ctrip = by_no[made["ctrip"]]
    assert (ctrip["渠道"], ctrip["状态"], ctrip["客户"], ctrip["手机"]) == (
        "携程", "已支付未核销", "张*", "138****5678")
    assert ctrip["金额(元)"] == 100.0 and ctrip["张数"] == 1 and ctrip["支付方式"] == "OTA"
    local = live.venue.local(live.clock() - timedelta(minutes=5)).replace(tzinfo=None)
    assert ctrip["下单时间"] == local.replace(microsecond=0)  # 09:55, venue time
    assert ctrip["游玩日期"].date() == live.clock().date() + timedelta(days=3)
    window = by_no[made["window"]]
    assert window["票种明细"] == "成人票×2，儿童票×1" and window["张数"] == 3
    assert (window["金额(元)"], window["支付方式"], window["窗口"], window["售票员"]) == (
        250.0, "现金", "01", "clerk1")
    mini = by_no[made["mini"]]
    assert (mini["状态"], mini["客户"], mini["手机"]) == ("异常订单", "欧***", "139****1111")
    cells = " ".join(str(c) for r in rows for c in r)
    assert "13812345678" not in cells and "张三" not in cells and "欧阳娜娜" not in cells


def test_orders_export_takes_the_filters_of_the_search(live):
    made = a_few_orders(live)
    for params, expected in (({"channel": "ota_ctrip"}, {made["ctrip"]}),
                             ({"status": "anomaly"}, {made["mini"]}),
                             ({"q": "1111"}, {made["mini"]}),
                             ({"ticket_type": "CHILD"}, {made["window"]})):
        searched = get(live, "/orders", "finance", **params).json()["orders"]
        exported = rows_of(get(live, "/orders/export", "finance", **params))[1:]
        assert {r[0] for r in exported} == {o["order_no"] for o in searched} == expected
    assert_error(get(live, "/orders/export", "admin", channel="telegram"), 422,
                 "validation_error")
    assert_error(get(live, "/orders/export", "admin", created_from="yesterday"), 422,
                 "validation_error")


def many_orders(live, n: int) -> None:
    """`n` paid mini-program orders, one a second back from now, written in bulk."""
    now, visit = live.clock(), live.clock().date() + timedelta(days=1)
    orders, tickets, payments = [], [], []
    for i in range(n):
        oid, no, at = new_id(), channel_order_no("miniprogram", f"B{i:05d}"), now - timedelta(
            seconds=i + 1)
        orders.append({"order_id": oid, "order_no": no, "channel": "miniprogram",
                       "external_id": f"B{i:05d}", "visit_date": visit, "status": "paid",
                       "payment_state": "paid", "cancelled": False, "total_fen": 10000,
                       "paid_fen": 10000, "refunded_fen": 0, "customer_name": "王五",
                       "customer_phone": f"1370000{i:04d}", "created_at": at,
                       "updated_at": at})
        tickets.append({"ticket_id": new_id(), "order_id": oid, "position": 1,
                        "code": new_ticket_code(), "ticket_type": "ADULT", "sold_as": "ADULT",
                        "name": "成人票", "kind": "regular", "price_fen": 10000,
                        "list_price_fen": 10000, "status": "valid", "uses_total": 1,
                        "uses_left": 1, "updated_at": at})
        payments.append({"payment_id": new_id(), "payment_no": f"{no}-P1", "order_id": oid,
                         "method": "wechat", "amount_fen": 10000, "tendered_fen": 10000,
                         "change_fen": 0, "status": "succeeded", "provider": "wechat",
                         "at": at})
    with live.db.session() as s, s.begin():
        s.execute(sa.insert(Order), orders)
        s.execute(sa.insert(Ticket), tickets)
        s.execute(sa.insert(Payment), payments)


def test_orders_export_walks_every_search_page(live):
    many_orders(live, 1200)  # the search answers at most 500 a page
    r = get(live, "/orders/export", "admin")
    rows = rows_of(r)[1:]
    assert r.headers["x-rows"] == "1200" and len(rows) == 1200
    assert len({row[0] for row in rows}) == 1200
    assert [row[0] for row in rows[:2]] == ["MP-B00000", "MP-B00001"]  # newest first
    assert rows[-1][0] == "MP-B01199" and rows[-1][10] == "137****1199"
    assert sum(Decimal(str(row[7])) for row in rows) == Decimal("120000")


@pytest.mark.parametrize("who", ["clerk1", "gate1"])
def test_clerks_and_gates_may_not_export(live, who):
    a_few_orders(live)
    headers = live.login(who)
    for path in ("/orders/export", "/reports/day-close/export"):
        r = requests.get(live.url(path), headers=headers, timeout=30)
        assert_error(r, 403, "forbidden")
    assert_error(requests.get(live.url("/orders/export"), timeout=30), 401, "unauthorized")


def test_a_supervisor_exports_orders_but_not_the_day_close(live):
    assert rows_of(get(live, "/orders/export", "supervisor"))[0][0] == "订单号"
    assert_error(get(live, "/reports/day-close/export", "supervisor"), 403, "forbidden")


def a_day(live) -> None:
    """Window 01 on shift (¥500 float) sells cash; a WeChat and an OTA order are paid."""
    now = live.clock()
    with live.db.session() as s:
        shifts.open_shift(s, terminal="01", clerk="clerk1", float_fen=50_000,
                          now=now - timedelta(hours=1))
    sell(live.db, now, live.venue, ("ADULT", 2))
    channel_order(live.db, "miniprogram", "M300", created_at=now - timedelta(minutes=30),
                  visit_date=now.date(), name="李四", phone="13700002222")
    channel_order(live.db, "ota_meituan", "T400", created_at=now - timedelta(minutes=20),
                  visit_date=now.date(), lines=(("ADULT", 3),))


def fen(value) -> int | None:
    return None if value is None else int(Decimal(str(value)) * 100)


def test_the_day_close_workbook_has_the_figures_of_the_report(live):
    a_day(live)
    day = live.clock().date().isoformat()
    report = get(live, "/reports/day-close", "finance", date=day).json()
    r = get(live, "/reports/day-close/export", "finance", date=day)
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["窗口班次", "支付方式", "渠道", "合计", "差异"]
    shift_rows = list(wb["窗口班次"].iter_rows(min_row=2, values_only=True))
    (shift,) = report["windows"][0]["shifts"]
    assert [(row[0], row[1], fen(row[5]), fen(row[9]), row[10]) for row in shift_rows] == [
        ("01", "clerk1", shift["cash_sales_fen"], shift["expected_fen"], None)]
    assert fen(shift_rows[0][9]) == 50_000 + 20_000
    methods = {row[0]: tuple(fen(v) for v in row[1:])
               for row in wb["支付方式"].iter_rows(min_row=2, values_only=True)}
    assert methods["现金"] == (20_000, 0, 20_000) and methods["微信支付"] == (10_000, 0, 10_000)
    assert methods["OTA"] == (30_000, 0, 30_000) and len(methods) == len(report["methods"])
    channels = {row[0]: (row[1], fen(row[4]))
                for row in wb["渠道"].iter_rows(min_row=2, values_only=True)}
    for c, label in (("window", "窗口"), ("miniprogram", "小程序"), ("ota_meituan", "美团")):
        (want,) = [x for x in report["channels"] if x["channel"] == c]
        assert channels[label] == (want["orders"], want["net_fen"])
    totals = dict(wb["合计"].iter_rows(min_row=2, values_only=True))
    assert fen(totals["净收入(元)"]) == report["totals"]["net_fen"] == 60_000
    assert fen(totals["应有现金(元)"]) == report["totals"]["cash_expected_fen"]
    assert totals["日结人"] == "未日结"
    found = list(wb["差异"].iter_rows(min_row=2, values_only=True))
    assert len(found) == len(report["discrepancies"]) >= 3  # WeChat, OTA unsettled; shift open
    assert {row[0] for row in found} >= {"支付未结算", "OTA 未结算", "班次未交班"}
    assert r.headers["x-rows"] == str(1 + 5 + 6 + 9 + len(found))


def test_a_closed_days_workbook_says_who_closed_it_and_lists_late_entries(live):
    a_day(live)
    day = live.clock().date().isoformat()
    closed = requests.post(live.url(f"/reports/day-close/{day}"), timeout=30,
                           headers=live.login("finance", terminal=None))
    assert closed.status_code == 200, closed.text
    live.clock.at += timedelta(hours=1)
    channel_order(live.db, "website", "W500", created_at=live.clock(),
                  visit_date=live.clock().date())  # money of the closed day, afterwards
    report = get(live, "/reports/day-close", "admin", date=day).json()
    wb = load_workbook(io.BytesIO(get(live, "/reports/day-close/export", "admin",
                                      date=day).content))
    assert wb.sheetnames[-1] == "日结后补录"
    totals = dict(wb["合计"].iter_rows(min_row=2, values_only=True))
    assert totals["日结人"] == "finance" and fen(totals["净收入(元)"]) == 60_000
    late = list(wb["日结后补录"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], fen(r[5])) for r in late[:-1]] == [
        ("收款", e["order_no"], e["amount_fen"]) for e in report["late_entries"]]
    assert late[-1][0] == "合计" and fen(late[-1][5]) == report["late_totals"]["net_fen"] == 10_000


def test_exports_are_in_the_admin_log_without_personal_data(live):
    a_few_orders(live)
    get(live, "/orders/export", "supervisor", channel="miniprogram", q="13900001111")
    get(live, "/reports/day-close/export", "finance", date="2026-11-20")
    get(live, "/orders/export", "admin", channel="nope")  # refused: not an export
    r = get(live, "/admin/changes", "admin", entity="export")
    changes = r.json()["changes"]
    assert [(c["actor"], c["key"], c["action"]) for c in changes] == [
        ("finance", "day_close", "export"), ("supervisor", "orders", "export")]
    day_close, orders = changes
    assert day_close["after"] == {"filters": {"date": "2026-11-20"}, "rows": 20,
                                  "file": "日结对账-20261120.xlsx"}
    assert orders["after"]["filters"] == {"channel": "miniprogram", "q": "(已隐去)"}
    assert orders["after"]["rows"] == 1 and orders["after"]["file"].startswith("订单导出-2026")
    assert "13900001111" not in r.text and "欧阳" not in r.text
