"""What the 日结对账 screen does (mixed into DayCloseView): drill-down (a channel's orders,
an order, a shift's Z report), the action of each discrepancy (`kinds.kind`), the settlement
import, the paper (day report, Z report again) and 关账. Store requests run off the GUI thread;
refusals are shown in Chinese on the message line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.domain.money import format_fen
from ui import tasks
from ui.views.day_close import kinds, requests
from ui.views.day_close.dialogs import ChannelOrdersDialog, ZReportDialog, close_confirmation

DISCREPANCY_TAB = 2


def source_of(item: dict[str, Any] | None) -> str | None:
    """The settlement file a discrepancy waits for: its `source` (a provider or an OTA), or
    the OTA of its order number (CTRIP-…, MEITUAN-…) from a store that does not say."""
    if not item:
        return None
    if item.get("source") in kinds.SOURCES:
        return str(item["source"])
    first = str(item.get("reason") or "").split(" ", 1)[0]
    if first in kinds.SOURCES:
        return first
    prefix = str(item.get("order_no") or "").split("-", 1)[0]
    return {"CTRIP": "ota_ctrip", "MEITUAN": "ota_meituan"}.get(prefix)


class DayCloseActions:
    # -- rows -------------------------------------------------------------------------------
    def current_shift(self) -> dict[str, Any] | None:
        rows = self.shift_table.selectionModel().selectedRows()
        index = rows[0] if rows else self.shift_table.currentIndex()
        return self.shifts.row(index.row()) if index.isValid() else None

    def current_discrepancy(self) -> dict[str, Any] | None:
        rows = self.discrepancy_table.selectionModel().selectedRows()
        return self.discrepancies.row(rows[0].row()) if rows else None

    def _action_moved(self) -> None:
        item = self.current_discrepancy()
        self.action_button.setEnabled(item is not None)
        self.action_button.setText(kinds.kind(item["kind"]).action_label if item
                                   else self.tr("&Resolve"))

    # -- drill-down -------------------------------------------------------------------------
    def open_channel_orders(self, row: int) -> None:
        channel = self.channels.row(row)
        if channel is None:
            return
        day = self.day()
        (tasks.run(requests.channel_orders, self.ctx, day, channel["channel"], owner=self)
            .on_success(lambda orders: self._show_orders(channel["channel"], day, orders))
            .on_failure(self.show_failure))

    def _show_orders(self, channel: str, day: Any, orders: list[dict[str, Any]]) -> None:
        dialog = ChannelOrdersDialog(channel, day.isoformat(), orders, self.local, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.order_chosen.connect(lambda order: self.show_order(order, dialog))
        self.dialog = dialog
        dialog.open()

    def open_order(self, order_no: str | None) -> None:
        if not order_no:
            return
        (tasks.run(requests.get_order, self.ctx, order_no, owner=self)
            .on_success(self.show_order).on_failure(self.show_failure))

    def show_order(self, order: dict[str, Any], parent: Any = None) -> Any:
        from ui.views.order_detail import OrderDetailDialog

        detail = OrderDetailDialog(order, self.local, parent or self, ctx=self.ctx)
        detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.order_dialog = detail
        detail.open()
        return detail

    def show_z_report(self, row: int | None) -> None:
        shift = self.current_shift() if row is None else self.shifts.row(row)
        if shift is None:
            return
        dialog = ZReportDialog(shift, self.local, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reprint_requested.connect(lambda: self.reprint_shift(shift))
        self.dialog = dialog
        dialog.open()

    def open_late(self, row: int) -> None:
        entry = self.late.row(row)
        if entry is not None and entry.get("order_no"):
            self.open_order(entry["order_no"])
        elif entry is not None:
            self.go_to_shift(entry.get("terminal"))

    # -- discrepancies ----------------------------------------------------------------------
    def run_action(self, row: int | None) -> None:
        item = self.current_discrepancy() if row is None else self.discrepancies.row(row)
        if item is None:
            return
        action = kinds.kind(item["kind"]).action
        if action == kinds.IMPORT_SETTLEMENT:
            self.choose_settlement_file(source_of(item))
        elif action == kinds.GO_TO_SHIFT:
            self.go_to_shift(item.get("terminal"))
        elif action == kinds.GO_TO_ANOMALY:
            self.go_to_anomaly(item.get("order_no"))
        elif item.get("order_no"):
            self.open_order(item["order_no"])
        else:  # a late shift close: no order, its window
            self.go_to_shift(item.get("terminal"))

    def go_to_shift(self, terminal: str | None) -> None:
        """The open shift of `terminal` selected; at that window, its 交接班 screen."""
        window = self.window()
        if terminal and terminal == self.ctx.terminal and "shift" in getattr(window, "keys", ()):
            window.show_screen("shift")
            return
        self.tabs.setCurrentIndex(0)
        row = self.shifts.find(lambda s: s["terminal"] == terminal and not s.get("closed_at"))
        if row < 0:
            row = self.shifts.find(lambda s: s["terminal"] == terminal)
        if row >= 0:
            self.shift_table.selectRow(row)
        self.show_error(self.tr("Window {t}'s shift is closed at that window: its clerk closes "
                                "it, or a supervisor takes it over there (Shift → Take over), "
                                "and the window syncs.").format(t=terminal or "?"))

    def go_to_anomaly(self, order_no: str | None) -> None:
        """The order's anomaly on the Anomalies screen; without that screen, the order."""
        window = self.window()
        if "anomalies" not in getattr(window, "keys", ()):
            self.open_order(order_no)
            return
        page = window.show_screen("anomalies")
        model, table = getattr(page, "model", None), getattr(page, "table", None)
        row = model.find(lambda a: a.get("order_no") == order_no) if model else -1
        if row >= 0 and table is not None:
            table.selectRow(row)

    # -- settlement files -------------------------------------------------------------------
    def choose_settlement_file(self, preset: str | None) -> None:
        names = [kinds.source_label(s) for s in kinds.SOURCES]
        at = kinds.SOURCES.index(preset) if preset in kinds.SOURCES else 0
        name, ok = QInputDialog.getItem(self, self.tr("Import settlement"),
                                        self.tr("Whose settlement file?"), names, at, False)
        if not ok:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Settlement file (CSV: order_no, txn_id, amount_fen, fee_fen, date)"),
            "", self.tr("CSV files (*.csv *.txt);;All files (*)"))
        if path:
            self.import_file(kinds.SOURCES[names.index(name)], path)

    def import_file(self, source: str, path: str) -> None:
        (tasks.run(requests.import_settlement, self.ctx, source, path, owner=self)
            .on_success(self._imported).on_failure(self.show_failure))

    def _imported(self, answer: dict[str, Any]) -> None:
        text = self.tr("{source}: {lines} lines, {matched} matched, {unknown} without order, "
                       "{differs} amount differs, {skipped} already imported.").format(
            source=kinds.source_label(answer["source"]), lines=answer["lines"],
            matched=answer["matched"], unknown=answer["unknown_order"],
            differs=answer["amount_differs"], skipped=answer["skipped"])
        self.reload(lambda: self.show_success(text))

    # -- paper ------------------------------------------------------------------------------
    def print_report(self) -> None:
        if self.report is None:
            return
        (tasks.write(requests.print_day_report, self.ctx, self.report, self.ctx.now(),
                     owner=self)
            .on_success(lambda _q: self.show_success(self.tr("Day report of {day} sent to the "
                                                             "printer.").format(
                day=self.report["date"])))
            .on_failure(self.show_failure))

    def reprint_shift(self, shift: dict[str, Any] | None) -> None:
        if shift is None:
            return
        (tasks.write(requests.reprint_z, self.ctx, shift.get("z_report"), self.ctx.now(),
                     owner=self)
            .on_success(lambda q: self.show_success(self.tr(
                "Z report of window {t} ({clerk}) sent to the printer again (reprint {n})."
                ).format(t=shift["terminal"], clerk=shift["clerk"], n=q.reprint_no)))
            .on_failure(self.show_failure))

    def _export(self) -> None:
        from ui.export_dialog import export_day_close

        self.export_runner = export_day_close(self, self._ctx, self.day().isoformat())

    # -- 关账 ---------------------------------------------------------------------------------
    def ask_close(self) -> None:
        """Read the day again first: the box shows the figures the store will close, not
        the ones read when the screen opened (sales go on until the close)."""
        if self.report is None or self.report.get("closed_by"):
            return
        self.reload(self._confirm_close)

    def _confirm_close(self) -> None:
        if self.report is None or self.report.get("closed_by"):
            return
        box = close_confirmation(self, self.report["date"], self.report["totals"],
                                 len(self.report["discrepancies"]))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        seen = dict(self.report["totals"])  # the store refuses the close if they moved
        box.finished.connect(lambda result: self._confirmed(result, self.day(), seen))
        self.confirm_box = box
        box.open()

    def _confirmed(self, result: int, day: Any, seen: dict[str, int]) -> None:
        self.confirm_box = None
        if result == QMessageBox.StandardButton.Yes:
            self.close_day(day, seen)

    def close_day(self, day: Any, seen: dict[str, int] | None = None) -> None:
        (tasks.run(requests.close_day, self.ctx, day, seen, owner=self)
            .on_success(self._closed).on_failure(self._close_refused))

    def _closed(self, report: dict[str, Any]) -> None:
        self.show_report(report)
        self.show_success(self.tr("{day} closed: net {net}.").format(
            day=report["date"], net=format_fen(report["totals"]["net_fen"])))

    def _close_refused(self, exc: BaseException) -> None:
        self.reload(lambda: self.show_failure(exc))  # closed meanwhile: show by whom
