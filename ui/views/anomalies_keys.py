"""The keys of the Anomalies screen (mixed into AnomaliesView): in the list Enter runs the
recommended fix and Ctrl+PgUp/PgDn change the category; Ctrl+N goes to the note, F5 shows the
anomalies that arrived meanwhile."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PAGE_KEYS = (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class AnomalyKeys:
    def _install_keys(self) -> None:
        self.table.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+N"), self, self.pane.note.setFocus)
        QShortcut(QKeySequence("F5"), self, self.insert_new)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            return self._table_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)  # type: ignore[misc]

    def _table_key(self, event: QKeyEvent) -> bool:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.key() in ENTER and not ctrl:
            fix = self.pane.recommended()
            if fix is not None:
                self.request_fix(fix)
            return True
        if ctrl and event.key() in PAGE_KEYS:
            step = -1 if event.key() == Qt.Key.Key_PageUp else 1
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
            return True
        return False
