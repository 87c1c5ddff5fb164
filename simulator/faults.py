"""Fault scenarios that need more than a channel and a gate: a provider that says "failed" or
never answers, refunds (a window clerk's of his own sale, for approval; the office's by the
original route; a window's offline, crossing a gate, or above the store's quote), pushes
offline sales on an exhausted lease, for a day without stock or at a price other than the
store's, and an admin who changes a day's capacity. Together with the runner's own faults they
make every anomaly kind of DESIGN.md §6 — the time-based ones once the store's sweep sees
them old enough (paying 10 min, a refund waiting 30 min, a provider refund failing 3 times).

A mixin of `simulator.runner.Simulator`: it uses the runner's client, clock, rng, tickets and
bookkeeping. Every step goes through the store's HTTP API only; a refusal is counted and the
scenario ends there."""

from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.ids import channel_order_no

from . import ops, traffic
from .client import Reply, StaffLogin
from .tickets import SimTicket

PRICES = {"ADULT": 10000, "CHILD": 5000}


class FaultScenarios:
    _clerk: StaffLogin
    _admin: StaffLogin

    # ---- the window the faults sell at -------------------------------------------------------

    def _register_window(self) -> Reply:
        """POST /devices (as the admin) for this run's window, terminal S…; its secret is
        what the clerk signs in with. A registration whose answer was lost (409: registered
        already, the secret unknown) is taken out of service and the window registered anew."""
        for _ in range(2):
            reply = self._admin.post("/devices", {
                "device_id": self._clerk.device_id, "kind": "window",
                "terminal": self._terminal, "location": "模拟器窗口"})
            if reply.status != 409:
                break
            retired = self._admin.put(f"/devices/{self._clerk.device_id}", {"active": False})
            if not retired.ok:
                return retired
            self._clerk.device_id = f"sim-window-{self._tag}-{self._next()}"
        return reply

    # ---- payments ----------------------------------------------------------------------------

    def _own_unpaid(self, **extra: Any) -> dict[str, Any] | None:
        channel = self._rng.choice(traffic.OWN_CHANNELS)
        return self._place(channel, self._order_body(paid=False, discount=False) | extra)

    def _payment_failure(self) -> None:
        """The provider calls back "failed": the order stays unpaid, an anomaly opens."""
        order = self._own_unpaid()
        if order is None:
            return
        provider = self._rng.choice(traffic.PROVIDERS)
        self._emit("payment_failure", "faults.payment_failure",
                   f"故障：{order['order_no']} 的{provider}支付失败回调")
        self._callback(provider, traffic.callback(
            self._new_txn(provider), order["order_no"], order["total_fen"], self._clock(),
            status="failed"), None)

    def _left_paying(self) -> None:
        """The visitor started paying and the provider never calls back: `paying` forever."""
        provider = self._rng.choice(traffic.PROVIDERS)
        txn = self._new_txn(provider)
        order = self._own_unpaid(payment={"provider": provider, "provider_txn_id": txn})
        if order is not None:
            self._emit("left_paying", "faults.left_paying",
                       f"故障：{order['order_no']} 已发起支付（{txn}），支付结果一直没有回来")

    def _paid_twice(self) -> None:
        """Two successful payments for one order, a minute apart."""
        order = self._own_unpaid()
        if order is None:
            return
        self._emit("duplicate_payment", "faults.duplicate_payment",
                   f"故障：{order['order_no']} 被支付了两次")
        for _ in range(2):
            provider = self._rng.choice(traffic.PROVIDERS)
            self._callback(provider, traffic.callback(
                self._new_txn(provider), order["order_no"], order["total_fen"], self._clock()),
                order)

    def _paid_no_order(self) -> None:
        """A visitor paid but the order never reached the store: the provider's callback
        names an order_no nobody knows, with the order in `attach`."""
        channel = self._rng.choice(traffic.OWN_CHANNELS)
        order = self._order_body(paid=False, discount=False)
        order_no = channel_order_no(channel, order["external_id"])
        provider = self._rng.choice(traffic.PROVIDERS)
        body = traffic.callback(self._new_txn(provider), order_no, order["amount_fen"],
                                self._clock(), attach=traffic.attach_for(channel, order))
        self._emit("paid_no_order", "faults.paid_no_order",
                   f"故障：{provider} 收款 {order_no}，但中心库没有这笔订单")
        self._callback(provider, body, None)

    # ---- refunds -------------------------------------------------------------------------------

    def _request_refund(self, order: dict[str, Any], method: str, *,
                        by: StaffLogin | None = None, **extra: Any) -> Reply:
        """A refund request by the window clerk (his window's orders) or `by` another login
        (the office: a channel's orders, which a clerk may not refund — DESIGN.md §14)."""
        first = order["tickets"][0]["ticket_id"]
        key = f"sim-{self._tag}-{self._next()}"
        return (by or self._clerk).post(f"/orders/{order['order_no']}/refunds", {
            "ticket_ids": [first], "method": method, "reason": "游客行程变更"} | extra,
            headers={"Idempotency-Key": key})

    def _refund_left_waiting(self) -> None:
        """A clerk's fee override, on a sale of his window, waits for a supervisor who never
        comes."""
        day = self._today() + timedelta(days=3)
        order = self._sale(day, "ADULT", 1, self._clock())
        if order is None:
            return
        reply = self._request_refund(order, "cash", override={
            "fee_bp": 0, "reason": "游客摔伤，凭医院证明免手续费",
            "evidence_no": f"SIM-{self._tag}-{self._next()}".upper()})
        if not reply.ok:
            self._refused("refund", f"{order['order_no']} 退票申请", reply)
            return
        self._emit("refund_left_waiting", "faults.refund_left_waiting",
                   f"故障：{order['order_no']} 的退票申请待主管审批，无人处理")

    def _refund_provider_fails(self) -> None:
        """A refund by the original route that the provider refuses every time (the store's
        sandbox refuses payments whose transaction id carries its failure mark)."""
        order = self._own_unpaid()
        if order is None:
            return
        provider = self._rng.choice(traffic.PROVIDERS)
        txn = f"{self._new_txn(provider)}-{traffic.SANDBOX_FAIL_MARK}"
        self._callback(provider, traffic.callback(txn, order["order_no"], order["total_fen"],
                                                  self._clock()), None)
        reply = self._request_refund(order, provider, by=self._admin)
        if not reply.ok:
            self._refused("refund", f"{order['order_no']} 原路退款", reply)
            return
        self._emit("refund_provider_fails", "faults.refund_provider_fails",
                   f"故障：{order['order_no']} 原路退款，{provider}将连续拒绝")

    # ---- a window pushing what it did offline --------------------------------------------------

    def _push(self, op: dict[str, Any], what: str) -> bool:
        reply = self._clerk.post("/sync/push", ops.push_body(self._clerk.device_id, [op]))
        result = (reply.body.get("results") or [{}])[0] if reply.ok and isinstance(
            reply.body, dict) else {}
        if result.get("status") not in ("applied", "duplicate"):
            if reply.ok:
                reply = Reply(409, {"error": result.get("error") or {"code": result.get(
                    "status"), "message": "同步操作未被接受"}})
            self._refused("push", what, reply)
            return False
        return True

    def _sale(self, day: date, ticket_type: str, qty: int, sold_at: datetime,
              lease_id: str | None = None, price_fen: int | None = None
              ) -> dict[str, Any] | None:
        n = self._next()
        op = ops.sale_op(self._rng, seq=n, order_no=f"W{self._terminal}-{day:%Y%m%d}-{n:04d}",
                         day=day, ticket_type=ticket_type, qty=qty,
                         price_fen=PRICES[ticket_type] if price_fen is None else price_fen,
                         terminal=self._terminal,
                         clerk=self._clerk_name, device_id=self._clerk.device_id,
                         sold_at=sold_at, lease_id=lease_id)
        order_no = op["payload"]["order_no"]
        if not self._push(op, f"窗口售票 {order_no}"):
            return None
        self._emit("sale", "orders.window", f"窗口 {order_no} 离线售出 {qty} 张，已同步")
        return op["payload"]

    def _refund_offline(self, order_no: str, order_id: str, ticket_id: str, amount: int,
                        at: datetime) -> bool:
        op = ops.refund_op(self._rng, seq=self._next(), order_no=order_no, order_id=order_id,
                           ticket_ids=[ticket_id], amount_fen=amount, clerk=self._clerk_name,
                           refunded_at=at)
        return self._push(op, f"窗口离线退票 {order_no}")

    def _refund_crosses_redemption(self) -> None:
        """A window refunded a ticket of its own sale offline (a window refunds only what it
        sold, DESIGN §14) while the visitor went through a gate."""
        now = self._clock()
        sold = self._sale(self._today(), "ADULT", 1, now - timedelta(minutes=20))
        if sold is None:
            return
        first = sold["tickets"][0]
        ticket = SimTicket(first["code"], sold["order_no"], self._today(), now,
                           ticket_id=first["ticket_id"], order_id=sold["order_id"],
                           price_fen=PRICES["ADULT"])
        if self._pass(ticket, self._rng.choice(traffic.GATES), now) is None \
                or ticket.redeemed_by is None:
            return
        at = now - timedelta(minutes=self._rng.randint(1, 10))
        if self._refund_offline(ticket.order_no, str(ticket.order_id), ticket.ticket_id,
                                ticket.price_fen, at):
            self._emit("refund_crosses_redemption", "faults.refund_crosses_redemption",
                       f"故障：{ticket.order_no} 的票已过闸机，窗口离线退票后才同步")

    def _price_mismatch(self) -> None:
        """A window sold at last season's price: the store records what was paid and flags it."""
        day = self._today() + timedelta(days=self._rng.randint(1, 10))
        sale = self._sale(day, "ADULT", 2, self._clock(), price_fen=PRICES["ADULT"] - 2000)
        if sale is not None:
            self._emit("price_mismatch", "faults.price_mismatch",
                       f"故障：窗口 {sale['order_no']} 按旧价售出 2 张成人票，少收 ¥40.00")

    def _refund_mismatch(self) -> None:
        """A window refunds tomorrow's ticket offline in full: the store's quote keeps a fee."""
        day = self._today() + timedelta(days=1)
        sale = self._sale(day, "ADULT", 1, self._clock() - timedelta(minutes=5))
        if sale is None:
            return
        if self._refund_offline(sale["order_no"], sale["order_id"],
                                sale["tickets"][0]["ticket_id"], PRICES["ADULT"], self._clock()):
            self._emit("refund_mismatch", "faults.refund_mismatch",
                       f"故障：窗口离线全额退 {sale['order_no']}，未扣退票手续费")

    # ---- stock ---------------------------------------------------------------------------------

    def _stock(self, day: date, ticket_type: str) -> dict[str, Any] | None:
        reply = self._admin.get(f"/inventory?date={day.isoformat()}")
        if not reply.ok or not isinstance(reply.body, dict):
            self._refused("inventory", f"{day} 库存查询", reply)
            return None
        return next((i for i in reply.body.get("items", [])
                     if i.get("ticket_type") == ticket_type), {})

    def _set_capacity(self, day: date, ticket_type: str, capacity: int) -> bool:
        reply = self._admin.put(f"/inventory/{day.isoformat()}/{ticket_type}",
                                {"capacity": capacity})
        if not reply.ok:
            self._refused("capacity", f"{day} {ticket_type} 容量设置", reply)
        return reply.ok

    def _oversold(self) -> None:
        """The window sells one more than its lease on a day the admin just closed."""
        day = self._today() + timedelta(days=self._rng.randint(20, 29))
        reply = self._clerk.post("/leases", {"ticket_type": "CHILD",
                                             "visit_date": day.isoformat(), "qty": 1})
        if not reply.ok or not isinstance(reply.body, dict):
            self._refused("lease", f"{day} 儿童票预留", reply)
            return
        lease = reply.body
        stock = self._stock(day, "CHILD")
        if not stock or not self._set_capacity(day, "CHILD", stock["sold"] + stock["held"]):
            return
        left = lease["granted"] - lease["used"]
        if self._sale(day, "CHILD", left + 1, self._clock(), lease["lease_id"]) is not None:
            self._emit("oversold", "faults.oversold",
                       f"故障：窗口在预留用完、{day} 已无余票时又售出 1 张儿童票")

    def _stock_not_deducted(self) -> None:
        """A window sells for a day that has no stock yet; the admin opens the day later
        with nothing sold: that sale's unit is in no count."""
        for _ in range(5):
            day = self._today() + timedelta(days=self._rng.randint(31, 89))
            stock = self._stock(day, "ADULT")
            if stock is None:
                return
            if not stock:
                break
        else:
            return
        if self._sale(day, "ADULT", 1, self._clock()) is None:
            return
        if self._set_capacity(day, "ADULT", 300):
            self._emit("stock_not_deducted", "faults.stock_not_deducted",
                       f"故障：{day} 开放售票前窗口已售出 1 张，开放后库存未计入")

    def _refund_not_restored(self) -> None:
        """Yesterday a window sold a ticket and refunded it offline the same afternoon; the
        refund reaches the store today, when the visit date is past: the unit stays sold."""
        yesterday = self._today() - timedelta(days=1)
        stock = self._stock(yesterday, "CHILD")
        if stock is None:
            return
        room = stock.get("capacity", 0) - stock.get("sold", 0) - stock.get("held", 0)
        if room < 1 and not self._set_capacity(yesterday, "CHILD", stock.get("capacity", 0) + 10):
            return
        sold_at = datetime.combine(yesterday, time(11, 0), self._venue.tz)
        sale = self._sale(yesterday, "CHILD", 1, sold_at)
        if sale is None:
            return
        if self._refund_offline(sale["order_no"], sale["order_id"],
                                sale["tickets"][0]["ticket_id"], PRICES["CHILD"],
                                sold_at + timedelta(hours=4)):
            self._emit("refund_not_restored", "faults.refund_not_restored",
                       f"故障：{sale['order_no']} 昨天离线退票，今天才同步，库存未回补")
