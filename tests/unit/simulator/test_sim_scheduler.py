"""The scheduler of delayed actions and the simulator's pacing, on a fake clock."""

import random
import threading
from datetime import UTC, datetime, timedelta

from sim_fakes import FakeClock, FakeStore

from simulator.runner import Simulator
from simulator.scheduler import Scheduler

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def test_due_actions_come_out_in_time_order_ties_in_insertion_order():
    s = Scheduler()
    for due, kind in [(30, "c"), (10, "a"), (10, "b"), (60, "d")]:
        s.add(T0 + timedelta(seconds=due), kind, lambda: None)
    assert len(s) == 4 and s.next_due() == T0 + timedelta(seconds=10)
    assert s.pop_due(T0 + timedelta(seconds=9)) == []
    assert [p.kind for p in s.pop_due(T0 + timedelta(seconds=30))] == ["a", "b", "c"]
    assert s.kinds() == {"d": 1} and s.next_due() == T0 + timedelta(seconds=60)
    assert [p.kind for p in s.pop_due(T0 + timedelta(days=1))] == ["d"]
    assert not s and s.next_due() is None


def _sim(store, clock, **kw):
    return Simulator("http://store", secret="x", rng=random.Random(kw.pop("seed", 1)),
                     clock=clock, sleep=clock.advance, client=store, **kw)


def test_a_visitors_payment_callback_waits_for_the_clock():
    store, clock = FakeStore(), FakeClock(T0)
    sim = _sim(store, clock)
    sim._own_order()
    assert len(store.bodies("/channels/")) == 1 and store.bodies("/payments/") == []
    due = sim.scheduler.next_due()
    assert T0 + timedelta(seconds=5) <= due <= T0 + timedelta(seconds=120)
    clock.at = due - timedelta(microseconds=1)
    assert sim.pump() == 0 and store.bodies("/payments/") == []
    clock.at = due
    assert sim.pump() == 1
    [callback] = store.bodies("/payments/")
    order = next(iter(store.orders.values()))
    assert callback["order_no"] == order["order_no"]
    assert callback["amount_fen"] == order["total_fen"] and callback["status"] == "success"
    assert len(sim.tickets.fresh) == len(order["tickets"])  # paid: may now pass a gate


def test_a_store_that_is_down_means_back_off_one_second_and_retry_later():
    store, clock = FakeStore(), FakeClock(T0)
    sim = _sim(store, clock)
    sim._own_order()
    store.down = True
    clock.at = sim.scheduler.next_due()
    sim.pump()
    assert sim.stats["unreachable"] == 1 and len(sim.scheduler) == 1  # kept for later
    assert sim.step() is None  # backing off
    clock.advance(0.5)
    assert sim.step() is None
    store.down = False
    clock.advance(0.6)
    assert sim.step() is not None
    assert len(store.bodies("/payments/")) == 1 and sim.stats["callbacks.accepted"] == 1


def test_run_paces_steps_until_the_duration_is_over():
    store, clock = FakeStore(), FakeClock(T0)
    sim = _sim(store, clock, rate=2.0)
    sim.run(duration=300)
    assert clock.at >= T0 + timedelta(seconds=300)
    assert clock.at < T0 + timedelta(seconds=301)
    assert 400 < sim.stats["steps"] < 800  # Poisson arrivals, 2 per second, seeded
    assert sim.stats["errors.unexpected"] == 0 and sim.server_errors == 0


def test_every_opening_fault_goes_out_even_when_the_duration_is_shorter():
    """A loaded machine or a slow store: the duration is over after the first step, and still
    every opening fault of `--faults` is sent (the faults test relies on it)."""
    from simulator import traffic

    store, clock = FakeStore(), FakeClock(T0)
    sim = _sim(store, clock, rate=0.01, faults=True)  # one step per 100 s on average
    sim.run(duration=1)
    assert sim.stats["steps"] >= len(traffic.OPENING_FAULTS)
    assert not sim._opening  # noqa: SLF001


def test_run_stops_when_the_stop_event_is_set():
    store, clock = FakeStore(), FakeClock(T0)
    stop = threading.Event()

    def sleep(seconds):
        clock.advance(seconds)
        if clock.at >= T0 + timedelta(seconds=30):
            stop.set()

    sim = Simulator("http://store", secret="x", rng=random.Random(2), clock=clock, sleep=sleep,
                    client=store)
    sim.run(None, stop)
    assert T0 + timedelta(seconds=30) <= clock.at < T0 + timedelta(seconds=31)
    assert sim.stats["steps"] > 0


def test_a_background_simulator_stops_when_asked():
    from simulator.runner import start_thread

    store, stop = FakeStore(), threading.Event()
    sim = Simulator("http://store", secret="x", rng=random.Random(3), rate=50.0, client=store)
    thread = start_thread(sim, stop)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def test_gates_sign_in_per_device_and_again_when_the_token_is_refused():
    from simulator.client import GateLogins, Reply

    class Store(FakeStore):
        logins: list[str] = []

        def login(self, username, password, device_id, device_secret=None):
            assert device_secret == device_id  # the demo gates' secrets
            self.logins.append(device_id)
            return Reply(200, {"token": f"tok-{device_id}-{len(self.logins)}"})

        def post_as(self, token, path, payload):
            if token == "tok-gate-1-1":  # the first token has been revoked
                return Reply(401, {"error": {"code": "unauthorized", "message": "登录已失效"}})
            return super().post_as(token, path, payload)

    store = Store()
    gates = GateLogins(store, "gate1", "gate1")
    scan = {"nonce": "n1", "ticket_code": "MP1-A", "device_id": "gate-1", "at": "x"}
    assert gates.scan("gate-1", scan).body["outcome"] == "valid"
    assert gates.scan("gate-1", scan | {"nonce": "n2"}).body["outcome"] == "duplicate"
    assert gates.scan("gate-2", scan | {"nonce": "n3"}).status == 200
    assert store.logins == ["gate-1", "gate-1", "gate-2"]
