"""A real central store for UI tests: the embedded one (SQLite, demo data, uvicorn on a loopback
port, the tests' fixed clock), what channels, payment providers and gates send it (signed
webhooks over HTTP), and a window connected to it like the client after sign-in — `ctx.store`
(its own StoreClient) and `ctx.sync` (a SyncBridge fed by a real SyncEngine)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import pkgutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from sync.engine import SyncEngine
from sync.transport import StoreClient
from ui.context import ClientContext
from ui.sync_bridge import SyncBridge
from ui.sync_runner import store_client


def store_routes() -> set[str]:
    """Every path the store's routers serve (to know whether a branch's routes are in)."""
    import server.routes

    paths: set[str] = set()
    for info in pkgutil.iter_modules(server.routes.__path__):
        router = getattr(importlib.import_module(f"server.routes.{info.name}"), "router", None)
        if router is not None:
            paths |= {getattr(r, "path", "") for r in router.routes}
    return paths


FIX_ROUTES_READY = any(p.startswith("/anomalies/") and p.endswith("/fix")
                       for p in store_routes())
NEEDS_FIX_ROUTES = "POST /anomalies/{id}/fix comes from branch `fixes` (not merged yet)"


@dataclass
class UiStore:
    """The embedded store and the outside world talking to it."""

    store: Any  # server.embedded.EmbeddedStore
    now: datetime

    @property
    def base(self) -> str:
        return self.store.base_url

    @property
    def db(self) -> Any:
        return self.store.db

    def signed(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps(body, ensure_ascii=False).encode()
        sig = hmac.new(self.store.secret.encode(), raw, hashlib.sha256).hexdigest()
        r = requests.post(self.base + path, data=raw, timeout=10, headers={
            "Content-Type": "application/json", "X-Menpiao-Signature": sig})
        assert r.status_code in (200, 201), r.text
        return r.json()

    def login(self, username: str, device_id: str | None = None) -> dict[str, str]:
        """Sign in over HTTP: at a demo device (its id is its secret) or, for a supervisor,
        finance or admin, at none (DESIGN.md §14)."""
        at = {"device_id": device_id, "device_secret": device_id} if device_id else {}
        r = requests.post(self.base + "/auth/login", timeout=10, json={
            "username": username, "password": username} | at)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def channel_order(self, *, adults: int = 2, paid: bool = False, channel: str = "miniprogram",
                      phone: str = "13912345678") -> dict[str, Any]:
        return self.signed(f"/channels/{channel}/orders", {
            "external_id": uuid.uuid4().hex[:12], "visit_date": self.now.date().isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": adults}],
            "customer": {"name": "李四", "phone": phone, "id_no": "110101199001011234"},
            "amount_fen": 10000 * adults, "paid": paid})

    def pay(self, order: dict[str, Any], provider: str = "wechat") -> dict[str, Any]:
        return self.signed(f"/payments/{provider}/callback", {
            "provider_txn_id": "WX" + uuid.uuid4().hex[:16], "order_no": order["order_no"],
            "amount_fen": order["total_fen"], "status": "success",
            "paid_at": self.now.isoformat()})

    def duplicate_payment(self) -> dict[str, Any]:
        """A mini-program order paid twice: the second callback raises `duplicate_payment`."""
        order = self.channel_order()
        self.pay(order)
        self.pay(order)
        return order

    def redeem(self, code: str, device_id: str = "gate-1") -> dict[str, Any]:
        r = requests.post(self.base + "/redemptions", headers=self.login("gate1", device_id),
                          timeout=10, json={"nonce": uuid.uuid4().hex, "ticket_code": code,
                                            "device_id": device_id,
                                            "at": self.now.isoformat()})
        assert r.status_code == 200, r.text
        return r.json()

    def duplicate_redemption(self) -> dict[str, Any]:
        """A paid order whose first ticket the south gate admits, then the north gate again
        (the demo gates gate-1 南门闸机1号 and gate-2 北门闸机1号)."""
        order = self.channel_order(paid=True, channel="ota_ctrip")
        code = order["tickets"][0]["code"]
        self.redeem(code, "gate-1")
        assert self.redeem(code, "gate-2")["outcome"] == "duplicate"
        return order


@dataclass
class Connected:
    """A window signed in to the store: its engine (not started unless a test starts it)."""

    ctx: ClientContext
    engine: SyncEngine
    client: StoreClient

    def sync_once(self, qtbot: Any) -> None:
        """One engine round on this thread; the bridge's coalesced signals are delivered."""
        seen = self.ctx.sync.events_seen
        self.engine.sync_once()
        qtbot.waitUntil(lambda: self.ctx.sync.events_seen > seen and self.ctx.sync.online)
        qtbot.wait(50)  # the bridge's coalescing timer

    def close(self) -> None:
        self.engine.stop(timeout=5)
        self.client.close()
        if self.ctx.store is not None:
            self.ctx.store.close()


def connect(ctx: ClientContext, store: UiStore, username: str) -> Connected:
    """What ClientApp does after sign-in: a bridge, the user's StoreClient, a sync engine
    (a short long-poll, so stopping is quick)."""
    ctx.sync = SyncBridge(interval_ms=20)
    ctx.device_secret_override = store.store.enroll_window(ctx.device_id, ctx.terminal)
    ctx.store = store_client(ctx, store.base, username, username)
    client = StoreClient(store.base)
    client.remember(username, username, ctx.device_id, ctx.device_secret)
    engine = SyncEngine(ctx.db, client, device_id=ctx.device_id, clock=ctx.clock,
                        on_event=ctx.sync.publish, long_poll_wait=2)
    return Connected(ctx, engine, client)
