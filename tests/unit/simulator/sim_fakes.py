"""A fake store for unit tests of the simulator's logic (the real one is in the integration
tests): it answers like DESIGN.md §8 and records every request; and a settable clock."""

import itertools
from collections.abc import Mapping
from datetime import date, datetime, timedelta
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
        self.logins: list[tuple[str, str, str | None]] = []
        self.pushed: list[dict[str, Any]] = []  # ops pushed to /sync/push
        self.devices: dict[str, dict[str, Any]] = {}  # POST /devices bodies by device id
        self.stock: dict[tuple[str, str], dict[str, Any]] = {}  # PUT /inventory
        self._codes = itertools.count(1)

    def post_signed(self, path: str, payload: Mapping[str, Any]) -> Reply:
        self._check()
        body = dict(payload)
        self.sent.append((path, body))
        self.sent_at.append(self.clock() if self.clock else None)
        if path.startswith("/channels/"):
            return self._order(path.split("/")[2], body)
        return Reply(200, {"ok": True})

    def login(self, username: str, password: str, device_id: str | None,
              device_secret: str | None = None) -> Reply:
        self._check()
        self.logins.append((username, device_id, device_secret))
        return Reply(200, {"token": f"tok-{device_id}", "role": "gate", "display_name": "闸机"})

    def post_as(self, token: str, path: str, payload: Mapping[str, Any],
                headers: Mapping[str, str] | None = None) -> Reply:
        self._check()
        body = dict(payload)
        self.sent.append((path, body))
        self.sent_at.append(self.clock() if self.clock else None)
        if path == "/sync/push":
            self.pushed.extend(body["ops"])
            return Reply(200, {"results": [{"op_id": op["op_id"], "status": "applied",
                                            "server_version": 1} for op in body["ops"]]})
        if path == "/devices":  # POST /devices: the secret shown once
            self.devices[body["device_id"]] = body
            return Reply(201, {"device_id": body["device_id"],
                               "device_secret": f"secret-{body['device_id']}"})
        if path == "/leases":
            return Reply(201, {"lease_id": f"lease-{len(self.sent)}", "granted": body["qty"],
                               "used": 0})
        if path.endswith("/refunds"):
            assert headers and headers.get("Idempotency-Key")
            status = "awaiting_approval" if body.get("override") else "processing"
            return Reply(201, {"refund_no": path.split("/")[2] + "-R1", "status": status})
        return self._redeem(body)

    def put_as(self, token: str, path: str, payload: Mapping[str, Any]) -> Reply:
        self._check()
        self.sent.append((path, dict(payload)))
        self.sent_at.append(self.clock() if self.clock else None)
        _, _, day, code = path.split("/")
        self.stock[(day, code)] = dict(payload)
        return Reply(200, {"ticket_type": code, "capacity": payload["capacity"]})

    def get_as(self, token: str, path: str) -> Reply:
        """GET /inventory?date=: rows for the next 30 days and the days given capacity."""
        self._check()
        day = path.split("date=")[1]
        ahead = (date.fromisoformat(day) - self.clock().date()).days if self.clock else 0
        items = [{"ticket_type": code, "capacity": 1000, "sold": 3, "held": 0}
                 for code in ("ADULT", "CHILD") if 0 <= ahead < 30 or (day, code) in self.stock]
        return Reply(200, {"date": day, "items": items})

    def _redeem(self, body: dict[str, Any]) -> Reply:
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
        status = "paid" if body["paid"] else "paying" if body.get("payment") else \
            "pending_payment"
        order = {"order_no": order_no, "order_id": f"oid-{order_no}", "channel": channel,
                 "visit_date": body["visit_date"], "status": status,
                 "total_fen": body["amount_fen"],
                 "tickets": [{"code": f"MP1-{next(self._codes):026d}",
                              "ticket_id": f"tid-{order_no}-{i}", "price_fen": 5000}
                             for i in range(n)]}
        self.orders[order_no] = order
        return Reply(201, order)
