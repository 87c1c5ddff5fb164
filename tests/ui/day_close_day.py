"""A day for the 日结对账 tests and screenshots, made on the embedded store over HTTP (the
store's clock is fixed at 10:00 local, 2026-11-21): window 01 (clerk1) opens at 08:00 with a
¥500 float, sells 2 adults in cash (¥200), refunds one in cash (¥100) and closes with ¥200
counted — expected ¥600, a ¥400 shortfall; window 02 (clerk2) opens at 08:30 with ¥300 and
is still open; a mini-program order is paid by WeChat (¥200) and a Meituan order by the OTA
(¥100), neither in any settlement file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

SH = ZoneInfo("Asia/Shanghai")


def local(h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, 21, h, m, tzinfo=SH).astimezone(UTC)


@dataclass
class TestDay:
    cash: dict[str, Any]
    wechat: dict[str, Any]
    ota: dict[str, Any]
    window_01: str  # shift ids
    window_02: str


def _push(store: Any, n: int, ops: list[tuple[str, dict[str, Any], datetime]]) -> None:
    device = f"window-0{n}"
    body = {"device_id": device, "ops": [
        {"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind, "device_time": at.isoformat(),
         "payload": payload} for seq, (kind, payload, at) in enumerate(ops, start=_seq(n))]}
    r = requests.post(store.base + "/sync/push", json=body, timeout=20,
                      headers=store.login(f"clerk{n}", device))
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(ops), r.text


_SEQS: dict[int, int] = {}


def _seq(n: int) -> int:
    _SEQS[n] = _SEQS.get(n, 0) + 10
    return _SEQS[n]


def _opened(n: int, sid: str, float_fen: int, at: datetime) -> dict[str, Any]:
    return {"shift_id": sid, "terminal": f"0{n}", "clerk": f"clerk{n}",
            "opening_float_fen": float_fen, "opened_at": at.isoformat()}


def z_report(sid: str, closed: datetime) -> dict[str, Any]:
    """Window 01's Z report as the window pushes it (a ShiftReportDoc)."""
    return {"venue_name": "门票景区", "shift_id": sid, "terminal": "01", "clerk": "clerk1",
            "opened_at": "2026-11-21 08:00:00",
            "closed_at": closed.astimezone(SH).strftime("%Y-%m-%d %H:%M:%S"),
            "float_fen": 50_000, "cash_sales_count": 1, "cash_sales_fen": 20_000,
            "noncash_sales": [], "refunds_count": 1, "refunds_fen": 10_000, "cash_in_fen": 0,
            "cash_out_fen": 0, "movements": [], "expected_fen": 60_000,
            "counted": [{"denomination_fen": 10_000, "count": 2}], "counted_fen": 20_000,
            "variance_fen": -40_000,
            "printed_at": closed.astimezone(SH).strftime("%Y-%m-%d %H:%M:%S")}


def _sell_cash(store: Any, qty: int) -> dict[str, Any]:
    visit = store.now.date() + timedelta(days=10)  # refunded free of any fee
    body = {"channel": "window", "visit_date": visit.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "payment": {"method": "cash", "amount_fen": 10_000 * qty}}
    r = requests.post(store.base + "/orders", json=body, timeout=20,
                      headers=store.login("clerk1", "window-01")
                      | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _refund_cash(store: Any, order: dict[str, Any]) -> None:
    body = {"ticket_ids": [order["tickets"][0]["ticket_id"]], "method": "cash",
            "reason": "游客行程变更"}
    r = requests.post(store.base + f"/orders/{order['order_no']}/refunds", json=body,
                      timeout=20, headers=store.login("clerk1", "window-01")
                      | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text


def build_day(store: Any) -> TestDay:
    s1, s2 = str(uuid.uuid4()), str(uuid.uuid4())
    _push(store, 1, [("shift_open", _opened(1, s1, 50_000, local(8)), local(8))])
    _push(store, 2, [("shift_open", _opened(2, s2, 30_000, local(8, 30)), local(8, 30))])
    cash = _sell_cash(store, 2)
    _refund_cash(store, cash)
    closed = store.now
    _push(store, 1, [("shift_close", _opened(1, s1, 50_000, local(8)) | {
        "closed_at": closed.isoformat(), "cash_expected_fen": 60_000,
        "cash_counted_fen": 20_000, "variance_fen": -40_000,
        "report": z_report(s1, closed)}, closed)])
    wechat = store.channel_order(adults=2, paid=True, channel="miniprogram")
    ota = store.channel_order(adults=1, paid=True, channel="ota_meituan", phone="13700001111")
    return TestDay(cash, wechat, ota, s1, s2)


def close_window_02(store: Any, sid: str) -> None:
    """Window 02 closes even (¥300 counted) — pushed after the day was closed."""
    at = store.now
    _push(store, 2, [("shift_close", _opened(2, sid, 30_000, local(8, 30)) | {
        "closed_at": at.isoformat(), "cash_expected_fen": 30_000, "cash_counted_fen": 30_000,
        "variance_fen": 0, "report": {
            "shift_id": sid, "terminal": "02", "clerk": "clerk2", "float_fen": 30_000,
            "cash_sales_fen": 0, "refunds_fen": 0, "cash_in_fen": 0, "cash_out_fen": 0,
            "expected_fen": 30_000, "counted_fen": 30_000, "variance_fen": 0}}, at)])
