"""Recent print jobs under the Sell view: what printed, what waits and why; retry and reprint.

A printer problem never blocks a sale: jobs wait in the database and the worker prints them
when the printer is back. Here the clerk sees that and can retry a failed job or reprint this
window's last sale (logged as 重打 N in the order's timeline).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.journal import op_changes
from ui import tasks
from ui.context import ClientContext
from ui.errors import user_message
from ui.models.print_jobs_model import PrintJobsModel
from ui.views.page import make_table

RECENT = 20


def load_recent(ctx: ClientContext) -> tuple[list[Any], str | None]:
    """The newest jobs, and the order number of this window's last sale (what 重打上一单
    reprints)."""
    from app.services.prints import print_jobs, reprint

    with ctx.session() as session:
        jobs = list(print_jobs.recent(session, RECENT))
    with ctx.session() as session:
        last = reprint.last_sale(session, terminal=ctx.terminal, device_id=ctx.device_id)
    return jobs, last


def retry_job(ctx: ClientContext, job_id: str, now: Any) -> Any:
    from app.services.prints import print_jobs

    with ctx.session() as session:
        return print_jobs.retry(session, job_id, now=now)


def reprint_order(ctx: ClientContext, order_no: str, now: Any) -> Any:
    from app.services.prints import reprint

    with ctx.session() as session:
        return reprint.reprint(session, order_no, receipt=True, actor=ctx.actor(), now=now)


class PrintJobsPanel(QWidget):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("printJobs")
        self.last_order_no: str | None = None
        self._note = ""  # what the last click did, shown with the next counts
        venue = ctx.venue()
        self.model = PrintJobsModel(venue.local, self)
        self.table = make_table("printJobsTable", self.model,
                                selection=QAbstractItemView.SelectionMode.SingleSelection,
                                focus=Qt.FocusPolicy.ClickFocus)
        self.table.setMaximumHeight(132)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Print the selected failed job again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.reprint_button = QPushButton(self.tr("Reprint last order"))
        self.reprint_button.clicked.connect(self.reprint_last)
        for button in (self.retry_button, self.reprint_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        title = QLabel(self.tr("Print jobs"))
        title.setObjectName("sectionTitle")
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.retry_button)
        bar.addWidget(self.reprint_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        if ctx.printer is not None:
            ctx.printer.changed.connect(self.refresh)
        self.refresh()

    def focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def refresh(self) -> None:
        (tasks.run(load_recent, self.ctx, owner=self)
            .on_success(self._loaded)
            .on_failure(lambda exc: self.status.setText(user_message(exc))))

    def _loaded(self, loaded: tuple[list[Any], str | None]) -> None:
        jobs, self.last_order_no = loaded
        self._say_what_reprints()
        selected = self.selected_job()
        self.model.set_jobs(jobs)
        failed = sum(1 for j in jobs if j.status == "failed")
        waiting = sum(1 for j in jobs if j.status in ("pending", "printing"))
        parts = []
        if waiting:
            parts.append(self.tr("{n} waiting").format(n=waiting))
        if failed:
            parts.append(self.tr("{n} failed").format(n=failed))
        if self._note:
            parts.insert(0, self._note)
            self._note = ""
        self.status.setText(" · ".join(parts))
        if selected is not None:
            for row, job in enumerate(jobs):
                if job.id == selected.id:
                    self.table.selectRow(row)

    def selected_job(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.job(rows[0].row()) if rows else None

    def retry_selected(self) -> None:
        job = self.selected_job()
        if job is None or job.status != "failed":
            job = next((j for j in self.model.jobs() if j.status == "failed"), None)
        if job is None:
            self.status.setText(self.tr("No failed job to retry."))
            return
        (tasks.write(retry_job, self.ctx, job.id, self.ctx.now(), owner=self,
                     changes=op_changes.PRINT_RETRIED)
            .on_success(lambda _r: self._after(self.tr("Job queued again.")))
            .on_failure(lambda exc: self.status.setText(user_message(exc))))

    def _say_what_reprints(self) -> None:
        if self.last_order_no:
            self.reprint_button.setToolTip(self.tr(
                "Print the tickets and receipt of this window's last sale, {order_no}, again, "
                "marked as a reprint").format(order_no=self.last_order_no))
        else:
            self.reprint_button.setToolTip(self.tr("No order to reprint yet."))

    def reprint_last(self) -> None:
        """This window's last sale — not the order of the job selected in the list (the
        button says 上一单; a refund slip or another clerk's job may be selected)."""
        order_no = self.last_order_no
        if not order_no:
            self.status.setText(self.tr("No order to reprint yet."))
            return
        (tasks.write(reprint_order, self.ctx, order_no, self.ctx.now(), owner=self)
            .on_success(lambda r: self._after(self.tr("Reprint {n} of {order_no} queued.").format(
                n=r.reprint_no, order_no=order_no)))
            .on_failure(lambda exc: self.status.setText(user_message(exc))))

    def _after(self, text: str) -> None:
        self._note = text
        self.refresh()
