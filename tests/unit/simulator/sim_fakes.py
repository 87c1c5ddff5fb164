"""A fake store for unit tests of the simulator's logic (the real one is in the integration
tests): it answers like DESIGN.md §8 and records every request; and a settable clock."""

import itertools
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from simulator.client import Reply, Unreachable

PREFIX = {"ota_ctrip": "CTRIP", "ota_meituan": "MEITUAN", "miniprogram": "MP", "website": "WEB"}


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class FakeStore:
    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.sent: list[tuple[str, dict[str, Any]]] = []  # (path, body) of every POST
        self.sent_at: list[datetime | None] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.nonces: dict[str, dict[str, Any]] = {}
        self.redeemed: set[str] = set()
        self.down = False
        self._codes = itertools.count(1)

    def post_signed(self, path: str, payload: Mapping[str, Any]) -> Reply:
        self._check()
        body = dict(payload)
        self.sent.append((path, body))
        self.sent_at.append(self.clock() if self.clock else None)
        if path.startswith("/channels/"):
            return self._order(path.split("/")[2], body)
        return Reply(200, {"ok": True})

    def login(self, username: str, password: str, device_id: str) -> Reply:
        self._check()
        return Reply(200, {"token": f"tok-{device_id}", "role": "gate", "display_name": "闸机"})

    def post_as(self, token: str, path: str, payload: Mapping[str, Any]) -> Reply:
        self._check()
        body = dict(payload)
        self.sent.append((path, body))
        self.sent_at.append(self.clock() if self.clock else None)
        if body["nonce"] in self.nonces:
            return Reply(200, self.nonces[body["nonce"]])
        if body.get("result") == "failed":
            outcome = "failed"
        elif body["ticket_code"] in self.redeemed:
            outcome = "duplicate"
        else:
            outcome = "valid"
            self.redeemed.add(body["ticket_code"])
        answer = {"outcome": outcome, "order_no": "X", "ticket": {"code": body["ticket_code"]}}
        self.nonces[body["nonce"]] = answer
        return Reply(200, answer)

    def bodies(self, prefix: str) -> list[dict[str, Any]]:
        return [b for p, b in self.sent if p.startswith(prefix)]

    def _check(self) -> None:
        if self.down:
            raise Unreachable("connection refused")

    def _order(self, channel: str, body: dict[str, Any]) -> Reply:
        order_no = f"{PREFIX[channel]}-{body['external_id']}"
        if order_no in self.orders:
            return Reply(200, self.orders[order_no])
        n = sum(q["qty"] * (2 if q["ticket_type"] == "FAMILY" else 1) for q in body["lines"])
        order = {"order_no": order_no, "channel": channel, "visit_date": body["visit_date"],
                 "status": "paid" if body["paid"] else "pending_payment",
                 "total_fen": body["amount_fen"],
                 "tickets": [{"code": f"MP1-{next(self._codes):026d}"} for _ in range(n)]}
        self.orders[order_no] = order
        return Reply(201, order)
