"""Online searches go to the store (issue 14): against a real embedded store over HTTP, the
Orders view lists what the store holds — not only what this window cached — with the store's
count and sum; offline, or when the store does not answer, it lists the cache and says so."""

import threading

import pytest
from conftest import as_user
from store_helpers import connect
from test_orders_view import column, open_view

from ui import tasks
from ui.models.orders_model import OrdersModel
from ui.views import orders_source


@pytest.fixture
def supervisor(ctx, ui_store):
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


@pytest.fixture
def orders(ui_store, supervisor, qtbot):
    """An anomaly (paid twice) and a Ctrip order, synced into the cache; then a Meituan order
    the window has not pulled yet."""
    made = {"anomaly": ui_store.duplicate_payment(),
            "ctrip": ui_store.channel_order(channel="ota_ctrip", paid=True)}
    supervisor.sync_once(qtbot)
    made["meituan"] = ui_store.channel_order(channel="ota_meituan", adults=3, paid=True)
    return made


def numbers(view) -> list[str]:
    return column(view, OrdersModel.ORDER_NO)


def cached(ctx) -> set[str]:
    from app.services.lookup import search

    with ctx.session() as s:
        found, _ = search.search_orders(s, search.OrderFilters(), limit=500)
    return {o["order_no"] for o in found}


def test_online_the_store_answers_every_order_with_its_count_and_sum(ctx, orders, qtbot):
    assert orders["meituan"]["order_no"] not in cached(ctx)  # the store has it, the cache not
    view = open_view(ctx, qtbot)
    assert view.source is not None and view.source.from_store
    assert view.source_note.text() == ""
    listed = numbers(view)
    assert listed[0] == orders["anomaly"]["order_no"]  # 异常 first
    assert orders["meituan"]["order_no"] in listed and orders["ctrip"]["order_no"] in listed
    store_total = sum(o["total_fen"] for o in view.model.orders())
    assert view.summary == {"orders": len(listed), "amount_fen": store_total}
    # several channels and statuses, asked of the store
    bar = view.filter_bar
    bar.channel.set_selected(["ota_meituan", "ota_ctrip", "miniprogram"])
    bar.status.set_selected(["paid"])
    assert set(numbers(view)) == {orders["meituan"]["order_no"], orders["ctrip"]["order_no"]}
    assert view.count.text() == "共 2 单，合计 ¥500.00"
    bar.status.set_selected(["anomaly"])
    assert numbers(view) == [orders["anomaly"]["order_no"]]
    view.search_box.setText(orders["meituan"]["order_no"])
    bar.status.set_selected([])
    assert numbers(view) == [orders["meituan"]["order_no"]]
    assert view.count.text() == "共 1 单，合计 ¥300.00"


def test_store_reads_run_off_the_gui_thread(ctx, orders, qtbot, monkeypatch):
    threads = []
    for name in ("load_orders", "load_summary"):
        real = getattr(orders_source, name)

        def spy(*args, _real=real, _name=name):
            threads.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(*args)

        monkeypatch.setattr(orders_source, name, spy)
    tasks.set_inline(False)
    view = open_view(ctx, qtbot)
    qtbot.waitUntil(lambda: view.summary is not None, timeout=5000)
    assert sorted(threads) == [("load_orders", False), ("load_summary", False)]
    assert view.source.from_store and orders["meituan"]["order_no"] in numbers(view)


def test_offline_the_cache_answers_and_says_so(ctx, ui_store, supervisor, orders, qtbot):
    ui_store.store.stop()
    supervisor.engine.sync_once()
    qtbot.waitUntil(lambda: not ctx.sync.online)
    view = open_view(ctx, qtbot)
    assert view.source is not None and not view.source.from_store
    assert view.source_note.text() == "离线：仅显示本机缓存的订单"
    assert set(numbers(view)) == cached(ctx)
    assert orders["meituan"]["order_no"] not in numbers(view)
    assert view.summary == {"orders": len(cached(ctx)),
                            "amount_fen": sum(o["total_fen"] for o in view.model.orders())}


def test_a_store_that_stops_answering_falls_back_to_the_cache(ctx, ui_store, orders, qtbot):
    assert ctx.sync.online
    ui_store.store.stop()  # the engine has not noticed yet: the view asks, nobody answers
    view = open_view(ctx, qtbot)
    assert not view.source.from_store
    assert view.source_note.text().startswith("中心库没有应答（")
    assert view.source_note.text().endswith("）：仅显示本机缓存的订单")
    assert set(numbers(view)) == cached(ctx) and view.message.text() == ""
    assert view.count.text().startswith(f"共 {len(cached(ctx))} 单，合计 ¥")


def test_a_refresh_follows_the_store_going_away_and_coming_back(ctx, orders, qtbot,
                                                              monkeypatch):
    from ui.views import orders_view

    online = [True]  # what the sync bridge says (the engine reached the store or not)
    monkeypatch.setattr(orders_view, "store_online", lambda _ctx: online[0])
    view = open_view(ctx, qtbot)
    assert view.source.from_store
    online[0] = False
    view.refresh()
    assert not view.source.from_store and view.source_note.text() == "离线：仅显示本机缓存的订单"
    assert orders["meituan"]["order_no"] not in numbers(view)
    online[0] = True
    view.refresh()
    assert view.source.from_store and orders["meituan"]["order_no"] in numbers(view)


def test_ctrl_e_exports_what_the_filters_show_from_the_store(ctx, orders, qtbot, tmp_path,
                                                             monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtCore import Qt

    from ui import export_dialog

    monkeypatch.setattr(export_dialog, "choose_path", lambda *_a: str(tmp_path / "out.xlsx"))
    view = open_view(ctx, qtbot)
    assert view.exporter.allowed
    view.filter_bar.channel.set_selected(["ota_meituan", "ota_ctrip"])
    assert len(numbers(view)) == 2
    view.search_box.setFocus()  # where the supervisor's cursor is: Ctrl+E is not end-of-line
    qtbot.keyClick(view.search_box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    runner = view.exporter.runner
    assert runner is not None
    qtbot.waitUntil(lambda: runner.state == "done", timeout=20_000)
    runner.notice.close()
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2,
                                                                      values_only=True))
    assert sorted(r[0] for r in rows) == sorted(numbers(view))  # the orders on screen
    assert {r[1] for r in rows} == {"美团", "携程"}


def test_a_clerk_has_no_export(ctx, qtbot):
    as_user(ctx, "clerk1", "clerk")
    view = open_view(ctx, qtbot)
    assert not view.exporter.allowed and view.exporter.button.isHidden()
