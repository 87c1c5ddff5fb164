"""The fault mix on a fake store with a seeded rng: every fault kind shows up, each as the
requests that make it (the real store's reaction is in the integration tests)."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sim_fakes import FakeClock, FakeStore

from simulator import traffic
from simulator.report import summary
from simulator.runner import Simulator

T0 = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)  # 08:30 in Asia/Shanghai
FAULTS = ("lost_callback", "late_callback", "duplicate_callback", "duplicate_payment",
          "paid_no_order", "duplicate_redemption", "repeated_nonce", "offline_batch",
          "failed_redemption", "payment_failure", "left_paying", "refund_left_waiting",
          "refund_provider_fails", "refund_crosses_redemption", "oversold",
          "stock_not_deducted", "refund_not_restored")


def _run(seed, *, faults, steps=400, gap=20):
    clock = FakeClock(T0)
    store = FakeStore(clock)
    events = []
    sim = Simulator("http://store", secret="x", rng=random.Random(seed), clock=clock,
                    sleep=clock.advance, faults=faults, client=store, on_event=events.append)
    for _ in range(steps):
        sim.step()
        clock.advance(gap)
    clock.advance(3600)
    sim.pump()
    return sim, store, events


@pytest.fixture(scope="module")
def faulty():
    return _run(7, faults=True)


def test_every_fault_kind_is_injected(faulty):
    sim, _, events = faulty
    for kind in FAULTS:
        assert sim.stats[f"faults.{kind}"] > 0, kind
    assert {e.outcome for e in events} >= {f"faults.{k}" for k in FAULTS}
    assert sim.stats["errors.unexpected"] == 0 and not sim.scheduler


def test_without_faults_nothing_goes_wrong_on_purpose():
    sim, store, _ = _run(7, faults=False, steps=300)
    assert not [k for k in sim.stats if k.startswith("faults.")]
    callbacks = store.bodies("/payments/")
    unpaid = [o for o in store.orders.values() if o["status"] == "pending_payment"]
    assert len(callbacks) == len(unpaid)  # each own-channel order paid exactly once
    assert {c["order_no"] for c in callbacks} == {o["order_no"] for o in unpaid}
    assert not [b for b in store.bodies("/redemptions") if b.get("result") == "failed"]
    assert sim.stats["redemptions.duplicate"] == 0


def test_channel_orders_are_plausible_and_unique(faulty):
    _, store, _ = faulty
    orders = store.bodies("/channels/")
    channels = Counter(p.split("/")[2] for p, _ in store.sent if p.startswith("/channels/"))
    assert set(channels) == {"ota_ctrip", "ota_meituan", "miniprogram", "website"}
    assert len({b["external_id"] for b in orders}) == len(orders)
    for b in orders:
        persons = sum(ln["qty"] * (2 if ln["ticket_type"] == "FAMILY" else 1)
                      for ln in b["lines"])
        assert 1 <= persons <= 4
        assert {ln["ticket_type"] for ln in b["lines"]} <= {"ADULT", "CHILD", "FAMILY"}
        listed = sum(traffic.LIST_PRICES[ln["ticket_type"]] * ln["qty"] for ln in b["lines"])
        assert listed * 0.92 <= b["amount_fen"] <= listed and b["amount_fen"] % 100 == 0
        assert "2026-11-21" <= b["visit_date"] <= "2026-11-24"
        assert "\u4e00" <= b["customer"]["name"][0] <= "\u9fff"
        assert len(b["customer"]["phone"]) == 11 and b["customer"]["phone"][0] == "1"
    ota = [b for p, b in store.sent if p.startswith("/channels/ota_")]
    assert all(b["paid"] for b in ota) and any(b["amount_fen"] < 10000 * 1 for b in ota)


def test_callback_faults_as_requests(faulty):
    _, store, _ = faulty
    callbacks = store.bodies("/payments/")
    by_txn = Counter(c["provider_txn_id"] for c in callbacks)
    assert max(by_txn.values()) == 2  # a duplicate callback: the same txn twice...
    twice = [t for t, n in by_txn.items() if n == 2]
    for txn in twice:  # ...with the very same body
        same = [c for c in callbacks if c["provider_txn_id"] == txn]
        assert same[0] == same[1]
    per_order = Counter(c["order_no"] for c in callbacks if by_txn[c["provider_txn_id"]] == 1)
    assert max(per_order.values()) >= 2  # a duplicate payment: another txn, same order
    orphans = [c for c in callbacks if c["order_no"] not in store.orders]
    assert orphans and all(c["attach"]["channel"] in traffic.OWN_CHANNELS
                           and c["attach"]["lines"] for c in orphans)
    assert all(c["paid_at"].endswith("Z") for c in callbacks)
    failed = [c for c in callbacks if c["status"] == "failed"]
    assert failed and all(c["order_no"] in store.orders for c in failed)
    unpaid = {o["order_no"] for o in store.orders.values() if o["status"] == "pending_payment"}
    assert unpaid - {c["order_no"] for c in callbacks}  # lost callbacks: never sent


def test_redemption_faults_as_requests(faulty):
    sim, store, _ = faulty
    scans = store.bodies("/redemptions")
    by_nonce = Counter(s["nonce"] for s in scans)
    assert 2 in by_nonce.values()  # a repeated nonce
    assert sim.stats["redemptions.duplicate"] > 0
    assert {s["device_id"] for s in scans} == {"gate-1", "gate-2"}
    failed = [s for s in scans if s.get("result") == "failed"]
    assert failed and all(s["reason"] for s in failed)
    offline = [(body, at) for (path, body), at in zip(store.sent, store.sent_at, strict=True)
               if path == "/redemptions" and datetime.fromisoformat(body["at"]) <
               at - timedelta(minutes=4)]
    assert offline  # offline batches carry the time of the scan, minutes before the upload
    assert all(datetime.fromisoformat(s["at"]) <= at
               for (p, s), at in zip(store.sent, store.sent_at, strict=True)
               if p == "/redemptions")


def test_summary_reads_in_chinese_with_numbers(faulty):
    sim, _, _ = faulty
    text = summary(sim.stats, seconds=12.34, pending={"late_callback": 2})
    assert "模拟结束：用时 12.3 秒，共 400 步" in text
    assert f"携程 {sim.stats['orders.ota_ctrip']}" in text
    assert f"重复支付 {sim.stats['faults.duplicate_payment']}" in text
    assert "服务器错误（5xx）：0" in text and "迟到回调 2" in text
