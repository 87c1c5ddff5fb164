"""What the anomaly tests over HTTP share: producing orders, callbacks and scans the way the
channels, providers and gates do, reading the queue, pressing a fix, and the checks every
fixed anomaly must pass (resolved, off the open queue, timeline verified with
`anomaly.fixed`, a second press answers "已处理" and writes nothing)."""

import uuid
from datetime import timedelta
from typing import Any

import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot
from signed import post_signed

from app.domain.timeline import iso_utc


def sup(live, who: str = "supervisor") -> dict[str, str]:
    return live.login(who, terminal=None)


def channel_order(live, external_id: str, *, paid: bool, lines=(("ADULT", 2),),
                  channel: str = "miniprogram", days: int = 0,
                  paying: str | None = None) -> dict[str, Any]:
    """A channel order; `paying` names the wechat transaction the visitor started."""
    prices = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000}
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    body = {"external_id": external_id, "visit_date": day.isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "customer": {"name": "王五", "phone": "13700001111", "id_no": None},
            "amount_fen": sum(prices[c] * q for c, q in lines), "paid": paid}
    if paying:
        body["payment"] = {"provider": "wechat", "provider_txn_id": paying}
    r = post_signed(live, f"/channels/{channel}/orders", body)
    assert r.status_code == 201, r.text
    return r.json()


def callback(live, txn: str, order_no: str, amount: int, *, status: str = "success",
             provider: str = "wechat", attach: Any = None) -> None:
    body = {"provider_txn_id": txn, "order_no": order_no, "amount_fen": amount,
            "status": status, "paid_at": iso_utc(live.clock())}
    if attach is not None:
        body["attach"] = attach
    r = post_signed(live, f"/payments/{provider}/callback", body)
    assert r.status_code == 200 and r.json() == {"ok": True}, r.text


def scan(live, code: str, *, device: str = "G1", at=None, **extra) -> dict[str, Any]:
    gate = live.login("gate1", terminal=None, device_id=device)
    body = {"nonce": str(uuid.uuid4()), "ticket_code": code, "device_id": device,
            "at": iso_utc(at or live.clock())} | extra
    r = requests.post(live.url("/redemptions"), json=body, headers=gate, timeout=20)
    assert r.status_code == 200, r.text
    return r.json()


def window_sale(live, *, qty: int = 1, days: int = 5, method: str = "wechat"
                ) -> dict[str, Any]:
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "payment": {"method": method, "amount_fen": 10000 * qty}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def request_refund(live, order: dict[str, Any], *, method: str = "wechat",
                   tickets: list[str] | None = None, who: str = "clerk1") -> dict[str, Any]:
    """A refund asked by `who` (a clerk of window 01 may ask only of its own orders)."""
    body = {"ticket_ids": tickets or [t["ticket_id"] for t in order["tickets"]],
            "method": method, "reason": "游客行程变更"}
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body, timeout=20,
                      headers=live.login(who) | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def queue(live, who: str = "supervisor", **params) -> dict[str, Any]:
    r = requests.get(live.url("/anomalies"), params=params, headers=sup(live, who), timeout=20)
    assert r.status_code == 200, r.text
    return r.json()


def one_open(live, kind: str, order_no: str | None = None) -> dict[str, Any]:
    """The single open anomaly of `kind` (of `order_no`), as GET /anomalies lists it."""
    found = [a for a in queue(live, kind=kind)["anomalies"]
             if order_no is None or a["order_no"] == order_no]
    assert len(found) == 1, found
    a = found[0]
    assert a["status"] == "open" and a["kind"] == kind and a["label_zh"]
    return a


def fix(live, anomaly_id: str, action: str, *, note: str | None = None,
        order_version: int | None = None, who: str = "supervisor") -> requests.Response:
    body: dict[str, Any] = {"action": action}
    if note is not None:
        body["note"] = note
    if order_version is not None:
        body["order_version"] = order_version
    return requests.post(live.url(f"/anomalies/{anomaly_id}/fix"), json=body,
                         headers=sup(live, who), timeout=30)


def order_of(live, order_no: str, *, reveal: bool = False) -> dict[str, Any]:
    r = requests.get(live.url(f"/orders/{order_no}"), headers=sup(live), timeout=10,
                     params={"reveal": 1} if reveal else None)
    assert r.status_code == 200, r.text
    return r.json()


def events(live, order_no: str) -> list[dict[str, Any]]:
    r = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=sup(live), timeout=10)
    body = r.json()
    assert body["verified"] is True
    return body["events"]


def sold(live, day: str, code: str = "ADULT") -> int:
    r = requests.get(live.url(f"/inventory?date={day}"), headers=live.login("clerk1"),
                     timeout=10)
    return {i["ticket_type"]: i["sold"] for i in r.json()["items"]}[code]


def fixed(live, anomaly: dict[str, Any], action: str, *, note: str | None = None,
          who: str = "supervisor") -> dict[str, Any]:
    """Press the fix and check what every fix must do; the answer's body."""
    r = fix(live, anomaly["id"], action, note=note, who=who)
    assert r.status_code == 200, r.text
    body = r.json()
    a = body["anomaly"]
    status = "dismissed" if action == "dismiss" else "resolved"
    assert body["already_fixed"] is False and body["message"]
    assert (a["id"], a["status"], a["resolved_by"]) == (anomaly["id"], status, who)
    assert a["resolution"] and a["resolved_at"] and a["version"] == anomaly["version"] + 1
    assert anomaly["id"] not in [x["id"] for x in queue(live, kind=anomaly["kind"])["anomalies"]]
    assert anomaly["id"] in [x["id"] for x in queue(live, status=status)["anomalies"]]
    order_no = a["order_no"]
    if order_no:
        done = [e for e in events(live, order_no) if e["action"] == "anomaly.fixed"
                and e["detail"]["anomaly_id"] == anomaly["id"]]
        assert len(done) == 1 and done[0]["actor"] == f"user:{who}"
        assert done[0]["detail"]["action"] == action and done[0]["detail"]["note"] == note
    again_is_a_no_op(live, anomaly["id"], action, note=note)
    return body


def again_is_a_no_op(live, anomaly_id: str, action: str, *, note: str | None = None) -> None:
    before = snapshot(live.db)
    r = fix(live, anomaly_id, action, note=note)
    assert r.status_code == 200, r.text
    assert r.json()["already_fixed"] is True and r.json()["message"] == "已处理"
    assert snapshot(live.db) == before


def refused(live, anomaly_id: str, action: str, status: int = 409, code: str = "conflict",
            **kw) -> str:
    """The fix is refused and nothing is written; the Chinese message."""

    before = snapshot(live.db)
    message = assert_error(fix(live, anomaly_id, action, **kw), status, code)
    assert snapshot(live.db) == before
    return message


def anomaly_rows(live, kind: str) -> list[Any]:
    from app.store.models import Anomaly

    with live.db.session() as s:
        return s.execute(sa.select(Anomaly).where(Anomaly.kind == kind)
                         .order_by(Anomaly.detected_at)).scalars().all()


def sweep(live, provider=None) -> None:
    """One round of the store's periodic work at the store's clock."""
    from server.app import sweep_tasks
    from server.sweeper import Sweeper

    Sweeper(live.db, live.clock, sweep_tasks(live.venue, provider or live.provider)).sweep_once()


def detect(live) -> None:
    """The anomaly sweep alone (no refund or expiry work first) at the store's clock."""
    from app.services.anomalies.anomaly_sweep import sweep_anomalies

    with live.db.session() as s:
        sweep_anomalies(s, now=live.clock(), venue=live.venue)
