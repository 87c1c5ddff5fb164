"""Accounts as an attacker tries them (DESIGN.md §14 "Accounts"), over real HTTP on SQLite and
PostgreSQL: sign-in backoff before any hash, logout, revocation on a new password or a
deactivation, the password rule, and the admin's /users routes that never show a hash."""

from datetime import timedelta

import pytest
import requests
from argon2 import PasswordHasher
from conftest import assert_error

from app.services.admin import auth


class CountingHasher(PasswordHasher):
    """The store's hasher, counting the passwords it verifies (each costs an argon2 hash)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash, password) -> bool:  # noqa: A002 - argon2's own parameter name
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(auth, "_hasher", counting)
    auth._dummy_hash.cache_clear()  # noqa: SLF001 - made with the hasher in use
    return counting


def _login(live, username, password, device_id="window-01"):
    """Sign in at a demo window (its id is its secret, DESIGN §14)."""
    return requests.post(live.url("/auth/login"), timeout=10, json={
        "username": username, "password": password, "device_id": device_id,
        "device_secret": device_id})


def _bearer(r) -> dict[str, str]:
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _catalog(live, headers):
    return requests.get(live.url("/catalog"), headers=headers, timeout=10)


def _put_user(live, name, body, headers=None):
    return requests.put(live.url(f"/users/{name}"), json=body, timeout=10,
                        headers=headers or live.login("admin", terminal=None))


def test_forty_wrong_passwords_then_the_right_one_is_429_and_costs_no_hash(live, hasher):
    statuses = [_login(live, "clerk1", f"guess-{i}").status_code for i in range(40)]
    assert statuses == [401] * 5 + [429] * 35
    assert hasher.verified == 5  # the 35 refused guesses hashed nothing
    right = _login(live, "clerk1", "clerk1")
    message = assert_error(right, 429, "rate_limited")
    assert "登录失败次数过多" in message and right.headers["Retry-After"] == "30"
    assert hasher.verified == 5
    live.clock.at += timedelta(seconds=30)
    again = _login(live, "clerk1", "wrong")  # one more failure after the wait: a longer one
    assert again.status_code == 401
    assert _login(live, "clerk1", "clerk1").headers["Retry-After"] == "60"
    live.clock.at += timedelta(seconds=60)
    _bearer(_login(live, "clerk1", "clerk1"))  # waited: the right password works
    assert _login(live, "clerk1", "wrong").status_code == 401  # and the count starts over
    _bearer(_login(live, "clerk2", "clerk2"))  # another user was never held up


def test_one_address_guessing_many_names_backs_off_too(live, hasher):
    statuses = [_login(live, f"nobody{i}", "x").status_code for i in range(21)]
    assert statuses == [401] * 20 + [429]
    assert_error(_login(live, "supervisor", "supervisor"), 429, "rate_limited")
    assert hasher.verified == 20


def test_logout_revokes_the_calling_token_only(live):
    token, other = live.login("clerk1"), live.login("clerk1")
    assert _catalog(live, token).status_code == 200
    r = requests.post(live.url("/auth/logout"), json={}, headers=token, timeout=10)
    assert r.status_code == 204 and r.content == b""
    assert_error(_catalog(live, token), 401, "unauthorized")
    assert_error(requests.post(live.url("/auth/logout"), json={}, headers=token, timeout=10),
                 401, "unauthorized")
    assert _catalog(live, other).status_code == 200


def test_a_new_password_revokes_every_token_and_the_old_password(live):
    tokens = [live.login("clerk1"), live.login("clerk1", device_id="dev-2")]
    r = _put_user(live, "clerk1", {"password": "a-much-longer-one"})
    assert r.status_code == 200, r.text
    assert r.json() == {"username": "clerk1", "display_name": "售票员1", "role": "clerk",
                        "active": True}
    for headers in tokens:
        assert_error(_catalog(live, headers), 401, "unauthorized")
    assert_error(_login(live, "clerk1", "clerk1"), 401, "unauthorized")
    _bearer(_login(live, "clerk1", "a-much-longer-one"))


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(live):
    token = live.login("clerk2", terminal="02")
    admin = live.login("admin", terminal=None)
    r = _put_user(live, "clerk2", {"active": False}, admin)
    assert r.status_code == 200 and r.json()["active"] is False
    assert_error(_catalog(live, token), 401, "unauthorized")
    assert_error(_login(live, "clerk2", "clerk2"), 401, "unauthorized")
    listed = requests.get(live.url("/users"), headers=admin, timeout=10)
    assert listed.status_code == 200
    users = {u["username"]: u for u in listed.json()["users"]}
    assert users["clerk2"]["active"] is False and users["clerk1"]["active"] is True
    assert "password" not in listed.text and "argon2" not in listed.text
    assert set(users["admin"]) == {"username", "display_name", "role", "active"}


def test_short_or_name_passwords_are_refused_and_nothing_changes(live):
    admin = live.login("admin", terminal=None)
    for password, phrase in (("x", "至少要 8 个字符"), ("Clerk1", "不能与用户名相同"),
                             ("clerk1", "不能与用户名相同")):
        message = assert_error(_put_user(live, "clerk1", {"password": password}, admin),
                               422, "validation_error")
        assert phrase in message
    _bearer(_login(live, "clerk1", "clerk1"))  # the demo password still stands
    r = requests.post(live.url("/users"), headers=admin, timeout=10, json={
        "username": "wang", "role": "clerk", "password": "wang"})
    assert "不能与用户名相同" in assert_error(r, 422, "validation_error")
    assert_error(_login(live, "wang", "wang"), 401, "unauthorized")
    r = requests.post(live.url("/users"), headers=admin, timeout=10, json={
        "username": "wang", "role": "clerk", "password": "wang-2026-box", "display_name": "王"})
    assert r.status_code == 201 and r.json() == {
        "username": "wang", "display_name": "王", "role": "clerk", "active": True}
    _bearer(_login(live, "wang", "wang-2026-box"))


def test_only_an_admin_manages_users_and_the_last_admin_stays(live):
    clerk = live.login("clerk1")
    assert_error(_put_user(live, "clerk1", {"password": "long-enough-1"}, clerk),
                 403, "forbidden")
    assert_error(requests.get(live.url("/users"), headers=clerk, timeout=10), 403, "forbidden")
    assert_error(_put_user(live, "nobody", {"active": False}), 404, "not_found")
    admin = live.login("admin", terminal=None)
    assert_error(_put_user(live, "admin", {"active": False}, admin), 409, "conflict")
    assert _catalog(live, admin).status_code == 200
