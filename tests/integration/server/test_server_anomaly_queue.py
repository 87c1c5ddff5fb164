"""The anomaly queue over HTTP (DESIGN.md §6, §8): priority order (old ones rise), open
counts per category, filters and cursor, one anomaly's detail with its devices, closing
several at once, who may do what, the changes feed agreeing with the API, and two
supervisors pressing the same money-moving fix at the same moment (exactly one applies)."""

import threading
import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from anomaly_kit import (
    callback,
    channel_order,
    events,
    fix,
    one_open,
    order_of,
    queue,
    scan,
    sup,
    sweep,
)
from conftest import assert_error, running_store, snapshot
from signed import SECRET

from app.services.refunds.refund_providers import SandboxProvider
from app.store.models import Refund


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _failed_scan(live, external_id, lines):
    order = channel_order(live, external_id, paid=True, lines=lines, channel="ota_meituan")
    scan(live, order["tickets"][0]["code"], result="failed", reason="闸机故障")
    return one_open(live, "redeem_failed", f"MEITUAN-{external_id}")


def _duplicate(live, external_id):
    channel_order(live, external_id, paid=False)
    callback(live, f"WX-{external_id}a", f"MP-{external_id}", 20000)
    callback(live, f"WX-{external_id}b", f"MP-{external_id}", 20000)
    return one_open(live, "duplicate_payment", f"MP-{external_id}")


def test_priority_category_first_then_money_and_old_ones_rise(live):
    child = channel_order(live, "Q1", paid=True, lines=(("CHILD", 1),), channel="ota_meituan")
    adult = channel_order(live, "Q2", paid=True, lines=(("ADULT", 1),), channel="ota_meituan")
    scan(live, child["tickets"][0]["code"], result="failed")
    cheap = one_open(live, "redeem_failed", "MEITUAN-Q1")
    assert cheap["priority"] == 2000 + 50
    live.clock.at += timedelta(hours=10)
    scan(live, adult["tickets"][0]["code"], result="failed")
    callback(live, "WX-Q3", "MP-NONE", 100)
    order = [(a["kind"], a["order_no"], a["priority"]) for a in queue(live)["anomalies"]]
    assert order == [("paid_no_order", None, 4000 + 1),
                     ("redeem_failed", "MEITUAN-Q2", 2000 + 100),
                     ("redeem_failed", "MEITUAN-Q1", 2000 + 50)]
    sweep(live)  # the store's sweep ages what stays open: 10 h is +60
    order = [(a["kind"], a["order_no"], a["priority"]) for a in queue(live)["anomalies"]]
    assert order == [("paid_no_order", None, 4000 + 1),
                     ("redeem_failed", "MEITUAN-Q1", 2000 + 50 + 60),
                     ("redeem_failed", "MEITUAN-Q2", 2000 + 100)]
    live.clock.at += timedelta(days=30)  # age is capped: the money decides again
    sweep(live)
    assert [(a["order_no"], a["priority"]) for a in
            queue(live, category="redemption")["anomalies"]] == [
        ("MEITUAN-Q2", 2100 + 500), ("MEITUAN-Q1", 2050 + 500)]


def test_counts_filters_and_cursor(live):
    _failed_scan(live, "C1", (("ADULT", 1),))
    _failed_scan(live, "C2", (("CHILD", 1),))
    dup = _duplicate(live, "C3")
    body = queue(live)
    assert body["counts"] == {"payment": 1, "redemption": 2, "refund": 0, "inventory": 0}
    assert [a["kind"] for a in queue(live, category="payment")["anomalies"]] == [
        "duplicate_payment"]
    assert [a["order_no"] for a in queue(live, order_no="MEITUAN-C2")["anomalies"]] == [
        "MEITUAN-C2"]
    assert queue(live, kind="oversold")["anomalies"] == []
    pages, cursor = [], None
    while True:
        page = queue(live, limit=1, **({"cursor": cursor} if cursor else {}))
        pages += page["anomalies"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [a["id"] for a in pages] == [a["id"] for a in body["anomalies"]]
    fix(live, dup["id"], "refund_duplicate")
    assert queue(live)["counts"]["payment"] == 0
    assert [a["id"] for a in queue(live, status="resolved")["anomalies"]] == [dup["id"]]
    assert len(queue(live, status="all")["anomalies"]) == 3
    h = sup(live)
    for params in ({"category": "money"}, {"kind": "nope"}, {"status": "closed"},
                   {"cursor": "garbage"}, {"limit": 0}):
        r = requests.get(live.url("/anomalies"), params=params, headers=h, timeout=10)
        assert_error(r, 422, "validation_error")


def test_detail_names_the_order_and_the_devices(live):
    a = _failed_scan(live, "DT1", (("ADULT", 1),))
    r = requests.get(live.url(f"/anomalies/{a['id']}"), headers=sup(live), timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["anomaly"]["id"] == a["id"] and body["anomaly"]["evidence"]["device_id"] == "G1"
    assert body["anomaly"]["label_zh"] == "核销失败"
    assert body["order"]["order_no"] == "MEITUAN-DT1"
    assert body["order"]["customer"].get("phone") is None  # masked in the queue
    assert [(d["device_id"], d["last_user"]) for d in body["devices"]] == [("G1", "gate1")]
    missing = requests.get(live.url("/anomalies/no-such-id"), headers=sup(live), timeout=10)
    assert_error(missing, 404, "not_found")


def test_clerks_and_gates_may_not_read_the_queue(live):
    for who in ("clerk1", "gate1"):
        r = requests.get(live.url("/anomalies"), headers=live.login(who), timeout=10)
        assert assert_error(r, 403, "forbidden") == "只有主管及以上可以处理异常"
    assert queue(live, who="finance")["counts"]["payment"] == 0


def test_batch_closes_each_on_its_own_and_says_what_it_skipped(live):
    a = _failed_scan(live, "B1", (("ADULT", 1),))
    b = _failed_scan(live, "B2", (("ADULT", 1),))
    dup = _duplicate(live, "B3")
    fix(live, b["id"], "manual_redeem")
    url, h = live.url("/anomalies/batch"), sup(live)
    ids = [a["id"], b["id"], dup["id"], "no-such-id"]
    before = snapshot(live.db)
    r = requests.post(url, json={"ids": ids, "action": "mark_resolved", "note": " "},
                      headers=h, timeout=20)
    assert assert_error(r, 422, "validation_error") == "请填写处理说明"
    r = requests.post(url, json={"ids": ids, "action": "lock_order", "note": "x"}, headers=h,
                      timeout=20)
    assert_error(r, 422, "validation_error")
    assert snapshot(live.db) == before
    r = requests.post(url, json={"ids": ids, "action": "mark_resolved",
                                 "note": "闸机已修复，游客均已入园"}, headers=h, timeout=20)
    assert r.status_code == 200, r.text
    results = {x["id"]: x for x in r.json()["results"]}
    assert r.json()["closed"] == 1
    assert results[a["id"]]["outcome"] == "resolved"
    assert results[b["id"]]["outcome"] == "already_closed"
    assert results[b["id"]]["message"] == "已处理"
    assert results[dup["id"]]["outcome"] == "refused" and "mark_resolved" in results[
        dup["id"]]["message"]
    assert results["no-such-id"]["outcome"] == "refused"
    fixed_a = [e for e in events(live, "MEITUAN-B1") if e["action"] == "anomaly.fixed"]
    assert fixed_a[0]["detail"]["note"] == "闸机已修复，游客均已入园"
    r = requests.post(url, json={"ids": [dup["id"]], "action": "dismiss", "note": "对账确认"},
                      headers=h, timeout=20)
    assert r.json()["results"][0]["outcome"] == "dismissed"
    assert order_of(live, "MP-B3")["open_anomalies"] == 0
    assert queue(live)["counts"] == {"payment": 0, "redemption": 0, "refund": 0,
                                     "inventory": 0}


def test_the_feed_and_the_api_agree(live):
    a = _failed_scan(live, "FD1", (("ADULT", 1),))
    body = fix(live, a["id"], "manual_redeem").json()
    h = live.login("supervisor")  # anomalies are not in a clerk's feed (DESIGN.md §14)
    changes, cursor = [], "0"
    while True:
        page = requests.get(live.url("/sync/changes"), params={"since": cursor, "limit": 500},
                            headers=h, timeout=30).json()
        changes += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    last = [c for c in changes if c["entity"] == "anomaly" and c["id"] == a["id"]][-1]
    api = body["anomaly"]
    assert last["version"] == api["version"]
    assert {k: v for k, v in api.items() if k in last["data"]} == last["data"]
    order_change = [c for c in changes if c["entity"] == "order"
                    and c["data"]["order_no"] == "MEITUAN-FD1"][-1]
    assert order_change["version"] == body["order"]["version"]
    assert order_change["data"]["display_status"] == "redeemed"  # its only ticket is used


class SlowSandbox(SandboxProvider):
    """A provider that takes its time, so two racing fixes overlap for sure."""

    def refund(self, **kw):
        time.sleep(0.3)
        return super().refund(**kw)


@pytest.fixture
def slow_live(store_db_url, now):
    with running_store(store_db_url, now, provider=SlowSandbox()) as store:
        yield store


def test_two_supervisors_press_the_same_fix_at_once(slow_live):
    live = slow_live
    for n in range(3):
        dup = _duplicate(live, f"RACE{n}")
        heads = [sup(live, "supervisor"), sup(live, "admin")]
        gate = threading.Barrier(2)
        answers: list[requests.Response] = [None, None]

        def press(i: int, dup=dup, heads=heads, gate=gate, answers=answers) -> None:
            gate.wait()
            answers[i] = requests.post(live.url(f"/anomalies/{dup['id']}/fix"),
                                       json={"action": "refund_duplicate"}, headers=heads[i],
                                       timeout=30)

        threads = [threading.Thread(target=press, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        flags = sorted(a.json()["already_fixed"] for a in answers)
        assert flags == [False, True]
        assert [a.json()["message"] for a in answers if a.json()["already_fixed"]] == ["已处理"]
        with live.db.session() as s:
            refunds = s.execute(sa.select(Refund.refund_no)
                                .where(Refund.refund_no.like(f"MP-RACE{n}-%"))).all()
        assert len(refunds) == 1
        assert [c[1] for c in live.provider.calls].count(f"MP-RACE{n}-R1") == 1
        order = order_of(live, f"MP-RACE{n}")
        assert order["refunded_fen"] == 20000
        assert [e["action"] for e in events(live, f"MP-RACE{n}")].count("anomaly.fixed") == 1
