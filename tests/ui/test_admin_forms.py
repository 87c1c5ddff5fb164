"""The 管理 tabs whose store routes are being built in other branches (DESIGN.md §15:
`POST/PUT /catalog/ticket-types`, `PUT /inventory/{ticket_type}`, `GET/PUT /refund-policy`):
the UI sends exactly the §15 bodies and shows the §8 refusals in words. `SpecStore` stands in
for StoreClient here — it keeps what it was sent and answers like the contract — until those
routes are merged and these tabs get tests against the real store."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from conftest import as_user, on_screen
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from sync.transport import PermanentError
from ui.views.admin.admin_view import AdminView

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
DEMO = [
    {"code": "ADULT", "name": "成人票", "kind": "regular", "price_fen": 10000, "components": [],
     "uses_total": 1, "min_group_size": 1},
    {"code": "CHILD", "name": "儿童票", "kind": "regular", "price_fen": 5000, "components": [],
     "uses_total": 1, "min_group_size": 1},
    {"code": "FAMILY", "name": "亲子套票", "kind": "regular", "price_fen": 13000,
     "components": ["ADULT", "CHILD"], "uses_total": 1, "min_group_size": 1},
]


def refused(status: int, code: str, message: str) -> PermanentError:
    return PermanentError(status, code, message)


class SpecStore:
    """StoreClient's admin surface as DESIGN.md §15 and §8 describe it, in memory."""

    def __init__(self) -> None:
        self.types = {t["code"]: dict(t, active=True) for t in DEMO}
        self.sold: dict[tuple[str, str], int] = {("ADULT", "2026-11-22"): 12}
        self.capacity: dict[tuple[str, str], int] = {}
        self.policy: dict[str, Any] = {"holidays": [], "dual_approval_fen": 500_000,
                                       "payment_fee_bp": {"wechat": 60, "alipay": 60}}
        self.sent: list[tuple[str, Any]] = []

    # reads
    def catalog(self) -> list[dict[str, Any]]:
        return [dict(t) for t in self.types.values() if t.get("active", True)]

    def ticket_types(self) -> list[dict[str, Any]]:  # on sale or not
        return [dict(t) for t in self.types.values()]

    def inventory(self, day: str) -> dict[str, Any]:
        items = []
        for code in ("ADULT", "CHILD"):
            cap = self.capacity.get((code, day))
            if cap is not None:
                sold = self.sold.get((code, day), 0)
                items.append({"ticket_type": code, "capacity": cap, "sold": sold, "held": 0,
                              "available": cap - sold})
        return {"date": day, "items": items}

    def refund_policy(self) -> dict[str, Any]:
        return dict(self.policy)

    def force_majeure_rules(self) -> list[dict[str, Any]]:
        return []

    def devices(self) -> list[dict[str, Any]]:
        return []

    def users(self) -> list[dict[str, Any]]:
        return []

    def admin_changes(self, **_: Any) -> dict[str, Any]:
        return {"changes": [], "next_before": None}

    # writes, checked as the store would
    def add_ticket_type(self, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(("POST /catalog/ticket-types", body))
        if body["code"] in self.types:
            raise refused(409, "conflict", f"票种代码 {body['code']} 已存在")
        for part in body.get("components", []):
            if part not in self.types or self.types[part].get("components"):
                raise refused(422, "validation_error", f"套票的组成 {part} 不是可售的单一票种")
        self.types[body["code"]] = dict(body)
        return dict(body)

    def change_ticket_type(self, code: str, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append((f"PUT /catalog/ticket-types/{code}", body))
        self.types[code] = dict(self.types[code], **body)
        return dict(self.types[code])

    def set_capacity_range(self, ticket_type: str, first: str, last: str, capacity: int,
                           weekdays: list[int] | None = None) -> dict[str, Any]:
        body = {"from": first, "to": last, "capacity": capacity}
        if weekdays:
            body["weekdays"] = weekdays
        self.sent.append((f"PUT /inventory/{ticket_type}", body))
        days, day = [], date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            if not weekdays or day.isoweekday() in weekdays:
                days.append(day.isoformat())
            day += timedelta(days=1)
        for d in days:
            sold = self.sold.get((ticket_type, d), 0)
            if capacity < sold:
                raise refused(409, "conflict",
                              f"{d} 已售出和预留 {sold} 张，库存不能低于此数")
        for d in days:
            self.capacity[(ticket_type, d)] = capacity
        return {"items": [item for d in days for item in self.inventory(d)["items"]
                          if item["ticket_type"] == ticket_type]}

    def set_refund_policy(self, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(("PUT /refund-policy", body))
        spans = sorted((h["start"], h["end"]) for h in body["holidays"])
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start <= end:
                raise refused(422, "validation_error", f"节假日 {start} 与前一个节假日重叠")
        self.policy = dict(body)
        return dict(body)


@pytest.fixture
def spec_admin(admin_ctx):
    admin_ctx.store = SpecStore()
    return admin_ctx


def open_view(ctx, qtbot, tab: int) -> AdminView:
    view = on_screen(qtbot, AdminView(ctx), size=(1300, 760))
    view.current_tab().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key(Key.Key_1 + tab), ALT)
    return view


def modal(qtbot, name: str):
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().objectName() == name)
    return QApplication.activeModalWidget()


def test_ticket_types_package_pass_group_by_keyboard(spec_admin, qtbot):
    view = open_view(spec_admin, qtbot, 2)
    tab = view.ticket_types
    assert view.current_tab() is tab
    m = tab.model
    assert [m.index(2, c).data() for c in range(m.columnCount())] == [
        "FAMILY", "亲子套票", "套票", "¥130.00", "含 ADULT + CHILD", "启用"]

    qtbot.keyClick(tab.table, Key.Key_N, CTRL)
    dialog = modal(qtbot, "ticketTypeDialog")
    qtbot.keyClicks(dialog.code, "ADULT")  # taken: the store says so
    dialog.name.setText("成人票")
    qtbot.keyClicks(dialog.price, "80")
    qtbot.keyClick(dialog.price, Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "票种代码 ADULT 已存在"

    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "family2")
    dialog.name.setText("亲子套票（周末）")
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Key.Key_End)  # the last kind: 套票
    assert dialog.kind.currentData() == "package" and dialog.components.isVisibleTo(dialog)
    assert not dialog.uses.isVisibleTo(dialog)
    dialog.price.clear()
    qtbot.keyClicks(dialog.price, "150")
    qtbot.keyClicks(dialog.components, "ADULT+FAMILY")  # a package inside a package
    qtbot.keyClick(dialog.components, Key.Key_Return)
    assert dialog.error.text() == "套票的组成 FAMILY 不是可售的单一票种"
    dialog.components.clear()
    qtbot.keyClicks(dialog.components, "adult+child")
    qtbot.keyClick(dialog.components, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert spec_admin.store.sent[-1] == ("POST /catalog/ticket-types", {
        "code": "FAMILY2", "name": "亲子套票（周末）", "kind": "regular", "price_fen": 15000,
        "active": True, "components": ["ADULT", "CHILD"]})
    assert tab.message.text() == "已新建票种 FAMILY2 亲子套票（周末）（套票）。"
    assert tab.current()["code"] == "FAMILY2"

    for kind, extra, expected in (("pass", "uses", {"uses_total": 10}),
                                  ("group", "min_group", {"min_group_size": 15})):
        tab.table.setFocus()
        dialog = tab.new_type()
        dialog.code.setText(kind.upper() + "X")
        dialog.name.setText("十次卡" if kind == "pass" else "大团队票")
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        dialog.price.setText("300")
        spin = getattr(dialog, extra)
        spin.selectAll()
        qtbot.keyClicks(spin, str(next(iter(expected.values()))))
        qtbot.keyClick(spin, Key.Key_Return)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible())
        body = spec_admin.store.sent[-1][1]
        assert body["kind"] == kind and body == body | expected and "components" not in body


def test_a_price_change_and_taking_a_type_off_sale(spec_admin, qtbot):
    view = open_view(spec_admin, qtbot, 2)
    tab = view.ticket_types
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Key.Key_Return)
    dialog = modal(qtbot, "ticketTypeDialog")
    assert dialog.code.isReadOnly() and dialog.price.text() == "100.00"
    dialog.price.setFocus()
    dialog.price.selectAll()
    qtbot.keyClicks(dialog.price, "120")
    qtbot.keyClick(dialog.price, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert spec_admin.store.sent[-1] == ("PUT /catalog/ticket-types/ADULT", {
        "code": "ADULT", "name": "成人票", "kind": "regular", "price_fen": 12000,
        "active": True})
    assert tab.model.index(0, tab.model.PRICE).data() == "¥120.00"

    tab.table.setFocus()
    qtbot.keyClick(tab.table, Key.Key_D, CTRL)
    assert spec_admin.store.sent[-1][1]["active"] is False
    assert tab.message.text() == "成人票 已停售，已售订单不受影响。"
    assert tab.model.index(0, tab.model.ACTIVE).data() == "停用"
    assert tab.active_button.text() == "恢复销售 (Ctrl+D)"


def test_capacity_bulk_set_by_range_and_weekdays(spec_admin, qtbot):
    store = spec_admin.store
    for d in range(21, 31):
        store.capacity[("ADULT", f"2026-11-{d}")] = 1000
    view = open_view(spec_admin, qtbot, 3)
    cal = view.capacity
    assert cal.model.index(21, 1).data() == "1000（售 12 · 留 0）"  # 11-22
    # ADULT 11-23 (Mon) … 11-29 (Sun), chosen with the keys: the form follows
    cal.table.setFocus()
    cal.table.setCurrentIndex(cal.model.index(22, 1))
    for _ in range(6):
        qtbot.keyClick(cal.table, Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert cal.type_box.currentData() == "ADULT"
    assert (cal.from_date.date(), cal.to_date.date()) == (QDate(2026, 11, 23),
                                                          QDate(2026, 11, 29))
    cal.capacity.setFocus()
    cal.capacity.selectAll()
    qtbot.keyClicks(cal.capacity, "800")
    for iso in (6, 7):  # weekends keep theirs
        cal.weekdays[iso].setFocus()
        qtbot.keyClick(cal.weekdays[iso], Key.Key_Space)
    qtbot.keyClick(cal.weekdays[7], Key.Key_S, CTRL)
    assert store.sent[-1] == ("PUT /inventory/ADULT", {
        "from": "2026-11-23", "to": "2026-11-29", "capacity": 800,
        "weekdays": [1, 2, 3, 4, 5]})
    assert cal.message.text() == "成人票（ADULT）：已将 5 天的库存设为 800。"
    assert cal.model.index(22, 1).data() == "800（售 0 · 留 0）"
    assert cal.model.index(27, 1).data() == "1000（售 0 · 留 0）"  # Saturday kept

    cal.table.setCurrentIndex(cal.model.index(21, 1))  # 11-22: 12 sold
    cal.table.selectionModel().select(cal.model.index(21, 1),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
    for iso in (6, 7):
        cal.weekdays[iso].setChecked(True)  # every day again: the range alone
    cal.capacity.setValue(10)
    qtbot.keyClick(cal.capacity, Key.Key_Return)
    assert cal.message.property("kind") == "error"
    assert cal.message.text() == "2026-11-22 已售出和预留 12 张，库存不能低于此数"
    assert store.capacity[("ADULT", "2026-11-22")] == 1000  # nothing written


def test_refund_policy_holidays_and_fees_then_the_overlap_refused(spec_admin, qtbot):
    view = open_view(spec_admin, qtbot, 4)
    tab = view.refund_policy
    assert tab.dual_line.text() == "5,000.00" and tab.fees["wechat"].value() == 0.6
    tab.holiday_from.setDate(QDate(2026, 10, 1))
    tab.holiday_to.setDate(QDate(2026, 10, 7))
    tab.holiday_rate.setFocus()
    tab.holiday_rate.selectAll()
    qtbot.keyClicks(tab.holiday_rate, "50")
    qtbot.keyClick(tab.holiday_rate, Key.Key_Return)  # Enter adds the holiday
    assert tab.holidays.rows() == [{"start": "2026-10-01", "end": "2026-10-07",
                                    "same_day_fee_bp": 5000}]
    tab.dual_line.setFocus()
    tab.dual_line.selectAll()
    qtbot.keyClicks(tab.dual_line, "3000")
    tab.fees["alipay"].setValue(0.55)
    qtbot.keyClick(tab.dual_line, Key.Key_S, CTRL)
    assert spec_admin.store.sent[-1] == ("PUT /refund-policy", {
        "holidays": [{"start": "2026-10-01", "end": "2026-10-07", "same_day_fee_bp": 5000}],
        "dual_approval_fen": 300_000,
        "payment_fee_bp": {"wechat": 60, "alipay": 55, "cash": 0, "ota": 0, "voucher": 0}})
    assert tab.message.text() == "退票规则已保存，此后申请的退票按新规则计算。"

    tab.holiday_from.setDate(QDate(2026, 10, 5))
    tab.holiday_to.setDate(QDate(2026, 10, 8))
    qtbot.keyClick(tab.holiday_to, Key.Key_Return)
    qtbot.keyClick(tab.dual_line, Key.Key_S, CTRL)
    assert tab.message.text() == "节假日 2026-10-05 与前一个节假日重叠"
    assert len(spec_admin.store.policy["holidays"]) == 1  # nothing written
    tab.holiday_table.setFocus()
    tab.holiday_table.selectRow(1)
    qtbot.keyClick(tab.holiday_table, Key.Key_Delete)
    assert len(tab.holidays.rows()) == 1


def test_a_supervisor_reads_and_cannot_write(spec_admin, qtbot):
    as_user(spec_admin, "supervisor", "supervisor")
    view = open_view(spec_admin, qtbot, 1)  # Alt+2: ticket types (no users tab)
    assert view.users is None and view.current_tab() is view.ticket_types
    assert view.read_only_label.isVisible() and not view.offline_label.isVisible()
    assert view.ticket_types.model.rowCount() == 3
    assert not view.ticket_types.new_button.isEnabled()
    assert view.ticket_types.new_type() is None
    view.show_tab(3)
    assert view.refund_policy.dual_line.isReadOnly()
    view.refund_policy.save()
    assert spec_admin.store.sent == []
    assert view.refund_policy.force_majeure.submit_button.isEnabled()  # §14: supervisors too
