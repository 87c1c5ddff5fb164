"""The fault scenarios that act as a window clerk and an admin, on a fake store with a seeded
rng: the first steps of `--faults` go through every scenario once, and each one is the
requests that make its anomaly (the store's reaction is in the integration tests)."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sim_fakes import FakeClock, FakeStore

from app.domain.ids import is_ticket_code
from app.services.refunds.refund_providers import FAILING_TXN_MARK
from simulator import traffic
from simulator.runner import Simulator

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TODAY = date(2026, 11, 21)


def _sim(*, faults=True, gentle=False, seed=3):
    clock = FakeClock(T0)
    store = FakeStore(clock)
    sim = Simulator("http://store", secret="x", rng=random.Random(seed), clock=clock,
                    sleep=clock.advance, faults=faults, gentle_faults=gentle, client=store)
    return sim, store, clock


@pytest.fixture(scope="module")
def opened():
    """The opening tour of `--faults`, one scenario per step."""
    sim, store, clock = _sim()
    actions = []
    for _ in traffic.OPENING_FAULTS:
        actions.append(sim.step())
        clock.advance(5)
    return sim, store, actions


def test_faults_start_with_one_of_each_scenario(opened):
    sim, _, actions = opened
    assert actions == list(traffic.OPENING_FAULTS)
    for kind in ("paid_no_order", "payment_failure", "left_paying", "duplicate_payment",
                 "refund_left_waiting", "refund_provider_fails", "oversold",
                 "stock_not_deducted", "refund_not_restored", "refund_crosses_redemption",
                 "price_mismatch", "refund_mismatch"):
        assert sim.stats[f"faults.{kind}"] == 1, (kind, sim.stats)
    assert sim.stats["errors.unexpected"] == 0


def test_a_left_paying_order_names_its_transaction_and_gets_no_callback(opened):
    _, store, _ = opened
    [paying] = [b for b in store.bodies("/channels/") if b.get("payment")]
    assert paying["paid"] is False and paying["payment"]["provider"] in traffic.PROVIDERS
    txn = paying["payment"]["provider_txn_id"]
    assert txn not in {c["provider_txn_id"] for c in store.bodies("/payments/")}


def test_refunds_asked_by_a_clerk(opened):
    """The clerk asks a fee override on his own window's sale (a clerk refunds only what his
    window sold, DESIGN.md §14); the route refund of an online order is asked by the office."""
    _, store, _ = opened
    refunds = [(p, b) for p, b in store.sent if p.endswith("/refunds")]
    waiting = [(p, b) for p, b in refunds if b.get("override")]
    assert len(waiting) == 1 and waiting[0][0].split("/")[2].startswith("WS")
    waiting = [b for _, b in waiting]
    assert waiting[0]["method"] == "cash"
    assert waiting[0]["override"]["reason"] and waiting[0]["override"]["evidence_no"]
    [by_route] = [(p, b) for p, b in refunds if not b.get("override")]
    order_no = by_route[0].split("/")[2]
    paid = [c for c in store.bodies("/payments/") if c["order_no"] == order_no]
    assert FAILING_TXN_MARK == traffic.SANDBOX_FAIL_MARK
    assert paid and FAILING_TXN_MARK in paid[0]["provider_txn_id"]
    txn = paid[0]["provider_txn_id"]
    assert by_route[1]["method"] == ("wechat" if txn.startswith("WX") else "alipay")


def _ops(store, kind):
    return [op for op in store.pushed if op["kind"] == kind]


def test_window_ops_sold_on_an_exhausted_lease_and_for_a_day_without_stock(opened):
    _, store, _ = opened
    sales = _ops(store, "sale")
    assert all(is_ticket_code(t["code"]) for op in sales for t in op["payload"]["tickets"])
    on_lease = [op["payload"] for op in sales if op["payload"]["lease_id"]]
    [lease_sale] = on_lease
    assert lease_sale["lines"] == [{"ticket_type": "CHILD", "qty": 2}]  # granted 1, sold 2
    day = lease_sale["visit_date"]
    assert store.stock[(day, "CHILD")] == {"capacity": 3}  # closed at sold + held
    far = [op["payload"] for op in sales if op["payload"]["visit_date"] >
           (TODAY + timedelta(days=30)).isoformat()]
    [far_sale] = far
    assert (far_sale["visit_date"], "ADULT") in store.stock  # opened after the sale
    idx = [p for p, _ in store.sent]
    assert idx.index(f"/inventory/{far_sale['visit_date']}/ADULT") > idx.index("/sync/push")


def test_a_refund_made_yesterday_is_pushed_today(opened):
    _, store, _ = opened
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    [sale] = [op["payload"] for op in _ops(store, "sale") if op["payload"]["visit_date"]
              == yesterday]
    refunds = {op["payload"]["order_id"]: op["payload"] for op in _ops(store, "refund")}
    refund = refunds[sale["order_id"]]
    assert refund["ticket_ids"] == [sale["tickets"][0]["ticket_id"]]
    assert sale["created_at"] < refund["created_at"] < T0.isoformat().replace("+00:00", "Z")
    assert refund["created_at"].startswith(yesterday)  # 15:00 local = 07:00Z the same day


def test_an_offline_refund_crosses_a_ticket_through_a_gate(opened):
    _, store, _ = opened
    redeemed = {b["ticket_code"] for b in store.bodies("/redemptions")
                if b.get("result") != "failed"}
    sold = {t["ticket_id"]: t["code"] for op in _ops(store, "sale")
            for t in op["payload"]["tickets"]}  # the window's own sales (DESIGN §14)
    crossing = [op["payload"] for op in _ops(store, "refund")
                if sold.get(op["payload"]["ticket_ids"][0]) in redeemed]
    assert crossing, "no offline refund of a window ticket that went through a gate"


def test_the_clerk_signs_in_on_its_own_window_registered_by_the_admin(opened):
    sim, store, _ = opened
    [(device_id, window)] = store.devices.items()
    assert device_id.startswith("sim-window-") and window["kind"] == "window"
    assert window["terminal"].startswith("S") and len(window["terminal"]) <= 8
    clerk = [(d, secret) for u, d, secret in store.logins if u == "clerk1"]
    assert clerk and clerk[0] == (device_id, f"secret-{device_id}")
    assert ("admin", None, None) in store.logins  # the admin signs in at no device


def test_gentle_faults_are_a_few_at_start_then_a_handful_an_hour():
    sim, _, clock = _sim(faults=False, gentle=True, seed=11)
    first = [sim.step() for _ in traffic.GENTLE_OPENING]
    assert first == list(traffic.GENTLE_OPENING)
    steps = 360 * 4  # four hours at the embedded rate of 0.1 steps per second
    faults = 0
    for _ in range(steps):
        faults += sim.step() in traffic.FAULT_MIX
        clock.advance(10)
    assert 4 * 2 <= faults <= 4 * 10, faults
    assert sim.stats["faults.lost_callback"] == 0  # own-channel callbacks arrive as they should
