"""Several anomalies at once on the Anomalies screen (mixed into AnomaliesView): rows selected
with Shift/Ctrl are marked resolved or dismissed together, with the note written in the pane,
through `POST /anomalies/batch`; the answer says how many closed and why the others did not.
The words stay in the AnomaliesView translation context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPushButton

from ui import tasks
from ui.anomaly_requests import send_batch
from ui.store_reads import offline_reason, store_online


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnomaliesView", text)


class AnomalyBatch:
    def _build_batch_buttons(self) -> None:
        self.resolve_button = QPushButton(_tr("Mark selected resolved"))
        self.resolve_button.setObjectName("batchResolve")
        self.resolve_button.clicked.connect(lambda: self.run_batch("mark_resolved"))
        self.dismiss_button = QPushButton(_tr("Dismiss selected"))
        self.dismiss_button.setObjectName("batchDismiss")
        self.dismiss_button.clicked.connect(lambda: self.run_batch("dismiss"))

    def selected(self) -> list[dict[str, Any]]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [a for a in (self.model.anomaly(r) for r in rows) if a is not None]

    def _selection_moved(self) -> None:
        online = store_online(self.ctx)
        for button in (self.resolve_button, self.dismiss_button):
            button.setEnabled(online and bool(self.selected()))
            button.setToolTip("" if online else offline_reason())

    def run_batch(self, action: str) -> None:
        chosen = [a for a in self.selected() if a.get("status") == "open"]
        if not chosen or self._busy:
            return
        if not store_online(self.ctx):
            self.show_error(offline_reason())
            return
        note = self.pane.note.text().strip()
        if not note:
            self.show_error(_tr("Write a note first: it is kept with every anomaly."))
            self.pane.note.setFocus()
            return
        self._busy = True
        (tasks.run(send_batch, self.ctx, [a["id"] for a in chosen], action, note, owner=self)
            .on_success(lambda answer: self._batch_done(answer, action, len(chosen)))
            .on_failure(self._refused)
            .on_done(self._idle))

    def _batch_done(self, answer: dict[str, Any], action: str, n: int) -> None:
        """`{results: [{id, outcome, message, anomaly}], closed}`: the closed count, and why
        the others were not (each its own sentence from the store)."""
        self.last_answer = answer
        closed = int(answer.get("closed", n))
        text = (_tr("{n} anomalies marked resolved") if action == "mark_resolved"
                else _tr("{n} anomalies dismissed")).format(n=closed)
        left = [str(r.get("message") or "") for r in answer.get("results") or []
                if r.get("outcome") not in ("resolved", "dismissed")]
        if left:
            text += _tr("; {n} not: {why}").format(n=len(left), why="；".join(
                dict.fromkeys(w for w in left if w)))
            self.show_error(text)
        else:
            self.show_success(text)
        self.pane.note.clear()
        self._keep(answer)
