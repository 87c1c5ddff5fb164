"""Shifts pushed by a window over HTTP (`shift_open`, `shift_close` ops): recorded in the
store's `shifts` table as sent, exactly once; bad payloads rejected in Chinese."""

import uuid

import requests
from conftest import snapshot

from app.store.models import Shift

OPENED, CLOSED = "2026-11-21T00:00:00+00:00", "2026-11-21T09:00:00+00:00"


def op(kind, payload, seq=1):
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind,
            "device_time": OPENED, "payload": payload}


def shift_ops(shift_id=None):
    base = {"shift_id": shift_id or str(uuid.uuid4()), "terminal": "01", "clerk": "clerk1",
            "opening_float_fen": 50000, "opened_at": OPENED}
    close = {**base, "closed_at": CLOSED, "cash_expected_fen": 81000,
             "cash_counted_fen": 80900, "variance_fen": -100,
             "report": {"variance_fen": -100, "counted": [{"denomination_fen": 10000,
                                                           "count": 8}]}}
    return op("shift_open", base, 1), op("shift_close", close, 2)


def push(live, headers, ops, device_id="dev-1"):
    r = requests.post(live.url("/sync/push"), json={"device_id": device_id, "ops": ops},
                      headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def shift(live, shift_id):
    with live.db.session() as s:
        return s.get(Shift, shift_id)


def test_open_then_close_is_stored_as_sent_and_replays_are_duplicates(live):
    h = live.login("clerk1")
    opening, closing = shift_ops()
    sid = opening["payload"]["shift_id"]
    (first,) = push(live, h, [opening])
    assert (first["status"], first["server_version"]) == ("applied", 1)
    row = shift(live, sid)
    assert (row.status, row.terminal, row.clerk, row.opening_float_fen) == (
        "open", "01", "clerk1", 50000)
    assert row.opened_at.isoformat() == OPENED

    results = push(live, h, [opening, closing])
    assert [r["status"] for r in results] == ["duplicate", "applied"]
    assert results[1]["server_version"] == 2
    row = shift(live, sid)
    assert (row.status, row.cash_expected_fen, row.cash_counted_fen, row.variance_fen) == (
        "closed", 81000, 80900, -100)
    assert row.closed_at.isoformat() == CLOSED
    assert row.report == closing["payload"]["report"]
    before = snapshot(live.db)
    assert [r["status"] for r in push(live, h, [closing])] == ["duplicate"]
    assert snapshot(live.db) == before


def test_a_close_whose_open_never_arrived_still_records_the_shift(live):
    h = live.login("clerk1")
    _, closing = shift_ops()
    assert push(live, h, [closing])[0]["status"] == "applied"
    row = shift(live, closing["payload"]["shift_id"])
    assert (row.status, row.opening_float_fen, row.variance_fen) == ("closed", 50000, -100)
    again = op("shift_open", {k: closing["payload"][k] for k in (
        "shift_id", "terminal", "clerk", "opening_float_fen", "opened_at")}, 3)
    assert push(live, h, [again])[0]["status"] == "applied"  # late open: nothing reopens
    assert shift(live, closing["payload"]["shift_id"]).status == "closed"


def test_bad_shift_payloads_are_rejected_in_chinese(live):
    h = live.login("clerk1")
    opening, _ = shift_ops()
    bad = [
        op("shift_open", {**opening["payload"], "opening_float_fen": -1}, 1),
        op("shift_open", {**opening["payload"], "opened_at": "2026-11-21T08:00:00"}, 2),
        op("shift_open", {**opening["payload"], "shift_id": "nope"}, 3),
        op("shift_open", {**opening["payload"], "clerk": ""}, 4),
    ]
    before = snapshot(live.db)["counts"]["shifts"]
    results = push(live, h, bad)
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert all("班次" in r["error"]["message"] for r in results)
    assert snapshot(live.db)["counts"]["shifts"] == before


def test_the_same_shift_id_from_another_window_is_a_conflict(live):
    h = live.login("clerk1")
    opening, _ = shift_ops()
    assert push(live, h, [opening])[0]["status"] == "applied"
    other = op("shift_open", {**opening["payload"], "terminal": "02"})
    # DESIGN.md §14: only window 02's own token may push a shift of window 02
    (result,) = push(live, live.login("clerk1", terminal="02", device_id="dev-2"), [other],
                     device_id="dev-2")
    assert result["status"] == "conflict" and "已属于终端 01" in result["error"]["message"]


def take_over(closing, by="supervisor", reason="售票员1 离岗未交班"):
    payload = {**closing["payload"], "closed_by": by, "close_reason": reason,
               "report": {**closing["payload"]["report"], "closed_by": by,
                          "close_reason": reason}}
    return op("shift_close", payload, 3)


def test_a_supervisor_on_the_window_closes_the_shift_a_clerk_left_open(live):
    opening, closing = shift_ops()
    sid = opening["payload"]["shift_id"]
    assert push(live, live.login("clerk1"), [opening])[0]["status"] == "applied"
    (result,) = push(live, live.login("supervisor", terminal="01"), [take_over(closing)])
    assert (result["status"], result["server_version"]) == ("applied", 2), result
    row = shift(live, sid)
    assert (row.status, row.clerk, row.variance_fen) == ("closed", "clerk1", -100)
    assert (row.report["closed_by"], row.report["close_reason"]) == (
        "supervisor", "售票员1 离岗未交班")


def test_a_clerk_may_not_close_another_clerks_shift_nor_a_supervisor_unsaid(live):
    opening, closing = shift_ops()
    sid = opening["payload"]["shift_id"]
    assert push(live, live.login("clerk1"), [opening])[0]["status"] == "applied"
    before = snapshot(live.db)
    sup = live.login("supervisor", terminal="01")
    refused = [
        (live.login("clerk2"), take_over(closing, by="clerk2"), "只有主管"),
        (sup, closing, "与登录用户"),  # closing clerk1's shift without saying it is a take-over
        (sup, take_over(closing, by="admin"), "与登录用户"),  # naming someone else
        (sup, take_over(closing, reason=" "), "close_reason"),  # no reason
    ]
    for headers, pushed_op, words in refused:
        (result,) = push(live, headers, [pushed_op])
        assert result["status"] == "rejected", result
        assert words in result["error"]["message"], result
    assert shift(live, sid).status == "open"
    after = snapshot(live.db)["counts"]  # a bad payload's refusal is kept; a forbidden one not
    assert {**after, "applied_ops": 0} == {**before["counts"], "applied_ops": 0}
    other = push(live, live.login("supervisor", terminal="02", device_id="dev-2"),
                 [take_over(closing)], device_id="dev-2")
    assert other[0]["status"] == "rejected" and "终端号" in other[0]["error"]["message"]
