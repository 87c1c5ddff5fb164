"""`python main.py server --demo` and `python main.py users add/list` as real processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from conftest import free_port

from app.services.admin import auth
from app.store.db import Database

ROOT = Path(__file__).resolve().parents[3]


def _main(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_server_demo_starts_and_answers(tmp_path):
    port = free_port()
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "server", "--database", url, "--host",
         "127.0.0.1", "--port", str(port), "--demo"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                r = requests.get(base + "/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.json() == {"status": "ok"}
        login = requests.post(base + "/auth/login", timeout=10, json={
            "username": "admin", "password": "admin"})  # an admin at no device (§14)
        assert login.status_code == 200 and login.json()["role"] == "admin"
        clerk = requests.post(base + "/auth/login", timeout=10, json={  # the demo windows
            "username": "clerk1", "password": "clerk1", "device_id": "window-01",
            "device_secret": "window-01"})
        assert clerk.status_code == 200 and clerk.json()["terminal"] == "01"
    finally:
        proc.terminate()
        proc.wait(30)


def test_users_add_and_list(sqlite_url, pg_url, now):
    for url in (sqlite_url, pg_url):
        done = _main("users", "--database", url, "add", "wang", "--role", "clerk",
                     stdin="s3cret-pw\n")
        assert done.returncode == 0, done.stderr
        assert "wang" in done.stdout
        again = _main("users", "add", "wang", "--role", "clerk", "--database", url,
                      stdin="x\n")
        assert again.returncode == 1 and "已存在" in again.stderr
        empty = _main("users", "add", "li", "--role", "admin", "--database", url, stdin="\n")
        assert empty.returncode == 1 and "密码不能为空" in empty.stderr
        listed = _main("users", "list", "--database", url)
        assert listed.returncode == 0
        assert listed.stdout.splitlines() == ["wang\tclerk\twang"]
        db = Database.open(url)
        try:
            user = auth.login(db.session(), "wang", "s3cret-pw", device_id="", now=now)
            assert user.role == "clerk"
        finally:
            db.dispose()


def test_demo_is_refused_on_a_non_loopback_host(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    for host in ("0.0.0.0", "192.168.1.20", "::"):
        done = _main("server", "--database", url, "--host", host, "--port", "9", "--demo")
        assert done.returncode == 2 and "演示模式" in done.stderr and host in done.stderr
    assert not (tmp_path / "store.sqlite3").exists()  # refused before touching a database


def test_users_passwd_and_disable_revoke_the_users_tokens(live):
    url = live.db.engine.url.render_as_string(hide_password=False)
    clerk1, clerk2 = live.login("clerk1"), live.login("clerk2", terminal="02")
    catalog = lambda headers: requests.get(live.url("/catalog"), headers=headers,  # noqa: E731
                                           timeout=10).status_code
    for weak, phrase in (("short", "至少要 8 个字符"), ("clerk1", "不能与用户名相同")):
        refused = _main("users", "passwd", "clerk1", "--database", url, stdin=weak + "\n")
        assert refused.returncode == 1 and phrase in refused.stderr
    assert catalog(clerk1) == 200
    done = _main("users", "passwd", "clerk1", "--database", url, stdin="new-password-1\n")
    assert done.returncode == 0 and "已修改" in done.stdout, done.stderr
    assert catalog(clerk1) == 401 and catalog(clerk2) == 200
    live.login("clerk1", "new-password-1")
    done = _main("users", "disable", "clerk2", "--database", url)
    assert done.returncode == 0 and "已停用" in done.stdout, done.stderr
    assert catalog(clerk2) == 401
    body = {"username": "clerk2", "password": "clerk2", "device_id": "dev-2"}
    assert requests.post(live.url("/auth/login"), json=body, timeout=10).status_code == 401
    missing = _main("users", "disable", "nobody", "--database", url)
    assert missing.returncode == 1 and "没有用户" in missing.stderr
    # both changes are in the admin log, as the command line's
    r = requests.get(live.url("/admin/changes"), params={"entity": "user"}, timeout=10,
                     headers=live.login("admin", terminal=None))
    logged = [(c["key"], c["actor"], c["after"].get("active"), c["after"].get("password_changed"))
              for c in r.json()["changes"]]
    assert logged == [("clerk2", "cli", False, None), ("clerk1", "cli", True, True)]
