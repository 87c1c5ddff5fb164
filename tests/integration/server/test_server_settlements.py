"""`POST /reports/settlements` over real HTTP on SQLite and PostgreSQL (docs/settlements.md):
the documented example imports, a bad file is refused whole with a §8 error in Chinese that
names the line (nothing stored), a file sent twice changes nothing, and a second line settling
money another line settled already is a `settlement_duplicate` on the day close."""

from pathlib import Path

import pytest
import requests
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

HEADER = "order_no,txn_id,amount_fen,fee_fen,date\n"
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "settlements-example.csv"


@pytest.fixture(autouse=True)
def _webhook_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def send(live, text: str, source: str = "wechat") -> requests.Response:
    return requests.post(live.url("/reports/settlements"), json={"source": source, "csv": text},
                         headers=live.login("finance", terminal=None), timeout=20)


def paid_order(live, external_id: str) -> dict:
    """A miniprogram order of one ADULT (100.00) paid by WeChat, txn `WX-{external_id}`."""
    body = {"external_id": external_id, "visit_date": "2026-11-28",
            "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": False}
    r = post_signed(live, "/channels/miniprogram/orders", body)
    assert r.status_code == 201, r.text
    paid = {"provider_txn_id": f"WX-{external_id}", "order_no": r.json()["order_no"],
            "amount_fen": 10000, "status": "success", "paid_at": "2026-11-21T02:00:00Z"}
    assert post_signed(live, "/payments/wechat/callback", paid).status_code == 200
    return r.json()


BAD = [
    ("", "对账文件是空的"),
    ("\ufeff \n", "对账文件是空的"),
    ("order_no,amount_fen,date\nMP-M100,10000,2026-11-21\n", "缺少列：txn_id, fee_fen"),
    ("订单号,交易号,金额,手续费,日期\nMP-M100,T1,10000,60,2026-11-21\n", "缺少列"),
    (HEADER, "只有表头"),
    (HEADER + "MP-M100,T1,10000,60\n", "第 2 行有 4 列，表头有 5 列"),
    (HEADER + "MP-M100,T1,10000,60,2026-11-21,x\n", "第 2 行有 6 列"),
    (HEADER + ",T1,10000,60,2026-11-21\n", "第 2 行：订单号和交易号不能为空"),
    (HEADER + "MP-M100,T1,100.00,60,2026-11-21\n", "第 2 行：金额 100.00 不正确"),
    (HEADER + "MP-M100,T1,-100,60,2026-11-21\n", "第 2 行：金额 -100 不正确"),
    (HEADER + "MP-M100,T1,,60,2026-11-21\n", "金额 （空） 不正确"),
    (HEADER + "MP-M100,T1,10000,六十,2026-11-21\n", "第 2 行：手续费 六十 不正确"),
    (HEADER + "MP-M100,T1,99999999999999999999999,0,2026-11-21\n", "超过上限"),
    (HEADER + "MP-M100,T1,10000,60,2026/11/21\n", "第 2 行：日期 2026/11/21 不正确"),
    (HEADER + "MP-M100,T1,10000,60,2026-02-30\n", "日期 2026-02-30 不正确"),
    (HEADER + "MP-M100,T1,10000,60,2026-11-21\n\nMP-M101,T2,1,0,2026-11-21\n"
     "MP-M102,T1,5,0,2026-11-21\n", "第 5 行：交易号 T1 与第 2 行重复"),
]


@pytest.mark.parametrize(("text", "words"), BAD, ids=[
    "empty", "blank", "header-missing", "header-chinese", "header-only", "short-row",
    "long-row", "no-order-no", "yuan", "negative", "no-amount", "fee-word", "huge", "slashes",
    "feb-30", "duplicate"])
def test_a_bad_file_is_refused_whole_naming_the_line(live, text, words):
    before = snapshot(live.db)
    message = assert_error(send(live, text), 422, "validation_error")
    assert words in message, message
    assert snapshot(live.db) == before


def test_the_documented_example_imports_and_a_second_time_changes_nothing(live):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    first = send(live, text)
    assert first.status_code == 200, first.text
    assert first.json() == {"source": "wechat", "lines": 3, "matched": 0, "unknown_order": 3,
                            "amount_differs": 0, "skipped": 0, "duplicate": 0}
    before = snapshot(live.db)
    again = send(live, text)
    assert again.json()["skipped"] == 3 and snapshot(live.db) == before
    assert send(live, text, source="alipay").json()["unknown_order"] == 3  # another source


def test_only_finance_imports(live):
    for who, terminal in (("clerk1", "01"), ("supervisor", None), ("admin", None)):
        r = requests.post(live.url("/reports/settlements"), timeout=20,
                          json={"source": "wechat", "csv": HEADER},
                          headers=live.login(who, terminal=terminal))
        assert_error(r, 403, "forbidden")


def test_money_settled_twice_is_a_duplicate_and_another_amount_differs(live):
    order = paid_order(live, "S1")
    no = order["order_no"]
    r = send(live, HEADER + f"{no},WX-S1,10000,60,2026-11-21\n{no},WX-S1-AGAIN,10000,60,"
                            f"2026-11-21\n{no},WX-S1-PART,9000,54,2026-11-21\n")
    assert r.status_code == 200, r.text
    assert r.json() == {"source": "wechat", "lines": 3, "matched": 1, "unknown_order": 0,
                        "amount_differs": 1, "skipped": 0, "duplicate": 1}
    # a later file with yet another txn id for the same money: a duplicate too
    assert send(live, HEADER + f"{no},WX-S1-LATER,10000,60,2026-11-21\n").json()[
        "duplicate"] == 1
    got = requests.get(live.url("/reports/day-close"), params={"date": "2026-11-21"},
                       headers=live.login("finance", terminal=None), timeout=20).json()
    found = [(x["kind"], x["order_no"], x["amount_fen"]) for x in got["discrepancies"]]
    assert found == [("settlement_duplicate", no, 10000),  # WX-S1-AGAIN
                     ("settlement_duplicate", no, 10000),  # WX-S1-LATER
                     ("settlement_amount_differs", no, 9000)]  # WX-S1-PART
    assert all("两次" in x["reason"] for x in got["discrepancies"][:2])
