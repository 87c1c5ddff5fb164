"""Registered devices (DESIGN.md §14) over real HTTP on SQLite and PostgreSQL: an admin
registers a device and sees its secret once; a clerk or gate signs in only with a registered
device's secret, and a window's terminal comes from the device record. Each attack of issue 11
is performed as an attacker would, then what the store now does is checked: the §8 error with a
Chinese message, and nothing written."""

import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.domain.timeline import iso_utc
from app.services.admin.devices import CLOCK_SKEW, OFFLINE_WINDOW
from app.store.models import ApiToken, Device


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _login(live, username, device_id=None, secret=None, **extra):
    body = {"username": username, "password": username} | extra
    if device_id is not None:
        body["device_id"] = device_id
    if secret is not None:
        body["device_secret"] = secret
    return requests.post(live.url("/auth/login"), json=body, timeout=10)


def _headers(r):
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _admin(live):
    return _headers(_login(live, "admin"))  # an admin may sign in at no device


def _register(live, admin=None, **body):
    return requests.post(live.url("/devices"), json=body, headers=admin or _admin(live),
                         timeout=10)


def _device_row(live, device_id):
    with live.db.session() as s:
        d = s.get(Device, device_id)
        return None if d is None else (d.kind, d.terminal, d.last_seen_at, d.last_user,
                                       d.active, d.secret_sha256)


def _tokens(live):
    with live.db.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(ApiToken)).scalar_one()


class NothingWritten:
    """Row counts, stock, counters, tokens and the named devices the same before and after
    (a refused sign-in is counted for the backoff, in `sign_in_failures`: that one may grow)."""

    def __init__(self, live, *device_ids):
        self.live, self.ids = live, device_ids
        self.before = self._now()

    def _now(self):
        snap = snapshot(self.live.db)
        snap["counts"].pop("sign_in_failures", None)
        return (snap, _tokens(self.live),
                [_device_row(self.live, d) for d in self.ids])

    def check(self):
        assert self._now() == self.before


def _window_sale(live, headers):
    day = live.venue.local_date(live.clock()).isoformat()
    r = requests.post(live.url("/orders"), timeout=10,
                      headers=headers | {"Idempotency-Key": str(uuid.uuid4())},
                      json={"channel": "window", "visit_date": day,
                            "lines": [{"ticket_type": "ADULT", "qty": 1}],
                            "payment": {"method": "cash", "amount_fen": 10000}})
    assert r.status_code == 201, r.text
    return r.json()


# ---- window identity is no longer a claim ----------------------------------------------------

def test_clerk1_claiming_terminal_02_is_refused_and_reads_nothing_of_window_02(live):
    window_02 = _headers(_login(live, "clerk2", "window-02", "window-02"))
    theirs = _window_sale(live, window_02)
    assert theirs["order_no"].startswith("W02-")
    guard = NothingWritten(live, "window-01", "window-02")
    # the attack of issue 11: sign in at window 01 "as terminal 02"
    message = assert_error(_login(live, "clerk1", "window-01", "window-01", terminal="02"),
                           403, "forbidden")
    assert "01" in message
    # ... or at window 02 without its secret, or with window 01's
    for secret in (None, "window-01", ""):
        assert_error(_login(live, "clerk1", "window-02", secret), 401, "unauthorized")
    guard.check()  # no token, no device rewritten: window 02's sales stay window 02's
    mine = _headers(_login(live, "clerk1", "window-01", "window-01", terminal="01"))
    r = requests.get(live.url(f"/orders/{theirs['order_no']}"), headers=mine, timeout=10)
    assert_error(r, 403, "forbidden")
    assert _device_row(live, "window-02")[:2] == ("window", "02")
    assert _window_sale(live, window_02)["order_no"].startswith("W02-")  # still window 02's


def test_the_terminal_comes_from_the_device_record(live):
    r = _login(live, "clerk1", "window-02", "window-02")  # clerk1 really at window 02
    assert r.status_code == 200 and r.json()["terminal"] == "02"
    assert _window_sale(live, _headers(r))["order_no"].startswith("W02-")
    r = _login(live, "clerk1", "window-02", "window-02", terminal="02")  # the same: fine
    assert r.status_code == 200 and r.json()["terminal"] == "02"


@pytest.mark.parametrize("device_id, secret", [
    (None, None),                      # a clerk at no device
    ("window-01", None),               # no secret
    ("window-01", "window-02"),        # another device's secret
    ("window-01", "WINDOW-01"),
    ("window-99", "window-99"),        # an unregistered device
])
def test_a_clerk_without_the_right_device_secret_is_401_and_nothing_is_written(
        live, device_id, secret):
    guard = NothingWritten(live, "window-01")
    message = assert_error(_login(live, "clerk1", device_id, secret), 401, "unauthorized")
    assert "设备" in message
    guard.check()
    assert _device_row(live, "window-99") is None


def test_a_device_known_only_from_first_contact_is_not_registered(live):
    with live.db.session() as s, s.begin():  # a row a heartbeat made before registration
        s.add(Device(device_id="old-pc", kind="window", terminal="07", status="online",
                     created_at=live.clock()))
    for secret in ("old-pc", ""):
        assert_error(_login(live, "clerk1", "old-pc", secret), 401, "unauthorized")
    r = _register(live, device_id="old-pc", kind="window", terminal="07")
    assert r.status_code == 201, r.text  # an admin registers it: it is claimed
    assert _login(live, "clerk1", "old-pc", r.json()["device_secret"]).json()["terminal"] == "07"


def test_who_signs_in_where(live):
    assert_error(_login(live, "gate1", "window-01", "window-01"), 403, "forbidden")
    assert_error(_login(live, "clerk1", "gate-1", "gate-1"), 403, "forbidden")
    assert_error(_login(live, "gate1"), 401, "unauthorized")  # a gate at no device
    gate = _login(live, "gate1", "gate-1", "gate-1")
    assert gate.status_code == 200 and gate.json()["terminal"] is None
    office = _register(live, device_id="finance-pc", kind="office", location="财务室").json()
    for who in ("supervisor", "finance", "admin"):
        assert _login(live, who).json()["terminal"] is None  # none: pushes no ops
        assert _login(live, who, "finance-pc", office["device_secret"]).status_code == 200
        assert _login(live, who, "window-01", "window-01").json()["terminal"] == "01"
    assert_error(_login(live, "clerk1", "finance-pc", office["device_secret"]), 403,
                 "forbidden")


# ---- registration --------------------------------------------------------------------------

def test_an_admin_registers_a_device_and_sees_its_secret_once(live):
    r = _register(live, device_id="window-05", kind="window", terminal="05",
                  location="北门售票厅1号窗口")
    assert r.status_code == 201, r.text
    body = r.json()
    secret = body["device_secret"]
    assert body["device_id"] == "window-05" and len(secret) >= 40
    assert body["device"]["terminal"] == "05" and body["device"]["active"] is True
    listed = requests.get(live.url("/devices"), headers=_admin(live), timeout=10)
    assert secret not in listed.text and "secret" not in listed.text
    with live.db.session() as s:
        stored = s.get(Device, "window-05").secret_sha256
    assert stored and secret not in stored and len(stored) == 64  # only its SHA-256
    assert _login(live, "clerk1", "window-05", secret).json()["terminal"] == "05"
    admin = _admin(live)
    guard = NothingWritten(live, "window-05")
    assert_error(_register(live, admin, device_id="window-05", kind="window", terminal="05"),
                 409, "conflict")  # registered already: no second secret
    guard.check()


@pytest.mark.parametrize("body, status, code", [
    ({"device_id": "w-x", "kind": "window"}, 422, "validation_error"),      # no terminal
    ({"device_id": "g-x", "kind": "gate", "terminal": "01"}, 422, "validation_error"),
    ({"device_id": "r-x", "kind": "robot"}, 422, "validation_error"),
    ({"device_id": "a/b", "kind": "gate"}, 422, "validation_error"),
    ({"device_id": "w-y", "kind": "window", "terminal": "窗口"}, 422, "validation_error"),
    ({"device_id": "w-z", "kind": "window", "terminal": "01"}, 409, "conflict"),  # window-01's
])
def test_bad_registrations_are_refused_and_write_nothing(live, body, status, code):
    admin = _admin(live)
    guard = NothingWritten(live, body["device_id"])
    assert_error(_register(live, admin, **body), status, code)
    guard.check()


def test_only_an_admin_registers_or_changes_devices(live):
    supervisor = live.login("supervisor")
    body = {"device_id": "g-9", "kind": "gate"}
    assert_error(requests.post(live.url("/devices"), json=body, headers=supervisor,
                               timeout=10), 403, "forbidden")
    assert_error(requests.post(live.url("/devices"), json=body, timeout=10), 401,
                 "unauthorized")
    assert_error(requests.put(live.url("/devices/gate-1"), json={"active": False},
                              headers=supervisor, timeout=10), 403, "forbidden")


def test_put_changes_location_and_active_and_nothing_else(live):
    admin = _admin(live)
    clerk = _headers(_login(live, "clerk1", "window-02", "window-02"))
    r = requests.put(live.url("/devices/window-02"), json={"location": "北门2号窗口"},
                     headers=admin, timeout=10)
    assert r.status_code == 200 and r.json()["location"] == "北门2号窗口"
    assert r.json()["terminal"] == "02" and r.json()["active"] is True
    for body in ({"terminal": "01"}, {"kind": "gate"}, {"device_secret": "x"}):
        assert_error(requests.put(live.url("/devices/window-02"), json=body, headers=admin,
                                  timeout=10), 422, "validation_error")
    assert_error(requests.put(live.url("/devices/nope"), json={"active": False},
                              headers=admin, timeout=10), 404, "not_found")
    off = requests.put(live.url("/devices/window-02"), json={"active": False}, headers=admin,
                       timeout=10)
    assert off.json()["active"] is False and off.json()["location"] == "北门2号窗口"
    catalog = live.url("/catalog")
    assert_error(requests.get(catalog, headers=clerk, timeout=10), 401, "unauthorized")
    assert_error(_login(live, "clerk1", "window-02", "window-02"), 401, "unauthorized")
    requests.put(live.url("/devices/window-02"), json={"active": True}, headers=admin,
                 timeout=10)
    assert requests.get(catalog, headers=clerk, timeout=10).status_code == 200


# ---- gate redemptions are bound to the gate ------------------------------------------------

def _code(live, external_id):
    day = live.venue.local_date(live.clock())
    r = post_signed(live, "/channels/ota_ctrip/orders", {
        "external_id": external_id, "visit_date": day.isoformat(),
        "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": True})
    assert r.status_code == 201, r.text
    return r.json()["tickets"][0]["code"]


def _scan(live, headers, code, **extra):
    return requests.post(live.url("/redemptions"), headers=headers, timeout=20, json={
        "nonce": str(uuid.uuid4()), "ticket_code": code, "at": iso_utc(live.clock())} | extra)


def test_a_gate_scanning_as_another_gate_is_refused(live):
    code = _code(live, "TRUST1")
    gate_1 = _headers(_login(live, "gate1", "gate-1", "gate-1"))
    guard = NothingWritten(live, "gate-1", "gate-2")
    assert "gate-1" in assert_error(_scan(live, gate_1, code, device_id="gate-2"), 403,
                                    "forbidden")
    guard.check()
    r = _scan(live, gate_1, code)  # no device in the body: the token's
    assert r.status_code == 200 and r.json()["outcome"] == "valid"
    assert r.json()["ticket"]["redeemed_by"] == "gate-1"
    assert _scan(live, gate_1, code, device_id="gate-1").json()["outcome"] == "duplicate"


def test_staff_scan_only_at_a_device(live):
    code = _code(live, "TRUST2")
    assert_error(_scan(live, _admin(live), code), 403, "forbidden")
    window = _headers(_login(live, "clerk1", "window-01", "window-01"))
    assert _scan(live, window, code).json()["ticket"]["redeemed_by"] == "window-01"


@pytest.mark.parametrize("offset", [timedelta(days=365), CLOCK_SKEW + timedelta(seconds=1),
                                    -OFFLINE_WINDOW - timedelta(seconds=1),
                                    -timedelta(days=400)])
def test_a_scan_dated_out_of_bounds_is_refused_and_writes_nothing(live, offset):
    code = _code(live, f"TRUST-{offset.total_seconds():.0f}")
    gate = _headers(_login(live, "gate1", "gate-2", "gate-2"))
    guard = NothingWritten(live, "gate-2")
    at = iso_utc(live.clock() + offset)
    assert "时间" in assert_error(_scan(live, gate, code, at=at), 422, "validation_error")
    guard.check()


def test_scans_within_the_bounds_are_taken(live):
    gate = _headers(_login(live, "gate1", "gate-3", "gate-3"))
    ahead = _scan(live, gate, _code(live, "TRUST-A"),
                  at=iso_utc(live.clock() + CLOCK_SKEW - timedelta(seconds=1)))
    assert ahead.json()["outcome"] == "valid"
    assert ahead.json()["ticket"]["redeemed_at"] == iso_utc(live.clock())  # taken as now
    nonce = str(uuid.uuid4())
    body = {"nonce": nonce, "ticket_code": _code(live, "TRUST-B"),
            "at": iso_utc(live.clock() - timedelta(hours=3))}  # an offline upload
    first = requests.post(live.url("/redemptions"), json=body, headers=gate, timeout=20)
    assert first.json()["outcome"] == "valid"
    live.clock.at += OFFLINE_WINDOW  # the same scan re-sent much later still answers
    again = requests.post(live.url("/redemptions"), json=body, headers=_headers(
        _login(live, "gate1", "gate-3", "gate-3")), timeout=20)
    assert again.status_code == 200 and again.json() == first.json()
