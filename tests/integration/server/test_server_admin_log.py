"""The admin log (DESIGN.md §15) over real HTTP on SQLite and PostgreSQL: every user and device
change an admin makes is recorded — who, when, before → after — and readable by supervisors,
never with a password, hash or secret in it."""

import json

import requests
from conftest import assert_error


def _changes(live, headers, **params):
    r = requests.get(live.url("/admin/changes"), params=params, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_user_and_device_changes_are_logged_with_who_and_before_after(live):
    admin = live.login("admin", terminal=None)
    r = requests.post(live.url("/users"), headers=admin, timeout=10, json={
        "username": "clerk7", "display_name": "售票员7", "role": "clerk",
        "password": "s3cret-pass-7"})
    assert r.status_code == 201, r.text
    r = requests.put(live.url("/users/clerk7"), headers=admin, timeout=10,
                     json={"password": "an0ther-pass-7", "display_name": "王七"})
    assert r.status_code == 200, r.text
    r = requests.post(live.url("/devices"), headers=admin, timeout=10, json={
        "device_id": "window-07", "kind": "window", "terminal": "07", "location": "北门7号窗口"})
    assert r.status_code == 201, r.text
    secret = r.json()["device_secret"]
    r = requests.put(live.url("/devices/window-07"), headers=admin, timeout=10,
                     json={"active": False})
    assert r.status_code == 200, r.text

    page = _changes(live, live.login("supervisor", terminal=None))  # supervisors read it
    found = [(c["entity"], c["key"], c["action"], c["actor"]) for c in page["changes"]]
    assert found == [("device", "window-07", "update", "user:admin"),
                     ("device", "window-07", "register", "user:admin"),
                     ("user", "clerk7", "update", "user:admin"),
                     ("user", "clerk7", "create", "user:admin")]
    device_off, _, user_change, user_new = page["changes"]
    assert device_off["before"]["active"] is True and device_off["after"]["active"] is False
    assert user_new["before"] is None and user_new["after"]["role"] == "clerk"
    assert user_change["before"]["display_name"] == "售票员7"
    assert user_change["after"] == {"username": "clerk7", "display_name": "王七",
                                    "role": "clerk", "active": True, "password_changed": True}
    text = json.dumps(page, ensure_ascii=False)
    for secret_text in ("s3cret-pass-7", "an0ther-pass-7", secret, "argon2"):
        assert secret_text not in text
    only = _changes(live, admin, entity="user", key="clerk7", limit=1)
    assert [c["action"] for c in only["changes"]] == ["update"]
    older = _changes(live, admin, entity="user", key="clerk7", before=only["next_before"])
    assert [c["action"] for c in older["changes"]] == ["create"] and older["next_before"] is None


def test_a_put_that_changes_nothing_logs_nothing_and_clerks_cannot_read(live):
    admin = live.login("admin", terminal=None)
    r = requests.put(live.url("/users/clerk1"), headers=admin, timeout=10, json={})
    assert r.status_code == 200, r.text
    assert _changes(live, admin)["changes"] == []
    r = requests.get(live.url("/admin/changes"), headers=live.login("clerk1"), timeout=10)
    assert_error(r, 403, "forbidden")
    r = requests.get(live.url("/admin/changes"), params={"entity": "orders"}, headers=admin,
                     timeout=10)
    assert "对象类型" in assert_error(r, 422, "validation_error")
