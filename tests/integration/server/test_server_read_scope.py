"""Reads are scoped (DESIGN.md §14), attacked over real HTTP on SQLite and PostgreSQL: a clerk
of window 02 and a gate read the changes feed, orders and refunds of window 01 and of an OTA
channel, and are given only what their terminal may act on; a refused request writes nothing."""

import uuid
from datetime import timedelta

import pytest
import requests
from anomaly_kit import callback, channel_order
from conftest import assert_error, snapshot
from signed import SECRET

SUP = {"terminal": None, "device_id": "office-1"}


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _sell(live, headers, *, method="cash", qty=1, days=0) -> dict:
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "customer": {"name": "张三", "phone": "13812345678", "id_no": "110101199001011234"},
            "payment": {"method": method, "amount_fen": 10000 * qty}}
    r = requests.post(live.url("/orders"), json=body, timeout=10,
                      headers=headers | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _feed(live, headers, since="0", limit=500) -> tuple[list[dict], str]:
    """Every change the caller is given, paging until `has_more` is false; the last cursor."""
    out, cursor = [], since
    for _ in range(1000):
        r = requests.get(live.url("/sync/changes"), params={"since": cursor, "limit": limit},
                         headers=headers, timeout=10)
        assert r.status_code == 200, r.text
        page = r.json()
        assert int(page["next_cursor"]) >= int(cursor)
        out += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return out, cursor
    raise AssertionError("the feed never ended")


@pytest.fixture
def shop(live):
    """Window 01 and window 02 each sold an order; an OTA order came in; a payment named no
    order (an anomaly)."""
    clerk1 = live.login("clerk1", terminal="01", device_id="window-01")
    clerk2 = live.login("clerk2", terminal="02", device_id="window-02")
    w01 = _sell(live, clerk1, method="wechat")
    w02 = _sell(live, clerk2)
    ota = channel_order(live, "FEED1", paid=True, channel="ota_ctrip")
    callback(live, "WX-SCOPE", "MP-GHOST", 10000,
             attach={"visit_date": w01["visit_date"], "lines": [{"ticket_type": "ADULT",
                                                                 "qty": 1}],
                     "customer": {"name": "李四", "phone": "13911112222",
                                  "id_no": "110101199202021111"}})
    return {"clerk1": clerk1, "clerk2": clerk2, "w01": w01, "w02": w02, "ota": ota}


def test_a_clerks_feed_has_its_windows_orders_the_catalog_and_stock_only(live, shop):
    changes, cursor = _feed(live, shop["clerk2"])
    entities = {c["entity"] for c in changes}
    assert entities == {"catalog", "inventory", "order"}  # no anomaly
    orders = [c["data"] for c in changes if c["entity"] == "order"]
    assert {o["order_no"] for o in orders} == {shop["w02"]["order_no"]}
    everything, last = _feed(live, live.login("supervisor", **SUP))
    assert cursor == last  # the cursor passed what it was not given: no stall
    text = str(changes)
    for other in (shop["w01"], shop["ota"]):
        assert other["order_no"] not in text
        assert all(t["code"] not in text for t in other["tickets"])  # admission credentials
    assert {c["entity"] for c in everything} == {"catalog", "inventory", "order", "anomaly"}
    assert {shop["w01"]["order_no"], shop["ota"]["order_no"]} <= {
        c["data"]["order_no"] for c in everything if c["entity"] == "order"}
    one_by_one, _ = _feed(live, shop["clerk2"], limit=1)
    assert [c["seq"] for c in one_by_one] == [c["seq"] for c in changes]  # nothing skipped


def test_a_gates_feed_is_the_catalog_only_and_its_cursor_moves_on(live, shop):
    gate = live.login("gate1", terminal=None, device_id="gate-1")
    changes, cursor = _feed(live, gate)
    assert changes and {c["entity"] for c in changes} == {"catalog"}
    _sell(live, shop["clerk1"])  # an order and stock: nothing for the gate
    r = requests.get(live.url("/sync/changes"), params={"since": cursor, "wait": 1},
                     headers=gate, timeout=10)
    assert r.status_code == 200 and r.json()["changes"] == [] and not r.json()["has_more"]
    assert int(r.json()["next_cursor"]) > int(cursor)  # past the sale: never read again
    _, last = _feed(live, live.login("admin", **SUP))
    assert r.json()["next_cursor"] == last


def test_a_clerks_long_poll_wakes_for_its_own_window_only(live, shop):
    _, cursor = _feed(live, shop["clerk2"])
    _sell(live, shop["clerk1"])
    r = requests.get(live.url("/sync/changes"), params={"since": cursor, "wait": 0.5},
                     headers=shop["clerk2"], timeout=10)
    assert {c["entity"] for c in r.json()["changes"]} == {"inventory"}  # stock it sells too
    mine = _sell(live, shop["clerk2"])
    r = requests.get(live.url("/sync/changes"), params={"since": r.json()["next_cursor"],
                                                        "wait": 5},
                     headers=shop["clerk2"], timeout=10)
    assert mine["order_no"] in [c["data"].get("order_no") for c in r.json()["changes"]]


@pytest.mark.parametrize("victim", ["w01", "ota"])
def test_a_clerk_cannot_read_or_refund_an_order_of_another_window_or_channel(live, shop,
                                                                              victim):
    order = shop[victim]
    no, tickets = order["order_no"], [t["ticket_id"] for t in order["tickets"]]
    clerk2 = shop["clerk2"]
    before = snapshot(live.db)
    for path in (f"/orders/{no}", f"/orders/{no}/timeline"):
        assert "本窗口" in assert_error(requests.get(live.url(path), headers=clerk2, timeout=10),
                                      403, "forbidden")
    quote = requests.post(live.url(f"/orders/{no}/refund-quote"), json={"ticket_ids": tickets},
                          headers=clerk2, timeout=10)
    assert "退款" in assert_error(quote, 403, "forbidden")
    for method in ("cash", "wechat", "ota"):  # cash at once from the clerk's drawer included
        r = requests.post(live.url(f"/orders/{no}/refunds"), timeout=10,
                          json={"ticket_ids": tickets, "method": method, "reason": "游客要求"},
                          headers=clerk2 | {"Idempotency-Key": str(uuid.uuid4())})
        assert "本窗口" in assert_error(r, 403, "forbidden")
    found = requests.get(live.url("/orders"), params={"q": no}, headers=clerk2, timeout=10)
    assert found.status_code == 200 and found.json()["orders"] == []
    assert snapshot(live.db) == before
    gate = live.login("gate1", terminal=None, device_id="gate-1")
    assert_error(requests.get(live.url(f"/orders/{no}"), headers=gate, timeout=10), 403,
                 "forbidden")
    sup = requests.post(live.url(f"/orders/{no}/refund-quote"), json={"ticket_ids": tickets},
                        headers=live.login("supervisor", **SUP), timeout=10)
    assert sup.status_code == 200, sup.text  # supervisor+ read and refund every order


def test_a_clerk_reads_and_refunds_his_own_windows_order(live, shop):
    no = shop["w02"]["order_no"]
    tickets = [t["ticket_id"] for t in shop["w02"]["tickets"]]
    clerk2 = shop["clerk2"]
    assert requests.get(live.url(f"/orders/{no}"), headers=clerk2, timeout=10).status_code == 200
    r = requests.post(live.url(f"/orders/{no}/refunds"), timeout=10,
                      json={"ticket_ids": tickets, "method": "cash", "reason": "游客要求"},
                      headers=clerk2 | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    assert_error(requests.post(live.url("/orders/W02-20991231-0001/refund-quote"),
                               json={"ticket_ids": tickets}, headers=clerk2, timeout=10),
                 404, "not_found")


def test_a_window_lists_only_its_own_orders_cash_payouts(live, shop):
    """An admin at window 02 asks a ¥6,000 cash refund of window 01's order (a supervisor and
    finance approve it); once approved, window 02's clerk is not shown it: he may not read that
    order."""
    big = _sell(live, shop["clerk1"], qty=60, days=5)
    sup02 = live.login("admin", terminal="02", device_id="window-02")
    no, tickets = big["order_no"], [t["ticket_id"] for t in big["tickets"]]
    r = requests.post(live.url(f"/orders/{no}/refunds"), timeout=10,
                      json={"ticket_ids": tickets, "method": "cash", "reason": "游客要求"},
                      headers=sup02 | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    refund = r.json()
    assert refund["status"] == "awaiting_approval", refund
    for who in ("supervisor", "finance"):
        ok = requests.post(live.url(f"/refunds/{refund['refund_no']}/approve"), json={},
                           headers=live.login(who, **SUP), timeout=10)
        assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "approved", ok.text
    everyone = requests.get(live.url("/refunds"), params={"status": "approved"},
                            headers=live.login("finance", **SUP), timeout=10).json()["refunds"]
    assert [(x["refund_no"], x["payout_terminal"]) for x in everyone] == [
        (refund["refund_no"], "02")]
    listed = requests.get(live.url("/refunds"), params={"status": "approved"},
                          headers=shop["clerk2"], timeout=10)
    assert listed.status_code == 200 and listed.json()["refunds"] == []
