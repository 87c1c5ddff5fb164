"""Excel exports from the central store (DESIGN.md §15), for any screen's 导出 Excel button:

    export_dialog.export_orders(self, ctx, {"channel": "ota_meituan", "status": "anomaly"})
    export_dialog.export_day_close(self, ctx, "2026-12-06")

Asks where to save (a dated name in Downloads), then downloads in a worker off the GUI thread
(`StoreClient.download`) under a progress dialog: a busy bar while the store writes the file,
then kilobytes received of the announced size. 取消 aborts the request and leaves no partial
file. The end says how many rows went where, with 打开所在文件夹. Offline there is nothing to
export: the files come from the central store, and the window says so.

`choose_path` and `open_folder` are module attributes so tests can stand in for the file
dialog and the desktop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from ui import tasks
from ui.context import ClientContext
from ui.errors import user_message

translate = QCoreApplication.translate
ORDERS_PATH = "/orders/export"
DAY_CLOSE_PATH = "/reports/day-close/export"


# -- what tests stand in for ---------------------------------------------------------------------
def _ask_save_path(parent: QWidget | None, title: str, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent, title, suggested, translate("ExportDialog", "Excel workbook (*.xlsx)"))
    return path


def _open_in_desktop(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


choose_path = _ask_save_path
open_folder = _open_in_desktop


def default_folder() -> Path:
    """The user's Downloads folder when there is one, else home."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    for candidate in (Path(found) if found else None, Path.home() / "Downloads"):
        if candidate is not None and candidate.is_dir():
            return candidate
    return Path.home()


def _stamp(ctx: ClientContext) -> str:
    return f"{ctx.venue().local(ctx.now()):%Y%m%d-%H%M}"


# -- the public entries --------------------------------------------------------------------------
def export_orders(parent: QWidget | None, ctx: ClientContext,
                  params: dict[str, Any]) -> ExportRunner:
    """Every order matching `params` (the `GET /orders` filters) into a workbook."""
    name = translate("ExportDialog", "Orders export") + f"-{_stamp(ctx)}.xlsx"
    return ExportRunner(parent, ctx, ORDERS_PATH, dict(params), name,
                        translate("ExportDialog", "Export orders")).start()


def export_day_close(parent: QWidget | None, ctx: ClientContext, day: str) -> ExportRunner:
    """The day close of `day` (`YYYY-MM-DD`) into a workbook."""
    name = translate("ExportDialog", "Day close") + f"-{day.replace('-', '')}.xlsx"
    return ExportRunner(parent, ctx, DAY_CLOSE_PATH, {"date": day}, name,
                        translate("ExportDialog", "Export day close")).start()


def _kb(size: int) -> str:
    return translate("ExportDialog", "{kb} KB").format(kb=f"{size / 1024:,.0f}")


def _offline(ctx: ClientContext) -> bool:
    return ctx.store is None or (ctx.sync is not None and not ctx.sync.online)


class ExportRunner(QObject):
    """One export from asking for the file to the final notice. `state`: idle (the user
    did not choose a file), running, done, cancelled, failed, offline; `finished(state)`
    fires once at the end; `progress` and `notice` are the dialogs shown."""

    finished = Signal(str)
    _progressed = Signal(int, int)  # received, total (-1: unknown); from the worker

    def __init__(self, parent: QWidget | None, ctx: ClientContext, path: str,
                 params: dict[str, Any], suggested: str, title: str) -> None:
        super().__init__(parent)
        self._parent, self.ctx, self.path, self.params = parent, ctx, path, params
        self.suggested, self.title = suggested, title
        self.state = "idle"
        self.dest: Path | None = None
        self.rows: int | None = None
        self.progress: QProgressDialog | None = None
        self.notice: QMessageBox | None = None
        self._cancel = threading.Event()
        self._progressed.connect(self._show_progress)

    # -- steps (GUI thread) -------------------------------------------------------------------
    def start(self) -> ExportRunner:
        if _offline(self.ctx):
            self.state = "offline"
            self._tell(QMessageBox.Icon.Information, translate(
                "ExportDialog", "Offline: exports come from the central store. Connect to "
                                "the network and export again."))
            self.finished.emit(self.state)
            return self
        chosen = choose_path(self._parent, self.title, str(default_folder() / self.suggested))
        if not chosen:
            return self  # the user closed the file dialog
        self.dest = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        self.state = "running"
        self.progress = self._progress_dialog()
        tasks.run(self._download, owner=self).on_success(self._done).on_failure(self._failed)
        return self

    def cancel(self) -> None:
        """取消: the dialog goes now; the worker stops at the next chunk (or when the store
        answers) and removes the partial file."""
        self._cancel.set()
        self._close_progress()

    def _progress_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog(translate("ExportDialog", "The central store is writing the "
                                                           "file…"),
                                 translate("ExportDialog", "Cancel"), 0, 0, self._parent)
        dialog.setWindowTitle(self.title)
        dialog.setObjectName("exportProgress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        return dialog

    def _show_progress(self, received: int, total: int) -> None:
        dialog = self.progress  # setValue of a modal dialog runs events: the end may come
        if dialog is None or self._cancel.is_set():
            return
        got = _kb(received)
        if total > 0:
            dialog.setLabelText(translate("ExportDialog", "Received {got} of {total}")
                                .format(got=got, total=_kb(total)))
            dialog.setRange(0, max(total // 1024, 1))
            dialog.setValue(min(received // 1024, total // 1024))
        else:
            dialog.setLabelText(translate("ExportDialog", "Received {got}").format(got=got))

    # -- the worker (no widget) -----------------------------------------------------------------
    def _download(self) -> Any:
        return self.ctx.store.download(
            self.path, self.params, self.dest, cancelled=self._cancel.is_set,
            on_progress=lambda got, total: self._progressed.emit(got, -1 if total is None
                                                                 else total))

    # -- the end (GUI thread) -----------------------------------------------------------------
    def _done(self, result: Any) -> None:
        self._close_progress()
        if self._cancel.is_set():  # finished while 取消 was on its way: the user said no
            Path(result.path).unlink(missing_ok=True)
            self._end("cancelled")
            return
        self.rows = result.rows
        text = translate("ExportDialog", "Exported {rows} rows to {path}").format(
            rows=f"{result.rows:,}" if result.rows is not None else "?", path=result.path)
        box = self._tell(QMessageBox.Icon.Information, text)
        folder = box.addButton(translate("ExportDialog", "Open containing folder"),
                               QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: open_folder(Path(result.path).parent))
        self._end("done")

    def _failed(self, exc: BaseException) -> None:
        from sync.transport import DownloadCancelled, TransientError

        self._close_progress()
        if isinstance(exc, DownloadCancelled):
            self._end("cancelled")
            return
        text = user_message(exc)
        if isinstance(exc, TransientError):
            text = translate("ExportDialog", "Could not reach the central store; exports come "
                                             "from it. {why}").format(why=exc.message)
        self._tell(QMessageBox.Icon.Warning, text)
        self._end("failed")

    def _tell(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, self.title, text, QMessageBox.StandardButton.Close, self._parent)
        box.setObjectName("exportNotice")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.notice = box
        return box

    def _close_progress(self) -> None:
        dialog, self.progress = self.progress, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)  # closing it is not the user's 取消
            dialog.close()
            dialog.deleteLater()

    def _end(self, state: str) -> None:
        self.state = state
        self.finished.emit(state)
