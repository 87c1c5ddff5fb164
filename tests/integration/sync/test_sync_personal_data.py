"""The personal-data test of DESIGN.md §14 on SQLite and PostgreSQL: after `simulate --faults`
against a live store, with windows (a clerk's and a supervisor's) syncing and the supervisor
fixing anomalies, no full phone or ID number of the simulator's visitors is in any response body
fetched, any feed page, any window's SQLite file or the access log — except the one reveal a
supervisor asked for, which the order's timeline logs."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

from server.app import sweep_tasks
from server.sweeper import Sweeper

ROOT = Path(__file__).resolve().parents[3]
SECRET = "sim-pii-secret"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _simulate(live, now) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "simulate", "--store", live.base, "--rate", "8",
         "--duration", "6", "--faults", "--seed", "11", "--secret", SECRET,
         "--start", now.isoformat()],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    sweeper = Sweeper(live.db, live.clock, sweep_tasks(live.venue))
    for minute in range(0, 41, 5):
        live.clock.at = now + timedelta(seconds=10, minutes=minute)
        sweeper.sweep_once()


def _personal_data(live) -> set[str]:
    """Every phone and ID number the store holds (orders, and what callbacks attached)."""
    with live.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT customer_phone, customer_id_no FROM orders")).all()
        evidence = conn.execute(sa.text("SELECT evidence FROM anomalies")).scalars().all()
    found = {v for row in rows for v in row if v}
    for e in evidence:
        e = e if isinstance(e, dict) else json.loads(e)
        customer = ((e.get("sealed") or {}).get("attach") or {}).get("customer") or {}
        found |= {str(customer[k]) for k in ("phone", "id_no") if customer.get(k)}
    return found


class _Bodies:
    def __init__(self, live, headers) -> None:
        self.live, self.headers, self.texts = live, headers, []

    def get(self, path, **params):
        r = requests.get(self.live.url(path), params=params, headers=self.headers, timeout=20)
        assert r.status_code == 200, r.text
        self.texts.append(r.text)
        return r.json()

    def post(self, path, body):
        r = requests.post(self.live.url(path), json=body, headers=self.headers, timeout=30)
        self.texts.append(r.text)
        return r

    def feed(self):
        cursor = "0"
        while True:
            page = self.get("/sync/changes", since=cursor)
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    def pages(self, path, key, **params):
        out, cursor = [], None
        while True:
            page = self.get(path, **params, **({"cursor": cursor} if cursor else {}))
            out += page[key]
            cursor = page.get("next_cursor")
            if not cursor:
                return out


def _browse(live) -> list[str]:
    """What a supervisor, a clerk and a gate read; the supervisor fixes the payment anomalies
    and searches a visitor's phone."""
    sup = _Bodies(live, live.login("supervisor", terminal=None))
    orders = sup.pages("/orders", "orders", limit=200)
    for o in orders[:60]:
        sup.get(f"/orders/{o['order_no']}")
        sup.get(f"/orders/{o['order_no']}/timeline")
    anomalies = sup.pages("/anomalies", "anomalies", status="all")
    for a in anomalies:
        sup.get(f"/anomalies/{a['id']}")
    for a in anomalies:
        if a["kind"] == "paid_no_order" and a["status"] == "open":
            action = "backfill_order" if a["evidence"].get("attach") else "refund_payment"
            assert sup.post(f"/anomalies/{a['id']}/fix", {"action": action}).status_code in (
                200, 409)
    phones = [o["customer"]["phone_masked"][-4:] for o in orders if o["customer"]["phone_masked"]]
    assert phones
    sup.get("/orders", q=phones[0])
    for who in (sup, _Bodies(live, live.login("clerk1", terminal="01")),
                _Bodies(live, live.login("gate1", terminal=None, device_id="gate-1"))):
        who.feed()
    return sup.texts


def test_no_full_phone_or_id_leaves_the_store_unless_revealed(live, make_window, now,
                                                               monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)
    live.clock.at = now
    access = logging.getLogger("uvicorn.access")
    log, level = _Lines(), access.level
    access.addHandler(log)
    access.setLevel(logging.INFO)
    try:
        _simulate(live, now)
        windows = [make_window(live.base, "clerk"),
                   make_window(live.base, "office", clerk="supervisor", device_id="dev-9")]
        for w in windows:
            w.engine.sync_once()
        texts = _browse(live)
        for w in windows:
            w.engine.sync_once()
        pii = _personal_data(live)
        assert len(pii) > 10, pii  # the simulator's visitors gave phones (and attached them)
        for q in sorted(pii)[:3]:  # searching a visitor's full phone
            r = requests.get(live.url("/orders"), params={"q": q}, timeout=10,
                             headers=live.login("supervisor", terminal=None))
            texts.append(r.text)
        revealed = requests.get(live.url(f"/orders/{_an_order_with_phone(live)}"),
                                params={"reveal": 1}, timeout=10,
                                headers=live.login("supervisor", terminal=None))
    finally:
        access.removeHandler(log)
        access.setLevel(level)
    assert revealed.status_code == 200 and revealed.json()["customer"]["phone"] in pii
    timeline = requests.get(live.url(f"/orders/{revealed.json()['order_no']}/timeline"),
                            headers=live.login("supervisor", terminal=None), timeout=10).json()
    assert "customer.revealed" in [e["action"] for e in timeline["events"]]  # the logged one
    files = [p for w in windows for p in Path(w.db.engine.url.database).parent.glob(
        Path(w.db.engine.url.database).name + "*")]
    corpus = {"responses": "\n".join(texts), "access log": "\n".join(log.lines)}
    corpus |= {str(p): p.read_bytes().decode("latin-1") for p in files}
    assert len(log.lines) > 50 and any("/sync/changes" in line for line in log.lines)
    leaks = {(where, value) for where, text in corpus.items() for value in pii
             if value in text}
    assert not leaks, sorted(leaks)[:10]


def _an_order_with_phone(live) -> str:
    with live.db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT order_no FROM orders WHERE customer_phone IS NOT "
                                    "NULL ORDER BY order_no LIMIT 1")).scalar_one()
