"""Devices over real HTTP on SQLite and PostgreSQL: an admin registers a gate, the gate beats,
a supervisor reads who is alive (offline after 2 minutes of silence), and the anomalies of
its scans name where it stands. (Registration and sign-in: test_server_device_trust.py.)"""

import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error
from signed import SECRET, post_signed

from app.domain.timeline import iso_utc
from app.store.models import Anomaly


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _devices(live, **params):
    r = requests.get(live.url("/devices"), params=params, headers=live.login("supervisor"),
                     timeout=10)
    assert r.status_code == 200, r.text
    return {d["device_id"]: d for d in r.json()["devices"]}


def _name(live, device_id, location, kind="gate"):
    r = requests.post(live.url("/devices"), headers=live.login("admin", terminal=None),
                      json={"device_id": device_id, "kind": kind, "location": location},
                      timeout=10)
    assert r.status_code == 201, r.text
    live.device(device_id, kind)  # the test's gates sign in with their id as secret
    return r.json()["device"]


def _beat(live, headers, device_id, body=None):
    return requests.post(live.url(f"/devices/{device_id}/heartbeat"), headers=headers,
                         json=body, timeout=10)


def test_a_named_gate_beats_and_goes_offline_after_two_silent_minutes(live):
    named = _name(live, "G-S01", "南门闸机1号")
    assert named["label"] == "南门闸机1号（G-S01）" and named["status"] == "offline"
    gate = live.login("gate1", terminal=None, device_id="G-S01")
    r = _beat(live, gate, "G-S01")
    assert r.status_code == 200, r.text
    seen = _devices(live)["G-S01"]
    assert (seen["kind"], seen["location"], seen["status"]) == ("gate", "南门闸机1号", "online")
    assert seen["last_heartbeat_at"] == iso_utc(live.clock())
    assert _devices(live, kind="window").keys().isdisjoint({"G-S01"})
    live.clock.at += timedelta(minutes=2, seconds=1)
    assert _devices(live)["G-S01"]["status"] == "offline"
    r = _beat(live, gate, "G-S01", {"status": "fault"})
    assert r.json()["status"] == "fault" and r.json()["reported_status"] == "fault"
    assert _devices(live)["G-S01"]["status"] == "fault"


def test_the_demo_store_knows_its_gates_and_windows(live):
    devices = _devices(live)
    assert devices["gate-1"]["label"] == "南门闸机1号（gate-1）"
    assert devices["window-01"]["kind"] == "window" and devices["window-01"]["terminal"] == "01"


def test_a_heartbeat_may_say_where_the_device_stands(live):
    clerk = live.login("clerk1", device_id="window-07", terminal="07")
    r = _beat(live, clerk, "window-07", {"location": "北门售票厅3号窗口"})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "window" and r.json()["label"] == "北门售票厅3号窗口（window-07）"


def test_who_may_do_what(live):
    gate = live.login("gate1", terminal=None, device_id="G-S02")
    assert_error(_beat(live, gate, "G-S09"), 403, "forbidden")  # not its own device
    assert_error(_beat(live, live.login("admin", terminal=None), "G-S02"), 403, "forbidden")
    assert_error(requests.get(live.url("/devices"), headers=live.login("clerk1"), timeout=10),
                 403, "forbidden")
    assert_error(requests.put(live.url("/devices/G-S02"), headers=live.login("supervisor"),
                              json={"location": "北门"}, timeout=10), 403, "forbidden")
    assert_error(requests.put(live.url("/devices/G-S02"), headers=live.login("admin"),
                              json={"kind": "robot"}, timeout=10), 422, "validation_error")
    assert_error(_beat(live, gate, "G-S02", {"status": "exploded"}), 422, "validation_error")
    assert_error(requests.post(live.url("/devices/G-S02/heartbeat"), timeout=10), 401,
                 "unauthorized")


def _paid_order(live, external_id):
    day = live.venue.local_date(live.clock())
    r = post_signed(live, "/channels/ota_ctrip/orders", {
        "external_id": external_id, "visit_date": day.isoformat(),
        "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": True})
    assert r.status_code == 201, r.text
    return r.json()["tickets"][0]["code"]


def _scan(live, headers, code, device, **extra):
    headers = live.login("gate1", terminal=None, device_id=device)  # each gate its own token
    r = requests.post(live.url("/redemptions"), headers=headers, timeout=20, json={
        "nonce": str(uuid.uuid4()), "ticket_code": code, "device_id": device,
        "at": iso_utc(live.clock())} | extra)
    assert r.status_code == 200, r.text
    return r.json()


def _reasons(live, kind):
    with live.db.session() as s:
        return [a.reason for a in s.execute(sa.select(Anomaly).where(Anomaly.kind == kind))
                .scalars()]


def test_scan_anomalies_name_the_gates_by_location_and_scans_keep_gates_alive(live):
    _name(live, "G-S01", "南门闸机1号")
    _name(live, "G-N01", "北门闸机1号")
    gate = live.login("gate1", terminal=None, device_id="G-S01")
    code = _paid_order(live, "DEV1")
    assert _scan(live, gate, code, "G-S01", result="failed", reason="读头故障")["outcome"] \
        == "failed"
    [failed] = _reasons(live, "redeem_failed")
    assert failed.startswith("南门闸机1号（G-S01）于") and "读头故障" in failed
    live.clock.at += timedelta(minutes=5)
    assert _scan(live, gate, code, "G-S01")["outcome"] == "valid"
    assert _scan(live, gate, code, "G-N01")["outcome"] == "duplicate"
    [dup] = _reasons(live, "duplicate_redemption")
    assert "在南门闸机1号（G-S01）核销" in dup and "在北门闸机1号（G-N01）扫码" in dup
    devices = _devices(live)
    assert devices["G-N01"]["status"] == "online"  # heard from through its scan
    assert devices["G-N01"]["last_seen_at"] == iso_utc(live.clock())
    unnamed = _paid_order(live, "DEV2")
    live.device("G-X9", "gate")  # registered with no location
    _scan(live, gate, unnamed, "G-X9", result="failed", reason="卡纸")
    assert any(r.startswith("设备 G-X9 于") for r in _reasons(live, "redeem_failed"))
    assert _devices(live)["G-X9"]["kind"] == "gate"
