"""The channel traffic simulator against the real store over HTTP (SQLite and PostgreSQL):
seeded traffic with faults on a clock shared with the store, then the store's own tables
say what happened — orders per channel, each provider transaction applied once, the
anomalies the faults must raise — and the simulator saw no 5xx. Then `main.py simulate`
as a process for about two seconds."""

import os
import random
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.services.sales import orders_expiry
from simulator.runner import Simulator

SECRET = "sim-test-secret"
ROOT = Path(__file__).resolve().parents[3]
STEPS = 160
GAP = 20  # simulated seconds between steps: 160 steps ≈ 53 minutes of a morning


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _rows(live, sql):
    with live.db.engine.connect() as conn:
        return conn.execute(sa.text(sql)).all()


@pytest.fixture
def simulated(live):
    """STEPS seeded steps with faults; the store's expiry sweep runs as the clock moves."""
    sim = Simulator(live.base, secret=SECRET, rng=random.Random(20261121), clock=live.clock,
                    sleep=lambda s: None, faults=True)
    swept = live.clock()
    for _ in range(STEPS):
        sim.step()
        live.clock.at += timedelta(seconds=GAP)
        if live.clock() - swept >= timedelta(seconds=30):
            orders_expiry.expire_unpaid(live.db.session(), now=live.clock())
            swept = live.clock()
    live.clock.at += timedelta(minutes=30)  # late callbacks come; unpaid orders expire
    sim.pump()
    orders_expiry.expire_unpaid(live.db.session(), now=live.clock())
    return sim


def test_simulated_traffic_lands_once_and_its_faults_become_anomalies(live, simulated):
    sim = simulated
    assert sim.server_errors == 0, sim.stats
    assert sim.stats["errors.unexpected"] == 0 and sim.stats["unreachable"] == 0
    assert not sim.scheduler
    created = Counter(dict(_rows(live, "SELECT channel, count(*) FROM orders GROUP BY channel")))
    for channel in ("ota_ctrip", "ota_meituan", "miniprogram", "website"):
        assert created[channel] == sim.stats[f"orders.{channel}"] > 0, (channel, created)
    # Each provider transaction is applied once, however often its callback came.
    txns = _rows(live, "SELECT provider_txn_id, count(*) FROM payments "
                       "WHERE provider_txn_id IS NOT NULL GROUP BY provider_txn_id")
    assert txns and all(n == 1 for _, n in txns)
    replays = sim.stats["faults.duplicate_callback"]
    started = sim.stats["faults.left_paying"]  # a transaction opened, its callback never came
    assert len(txns) == sim.stats["callbacks.accepted"] - replays + started
    assert not [k for k in sim.stats if k.startswith("http.")], sim.stats  # nothing refused
    assert sim.stats["faults.duplicate_callback"] > 0
    # Lost callbacks: the order was cancelled by the 15-minute expiry.
    lost = _rows(live, "SELECT count(*) FROM orders WHERE channel IN ('miniprogram', 'website') "
                       "AND cancelled AND paid_fen = 0")[0][0]
    assert lost >= sim.stats["faults.lost_callback"] > 0
    # The faults become the anomalies they should (one run: the store takes a while to set up).
    kinds = Counter(dict(_rows(live, "SELECT kind, count(*) FROM anomalies GROUP BY kind")))
    expected = {"paid_no_order": "faults.paid_no_order",  # + late callbacks after expiry
                "duplicate_payment": "faults.duplicate_payment",
                "duplicate_redemption": "redemptions.duplicate",
                "redeem_failed": "redemptions.failed"}
    for kind, cause in expected.items():
        assert kinds[kind] >= 1 and sim.stats[cause] >= 1, (kind, cause, kinds)
    assert kinds["paid_no_order"] >= sim.stats["faults.paid_no_order"]
    assert kinds["duplicate_payment"] == sim.stats["faults.duplicate_payment"]
    scans = Counter(dict(_rows(live, "SELECT status, count(*) FROM tickets GROUP BY status")))
    assert scans["redeemed"] >= sim.stats["redemptions.valid"] > 0
    assert sim.stats["redemptions.replayed"] > 0 and sim.stats["faults.offline_batch"] > 0


def test_simulate_command_runs_for_two_seconds_and_reports(live, now):
    live.clock.at = now  # the store's and the process's clocks start at the same instant
    env = dict(os.environ, MENPIAO_WEBHOOK_SECRET="")  # --secret wins over the environment
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "simulate", "--store", live.base.removesuffix(
            "/api/v1"), "--rate", "15", "--duration", "2", "--faults", "--seed", "5",
         "--secret", SECRET, "--start", now.isoformat()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "模拟结束" in out and "渠道订单" in out and "闸机核销" in out, out
    assert re.search(r"服务器错误（5xx）：0；无法连接：0 次", out), out
    steps = int(re.search(r"共 (\d+) 步", out).group(1))
    assert steps >= 1, out  # the gates' first sign-ins (argon2) take most of two seconds
    orders = _rows(live, "SELECT count(*) FROM orders")[0][0]
    assert orders == sum(int(n) for n in re.findall(r"(?:携程|美团|小程序|官网|窗口) (\d+)", out)) > 0


def test_simulate_command_survives_a_store_that_is_down():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "simulate", "--store", "http://127.0.0.1:9",
         "--rate", "5", "--duration", "1.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    unreachable = int(re.search(r"无法连接：(\d+) 次", proc.stdout).group(1))
    assert 1 <= unreachable <= 3, proc.stdout  # backs off 1 s between tries


def test_ctrl_c_stops_the_command_with_its_summary(live):
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "simulate", "--store", live.base, "--rate", "5",
         "--secret", SECRET],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = proc.stderr.readline()  # printed once Ctrl+C is handled
        assert "Ctrl+C" in banner, banner
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "模拟结束" in out and "Traceback" not in err, (out, err)
