"""Actions on an order from its detail, over HTTP on both engines: cancelling an unpaid order
(`POST /orders/{no}/cancel`, stock back, timeline, idempotent under its key, 409 otherwise)
and flagging orders anomalous by hand (`POST /anomalies/flag`, one or many, `already` and
`unknown`, who may, the reason checked), the flag then worked like any anomaly."""

import uuid

import pytest
import requests
from anomaly_kit import channel_order, events, fix, one_open, order_of, sup
from conftest import assert_error
from signed import SECRET


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _available(live, day: str, ticket_type: str = "ADULT") -> int:
    r = requests.get(live.url("/inventory"), params={"date": day}, headers=sup(live),
                     timeout=10)
    assert r.status_code == 200, r.text
    return next(i["available"] for i in r.json()["items"] if i["ticket_type"] == ticket_type)


def cancel(live, order_no: str, *, key: str | None = None, who: str = "supervisor",
           body=None) -> requests.Response:
    headers = sup(live, who) if who != "clerk1" else live.login("clerk1")
    headers |= {"Idempotency-Key": key or str(uuid.uuid4())}
    return requests.post(live.url(f"/orders/{order_no}/cancel"), headers=headers, timeout=20,
                         json=body if body is not None else {})


def flag(live, order_nos, *, reason="游客投诉票价不符，待核实", category=None,
         who="supervisor") -> requests.Response:
    body = {"order_nos": list(order_nos), "reason": reason}
    if category is not None:
        body["category"] = category
    headers = sup(live, who) if who != "clerk1" else live.login("clerk1")
    return requests.post(live.url("/anomalies/flag"), json=body, headers=headers, timeout=20)


def test_cancel_an_unpaid_order_releases_stock_once(live):
    order = channel_order(live, "C1", paid=False)
    day = order["visit_date"]
    before = _available(live, day)
    key = str(uuid.uuid4())
    r = cancel(live, order["order_no"], key=key, body={"reason": "游客改买窗口票"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "cancelled" and "Idempotent-Replayed" not in r.headers
    assert {t["status"] for t in done["tickets"]} == {"void"}
    assert _available(live, day) == before + 2
    last = events(live, order["order_no"])[-1]
    assert last["action"] == "order.cancelled" and last["actor"] == "user:supervisor"
    assert last["detail"]["released"] == {"ADULT": 2}
    assert "游客改买窗口票" in last["detail"]["message"]

    again = cancel(live, order["order_no"], key=key, body={"reason": "游客改买窗口票"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["status"] == "cancelled"
    assert _available(live, day) == before + 2  # the replay released nothing more
    assert [e["action"] for e in events(live, order["order_no"])].count("order.cancelled") == 1
    message = assert_error(cancel(live, order["order_no"]), 409, "conflict")
    assert "已取消" in message
    assert_error(cancel(live, order["order_no"], key=key, body={"reason": "别的"}), 422,
                 "idempotency_key_reused")


def test_cancel_refused_for_paid_paying_unknown_and_clerks(live):
    paid = channel_order(live, "C2", paid=True)
    message = assert_error(cancel(live, paid["order_no"]), 409, "conflict")
    assert "已支付" in message and "只有待支付的订单可以取消" in message
    paying = channel_order(live, "C3", paid=False, paying="WX-C3")
    assert "支付中" in assert_error(cancel(live, paying["order_no"]), 409, "conflict")
    assert_error(cancel(live, "MP-NOPE"), 404, "not_found")
    unpaid = channel_order(live, "C4", paid=False)
    assert_error(cancel(live, unpaid["order_no"], who="clerk1"), 403, "forbidden")
    r = requests.post(live.url(f"/orders/{unpaid['order_no']}/cancel"), json={},
                      headers=sup(live), timeout=10)
    assert_error(r, 422, "validation_error")  # no Idempotency-Key
    assert order_of(live, unpaid["order_no"])["status"] == "pending_payment"
    assert order_of(live, paying["order_no"])["status"] == "paying"


def test_flag_one_then_many_then_resolve(live):
    one = channel_order(live, "F1", paid=True)
    r = flag(live, [one["order_no"]], category="redemption")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["already"] == [] and body["unknown"] == []
    [item] = body["flagged"]
    assert item["order_no"] == one["order_no"]
    a = one_open(live, "manual_flag", one["order_no"])
    assert a["id"] == item["anomaly_id"] and a["category"] == "redemption"
    assert a["label_zh"] == "人工标记异常" and a["fixes"] == ["mark_resolved"]
    assert "游客投诉票价不符" in a["reason"] and a["evidence"]["flagged_by"] == "supervisor"
    assert a["priority"] >= 2000 and a["priority"] < 3000  # the redemption weight
    assert order_of(live, one["order_no"])["display_status"] == "anomaly"
    detected = events(live, one["order_no"])[-1]
    assert detected["action"] == "anomaly.detected" and detected["actor"] == "user:supervisor"
    assert detected["detail"]["kind"] == "manual_flag"

    two, three = (channel_order(live, x, paid=False) for x in ("F2", "F3"))
    seen = len(events(live, one["order_no"]))
    r = flag(live, [one["order_no"], two["order_no"], "MP-NOPE", three["order_no"],
                    two["order_no"]])
    body = r.json()
    assert [f["order_no"] for f in body["flagged"]] == [two["order_no"], three["order_no"]]
    assert body["already"] == [one["order_no"]] and body["unknown"] == ["MP-NOPE"]
    assert one_open(live, "manual_flag", two["order_no"])["category"] == "payment"
    assert len(events(live, one["order_no"])) == seen  # `already`: nothing written

    assert fix(live, item["anomaly_id"], "mark_resolved", note="已核实，票价无误").status_code \
        == 200
    assert order_of(live, one["order_no"])["display_status"] == "paid"
    again = flag(live, [one["order_no"]], reason="再次投诉").json()
    assert [f["order_no"] for f in again["flagged"]] == [one["order_no"]]  # flagged anew


def test_flag_who_may_and_what_is_refused(live):
    order = channel_order(live, "F4", paid=True)
    no = order["order_no"]
    assert_error(flag(live, [no], who="clerk1"), 403, "forbidden")
    assert_error(flag(live, [no], who="finance", category="inventory"), 403, "forbidden")
    assert flag(live, [no], who="finance", category="refund").status_code == 200
    other = channel_order(live, "F5", paid=True)["order_no"]
    assert "原因" in assert_error(flag(live, [other], reason="   "), 422, "validation_error")
    assert "200" in assert_error(flag(live, [other], reason="长" * 201), 422,
                                 "validation_error")
    assert_error(flag(live, [other], category="weather"), 422, "validation_error")
    assert_error(flag(live, []), 422, "validation_error")
    assert_error(flag(live, ["x"] * 201), 422, "validation_error")
    assert order_of(live, other)["display_status"] == "paid"  # none of those wrote anything
    assert flag(live, [other], reason="长" * 200).status_code == 200
