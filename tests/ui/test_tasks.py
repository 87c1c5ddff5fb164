"""The background-task helper: work off the GUI thread, results on it, one database writer."""

import threading

import pytest
from PySide6.QtWidgets import QLabel

from app.domain.errors import ValidationError
from ui import tasks


@pytest.fixture
def threaded():
    tasks.set_inline(False)
    yield
    tasks.wait_for_all()


def test_work_runs_on_a_pool_thread_and_results_arrive_on_the_gui_thread(threaded, qtbot):
    gui = threading.get_ident()
    seen = {}

    def work(x):
        seen["worker"] = threading.get_ident()
        return x * 2

    def done(value):
        seen["value"], seen["callback"] = value, threading.get_ident()

    tasks.run(work, 21).on_success(done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["worker"] != gui and seen["callback"] == gui


def test_failures_arrive_on_the_gui_thread(threaded, qtbot):
    errors = []

    def refuse():
        raise ValidationError("实收金额不足")

    tasks.run(refuse).on_success(lambda _v: errors.append("no")).on_failure(errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValidationError) and errors[0].message == "实收金额不足"


def test_writes_run_one_at_a_time_in_order_on_one_thread(threaded, qtbot):
    threads, order, running, overlaps = set(), [], [0], []

    def write(n):
        running[0] += 1
        overlaps.append(running[0])
        threads.add(threading.get_ident())
        order.append(n)
        running[0] -= 1
        return n

    results = []
    for n in range(20):
        tasks.write(write, n).on_success(results.append)
    qtbot.waitUntil(lambda: len(results) == 20)
    assert order == list(range(20)) and results == list(range(20))
    assert len(threads) == 1 and max(overlaps) == 1
    assert threading.get_ident() not in threads


def test_delivery_is_dropped_when_the_owner_widget_is_gone(threaded, qtbot):
    gate, got = threading.Event(), []
    label = QLabel()
    task = tasks.run(gate.wait, 5, owner=label).on_success(got.append)
    label.deleteLater()
    qtbot.wait(20)
    gate.set()
    qtbot.waitUntil(lambda: task.done)
    assert got == []


def test_inline_mode_runs_synchronously_and_callbacks_fire_when_attached():
    tasks.set_inline(True)
    calls = []
    task = tasks.run(lambda: calls.append("work") or 7)
    assert calls == ["work"] and task.done
    task.on_success(lambda v: calls.append(v)).on_done(lambda: calls.append("done"))
    assert calls == ["work", 7, "done"]


def test_an_unhandled_failure_reaches_the_app_hook(qtbot):
    heard = []
    tasks.set_unhandled_failure(heard.append)
    try:
        tasks.run(lambda: 1 / 0)
        qtbot.waitUntil(lambda: bool(heard))
        assert isinstance(heard[0], ZeroDivisionError)
    finally:
        tasks.set_unhandled_failure(None)
