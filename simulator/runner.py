"""The simulator: `step()` does one random thing a channel, a payment provider or a gate would
do; `run()` paces steps at `rate` per second (Poisson arrivals) until a duration passes or a
stop event is set. Time comes only from the injected `clock` and `sleep`.

Every HTTP answer is counted in `stats`, never raised: a refusal is logged and the run goes
on; a store that cannot be reached makes the simulator back off 1 s, and delayed callbacks
that met it are retried then."""

import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.domain.venue import Venue

from . import traffic
from .client import GateLogins, Reply, StaffLogin, StoreClient, Transport, Unreachable
from .faults import FaultScenarios
from .scheduler import Scheduler
from .tickets import SimTicket, TicketPool

log = logging.getLogger("menpiao.simulator")
BACKOFF = timedelta(seconds=1)
PAUSE_SLICE = 0.25  # seconds; how quickly a stop request is noticed
GENTLE_RATE = 0.1  # events per second: a few orders a minute for the embedded default


@dataclass(frozen=True)
class SimEvent:
    """What just happened, for a log view: `outcome` is the stats key, `message` Chinese."""

    action: str
    outcome: str
    message: str


def _system_clock() -> datetime:
    return datetime.now(UTC)


class Simulator(FaultScenarios):
    """Channel, gate and window traffic against the store at `base_url` (with or without
    `/api/v1`). `faults`: every fault kind at the start, then one step in four or so;
    `gentle_faults` (the embedded default): a few at the start, then a handful an hour."""

    def __init__(self, base_url: str, *, secret: str, rng: random.Random | None = None,
                 clock: Callable[[], datetime] = _system_clock,
                 sleep: Callable[[float], None] = time.sleep,
                 gate_user: tuple[str, str] = ("gate1", "gate1"), rate: float = 1.0,
                 faults: bool = False, on_event: Callable[[SimEvent], None] | None = None,
                 venue: Venue | None = None, client: Transport | None = None,
                 gentle_faults: bool = False, clerk_user: tuple[str, str] = ("clerk1", "clerk1"),
                 admin_user: tuple[str, str] = ("admin", "admin")) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.faults = rate, faults
        self.stats: Counter[str] = Counter()
        self.scheduler = Scheduler()
        self._rng = rng or random.Random()
        self._clock, self._sleep = clock, sleep
        self._on_event = on_event
        self._venue = venue or Venue()
        self._client: Transport = client or StoreClient(base_url, secret)
        self._mix = traffic.action_mix(faults, gentle=gentle_faults)
        self._fates = traffic.CALLBACK_FATES if faults else {"normal": 1}
        self._opening = deque(traffic.OPENING_FAULTS if faults else
                              traffic.GENTLE_OPENING if gentle_faults else ())
        self._tag = traffic.run_tag(self._rng, clock())
        self._terminal = ("S" + self._tag[:7]).upper()  # this run's window: W{terminal}-...
        self._clerk_name = clerk_user[0]
        self._admin = StaffLogin(self._client, *admin_user)  # an admin signs in at no device
        self._clerk = StaffLogin(self._client, *clerk_user, device_id=f"sim-window-{self._tag}",
                                 enroll=self._register_window)
        self._serial = 0
        self._gates = GateLogins(self._client, *gate_user)
        self.tickets = TicketPool(self._rng)
        self._down_until: datetime | None = None
        self._actions: Mapping[str, Callable[[], None]] = {
            "ota_order": self._ota_order, "own_order": self._own_order,
            "redeem": self._redeem, "paid_no_order": self._paid_no_order,
            "duplicate_redemption": self._duplicate_redemption,
            "repeated_nonce": self._repeated_nonce, "offline_batch": self._offline_batch,
            "failed_redemption": self._failed_redemption,
            "payment_failure": self._payment_failure, "left_paying": self._left_paying,
            "duplicate_payment": self._paid_twice,
            "refund_left_waiting": self._refund_left_waiting,
            "refund_provider_fails": self._refund_provider_fails,
            "refund_crosses_redemption": self._refund_crosses_redemption,
            "oversold": self._oversold, "stock_not_deducted": self._stock_not_deducted,
            "refund_not_restored": self._refund_not_restored,
            "price_mismatch": self._price_mismatch, "refund_mismatch": self._refund_mismatch}

    # ---- driving -------------------------------------------------------------------------

    def step(self) -> str | None:
        """Send what is due, then do one random action; None while backing off."""
        if self._backing_off():
            return None
        self.pump()
        if self._backing_off():
            return None
        action = self._opening.popleft() if self._opening else traffic.pick(self._rng,
                                                                                 self._mix)
        self.stats["steps"] += 1
        self._guard(action, self._actions[action])
        return action

    def pump(self) -> int:
        """Run the delayed actions that are due; those that meet a store that is down wait
        until the back-off is over. Returns how many ran."""
        ran = 0
        for item in self.scheduler.pop_due(self._clock()):
            if self._backing_off():
                self.scheduler.add(self._down_until or self._clock(), item.kind, item.action)
                continue
            ran += 1
            if not self._guard(item.kind, item.action):
                self.scheduler.add(self._down_until or self._clock(), item.kind, item.action)
        return ran

    def run(self, duration: float | None = None,
            stop_event: threading.Event | None = None) -> Counter[str]:
        """Steps at `rate` per second for `duration` seconds (None: until `stop_event`). The
        opening faults all go out before a duration ends (however slow the store answers),
        unless the store is down."""
        start = self._clock()
        end = None if duration is None else start + timedelta(seconds=duration)
        next_at = start
        while not (stop_event is not None and stop_event.is_set()):
            now = self._clock()
            if end is not None and now >= end:
                if not self._opening or self._backing_off():
                    break
                next_at = min(next_at, now)  # the opening faults left go out at once
            if now >= next_at:
                self.step()
                next_at = max(now + timedelta(seconds=self._rng.expovariate(self.rate)),
                              self._down_until or now)
            else:
                self.pump()
            wake = min(t for t in (next_at, end, self.scheduler.next_due()) if t is not None)
            self._pause((wake - self._clock()).total_seconds(), stop_event)
        if self.scheduler:
            log.info("simulator stopped with %d delayed actions unsent: %s",
                     len(self.scheduler), self.scheduler.kinds())
        return self.stats

    @property
    def server_errors(self) -> int:
        """How many answers were 5xx (a store should never give one)."""
        return sum(n for k, n in self.stats.items() if k.startswith("http.5"))

    def _pause(self, seconds: float, stop_event: threading.Event | None) -> None:
        while seconds > 0 and not (stop_event is not None and stop_event.is_set()):
            chunk = min(seconds, PAUSE_SLICE)
            self._sleep(chunk)
            seconds -= chunk

    def _backing_off(self) -> bool:
        return self._down_until is not None and self._clock() < self._down_until

    def _guard(self, action: str, fn: Callable[[], None]) -> bool:
        """Run one action; False when the store could not be reached (retry later)."""
        try:
            fn()
        except Unreachable as exc:
            self._down_until = self._clock() + BACKOFF
            self._emit(action, "unreachable", f"中心库无法连接，1 秒后重试：{exc}")
            log.warning("store unreachable during %s: %s", action, exc)
            return False
        except Exception:  # noqa: BLE001 - a simulator outlives any odd answer
            log.exception("simulator action %s failed", action)
            self._emit(action, "errors.unexpected", "模拟动作出错（已记录日志），继续运行")
        return True

    # ---- bookkeeping ---------------------------------------------------------------------

    def _emit(self, action: str, outcome: str, message: str) -> None:
        self.stats[outcome] += 1
        if self._on_event is not None:
            try:
                self._on_event(SimEvent(action, outcome, message))
            except Exception:  # noqa: BLE001 - a listener never stops the traffic
                log.exception("simulator event listener failed")

    def _refused(self, action: str, what: str, reply: Reply) -> None:
        message = reply.body.get("error", {}).get("message", "") \
            if isinstance(reply.body, dict) else str(reply.body)[:200]
        log.warning("%s refused: HTTP %s %s %s", action, reply.status, reply.error_code,
                    message)
        self._emit(action, f"http.{reply.status}",
                   f"{what}被拒绝：HTTP {reply.status} {reply.error_code or ''} {message}".strip())

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _today(self) -> date:
        return self._venue.local_date(self._clock())

    # ---- channels and payments -----------------------------------------------------------

    def _new_external_id(self) -> str:
        return f"{self._tag}{self._next():05d}".upper()

    def _new_txn(self, provider: str) -> str:
        return f"{'WX' if provider == 'wechat' else 'ALI'}{self._tag}{self._next():07d}".upper()

    def _order_body(self, *, paid: bool, discount: bool, day: date | None = None
                    ) -> dict[str, Any]:
        rng, now = self._rng, self._clock()
        return traffic.channel_order(
            self._new_external_id(), day or traffic.visit_date(rng, now, self._venue),
            traffic.party(rng, discount=discount), traffic.customer(rng), paid=paid)

    def _place(self, channel: str, body: Mapping[str, Any]) -> dict[str, Any] | None:
        reply = self._client.post_signed(f"/channels/{channel}/orders", body)
        if not reply.ok or not isinstance(reply.body, dict):
            self._refused("order", f"{channel} 订单 {body['external_id']}", reply)
            return None
        created = reply.status == 201
        order = reply.body
        self._emit("order", f"orders.{channel}" if created else "orders.replayed",
                   f"{channel} 订单 {order.get('order_no')}：{order.get('total_fen', 0) / 100:.2f} 元，"
                   f"{len(order.get('tickets', []))} 张票，{order.get('status')}")
        return order

    def _admit(self, order: Mapping[str, Any]) -> None:
        self.tickets.admit(order, self._clock())

    def _ota_order(self, day: date | None = None) -> None:
        channel = self._rng.choice(traffic.OTA_CHANNELS)
        order = self._place(channel, self._order_body(paid=True, discount=True, day=day))
        if order is not None and order.get("status") == "paid":
            self._admit(order)

    def _own_order(self) -> None:
        rng = self._rng
        channel = rng.choices(traffic.OWN_CHANNELS, weights=(70, 30))[0]
        order = self._place(channel, self._order_body(paid=False, discount=False))
        if order is None:
            return
        fate = traffic.pick(rng, self._fates)
        provider = rng.choice(traffic.PROVIDERS)
        now = self._clock()
        paid_at = now + traffic.callback_delay(rng, "normal")
        body = traffic.callback(self._new_txn(provider), order["order_no"],
                                order["total_fen"], paid_at)
        if fate == "lost":
            self._emit("own_order", "faults.lost_callback",
                       f"故障：{order['order_no']} 的支付回调丢失（订单将超时取消）")
            return
        if fate == "late":
            self._emit("own_order", "faults.late_callback",
                       f"故障：{order['order_no']} 的支付回调将迟到")
            self._later(now + traffic.callback_delay(rng, "late"), "late_callback",
                        lambda: self._callback(provider, body, None))
            return
        self._later(paid_at, "callback", lambda: self._callback(provider, body, order))
        if fate == "duplicate_callback":
            self._emit("own_order", "faults.duplicate_callback",
                       f"故障：{order['order_no']} 的支付回调将重复发送")
            again = paid_at + timedelta(seconds=rng.randint(1, 30))
            self._later(again, "duplicate_callback", lambda: self._callback(provider, body, None))
        elif fate == "duplicate_payment":
            self._emit("own_order", "faults.duplicate_payment",
                       f"故障：{order['order_no']} 将被重复支付")
            second, second_at = rng.choice(traffic.PROVIDERS), \
                paid_at + timedelta(seconds=rng.randint(10, 120))
            twice = traffic.callback(self._new_txn(second), order["order_no"],
                                     order["total_fen"], second_at)
            self._later(second_at, "second_payment", lambda: self._callback(second, twice, None))

    def _later(self, due: datetime, kind: str, action: Callable[[], None]) -> None:
        self.scheduler.add(due, kind, action)

    def _callback(self, provider: str, body: Mapping[str, Any],
                  admits: Mapping[str, Any] | None) -> None:
        """Send one payment callback; `admits` is the order whose tickets it makes usable."""
        reply = self._client.post_signed(f"/payments/{provider}/callback", body)
        if not reply.ok:
            self._refused("callback", f"支付回调 {body['provider_txn_id']}", reply)
            return
        self._emit("callback", "callbacks.accepted",
                   f"{provider} 支付回调 {body['provider_txn_id']} → {body['order_no']}："
                   f"{body['amount_fen'] / 100:.2f} 元")
        if admits is not None:
            self._admit(admits)

    # ---- gates ---------------------------------------------------------------------------

    def _pass(self, ticket: SimTicket, gate: str, at: datetime, *, nonce: str | None = None,
              failed: str | None = None, replay: bool = False) -> dict[str, Any] | None:
        """One scan at a gate; the store's answer, counted by outcome."""
        body = traffic.redemption(nonce or f"{gate}-{self._tag}-{self._next()}", ticket.code,
                                  gate, at, failed_reason=failed)
        reply = self._gates.scan(gate, body)
        if not reply.ok or not isinstance(reply.body, dict):
            self._refused("redeem", f"{gate} 核销 {ticket.code}", reply)
            return None
        outcome = str(reply.body.get("outcome"))
        self._emit("redeem", "redemptions.replayed" if replay else f"redemptions.{outcome}",
                   f"{gate} 核销 {ticket.order_no} 的票：{outcome}")
        if outcome == "valid":
            self.tickets.redeemed(ticket, gate)
        return {"body": body, "reply": reply.body}

    def _fresh_or_order(self) -> SimTicket | None:
        """A ticket to scan; with none for today, an OTA sells one for today instead."""
        found = self.tickets.take(self._today())
        if found:
            return found[0]
        if self._clock() < self._venue.closing_at(self._today()):
            self._ota_order(day=self._today())
        return None

    def _redeem(self) -> None:
        ticket = self._fresh_or_order()
        if ticket is not None:
            self._pass(ticket, self._rng.choice(traffic.GATES), self._clock())

    def _failed_redemption(self) -> None:
        ticket = self._fresh_or_order()
        if ticket is None:
            return
        self._emit("failed_redemption", "faults.failed_redemption",
                   f"故障：闸机无法核销 {ticket.order_no} 的票")
        self._pass(ticket, self._rng.choice(traffic.GATES), self._clock(),
                   failed=traffic.failed_reason(self._rng))
        self.tickets.put_back([ticket])  # the visitor tries another lane later

    def _duplicate_redemption(self) -> None:
        """A ticket already through one gate is shown at the other (a shared screenshot)."""
        done = self.tickets.redeemed_on(self._today())
        if done:
            ticket = self._rng.choice(done)
        else:
            ticket = self._fresh_or_order()
            if ticket is None or self._pass(ticket, traffic.GATES[0], self._clock()) is None:
                return
            if ticket.redeemed_by is None:
                return
        self._emit("duplicate_redemption", "faults.duplicate_redemption",
                   f"故障：{ticket.order_no} 的票在另一闸机再次核销")
        self._pass(ticket, traffic.other_gate(ticket.redeemed_by or traffic.GATES[0]),
                   self._clock())

    def _repeated_nonce(self) -> None:
        """A gate that did not hear the answer sends the same scan again (same nonce)."""
        ticket = self._fresh_or_order()
        if ticket is None:
            return
        gate = self._rng.choice(traffic.GATES)
        first = self._pass(ticket, gate, self._clock())
        if first is None:
            return
        self._emit("repeated_nonce", "faults.repeated_nonce",
                   f"故障：{gate} 重发核销请求（nonce {first['body']['nonce']}）")
        self._pass(ticket, gate, datetime.fromisoformat(first["body"]["at"]),
                   nonce=first["body"]["nonce"], replay=True)

    def _offline_batch(self) -> None:
        """A gate that was offline uploads its scans of the last minutes in one burst;
        sometimes one ticket went through the other gate online meanwhile."""
        tickets = self.tickets.take(self._today(), self._rng.randint(2, 5))
        if not tickets:
            self._fresh_or_order()
            return
        gate = self._rng.choice(traffic.GATES)
        now = self._clock()
        crossed = self.tickets.redeemed_on(self._today(), traffic.other_gate(gate))
        if crossed and self._rng.random() < 0.3:
            tickets.append(self._rng.choice(crossed))
        earliest = max(t.sold_at for t in tickets)
        start = max(now - timedelta(minutes=self._rng.randint(5, 40)), earliest)
        step = (now - start) / (len(tickets) + 1)
        self._emit("offline_batch", "faults.offline_batch",
                   f"故障：{gate} 离线恢复，一次上传 {len(tickets)} 条核销")
        for i, ticket in enumerate(tickets, start=1):
            self._pass(ticket, gate, start + step * i)


def start_thread(sim: Simulator, stop_event: threading.Event,
                 duration: float | None = None) -> threading.Thread:
    """Run `sim` in a daemon thread until `stop_event` is set (or `duration` passes)."""
    thread = threading.Thread(target=sim.run, args=(duration, stop_event),
                              name="menpiao-simulator", daemon=True)
    thread.start()
    return thread


def start_gentle(base_url: str, secret: str, stop_event: threading.Event, *,
                 clock: Callable[[], datetime] = _system_clock) -> threading.Thread:
    """The desktop client's embedded default: a gentle simulator (a few orders a minute; a
    few faults at the start, then a handful an hour, so the anomaly queue is alive) in a
    daemon thread until `stop_event` is set."""
    return start_thread(Simulator(base_url, secret=secret, clock=clock, rate=GENTLE_RATE,
                                  gentle_faults=True), stop_event)
