"""The approvals list over real HTTP on SQLite and PostgreSQL: what waits for a supervisor or
finance, a rejection (tickets valid again), and an approved cash refund paid out by the window
that asked for it through its `refund` sync op (only then does the money count as refunded)."""

import uuid

import requests
from conftest import assert_error, snapshot
from test_server_refunds import _approve, _get, _ids, _refund, _sell
from test_server_sync import push


def _list(live, who, status="awaiting_approval", terminal="01"):
    return requests.get(live.url(f"/refunds?status={status}"), timeout=10,
                        headers=live.login(who, terminal=terminal))


def _reject(live, refund_no, who, reason="证明材料不全"):
    return requests.post(live.url(f"/refunds/{refund_no}/reject"), json={"reason": reason},
                         headers=live.login(who), timeout=20)


def _payout_op(order, refund, *, amount=None, clerk="clerk1"):
    payload = {"order_no": order["order_no"], "order_id": order["order_id"],
               "refund_id": refund["refund_id"], "refund_no": refund["refund_no"],
               "ticket_ids": refund["ticket_ids"],
               "amount_fen": refund["amount_fen"] if amount is None else amount,
               "fee_fen": refund["fee_fen"], "payment_fee_fen": refund["payment_fee_fen"],
               "reason": refund["reason"], "clerk": clerk, "created_at": "2026-11-21T03:00:00Z"}
    return {"op_id": str(uuid.uuid4()), "seq": 1, "kind": "refund",
            "device_time": "2026-11-21T03:00:00Z", "payload": payload}


def _waiting_override(live):
    order = _sell(live, ("ADULT", 2), days=0)  # same day: 30 % unless overridden
    refund = _refund(live, order, _ids(order), override={
        "fee_bp": 0, "reason": "就医", "evidence_no": "YY-2026-009"}).json()
    assert refund["status"] == "awaiting_approval"
    return order, refund


def test_approvers_see_what_waits_and_clerks_do_not(live):
    order, refund = _waiting_override(live)
    listed = _list(live, "finance").json()["refunds"]
    mine = next(r for r in listed if r["refund_no"] == refund["refund_no"])
    assert mine["order_no"] == order["order_no"] and mine["requested_by"] == "clerk1"
    assert mine["reason"] == "游客行程变更" and mine["approvals_required"] == ["supervisor"]
    assert mine["override"]["evidence_no"] == "YY-2026-009" and mine["amount_fen"] == 20000
    assert mine["payout_terminal"] == "01"
    assert_error(_list(live, "clerk1"), 403, "forbidden")
    assert_error(requests.get(live.url("/refunds?status=nonsense"), timeout=10,
                              headers=live.login("supervisor")), 422, "validation_error")


def test_rejection_needs_a_reason_and_frees_the_tickets(live):
    order, refund = _waiting_override(live)
    no = refund["refund_no"]
    before = snapshot(live.db)
    assert "原因" in assert_error(_reject(live, no, "supervisor", reason=" "), 422,
                                  "validation_error")
    assert_error(_reject(live, no, "clerk1"), 403, "forbidden")
    assert snapshot(live.db) == before
    done = _reject(live, no, "supervisor")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    after = _get(live, order["order_no"])
    assert {t["status"] for t in after["tickets"]} == {"valid"} and after["status"] == "paid"
    assert_error(_approve(live, no, "supervisor"), 409, "conflict")
    assert no not in {r["refund_no"] for r in _list(live, "supervisor").json()["refunds"]}


def test_approved_cash_refund_is_paid_out_by_the_window(live):
    order, refund = _waiting_override(live)
    assert _approve(live, refund["refund_no"], "supervisor").json()["status"] == "approved"
    waiting = _list(live, "clerk1", status="approved").json()["refunds"]
    assert [r["refund_no"] for r in waiting] == [refund["refund_no"]]
    assert _list(live, "clerk1", status="approved", terminal="02").json()["refunds"] == []
    row = waiting[0]
    h = live.login("clerk1")
    wrong = push(live, h, [_payout_op(order, row, amount=1)])[0]
    assert wrong["status"] == "rejected" and "不一致" in wrong["error"]["message"], wrong
    paid = push(live, h, [_payout_op(order, row) | {"seq": 2}])[0]
    assert paid["status"] == "applied", paid
    after = _get(live, order["order_no"])
    assert after["refunded_fen"] == 20000 and after["status"] == "refunded"
    assert after["refunds"][0]["status"] == "succeeded"
    events = requests.get(live.url(f"/orders/{order['order_no']}/timeline"), timeout=10,
                          headers=live.login("supervisor")).json()
    actions = [e["action"] for e in events["events"]]
    assert actions.index("refund.approved_for_payout") < actions.index("refund.succeeded")
    assert events["verified"] is True


def test_an_approval_no_window_paid_out_can_be_taken_back(live):
    order, refund = _waiting_override(live)
    assert _approve(live, refund["refund_no"], "supervisor").json()["status"] == "approved"
    done = _reject(live, refund["refund_no"], "finance", reason="游客未到窗口领取，撤销")
    assert done.status_code == 200 and done.json()["status"] == "rejected", done.text
    after = _get(live, order["order_no"])
    assert {t["status"] for t in after["tickets"]} == {"valid"} and after["refunded_fen"] == 0


def test_a_rejected_refunds_key_sent_again_answers_it_and_writes_nothing(live):
    """The key is claimed with the refund, not before it: once the refund is rejected its
    tickets are valid again, and the same request retried must still answer that refund
    (the refund id made from the key is taken) instead of refunding anew."""
    order = _sell(live, ("ADULT", 2), days=0)
    body = {"override": {"fee_bp": 0, "reason": "就医", "evidence_no": "YY-2026-010"}}
    first = _refund(live, order, _ids(order), key="rejected-1", **body)
    assert first.json()["status"] == "awaiting_approval", first.text
    assert _reject(live, first.json()["refund_no"], "supervisor").status_code == 200
    before = snapshot(live.db)
    again = _refund(live, order, _ids(order), key="rejected-1", **body)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["refund_no"] == first.json()["refund_no"]
    assert snapshot(live.db) == before
    assert {t["status"] for t in _get(live, order["order_no"])["tickets"]} == {"valid"}
