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
                     stdin="s3cret\n")
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
            user = auth.login(db.session(), "wang", "s3cret", device_id="", now=now)
            assert user.role == "clerk"
        finally:
            db.dispose()
