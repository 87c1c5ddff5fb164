"""Health, login, tokens and role checks over real HTTP, on SQLite and PostgreSQL."""

from datetime import timedelta

import requests
import sqlalchemy as sa
from conftest import assert_error

from app.store.models import ApiToken, Device, User
from server.tokens import DEVICE_OFF, EXPIRED, INVALID, TOKEN_TTL, digest


def test_health_and_openapi(live):
    r = requests.get(live.url("/health"), timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    doc = requests.get(live.url("/openapi.json"), timeout=10).json()
    assert {"/api/v1/orders", "/api/v1/inventory/{date}/{ticket_type}"} <= set(doc["paths"])


def test_login_gives_a_token_role_name_and_the_devices_terminal(live):
    r = requests.post(live.url("/auth/login"), timeout=10,
                      json={"username": "clerk1", "password": "clerk1", "device_id": "window-01",
                            "device_secret": "window-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == "clerk" and body["display_name"] == "售票员1"
    assert body["terminal"] == "01"  # from the device record (DESIGN.md §14)
    assert len(body["token"]) >= 40


def test_bad_login_is_401_in_the_error_format(live):
    for body in ({"username": "clerk1", "password": "nope", "device_id": "d"},
                 {"username": "nobody", "password": "x", "device_id": "d"}):
        r = requests.post(live.url("/auth/login"), json=body, timeout=10)
        assert assert_error(r, 401, "unauthorized") == "用户名或密码错误"


def test_login_with_bad_input_is_422(live):
    for body in ({"username": "clerk1"}, {"username": 1, "password": "x", "device_id": "d"},
                 {"username": "clerk1", "password": "clerk1", "device_id": "d", "x": 1},
                 {"username": "clerk1", "password": "clerk1", "device_id": "d",
                  "terminal": "窗口一"}):
        assert_error(requests.post(live.url("/auth/login"), json=body, timeout=10), 422,
                     "validation_error")


def test_missing_garbage_and_expired_tokens_are_401(live):
    headers = live.login("clerk1")
    assert requests.get(live.url("/catalog"), headers=headers, timeout=10).status_code == 200
    for bad in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer garbage"},
                {"Authorization": "Basic Y2xlcmsxOmNsZXJrMQ=="},
                {"Authorization": headers["Authorization"] + "x"}):
        r = requests.get(live.url("/catalog"), headers=bad, timeout=10)
        assert_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"
    live.clock.at += TOKEN_TTL + timedelta(seconds=1)
    r = requests.get(live.url("/catalog"), headers=headers, timeout=10)
    assert assert_error(r, 401, "unauthorized") == "登录已过期，请重新登录"


def test_every_request_reads_its_token_user_and_device_again(live):
    """Nothing about a token is remembered between requests: a revocation, a deactivated user
    or device (set straight in the database, as another worker would) and the expiry refuse
    the very next request on the same keep-alive connection; undone, the token works again."""
    headers = live.login("clerk1", device_id="auth-w1")
    sha = digest(headers["Authorization"].partition(" ")[2])
    http, catalog = requests.Session(), live.url("/catalog")
    for table, where, off, on, message in (
            (ApiToken, ApiToken.token_sha256 == sha, {"revoked_at": live.clock()},
             {"revoked_at": None}, INVALID),
            (User, User.username == "clerk1", {"active": False}, {"active": True}, INVALID),
            (Device, Device.device_id == "auth-w1", {"active": False}, {"active": True},
             DEVICE_OFF)):
        assert http.get(catalog, headers=headers, timeout=10).status_code == 200
        with live.db.engine.begin() as conn:
            conn.execute(sa.update(table).where(where).values(off))
        r = http.get(catalog, headers=headers, timeout=10)
        assert assert_error(r, 401, "unauthorized") == message, table
        with live.db.engine.begin() as conn:
            conn.execute(sa.update(table).where(where).values(on))
    assert http.get(catalog, headers=headers, timeout=10).status_code == 200
    live.clock.at += TOKEN_TTL  # the instant it expires
    r = http.get(catalog, headers=headers, timeout=10)
    assert assert_error(r, 401, "unauthorized") == EXPIRED


def test_roles_are_checked(live):
    clerk, gate, admin = live.login("clerk1"), live.login("gate1"), live.login("admin")
    day = live.venue.local_date(live.clock()).isoformat()
    put = live.url(f"/inventory/{day}/ADULT")
    assert_error(requests.put(put, json={"capacity": 5}, headers=clerk, timeout=10), 403,
                 "forbidden")
    # a clerk's bad body on an admin endpoint is still 403: the role is checked first
    assert_error(requests.put(put, data="{", headers=clerk, timeout=10), 403, "forbidden")
    assert_error(requests.post(live.url("/orders"), json={}, headers=gate, timeout=10), 403,
                 "forbidden")
    assert_error(requests.put(put, json={"capacity": 5}, timeout=10), 401, "unauthorized")
    r = requests.put(put, json={"capacity": 5}, headers=admin, timeout=10)
    assert r.status_code == 200
    assert r.json() == {"ticket_type": "ADULT", "capacity": 5, "sold": 0, "held": 0,
                        "available": 5}


def test_unknown_path_and_method_use_the_error_format(live):
    assert_error(requests.get(live.url("/nothing"), timeout=10), 404, "not_found")
    assert_error(requests.delete(live.url("/health"), timeout=10), 405, "method_not_allowed")
