"""Ops signed by their clerk (DESIGN.md §9, §14; `app.domain.op_signing`) over real HTTP on
SQLite and PostgreSQL. The case: clerk1 sells offline and signs out with the sale unsent; the
next clerk's push must record it as clerk1's — and nobody may push an op in clerk1's name
without clerk1's key."""

import uuid

import requests
import sqlalchemy as sa
from anomaly_kit import events
from conftest import snapshot
from test_server_sync import push, sale_op

from app.domain import op_signing
from app.services.journal.outbox import payload_digest
from app.store.models import Order, User


def _sign_in(live, username, *, device_id="dev-1", terminal="01"):
    """(headers, op_key) of `username` signed in at window `device_id`."""
    secret = live.device(device_id, "window", terminal)
    r = requests.post(live.url("/auth/login"), timeout=10, json={
        "username": username, "password": username, "device_id": device_id,
        "device_secret": secret})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}, r.json()["op_key"]


def _signed(op, username, key):
    digest = payload_digest(op["payload"])
    return op | {"signed_by": username,
                 "signature": op_signing.sign(key, op["op_id"], op["kind"], digest)}


def _clerk_of(live, order_no):
    with live.db.session() as s:
        return s.execute(sa.select(Order.clerk).where(Order.order_no == order_no)).scalar()


def test_a_clerks_signed_sale_pushed_by_the_next_clerk_is_his(live, now):
    _, key1 = _sign_in(live, "clerk1")
    next_clerk, key2 = _sign_in(live, "clerk2")
    assert key1 != key2 and len(key1) == 64
    sale = _signed(sale_op(day=live.venue.local_date(now)), "clerk1", key1)
    [result] = push(live, next_clerk, [sale])
    assert result["status"] == "applied", result
    order_no = sale["payload"]["order_no"]
    assert _clerk_of(live, order_no) == "clerk1"
    assert {e["actor"] for e in events(live, order_no)} <= {"user:clerk1", "system"}
    # the key is the user's, the same at every sign-in
    assert _sign_in(live, "clerk1")[1] == key1


def test_a_forged_signature_is_forbidden_and_writes_nothing(live, now):
    _, key1 = _sign_in(live, "clerk1")
    h2, key2 = _sign_in(live, "clerk2")
    day = live.venue.local_date(now)
    with_own_key = _signed(sale_op(day=day, seq=1), "clerk1", key2)
    altered = _signed(sale_op(day=day, seq=2), "clerk1", key1)
    altered["payload"]["payment"]["amount_fen"] = 0  # signed, then changed
    unsigned = sale_op(day=day, seq=3) | {"signed_by": "clerk1"}
    by_nobody = _signed(sale_op(day=day, seq=4), "no-such-user", key1)
    before = snapshot(live.db)
    results = push(live, h2, [with_own_key, altered, unsigned, by_nobody])
    for result in results:
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
        assert "签名" in result["error"]["message"]
    assert snapshot(live.db) == before
    # the forged op's id stays free: the real op from clerk1 is applied
    real = _signed(sale_op(day=day, seq=1) | {"op_id": with_own_key["op_id"]}, "clerk1", key1)
    assert push(live, h2, [real])[0]["status"] == "applied"


def test_a_signed_op_is_still_checked_against_the_pushing_window(live, now):
    """clerk1's key does not carry his sale to another window, nor past the gate rule."""
    _, key1 = _sign_in(live, "clerk1")
    window_02, _ = _sign_in(live, "clerk2", device_id="dev-2", terminal="02")
    sale = _signed(sale_op(day=live.venue.local_date(now)), "clerk1", key1)
    [result] = push(live, window_02, [sale], device_id="dev-2")
    assert result["error"]["code"] == "forbidden" and "01" in result["error"]["message"]
    gate = live.login("gate1", terminal=None, device_id="G1")
    [result] = push(live, gate, [sale | {"op_id": str(uuid.uuid4())}], device_id="G1")
    assert result["error"]["code"] == "forbidden"


def test_gates_and_office_sign_ins_get_no_op_key(live):
    r = requests.post(live.url("/auth/login"), timeout=10, json={
        "username": "gate1", "password": "gate1", "device_id": "G1",
        "device_secret": live.device("G1", "gate")})
    assert r.status_code == 200 and r.json()["op_key"] is None
    r = requests.post(live.url("/auth/login"), timeout=10,
                      json={"username": "supervisor", "password": "supervisor"})
    assert r.status_code == 200 and r.json()["op_key"] is None
    with live.db.session() as s:
        assert s.execute(sa.select(User.op_key).where(User.username == "gate1")).scalar() is None
