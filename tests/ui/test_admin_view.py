"""The 管理 screen against a real central store (the embedded one, SQLite, over HTTP): users,
devices, the capacity calendar's reading, force-majeure days and the admin log go through the
store's own routes, typed with the keys an admin uses; the store's database is checked
afterwards, and its refusals are shown in Chinese with nothing written."""

import pytest
import sqlalchemy as sa
from conftest import as_user, on_screen, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.store.models import AdminChange, ApiToken, Device, User
from sync.transport import PermanentError, StoreClient
from ui.views.admin.admin_view import AdminView

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def signed_in(ui_store, username: str, password: str | None = None) -> StoreClient:
    client = StoreClient(ui_store.base)
    client.login(username, password or username, None)  # staff at no device (§14)
    return client


@pytest.fixture
def admin(ctx, ui_store):
    as_user(ctx, "admin", "admin").store = signed_in(ui_store, "admin")
    client = ctx.store
    yield ctx
    client.close()


def open_view(ctx, qtbot) -> AdminView:
    view = on_screen(qtbot, AdminView(ctx), size=(1300, 760))
    view.current_tab().setFocus()
    return view


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus, as on a real desk."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), k, modifier)


def back(qtbot, view, widget) -> None:
    """A dialog closed: the desktop gives the window back (offscreen Qt does not by itself)."""
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    widget.setFocus()


def modal(qtbot, name: str):
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().objectName() == name)
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    return dialog


def user_row(ui_store, username: str) -> User | None:
    with ui_store.db.session() as s:
        return s.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()


def log_rows(ui_store, entity: str) -> list[AdminChange]:
    with ui_store.db.session() as s:
        return list(s.execute(sa.select(AdminChange).where(AdminChange.entity == entity)
                              .order_by(AdminChange.seq)).scalars())


def select(tab, key_value: str) -> None:
    row = tab.model.find(lambda r: tab.key_of(r) == key_value)
    assert row >= 0, key_value
    tab.table.selectRow(row)
    tab.table.setFocus()


def test_create_a_user_by_keyboard_the_store_judges_the_password(admin, ui_store, qtbot):
    view = open_view(admin, qtbot)
    users = view.users
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "用户", "设备", "票种", "库存日历", "退票规则", "变更记录"]
    rows = {r["username"]: r for r in users.model.rows()}
    assert rows["clerk1"]["role"] == "clerk"
    assert users.model.index(users.model.row_of("clerk1"), 2).data() == "售票员"
    assert users.model.index(users.model.row_of("clerk1"), 3).data() == "启用"

    key(qtbot, Key.Key_N, CTRL)
    dialog = modal(qtbot, "newUserDialog")
    press(qtbot, "zhang3", Key.Key_Tab)
    dialog.display_name.setText("张三")  # an IME types Chinese; QTest keys are ASCII
    press(qtbot, Key.Key_Tab, Key.Key_Down, Key.Key_Tab)  # role: 值班主管
    assert dialog.role.currentData() == "supervisor"
    press(qtbot, "short", Key.Key_Tab, "short", Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "密码至少要 8 个字符"
    assert user_row(ui_store, "zhang3") is None  # refused: nothing written

    for edit in (dialog.password, dialog.again):
        edit.setText("zhang3")
    qtbot.keyClick(dialog.again, Key.Key_Return)
    assert dialog.error.text() == "密码不能与用户名相同" and user_row(ui_store, "zhang3") is None

    dialog.password.setText("Ticket-2026")
    dialog.again.setText("Ticket-2027")
    qtbot.keyClick(dialog.again, Key.Key_Return)
    assert dialog.error.text() == "两次输入的密码不一致。"

    dialog.again.setText("Ticket-2026")
    qtbot.keyClick(dialog.again, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    row = user_row(ui_store, "zhang3")
    assert (row.role, row.display_name, row.active) == ("supervisor", "张三", True)
    assert users.message.text() == "已新建用户 zhang3（值班主管）。"
    assert users.current()["username"] == "zhang3"
    [logged] = [c for c in log_rows(ui_store, "user") if c.entity_key == "zhang3"]
    assert logged.actor == "user:admin" and logged.action == "create"
    assert "password" not in logged.after
    signed_in(ui_store, "zhang3", "Ticket-2026").close()  # a wrong password would raise


def test_the_last_admin_cannot_go_and_a_clerk_is_deactivated_then_back(admin, ui_store, qtbot):
    view = open_view(admin, qtbot)
    users = view.users
    select(users, "admin")
    key(qtbot, Key.Key_D, CTRL)
    assert users.message.property("kind") == "error"
    assert users.message.text() == "这是最后一个可用的管理员账号，不能停用或改为其他角色"
    assert user_row(ui_store, "admin").active is True

    clerk = signed_in(ui_store, "supervisor")  # someone signed in who is about to be let go
    select(users, "supervisor")
    key(qtbot, Key.Key_D, CTRL)
    assert users.message.text() == "supervisor 已停用，并已在所有设备上退出登录（Ctrl+D 可重新启用）。"
    assert user_row(ui_store, "supervisor").active is False
    assert users.current()["username"] == "supervisor"
    assert users.model.index(users.table.currentIndex().row(), 3).data() == "停用"
    assert users.active_button.text() == "重新启用 (Ctrl+D)"
    with ui_store.db.session() as s:
        live = s.execute(sa.select(ApiToken).where(ApiToken.username == "supervisor",
                                                   ApiToken.revoked_at.is_(None))).all()
    assert live == []  # every token revoked
    with pytest.raises(PermanentError):
        clerk.devices()
    key(qtbot, Key.Key_D, CTRL)
    assert user_row(ui_store, "supervisor").active is True


def test_name_role_and_password_by_keyboard_then_the_log_says_it(admin, ui_store, qtbot):
    view = open_view(admin, qtbot)
    users = view.users
    select(users, "clerk2")
    key(qtbot, Key.Key_Return)
    dialog = modal(qtbot, "editUserDialog")
    press(qtbot, Key.Key_Escape)  # Esc: nothing sent
    qtbot.waitUntil(lambda: not dialog.isVisible())
    back(qtbot, view, users.table)
    key(qtbot, Key.Key_Return)
    dialog = modal(qtbot, "editUserDialog")
    press(qtbot, Key.Key_Tab, Key.Key_Down, Key.Key_Return)  # 售票员 → 值班主管
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert user_row(ui_store, "clerk2").role == "supervisor"

    back(qtbot, view, users.table)
    key(qtbot, Key.Key_R, CTRL)
    dialog = modal(qtbot, "passwordDialog")
    press(qtbot, "Window-02-pw", Key.Key_Tab, "Window-02-pw", Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    signed_in(ui_store, "clerk2", "Window-02-pw").close()  # now a supervisor: no device
    assert users.message.text() == "已为 clerk2 设置新密码，并已在所有设备上退出登录。"

    view.show_tab(5)  # 变更记录 (Alt+6)
    log = view.changes
    texts = [log.model.index(r, log.model.CHANGE).data() for r in range(log.model.rowCount())]
    assert texts[:2] == ["密码已重置", "角色：售票员 → 值班主管"]
    assert log.model.index(0, log.model.ACTOR).data() == "admin"
    assert log.model.index(0, log.model.WHAT).data() == "用户 clerk2"
    assert log.model.index(0, log.model.AT).data() == "2026-11-21 10:00"  # venue time


def test_register_a_window_the_secret_is_shown_once_and_signs_in(admin, ui_store, qtbot):
    view = open_view(admin, qtbot)
    key(qtbot, Key.Key_2, ALT)
    devices = view.devices
    assert view.current_tab() is devices and devices.model.row_of("gate-1") >= 0
    gate = devices.model.row(devices.model.row_of("gate-1"))
    assert devices.model.index(devices.model.row_of("gate-1"), 1).data() == "闸机"
    assert gate["location"] == "南门闸机1号"

    key(qtbot, Key.Key_N, CTRL)
    dialog = modal(qtbot, "registerDeviceDialog")
    assert dialog.kind.currentData() == "window"
    press(qtbot, Key.Key_Tab, "01")  # a window number already taken
    assert dialog.device_id.text() == "window-01"
    qtbot.keyClick(dialog.terminal, Key.Key_Return)
    assert dialog.isVisible() and "已登记" in dialog.error.text()
    dialog.terminal.clear()
    qtbot.keyClicks(dialog.terminal, "03")
    assert dialog.device_id.text() == "window-03"  # proposed from the number
    dialog.location.setText("东门售票厅")
    qtbot.keyClick(dialog.terminal, Key.Key_Return)
    secret_box = modal(qtbot, "deviceSecretDialog")
    secret = secret_box.secret.text()
    assert len(secret) >= 32 and secret_box.secret.isReadOnly()
    assert "只显示这一次" in secret_box.warning.text()
    key(qtbot, Key.Key_Return)  # Enter copies
    assert QApplication.clipboard().text() == secret
    assert secret_box.copied.text() == "已复制到剪贴板。"
    key(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: not secret_box.isVisible())

    with ui_store.db.session() as s:
        row = s.get(Device, "window-03")
    assert (row.kind, row.terminal, row.location, row.active) == ("window", "03", "东门售票厅",
                                                                 True)
    assert secret not in str(row.secret_sha256) and secret not in repr(
        [(c.before, c.after) for c in log_rows(ui_store, "device")])
    assert devices.current()["device_id"] == "window-03"
    assert "device_secret" not in devices.current()
    clerk = StoreClient(ui_store.base)  # the new window signs in with what was shown
    assert clerk.login("clerk2", "clerk2", "window-03", secret)["terminal"] == "03"
    clerk.close()

    back(qtbot, view, devices.table)
    key(qtbot, Key.Key_D, CTRL)  # out of service
    with ui_store.db.session() as s:
        assert s.get(Device, "window-03").active is False
    assert devices.active_button.text() == "恢复使用 (Ctrl+D)"
    assert devices.model.index(devices.table.currentIndex().row(), 5).data() == "停用"


def test_capacity_calendar_reads_the_month_from_the_store(admin, ui_store, qtbot):
    ui_store.channel_order(adults=3, paid=True)  # 3 sold today (2026-11-21)
    view = open_view(admin, qtbot)
    key(qtbot, Key.Key_4, ALT)
    cal = view.capacity
    m = cal.model
    assert cal.month_label.text() == "2026年11月" and m.rowCount() == 30
    assert [m.code_of(c) for c in range(1, m.columnCount())] == [
        "ADULT", "CHILD", "SPECIAL", "ANNUAL", "GROUP"]  # no package: it has no stock
    assert m.index(20, 0).data() == "11-21 周六"
    assert m.index(20, 1).data() == "1000（售 3 · 留 0）"
    assert m.index(19, 1).data() == "—"  # before the demo's 30 days: not open
    assert "未开放" in m.index(19, 1).data(Qt.ItemDataRole.ToolTipRole)
    key(qtbot, Key.Key_PageDown)
    assert cal.month_label.text() == "2026年12月" and m.rowCount() == 31
    assert m.index(19, 1).data() == "1000（售 0 · 留 0）" and m.index(20, 1).data() == "—"


def test_force_majeure_needs_a_second_person(admin, ui_store, qtbot):
    view = open_view(admin, qtbot)
    key(qtbot, Key.Key_5, ALT)
    panel = view.refund_policy.force_majeure
    assert panel.model.rowCount() == 0
    panel.day.setDate(panel.day.date().addDays(5))
    panel.label.setText("暴雨闭园，全额退票")
    panel.label.setFocus()
    key(qtbot, Key.Key_Return)
    assert panel.message.text() == "2026-11-26：已提议，需另一位主管或管理员确认。"
    assert panel.model.index(0, panel.model.STATUS).data() == "等待第二人确认"

    supervisor = signed_in(ui_store, "supervisor")  # the second person, at another desk
    other = AdminView(as_user(type(admin)(home=admin.home, clock=admin.clock, db=admin.db),
                              "supervisor", "supervisor"))
    other.ctx.store = supervisor
    other.update_online()
    qtbot.addWidget(other)
    assert other.users is None  # users are the admin's only
    assert not other.devices.register_button.isEnabled()  # read only
    panel2 = other.refund_policy.force_majeure
    panel2.reload()
    panel2.table.selectRow(0)  # the proposal fills the form
    assert panel2.label.text() == "暴雨闭园，全额退票"
    panel2.submit()
    assert panel2.message.text() == "2026-11-26：即日起生效，确认人 supervisor。"
    rules = supervisor.force_majeure_rules()
    assert [(r["status"], r["set_by"], r["confirmed_by"]) for r in rules] == [
        ("active", "admin", "supervisor")]
    logged = [(c.actor, c.action, c.after["status"]) for c in log_rows(ui_store, "force_majeure")]
    assert logged == [("user:admin", "propose", "pending"),
                      ("user:supervisor", "confirm", "active")]
    supervisor.close()


def test_offline_says_so_and_writes_are_off(admin, qtbot):
    admin.store.close()
    admin.store = StoreClient("http://127.0.0.1:9", timeout=2)  # nothing listens there
    view = open_view(admin, qtbot)
    qtbot.waitUntil(view.offline_label.isVisible)
    assert "未连接中心服务器" in view.offline_label.text()
    assert "无法连接中心服务器" in view.users.message.text()
    assert not view.users.new_button.isEnabled()
    key(qtbot, Key.Key_N, CTRL)
    assert QApplication.activeModalWidget() is None  # no dialog offline
    admin.store = None
    view.update_online()
    assert all(not tab.writable for tab in view.pages.values())


def test_the_store_is_asked_off_the_gui_thread(admin, qtbot):
    import threading

    from ui import tasks

    asked_on = []
    users = admin.store.users
    admin.store.users = lambda: asked_on.append(threading.current_thread()) or users()
    tasks.set_inline(False)  # as in the running client: the pool answers later
    view = open_view(admin, qtbot)
    qtbot.waitUntil(lambda: view.users.model.rowCount() == 6, timeout=10_000)
    assert asked_on and threading.main_thread() not in asked_on


def test_the_refund_policy_tab_writes_the_stores_policy(admin, ui_store, qtbot):
    """退票规则 against the real store's GET/PUT /refund-policy: a holiday and a new approval
    line saved by keyboard are what the store then quotes with (and logs); an overlapping
    holiday is the store's refusal in words, nothing written."""
    import requests
    from PySide6.QtCore import QDate

    view = open_view(admin, qtbot)
    key(qtbot, Key.Key_5, ALT)
    tab = view.refund_policy
    qtbot.waitUntil(lambda: tab.dual_line.text() == "5,000.00")
    tab.holiday_from.setDate(QDate(2026, 10, 1))
    tab.holiday_to.setDate(QDate(2026, 10, 7))
    tab.holiday_rate.setFocus()
    tab.holiday_rate.selectAll()
    qtbot.keyClicks(tab.holiday_rate, "50")
    qtbot.keyClick(tab.holiday_rate, Key.Key_Return)  # Enter adds the holiday
    tab.dual_line.setFocus()
    tab.dual_line.selectAll()
    qtbot.keyClicks(tab.dual_line, "3000")
    qtbot.keyClick(tab.dual_line, Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: tab.message.text() == "退票规则已保存，此后申请的退票按新规则计算。")
    stored = requests.get(ui_store.base + "/refund-policy", timeout=10,
                          headers=ui_store.login("supervisor")).json()
    assert stored["holidays"] == [{"start": "2026-10-01", "end": "2026-10-07",
                                   "same_day_fee_bp": 5000}]
    assert stored["dual_approval_fen"] == 300_000
    [logged] = log_rows(ui_store, "refund_policy")
    assert logged.actor == "user:admin" and logged.after["dual_approval_fen"] == 300_000

    tab.holiday_from.setDate(QDate(2026, 10, 5))
    tab.holiday_to.setDate(QDate(2026, 10, 8))
    qtbot.keyClick(tab.holiday_to, Key.Key_Return)
    qtbot.keyClick(tab.dual_line, Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: tab.message.property("kind") == "error")
    assert "重叠" in tab.message.text()
    assert len(log_rows(ui_store, "refund_policy")) == 1  # nothing written


def test_ticket_types_and_capacity_against_the_real_store(admin, ui_store, qtbot):
    """票种 and 库存日历 over the store's own POST/PUT /catalog/ticket-types and
    PUT /inventory/{type}: a new type typed in, taken off sale and still listed; a week's
    weekdays set to 800 while the weekend keeps its capacity — checked in the store's tables."""
    from PySide6.QtCore import QDate

    from app.store.models import Inventory, TicketTypeRow

    view = open_view(admin, qtbot)
    key(qtbot, Key.Key_3, ALT)
    tab = view.ticket_types
    qtbot.waitUntil(lambda: tab.model.rowCount() >= 6)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Key.Key_N, CTRL)
    dialog = modal(qtbot, "ticketTypeDialog")
    qtbot.keyClicks(dialog.code, "evening")
    dialog.name.setText("夜场票")
    qtbot.keyClicks(dialog.price, "60")
    qtbot.keyClick(dialog.price, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    back(qtbot, view, tab.table)
    with ui_store.db.session() as s:
        row = s.get(TicketTypeRow, "EVENING")
        assert (row.name, row.price_fen, row.active) == ("夜场票", 6000, True)
    qtbot.waitUntil(lambda: tab.current() is not None and tab.current()["code"] == "EVENING")
    qtbot.keyClick(tab.table, Key.Key_D, CTRL)  # off sale
    qtbot.waitUntil(lambda: tab.message.text() == "夜场票 已停售，已售订单不受影响。")
    with ui_store.db.session() as s:
        assert s.get(TicketTypeRow, "EVENING").active is False
    tab.reload()  # still listed, and can go back on sale
    qtbot.waitUntil(lambda: tab.model.find(lambda r: r["code"] == "EVENING") >= 0)
    assert [c.action for c in log_rows(ui_store, "ticket_type")] == ["create", "update"]

    key(qtbot, Key.Key_4, ALT)
    cal = view.capacity
    qtbot.waitUntil(lambda: cal.model.rowCount() == 30)
    cal.type_box.setCurrentIndex(cal.type_box.findData("ADULT"))
    cal.from_date.setDate(QDate(2026, 11, 23))
    cal.to_date.setDate(QDate(2026, 11, 29))
    cal.capacity.setFocus()
    cal.capacity.selectAll()
    qtbot.keyClicks(cal.capacity, "800")
    for iso in (6, 7):  # weekends keep theirs
        cal.weekdays[iso].setChecked(False)
    qtbot.keyClick(cal.capacity, Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: cal.message.text() == "成人票（ADULT）：已将 5 天的库存设为 800。")
    with ui_store.db.session() as s:
        caps = dict(s.execute(sa.select(Inventory.visit_date, Inventory.capacity).where(
            Inventory.ticket_type == "ADULT")).all())
    week = {d: caps[d] for d in caps if "2026-11-23" <= d.isoformat() <= "2026-11-29"}
    assert sorted(week.values()) == [800] * 5 + [1000] * 2
    assert all(caps[d] == 1000 for d in week if d.isoweekday() >= 6)
